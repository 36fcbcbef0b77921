import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clientBody, DEV_API_KEY, LOCAL_INSTANCE_ID, newApp, newTenantId, stClient } from './helpers'
import { tenantWithClient } from './login-flow.helpers'
import { ORIGIN } from '../helpers/http'

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers })
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() }
}

const entityIdOf = (xml: string) => xml.match(/<md:EntityDescriptor [^>]*entityID="([^"]+)"/)?.[1]
const instanceOf = async (apiKey: string) => {
  const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(apiKey)))].map((b) => b.toString(16).padStart(2, '0')).join('')
  return (await env.DB.prepare('SELECT instance_id AS i FROM api_keys WHERE key_hash = ?').bind(hash).first<{ i: string }>())!.i
}

describe('GET /.well-known/sp-metadata', () => {
  it('serves the client\'s own SP metadata: its entity id, its ACS and the signing certificate, as text/xml', async () => {
    const c = await tenantWithClient()
    const res = await get(`/.well-known/sp-metadata?clientId=${c.clientId}`, { 'api-key': c.apiKey })
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('text/xml; charset=UTF-8')
    expect(entityIdOf(res.text)).toBe(c.spEntityId)
    const id = c.spEntityId.split('/').pop()
    expect(res.text).toContain(`<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ORIGIN}/v1/saml/acs/${id}"`)
    expect(res.text).toContain('<md:KeyDescriptor use="signing">')
    expect(res.text).toContain('AuthnRequestsSigned="true"')
  })

  it('needs no api key when the instance is named in the query, as an IdP fetching the URL would', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    const instanceId = await instanceOf(c.apiKey)
    const res = await get(`/${c.tenantId}/.well-known/sp-metadata?clientId=${c.clientId}&instanceId=${instanceId}`)
    expect(res.status).toBe(200)
    expect(entityIdOf(res.text)).toBe(c.spEntityId)
  })

  it('serves the tenant\'s only client on the bare path', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    const res = await get(`/${c.tenantId}/.well-known/sp-metadata`, { 'api-key': c.apiKey })
    expect(res.status).toBe(200)
    expect(entityIdOf(res.text)).toBe(c.spEntityId)
  })

  it('answers 400 naming clientId on the bare path when the tenant has no client or several', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    expect((await c.st.put(clientBody({ clientId: 'second' }))).body.status).toBe('OK')
    const several = await get(`/${c.tenantId}/.well-known/sp-metadata`, { 'api-key': c.apiKey })
    expect(several).toMatchObject({ status: 400, text: "Field name 'clientId' is missing in GET request\n" })
    const none = await get(`/${newTenantId()}/.well-known/sp-metadata`, { 'api-key': c.apiKey })
    expect(none).toMatchObject({ status: 400, text: "Field name 'clientId' is missing in GET request\n" })
  })

  it('answers 400 naming instanceId without a key or an instanceId', async () => {
    const res = await get('/.well-known/sp-metadata?clientId=x')
    expect(res).toMatchObject({ status: 400, contentType: 'text/html; charset=UTF-8', text: "Field name 'instanceId' is missing in GET request\n" })
  })

  it('answers 404 for a client unknown in this (instance, app, tenant)', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    expect((await get(`/${c.tenantId}/.well-known/sp-metadata?clientId=nope`, { 'api-key': c.apiKey })).status).toBe(404)
    expect((await get(`/.well-known/sp-metadata?clientId=${c.clientId}`, { 'api-key': c.apiKey })).status).toBe(404)
    const other = await newApp()
    expect((await get(`/${c.tenantId}/.well-known/sp-metadata?clientId=${c.clientId}`, { 'api-key': other.apiKey })).status).toBe(404)
  })

  it('answers 401 for a wrong key or another app\'s key, even with an instanceId', async () => {
    const c = await tenantWithClient()
    expect((await get(`/.well-known/sp-metadata?clientId=${c.clientId}`, { 'api-key': 'wrong' })).text).toBe('Invalid API key\n')
    const acme = await newApp({ appId: 'acme' })
    expect((await get(`/.well-known/sp-metadata?clientId=${c.clientId}&instanceId=x`, { 'api-key': acme.apiKey })).status).toBe(401)
  })

  it('honours app prefixes and the development key', async () => {
    const st = stClient(DEV_API_KEY, '/appid-public/public')
    const clientId = `meta-${crypto.randomUUID()}`
    expect((await st.put(clientBody({ clientId, enableRequestSigning: false }))).body.status).toBe('OK')
    const res = await get(`/appid-public/public/.well-known/sp-metadata?clientId=${clientId}&instanceId=${LOCAL_INSTANCE_ID}`)
    expect(res.status).toBe(200)
    expect(res.text).toContain('AuthnRequestsSigned="false"')
    expect(res.text).not.toContain('<md:KeyDescriptor use="signing">')
    expect(res.text).toContain('<md:KeyDescriptor use="encryption">')
    await st.remove(clientId)
  })
})
