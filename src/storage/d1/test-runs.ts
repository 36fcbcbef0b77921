import { z } from 'zod'
import { TestRunLogSchema, TestRunSchema, TestRunUserInfoSchema, type TestRun, type TestRunStatus } from '../../domain/test-run'
import type { TestRunRepository } from '../types'
import type { D1Handle } from './handle'

/** Test runs are rows of sign_in_attempts with kind 'test_run' (migrations/0014_test_runs.sql). */

type RunRow = {
  id: string
  instance_id: string
  connection_id: string
  status: string
  reason: string | null
  saml_response: string | null
  created_at: number
  expires_at: number
  test_run: string
}

const COLUMNS = 'id, instance_id, connection_id, status, reason, saml_response, created_at, expires_at, test_run'

/** What only a run has, kept as one JSON column. */
const RunDetailsSchema = z.object({
  tokenHash: z.string(),
  userInfo: TestRunUserInfoSchema.nullable(),
  logs: z.array(TestRunLogSchema),
  samlRequest: z.string().nullable(),
  relayState: z.string().nullable(),
})

// The column speaks the attempts' words (succeeded); the run speaks Clerk's (success).
const STORED: Record<TestRunStatus, string> = { pending: 'pending', success: 'succeeded', failed: 'failed' }
const READ: Record<string, TestRunStatus> = { pending: 'pending', succeeded: 'success', failed: 'failed' }

function fromRow(r: RunRow): TestRun {
  const d = RunDetailsSchema.parse(JSON.parse(r.test_run))
  return TestRunSchema.parse({
    id: r.id, instanceId: r.instance_id, connectionId: r.connection_id, status: READ[r.status], reason: r.reason,
    tokenHash: d.tokenHash, userInfo: d.userInfo, logs: d.logs, samlRequest: d.samlRequest, relayState: d.relayState,
    samlResponse: r.saml_response, createdAt: r.created_at, expiresAt: r.expires_at,
  })
}

const detailsOf = (run: TestRun): string =>
  JSON.stringify({ tokenHash: run.tokenHash, userInfo: run.userInfo, logs: run.logs, samlRequest: run.samlRequest, relayState: run.relayState })

/** The SQL of one status as it reads at a time (`?` = now): a pending run past expires_at is failed. */
const STATUS_SQL: Record<TestRunStatus, { sql: string; usesNow: boolean }> = {
  pending: { sql: "(status = 'pending' AND expires_at > ?)", usesNow: true },
  success: { sql: "status = 'succeeded'", usesNow: false },
  failed: { sql: "(status = 'failed' OR (status = 'pending' AND expires_at <= ?))", usesNow: true },
}

export function d1TestRuns(db: D1Handle): TestRunRepository {
  const stillPending = "kind = 'test_run' AND status = 'pending' AND expires_at > ?"
  return {
    async create(run) {
      await db
        .prepare(`INSERT INTO sign_in_attempts (id, instance_id, connection_id, status, reason, flow, kind, created_at, expires_at, test_run) VALUES (?, ?, ?, 'pending', NULL, 'sp_initiated', 'test_run', ?, ?, ?)`)
        .bind(run.id, run.instanceId, run.connectionId, run.createdAt, run.expiresAt, detailsOf(run))
        .run()
    },
    async find(id) {
      const row = await db.prepare(`SELECT ${COLUMNS} FROM sign_in_attempts WHERE id = ? AND kind = 'test_run'`).bind(id).first<RunRow>()
      return row ? fromRow(row) : null
    },
    async recordStart(id, start, now) {
      const res = await db
        .prepare(`UPDATE sign_in_attempts SET test_run = json_set(test_run, '$.samlRequest', ?, '$.relayState', ?) WHERE id = ? AND ${stillPending}`)
        .bind(start.samlRequest, start.relayState, id, now)
        .run()
      return res.meta.changes > 0
    },
    async finish(p) {
      const run = p.run
      const end = db
        .prepare(`UPDATE sign_in_attempts SET status = ?, reason = ?, name_id = ?, email_address = ?, saml_response = ?, test_run = ? WHERE id = ? AND ${stillPending}${p.assertion ? ' AND changes() = 1' : ''}`)
        .bind(STORED[run.status], run.reason, run.userInfo?.user_id ?? null, run.userInfo?.email_address ?? null, run.samlResponse, detailsOf(run), run.id, p.now)
      // A success reserves its assertion id first, so the assertion cannot sign anyone in afterwards.
      const reserve = p.assertion
        ? [db.prepare('INSERT INTO saml_assertion_ids (connection_id, assertion_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').bind(run.connectionId, p.assertion.assertionId.slice(0, 256), p.assertion.expiresAt)]
        : []
      const useLogin = p.loginRequestHash ? [db.prepare('DELETE FROM login_requests WHERE relay_state_hash = ?').bind(p.loginRequestHash)] : []
      const results = await db.batch([...reserve, end, ...useLogin])
      if (p.assertion && (results[0]?.meta.changes ?? 0) === 0) return 'replayed'
      return (results[reserve.length]?.meta.changes ?? 0) > 0 ? 'finished' : 'not_pending'
    },
    async list(connectionId, p) {
      const statuses = p.statuses && p.statuses.length > 0 ? [...new Set(p.statuses)] : null
      const where = `connection_id = ? AND kind = 'test_run' AND created_at >= ?${statuses ? ` AND (${statuses.map((s) => STATUS_SQL[s].sql).join(' OR ')})` : ''}`
      const args = [connectionId, p.since, ...(statuses ?? []).filter((s) => STATUS_SQL[s].usesNow).map(() => p.now)]
      const [page, total] = await db.batch<RunRow | { n: number }>([
        db.prepare(`SELECT ${COLUMNS} FROM sign_in_attempts WHERE ${where} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`).bind(...args, p.limit, p.offset),
        db.prepare(`SELECT COUNT(*) AS n FROM sign_in_attempts WHERE ${where}`).bind(...args),
      ])
      return { items: ((page?.results ?? []) as RunRow[]).map(fromRow), total: (total?.results[0] as { n: number } | undefined)?.n ?? 0 }
    },
  }
}
