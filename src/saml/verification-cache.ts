import type { SignatureAlgorithm } from './algorithms'
import { LruCache } from './cache'
import { importVerifyKey, parseCertificate, toBareBase64, type PublicKeyKind } from './certificate'

/**
 * Every ACS post names its connection's certificates as text; decoding them and importing their
 * WebCrypto keys each time was most of a verification's fixed cost. Both are kept per isolate,
 * keyed by the certificate's own bytes (its bare base64), so a rotated certificate misses at once
 * and a removed one is simply never asked for again.
 */
export const VERIFICATION_CACHE_ENTRIES = 256

/** A configured IdP certificate, ready for WebCrypto. Shared between requests: never mutated. */
export interface VerificationCertificate {
  /** The bare base64 of the DER bytes: what the caches are keyed by. */
  content: string
  spki: ArrayBuffer
  publicKey: PublicKeyKind | null
  expiresAt: number | null
}

export type VerifyKey = { key: CryptoKey; params: { name: string; hash: string } }

export const certificateCache = new LruCache<string, VerificationCertificate>(VERIFICATION_CACHE_ENTRIES)
export const verifyKeyCache = new LruCache<string, VerifyKey>(VERIFICATION_CACHE_ENTRIES)

/** The certificate as the verifier uses it; null when it is not X.509 (metadata import already refused those). */
export function verificationCertificate(input: string): VerificationCertificate | null {
  const content = toBareBase64(input)
  const cached = certificateCache.get(content)
  if (cached) return cached
  const parsed = parseCertificate(content)
  if (!parsed) return null
  const cert: VerificationCertificate = Object.freeze({ content, spki: parsed.spki, publicKey: parsed.publicKey, expiresAt: parsed.expiresAt })
  certificateCache.set(content, cert)
  return cert
}

/**
 * The imported key for `algorithm` (an RSA key is imported for one hash), or null when the key is of
 * the other family. Resolved keys are kept, not promises, so no request awaits another's work.
 */
export async function verifyKeyFor(cert: VerificationCertificate, algorithm: SignatureAlgorithm): Promise<VerifyKey | null> {
  const id = `${algorithm.family} ${algorithm.hash} ${cert.content}`
  const cached = verifyKeyCache.get(id)
  if (cached) return cached
  const imported = await importVerifyKey(cert, algorithm)
  if (imported) verifyKeyCache.set(id, imported)
  return imported
}
