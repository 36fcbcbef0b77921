/**
 * Concurrency of management writes: many requests at once through SELF.fetch against the real D1
 * and KV. Uniqueness must hold because D1 enforces it (UNIQUE keys, one-transaction batches), not
 * because requests happened to arrive one at a time; and a sign-in refilling the edge copy never
 * undoes a write that commits meanwhile.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { AppError } from '../../src/domain/errors'
import { drainEdgeSyncs, loadConnectionAtEdge } from '../../src/services/edge-sync'
import { createConnection, deleteConnection, updateConnection } from '../../src/services/saml-connections'
import { upsertClient } from '../../src/services/supertokens-clients'
import { buildDeps } from '../../src/wiring/deps'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { idpMetadataXml } from '../helpers/keys'
import { expectDomainRowsConsistent, snapshotInstance } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'
import { newApp, newTenantId, stClient } from '../supertokens/helpers'

captureLogs()
const SLOW = 60_000
const countBy = <T>(xs: T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>())

describe('200 concurrent creates in one instance', () => {
  it('make 200 distinct records, an exact total_count, and page walks without duplicates or gaps', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => api.create(connectionInput({ name: `Concurrent ${String(i).padStart(3, '0')}` }))))
    expect(countBy(created.map((r) => r.status))).toEqual(new Map([[200, 200]]))
    const ids = new Set(created.map((r) => r.body.id as string))
    expect(ids.size).toBe(200)

    const first = await api.list('?limit=1')
    expect(first.body.total_count).toBe(200)

    // Pages of a size that does not divide 200, in every order: each id exactly once.
    for (const order of ['-created_at', '+created_at', 'name', '-name']) {
      const seen: string[] = []
      for (let offset = 0; offset < 220; offset += 37) {
        const page = await api.list(`?limit=37&offset=${offset}&order_by=${encodeURIComponent(order)}`)
        expect(page.status).toBe(200)
        expect(page.body.total_count).toBe(200)
        seen.push(...page.body.data.map((c: { id: string }) => c.id))
      }
      expect(seen, order).toHaveLength(200)
      expect(new Set(seen), order).toEqual(ids)
    }
    const names = (await api.list('?limit=500&order_by=name')).body.data.map((c: { name: string }) => c.name)
    expect(names).toEqual([...names].sort())

    const store = await snapshotInstance(instanceId)
    expect(store.connections).toHaveLength(200)
    expect(store.domains).toHaveLength(200)
    await expectDomainRowsConsistent(instanceId)
  }, SLOW)
})

describe('concurrent Clerk creates that compete for one identifier', () => {
  it('with the same domain (in any letter case): exactly one 200, the rest 422 form_identifier_exists', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const domain = `race-${crypto.randomUUID().slice(0, 8)}.example.com`
    // Each loser also brings a domain of its own, which must not survive its failed transaction.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api.create(connectionInput({ domain: i % 2 ? domain.toUpperCase() : domain, domains: [`own-${i}.${domain}`] }))),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(422)
      expect(r.body.errors).toEqual([expect.objectContaining({ code: 'form_identifier_exists', meta: { param_name: 'domain' } })])
    }
    const store = await snapshotInstance(instanceId)
    expect(store.connections).toHaveLength(1)
    expect(store.domains).toHaveLength(2)
    await expectDomainRowsConsistent(instanceId)
  }, SLOW)

  it('with the same organization_id: exactly one 200, the rest 422 organization_already_has_sso_connection', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = clerkClient(secretKey)
    const results = await Promise.all(Array.from({ length: 20 }, () => api.create(connectionInput({ organization_id: 'org_race' }))))
    expect(countBy(results.map((r) => `${r.status} ${r.body.errors?.[0]?.code ?? ''}`))).toEqual(
      new Map([
        ['200 ', 1],
        ['422 organization_already_has_sso_connection', 19],
      ]),
    )
    expect((await snapshotInstance(instanceId)).connections).toHaveLength(1)
    await expectDomainRowsConsistent(instanceId)
  }, SLOW)
})

describe('concurrent SuperTokens PUTs in one tenant', () => {
  const body = (entityId: string, clientId?: string) => ({
    ...(clientId ? { clientId } : {}),
    redirectURIs: ['https://app.example.com/cb'],
    defaultRedirectURI: 'https://app.example.com/cb',
    metadataXML: toBase64(idpMetadataXml({ entityId })),
  })

  it('with the same IdP entity id: exactly one OK, the rest DUPLICATE_IDP_ENTITY_ERROR', async () => {
    const { apiKey, instanceId } = await newApp()
    const st = stClient(apiKey, `/${newTenantId()}`)
    const entityId = `https://idp.example.com/${crypto.randomUUID()}`
    const results = await Promise.all(Array.from({ length: 30 }, () => st.put(body(entityId))))
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(countBy(results.map((r) => r.body.status))).toEqual(
      new Map([
        ['OK', 1],
        ['DUPLICATE_IDP_ENTITY_ERROR', 29],
      ]),
    )
    expect((await st.list()).body.clients.map((c: { idpEntityId: string }) => c.idpEntityId)).toEqual([entityId])
    expect((await snapshotInstance(instanceId)).connections).toHaveLength(1)
  }, SLOW)

  it('with the same clientId: every PUT answers OK and one client remains (the race becomes an update)', async () => {
    const { apiKey, instanceId } = await newApp()
    const st = stClient(apiKey, `/${newTenantId()}`)
    const entityId = `https://idp.example.com/${crypto.randomUUID()}`
    const results = await Promise.all(Array.from({ length: 20 }, () => st.put(body(entityId, 'same-client'))))
    expect(results.map((r) => r.body.status)).toEqual(Array(20).fill('OK'))
    expect((await st.list()).body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['same-client'])
    expect((await snapshotInstance(instanceId)).connections).toHaveLength(1)
  }, SLOW)

  it('racing upserts of one client at service level (every read before any write): all succeed, one client remains', async () => {
    // Over HTTP the requests spread out and the race is hit only now and then; here it is hit every time.
    const deps = buildDeps(env, 'concurrency-test')
    const scope = { instanceId: `ins_${crypto.randomUUID().slice(0, 12)}`, appId: 'public', tenantId: 'public' }
    const input = (entityId: string) => ({
      clientId: 'same-client',
      redirectUris: ['https://app.example.com/cb'],
      defaultRedirectUri: 'https://app.example.com/cb',
      idpMetadata: idpMetadataXml({ entityId }),
      allowIdpInitiated: false,
      enableRequestSigning: true,
    })
    const entityId = `https://idp.example.com/${crypto.randomUUID()}`
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => upsertClient(deps, scope, input(entityId))))
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as AppError).code))).toEqual(Array(20).fill('ok'))
    expect((await deps.connections.listTenant(scope)).map((c) => [c.clientId, c.idpEntityId])).toEqual([['same-client', entityId]])

    // The same race for an IdP that another client of the tenant already uses is still a duplicate.
    const taken = `https://idp.example.com/${crypto.randomUUID()}`
    await upsertClient(deps, scope, { ...input(taken), clientId: 'owner' })
    const dup = await Promise.allSettled(Array.from({ length: 10 }, () => upsertClient(deps, scope, { ...input(taken), clientId: 'latecomer' })))
    expect(dup.map((r) => (r.status === 'rejected' ? [(r.reason as AppError).code, (r.reason as AppError).opts.meta?.field] : 'ok'))).toEqual(Array(10).fill(['conflict', 'idp_entity_id']))
    expect((await deps.connections.listTenant(scope)).map((c) => c.clientId).sort()).toEqual(['owner', 'same-client'])
  }, SLOW)

  it('with the same IdP entity id in different tenants: every PUT answers OK', async () => {
    const { apiKey, instanceId } = await newApp()
    const entityId = `https://idp.example.com/${crypto.randomUUID()}`
    const results = await Promise.all(Array.from({ length: 10 }, () => stClient(apiKey, `/${newTenantId()}`).put(body(entityId))))
    expect(results.map((r) => r.body.status)).toEqual(Array(10).fill('OK'))
    expect((await snapshotInstance(instanceId)).connections).toHaveLength(10)
  }, SLOW)
})

describe('a sign-in refilling the KV edge copy while a write commits', () => {
  // The refill reads D1, then writes KV. A write that commits in between must not be undone by the
  // refill's older row: nothing (no outbox entry) would ever repair the edge copy afterwards.
  const cases = [
    ['an update', (deps: ReturnType<typeof buildDeps>, s: { instanceId: string }, id: string) => updateConnection(deps, s.instanceId, id, { name: 'after' })],
    ['a deactivation', (deps: ReturnType<typeof buildDeps>, s: { instanceId: string }, id: string) => updateConnection(deps, s.instanceId, id, { active: false })],
    ['a delete', (deps: ReturnType<typeof buildDeps>, s: { instanceId: string }, id: string) => deleteConnection(deps, s.instanceId, id)],
  ] as const
  for (const [what, write] of cases) {
    it(`ends with the edge copy equal to D1 when ${what} commits between the refill's read and its KV write`, async () => {
      const deps = buildDeps(env, 'concurrency-test')
      const scope = { instanceId: `ins_${crypto.randomUUID().slice(0, 12)}`, appId: 'public', tenantId: 'public' }
      const conn = await createConnection(deps, scope, {
        name: 'before',
        domains: [`${scope.instanceId}.example.com`],
        idpMetadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }),
        active: true,
      })
      await env.KV.delete(`conn:${conn.id}`) // an edge miss, as after a failed KV write
      // The real repository; its first read by id lets the write commit before answering.
      let interleaved = false
      const loaderDeps = {
        ...deps,
        connections: {
          ...deps.connections,
          async findById(id: string) {
            const row = await deps.connections.findById(id)
            if (!interleaved) {
              interleaved = true
              await write(deps, scope, id)
            }
            return row
          },
        },
      }
      expect((await loadConnectionAtEdge(loaderDeps, conn.id))?.name).toBe('before')
      await drainEdgeSyncs(deps)
      expect(await deps.edge.get(conn.id)).toEqual(await deps.connections.findById(conn.id))
    })
  }
})
