import { deflateSync, inflateSync } from 'fflate'
import { RSA_SHA256 } from './algorithms'
import { bytesToBase64 } from './certificate'
import { SAML_ASSERTION_NS } from './conditions'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_SAML_RESPONSE_BYTES } from './limits'
import { signEnvelopedXml } from './sign'
import { escapeXml } from './xml-escape'
import { attributeValue, childElements, parseXmlTree, textContent } from './xml-tree'

export interface AuthnRequestInput {
  id: string
  issueInstant: number
  destination: string
  acsUrl: string
  spEntityId: string
  forceAuthn: boolean
  /** NameIDPolicy Format (SAML Core §3.4.1.1); the connection's `nameIdFormat`. */
  nameIdFormat: string
}

/** A SAML 2.0 AuthnRequest (SAML Core §3.4.1) asking for an HTTP-POST response to our ACS. */
export function buildAuthnRequest(r: AuthnRequestInput): string {
  return [
    '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"',
    ` ID="${escapeXml(r.id)}" Version="2.0" IssueInstant="${new Date(r.issueInstant).toISOString()}"`,
    ` Destination="${escapeXml(r.destination)}" AssertionConsumerServiceURL="${escapeXml(r.acsUrl)}"`,
    ` ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"${r.forceAuthn ? ' ForceAuthn="true"' : ''}>`,
    `<saml:Issuer>${escapeXml(r.spEntityId)}</saml:Issuer>`,
    `<samlp:NameIDPolicy Format="${escapeXml(r.nameIdFormat)}" AllowCreate="true"/>`,
    '</samlp:AuthnRequest>',
  ].join('')
}

/**
 * The HTTP-Redirect binding (SAML Bindings §3.4.4): raw DEFLATE, base64, URL-encoded, and when a
 * key is given, an RSA-SHA256 signature over `SAMLRequest=…&RelayState=…&SigAlg=…`.
 */
export async function encodeRedirect(ssoUrl: string, xml: string, relayState: string, signingKey: CryptoKey | null): Promise<string> {
  const samlRequest = bytesToBase64(deflateSync(new TextEncoder().encode(xml)))
  let query = `SAMLRequest=${encodeURIComponent(samlRequest)}&RelayState=${encodeURIComponent(relayState)}`
  if (signingKey) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`
    const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', signingKey, new TextEncoder().encode(query))
    query += `&Signature=${encodeURIComponent(bytesToBase64(sig))}`
  }
  return `${ssoUrl}${ssoUrl.includes('?') ? '&' : '?'}${query}`
}

/**
 * The HTTP-POST binding (SAML Bindings §3.5): the AuthnRequest as plain base64 form fields for an
 * auto-submitting form; when a key is given, it carries an enveloped XML signature instead.
 */
export async function encodePost(
  xml: string,
  requestId: string,
  relayState: string,
  signing: { key: CryptoKey; certificatePem: string } | null,
): Promise<{ SAMLRequest: string; RelayState: string }> {
  const body = signing ? await signEnvelopedXml(xml, requestId, signing.key, signing.certificatePem) : xml
  return { SAMLRequest: bytesToBase64(new TextEncoder().encode(body)), RelayState: relayState }
}

/** Imports a PKCS#8 PEM RSA key for RSA-SHA256 signing. */
export async function importSigningKey(pkcs8Pem: string): Promise<CryptoKey> {
  const b64 = pkcs8Pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '')
  const der = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
}

/** The parts of an HTTP-Redirect AuthnRequest an IdP answers to (used by the development IdP). */
export function parseAuthnRequest(samlRequest: string): Result<{ id: string; acsUrl: string; issuer: string }, SamlFailure> {
  let xml: string
  try {
    xml = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(samlRequest), (c) => c.charCodeAt(0))))
  } catch {
    return fail({ reason: 'invalid_base64' })
  }
  const tree = parseXmlTree(xml, MAX_SAML_RESPONSE_BYTES)
  if (!tree.ok) return tree
  const root = tree.value
  const issuer = childElements(root, SAML_ASSERTION_NS, 'Issuer')[0]
  return ok({
    id: attributeValue(root, 'ID') ?? '',
    acsUrl: attributeValue(root, 'AssertionConsumerServiceURL') ?? '',
    issuer: issuer ? textContent(issuer).trim() : '',
  })
}
