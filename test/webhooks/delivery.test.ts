import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { clerkClient, connectionInput, freshInstanceEachTest, newInstance } from '../helpers/clerk'
import { idpMetadataXml } from '../helpers/keys'
import { storeKey } from '../helpers/store'
import { activeConnection, postToAcs, signedResponseXmlFor, USER_DOMAIN } from '../helpers/sso'
import { toBase64 } from '../helpers/test-idp'
import { clientBody, newApp, stClient } from '../supertokens/helpers'
import { awaitDeliveries, createEndpoint, deliveries, outboxOf, receiver, typesOf, type Delivery } from './webhooks.helpers'

// Deliveries through the real local queue (wrangler.toml's producer and consumer, run by miniflare)
// to a receiver outside the Worker, each checked with an independent Standard Webhooks implementation.

const clerk = freshInstanceEachTest()

type Verified = { type: string; timestamp: string; instance_id: string; data: Record<string, any>; details?: Record<string, any> }
const verifyAll = (secret: string, ds: Delivery[]): Verified[] => ds.map((d) => new Webhook(secret).verify(d.body, d.headers) as Verified)

describe('webhook deliveries', () => {
  it('delivers every admin write of a connection, each carrying the connection as that write left it', async () => {
    const hook = await receiver('lifecycle')
    const endpoint = await createEndpoint(clerk.api, { url: hook.url })
    const created = await clerk.api.create(connectionInput({ idp_metadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }) }))
    const id = created.body.id as string
    const activated = await clerk.api.update(id, { active: true })
    const renamed = await clerk.api.update(id, { name: 'Renamed' })
    const deactivated = await clerk.api.update(id, { active: false })
    const lastSeen = (await clerk.api.get(id)).body
    expect((await clerk.api.remove(id)).status).toBe(200)

    const got = verifyAll(endpoint.secret, await awaitDeliveries(hook.name, (d) => d.length >= 7))
    const by = (type: string) => got.filter((v) => v.type === type)
    expect(typesOf((await deliveries(hook.name))).sort()).toEqual(
      ['created', 'updated', 'activated', 'updated', 'updated', 'deactivated', 'deleted'].map((t) => `saml_connection.${t}`).sort(),
    )
    expect(by('saml_connection.created')[0]?.data).toEqual(created.body)
    expect(by('saml_connection.activated')[0]?.data).toEqual(activated.body)
    expect(by('saml_connection.deactivated')[0]?.data).toEqual(deactivated.body)
    expect(by('saml_connection.deleted')[0]?.data).toEqual(lastSeen)
    const updates = by('saml_connection.updated').map((v) => [v.details?.changed, v.data.name, v.data.active])
    expect(updates).toEqual(expect.arrayContaining([[['active'], created.body.name, true], [['name'], 'Renamed', true], [['active'], 'Renamed', false]]))
    expect(renamed.body.name).toBe('Renamed')
    for (const v of got) {
      expect(v.instance_id).toBe(clerk.instanceId)
      expect(Date.parse(v.timestamp)).toBeGreaterThanOrEqual(created.body.created_at)
      expect(v.details?.source).toBe('admin')
    }
    // One delivery per outbox event, each under the event's id.
    const ids = (await deliveries(hook.name)).map((d) => d.headers['webhook-id'])
    expect(ids.sort()).toEqual((await outboxOf(clerk.instanceId)).map((e) => e.id).sort())
  })

  it('delivers the SuperTokens style\'s writes too, in the Clerk-style view', async () => {
    const { apiKey, instanceId } = await newApp()
    const secretKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
    await storeKey('clerk_secret_key', secretKey, instanceId)
    const hook = await receiver('supertokens')
    const endpoint = await createEndpoint(clerkClient(secretKey), { url: hook.url })
    const st = stClient(apiKey)
    const put = await st.put(clientBody({ clientId: 'st-client' }))
    expect(put.status).toBe(200)
    expect((await st.remove('st-client')).status).toBe(200)

    const got = verifyAll(endpoint.secret, await awaitDeliveries(hook.name, (d) => d.length >= 3))
    expect(got.map((v) => v.type).sort()).toEqual(['saml_connection.activated', 'saml_connection.created', 'saml_connection.deleted'])
    const connectionId = (await outboxOf(instanceId))[0]?.connection_id
    for (const v of got) expect(v.data).toMatchObject({ object: 'saml_connection', id: connectionId, active: true, idp_entity_id: expect.any(String) })
  })

  it('sends an endpoint only the types it asked for, and nothing to another instance\'s endpoints', async () => {
    const onlyDeleted = await receiver('only-deleted')
    const everything = await receiver('everything')
    const elsewhere = await receiver('elsewhere')
    await createEndpoint(clerk.api, { url: onlyDeleted.url, events: ['saml_connection.deleted'] })
    await createEndpoint(clerk.api, { url: everything.url })
    await createEndpoint(clerkClient((await newInstance()).secretKey), { url: elsewhere.url })
    const created = await clerk.api.create(connectionInput())
    await clerk.api.remove(created.body.id)

    await awaitDeliveries(everything.name, (d) => d.length >= 2)
    expect(typesOf(await awaitDeliveries(onlyDeleted.name, (d) => d.length >= 1))).toEqual(['saml_connection.deleted'])
    expect(await deliveries(elsewhere.name)).toEqual([])
  })

  it('retries a receiver that fails twice: the third attempt succeeds, with the same webhook-id, signed afresh each time', async () => {
    const hook = await receiver('flaky', { failFirst: 2 })
    const endpoint = await createEndpoint(clerk.api, { url: hook.url, events: ['saml_connection.created'] })
    await clerk.api.create(connectionInput())

    const ds = await awaitDeliveries(hook.name, (d) => d.some((x) => x.status === 200))
    expect(ds.map((d) => d.status)).toEqual([503, 503, 200])
    const [event] = await outboxOf(clerk.instanceId)
    expect(ds.map((d) => d.headers['webhook-id'])).toEqual([event?.id, event?.id, event?.id])
    expect(new Set(ds.map((d) => d.body)).size).toBe(1)
    for (const v of verifyAll(endpoint.secret, ds)) expect(v.type).toBe('saml_connection.created')
    const stamps = ds.map((d) => Number(d.headers['webhook-timestamp']))
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b))
  })

  it('delivers sign_in.succeeded and sign_in.failed as the sign-in happens, without waiting for a cron run', async () => {
    const c = await activeConnection({ allow_idp_initiated: true })
    const conn = c.connection as { id: string; sp_entity_id: string; acs_url: string }
    const hook = await receiver('sign-ins')
    const endpoint = await createEndpoint(c.api, { url: hook.url, events: ['sign_in.succeeded', 'sign_in.failed'] })
    const email = `ada@${USER_DOMAIN}`
    const xml = (extra: Parameters<typeof signedResponseXmlFor>[3] = {}) => signedResponseXmlFor(conn, c.entityId, null, { nameId: email, attributes: { mail: [email] }, ...extra })
    expect((await postToAcs(conn.id, toBase64(xml()))).status).toBe(302)
    expect((await postToAcs(conn.id, toBase64(xml({ audience: 'https://sp.other.example/saml' })))).status).toBe(400)
    // No cron runs in this test: only the requests' own publishing can bring these.
    const got = verifyAll(endpoint.secret, await awaitDeliveries(hook.name, (d) => d.length >= 2))
    expect(got.map((v) => [v.type, v.data.status, v.data.reason]).sort()).toEqual([
      ['sign_in.failed', 'failed', 'audience_mismatch'],
      ['sign_in.succeeded', 'succeeded', null],
    ])
    for (const v of got) expect(v.data).toMatchObject({ object: 'sign_in_attempt', connection_id: conn.id })
  })

  it('gives up on a receiver that never answers 2xx: the dead-letter queue records the message', async () => {
    const hook = await receiver('down', { failFirst: Number.MAX_SAFE_INTEGER, failStatus: 500 })
    const endpoint = await createEndpoint(clerk.api, { url: hook.url, events: ['saml_connection.created'] })
    await clerk.api.create(connectionInput())
    const [event] = await outboxOf(clerk.instanceId)

    const row = () => env.DB.prepare('SELECT * FROM webhook_dead_letters WHERE event_id = ? AND endpoint_id = ?').bind(event?.id, endpoint.id).first<Record<string, unknown>>()
    await awaitDeliveries(hook.name, (d) => d.length >= 8, 40_000)
    await expect.poll(row, { timeout: 20_000, interval: 200 }).toMatchObject({ instance_id: clerk.instanceId, dead_at: expect.any(Number) })
    const ds = await deliveries(hook.name)
    // wrangler.toml: 7 retries, so 8 attempts, all under the one id.
    expect(ds).toHaveLength(8)
    expect(new Set(ds.map((d) => d.headers['webhook-id']))).toEqual(new Set([event?.id]))
  }, 60_000)
})
