import type { IdpCertificate } from './saml-connection'
import { sha256Hex } from './secrets'

/**
 * Expiry warnings (issue 15): a connection is about to stop working when every certificate it
 * trusts expires soon, so what counts is the latest expiry of the set.
 */
const DAY = 24 * 60 * 60_000
/** Days before the expiry at which `certificate_expiring` is recorded, each once per certificate set. */
export const EXPIRY_WARNING_DAYS = [30, 7, 1] as const
export const EXPIRY_HORIZON_MS = EXPIRY_WARNING_DAYS[0] * DAY
/** The stage once every certificate has expired. */
export const EXPIRED_STAGE = 0

/** The latest expiry of the set; null when one certificate never expires, or there is none. */
export function certificatesExpireAt(certs: readonly IdpCertificate[]): number | null {
  if (certs.length === 0 || certs.some((c) => c.expiresAt === null)) return null
  return Math.max(...certs.map((c) => c.expiresAt ?? 0))
}

/** 30, 7 or 1 (the smallest threshold already reached), 0 when expired, null while more than 30 days remain. */
export function expiryStage(expireAt: number, now: number): number | null {
  if (expireAt <= now) return EXPIRED_STAGE
  const reached = EXPIRY_WARNING_DAYS.filter((days) => expireAt - now <= days * DAY)
  return reached.length ? Math.min(...reached) : null
}

/** Identifies a certificate set whatever the order: SHA-256 (hex) over its sorted base64 bodies. */
export const certificateSetFingerprint = (certs: readonly IdpCertificate[]): Promise<string> =>
  sha256Hex(certs.map((c) => c.certificate).sort().join('\n'))

/** Whether two certificate lists hold the same certificates, in any order. */
export function sameCertificateSet(a: readonly IdpCertificate[], b: readonly IdpCertificate[]): boolean {
  const left = new Set(a.map((c) => c.certificate))
  return left.size === new Set(b.map((c) => c.certificate)).size && b.every((c) => left.has(c.certificate))
}
