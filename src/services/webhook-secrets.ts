import { AppError } from '../domain/errors'
import { base64ToBytes, bytesToBase64 } from '../saml'

/**
 * Webhook signing secrets at rest: AES-256-GCM under the Worker secret WEBHOOK_SECRET_KEY, with the
 * endpoint's id as additional data, so a sealed secret copied onto another endpoint's row does not open.
 * Stored as `v1.<iv>.<ciphertext>` (base64).
 */

const VERSION = 'v1'

/** The AES-GCM key from WEBHOOK_SECRET_KEY (base64 of 32 bytes); null when unset, throws when malformed. */
export async function importSealingKey(raw: string | undefined): Promise<CryptoKey | null> {
  if (!raw) return null
  const bytes = base64ToBytes(raw.trim())
  if (!bytes || bytes.byteLength !== 32) throw new Error('WEBHOOK_SECRET_KEY must be the base64 of 32 bytes')
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

const requireKey = (key: CryptoKey | null): CryptoKey => {
  if (!key) throw new AppError('internal', { internal: 'WEBHOOK_SECRET_KEY is not set: webhook secrets cannot be sealed or opened' })
  return key
}

export async function sealSecret(key: CryptoKey | null, endpointId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const aad = new TextEncoder().encode(endpointId)
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, requireKey(key), new TextEncoder().encode(secret))
  return `${VERSION}.${bytesToBase64(iv)}.${bytesToBase64(sealed)}`
}

export async function openSecret(key: CryptoKey | null, endpointId: string, sealed: string): Promise<string> {
  const [version, iv, body] = sealed.split('.')
  const ivBytes = base64ToBytes(iv ?? '')
  const bodyBytes = base64ToBytes(body ?? '')
  if (version !== VERSION || !ivBytes || !bodyBytes) throw new Error('not a sealed webhook secret')
  const aad = new TextEncoder().encode(endpointId)
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: ivBytes, additionalData: aad }, requireKey(key), bodyBytes)
  return new TextDecoder().decode(plain)
}
