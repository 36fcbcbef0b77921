import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { describe, expect, it } from 'vitest'
import { verifySamlResponse, type SamlResponseConfig } from '../../src/saml'
import { LruCache } from '../../src/saml/cache'
import { toPem } from '../../src/saml/certificate'
import { certificateCache, VERIFICATION_CACHE_ENTRIES, verificationCertificate, verifyKeyCache, verifyKeyFor } from '../../src/saml/verification-cache'
import { bareCertificate, makeConfig, makeSignedResponse, NOW, TEST_KEYS, toBase64, type KeyPair } from '../helpers/test-idp'

const reasonOf = async (xml: string, config: Partial<SamlResponseConfig>) => {
  const result = await verifySamlResponse({ samlResponseBase64: toBase64(xml) }, makeConfig(config), NOW)
  return result.ok ? 'accepted' : result.failure.reason
}

const SHA256_RSA = { family: 'RSA', hash: 'SHA-256' } as const
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const
const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${btoa(String.fromCharCode(...new Uint8Array(der))).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`

/** One key pair certified once per `notAfter`, as an IdP re-issues its certificate: the same key, other dates, other bytes. */
async function oneKeyCertified(notAfters: number[]): Promise<{ key: string; certs: string[] }> {
  const keys = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair
  const certs: string[] = []
  for (const notAfter of notAfters) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
      name: 'CN=saml-edge cache test IdP',
      notBefore: new Date(Date.UTC(2020, 0, 1)),
      notAfter: new Date(notAfter),
      signingAlgorithm: RSA,
      keys,
    })
    certs.push(cert.toString('pem'))
  }
  return { key: pem('PRIVATE KEY', (await crypto.subtle.exportKey('pkcs8', keys.privateKey)) as ArrayBuffer), certs }
}

describe('per-isolate certificate and key caches (keyed by the certificate bytes)', () => {
  it('sees a rotated certificate at once: the old one no longer verifies, the new one does', async () => {
    const byIdp = makeSignedResponse({ sign: 'response' })
    const byNext = makeSignedResponse({ sign: 'response', signing: { key: 'idp-rollover' } })
    // Warm both caches with the current certificate.
    expect(await reasonOf(byIdp, { certificates: [bareCertificate('idp')] })).toBe('accepted')
    expect(await reasonOf(byIdp, { certificates: [bareCertificate('idp')] })).toBe('accepted')
    // The connection's certificate is replaced: the same response is refused on the very next post.
    expect(await reasonOf(byIdp, { certificates: [bareCertificate('idp-rollover')] })).toBe('signature_invalid')
    expect(await reasonOf(byNext, { certificates: [bareCertificate('idp-rollover')] })).toBe('accepted')
    expect(await reasonOf(byNext, { certificates: [bareCertificate('idp')] })).toBe('signature_invalid')
  })

  it('sees a re-issued certificate of the same key with its own dates (the key is imported again under the new bytes)', async () => {
    const { key, certs } = await oneKeyCertified([NOW + 86_400_000, NOW - 86_400_000])
    const [current = '', lapsed = ''] = certs
    const pair: KeyPair = { key, cert: current }
    const xml = makeSignedResponse({ sign: 'response', signing: { key: pair } })
    expect(await reasonOf(xml, { certificates: [current] })).toBe('accepted')
    expect(await reasonOf(xml, { certificates: [lapsed] })).toBe('certificate_expired')
    expect(await reasonOf(xml, { certificates: [current] })).toBe('accepted')
  })

  it('keys by content, not by how it is written: PEM and bare base64 of one certificate are one entry', () => {
    const bare = bareCertificate('idp')
    const cert = verificationCertificate(bare)
    expect(cert).not.toBeNull()
    expect(verificationCertificate(TEST_KEYS.idp.cert)).toBe(cert)
    expect(verificationCertificate(toPem(bare).replace(/\n/g, '\r\n'))).toBe(cert)
    expect(verificationCertificate(bareCertificate('idp-rollover'))).not.toBe(cert)
    expect(cert?.expiresAt).toBe(verificationCertificate(bare)?.expiresAt)
    // Shared between requests, so nobody may change it.
    expect(Object.isFrozen(cert)).toBe(true)
  })

  it('never holds more than its bound, however many certificates pass through', async () => {
    const { certs } = await oneKeyCertified(Array.from({ length: VERIFICATION_CACHE_ENTRIES + 20 }, (_, i) => NOW + 86_400_000 + i * 1000))
    const first = verificationCertificate(certs[0] ?? '')
    for (const pem of certs) {
      const cert = verificationCertificate(pem)
      expect(cert && (await verifyKeyFor(cert, SHA256_RSA))).toMatchObject({ key: expect.any(CryptoKey) })
      expect(certificateCache.size).toBeLessThanOrEqual(VERIFICATION_CACHE_ENTRIES)
      expect(verifyKeyCache.size).toBeLessThanOrEqual(VERIFICATION_CACHE_ENTRIES)
    }
    expect(certificateCache.size).toBe(VERIFICATION_CACHE_ENTRIES)
    expect(verifyKeyCache.size).toBe(VERIFICATION_CACHE_ENTRIES)
    // The most recent are kept; the first was forgotten, so it is parsed again into a new object.
    const last = certs.at(-1) ?? ''
    expect(verificationCertificate(last)).toBe(verificationCertificate(last))
    const again = verificationCertificate(certs[0] ?? '')
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })
})

describe('LruCache', () => {
  it('forgets the least recently used entry first, and a read counts as a use', () => {
    const cache = new LruCache<string, number>(3)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)
    expect(cache.get('a')).toBe(1)
    cache.set('d', 4)
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 3, 4])
    expect(cache.size).toBe(3)
  })

  it('replacing a key keeps one entry with the new value', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('a', 2)
    expect(cache.size).toBe(1)
    expect(cache.get('a')).toBe(2)
  })
})
