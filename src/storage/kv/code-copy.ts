import { z } from 'zod'
import { kvKeys } from './keys'

/** What the SP remembers between sending an AuthnRequest and receiving the response. */
export const LoginRequestSchema = z.object({
  v: z.literal(1),
  connectionId: z.string(),
  requestId: z.string(),
  redirectUri: z.string(),
  state: z.string().nullable(),
  /** The ACS URL the AuthnRequest named: Recipient and Destination must equal it. */
  acsUrl: z.string(),
  expiresAt: z.number(),
})
export type LoginRequest = z.infer<typeof LoginRequestSchema>

/** A finished sign-in waiting for its one-time code to be exchanged. */
export const PendingCodeSchema = z.object({
  v: z.literal(1),
  connectionId: z.string(),
  instanceId: z.string(),
  redirectUri: z.string(),
  profile: z.record(z.string(), z.unknown()),
  expiresAt: z.number(),
})
export type PendingCode = z.infer<typeof PendingCodeSchema>

// KV's TTL only helps cleanup (minimum 60 s); expiry is decided by `expiresAt` in code.
const ttlSeconds = (expiresAt: number, now: number) => Math.max(60, Math.ceil((expiresAt - now) / 1000))

export function kvRequestState(kv: KVNamespace) {
  const read = async <T>(key: string, schema: z.ZodType<T>): Promise<T | null> => {
    const raw = await kv.get(key, 'json').catch(() => null)
    const parsed = schema.safeParse(raw)
    return parsed.success ? parsed.data : null
  }
  return {
    async putLoginRequest(relayState: string, r: LoginRequest, now: number) {
      await kv.put(kvKeys.relayState(relayState), JSON.stringify(r), { expirationTtl: ttlSeconds(r.expiresAt, now) })
    },
    /** Reads and forgets a login request: a RelayState is good for one response. */
    async takeLoginRequest(relayState: string, now: number): Promise<LoginRequest | null> {
      const key = kvKeys.relayState(relayState)
      const r = await read(key, LoginRequestSchema)
      if (r) await kv.delete(key)
      return r && r.expiresAt > now ? r : null
    },
    async putCode(codeHash: string, p: PendingCode, now: number) {
      await kv.put(kvKeys.authCode(codeHash), JSON.stringify(p), { expirationTtl: ttlSeconds(p.expiresAt, now) })
    },
    async getCode(codeHash: string, now: number): Promise<PendingCode | null> {
      const p = await read(kvKeys.authCode(codeHash), PendingCodeSchema)
      return p && p.expiresAt > now ? p : null
    },
    async deleteCode(codeHash: string) {
      await kv.delete(kvKeys.authCode(codeHash))
    },
  }
}
export type RequestStateStore = ReturnType<typeof kvRequestState>
