/** Reads of the real D1 store, to prove a refused request changed nothing and writes left no half-record. */
import { env } from 'cloudflare:test'
import { expect } from 'vitest'

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
