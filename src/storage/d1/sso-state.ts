/** Single-use bookkeeping that needs a UNIQUE key, which KV cannot give. */
export function d1SsoState(db: D1Database) {
  const firstUse = async (stmt: D1PreparedStatement): Promise<boolean> => {
    const r = await stmt.run()
    return (r.meta.changes ?? 0) > 0
  }
  return {
    /** True the first time an assertion id is seen for a connection; false on replay. */
    reserveAssertionId: (connectionId: string, assertionId: string, expiresAt: number) =>
      firstUse(
        db
          .prepare('INSERT INTO saml_assertion_ids (connection_id, assertion_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .bind(connectionId, assertionId.slice(0, 256), expiresAt),
      ),
    /** True for the one caller that consumes a code; every later caller gets false. */
    consumeCode: (codeHash: string, now: number, expiresAt: number) =>
      firstUse(db.prepare('INSERT INTO consumed_codes (code_hash, consumed_at, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').bind(codeHash, now, expiresAt)),
    async purgeExpired(now: number) {
      await db.batch([
        db.prepare('DELETE FROM saml_assertion_ids WHERE expires_at < ?').bind(now),
        db.prepare('DELETE FROM consumed_codes WHERE expires_at < ?').bind(now),
      ])
    },
  }
}
export type SsoStateRepository = ReturnType<typeof d1SsoState>
