import { newOpaqueToken } from '../../domain/ids'
import type { MetadataRefreshRepository, RefreshAttempt, RefreshState } from '../types'
import { connectionUpdate, edgeSyncQueue } from './connection-statements'
import { eventInsert, type Guard } from './events'
import type { D1Handle } from './handle'

type RefreshRow = {
  connection_id: string
  metadata_url: string
  next_refresh_at: number
  etag: string | null
  last_modified: string | null
  cache_duration_ms: number | null
  valid_until: number | null
  failures: number
  last_failure: string | null
  last_attempt_at: number | null
  last_success_at: number | null
}

const COLUMNS = 'connection_id, metadata_url, next_refresh_at, etag, last_modified, cache_duration_ms, valid_until, failures, last_failure, last_attempt_at, last_success_at'

const fromRow = (r: RefreshRow): RefreshState => ({
  connectionId: r.connection_id,
  metadataUrl: r.metadata_url,
  nextRefreshAt: r.next_refresh_at,
  etag: r.etag,
  lastModified: r.last_modified,
  cacheDurationMs: r.cache_duration_ms,
  validUntil: r.valid_until,
  failures: r.failures,
  lastFailure: r.last_failure,
  lastAttemptAt: r.last_attempt_at,
  lastSuccessAt: r.last_success_at,
})

/** The schedule's update for one attempt; the document's validators and hints only when a new one was read. */
function attemptUpdate(db: D1Handle, connectionId: string, a: RefreshAttempt, guard?: Guard): D1PreparedStatement {
  const sets = ['next_refresh_at = ?', 'failures = ?', 'last_failure = ?', 'last_attempt_at = ?']
  const args: (string | number | null)[] = [a.nextRefreshAt, a.failures, a.failure, a.at]
  if (a.failure === null) {
    sets.push('last_success_at = ?')
    args.push(a.at)
  }
  if (a.document) {
    sets.push('etag = ?', 'last_modified = ?', 'cache_duration_ms = ?', 'valid_until = ?')
    args.push(a.document.etag, a.document.lastModified, a.document.cacheDurationMs, a.document.validUntil)
  }
  const where = `connection_id = ? AND metadata_url = ?${guard ? ` AND ${guard.sql}` : ''}`
  return db.prepare(`UPDATE metadata_refresh SET ${sets.join(', ')} WHERE ${where}`).bind(...args, connectionId, a.metadataUrl, ...(guard?.args ?? []))
}

export function d1MetadataRefresh(db: D1Handle): MetadataRefreshRepository {
  return {
    async get(connectionId) {
      const row = await db.prepare(`SELECT ${COLUMNS} FROM metadata_refresh WHERE connection_id = ?`).bind(connectionId).first<RefreshRow>()
      return row ? fromRow(row) : null
    },

    async claimDue(now, leaseUntil, limit) {
      // One statement: two overlapping runs never take the same row.
      const r = await db
        .prepare(
          `UPDATE metadata_refresh SET next_refresh_at = ? WHERE connection_id IN ` +
            `(SELECT connection_id FROM metadata_refresh WHERE next_refresh_at <= ? ORDER BY next_refresh_at LIMIT ?) RETURNING ${COLUMNS}`,
        )
        .bind(leaseUntil, now, limit)
        .all<RefreshRow>()
      return r.results.map(fromRow)
    },

    async claimOnDemand(connectionId, now, intervalMs) {
      const r = await db
        .prepare('UPDATE metadata_refresh SET on_demand_at = ? WHERE connection_id = ? AND (on_demand_at IS NULL OR on_demand_at <= ?)')
        .bind(now, connectionId, now - intervalMs)
        .run()
      return r.meta.changes > 0
    },

    async recordAttempt(connectionId, attempt, events) {
      const urlStill: Guard = { sql: 'EXISTS (SELECT 1 FROM metadata_refresh WHERE connection_id = ? AND metadata_url = ?)', args: [connectionId, attempt.metadataUrl] }
      await db.batch([...events.map((e) => eventInsert(db, e, urlStill)), attemptUpdate(db, connectionId, attempt)])
    },

    async applyChange(next, expectedUpdatedAt, attempt, events) {
      // Every statement runs under the same condition, that the record is still the one read; the
      // record's own update comes last, as it is what makes the condition false.
      const unchanged: Guard = {
        sql: 'EXISTS (SELECT 1 FROM saml_connections WHERE id = ? AND updated_at = ? AND idp_metadata_url IS ?)',
        args: [next.id, expectedUpdatedAt, attempt.metadataUrl],
      }
      const syncToken = newOpaqueToken(12)
      const results = await db.batch([
        ...events.map((e) => eventInsert(db, e, unchanged)),
        edgeSyncQueue(db, next.id, next.updatedAt, syncToken, unchanged),
        attemptUpdate(db, next.id, attempt, unchanged),
        connectionUpdate(db, next, { sql: 'updated_at = ? AND idp_metadata_url IS ?', args: [expectedUpdatedAt, attempt.metadataUrl] }),
      ])
      return { applied: (results.at(-1)?.meta.changes ?? 0) > 0, syncToken }
    },
  }
}
