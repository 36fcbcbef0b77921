/**
 * Fault injection: one D1 or KV call of a create, update or delete fails (before it runs, half way
 * through its transaction, or after it committed), through the real app with wrapped real bindings.
 * Afterwards D1 holds exactly the old state or exactly the new one, never a mix; the domain rows match
 * their connections; a retry reaches the new state; and the KV edge copy is old or new, and equal to
 * D1 once the outbox is drained.
 *
 * KV failures at service level (createConnection/updateConnection/deleteConnection with a broken
 * `edge`) are covered in test/storage/edge-sync.test.ts, "KV edge copy when KV fails after the D1 write".
 */
import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { buildDeps } from '../../src/wiring/deps'
import { drainEdgeSyncs } from '../../src/services/edge-sync'
import { newInstance } from '../helpers/clerk'
import { PROPERTY_TIMEOUT, runs } from '../helpers/arbitraries'
import { failAt, failFirst, FaultInjector, faultyEnv, type FaultMode, type FaultPlan } from '../helpers/faulty-bindings'
import { expectDomainRowsConsistent, outboxEntries, snapshotInstance, storeKey, type StoreSnapshot } from '../helpers/store'
import { captureLogs } from '../helpers/wire'
import { toBase64 } from '../helpers/test-idp'
import { idpMetadataXml } from '../helpers/keys'
import { type Answer, answerOf, ORIGIN, send, type SendInit } from '../helpers/http'

captureLogs()
const app = createApp()
const deps = () => buildDeps(env, 'faults-test')
const uid = () => crypto.randomUUID().replace(/-/g, '').slice(0, 12)

interface Ctx {
  instanceId: string
  clerkKey: string
  stKey: string
  /** The connection the operation is about (unknown before a create). */
  id: string | null
  tag: string
}

