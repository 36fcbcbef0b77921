import { describe, expect, it } from 'vitest'
import { parseCertificate } from '../../src/saml/certificate'
import { bareCertificate, makeSignedResponse, replaceOnce } from '../helpers/test-idp'
import { certOf, EC, reasonOf, signedCases, signedFiles, verify, xmlOf } from './xmlsec-signed'

/** The SignatureValue of the first Signature as bytes, and a way to put other bytes in its place. */
function signatureValue(xml: string) {
  const match = /<ds:SignatureValue>([^<]*)<\/ds:SignatureValue>/.exec(xml)
  if (!match?.[1]) throw new Error('no SignatureValue')
  const bytes = Uint8Array.from(atob(match[1].replace(/\s/g, '')), (c) => c.charCodeAt(0))
  const withBytes = (other: Uint8Array) => replaceOnce(xml, match[0], `<ds:SignatureValue>${btoa(String.fromCharCode(...other))}</ds:SignatureValue>`)
  return { bytes, withBytes }
}

describe('signatures made by xmlsec1 with the algorithms of XMLDSig 1.1 and RFC 6931', () => {
  it('has a signed file for every case, and a case for every signed file', () => {
    expect(Object.keys(signedFiles).map((p) => p.split('/').pop()).sort()).toEqual(signedCases.map((c) => c.file).sort())
  })

  it.each(signedCases)('$about ($file)', async (c) => {
    const xml = xmlOf(c.file)
    expect(xml).toContain(`<ds:SignatureMethod Algorithm="${c.signatureMethod}"/>`)
    expect(xml).toContain(`<ds:DigestMethod Algorithm="${c.digestMethod}"/>`)
    const result = await verify(xml, { certificates: [certOf(c.certificate)], ...c.config })
    if (c.refused) expect(result).toMatchObject({ ok: false, failure: { reason: c.refused } })
    else expect(result).toMatchObject({ ok: true, value: { nameId: c.nameId, assertionId: c.assertionId } })
  })

  it.each([
    ['ecdsa-p256-sha256.xml', 64],
    ['ecdsa-p384-sha384.xml', 96],
    ['ecdsa-p521-sha512.xml', 132],
  ])('%s carries r||s (%i bytes), not a DER SEQUENCE', (file, length) => {
    expect(signatureValue(xmlOf(file)).bytes.byteLength).toBe(length)
  })
})

describe('ECDSA signatures are refused when anything is off', () => {
  const p256 = () => xmlOf('ecdsa-p256-sha256.xml')

  it('refuses a signature with one bit flipped in r, and one in s', async () => {
    const { bytes, withBytes } = signatureValue(p256())
    for (const at of [5, 40]) {
      const tampered = Uint8Array.from(bytes)
      tampered[at] = (tampered[at] ?? 0) ^ 0x01
      expect(await reasonOf(withBytes(tampered), { certificates: [EC.p256] })).toBe('signature_invalid')
    }
  })

  it('refuses the same signature DER-encoded, as some non-conforming signers send it', async () => {
    const { bytes, withBytes } = signatureValue(p256())
    const integer = (b: Uint8Array) => {
      const trimmed = b.subarray(b.findIndex((x) => x !== 0))
      const padded = (trimmed[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed
      return [0x02, padded.byteLength, ...padded]
    }
    const body = [...integer(bytes.subarray(0, 32)), ...integer(bytes.subarray(32))]
    expect(await reasonOf(withBytes(Uint8Array.of(0x30, body.length, ...body)), { certificates: [EC.p256] })).toBe('signature_invalid')
  })

  it('refuses signed content changed after signing', async () => {
    const xml = replaceOnce(p256(), '>ada@example.com<', '>eve@example.com<')
    expect(await reasonOf(xml, { certificates: [EC.p256] })).toBe('digest_mismatch')
  })

  it('refuses a signature checked against another EC certificate, of the same curve or another', async () => {
    expect(await reasonOf(p256(), { certificates: [EC.p384, EC.p521] })).toBe('signature_invalid')
    expect(await reasonOf(xmlOf('ecdsa-p384-sha384.xml'), { certificates: [EC.p256] })).toBe('signature_invalid')
  })

  it('refuses ecdsa-sha1 even where the connection allows SHA-1 (the exception is for RSA IdPs)', async () => {
    const xml = replaceOnce(p256(), 'xmldsig-more#ecdsa-sha256', 'xmldsig-more#ecdsa-sha1')
    expect(await reasonOf(xml, { certificates: [EC.p256], allowSha1: true })).toBe('algorithm_not_allowed')
  })

  it.each([
    ['DSA', 'http://www.w3.org/2000/09/xmldsig#dsa-sha1'],
    ['DSA-SHA256', 'http://www.w3.org/2009/xmldsig11#dsa-sha256'],
    ['HMAC-SHA256', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256'],
  ])('refuses %s as SignatureMethod', async (_name, uri) => {
    const xml = replaceOnce(p256(), 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', uri)
    expect(await reasonOf(xml, { certificates: [EC.p256] })).toBe('algorithm_not_allowed')
  })
})

describe('the key in the certificate must be of the family the SignatureMethod names', () => {
  it('refuses an EC certificate for an RSA SignatureMethod', async () => {
    expect(await reasonOf(xmlOf('rsa-sha384.xml'), { certificates: [EC.p256] })).toBe('certificate_key_mismatch')
    expect(await reasonOf(makeSignedResponse(), { certificates: [EC.p384] })).toBe('certificate_key_mismatch')
  })

  it('refuses an ECDSA signature relabelled as RSA-SHA256, before any key is tried', async () => {
    const xml = replaceOnce(xmlOf('ecdsa-p256-sha256.xml'), 'xmldsig-more#ecdsa-sha256', 'xmldsig-more#rsa-sha256')
    const result = await verify(xml, { certificates: [EC.p256] })
    expect(result).toEqual({ ok: false, failure: { reason: 'certificate_key_mismatch', algorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' } })
  })

  it('refuses an RSA certificate for an ECDSA SignatureMethod', async () => {
    expect(await reasonOf(xmlOf('ecdsa-p521-sha512.xml'), { certificates: [bareCertificate('idp')] })).toBe('certificate_key_mismatch')
  })

  it('uses only the matching certificates when a connection has both kinds (an IdP moving from RSA to EC)', async () => {
    const both = { certificates: [bareCertificate('idp'), EC.p256] }
    expect(await reasonOf(xmlOf('ecdsa-p256-sha256.xml'), both)).toBe('accepted')
    expect(await reasonOf(makeSignedResponse(), both)).toBe('accepted')
  })

  it.each(['ed25519.cert.pem', 'ec-secp256k1.cert.pem'])('parses %s, whose key it cannot use, and never verifies with it', async (file) => {
    const cert = certOf(file)
    expect(parseCertificate(cert)).toMatchObject({ certificate: cert, publicKey: null })
    expect(await reasonOf(xmlOf('ecdsa-p256-sha256.xml'), { certificates: [cert] })).toBe('certificate_key_mismatch')
  })

  it.each([
    ['ec-p256.cert.pem', 'P-256'],
    ['ec-p384.cert.pem', 'P-384'],
    ['ec-p521.cert.pem', 'P-521'],
  ])('reads the curve of %s as %s', (file, curve) => {
    expect(parseCertificate(certOf(file))?.publicKey).toEqual({ family: 'EC', curve })
  })
})
