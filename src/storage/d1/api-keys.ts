import type { ApiKeyRecord, ApiKeyRepository } from '../types'
import type { D1Handle } from './handle'

interface ApiKeyRow {
  key_hash: string
  kind: ApiKeyRecord['kind']
  instance_id: string
  app_id: string
  label: string | null
  created_at: number
  revoked_at: number | null
}

export function d1ApiKeys(db: D1Handle): ApiKeyRepository {
  return {
    async findActiveByHash(kind, keyHash) {
      const row = await db
        .prepare('SELECT key_hash, kind, instance_id, app_id, label, created_at, revoked_at FROM api_keys WHERE key_hash = ? AND kind = ? AND revoked_at IS NULL')
        .bind(keyHash, kind)
        .first<ApiKeyRow>()
      if (!row) return null
      return {
        keyHash: row.key_hash,
        kind: row.kind,
        instanceId: row.instance_id,
        appId: row.app_id,
        label: row.label,
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
      }
    },
  }
}
