const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Random base62 string; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += BASE62[b % 62]
    }
  }
  return out
}

/** `samlc_` + 27 base62 characters, the shape of Clerk's SAML connection ids. */
export const newSamlConnectionId = (): string => `samlc_${randomBase62(27)}`
export const SAML_CONNECTION_ID = /^samlc_[0-9A-Za-z]{27}$/

/**
 * A connection seen as a Clerk enterprise connection: `entconn_` + the same 27 characters as its
 * `samlc_` id, so the two ids name one record and either is derived from the other, nothing stored.
 */
export const ENTERPRISE_CONNECTION_ID = /^entconn_[0-9A-Za-z]{27}$/
export const enterpriseConnectionIdOf = (samlConnectionId: string): string => `entconn_${samlConnectionId.slice('samlc_'.length)}`
export const samlConnectionIdOf = (enterpriseConnectionId: string): string => `samlc_${enterpriseConnectionId.slice('entconn_'.length)}`

/** SuperTokens core generates `st_saml_` + a UUIDv4. */
export const newSupertokensClientId = (): string => `st_saml_${crypto.randomUUID()}`

export const newOpaqueToken = (bytes = 32): string => {
  const raw = crypto.getRandomValues(new Uint8Array(bytes))
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** `evt_` + 27 base62 characters: an outbox event, and later its webhook's `webhook-id`. */
export const newEventId = (): string => `evt_${randomBase62(27)}`

/** `sia_` + 27 base62 characters: one sign-in attempt. */
export const newSignInAttemptId = (): string => `sia_${randomBase62(27)}`

/** `ectr_` + 27 base62 characters: one enterprise connection test run (it shares the attempts' table). */
export const newTestRunId = (): string => `ectr_${randomBase62(27)}`
export const TEST_RUN_ID = /^ectr_[0-9A-Za-z]{27}$/
