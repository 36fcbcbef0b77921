import { PendingCodeSchema } from '../../domain/sign-in-state'
import type { CodeEdgeCopy } from '../types'
import { kvKeys } from './keys'

// KV's TTL only helps cleanup (minimum 60 s); expiry is decided by `expiresAt` in code.
const ttlSeconds = (expiresAt: number, now: number) => Math.max(60, Math.ceil((expiresAt - now) / 1000))

export function kvCodeCopy(kv: KVNamespace): CodeEdgeCopy {
  return {
    async put(codeHash, p, now) {
      await kv.put(kvKeys.authCode(codeHash), JSON.stringify(p), { expirationTtl: ttlSeconds(p.expiresAt, now) })
    },
    async get(codeHash, now) {
      const parsed = PendingCodeSchema.safeParse(await kv.get(kvKeys.authCode(codeHash), 'json').catch(() => null))
      return parsed.success && parsed.data.expiresAt > now ? parsed.data : null
    },
    async remove(codeHash) {
      await kv.delete(kvKeys.authCode(codeHash))
    },
  }
}