/** What a connection is, for "old or new": no ids or timestamps, which a retry may legitimately change. */
type View = { name: unknown; client: unknown; domains: unknown; entity: unknown; active: unknown }[]
const view = (s: StoreSnapshot): View =>
  s.connections
    .map((r) => ({ name: r.name, client: r.client_id === r.id ? '=id' : r.client_id, domains: r.domains_json, entity: r.idp_entity_id, active: r.active }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

interface Scenario {
  name: string
  style: 'clerk' | 'supertokens'
  setup(ctx: Ctx): Promise<unknown>
  request(ctx: Ctx): { path: string } & SendInit
  /** The view D1 must show once the operation has happened. */
  next(ctx: Ctx, before: View): View
  /** Which answers a retry may get: the write may already have happened. */
  retryStatuses: number[]
}

const clerkHeaders = (ctx: Ctx) => ({ authorization: `Bearer ${ctx.clerkKey}`, 'content-type': 'application/json' })
const stHeaders = (ctx: Ctx) => ({ 'api-key': ctx.stKey, 'cdi-version': '5.4', 'content-type': 'application/json' })
const stPut = (ctx: Ctx, entity: string) => ({
  path: '/recipe/saml/clients',
  method: 'PUT',
  headers: stHeaders(ctx),
  body: JSON.stringify({ clientId: `c-${ctx.tag}`, redirectURIs: ['https://app.example.com/cb'], defaultRedirectURI: 'https://app.example.com/cb', metadataXML: toBase64(idpMetadataXml({ entityId: entity })) }),
})
const entity = (ctx: Ctx, n: number) => `https://idp.example.com/${ctx.tag}/${n}`

async function clerkCreate(ctx: Ctx, body: Record<string, unknown>): Promise<string> {
  const a = await send('/v1/saml_connections', { method: 'POST', headers: clerkHeaders(ctx), body: JSON.stringify({ provider: 'saml_custom', ...body }) })
  expect(a.status, a.text).toBe(200)
  return a.body.id
}
async function stSetupClient(ctx: Ctx): Promise<void> {
  const r = stPut(ctx, entity(ctx, 1))
  const a = await send(r.path, r)
  expect(a.body?.status, a.text).toBe('OK')
  ctx.id = (await env.DB.prepare('SELECT id FROM saml_connections WHERE instance_id = ? AND client_id = ?').bind(ctx.instanceId, `c-${ctx.tag}`).first<{ id: string }>())?.id ?? null
}
const bystander = (ctx: Ctx) => clerkCreate(ctx, { name: 'bystander', domain: `bystander-${ctx.tag}.example.com` })
const row = (v: Partial<View[number]>): View[number] => ({ name: null, client: '=id', domains: '[]', entity: null, active: 0, ...v })
const sorted = (v: View) => [...v].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

const SCENARIOS: Scenario[] = [
  {
    name: 'Clerk create',
    style: 'clerk',
    setup: bystander,
    request: (ctx) => ({ path: '/v1/saml_connections', method: 'POST', headers: clerkHeaders(ctx), body: JSON.stringify({ name: 'created', provider: 'saml_custom', domain: `created-${ctx.tag}.example.com` }) }),
    next: (ctx, v) => sorted([...v, row({ name: 'created', domains: JSON.stringify([`created-${ctx.tag}.example.com`]) })]),
    retryStatuses: [200, 422],
  },
  {
    name: 'Clerk update',
    style: 'clerk',
    async setup(ctx) {
      await bystander(ctx)
      ctx.id = await clerkCreate(ctx, { name: 'before', domain: `one-${ctx.tag}.example.com`, idp_entity_id: entity(ctx, 1) })
    },
    request: (ctx) => ({
      path: `/v1/saml_connections/${ctx.id}`,
      method: 'PATCH',
      headers: clerkHeaders(ctx),
      body: JSON.stringify({ name: 'after', domains: [`two-${ctx.tag}.example.com`, `three-${ctx.tag}.example.com`], idp_entity_id: entity(ctx, 2) }),
    }),
    next: (ctx, v) =>
      sorted(v.map((r) => (r.name === 'before' ? { ...r, name: 'after', domains: JSON.stringify([`two-${ctx.tag}.example.com`, `three-${ctx.tag}.example.com`]), entity: entity(ctx, 2) } : r))),
    retryStatuses: [200],
  },
  {
    name: 'Clerk delete',
    style: 'clerk',
    async setup(ctx) {
      await bystander(ctx)
      ctx.id = await clerkCreate(ctx, { name: 'doomed', domains: [`a-${ctx.tag}.example.com`, `b-${ctx.tag}.example.com`] })
    },
    request: (ctx) => ({ path: `/v1/saml_connections/${ctx.id}`, method: 'DELETE', headers: clerkHeaders(ctx) }),
    next: (_ctx, v) => v.filter((r) => r.name !== 'doomed'),
    retryStatuses: [200, 404],
  },
  {
    name: 'SuperTokens create',
    style: 'supertokens',
    setup: bystander,
    request: (ctx) => stPut(ctx, entity(ctx, 1)),
    next: (ctx, v) => sorted([...v, row({ name: `c-${ctx.tag}`, client: `c-${ctx.tag}`, entity: entity(ctx, 1), active: 1 })]),
    retryStatuses: [200],
  },
  {
    name: 'SuperTokens replace',
    style: 'supertokens',
    setup: stSetupClient,
    request: (ctx) => stPut(ctx, entity(ctx, 2)),
    next: (ctx, v) => v.map((r) => (r.client === `c-${ctx.tag}` ? { ...r, entity: entity(ctx, 2) } : r)),
    retryStatuses: [200],
  },
  {
    name: 'SuperTokens remove',
    style: 'supertokens',
    setup: stSetupClient,
    request: (ctx) => ({ path: '/recipe/saml/clients/remove', method: 'POST', headers: stHeaders(ctx), body: JSON.stringify({ clientId: `c-${ctx.tag}` }) }),
    next: (ctx, v) => v.filter((r) => r.client !== `c-${ctx.tag}`),
    retryStatuses: [200],
  },
]

async function newCtx(s: Scenario): Promise<Ctx> {
  const { instanceId, secretKey } = await newInstance()
  const ctx: Ctx = { instanceId, clerkKey: secretKey, stKey: `st-key-${uid()}`, id: null, tag: uid() }
  await storeKey('supertokens_api_key', ctx.stKey, instanceId)
  await s.setup(ctx)
  return ctx
}

const edgeOf = (id: string) => deps().edge.get(id)
const d1Of = (id: string) => deps().connections.findById(id)

/** A failed write answers 500 in its style's envelope; anything else must be the style's success. */
function expectFaultAnswer(s: Scenario, a: Answer): void {
  if (a.status === 200) return
  expect(a.status, a.text).toBe(500)
  if (s.style === 'clerk') {
    expect(a.contentType).toBe('application/json')
    expect(a.body.errors.map((e: { code: string }) => e.code)).toEqual(['internal_clerk_error'])
  } else {
    expect(a.contentType).toBe('text/html; charset=UTF-8')
    expect(a.text).toBe('Internal error\n')
  }
}

interface Outcome {
  answer: Answer
  fired: string | null
  state: 'old' | 'new'
}

/**
 * Runs one scenario with one fault and checks every invariant: old-or-new in D1 and in KV, domain
 * rows, then a retry that reaches the new state, then a drain that makes KV equal D1.
 */
async function runWithFault(s: Scenario, plan: FaultPlan | null): Promise<Outcome> {
  const ctx = await newCtx(s)
  const before = await snapshotInstance(ctx.instanceId)
  const edgeBefore = ctx.id ? await edgeOf(ctx.id) : null
  const faults = new FaultInjector(plan)
  const { path, ...init } = s.request(ctx)
  const answer = await answerOf(await app.request(`${ORIGIN}${path}`, { method: init.method, headers: init.headers, body: init.body }, faultyEnv(env, faults)))
  expectFaultAnswer(s, answer)

  const after = await snapshotInstance(ctx.instanceId)
  const expectedNew = s.next(ctx, view(before))
  const unchanged = JSON.stringify(after) === JSON.stringify(before)
  if (!unchanged) expect(view(after), `${s.name}, fault ${faults.fired}: D1 is neither the old nor the new state`).toEqual(expectedNew)
  await expectDomainRowsConsistent(ctx.instanceId)
  // A 200 promises the write happened.
  if (answer.status === 200) expect(view(after)).toEqual(expectedNew)

  // The edge copy is the old state or what D1 now holds; never something else.
  const target = ctx.id ?? (after.connections.find((r) => !before.connections.some((b) => b.id === r.id))?.id as string | undefined) ?? null
  if (target) expect([edgeBefore, await d1Of(target)]).toContainEqual(await edgeOf(target))

  // A retry without faults reaches the new state.
  const retry = await send(path, init)
  expect(s.retryStatuses, `${s.name} retry: ${retry.text}`).toContain(retry.status)
  const settled = await snapshotInstance(ctx.instanceId)
  expect(view(settled)).toEqual(expectedNew)
  await expectDomainRowsConsistent(ctx.instanceId)

  // Draining the outbox brings the edge copy in line with D1.
  await drainEdgeSyncs(deps())
  const id = ctx.id ?? (settled.connections.find((r) => !before.connections.some((b) => b.id === r.id))?.id as string)
  expect(await edgeOf(id)).toEqual(await d1Of(id))
  expect(await outboxEntries(id)).toBe(0)
  return { answer, fired: faults.fired, state: unchanged ? 'old' : 'new' }
}

const kvWrite = (s: Scenario) => (/delete|remove/.test(s.name) ? 'kv.delete' : 'kv.put')

describe.each(SCENARIOS)('$name', (s) => {
  it('leaves the old state when the D1 transaction aborts half way, and a retry succeeds', async () => {
    const o = await runWithFault(s, failFirst('d1.batch', 'midBatch'))
    expect(o.fired).toMatch(/^d1\.batch/)
    expect([o.answer.status, o.state]).toEqual([500, 'old'])
  })

  it('holds the complete new state when D1 commits but the reply is lost, and a retry settles', async () => {
    const o = await runWithFault(s, failFirst('d1.batch', 'after'))
    expect(o.fired).toMatch(/^d1\.batch/)
    expect([o.answer.status, o.state]).toEqual([500, 'new'])
  })

  it('answers 200 with the new state when the KV write fails, and the drain heals the edge copy', async () => {
    const o = await runWithFault(s, failFirst(kvWrite(s), 'before'))
    expect(o.fired).toMatch(/^kv\./)
    expect([o.answer.status, o.state]).toEqual([200, 'new'])
  })

  it('answers 200 when clearing the outbox fails after the KV write', async () => {
    const o = await runWithFault(s, failFirst('d1.run', 'before'))
    expect(o.fired).toMatch(/^d1\.run/)
    expect([o.answer.status, o.state]).toEqual([200, 'new'])
  })
})

describe('a fault at any I/O call of any write', () => {
  it('never leaves a mix of old and new, and a retry and a drain always converge', async () => {
    const scenario = fc.constantFrom(...SCENARIOS)
    const mode = fc.constantFrom<FaultMode>('before', 'after', 'midBatch')
    const fired = new Set<string>()
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat({ max: 6 }), mode, async (s, at, m) => {
        const o = await runWithFault(s, failAt(at, m))
        if (o.fired) fired.add(o.fired.replace(/#\d+/, ''))
      }),
      runs(30),
    )
    // The property must have hit reads, transactions and KV writes, not just run fault-free.
    expect([...fired].some((f) => f.startsWith('d1.batch'))).toBe(true)
    expect([...fired].some((f) => f.startsWith('d1.first'))).toBe(true)
    expect([...fired].some((f) => f.startsWith('kv.'))).toBe(true)
  }, PROPERTY_TIMEOUT)
})
