import { describe, expect, it } from 'vitest'
import { verifySamlResponse, type SamlFailure, type SamlResponseConfig } from '../../src/saml'
import { findDuplicateId } from '../../src/saml/signature'
import { descendantElements, parseXmlTree } from '../../src/saml/xml-tree'
import {
  bareCertificate,
  elementXml,
  insertAfter,
  makeConfig,
  makeSignedResponse,
  NOW,
  replaceElement,
  replaceOnce,
  toBase64,
} from '../helpers/test-idp'

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
const C14N10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
const C14N11 = 'http://www.w3.org/2006/12/xml-c14n11'

const reasonOf = async (xml: string, config: Partial<SamlResponseConfig> = {}) => {
  const result = await verifySamlResponse({ samlResponseBase64: toBase64(xml) }, makeConfig(config), NOW)
  return result.ok ? 'accepted' : result.failure.reason
}

/** Edits the first Signature of a Response-signed response; checks that run before crypto see the change. */
const editSignature = (edit: (xml: string) => string) => edit(makeSignedResponse({ sign: 'response' }))

describe('verifyEnvelopedSignature holds signatures to the shape SAML allows', () => {
  const cases: { name: string; xml: () => string; reason: SamlFailure['reason'] | 'accepted' }[] = [
    {
      name: 'a CanonicalizationMethod with comments',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>`, `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}WithComments"/>`)),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'Canonical XML 1.0 with comments as the CanonicalizationMethod',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>`, `<ds:CanonicalizationMethod Algorithm="${C14N10}#WithComments"/>`)),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'Canonical XML 1.1 with comments as the CanonicalizationMethod',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>`, `<ds:CanonicalizationMethod Algorithm="${C14N11}#WithComments"/>`)),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'Canonical XML 1.1 with comments as the Reference transform',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:Transform Algorithm="${EXC_C14N}"/>`, `<ds:Transform Algorithm="${C14N11}#WithComments"/>`)),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'inclusive C14N as the CanonicalizationMethod of a SignedInfo signed under exc-c14n',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>`, `<ds:CanonicalizationMethod Algorithm="${C14N10}"/>`)),
      reason: 'signature_invalid',
    },
    {
      name: 'an HMAC SignatureMethod',
      xml: () => editSignature((x) => x.replace('xmldsig-more#rsa-sha256', 'xmldsig#hmac-sha1')),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'a SHA-1 DigestMethod under an RSA-SHA256 signature',
      xml: () => editSignature((x) => x.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1')),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'an XPath transform',
      xml: () =>
        editSignature((x) =>
          insertAfter(x, '<ds:Transforms>', '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform>'),
        ),
      reason: 'algorithm_not_allowed',
    },
    {
      name: 'no exc-c14n transform, in a SignedInfo signed with it (inclusive C14N 1.0 applies, and SignedInfo changed)',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:Transform Algorithm="${EXC_C14N}"/>`, '')),
      reason: 'signature_invalid',
    },
    {
      name: 'the canonicalization transform before the enveloped-signature transform',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:Transform Algorithm="${ENVELOPED}"/><ds:Transform Algorithm="${EXC_C14N}"/>`, `<ds:Transform Algorithm="${EXC_C14N}"/><ds:Transform Algorithm="${ENVELOPED}"/>`)),
      reason: 'malformed_signature',
    },
    {
      name: 'two canonicalization transforms',
      xml: () => editSignature((x) => insertAfter(x, `<ds:Transform Algorithm="${EXC_C14N}"/>`, `<ds:Transform Algorithm="${C14N11}"/>`)),
      reason: 'malformed_signature',
    },
    {
      name: 'no enveloped-signature transform',
      xml: () => editSignature((x) => replaceOnce(x, `<ds:Transform Algorithm="${ENVELOPED}"/>`, '')),
      reason: 'malformed_signature',
    },
    {
      name: 'two References',
      xml: () => editSignature((x) => insertAfter(x, '</ds:Reference>', elementXml(x, 'ds:Reference'))),
      reason: 'reference_mismatch',
    },
    {
      name: 'a Reference to the whole document (URI="")',
      xml: () => editSignature((x) => x.replace(/URI="#[^"]*"/, 'URI=""')),
      reason: 'reference_mismatch',
    },
    {
      name: 'two Signatures on the Response',
      xml: () => editSignature((x) => insertAfter(x, '</ds:Signature>', elementXml(x, 'ds:Signature'))),
      reason: 'malformed_signature',
    },
    {
      name: 'a DigestValue that is not base64',
      xml: () => editSignature((x) => replaceElement(x, 'ds:DigestValue', '<ds:DigestValue>*not base64*</ds:DigestValue>')),
      reason: 'malformed_signature',
    },
    {
      name: 'no SignatureValue',
      xml: () => editSignature((x) => replaceElement(x, 'ds:SignatureValue', '')),
      reason: 'malformed_signature',
    },
    {
      name: 'KeyInfo swapped for the attacker certificate (KeyInfo is never trusted)',
      xml: () => editSignature((x) => replaceElement(x, 'ds:X509Certificate', `<ds:X509Certificate>${bareCertificate('attacker')}</ds:X509Certificate>`)),
      reason: 'accepted',
    },
    {
      name: 'KeyInfo removed',
      xml: () => editSignature((x) => replaceElement(x, 'ds:KeyInfo', '')),
      reason: 'accepted',
    },
  ]

  it.each(cases)('$name -> $reason', async ({ xml, reason }) => {
    expect(await reasonOf(xml())).toBe(reason)
  })

  it('refuses an RSA-SHA1 signature unless allowSha1, and then accepts it', async () => {
    const xml = makeSignedResponse({ signing: { algorithm: 'sha1' } })
    expect(await reasonOf(xml)).toBe('algorithm_not_allowed')
    expect(await reasonOf(xml, { allowSha1: true })).toBe('accepted')
  })

  it('does not let a signature verify against a certificate that is not configured', async () => {
    const xml = makeSignedResponse({ signing: { key: 'idp-rollover' } })
    expect(await reasonOf(xml)).toBe('signature_invalid')
    expect(await reasonOf(xml, { certificates: [bareCertificate('idp-rollover')] })).toBe('accepted')
  })

  it('ignores a configured certificate that is not RSA-capable or not a certificate', async () => {
    const xml = makeSignedResponse()
    expect(await reasonOf(xml, { certificates: ['AAAA', bareCertificate('idp')] })).toBe('accepted')
  })
})

describe('findDuplicateId', () => {
  const root = (xml: string) => {
    const parsed = parseXmlTree(xml, 1 << 16)
    if (!parsed.ok) throw new Error('fixture did not parse')
    return parsed.value
  }

  it('finds an ID shared by two elements, whatever the casing of the attribute name', () => {
    expect(findDuplicateId(root('<a ID="x"><b Id="x"/></a>'))).toBe('x')
    expect(findDuplicateId(root('<a ID="x"><b id="y"/><c ID="y"/></a>'))).toBe('y')
  })

  it('returns null when every ID is unique, and ignores namespaced ID attributes', () => {
    const tree = root('<a ID="x" xmlns:p="urn:p"><b ID="y" p:ID="x"/></a>')
    expect(descendantElements(tree)).toHaveLength(2)
    expect(findDuplicateId(tree)).toBeNull()
  })
})
