/**
 * The second layer: an IdP SSO URL stored before writes applied the URL rule (a row already in D1)
 * never reaches a browser. Every sign-in start answers the clean error of its API style: never a
 * 500, never a `javascript:` Location or form action, never a redirect URI carrying CR/LF.
 */
import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { activeConnection, APP_CALLBACK } from '../helpers/sso'
import { CALLBACK, acsFor, tenantWithClient } from '../supertokens/login-flow.helpers'
import { ORIGIN } from '../helpers/http'

const STORED: [string, string][] = [
  ['a javascript: URL', 'javascript:alert(document.domain)//'],
  ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
  ['a mixed-case JAVASCRIPT: URL', 'JAVASCRIPT:alert(1)'],
  ['a leading space', ' https://idp.example.com/sso'],
  ['CR/LF inside', 'https://idp.example.com/sso\r\nSet-Cookie: x=1'],
  ['a tab inside', 'https://idp.example.com/s\tso'],
]

/** Overwrites the row in D1, as a write from before the rule left it, and drops the edge copy so D1 is read. */
async function storeSsoUrl(connectionId: string, url: string, binding: 'redirect' | 'post') {
  await env.DB.prepare('UPDATE saml_connections SET idp_sso_url = ?, idp_sso_binding = ? WHERE id = ?').bind(url, binding, connectionId).run()
  await env.KV.delete(`conn:${connectionId}`)
}

const connectionIdOf = async (clientId: string) =>
  (await env.DB.prepare('SELECT id FROM saml_connections WHERE client_id = ?').bind(clientId).first<{ id: string }>())!.id

function expectNoUnsafeTarget(res: Response, body: string) {
  expect(res.status).toBeLessThan(500)
  expect(res.headers.get('location')).toBeNull()
  expect(body).not.toMatch(/action="(?!https?:)/i)
}

describe('GET /v1/saml/login with a stored SSO URL outside the rule', () => {
  for (const binding of ['redirect', 'post'] as const) {
    for (const [what, url] of STORED) {
      it(`answers the 400 invalid_client page for ${what} (HTTP-${binding === 'post' ? 'POST' : 'Redirect'})`, async () => {
        const { connection } = await activeConnection()
        await storeSsoUrl(connection.id, url, binding)
        const res = await SELF.fetch(`${ORIGIN}/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: APP_CALLBACK, state: 's' })}`, { redirect: 'manual' })
        const body = await res.text()
        expectNoUnsafeTarget(res, body)
        expect(res.status).toBe(400)
        expect(res.headers.get('content-type')).toMatch(/^text\/html/)
        expect(body).toContain('<code>invalid_client</code>')
      })
    }
  }
})

describe('POST /recipe/saml/login with a stored SSO URL outside the rule', () => {
  for (const [what, url] of STORED) {
    it(`answers INVALID_CLIENT_ERROR for ${what}, with no ssoRedirectURI`, async () => {
      const c = await tenantWithClient()
      await storeSsoUrl(await connectionIdOf(c.clientId), url, 'redirect')
      const res = await c.st.call('POST', '/recipe/saml/login', { clientId: c.clientId, redirectURI: CALLBACK, acsURL: acsFor() })
      expect([res.status, res.body]).toEqual([200, { status: 'INVALID_CLIENT_ERROR' }])
    })
  }
})

describe('GET /recipe/saml/legacy/authorize with a stored SSO URL outside the rule', () => {
  for (const binding of ['redirect', 'post'] as const) {
    for (const [what, url] of STORED) {
      it(`answers INVALID_CLIENT_ERROR for ${what} (HTTP-${binding === 'post' ? 'POST' : 'Redirect'})`, async () => {
        const c = await tenantWithClient()
        await storeSsoUrl(await connectionIdOf(c.clientId), url, binding)
        const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, state: 's', instance_id: c.instanceId })
        const res = await SELF.fetch(`${ORIGIN}/recipe/saml/legacy/authorize?${q}`, { redirect: 'manual' })
        const body = await res.text()
        expectNoUnsafeTarget(res, body)
        expect([res.status, JSON.parse(body)]).toEqual([200, { status: 'INVALID_CLIENT_ERROR' }])
      })
    }
  }
})
