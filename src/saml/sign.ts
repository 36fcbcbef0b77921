import { DIGEST_SHA256, ENVELOPED_SIGNATURE, EXC_C14N, RSA_SHA256, XMLDSIG_NS } from './algorithms'
import { bytesToBase64, toBareBase64 } from './certificate'
import { canonicalize } from './c14n'
import { MAX_SAML_RESPONSE_BYTES } from './limits'
import { parseXmlTree } from './xml-tree'

function canonicalOf(xml: string): string {
  const tree = parseXmlTree(xml, MAX_SAML_RESPONSE_BYTES)
  if (!tree.ok) throw new Error(`cannot canonicalize: ${tree.failure.reason}`)
  const canonical = canonicalize(tree.value)
  if (!canonical.ok) throw new Error(`cannot canonicalize: ${canonical.failure.reason}`)
  return canonical.value
}

/**
 * Signs a standalone SAML element (an Assertion, or an AuthnRequest for the HTTP-POST binding;
 * it must declare every namespace it uses) with an enveloped RSA-SHA256 / exclusive-c14n
 * signature placed right after its saml:Issuer (SAML Core §5.4.1).
 * Used by the development IdP for assertions and by the SP for POST-binding AuthnRequests.
 */
export async function signEnvelopedXml(assertionXml: string, assertionId: string, key: CryptoKey, certificatePem: string): Promise<string> {
  const enc = new TextEncoder()
  const digest = bytesToBase64(await crypto.subtle.digest('SHA-256', enc.encode(canonicalOf(assertionXml))))
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${XMLDSIG_NS}"><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/><ds:SignatureMethod Algorithm="${RSA_SHA256}"/>` +
    `<ds:Reference URI="#${assertionId}"><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"/><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${DIGEST_SHA256}"/><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`
  const signature = bytesToBase64(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, enc.encode(canonicalOf(signedInfo))))
  const element =
    `<ds:Signature xmlns:ds="${XMLDSIG_NS}">${signedInfo}<ds:SignatureValue>${signature}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${toBareBase64(certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`
  const at = assertionXml.indexOf('</saml:Issuer>')
  if (at < 0) throw new Error('assertion has no saml:Issuer')
  const cut = at + '</saml:Issuer>'.length
  return assertionXml.slice(0, cut) + element + assertionXml.slice(cut)
}
