import { normalizeDomainName } from '../../domain/email-domain'
import { AppError } from '../../domain/errors'
import type { DomainEvent } from '../../domain/events'
import { newOpaqueToken } from '../../domain/ids'
import { matchesEmailDomain } from '../../domain/saml-connection'
import type { ConnectionRepository } from '../types'
import { CONNECTION_COLUMNS, fromRow, SELECT_CONNECTION, type ConnectionRow } from './connection-rows'
import { connectionInsert, connectionUpdate, edgeSyncQueue, refreshScheduleWrite } from './connection-statements'
import { eventInsert, subjectRefresh, type Guard } from './events'
import type { D1Handle } from './handle'

const PAGE_COLUMNS = CONNECTION_COLUMNS.map((c) => `c.${c}`).join(', ')

/** The only place that reads a driver message: a UNIQUE failure becomes a conflict naming the field. */
function conflictFrom(e: unknown): AppError | null {
  const msg = e instanceof Error ? e.message : String(e)
  if (!msg.includes('UNIQUE constraint failed')) return null
  const field = msg.includes('saml_connection_domains')
    ? 'domain'
    : msg.includes('idp_entity_id')
      ? 'idp_entity_id'
      : msg.includes('organization_id')
        ? 'organization_id'
        : msg.includes('client_id')
          ? 'client_id'
          : 'id'
  return new AppError('conflict', { meta: { field }, internal: msg })
}

async function runWrite<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    throw conflictFrom(e) ?? e
  }
}

const IN_TENANT = 'instance_id = ? AND app_id = ? AND tenant_id = ?'

/** Parent domains of `domain` down to two labels: a.b.example.com -> [a.b.example.com, b.example.com, example.com]. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split('.')
  const out: string[] = []
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'))
  return out
}

/** The stored connection exists in its instance, with `active` as given when it is. */
const storedGuard = (instanceId: string, id: string, active?: boolean): Guard => ({
  sql: `EXISTS (SELECT 1 FROM saml_connections WHERE id = ? AND instance_id = ?${active === undefined ? '' : ' AND active = ?'})`,
  args: active === undefined ? [id, instanceId] : [id, instanceId, active ? 1 : 0],
})

/**
 * An activation or deactivation is recorded only if the stored connection was the other way just
 * before this batch, whatever the caller read earlier: of two admins' racing writes each event
 * describes the flip its write made.
 */
const isFlip = (e: DomainEvent) => e.type === 'saml_connection.activated' || e.type === 'saml_connection.deactivated'

