/**
 * Property tests for the login start of each style and the SP metadata: whatever the query, the
 * answer is a redirect (or auto-posting form) to the IdP or its style's error, never a 5xx or an
 * engine crash, and a login start writes no connection.
 */
import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { nastyString, pathId, PROPERTY_TIMEOUT, queryString, runs, urlLike } from '../helpers/arbitraries'
import { send } from '../helpers/http'
import { activeConnection, APP_CALLBACK } from '../helpers/sso'
import { snapshotInstance } from '../helpers/store'
import { captureLogs, expectBrowserError, expectLegacySafe, expectNoInternalErrors } from '../helpers/wire'
import { LEGACY, legacyClient, type LegacyClient } from '../supertokens/legacy.helpers'

const logs = captureLogs()
let ctx: Awaited<ReturnType<typeof activeConnection>>
let c: LegacyClient

beforeAll(async () => {
  ctx = await activeConnection({ allow_idp_initiated: true })
  c = await legacyClient({ allowIDPInitiatedLogin: true })
})

describe('GET /v1/saml/login and /v1/saml/metadata/{file}', () => {
  it('answers any login query with a redirect to the IdP or a browser error, and never writes', async () => {
    const q = fc.oneof(
      queryString,
      fc.record({ connection_id: fc.oneof(fc.constant('CONN'), pathId), redirect_uri: fc.oneof(fc.constant(APP_CALLBACK), nastyString), state: fc.option(nastyString) }).map(
        ({ connection_id, redirect_uri, state }) =>
          new URLSearchParams({ connection_id: connection_id === 'CONN' ? ctx.connection.id : decodeURIComponentSafe(connection_id), redirect_uri: redirect_uri.slice(0, 6_000), ...(state === null ? {} : { state: state.slice(0, 6_000) }) }).toString(),
      ),
      fc.record({ email: nastyString, instance_id: fc.oneof(fc.constant('INST'), nastyString) }).map(({ email, instance_id }) =>
        new URLSearchParams({ email: email.slice(0, 6_000), instance_id: instance_id === 'INST' ? ctx.instanceId : instance_id.slice(0, 6_000), redirect_uri: APP_CALLBACK }).toString(),
      ),
    )
    await fc.assert(
      fc.asyncProperty(q, async (query) => {
        const before = await snapshotInstance(ctx.instanceId)
        logs.take()
        const a = await send(`/v1/saml/login?${query}`)
        if (a.status === 302) expect(a.location ?? '').toMatch(/^https:\/\/idp\.example\.com\/sso\?SAMLRequest=/)
        else expectBrowserError(a, 'html')
        expect(await snapshotInstance(ctx.instanceId)).toEqual(before)
        expectNoInternalErrors(logs.take())
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)

  it('answers any metadata file name with SP metadata for a real connection or a 404 page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathId, fc.constant('CONN')), fc.constantFrom('', '.xml', '.XML', '.xml.xml'), async (id, ext) => {
        logs.take()
        const a = await send(`/v1/saml/metadata/${id === 'CONN' ? ctx.connection.id : id}${ext}`)
        if (a.status === 200) expect(a.contentType).toBe('application/samlmetadata+xml')
        else {
          expectBrowserError(a, 'html')
          expect(a.status).toBe(404)
        }
        expectNoInternalErrors(logs.take())
      }),
      runs(30),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /v1/saml/login with whatever SSO URL a row from before the URL rule holds', () => {
  it('redirects only to an http(s) URL, posts only to one, or answers the browser error: never a 5xx', async () => {
    const stored = await activeConnection()
    await fc.assert(
      fc.asyncProperty(urlLike, fc.constantFrom('redirect', 'post'), async (url, binding) => {
        await env.DB.prepare('UPDATE saml_connections SET idp_sso_url = ?, idp_sso_binding = ? WHERE id = ?').bind(url, binding, stored.connection.id).run()
        await env.KV.delete(`conn:${stored.connection.id}`)
        logs.take()
        const a = await send(`/v1/saml/login?${new URLSearchParams({ connection_id: stored.connection.id, redirect_uri: APP_CALLBACK })}`)
        if (a.status === 302) expect(a.location ?? '').toMatch(/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/u)
        else if (a.status === 200) expect(a.text).toMatch(/<form method="post" action="https?:\/\/[^"\s]+">/)
        else expectBrowserError(a, 'html')
        expectNoInternalErrors(logs.take())
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /recipe/saml/legacy/authorize', () => {
  it('answers any query string with a 307 to the IdP, a 200 INVALID_CLIENT_ERROR, or a plain-text 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), async (q, named) => {
        const extra = named ? `&client_id=${encodeURIComponent(c.clientId)}&instance_id=${c.instanceId}` : ''
        await expectLegacySafe(logs, c.instanceId, 
          () => send(`${LEGACY}/authorize?${q}${extra}`),
          (a) =>
            (a.status === 307 && (a.location ?? '').startsWith('https://idp.example.com/sso?SAMLRequest=')) ||
            (a.status === 200 && a.contentType === 'application/json; charset=UTF-8' && a.body?.status === 'INVALID_CLIENT_ERROR'),
        )
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
