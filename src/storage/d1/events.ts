import type { DomainEvent, EventType } from '../../domain/events'
import type { EventRepository, StoredEvent } from '../types'
import type { D1Handle } from './handle'

/** A condition a statement of a batch runs under, with its parameters (see `guarded`). */
export interface Guard {
  sql: string
  args: (string | number | null)[]
}

type EventRow = { id: string; instance_id: string; type: string; connection_id: string | null; data_json: string; created_at: number; delivered_at: number | null }

const COLUMNS = 'id, instance_id, type, connection_id, data_json, created_at, delivered_at'

/**
 * The statement that records `e`, for the batch of the change that causes it (the outbox's point).
 * With a guard, the event is written only when the guard holds at that point of the batch.
 */
export function eventInsert(db: D1Handle, e: DomainEvent, guard?: Guard): D1PreparedStatement {
  const values = [e.id, e.instanceId, e.type, e.connectionId, JSON.stringify(e.data), e.createdAt]
  const insert = 'INSERT INTO events (id, instance_id, type, connection_id, data_json, created_at)'
  return guard
    ? db.prepare(`${insert} SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}`).bind(...values, ...guard.args)
    : db.prepare(`${insert} VALUES (?, ?, ?, ?, ?, ?)`).bind(...values)
}

const fromRow = (r: EventRow): StoredEvent => ({
  id: r.id,
  instanceId: r.instance_id,
  type: r.type as EventType,
  connectionId: r.connection_id,
  data: JSON.parse(r.data_json) as Record<string, unknown>,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
})

export function d1Events(db: D1Handle): EventRepository {
  return {
    async append(events) {
      if (events.length) await db.batch(events.map((e) => eventInsert(db, e)))
    },
    async undelivered(limit) {
      const r = await db.prepare(`SELECT ${COLUMNS} FROM events WHERE delivered_at IS NULL ORDER BY created_at, rowid LIMIT ?`).bind(limit).all<EventRow>()
      return r.results.map(fromRow)
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
      return r.results.map(fromRow)
    },
  }
}