export function d1Connections(db: D1Handle): ConnectionRepository {
  const rowsOf = (r: D1Result<ConnectionRow>) => r.results.map(fromRow)
  const findOne = async (where: string, ...args: string[]) => {
    const row = await db.prepare(`${SELECT_CONNECTION} WHERE ${where}`).bind(...args).first<ConnectionRow>()
    return row ? fromRow(row) : null
  }

  const domainInserts = (instanceId: string, id: string, domains: string[]) =>
    domains.map((d) => db.prepare('INSERT INTO saml_connection_domains (instance_id, domain, connection_id) VALUES (?, ?, ?)').bind(instanceId, d, id))

  const queueEdgeSync = (id: string, now: number, token: string) => edgeSyncQueue(db, id, now, token)

  return {
    async insert(c, events = []) {
      const syncToken = newOpaqueToken(12)
      await runWrite(() =>
        db.batch([
          connectionInsert(db, c),
          ...domainInserts(c.instanceId, c.id, c.domains),
          refreshScheduleWrite(db, c),
          queueEdgeSync(c.id, c.updatedAt, syncToken),
          ...events.map((e) => eventInsert(db, e)),
        ]),
      )
      return { syncToken }
    },

    async replace(c, events = []) {
      const syncToken = newOpaqueToken(12)
      // A flip is judged by the row before the update, so the events come first (in their order),
      // each only if the row is there; their snapshots are brought up to the update's result last.
      const guardOf = (e: DomainEvent) => storedGuard(c.instanceId, c.id, isFlip(e) ? e.type === 'saml_connection.deactivated' : undefined)
      const statements = [
        ...events.map((e) => eventInsert(db, e, guardOf(e))),
        connectionUpdate(db, c),
        db.prepare('DELETE FROM saml_connection_domains WHERE connection_id = ?').bind(c.id),
        ...domainInserts(c.instanceId, c.id, c.domains),
        refreshScheduleWrite(db, c),
        queueEdgeSync(c.id, c.updatedAt, syncToken),
        ...(events.length ? [subjectRefresh(db, c.id, events.map((e) => e.id))] : []),
      ]
      const results = await runWrite(() => db.batch(statements))
      return { found: (results[events.length]?.meta.changes ?? 0) > 0, syncToken }
    },

    async remove(instanceId, id, now, events = []) {
      const syncToken = newOpaqueToken(12)
      const inInstance = 'connection_id IN (SELECT id FROM saml_connections WHERE id = ? AND instance_id = ?)'
      // Written before the row goes, so it holds the connection as it was, and only if there was one.
      const eventStatements = events.map((e) => eventInsert(db, e, storedGuard(instanceId, id)))
      const results = await db.batch([
        ...eventStatements,
        db.prepare('DELETE FROM saml_connection_domains WHERE connection_id = ? AND instance_id = ?').bind(id, instanceId),
        db.prepare(`DELETE FROM metadata_refresh WHERE ${inInstance}`).bind(id, instanceId),
        db.prepare(`DELETE FROM certificate_expiry_notices WHERE ${inInstance}`).bind(id, instanceId),
        db.prepare('DELETE FROM saml_connections WHERE id = ? AND instance_id = ?').bind(id, instanceId),
        queueEdgeSync(id, now, syncToken),
      ])
      return { found: (results[eventStatements.length + 3]?.meta.changes ?? 0) > 0, syncToken }
    },

    find: (instanceId, id) => findOne('id = ? AND instance_id = ?', id, instanceId),
    findById: (id) => findOne('id = ?', id),
    findByClientId: (s, clientId) => findOne(`${IN_TENANT} AND client_id = ?`, s.instanceId, s.appId, s.tenantId, clientId),
    findByIdpEntityId: (s, entityId) => findOne(`${IN_TENANT} AND idp_entity_id = ?`, s.instanceId, s.appId, s.tenantId, entityId),

    async findByEmailDomain(instanceId, domain) {
      // Stored domains are normalised at write (punycode, lower-case); the email's domain is read the same way.
      const normalised = normalizeDomainName(domain)
      const candidates = normalised ? domainAndParents(normalised) : []
      if (candidates.length === 0) return []
      // One JSON parameter: a long email domain has more parents than D1 binds parameters.
      const r = await db
        .prepare(
          `${SELECT_CONNECTION} WHERE id IN (SELECT connection_id FROM saml_connection_domains WHERE instance_id = ? AND domain IN (SELECT value FROM json_each(?)))`,
        )
        .bind(instanceId, JSON.stringify(candidates))
        .all<ConnectionRow>()
      return rowsOf(r).filter((c) => matchesEmailDomain(c, domain))
    },

    async list(q) {
      const where = ['instance_id = ?']
      const args: (string | number)[] = [q.instanceId]
      if (q.nameContains) {
        where.push("name_lower LIKE ? ESCAPE '\\'")
        args.push(`%${q.nameContains.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`)
      }
      // Each list is one JSON parameter: D1 refuses statements with more than 100 bound parameters.
      if (q.includeOrganizations?.length) {
        where.push('organization_id IN (SELECT value FROM json_each(?))')
        args.push(JSON.stringify(q.includeOrganizations))
      }
      if (q.excludeOrganizations?.length) {
        where.push('(organization_id IS NULL OR organization_id NOT IN (SELECT value FROM json_each(?)))')
        args.push(JSON.stringify(q.excludeOrganizations))
      }
      if (q.active !== undefined) {
        where.push('active = ?')
        args.push(q.active ? 1 : 0)
      }
      const dir = q.order.direction === 'asc' ? 'ASC' : 'DESC'
      const keys = q.order.field === 'name' ? ['name_lower', 'id'] : ['created_at', 'id']
      const orderBy = (alias: string) => keys.map((k) => `${alias}${k} ${dir}`).join(', ')
      const whereSql = where.join(' AND ')
      // Deferred join: the page's ids come from a covering index (migrations/0004), so skipping
      // `offset` entries reads index entries only; whole rows are read for the page alone.
      // CROSS JOIN keeps SQLite from reordering: the page drives, rows are fetched by primary key.
      const pageSql =
        `SELECT ${PAGE_COLUMNS} FROM (SELECT id FROM saml_connections WHERE ${whereSql} ORDER BY ${orderBy('')} LIMIT ? OFFSET ?) AS p ` +
        `CROSS JOIN saml_connections AS c ON c.id = p.id ORDER BY ${orderBy('c.')}`
      // One batch is one transaction: the page and the count see the same snapshot.
      const [page, count] = await db.batch<ConnectionRow | { n: number }>([
        db.prepare(pageSql).bind(...args, q.limit, q.offset),
        db.prepare(`SELECT COUNT(*) AS n FROM saml_connections WHERE ${whereSql}`).bind(...args),
      ])
      return {
        items: rowsOf(page as D1Result<ConnectionRow>),
        total: Number((count?.results[0] as { n: number } | undefined)?.n ?? 0),
      }
    },

    async listTenant(s) {
      const r = await db
        .prepare(`${SELECT_CONNECTION} WHERE ${IN_TENANT} ORDER BY created_at DESC, id DESC LIMIT 1000`)
        .bind(s.instanceId, s.appId, s.tenantId)
        .all<ConnectionRow>()
      return rowsOf(r)
    },

    async pendingEdgeSyncs(limit) {
      const r = await db.prepare('SELECT connection_id, token FROM kv_sync_outbox ORDER BY queued_at LIMIT ?').bind(limit).all<{ connection_id: string; token: string }>()
      return r.results.map((x) => ({ id: x.connection_id, token: x.token }))
    },

    async clearEdgeSync(id, token) {
      await db.prepare('DELETE FROM kv_sync_outbox WHERE connection_id = ? AND token = ?').bind(id, token).run()
    },
  }
}
