import type { DomainEvent } from '../../domain/events'
import { MAX_STORED_ATTEMPTS_PER_MINUTE, MAX_STORED_RESPONSES_PER_MINUTE, minuteOf, SignInAttemptSchema, type SignInAttempt } from '../../domain/sign-in-attempt'
import type { SignInAttemptRepository } from '../types'
import { eventInsert, type Guard } from './events'
import type { D1Handle } from './handle'

type AttemptRow = {
  id: string
  instance_id: string
  connection_id: string
  status: string
  reason: string | null
  flow: string
  name_id: string | null
  email_address: string | null
  saml_response: string | null
  created_at: number
}

const COLUMNS = 'id, instance_id, connection_id, status, reason, flow, name_id, email_address, saml_response, created_at'

const fromRow = (r: AttemptRow): SignInAttempt =>
  SignInAttemptSchema.parse({
    id: r.id,
    instanceId: r.instance_id,
    connectionId: r.connection_id,
    status: r.status,
    reason: r.reason,
    flow: r.flow,
    nameId: r.name_id,
    emailAddress: r.email_address,
    samlResponse: r.saml_response,
    createdAt: r.created_at,
  })

/**
 * The statements that record an attempt and its event, for a batch: count the attempt in its
 * minute, store it while that minute's count is within the bound, and write the event only if the
 * attempt was stored. With a guard, none of it happens unless the guard holds at that point.
 */
export function attemptStatements(db: D1Handle, a: SignInAttempt, event: DomainEvent, guard?: Guard): D1PreparedStatement[] {
  const minute = minuteOf(a.createdAt)
  const also = guard ? ` AND ${guard.sql}` : ''
  const guardArgs = guard?.args ?? []
  // An upsert from a SELECT needs a WHERE clause, else SQLite reads ON CONFLICT as a join's ON.
  const count = db
    .prepare(
      `INSERT INTO sign_in_attempt_minutes (connection_id, minute, attempts) SELECT ?, ?, 1 WHERE 1${also}
       ON CONFLICT (connection_id, minute) DO UPDATE SET attempts = attempts + 1`,
    )
    .bind(a.connectionId, minute, ...guardArgs)
  const store = db
    .prepare(
      `INSERT INTO sign_in_attempts (${COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN n <= ? THEN ? END, ?
       FROM (SELECT attempts AS n FROM sign_in_attempt_minutes WHERE connection_id = ? AND minute = ?) WHERE n <= ?${also}`,
    )
    .bind(
      a.id, a.instanceId, a.connectionId, a.status, a.reason, a.flow, a.nameId, a.emailAddress, MAX_STORED_RESPONSES_PER_MINUTE, a.samlResponse, a.createdAt,
      a.connectionId, minute, MAX_STORED_ATTEMPTS_PER_MINUTE, ...guardArgs,
    )
  return [count, store, eventInsert(db, event, { sql: 'EXISTS (SELECT 1 FROM sign_in_attempts WHERE id = ?)', args: [a.id] })]
}

export function d1SignInAttempts(db: D1Handle): SignInAttemptRepository {
  return {
    async record(a, event) {
      const [, stored] = await db.batch(attemptStatements(db, a, event))
      return (stored?.meta.changes ?? 0) > 0 ? 'stored' : 'counted'
    },
    async list(connectionId, p) {
      const [page, total] = await db.batch<AttemptRow | { n: number }>([
        db
          .prepare(`SELECT ${COLUMNS} FROM sign_in_attempts WHERE connection_id = ? AND kind = 'sign_in' AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`)
          .bind(connectionId, p.since, p.limit, p.offset),
        db.prepare("SELECT COUNT(*) AS n FROM sign_in_attempts WHERE connection_id = ? AND kind = 'sign_in' AND created_at >= ?").bind(connectionId, p.since),
      ])
      return { items: ((page?.results ?? []) as AttemptRow[]).map(fromRow), total: ((total?.results[0] as { n: number } | undefined)?.n ?? 0) }
    },
    async countNotStored(connectionId, since) {
      const row = await db
        .prepare('SELECT COALESCE(SUM(attempts - ?), 0) AS n FROM sign_in_attempt_minutes WHERE connection_id = ? AND minute >= ? AND attempts > ?')
        .bind(MAX_STORED_ATTEMPTS_PER_MINUTE, connectionId, minuteOf(since), MAX_STORED_ATTEMPTS_PER_MINUTE)
        .first<{ n: number }>()
      return row?.n ?? 0
    },
    async purgeBefore(cutoff) {
      await db.batch([
        db.prepare('DELETE FROM sign_in_attempts WHERE created_at < ?').bind(cutoff),
        db.prepare('DELETE FROM sign_in_attempt_minutes WHERE minute < ?').bind(minuteOf(cutoff)),
      ])
    },
  }
}
