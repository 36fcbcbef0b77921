/**
 * The real D1 store as tests touch it directly: API keys stored the way `npm run keys` stores them,
 * reads that prove a refused request changed nothing and writes left no half-record, and a bulk
 * seed for tests that need many connections but test only reading them.
 */
import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import { newSamlConnectionId } from '../../src/domain/ids'
import { sha256Hex } from '../../src/domain/secrets'
import type { ApiKeyKind } from '../../src/storage/types'
import { DEFAULT_APP_ID, DEFAULT_CONNECTION, DEFAULT_TENANT_ID } from '../../src/domain/saml-connection'
import { CONNECTION_COLUMNS, toRow } from '../../src/storage/d1/connection-rows'

/** Stores an API key as `npm run keys` does: only its SHA-256, with its owner. */
export async function storeKey(kind: ApiKeyKind, key: string, instanceId: string, appId = 'public'): Promise<void> {
  await env.DB.prepare('INSERT INTO api_keys (key_hash, kind, instance_id, app_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(await sha256Hex(key), kind, instanceId, appId, 'test', Date.now())
    .run()
}

export interface StoreSnapshot {
  connections: Record<string, unknown>[]
  domains: Record<string, unknown>[]
}

/** Every row of one instance in saml_connections and saml_connection_domains, in a stable order. */
export async function snapshotInstance(instanceId: string): Promise<StoreSnapshot> {
  const [connections, domains] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare('SELECT * FROM saml_connections WHERE instance_id = ? ORDER BY id').bind(instanceId),
    env.DB.prepare('SELECT * FROM saml_connection_domains WHERE instance_id = ? ORDER BY domain').bind(instanceId),
  ])
  return { connections: connections?.results ?? [], domains: domains?.results ?? [] }
}

/** Replay-protection rows of one connection: a refused ACS post must not reserve anything. */
export async function assertionIdsOf(connectionId: string): Promise<unknown[]> {
  const r = await env.DB.prepare('SELECT assertion_id, expires_at FROM saml_assertion_ids WHERE connection_id = ? ORDER BY assertion_id').bind(connectionId).all()
  return r.results
}

export async function consumedCodeCount(): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM consumed_codes').first<{ n: number }>())?.n ?? 0
}

/**
 * The domain rows of an instance are exactly the domains its connections list: no row without
 * its connection, no listed domain without its row.
 */
export async function expectDomainRowsConsistent(instanceId: string): Promise<void> {
  const { connections, domains } = await snapshotInstance(instanceId)
  const listed = connections.flatMap((c) => (JSON.parse(String(c.domains_json)) as string[]).map((d) => `${c.id} ${d}`)).sort()
  const rows = domains.map((d) => `${d.connection_id} ${d.domain}`).sort()
  expect(rows).toEqual(listed)
}

export async function outboxEntries(connectionId: string): Promise<number> {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM kv_sync_outbox WHERE connection_id = ?').bind(connectionId).first<{ n: number }>())?.n ?? 0
}

/**
 * Stores `count` Clerk-style connections of one instance in one D1 batch, rows made by the storage
 * layer's own `toRow`, each with its domain row. `perMillisecond` of them share each `created_at`, so
 * listing must break ties by id. Returns their ids newest first, the order Clerk lists them in.
 */
export async function seedConnections(instanceId: string, count: number, perMillisecond = 1): Promise<string[]> {
  const start = Date.now() - count
  const rows = Array.from({ length: count }, (_, i) => {
    const id = newSamlConnectionId()
    const at = start + Math.floor(i / perMillisecond)
    return toRow({
      ...DEFAULT_CONNECTION,
      id, instanceId, appId: DEFAULT_APP_ID, tenantId: DEFAULT_TENANT_ID, clientId: id,
      name: `Seeded ${i}`, domains: [`seeded-${i}-${id.slice(-8).toLowerCase()}.example.com`], createdAt: at, updatedAt: at,
    })
  })
  const insert = env.DB.prepare(`INSERT INTO saml_connections (${CONNECTION_COLUMNS.join(', ')}) VALUES (${CONNECTION_COLUMNS.map(() => '?').join(', ')})`)
  const insertDomain = env.DB.prepare('INSERT INTO saml_connection_domains (instance_id, domain, connection_id) VALUES (?, ?, ?)')
  await env.DB.batch(
    rows.flatMap((r) => [insert.bind(...CONNECTION_COLUMNS.map((k) => r[k])), insertDomain.bind(instanceId, JSON.parse(String(r.domains_json))[0], r.id)]),
  )
  return rows
    .sort((a, b) => Number(b.created_at) - Number(a.created_at) || (String(a.id) < String(b.id) ? 1 : -1))
    .map((r) => String(r.id))
}
