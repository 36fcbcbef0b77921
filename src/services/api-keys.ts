import { digestsEqual, sha256Hex } from '../domain/secrets'
import { LruCache } from '../saml/cache'
import type { ApiKeyKind } from '../storage/types'
import type { Deps } from './deps'

export const LOCAL_INSTANCE_ID = 'ins_local'
/** Well-known keys accepted only when ENVIRONMENT is `development`, so `npm run dev` is usable at once. */
export const DEVELOPMENT_KEYS: Record<ApiKeyKind, string> = {
  clerk_secret_key: 'sk_test_local_development_key',
  supertokens_api_key: 'local-development-api-key',
}

export interface KeyOwner {
  instanceId: string
  appId: string
}

/**
 * How long an isolate trusts a key it has looked up without looking again. Keys are revoked by
 * `npm run keys -- revoke` (a D1 update outside the Worker), so there is nothing to invalidate
 * through: a revoked key keeps working for at most this long in an isolate that saw it just before.
 */
export const KEY_CACHE_TTL_MS = 30_000

// Per isolate, keyed by kind and the key's SHA-256 (never the key). Only keys that were found are
// kept: an unknown or new key is always looked up, so a key stored a moment ago works at once.
const keyCache = new LruCache<string, { owner: KeyOwner; until: number }>(1024)
const developmentKeyHashes = new Map<ApiKeyKind, Promise<string>>()

/**
 * Finds who a presented key belongs to. Keys are looked up by their SHA-256 and the digests
 * compared in constant time; the plain key is never stored.
 */
export async function authenticateKey(deps: Deps, kind: ApiKeyKind, presented: string): Promise<KeyOwner | null> {
  const hash = await sha256Hex(presented)
  if (deps.development && digestsEqual(hash, await developmentKeyHash(kind))) {
    return { instanceId: LOCAL_INSTANCE_ID, appId: 'public' }
  }
  const now = deps.clock()
  const cacheKey = `${kind}:${hash}`
  const cached = keyCache.get(cacheKey)
  if (cached && cached.until > now) return cached.owner
  const row = await deps.apiKeys.findActiveByHash(kind, hash)
  if (!row || !digestsEqual(row.keyHash, hash)) {
    keyCache.delete(cacheKey)
    return null
  }
  const owner = { instanceId: row.instanceId, appId: row.appId }
  keyCache.set(cacheKey, { owner, until: now + KEY_CACHE_TTL_MS })
  return owner
}

function developmentKeyHash(kind: ApiKeyKind): Promise<string> {
  let hash = developmentKeyHashes.get(kind)
  if (!hash) developmentKeyHashes.set(kind, (hash = sha256Hex(DEVELOPMENT_KEYS[kind])))
  return hash
}
