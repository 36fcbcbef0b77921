import { describe, expect, it } from 'vitest'
import { buildSpMetadata } from '../../src/saml'
import { PUBLISHED_ENCRYPTION_METHODS } from '../../src/saml/encryption-algorithms'
import { attributeValue, childElements, descendantElements, parseXmlTree, textContent, type XmlElementNode } from '../../src/saml/xml-tree'
import encryptionCert from '../fixtures/keys/sp-encryption.cert.pem?raw'
import nextEncryptionCert from '../fixtures/keys/sp-encryption-next.cert.pem?raw'
import signingCert from '../fixtures/keys/sp.cert.pem?raw'
import nextSigningCert from '../fixtures/keys/sp-next.cert.pem?raw'

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const bare = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

function parse(xml: string): XmlElementNode {
  const tree = parseXmlTree(xml, 1 << 20)
  if (!tree.ok) throw new Error(JSON.stringify(tree.failure))
  return tree.value
}

/** use -> the certificates of the KeyDescriptors with that use, in document order. */
function keyDescriptors(root: XmlElementNode): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const kd of descendantElements(root).filter((el) => el.namespaceUri === MD && el.localName === 'KeyDescriptor')) {
    const cert = descendantElements(kd).find((el) => el.localName === 'X509Certificate')
    ;(out[attributeValue(kd, 'use') ?? ''] ??= []).push(cert ? textContent(cert) : '')
  }
  return out
}

const input = { entityId: 'https://sp.example.test/saml/metadata', acsUrl: 'https://sp.example.test/saml/acs', wantAssertionsSigned: false }

describe('buildSpMetadata', () => {
  it('publishes the current and next signing certificates, and the current and next encryption certificates', () => {
    const root = parse(buildSpMetadata({ ...input, signingCertificates: [signingCert, nextSigningCert], encryptionCertificates: [encryptionCert, nextEncryptionCert] }))
    expect(keyDescriptors(root)).toEqual({ signing: [bare(signingCert), bare(nextSigningCert)], encryption: [bare(encryptionCert), bare(nextEncryptionCert)] })
    const sp = childElements(root, MD, 'SPSSODescriptor')[0]!
    expect(attributeValue(sp, 'AuthnRequestsSigned')).toBe('true')
  })

  it('lists the accepted EncryptionMethods in every encryption KeyDescriptor, GCM first, with the OAEP parameters WebCrypto decrypts', () => {
    const root = parse(buildSpMetadata({ ...input, signingCertificates: [], encryptionCertificates: [encryptionCert, nextEncryptionCert] }))
    const encryption = descendantElements(root).filter((el) => el.localName === 'KeyDescriptor' && attributeValue(el, 'use') === 'encryption')
    expect(encryption).toHaveLength(2)
    for (const kd of encryption) {
      const methods = childElements(kd, MD, 'EncryptionMethod')
      expect(methods.map((m) => attributeValue(m, 'Algorithm'))).toEqual(PUBLISHED_ENCRYPTION_METHODS.map((m) => m.algorithm))
      expect(methods.map((m) => attributeValue(m, 'Algorithm')).findIndex((a) => a?.endsWith('-cbc'))).toBeGreaterThan(
        methods.map((m) => attributeValue(m, 'Algorithm')).findLastIndex((a) => a?.endsWith('-gcm')),
      )
      const oaep = methods.find((m) => attributeValue(m, 'Algorithm') === 'http://www.w3.org/2009/xmlenc11#rsa-oaep')!
      const digest = childElements(oaep, 'http://www.w3.org/2000/09/xmldsig#', 'DigestMethod')[0]!
      const mgf = childElements(oaep, 'http://www.w3.org/2009/xmlenc11#', 'MGF')[0]!
      expect([attributeValue(digest, 'Algorithm'), attributeValue(mgf, 'Algorithm')]).toEqual([
        'http://www.w3.org/2001/04/xmlenc#sha256',
        'http://www.w3.org/2009/xmlenc11#mgf1sha256',
      ])
    }
    expect(keyDescriptors(root).signing).toBeUndefined()
    expect(attributeValue(childElements(root, MD, 'SPSSODescriptor')[0]!, 'AuthnRequestsSigned')).toBe('false')
  })

  it('says WantAssertionsSigned as the connection enforces it: false by default (a signed Response also counts), true when the Assertion must be signed itself', () => {
    const want = (wantAssertionsSigned: boolean) =>
      attributeValue(childElements(parse(buildSpMetadata({ ...input, wantAssertionsSigned, signingCertificates: [], encryptionCertificates: [] })), MD, 'SPSSODescriptor')[0]!, 'WantAssertionsSigned')
    expect([want(false), want(true)]).toEqual(['false', 'true'])
  })

  it('with no keys configured, has no KeyDescriptor', () => {
    const root = parse(buildSpMetadata({ ...input, signingCertificates: [], encryptionCertificates: [] }))
    expect(keyDescriptors(root)).toEqual({})
  })
})
