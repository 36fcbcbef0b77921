import { base64ToBytes, bytesToBase64 } from '../saml'

/**
 * The Standard Webhooks signing scheme (https://www.standardwebhooks.com, the one Clerk's webhooks
 * use): a `whsec_`-prefixed base64 secret, and `v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`
 * keyed with the secret's decoded bytes.
 */

const PREFIX = 'whsec_'
// The specification asks for 24 to 64 bytes of secret.
const SECRET_BYTES = 32

export const newSigningSecret = (): string => `${PREFIX}${bytesToBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** The three headers of one delivery attempt; `timestampSeconds` is the attempt's own time (receivers refuse stale ones). */
export async function signedHeaders(secret: string, id: string, timestampSeconds: number, body: string): Promise<SignedHeaders> {
  const keyBytes = secret.startsWith(PREFIX) ? base64ToBytes(secret.slice(PREFIX.length)) : null
  if (!keyBytes) throw new Error('not a whsec_ secret')
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const timestamp = String(timestampSeconds)
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`))
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${bytesToBase64(mac)}` }
}
