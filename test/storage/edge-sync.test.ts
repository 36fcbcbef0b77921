import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { buildDeps } from '../../src/wiring/deps'
import type { Deps } from '../../src/services/deps'
import { drainEdgeSyncs, loadConnectionAtEdge } from '../../src/services/edge-sync'
import { createConnection, deleteConnection, getConnection, updateConnection } from '../../src/services/saml-connections'

const scope = () => ({ instanceId: `ins_${crypto.randomUUID().slice(0, 8)}`, appId: 'public', tenantId: 'public' })
const pending = async (id: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM kv_sync_outbox WHERE connection_id = ?').bind(id).first<{ n: number }>())?.n

/** Real deps whose KV edge copy fails, as a KV outage between the D1 write and the KV write would. */
function withKvOutage(deps: Deps): Deps {
  const broken = () => Promise.reject(new Error('KV unavailable'))
  return { ...deps, edge: { put: broken, remove: broken, get: deps.edge.get } }
}

describe('KV edge copy when KV fails after the D1 write', () => {
  it('create: the D1 record is complete and readable, the outbox keeps the sync, and the drain heals KV', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    const conn = await createConnection(withKvOutage(deps), s, { name: 'outage', domains: [`${s.instanceId}.example.com`] })
    expect(await getConnection(deps, s.instanceId, conn.id)).toEqual(conn)
    expect(await env.KV.get(`conn:${conn.id}`)).toBeNull()
    expect(await pending(conn.id)).toBe(1)

    await drainEdgeSyncs(deps)
    expect(await pending(conn.id)).toBe(0)
    expect(await deps.edge.get(conn.id)).toEqual(conn)
  })

  it('update: a stale edge copy is replaced by the drain, and sign-in reads see the new state', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    const conn = await createConnection(deps, s, { name: 'before', domains: [`${s.instanceId}.example.com`] })
    await updateConnection(withKvOutage(deps), s.instanceId, conn.id, { name: 'after' })
    expect((await deps.edge.get(conn.id))?.name).toBe('before')
    expect((await getConnection(deps, s.instanceId, conn.id)).name).toBe('after')
    await drainEdgeSyncs(deps)
    expect((await loadConnectionAtEdge(deps, conn.id))?.name).toBe('after')
  })

  it('delete: the record is gone from D1 at once, and the drain removes the edge copy', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    const conn = await createConnection(deps, s, { name: 'doomed', domains: [`${s.instanceId}.example.com`] })
    expect(await deleteConnection(withKvOutage(deps), s.instanceId, conn.id)).toBe(true)
    await expect(getConnection(deps, s.instanceId, conn.id)).rejects.toMatchObject({ code: 'not_found' })
    expect(await deps.edge.get(conn.id)).not.toBeNull()
    await drainEdgeSyncs(deps)
    expect(await deps.edge.get(conn.id)).toBeNull()
    expect(await pending(conn.id)).toBe(0)
  })

  it('a late sync from an older write cannot clear the outbox entry of a newer one', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    const conn = await createConnection(deps, s, { name: 'v1', domains: [`${s.instanceId}.example.com`] })
    const first = await deps.connections.replace({ ...conn, name: 'v2' })
    const second = await deps.connections.replace({ ...conn, name: 'v3' })
    await deps.connections.clearEdgeSync(conn.id, first.syncToken)
    expect(await pending(conn.id)).toBe(1)
    await deps.connections.clearEdgeSync(conn.id, second.syncToken)
    expect(await pending(conn.id)).toBe(0)
  })

  it('loadConnectionAtEdge refills a missing edge copy from D1', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    const conn = await createConnection(deps, s, { name: 'refill', domains: [`${s.instanceId}.example.com`] })
    await env.KV.delete(`conn:${conn.id}`)
    expect(await loadConnectionAtEdge(deps, conn.id)).toEqual(conn)
    expect(await deps.edge.get(conn.id)).toEqual(conn)
  })
})

describe('D1 writes are atomic', () => {
  it('a create that fails on its second domain leaves neither the record nor the first domain', async () => {
    const deps = buildDeps(env, 'test')
    const s = scope()
    await createConnection(deps, s, { name: 'owner', domains: [`taken.${s.instanceId}.com`] })
    await expect(createConnection(deps, s, { name: 'loser', domains: [`free.${s.instanceId}.com`, `taken.${s.instanceId}.com`] })).rejects.toMatchObject({
      code: 'conflict',
      opts: { meta: { field: 'domain' } },
    })
    const rows = await env.DB.prepare('SELECT name FROM saml_connections WHERE instance_id = ?').bind(s.instanceId).all<{ name: string }>()
    expect(rows.results.map((r) => r.name)).toEqual(['owner'])
    const domains = await env.DB.prepare('SELECT domain FROM saml_connection_domains WHERE instance_id = ?').bind(s.instanceId).all<{ domain: string }>()
    expect(domains.results.map((r) => r.domain)).toEqual([`taken.${s.instanceId}.com`])
    // the freed name can be retried
    await expect(createConnection(deps, s, { name: 'retry', domains: [`free.${s.instanceId}.com`] })).resolves.toMatchObject({ name: 'retry' })
  })
})
