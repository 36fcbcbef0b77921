import { REFRESH_INTERVAL_MS } from '../../domain/metadata-refresh'
import type { SamlConnection } from '../../domain/saml-connection'
import { CONNECTION_COLUMNS, toRow } from './connection-rows'
import type { Guard } from './events'
import type { D1Handle } from './handle'

/** The statements every write of a connection is made of, shared by the repositories that write one. */

const INSERT_CONNECTION = `INSERT INTO saml_connections (${CONNECTION_COLUMNS.join(', ')}) VALUES (${CONNECTION_COLUMNS.map(() => '?').join(', ')})`
const UPDATED_COLUMNS = CONNECTION_COLUMNS.filter((c) => c !== 'id' && c !== 'instance_id')
const UPDATE_CONNECTION = `UPDATE saml_connections SET ${UPDATED_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND instance_id = ?`

export function connectionInsert(db: D1Handle, c: SamlConnection): D1PreparedStatement {
  const row = toRow(c)
  return db.prepare(INSERT_CONNECTION).bind(...CONNECTION_COLUMNS.map((k) => row[k]))
}

/** Overwrites the stored record; with `also`, only while that condition on the row holds as well. */
export function connectionUpdate(db: D1Handle, c: SamlConnection, also?: Guard): D1PreparedStatement {
  const row = toRow(c)
  const sql = also ? `${UPDATE_CONNECTION} AND ${also.sql}` : UPDATE_CONNECTION
  return db.prepare(sql).bind(...UPDATED_COLUMNS.map((k) => row[k]), c.id, c.instanceId, ...(also?.args ?? []))
}

// Queued in the same batch as the record, so a crash before KV is written leaves a trace to replay.
export function edgeSyncQueue(db: D1Handle, id: string, now: number, token: string, guard?: Guard): D1PreparedStatement {
  const upsert = 'ON CONFLICT (connection_id) DO UPDATE SET token = excluded.token, queued_at = excluded.queued_at'
  return guard
    ? db.prepare(`INSERT INTO kv_sync_outbox (connection_id, token, queued_at) SELECT ?, ?, ? WHERE ${guard.sql} ${upsert}`).bind(id, token, now, ...guard.args)
    : db.prepare(`INSERT INTO kv_sync_outbox (connection_id, token, queued_at) VALUES (?, ?, ?) ${upsert}`).bind(id, token, now)
}

/**
 * Keeps the refresh schedule in step with the record's metadata URL: none without a URL; a new URL
 * starts afresh, due a day after the write (which has just fetched it); the same URL keeps its schedule.
 * Written only while the connection exists, so a write racing a delete leaves no orphan.
 */
export function refreshScheduleWrite(db: D1Handle, c: SamlConnection): D1PreparedStatement {
  if (!c.idpMetadataUrl) return db.prepare('DELETE FROM metadata_refresh WHERE connection_id = ?').bind(c.id)
  return db
    .prepare(
      'INSERT INTO metadata_refresh (connection_id, metadata_url, next_refresh_at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM saml_connections WHERE id = ?) ' +
        'ON CONFLICT (connection_id) DO UPDATE SET metadata_url = excluded.metadata_url, next_refresh_at = excluded.next_refresh_at, etag = NULL, last_modified = NULL, ' +
        'cache_duration_ms = NULL, valid_until = NULL, failures = 0, last_failure = NULL, last_attempt_at = NULL, last_success_at = NULL, on_demand_at = NULL ' +
        'WHERE metadata_refresh.metadata_url IS NOT excluded.metadata_url',
    )
    .bind(c.id, c.idpMetadataUrl, c.updatedAt + REFRESH_INTERVAL_MS, c.id)
}
