/**
 * The URL rule at the Clerk-style API (src/domain/urls.ts): every URL written is an absolute
 * http(s) URL without whitespace, control characters or credentials, stored normalised; IdP
 * endpoints are https-only outside development. A refusal is a 422 naming the field, and writes nothing.
 */
import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { HOSTILE_URLS } from '../helpers/hostile-urls'
import { idpCertPem, idpMetadataXml } from '../helpers/keys'
import { activeConnection } from '../helpers/sso'
import { snapshotInstance } from '../helpers/store'
import { ORIGIN } from '../helpers/http'

const t = freshInstanceEachTest()

const idpFields = (overrides: Record<string, unknown> = {}) => ({
  idp_entity_id: `https://idp.example.com/${crypto.randomUUID()}`,
  idp_sso_url: 'https://idp.example.com/sso',
  idp_certificate: idpCertPem,
  ...overrides,
})

function expectFieldRefused(res: { status: number; body: any }, param: string) {
  expect(res.status).toBe(422)
  expect(res.body.errors.map((e: any) => [e.code, e.meta?.param_name])).toEqual([['form_param_format_invalid', param]])
}

describe('POST /v1/saml_connections refuses URLs outside the rule', () => {
  for (const [what, url] of HOSTILE_URLS) {
    it(`returns 422 form_param_format_invalid for idp_sso_url with ${what}, and creates nothing`, async () => {
      expectFieldRefused(await t.api.create(connectionInput(idpFields({ idp_sso_url: url }))), 'idp_sso_url')
      expect((await snapshotInstance(t.instanceId)).connections).toEqual([])
    })

    it(`returns 422 form_param_format_invalid for a redirect URI with ${what}`, async () => {
      expectFieldRefused(await t.api.create(connectionInput({ redirect_uris: ['https://app.example.com/cb', url] })), 'redirect_uris.1')
      expect((await snapshotInstance(t.instanceId)).connections).toEqual([])
    })

    it(`returns 422 form_param_format_invalid for idp_metadata_url with ${what}`, async () => {
      expectFieldRefused(await t.api.create(connectionInput({ idp_metadata_url: url })), 'idp_metadata_url')
    })
  }
})

describe('PATCH /v1/saml_connections/{id} refuses URLs outside the rule', () => {
  for (const [what, url] of HOSTILE_URLS) {
    it(`returns 422 for idp_sso_url and redirect_uris with ${what}, and leaves the row as it was`, async () => {
      const created = await t.api.create(connectionInput({ ...idpFields(), active: true, redirect_uris: ['https://app.example.com/cb'] }))
      expect(created.status).toBe(200)
      const before = await snapshotInstance(t.instanceId)
      expectFieldRefused(await t.api.update(created.body.id, { idp_sso_url: url }), 'idp_sso_url')
      expectFieldRefused(await t.api.update(created.body.id, { redirect_uris: [url] }), 'redirect_uris.0')
      expect(await snapshotInstance(t.instanceId)).toEqual(before)
    })
  }
})

describe('idp_metadata whose SingleSignOnService Location breaks the rule', () => {
  const metadataWith = (binding: 'HTTP-POST' | 'HTTP-Redirect', location: string) =>
    idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }).replace(
      /<md:SingleSignOnService[^>]*\/><md:SingleSignOnService[^>]*\/>/,
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${location}"/>`,
    )

  for (const [what, location] of [
    ['a javascript: POST endpoint', 'javascript:alert(document.domain)//'],
    ['a data: POST endpoint', 'data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a JAVASCRIPT: Redirect endpoint', 'JAVASCRIPT:alert(1)'],
    ['CR/LF written as character references', 'https://idp.example.com/sso&#13;&#10;Set-Cookie: x=1'],
    ['a tab written as a character reference', 'https://idp.example.com/s&#9;so'],
  ] as const) {
    it(`returns 422 saml_failed_to_parse_idp_metadata for ${what}, on create and on update`, async () => {
      const binding = what.includes('POST') ? 'HTTP-POST' : 'HTTP-Redirect'
      const created = await t.api.create(connectionInput({ idp_metadata: metadataWith(binding, location) }))
      expect([created.status, created.body.errors?.[0]?.code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
      const plain = await t.api.create(connectionInput())
      const before = await snapshotInstance(t.instanceId)
      const updated = await t.api.update(plain.body.id, { idp_metadata: metadataWith(binding, location) })
      expect([updated.status, updated.body.errors?.[0]?.code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
      expect(await snapshotInstance(t.instanceId)).toEqual(before)
    })
  }
})

describe('URLs are stored normalised', () => {
  it('writes idp_sso_url and redirect_uris as new URL(x).href does', async () => {
    const res = await t.api.create(
      connectionInput({ ...idpFields({ idp_sso_url: 'HTTPS://IdP.Example.COM:443/sso?x=<1>' }), redirect_uris: ['https://App.Example.com', 'http://localhost:3000/cb'] }),
    )
    expect(res.status).toBe(200)
    expect(res.body.idp_sso_url).toBe('https://idp.example.com/sso?x=%3C1%3E')
    expect(res.body.redirect_uris).toEqual(['https://app.example.com/', 'http://localhost:3000/cb'])
    const row = await env.DB.prepare('SELECT idp_sso_url FROM saml_connections WHERE id = ?').bind(res.body.id).first<{ idp_sso_url: string }>()
    expect(row?.idp_sso_url).toBe('https://idp.example.com/sso?x=%3C1%3E')
  })
})

describe('redirect URIs at sign-in', () => {
  it('match the form a caller registered, once stored normalised, and no other URL', async () => {
    const { connection } = await activeConnection({ redirect_uris: ['https://App.Example.com'] })
    expect(connection.redirect_uris).toEqual(['https://app.example.com/'])
    for (const [redirectUri, status] of [['https://App.Example.com', 302], ['https://app.example.com/', 302], ['https://app.example.com/other', 400]] as const) {
      const res = await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: redirectUri })}`, { redirect: 'manual' })
      expect(res.status, redirectUri).toBe(status)
    }
  })
})

describe('outside development', () => {
  const prod = { ...env, ENVIRONMENT: 'production' } as Env
  const app = createApp()
  const create = async (body: Record<string, unknown>) => {
    const res = await app.request(
      `${ORIGIN}/v1/saml_connections`,
      { method: 'POST', headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify(connectionInput(body)) },
      prod,
    )
    return { status: res.status, body: (await res.json()) as any }
  }

  it('refuses an http: idp_sso_url and idp_metadata_url with 422 naming the field', async () => {
    expectFieldRefused(await create(idpFields({ idp_sso_url: 'http://idp.example.com/sso' })), 'idp_sso_url')
    expectFieldRefused(await create({ idp_metadata_url: 'http://idp-metadata.test/metadata.xml' }), 'idp_metadata_url')
  })

  it('refuses metadata whose only SSO URL is http:', async () => {
    const res = await create({ idp_metadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}`, ssoUrl: 'http://idp.example.com/sso' }) })
    expect([res.status, res.body.errors[0].code]).toEqual([422, 'saml_failed_to_parse_idp_metadata'])
  })

  it('keeps accepting http: redirect URIs (apps on localhost during their own development)', async () => {
    const res = await create({ ...idpFields(), redirect_uris: ['http://localhost:3000/sso/callback'] })
    expect(res.status).toBe(200)
    expect(res.body.redirect_uris).toEqual(['http://localhost:3000/sso/callback'])
  })
})
