/**
 * The per-isolate cache of API key lookups (services/api-keys.ts). Keys are revoked outside the
 * Worker (`npm run keys -- revoke`), so nothing can invalidate an isolate's entry: the bound is
 * KEY_CACHE_TTL_MS, shown here with an injected clock, not a wait.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/domain/secrets'
import { authenticateKey, KEY_CACHE_TTL_MS } from '../../src/services/api-keys'
import { buildDeps } from '../../src/wiring/deps'
import { storeKey } from '../helpers/store'

const at = (now: number) => ({ ...buildDeps(env, 'key-cache-test'), clock: () => now })
const newKey = () => `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
const revoke = async (key: string) => env.DB.prepare('UPDATE api_keys SET revoked_at = ? WHERE key_hash = ?').bind(Date.now(), await sha256Hex(key)).run()

describe('the API key cache', () => {
  it('serves a key it looked up for KEY_CACHE_TTL_MS; a revoked key is refused once that has passed', async () => {
    const key = newKey()
    const instanceId = `ins_${crypto.randomUUID().replace(/-/g, '')}`
    await storeKey('clerk_secret_key', key, instanceId)
    const t0 = Date.now()
    expect(await authenticateKey(at(t0), 'clerk_secret_key', key)).toEqual({ instanceId, appId: 'public' })
    await revoke(key)
    // The bound, stated: an isolate that saw the key just before its revocation still accepts it...
    expect(await authenticateKey(at(t0 + KEY_CACHE_TTL_MS - 1), 'clerk_secret_key', key)).toEqual({ instanceId, appId: 'public' })
    // ...and looks it up again, and refuses it, from then on.
    expect(await authenticateKey(at(t0 + KEY_CACHE_TTL_MS), 'clerk_secret_key', key)).toBeNull()
    expect(await authenticateKey(at(t0), 'clerk_secret_key', key)).toBeNull()
  })

  it('keeps no refusal: a key stored after a failed lookup works at once', async () => {
    const key = newKey()
    const t0 = Date.now()
    expect(await authenticateKey(at(t0), 'clerk_secret_key', key)).toBeNull()
    await storeKey('clerk_secret_key', key, 'ins_stored_later')
    expect(await authenticateKey(at(t0 + 1), 'clerk_secret_key', key)).toEqual({ instanceId: 'ins_stored_later', appId: 'public' })
  })

  it('keeps the kinds apart: a cached Clerk key is no SuperTokens key', async () => {
    const key = newKey()
    await storeKey('clerk_secret_key', key, 'ins_kinds')
    const t0 = Date.now()
    expect(await authenticateKey(at(t0), 'clerk_secret_key', key)).not.toBeNull()
    expect(await authenticateKey(at(t0 + 1), 'supertokens_api_key', key)).toBeNull()
  })
})
