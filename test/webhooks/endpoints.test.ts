import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { EVENT_TYPES } from '../../src/domain/events'
import { MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE } from '../../src/domain/webhooks'
import { importSealingKey, openSecret } from '../../src/services/webhook-secrets'
import { clerkClient, freshInstanceEachTest, newInstance } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'
import { productionApp } from '../helpers/outbound'
import { captureLogs } from '../helpers/wire'
import { createEndpoint, WEBHOOK_ORIGIN } from './webhooks.helpers'

const clerk = freshInstanceEachTest()
captureLogs()
const secretBytes = (secret: string) => Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0))

describe('POST /v1/webhook_endpoints', () => {
  it('answers the endpoint with its whsec_ signing secret; all events when none are named', async () => {
    const before = Date.now()
    const endpoint = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/a` })
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', url: `${WEBHOOK_ORIGIN}/hooks/a`, events: null })
    expect(endpoint.id).toMatch(/^whep_[0-9A-Za-z]{27}$/)
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(secretBytes(endpoint.secret)).toHaveLength(32)
    expect(endpoint.created_at).toBeGreaterThanOrEqual(before)
    expect(endpoint.created_at).toBeLessThanOrEqual(Date.now())
  })

  it('keeps the named event types, each once', async () => {
    const endpoint = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/b`, events: ['saml_connection.created', 'sign_in.failed', 'saml_connection.created'] })
    expect(endpoint.events).toEqual(['saml_connection.created', 'sign_in.failed'])
  })

  it('stores the secret sealed: the row holds no trace of it, and it opens only with the key and its own endpoint id', async () => {
    const endpoint = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/c` })
    const row = await env.DB.prepare('SELECT * FROM webhook_endpoints WHERE id = ?').bind(endpoint.id).first<Record<string, string>>()
    const stored = JSON.stringify(row)
    expect(stored).not.toContain(endpoint.secret.slice('whsec_'.length, 'whsec_'.length + 16))
    expect(row?.secret_sealed).toMatch(/^v1\./)
    const key = await importSealingKey((env as { WEBHOOK_SECRET_KEY?: string }).WEBHOOK_SECRET_KEY)
    expect(await openSecret(key, endpoint.id, row!.secret_sealed!)).toBe(endpoint.secret)
    await expect(openSecret(key, 'whep_someoneelse', row!.secret_sealed!)).rejects.toThrow()
    const otherKey = await importSealingKey(btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))))
    await expect(openSecret(otherKey, endpoint.id, row!.secret_sealed!)).rejects.toThrow()
  })

  it.each([
    [{ events: ['saml_connection.created'] }, 'url', 'form_param_missing'],
    [{ url: 'not a url' }, 'url', 'form_param_value_invalid'],
    [{ url: 'ftp://webhooks.test/x' }, 'url', 'form_param_value_invalid'],
    [{ url: 'https://user:pw@webhooks.test/x' }, 'url', 'form_param_value_invalid'],
    [{ url: `${WEBHOOK_ORIGIN}/${'x'.repeat(2048)}` }, 'url', 'form_param_value_invalid'],
    [{ url: `${WEBHOOK_ORIGIN}/x`, events: ['user.created'] }, 'events.0', 'form_param_value_invalid'],
    [{ url: `${WEBHOOK_ORIGIN}/x`, events: [] }, 'events', 'form_param_value_invalid'],
    [{ url: `${WEBHOOK_ORIGIN}/x`, secret: 'whsec_mine' }, 'secret', 'form_param_unknown'],
  ])('refuses %j with a 422 naming %s', async (body, param, code) => {
    const res = await clerk.api.call('POST', '/v1/webhook_endpoints', body)
    expect(res.status).toBe(422)
    expect(res.body.errors[0]).toMatchObject({ code, meta: { param_name: param } })
    expect((await clerk.api.call('GET', '/v1/webhook_endpoints')).body.data).toEqual([])
  })

  it('in production, takes https: URLs of public hosts only', async () => {
    const request = productionApp()
    const post = (url: string) =>
      request('/v1/webhook_endpoints', { method: 'POST', headers: { authorization: `Bearer ${clerk.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ url }) })
    for (const url of ['http://webhooks.test/x', 'https://127.0.0.1/x', 'https://10.0.0.8/x', 'https://[::1]/x', 'https://localhost/x', 'https://metadata.internal/x', 'https://0x7f000001/x']) {
      const res = await post(url)
      expect(res.status, url).toBe(422)
      expect(((await res.json()) as any).errors[0].meta).toEqual({ param_name: 'url' })
    }
    expect((await post(`${WEBHOOK_ORIGIN}/hooks/prod`)).status).toBe(200)
  })

  it('in development, takes an http: URL of this machine (a local receiver)', async () => {
    const endpoint = await createEndpoint(clerk.api, { url: 'http://127.0.0.1:9999/hooks' })
    expect(endpoint.url).toBe('http://127.0.0.1:9999/hooks')
  })

  it(`holds at most ${MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE} endpoints an instance`, async () => {
    await Promise.all(Array.from({ length: MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE + 3 }, (_, i) => clerk.api.call('POST', '/v1/webhook_endpoints', { url: `${WEBHOOK_ORIGIN}/hooks/${i}` })))
    const list = await clerk.api.call('GET', '/v1/webhook_endpoints')
    expect(list.body.total_count).toBe(MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE)
    const over = await clerk.api.call('POST', '/v1/webhook_endpoints', { url: `${WEBHOOK_ORIGIN}/hooks/over` })
    expect(over.status).toBe(422)
    expect(over.body.errors[0].meta).toEqual({ param_name: 'url' })
  })

  it('without WEBHOOK_SECRET_KEY, refuses with a 500 and stores nothing: a secret is never kept in plain', async () => {
    const app = createApp()
    const { WEBHOOK_SECRET_KEY: _key, ...unkeyed } = env as Env & { WEBHOOK_SECRET_KEY?: string }
    const res = await app.request(`${ORIGIN}/v1/webhook_endpoints`, { method: 'POST', headers: { authorization: `Bearer ${clerk.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: `${WEBHOOK_ORIGIN}/x` }) }, unkeyed as Env)
    expect(res.status).toBe(500)
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE instance_id = ?').bind(clerk.instanceId).first<{ n: number }>())?.n).toBe(0)
  })

  it('needs a secret key', async () => {
    const res = await clerkClient('sk_test_nobody').call('POST', '/v1/webhook_endpoints', { url: `${WEBHOOK_ORIGIN}/x` })
    expect(res.status).toBe(401)
  })
})

describe('GET and DELETE /v1/webhook_endpoints', () => {
  it('lists the instance\'s endpoints newest first, never with their secret', async () => {
    const first = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/1` })
    const second = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/2`, events: [...EVENT_TYPES] })
    const other = await newInstance()
    await createEndpoint(clerkClient(other.secretKey), { url: `${WEBHOOK_ORIGIN}/hooks/other` })
    const list = await clerk.api.call('GET', '/v1/webhook_endpoints')
    expect(list.status).toBe(200)
    const { secret: _s1, ...firstShown } = first
    const { secret: _s2, ...secondShown } = second
    const ids = list.body.data.map((e: { id: string }) => e.id)
    const newestFirst = [first, second].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).map((e) => e.id)
    expect(ids).toEqual(newestFirst)
    expect(list.body.data).toEqual(expect.arrayContaining([firstShown, secondShown]))
    expect(list.text).not.toContain('whsec_')
    expect(list.body.total_count).toBe(2)
  })

  it('deletes an endpoint of the instance; another instance\'s, an unknown or a malformed id is a 404', async () => {
    const endpoint = await createEndpoint(clerk.api, { url: `${WEBHOOK_ORIGIN}/hooks/d` })
    const other = await newInstance()
    const theirs = await createEndpoint(clerkClient(other.secretKey), { url: `${WEBHOOK_ORIGIN}/hooks/theirs` })
    for (const id of [theirs.id, 'whep_0000000000000000000000000aa', 'nope']) {
      const res = await clerk.api.call('DELETE', `/v1/webhook_endpoints/${id}`)
      expect(res.status, id).toBe(404)
      expect(res.body.errors[0].code).toBe('resource_not_found')
    }
    const res = await clerk.api.call('DELETE', `/v1/webhook_endpoints/${endpoint.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ object: 'webhook_endpoint', id: endpoint.id, deleted: true })
    expect((await clerk.api.call('GET', '/v1/webhook_endpoints')).body.data).toEqual([])
    expect((await clerkClient(other.secretKey).call('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(1)
  })
})
