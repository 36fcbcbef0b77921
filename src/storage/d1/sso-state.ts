import type { z } from 'zod'
import { LoginRequestSchema, PendingCodeSchema, type LoginRequest, type PendingCode } from '../../domain/sign-in-state'
import type { SignInStateRepository } from '../types'
import { attemptStatements } from './sign-in-attempts'
import type { D1Handle } from './handle'

const parsePayload = <T>(schema: z.ZodType<T>, raw: string): T | null => {
  const parsed = schema.safeParse(JSON.parse(raw))
  return parsed.success ? parsed.data : null
}

export function d1SsoState(db: D1Handle): SignInStateRepository {
  return {
    async putLoginRequest(relayStateHash: string, r: LoginRequest) {
      await db
        .prepare('INSERT INTO login_requests (relay_state_hash, connection_id, payload, expires_at) VALUES (?, ?, ?, ?)')
        .bind(relayStateHash, r.connectionId, JSON.stringify(r), r.expiresAt)
        .run()
    },
    async findLoginRequest(relayStateHash: string, now: number) {
      const row = await db.prepare('SELECT payload FROM login_requests WHERE relay_state_hash = ? AND expires_at > ?').bind(relayStateHash, now).first<{ payload: string }>()
      return row ? parsePayload(LoginRequestSchema, row.payload) : null
    },
    async commitSignIn(p) {
      // changes() is the row count of the statement just before, in the same transaction: each step
      // runs only if the one before it did, and the batch is one transaction, so a failure anywhere
      // leaves the assertion unused and the login request usable.
      const reserve = db
        .prepare('INSERT INTO saml_assertion_ids (connection_id, assertion_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .bind(p.connectionId, p.assertionId.slice(0, 256), p.assertionExpiresAt)
      const useLogin = p.loginRequest
        ? [db.prepare('DELETE FROM login_requests WHERE relay_state_hash = ? AND connection_id = ? AND expires_at > ? AND changes() = 1').bind(p.loginRequest.relayStateHash, p.connectionId, p.now)]
        : []
      const storeCode = db
        .prepare('INSERT INTO pending_codes (code_hash, payload, expires_at) SELECT ?, ?, ? WHERE changes() = 1')
        .bind(p.codeHash, JSON.stringify(p.pending), p.pending.expiresAt)
      // The success's attempt and event come last, each only if the code was stored.
      const attempt = p.attempt ? attemptStatements(db, p.attempt.attempt, p.attempt.event, { sql: 'EXISTS (SELECT 1 FROM pending_codes WHERE code_hash = ?)', args: [p.codeHash] }) : []
      const [reserved, used] = await db.batch([reserve, ...useLogin, storeCode, ...attempt])
      if ((reserved?.meta.changes ?? 0) === 0) return 'replayed'
      // A second verified response for the same login, raced past the read: the first one won.
      if (p.loginRequest && (used?.meta.changes ?? 0) === 0) return 'login_request_used'
      return 'ok'
    },
    async putPendingCode(codeHash: string, p: PendingCode) {
      await db.prepare('INSERT INTO pending_codes (code_hash, payload, expires_at) VALUES (?, ?, ?)').bind(codeHash, JSON.stringify(p), p.expiresAt).run()
    },
    async getPendingCode(codeHash: string, now: number) {
      const row = await db.prepare('SELECT payload FROM pending_codes WHERE code_hash = ? AND expires_at > ?').bind(codeHash, now).first<{ payload: string }>()
      return row ? parsePayload(PendingCodeSchema, row.payload) : null
    },
    async consumeCode(codeHash: string, now: number, expiresAt: number) {
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
        db.prepare('DELETE FROM login_requests WHERE expires_at < ?').bind(now),
      ])
    },
  }
}
