/** SHA-256 of a secret as lower-case hex. Keys and client secrets are stored only in this form. */
export async function sha256Hex(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Constant-time equality of two hex digests. Both sides are hashes of equal length, so the
 * comparison time says nothing about the secret.
 */
export function digestsEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a)
  const eb = new TextEncoder().encode(b)
  if (ea.byteLength !== eb.byteLength) return false
  return crypto.subtle.timingSafeEqual(ea, eb)
}

// Compared against when nothing is stored, so a missing secret takes as long as a wrong one.
const NO_SECRET = '0'.repeat(64)

/** Whether `secret` hashes to `expectedHash` (false when none is stored), in constant time. */
export async function secretMatches(secret: string, expectedHash: string | null): Promise<boolean> {
  const equal = digestsEqual(await sha256Hex(secret), expectedHash ?? NO_SECRET)
  return equal && expectedHash !== null
}
