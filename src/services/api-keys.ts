import { digestsEqual, sha256Hex } from '../domain/secrets'
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
 * Finds who a presented key belongs to. Keys are looked up by their SHA-256 and the digests
 * compared in constant time; the plain key is never stored.
 */
export async function authenticateKey(deps: Deps, kind: ApiKeyKind, presented: string): Promise<KeyOwner | null> {
  const hash = await sha256Hex(presented)
  if (deps.development && digestsEqual(hash, await sha256Hex(DEVELOPMENT_KEYS[kind]))) {
    return { instanceId: LOCAL_INSTANCE_ID, appId: 'public' }
  }
  const row = await deps.apiKeys.findActiveByHash(kind, hash)
  if (!row || !digestsEqual(row.keyHash, hash)) return null
  return { instanceId: row.instanceId, appId: row.appId }
}
