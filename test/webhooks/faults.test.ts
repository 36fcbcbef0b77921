/**
 * The outbox's promise, through the real app with wrapped real bindings: a write's events commit
 * with the write or not at all, whatever D1 call fails; a committed event is delivered even when
 * the request's own hand-off to the queue fails (the cron replays it); and a delivery repeated by a
 * lost answer keeps its webhook-id, so a receiver can tell.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { publishEvents } from '../../src/services/webhook-publish'
import { buildDeps } from '../../src/wiring/deps'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { failFirst, FaultInjector, faultyD1, faultyEnv, faultyQueue, type FaultMode } from '../helpers/faulty-bindings'
import { answerOf, ORIGIN } from '../helpers/http'
import { idpMetadataXml } from '../helpers/keys'
import { snapshotInstance, storeKey } from '../helpers/store'
import { captureLogs } from '../helpers/wire'
import { runCron } from '../lifecycle/lifecycle.helpers'
import { clientBody } from '../supertokens/helpers'
import { awaitDeliveries, createEndpoint, deliveries, outboxOf, receiver } from './webhooks.helpers'

captureLogs()
const clerk = freshInstanceEachTest()
const app = createApp()

const clerkInit = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${clerk.secretKey}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})

interface Write {
  name: string
  /** Makes what the write needs; returns its request. */
  setup(): Promise<{ path: string; init: RequestInit }>
  /** The event types the write records. */
  types: string[]
}

const stKey = async () => {
  const key = `st-key-${crypto.randomUUID()}`
  await storeKey('supertokens_api_key', key, clerk.instanceId)
  return { 'api-key': key, 'cdi-version': '5.4', 'content-type': 'application/json' }
}
const activatable = () => connectionInput({ idp_metadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }) })
const created = async (body: Record<string, unknown>) => ((await app.request(`${ORIGIN}/v1/saml_connections`, clerkInit('POST', body), env)).json() as Promise<{ id: string }>)

const WRITES: Write[] = [
  { name: 'Clerk create (active)', types: ['created', 'activated'], setup: async () => ({ path: '/v1/saml_connections', init: clerkInit('POST', { ...activatable(), active: true }) }) },
  {
    name: 'Clerk update (activating)',
    types: ['updated', 'activated'],
    setup: async () => ({ path: `/v1/saml_connections/${(await created(activatable())).id}`, init: clerkInit('PATCH', { active: true, name: 'on' }) }),
  },
  { name: 'Clerk delete', types: ['deleted'], setup: async () => ({ path: `/v1/saml_connections/${(await created(connectionInput())).id}`, init: clerkInit('DELETE') }) },
  {
    name: 'SuperTokens create',
    types: ['created', 'activated'],
    setup: async () => ({ path: '/recipe/saml/clients', init: { method: 'PUT', headers: await stKey(), body: JSON.stringify(clientBody({ clientId: 'faulty' })) } }),
  },
  {
    name: 'SuperTokens remove',
    types: ['deleted'],
    async setup() {
      const headers = await stKey()
      await app.request(`${ORIGIN}/recipe/saml/clients`, { method: 'PUT', headers, body: JSON.stringify(clientBody({ clientId: 'doomed' })) }, env)
      return { path: '/recipe/saml/clients/remove', init: { method: 'POST', headers, body: JSON.stringify({ clientId: 'doomed' }) } }
    },
  },
]

const typesOfRows = (rows: { type: string }[]) => rows.map((r) => r.type.replace('saml_connection.', ''))

describe('D1 failing between a change and its event', () => {
  for (const write of WRITES) {
    for (const mode of ['midBatch', 'after'] as FaultMode[]) {
      it(`${write.name}, the write's batch failing ${mode === 'midBatch' ? 'half-way' : 'after it committed'}: ${mode === 'midBatch' ? 'neither' : 'both, and the event is delivered'}`, async () => {
        const hook = await receiver('d1-fault')
        await createEndpoint(clerk.api, { url: hook.url })
        const { path, init } = await write.setup()
        const before = { store: await snapshotInstance(clerk.instanceId), events: (await outboxOf(clerk.instanceId)).map((e) => e.id) }
        const faults = new FaultInjector(failFirst('d1.batch', mode))

        const answer = await answerOf(await app.request(`${ORIGIN}${path}`, init, faultyEnv(env, faults)))
        expect(answer.status, answer.text).toBe(500)
        expect(faults.fired).toMatch(/^d1\.batch/)
        const fresh = (await outboxOf(clerk.instanceId)).filter((e) => !before.events.includes(e.id))
        if (mode === 'midBatch') {
          expect(await snapshotInstance(clerk.instanceId)).toEqual(before.store)
          expect(fresh).toEqual([])
          return
        }
        expect(await snapshotInstance(clerk.instanceId)).not.toEqual(before.store)
        expect(typesOfRows(fresh)).toEqual(write.types)
        // The request failed before handing its events on; the cron does.
        expect(fresh.every((e) => e.delivered_at === null && e.claimed_until === null)).toBe(true)
        await runCron()
        const ds = await awaitDeliveries(hook.name, (d) => fresh.every((e) => d.some((x) => x.headers['webhook-id'] === e.id)))
        expect(ds.filter((d) => fresh.some((e) => e.id === d.headers['webhook-id']))).toHaveLength(fresh.length)
      })
    }
  }
})

