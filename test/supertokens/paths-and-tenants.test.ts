import { describe, expect, it } from 'vitest'
import { clientBody, newApp, newTenantId, stClient, uniqueEntityId } from './helpers'

const ids = (res: { body: { clients: { clientId: string }[] } }) => res.body.clients.map((c) => c.clientId)

describe('tenant- and app-prefixed paths', () => {
  it('serves every endpoint at /, /<tenant>, /appid-<app> and /appid-<app>/<tenant> for the public app', async () => {
    const { apiKey } = await newApp()
    for (const prefix of ['', '/public', '/appid-public', '/appid-public/public']) {
      const st = stClient(apiKey, prefix)
      const put = await st.put(clientBody({ clientId: `via${prefix.replace(/\//g, '-') || '-root'}` }))
      expect(put.status, prefix).toBe(200)
      expect(put.body.status, prefix).toBe('OK')
    }
    // All four forms name the same app and tenant.
    for (const prefix of ['', '/public', '/appid-public', '/appid-public/public']) {
      const listed = await stClient(apiKey, prefix).list()
      expect(listed.status).toBe(200)
      expect(ids(listed).sort(), prefix).toEqual(['via-appid-public', 'via-appid-public-public', 'via-public', 'via-root'])
    }
    for (const prefix of ['', '/public', '/appid-public', '/appid-public/public']) {
      const removed = await stClient(apiKey, prefix).remove(`via${prefix.replace(/\//g, '-') || '-root'}`)
      expect(removed.body, prefix).toEqual({ status: 'OK', didExist: true })
    }
    expect((await stClient(apiKey).list()).body.clients).toEqual([])
  })

  it('serves every endpoint under a tenant of a named app', async () => {
    const { apiKey } = await newApp({ appId: 'acme' })
    const tenant = newTenantId()
    const st = stClient(apiKey, `/appid-acme/${tenant}`)
    const put = await st.put(clientBody({ clientId: 'c1' }))
    expect(put.body.status).toBe('OK')
    expect(ids(await st.list())).toEqual(['c1'])
    expect(ids(await stClient(apiKey, '/appid-acme').list())).toEqual([])
    expect((await st.remove('c1')).body).toEqual({ status: 'OK', didExist: true })
  })

  it('reads app and tenant ids case-insensitively, as the core does', async () => {
    const { apiKey } = await newApp({ appId: 'acme' })
    await stClient(apiKey, '/APPID-Acme/Tenant-1').put(clientBody({ clientId: 'c1' }))
    expect(ids(await stClient(apiKey, '/appid-acme/tenant-1').list())).toEqual(['c1'])
  })

  it('does not need the tenant to be created first', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey, `/${newTenantId()}`).put(clientBody())
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('OK')
  })
})

describe('isolation', () => {
  it('keeps a tenant\'s clients invisible to other tenants of the same app', async () => {
    const { apiKey } = await newApp()
    const a = stClient(apiKey, `/${newTenantId()}`)
    const b = stClient(apiKey, `/${newTenantId()}`)
    const entityId = uniqueEntityId()
    await a.put(clientBody({ clientId: 'shared-name' }, { entityId }))

    expect(ids(await a.list())).toEqual(['shared-name'])
    expect((await b.list()).body).toEqual({ status: 'OK', clients: [] })
    expect(ids(await stClient(apiKey).list())).toEqual([])
    expect((await b.remove('shared-name')).body).toEqual({ status: 'OK', didExist: false })

    // The same clientId in tenant B is a different client.
    const inB = await b.put(clientBody({ clientId: 'shared-name' }, { entityId }))
    expect(inB.body.status).toBe('OK')
    const inA = (await a.list()).body.clients[0]
    expect(inB.body.createdAt).toBeGreaterThanOrEqual(inA.createdAt)
    expect((await a.remove('shared-name')).body.didExist).toBe(true)
    expect(ids(await b.list())).toEqual(['shared-name'])
  })

  it('keeps an app\'s clients invisible to other apps of the same instance, and to other instances', async () => {
    const pub = await newApp()
    const acme = await newApp({ instanceId: pub.instanceId, appId: 'acme' })
    const stranger = await newApp()
    await stClient(acme.apiKey, '/appid-acme').put(clientBody({ clientId: 'acme-client' }))
    await stClient(pub.apiKey).put(clientBody({ clientId: 'public-client' }))

    expect(ids(await stClient(acme.apiKey, '/appid-acme').list())).toEqual(['acme-client'])
    expect(ids(await stClient(pub.apiKey).list())).toEqual(['public-client'])
    expect((await stClient(stranger.apiKey).list()).body.clients).toEqual([])
    expect((await stClient(stranger.apiKey).remove('public-client')).body.didExist).toBe(false)
    expect(ids(await stClient(pub.apiKey).list())).toEqual(['public-client'])
  })
})

describe('not found and wrong method', () => {
  it('answers 404 Not found, as text, for unknown core paths', async () => {
    const { apiKey } = await newApp()
    for (const path of ['/recipe/saml/unknown', '/a/b/recipe/saml/clients', '/recipe/saml/clients/list/extra', '/appid-x/appid-y/recipe/saml/clients/list', `/${'t'.repeat(65)}/recipe/saml/clients/list`, '/tenant_1/recipe/saml/clients/list']) {
      const res = await stClient(apiKey).call('GET', path)
      expect(res.status, path).toBe(404)
      expect(res.contentType).toBe('text/html; charset=UTF-8')
      expect(res.text).toBe('Not found\n')
    }
  })

  it('answers 405 Method not supported for a known path with another method', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    for (const [method, path] of [['GET', '/recipe/saml/clients'], ['POST', '/recipe/saml/clients'], ['DELETE', '/recipe/saml/clients'], ['POST', '/recipe/saml/clients/list'], ['GET', '/recipe/saml/clients/remove'], ['PUT', '/public/recipe/saml/clients/remove']] as const) {
      const res = await st.call(method, path)
      expect(res.status, `${method} ${path}`).toBe(405)
      expect(res.text).toBe('Method not supported\n')
    }
  })
})
