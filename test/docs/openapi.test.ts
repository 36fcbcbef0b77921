import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { supertokensApi } from '../../src/http/supertokens/routes'
import { assertDocumentedResponse } from '../helpers/openapi'
import { ORIGIN } from '../helpers/http'

const honoToOpenApi = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}')

describe('GET /openapi.json', () => {
  it('publishes one OpenAPI 3.1 document for both API styles, with auth schemes and error envelopes', async () => {
    const res = await SELF.fetch(`${ORIGIN}/openapi.json`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as any
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: ORIGIN }])
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['ClerkSecretKey', 'SupertokensApiKey'])
    expect(doc.paths['/v1/saml_connections/{saml_connection_id}'].get.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ClerkErrors' })
    expect(doc.paths['/recipe/saml/clients/list'].get.security).toEqual([{ SupertokensApiKey: [] }])
    expect(doc.components.schemas.SAMLConnection.properties.object).toBeDefined()
  })

  it('carries the descriptions the domain schemas give with plain zod .meta() (domain/ does not import @hono/zod-openapi)', async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/openapi.json`)).json()) as any
    const text = JSON.stringify(doc)
    expect(text).toContain('never a public suffix such as com or github.io')
  })

  it('lists every management route the app registers', async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/openapi.json`)).json()) as any
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`)))
    const registered = createApp()
      .routes.filter((r) => r.method !== 'ALL' && /^\/(v1\/(saml|enterprise)_connections|recipe\/|apiversion)/.test(r.path))
      .map((r) => `${r.method} ${honoToOpenApi(r.path)}`)
    expect(registered.length).toBeGreaterThanOrEqual(9)
    for (const route of registered) expect(documented, route).toContain(route)
  })

  it('builds the SuperTokens-style part as one document, each route once', () => {
    const doc = supertokensApi().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'saml-edge: SuperTokens core style', version: '1' } })
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual(['/.well-known/sp-metadata', '/apiversion', '/recipe/saml/callback', '/recipe/saml/clients', '/recipe/saml/clients/list', '/recipe/saml/clients/remove', '/recipe/saml/legacy/authorize', '/recipe/saml/legacy/callback', '/recipe/saml/legacy/token', '/recipe/saml/legacy/userinfo', '/recipe/saml/login', '/recipe/saml/user'])
    const form = doc.paths?.['/recipe/saml/legacy/callback']?.post?.requestBody
    expect(Object.keys(form && 'content' in form ? form.content : {})).toEqual(['application/x-www-form-urlencoded'])
    expect(Object.keys(doc.paths?.['/recipe/saml/clients'] ?? {})).toEqual(['put'])
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['SupertokensCreateOrUpdateSamlClientBody', 'SupertokensSamlClient', 'SupertokensListSamlClientsResponse']),
    )
  })

  it('serves an interactive reference at /docs pointing at the document', async () => {
    const res = await SELF.fetch(`${ORIGIN}/docs`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await res.text()).toContain('/openapi.json')
  })
})

describe('the response checker used by the test helpers', () => {
  it('refuses a body that does not match the documented schema, and an undocumented status', () => {
    expect(() => assertDocumentedResponse('GET', '/v1/saml_connections', 200, { data: [{ object: 'saml_connection' }], total_count: 1 })).toThrow(/OpenAPI schema/)
    expect(() => assertDocumentedResponse('GET', '/v1/saml_connections', 200, { data: [] })).toThrow(/OpenAPI schema/)
    expect(() => assertDocumentedResponse('GET', '/v1/saml_connections', 418, {})).toThrow(/does not list/)
    expect(() => assertDocumentedResponse('GET', '/v1/saml_connections', 200, { data: [], total_count: 0 })).not.toThrow()
    expect(() => assertDocumentedResponse('GET', '/acme/recipe/saml/clients/list', 200, { status: 'OK', clients: 'nope' })).toThrow(/OpenAPI schema/)
  })
})