describe('the queue failing', () => {
  it('a send that fails leaves the events in the outbox, and the next cron run delivers them', async () => {
    const hook = await receiver('send-fails')
    await createEndpoint(clerk.api, { url: hook.url })
    const faults = new FaultInjector(failFirst('queue.sendBatch', 'before'))
    const res = await app.request(`${ORIGIN}/v1/saml_connections`, clerkInit('POST', connectionInput()), { ...env, WEBHOOK_QUEUE: faultyQueue(env.WEBHOOK_QUEUE, faults) })
    // The request never waits on the queue: its answer is the write's.
    expect(res.status).toBe(200)
    expect(faults.fired).toBe('queue.sendBatch#0:before')
    const [event] = await outboxOf(clerk.instanceId)
    expect(event).toMatchObject({ type: 'saml_connection.created', delivered_at: null, claimed_until: null })

    await runCron()
    expect((await outboxOf(clerk.instanceId))[0]?.delivered_at).toEqual(expect.any(Number))
    const ds = await awaitDeliveries(hook.name, (d) => d.length >= 1)
    expect(ds.map((d) => d.headers['webhook-id'])).toEqual([event?.id])
  })

  it('a send whose answer is lost is sent again by the cron: delivered twice, under one webhook-id', async () => {
    const hook = await receiver('send-answer-lost')
    await createEndpoint(clerk.api, { url: hook.url })
    const faults = new FaultInjector(failFirst('queue.sendBatch', 'after'))
    await app.request(`${ORIGIN}/v1/saml_connections`, clerkInit('POST', connectionInput()), { ...env, WEBHOOK_QUEUE: faultyQueue(env.WEBHOOK_QUEUE, faults) })
    await runCron()
    const ds = await awaitDeliveries(hook.name, (d) => d.length >= 2)
    const [event] = await outboxOf(clerk.instanceId)
    expect(ds.map((d) => d.headers['webhook-id'])).toEqual([event?.id, event?.id])
  })

  it('a publisher that dies after taking its events holds them until its claim runs out, then the cron takes them', async () => {
    const hook = await receiver('publisher-died')
    await createEndpoint(clerk.api, { url: hook.url })
    // Written without a queue bound, so nothing hands it on; then claimed as a publisher would.
    const deps = buildDeps({ ...env, WEBHOOK_QUEUE: undefined } as unknown as Env, 'faults_test')
    const conn = await app.request(`${ORIGIN}/v1/saml_connections`, clerkInit('POST', connectionInput()), { ...env, WEBHOOK_QUEUE: undefined } as unknown as Env)
    expect(conn.status).toBe(200)
    const [event] = await outboxOf(clerk.instanceId)
    expect(await deps.events.claim({ now: Date.now(), until: Date.now() + 60_000, limit: 1, ids: [event!.id] })).toHaveLength(1)

    await runCron()
    expect((await outboxOf(clerk.instanceId))[0]?.delivered_at).toBeNull()
    // Its claim runs out.
    await env.DB.prepare('UPDATE events SET claimed_until = ? WHERE id = ?').bind(Date.now() - 1, event!.id).run()
    await runCron()
    expect((await outboxOf(clerk.instanceId))[0]?.delivered_at).toEqual(expect.any(Number))
    expect((await awaitDeliveries(hook.name, (d) => d.length >= 1)).map((d) => d.headers['webhook-id'])).toEqual([event?.id])
  })

  it('a send whose mark is lost is sent again once the claim runs out, under the same webhook-id', async () => {
    const hook = await receiver('mark-lost')
    await createEndpoint(clerk.api, { url: hook.url })
    const noQueue = { ...env, WEBHOOK_QUEUE: undefined } as unknown as Env
    expect((await app.request(`${ORIGIN}/v1/saml_connections`, clerkInit('POST', connectionInput()), noQueue)).status).toBe(200)
    const [event] = await outboxOf(clerk.instanceId)
    // The mark (the one `run` of a publish) fails before it reaches D1.
    const faults = new FaultInjector(failFirst('d1.run', 'before'))
    await expect(publishEvents(buildDeps({ ...env, DB: faultyD1(env.DB, faults) }, 'faults_test'), [event!])).rejects.toThrow(/injected fault/)
    await awaitDeliveries(hook.name, (d) => d.length >= 1)
    expect((await outboxOf(clerk.instanceId))[0]).toMatchObject({ delivered_at: null, claimed_until: expect.any(Number) })

    await env.DB.prepare('UPDATE events SET claimed_until = ? WHERE id = ?').bind(Date.now() - 1, event!.id).run()
    await runCron()
    const ds = await awaitDeliveries(hook.name, (d) => d.length >= 2)
    expect(ds.map((d) => d.headers['webhook-id'])).toEqual([event?.id, event?.id])
    expect(await deliveries(hook.name)).toHaveLength(2)
  })
})
