import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { clientBody, DEV_API_KEY, newApp, newTenantId, stClient } from './helpers'
import { ORIGIN } from '../helpers/http'
import { storeKey } from '../helpers/store'

const expectText = (res: { status: number; contentType: string | null; text: string }, status: number, message: string) => {
  expect(res.status).toBe(status)
  expect(res.contentType).toBe('text/html; charset=UTF-8')
  expect(res.text).toBe(`${message}\n`)
}

describe('API key', () => {
  it('refuses a missing, unknown or revoked key with 401 Invalid API key on every endpoint', async () => {
    const revoked = `revoked-${crypto.randomUUID()}`
    await storeKey('supertokens_api_key', revoked, 'ins_revoked')
    await env.DB.prepare('UPDATE api_keys SET revoked_at = ? WHERE instance_id = ?').bind(Date.now(), 'ins_revoked').run()
    for (const key of [null, '', 'not-a-key', revoked]) {
      const st = stClient(key)
      expectText(await st.put(clientBody()), 401, 'Invalid API key')
      expectText(await st.list(), 401, 'Invalid API key')
      expectText(await st.remove('x'), 401, 'Invalid API key')
      expectText(await st.call('GET', '/apiversion'), 401, 'Invalid API key')
    }
  })

  it('refuses a Clerk secret key', async () => {
    const key = `sk_test_${crypto.randomUUID()}`
    await storeKey('clerk_secret_key', key, 'ins_clerk_only')
    expectText(await stClient(key).list(), 401, 'Invalid API key')
  })

  it('accepts the key from Authorization, as Bearer (any case) or bare', async () => {
    const { apiKey } = await newApp()
    for (const authorization of [`Bearer ${apiKey}`, `bearer ${apiKey}`, `BEARER   ${apiKey}  `, apiKey]) {
      const res = await stClient(null).list({ authorization })
      expect(res.status, authorization).toBe(200)
    }
  })

  it('prefers the api-key header over Authorization', async () => {
    const { apiKey } = await newApp()
    expect((await stClient('wrong').list({ authorization: `Bearer ${apiKey}` })).status).toBe(401)
    expect((await stClient(apiKey).list({ authorization: 'Bearer wrong' })).status).toBe(200)
  })

  it('refuses a key on another app\'s paths, as if it were wrong', async () => {
    const acme = await newApp({ appId: 'acme' })
    const pub = await newApp({ instanceId: acme.instanceId })
    await stClient(acme.apiKey, '/appid-acme').put(clientBody({ clientId: 'acme-only' }))

    for (const prefix of ['', '/public', '/appid-public', '/appid-other', `/appid-other/${newTenantId()}`]) {
      expectText(await stClient(acme.apiKey, prefix).list(), 401, 'Invalid API key')
    }
    for (const prefix of ['/appid-acme', '/appid-acme/public']) {
      expectText(await stClient(pub.apiKey, prefix).list(), 401, 'Invalid API key')
      expectText(await stClient(pub.apiKey, prefix).remove('acme-only'), 401, 'Invalid API key')
    }
    expect((await stClient(acme.apiKey, '/appid-acme').list()).body.clients).toHaveLength(1)
  })

  it('accepts the well-known development key for app public of the local instance', async () => {
    const st = stClient(DEV_API_KEY, `/${newTenantId()}`)
    const res = await st.put(clientBody({ clientId: 'dev' }))
    expect(res.status).toBe(200)
    expect((await st.list()).body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['dev'])
    expectText(await stClient(DEV_API_KEY, '/appid-acme').list(), 401, 'Invalid API key')
  })

  it('refuses the development key when ENVIRONMENT is not development', async () => {
    const app = createApp()
    const production = { ...env, ENVIRONMENT: 'production' as const }
    const headers = { 'api-key': DEV_API_KEY, 'cdi-version': '5.4' }
    const list = await app.request(`${ORIGIN}/recipe/saml/clients/list`, { headers }, production)
    expect(list.status).toBe(401)
    expect(await list.text()).toBe('Invalid API key\n')
    const put = await app.request(`${ORIGIN}/recipe/saml/clients`, { method: 'PUT', headers, body: JSON.stringify(clientBody()) }, production)
    expect(put.status).toBe(401)
    const version = await app.request(`${ORIGIN}/apiversion`, { headers: { 'api-key': DEV_API_KEY } }, production)
    expect(version.status).toBe(401)

    // A stored key still works there.
    const { apiKey } = await newApp()
    const ok = await app.request(`${ORIGIN}/recipe/saml/clients/list`, { headers: { 'api-key': apiKey } }, production)
    expect(ok.status).toBe(200)
  })
})

describe('cdi-version header', () => {
  it('is optional, and any supported version is accepted', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    for (const v of ['5.4', '5.6', '4.0', '3.0', '2.21']) expect((await st.list({ 'cdi-version': v })).status, v).toBe(200)
    const res = await SELF.fetch(`${ORIGIN}/recipe/saml/clients/list`, { headers: { 'api-key': apiKey } })
    expect(res.status).toBe(200)
  })

  it('refuses a malformed or unsupported version with 400, after the key check', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    expectText(await st.list({ 'cdi-version': 'v5' }), 400, 'cdi-version header is invalid')
    expectText(await st.list({ 'cdi-version': '5.4-beta' }), 400, 'cdi-version header is invalid')
    expectText(await st.list({ 'cdi-version': '6.0' }), 400, 'cdi-version 6.0 not supported')
    expectText(await st.list({ 'cdi-version': '2.3' }), 400, 'cdi-version 2.3 not supported')
    expectText(await stClient('wrong').list({ 'cdi-version': 'v5' }), 401, 'Invalid API key')
  })

  it('answers 404 for a tenant path with a version before 3.0, which had no tenants', async () => {
    const { apiKey } = await newApp()
    expectText(await stClient(apiKey, `/${newTenantId()}`).list({ 'cdi-version': '2.21' }), 404, 'Not found')
  })
})

describe('GET /apiversion', () => {
  it('lists the supported CDI versions, including 5.4 for the SAML recipe', async () => {
    const { apiKey } = await newApp()
    const res = await SELF.fetch(`${ORIGIN}/apiversion?apiDomain=http%3A%2F%2Flocalhost%3A3001&websiteDomain=http%3A%2F%2Flocalhost%3A3000`, { headers: { 'api-key': apiKey } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    const body = (await res.json()) as { versions: string[] }
    expect(body).toEqual({ versions: expect.arrayContaining(['5.4']) })
    expect(body.versions).toEqual(['2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16', '2.17', '2.18', '2.19', '2.20', '2.21', '3.0', '3.1', '4.0', '5.0', '5.1', '5.2', '5.3', '5.4', '5.5', '5.6'])
  })

  it('is served for a named app, and refused under a tenant other than public', async () => {
    const { apiKey } = await newApp({ appId: 'acme' })
    expect((await stClient(apiKey, '/appid-acme').call('GET', '/apiversion')).status).toBe(200)
    expect((await stClient(apiKey, '/appid-acme/public').call('GET', '/apiversion')).status).toBe(200)
    expectText(await stClient(apiKey, '/appid-acme/t1').call('GET', '/apiversion'), 403, 'Only public tenantId can call this app specific API')
  })
})
