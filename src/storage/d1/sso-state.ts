import { PendingCodeSchema, type PendingCode } from '../kv/request-state'

/**
 * Single-use bookkeeping that needs a UNIQUE key, which KV cannot give, and the pending codes
 * themselves, which must be readable from any region at once.
 */
export function d1SsoState(db: D1Database) {
  return {
    /**
     * True the first time an assertion id is seen for a connection, and then the sign-in's code is
     * stored in the same transaction; false on replay, and no code is stored.
     */
    async reserveAssertionWithCode(connectionId: string, assertionId: string, expiresAt: number, codeHash: string, pending: PendingCode): Promise<boolean> {
      const [reserved] = await db.batch([
        db
          .prepare('INSERT INTO saml_assertion_ids (connection_id, assertion_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .bind(connectionId, assertionId.slice(0, 256), expiresAt),
        // changes() is the row count of the statement just above, in the same transaction.
        db.prepare('INSERT INTO pending_codes (code_hash, payload, expires_at) SELECT ?, ?, ? WHERE changes() = 1').bind(codeHash, JSON.stringify(pending), pending.expiresAt),
      ])
      return (reserved?.meta.changes ?? 0) > 0
    },
    async putPendingCode(codeHash: string, p: PendingCode) {
      await db.prepare('INSERT INTO pending_codes (code_hash, payload, expires_at) VALUES (?, ?, ?)').bind(codeHash, JSON.stringify(p), p.expiresAt).run()
    },
    async getPendingCode(codeHash: string, now: number): Promise<PendingCode | null> {
      const row = await db.prepare('SELECT payload FROM pending_codes WHERE code_hash = ? AND expires_at > ?').bind(codeHash, now).first<{ payload: string }>()
      if (!row) return null
      const parsed = PendingCodeSchema.safeParse(JSON.parse(row.payload))
      return parsed.success ? parsed.data : null
    },
    /**
     * True for the one caller that consumes a code; every later caller gets false. The payload is
     * dropped in the same batch, so a used code's profile does not outlive its use.
     */
    async consumeCode(codeHash: string, now: number, expiresAt: number): Promise<boolean> {
      const [consumed] = await db.batch([
        db.prepare('INSERT INTO consumed_codes (code_hash, consumed_at, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').bind(codeHash, now, expiresAt),
        db.prepare('DELETE FROM pending_codes WHERE code_hash = ?').bind(codeHash),
      ])
      return (consumed?.meta.changes ?? 0) > 0
    },
    async purgeExpired(now: number) {
      await db.batch([
        db.prepare('DELETE FROM saml_assertion_ids WHERE expires_at < ?').bind(now),
        db.prepare('DELETE FROM consumed_codes WHERE expires_at < ?').bind(now),
        db.prepare('DELETE FROM pending_codes WHERE expires_at < ?').bind(now),
      ])
    },
  }
}
export type SsoStateRepository = ReturnType<typeof d1SsoState>
