import type { EventType } from '../../domain/events'
import type { StoredWebhookEndpoint, WebhookEndpoint } from '../../domain/webhooks'
import type { WebhookEndpointRepository } from '../types'
import type { D1Handle } from './handle'

type EndpointRow = { id: string; instance_id: string; url: string; events_json: string | null; origin: string; created_at: number }
type StoredRow = EndpointRow & { secret_sealed: string }

const COLUMNS = 'id, instance_id, url, events_json, origin, created_at'

const fromRow = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  instanceId: r.instance_id,
  url: r.url,
  events: r.events_json === null ? null : (JSON.parse(r.events_json) as EventType[]),
  origin: r.origin,
  createdAt: r.created_at,
})

export function d1WebhookEndpoints(db: D1Handle): WebhookEndpointRepository {
  return {
    async create(e, maxPerInstance) {
      // The count and the insert are one statement, so racing creates cannot pass the bound together.
      const r = await db
        .prepare(
          'INSERT INTO webhook_endpoints (id, instance_id, url, events_json, secret_sealed, origin, created_at) ' +
            'SELECT ?, ?, ?, ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE instance_id = ?) < ?',
        )
        .bind(e.id, e.instanceId, e.url, e.events === null ? null : JSON.stringify(e.events), e.sealedSecret, e.origin, e.createdAt, e.instanceId, maxPerInstance)
        .run()
      return (r.meta.changes ?? 0) > 0
    },

    async list(instanceId) {
      const r = await db.prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE instance_id = ? ORDER BY created_at DESC, id DESC`).bind(instanceId).all<EndpointRow>()
      return r.results.map(fromRow)
    },

    async remove(instanceId, id) {
      const r = await db.prepare('DELETE FROM webhook_endpoints WHERE id = ? AND instance_id = ?').bind(id, instanceId).run()
      return (r.meta.changes ?? 0) > 0
    },

    async find(id) {
      const row = await db.prepare(`SELECT ${COLUMNS}, secret_sealed FROM webhook_endpoints WHERE id = ?`).bind(id).first<StoredRow>()
      return row ? ({ ...fromRow(row), sealedSecret: row.secret_sealed } satisfies StoredWebhookEndpoint) : null
    },

    async forInstances(instanceIds) {
      if (instanceIds.length === 0) return []
      // One JSON parameter: D1 binds at most 100 parameters a statement.
      const r = await db
        .prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE instance_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`)
        .bind(JSON.stringify([...new Set(instanceIds)]))
        .all<EndpointRow>()
      return r.results.map(fromRow)
    },

    async recordDeadLetter(m, instanceId, at) {
      await db
        .prepare('INSERT INTO webhook_dead_letters (event_id, endpoint_id, instance_id, dead_at) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, endpoint_id) DO UPDATE SET dead_at = excluded.dead_at')
        .bind(m.eventId, m.endpointId, instanceId, at)
        .run()
    },
  }
}
