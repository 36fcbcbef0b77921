import type { DomainEvent, EventType } from '../../domain/events'
import type { SamlConnection } from '../../domain/saml-connection'
import type { EventRepository, StoredEvent } from '../types'
import { CONNECTION_COLUMNS, fromRow, type ConnectionRow } from './connection-rows'
import type { D1Handle } from './handle'

/** A condition a statement of a batch runs under, with its parameters (see `guarded`). */
export interface Guard {
  sql: string
  args: (string | number | null)[]
}

type EventRow = {
  id: string
  instance_id: string
  type: string
  connection_id: string | null
  data_json: string
  created_at: number
  delivered_at: number | null
  subject_json: string | null
}

const COLUMNS = 'id, instance_id, type, connection_id, data_json, created_at, delivered_at, subject_json'

// The connection's row as one JSON object, read by the event's own INSERT: the state at that point
// of the batch, whoever wrote it (an admin, a refresh, the expiry warnings).
const SUBJECT = `(SELECT json_object(${CONNECTION_COLUMNS.map((c) => `'${c}', ${c}`).join(', ')}) FROM saml_connections WHERE id = ?)`
const isAboutConnection = (e: DomainEvent) => e.connectionId !== null && e.type.startsWith('saml_connection.')

/**
 * The statement that records `e`, for the batch of the change that causes it (the outbox's point).
 * With a guard, the event is written only when the guard holds at that point of the batch. An event
 * about a connection keeps the connection's row as it stands at that point (`subject_json`).
 */
export function eventInsert(db: D1Handle, e: DomainEvent, guard?: Guard): D1PreparedStatement {
  const subject = isAboutConnection(e) ? SUBJECT : 'NULL'
  const values = [e.id, e.instanceId, e.type, e.connectionId, JSON.stringify(e.data), e.createdAt, ...(isAboutConnection(e) ? [e.connectionId] : [])]
  const insert = 'INSERT INTO events (id, instance_id, type, connection_id, data_json, created_at, subject_json)'
  return guard
    ? db.prepare(`${insert} SELECT ?, ?, ?, ?, ?, ?, ${subject} WHERE ${guard.sql}`).bind(...values, ...guard.args)
    : db.prepare(`${insert} VALUES (?, ?, ?, ?, ?, ?, ${subject})`).bind(...values)
}

/**
 * Brings the snapshot of events already written in this batch up to the connection's state now:
 * events written before a change, to be guarded by the state the change replaced, describe its result.
 */
export function subjectRefresh(db: D1Handle, connectionId: string, eventIds: string[]): D1PreparedStatement {
  return db.prepare(`UPDATE events SET subject_json = ${SUBJECT} WHERE id IN (SELECT value FROM json_each(?))`).bind(connectionId, JSON.stringify(eventIds))
}

/** A snapshot that no longer parses (the model changed since) is left out rather than failing the delivery. */
function subjectOf(json: string | null): SamlConnection | null {
  if (json === null) return null
  try {
    return fromRow(JSON.parse(json) as ConnectionRow)
  } catch {
    return null
  }
}

const fromEventRow = (r: EventRow): StoredEvent => ({
  id: r.id,
  instanceId: r.instance_id,
  type: r.type as EventType,
  connectionId: r.connection_id,
  data: JSON.parse(r.data_json) as Record<string, unknown>,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  subject: subjectOf(r.subject_json),
})

export function d1Events(db: D1Handle): EventRepository {
  return {
    async append(events) {
      if (events.length) await db.batch(events.map((e) => eventInsert(db, e)))
    },
    async undelivered(limit, createdBefore = Number.MAX_SAFE_INTEGER) {
      const r = await db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE delivered_at IS NULL AND created_at < ? ORDER BY created_at, rowid LIMIT ?`)
        .bind(createdBefore, limit)
        .all<EventRow>()
      return r.results.map(fromEventRow)
    },
    async claim(p) {
      const among = p.ids ? ' AND id IN (SELECT value FROM json_each(?))' : ''
      const r = await db
        .prepare(
          `UPDATE events SET claimed_until = ? WHERE id IN (SELECT id FROM events WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)${among} ` +
            `ORDER BY created_at, rowid LIMIT ?) RETURNING rowid AS seq, ${COLUMNS}`,
        )
        .bind(p.until, p.now, ...(p.ids ? [JSON.stringify(p.ids)] : []), p.limit)
        .all<EventRow & { seq: number }>()
      // RETURNING keeps no order: the outbox's is created_at, then rowid.
      return r.results.sort((a, b) => a.created_at - b.created_at || a.seq - b.seq).map(fromEventRow)
    },
    async release(ids) {
      if (ids.length === 0) return
      await db.prepare('UPDATE events SET claimed_until = NULL WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(ids)).run()
    },
    async find(id) {
      const row = await db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`).bind(id).first<EventRow>()
      return row ? fromEventRow(row) : null
    },
    async markDelivered(ids, at) {
      if (ids.length === 0) return
      await db.prepare('UPDATE events SET delivered_at = ? WHERE delivered_at IS NULL AND id IN (SELECT value FROM json_each(?))').bind(at, JSON.stringify(ids)).run()
    },
    async listForConnection(connectionId, limit) {
      const r = await db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE connection_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`)
        .bind(connectionId, limit)
        .all<EventRow>()
      return r.results.map(fromEventRow)
    },
    async purge(p) {
      // D1's SQLite has no DELETE ... LIMIT: each chunk is chosen by rowid through its own index
      // (events_delivered, events_undelivered), so a run's work is bounded however large the table.
      const [delivered, undelivered] = await db.batch([
        db.prepare('DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE delivered_at < ? LIMIT ?)').bind(p.deliveredBefore, p.limit),
        db.prepare('DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE delivered_at IS NULL AND created_at < ? LIMIT ?)').bind(p.undeliveredBefore, p.limit),
      ])
      return { delivered: delivered?.meta.changes ?? 0, undelivered: undelivered?.meta.changes ?? 0 }
    },
  }
}
