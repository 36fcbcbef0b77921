import { describe, expect, it } from 'vitest'
import { base64ToBytes, parseCertificate, toBareBase64, toPem } from '../../src/saml/certificate'
import expected from '../fixtures/metadata/expected.json'
import attackerPem from '../fixtures/keys/attacker.cert.pem?raw'
import expiredPem from '../fixtures/keys/expired.cert.pem?raw'
import idpPem from '../fixtures/keys/idp.cert.pem?raw'
import idpKeyPem from '../fixtures/keys/idp.key.pem?raw'

// Validity as OpenSSL reads it, written by scripts/make-metadata-fixtures.mjs: an oracle independent of our ASN.1 code.
const dates = expected.certificates as Record<string, { issuedAt: number; expiresAt: number }>
const idpBare = idpPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
const idpDer = Uint8Array.from(atob(idpBare), (c) => c.charCodeAt(0))
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

describe('parseCertificate', () => {
  it('reads a PEM certificate: bare base64 body and validity in epoch milliseconds', () => {
    expect(parseCertificate(idpPem)).toEqual({ certificate: idpBare, ...dates['idp.cert.pem'], spki: expect.any(ArrayBuffer), publicKey: { family: 'RSA' } })
  })

  it('reads the same certificate given as bare base64', () => {
    expect(parseCertificate(idpBare)).toMatchObject({ certificate: idpBare, ...dates['idp.cert.pem'] })
  })

  it.each([
    ['76-column lines', idpBare.match(/.{1,76}/g)!.join('\n')],
    ['CRLF line endings in PEM', idpPem.replace(/\n/g, '\r\n')],
    ['indentation and tabs', idpBare.match(/.{1,64}/g)!.map((l) => `\t    ${l}`).join('\n')],
    ['spaces every few characters', idpBare.replace(/(.{8})/g, '$1 ')],
    ['surrounding blank lines', `\n\n${idpPem}\n\n`],
  ])('ignores whitespace inside: %s', (_name, input) => {
    expect(parseCertificate(input)).toMatchObject({ certificate: idpBare, ...dates['idp.cert.pem'] })
  })

  it('parses an expired certificate with its real dates', () => {
    const cert = parseCertificate(expiredPem)
    expect(cert).toMatchObject(dates['expired.cert.pem']!)
    expect(cert).toMatchObject({ issuedAt: Date.UTC(2019, 0, 1), expiresAt: Date.UTC(2019, 11, 31) })
  })

  it('round-trips through toPem', () => {
    expect(parseCertificate(toPem(idpBare))?.certificate).toBe(idpBare)
    expect(toBareBase64(toPem(idpBare))).toBe(idpBare)
  })

  it('returns the public key of the certificate, usable to verify what its private key signed', async () => {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    const pkcs8 = base64ToBytes(idpKeyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''))!
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign'])
    const data = new TextEncoder().encode('signed by the test IdP')
    const signature = await crypto.subtle.sign(alg, privateKey, data)
    const publicKey = await crypto.subtle.importKey('spki', parseCertificate(idpPem)!.spki, alg, false, ['verify'])
    expect(await crypto.subtle.verify(alg, publicKey, signature, data)).toBe(true)
    // Same subject, different key: the attacker's certificate must not verify the IdP's signature.
    const attackerKey = await crypto.subtle.importKey('spki', parseCertificate(attackerPem)!.spki, alg, false, ['verify'])
    expect(await crypto.subtle.verify(alg, attackerKey, signature, data)).toBe(false)
  })

  describe('refuses what is not an X.509 certificate', () => {
    it.each([
      ['an empty string', ''],
      ['whitespace', '  \n\t '],
      ['a template placeholder', 'REPLACE_WITH_YOUR_IDP_CERTIFICATE'],
      ['base64 with a stray character', `${idpBare.slice(0, 100)}!${idpBare.slice(101)}`],
      ['base64 of impossible length', `${idpBare}A`],
      ['base64 of text', btoa('This is not a certificate. '.repeat(8))],
      ['a private key', idpKeyPem],
      ['a certificate with bytes appended', b64(new Uint8Array([...idpDer, 0x00, 0x00, 0x00, 0x00]))],
      ['a certificate with a second certificate appended', b64(new Uint8Array([...idpDer, ...idpDer]))],
      ['a truncated certificate', b64(idpDer.subarray(0, 600))],
      ['a certificate missing its last byte', b64(idpDer.subarray(0, idpDer.byteLength - 1))],
      ['the certificate body (TBSCertificate) alone', b64(tbsOf(idpDer))],
      ['a few bytes of DER', b64(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))],
    ])('%s', (_name, input) => {
      expect(parseCertificate(input)).toBeNull()
    })
  })
})

/** The first element inside the outer SEQUENCE (a valid SEQUENCE, but not a certificate). */
function tbsOf(der: Uint8Array): Uint8Array {
  const outerHeader = 2 + ((der[1] ?? 0) & 0x7f)
  const inner = der.subarray(outerHeader)
  const count = (inner[1] ?? 0) & 0x7f
  let length = 0
  for (let i = 0; i < count; i++) length = length * 256 + (inner[2 + i] ?? 0)
  return inner.subarray(0, 2 + count + length)
}
