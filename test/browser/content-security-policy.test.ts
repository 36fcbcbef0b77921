/**
 * Every HTML page the service serves sends a Content-Security-Policy: nothing loads, no inline
 * script runs but the page's own nonce'd one, forms post only to the page's target, no framing.
 */
import { SELF } from 'cloudflare:test'
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { BINDING_POST } from '../helpers/idp-metadata'
import { idpMetadataXml } from '../helpers/keys'
import { activeConnection, APP_CALLBACK } from '../helpers/sso'
import { CALLBACK, tenantWithClient } from '../supertokens/login-flow.helpers'
import { uniqueEntityId } from '../supertokens/helpers'
import { ORIGIN } from '../helpers/http'
import { SCALAR_SCRIPT_PATH } from '../../src/http/docs/routes'

type Policy = Map<string, string[]>

function policyOf(res: Response): Policy {
  const header = res.headers.get('content-security-policy')
  expect(header, `${res.url} has no Content-Security-Policy`).toBeTruthy()
  return new Map(header!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]))
}

/** What every page's policy holds, whatever else it allows. */
function expectStrict(policy: Policy) {
  expect(policy.get('default-src')).toEqual(["'none'"])
  expect(policy.get('frame-ancestors')).toEqual(["'none'"])
  expect(policy.get('base-uri')).toEqual(["'none'"])
  expect(policy.get('script-src') ?? []).not.toContain("'unsafe-inline'")
}

/** The nonce the policy allows, and every inline script of the page carries exactly it. */
function expectScriptsCarryTheNonce(policy: Policy, html: string) {
  const nonce = policy.get('script-src')?.find((s) => s.startsWith("'nonce-"))?.slice(7, -1)
  expect(nonce).toMatch(/^[0-9A-Za-z]{16,}$/)
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1])
  expect(scripts.length).toBeGreaterThan(0)
  for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`)
  expect(html).not.toMatch(/\son[a-z]+=/i)
}

const get = (path: string, init: RequestInit = {}) => SELF.fetch(`${ORIGIN}${path}`, { redirect: 'manual', ...init })

describe('the HTTP-POST binding page', () => {
  /** The page submits itself by its nonce'd script alone, and its form may post to the IdP's origin only. */
  async function expectAutoPostPage(res: Response) {
    const html = await res.text()
    expect(res.status).toBe(200)
    const policy = policyOf(res)
    expectStrict(policy)
    expectScriptsCarryTheNonce(policy, html)
    expect(policy.get('form-action')).toEqual(['https://idp.example.com'])
    expect(html).toContain('<form method="post" action="https://idp.example.com/sso/post">')
    expect(html).toMatch(/<script nonce="[^"]+">document\.forms\[0\]\.submit\(\)<\/script>/)
  }
  const postOnlyMetadata = () => idpMetadataXml({ entityId: uniqueEntityId(), ssoUrl: 'https://idp.example.com/sso/post', bindings: [BINDING_POST] })

  it('at /v1/saml/login', async () => {
    const { connection } = await activeConnection({ idp_metadata: postOnlyMetadata() })
    await expectAutoPostPage(await get(`/v1/saml/login?${new URLSearchParams({ connection_id: connection.id, redirect_uri: APP_CALLBACK })}`))
  })

  it('at /recipe/saml/legacy/authorize', async () => {
    const c = await tenantWithClient({ client: { metadataXML: btoa(postOnlyMetadata()) } })
    await expectAutoPostPage(await get(`/recipe/saml/legacy/authorize?${new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, instance_id: c.instanceId })}`))
  })
})

describe('pages without script', () => {
  const pages: [string, () => Promise<Response>][] = [
    ['the browser error page', () => get('/v1/saml/login?connection_id=samlc_unknown&redirect_uri=https://app.example.com/cb')],
    ['the browser 404 page', () => get('/v1/saml/nothing-here')],
    ['a SuperTokens-style text error (served as text/html, as the core does)', () => get('/recipe/saml/clients/list', { headers: { 'api-key': 'wrong' } })],
    ['the development callback error page', () => get('/dev/callback')],
  ]
  for (const [what, request] of pages) {
    it(`${what} runs nothing, posts nowhere and cannot be framed`, async () => {
      const res = await request()
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      const policy = policyOf(res)
      expectStrict(policy)
      expect(policy.has('script-src')).toBe(false)
      expect(policy.get('form-action')).toEqual(["'none'"])
    })
  }
})

describe('the development pages', () => {
  it('the admin page: its style by nonce, its form to itself', async () => {
    const res = await get('/')
    const html = await res.text()
    const policy = policyOf(res)
    expectStrict(policy)
    const nonce = policy.get('style-src')?.[0]?.slice(7, -1)
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(policy.get('form-action')).toEqual(["'self'"])
  })

  it('the development IdP: its sign-in form posts to itself, its answer auto-posts to the ACS only', async () => {
    await get('/dev/demo-connection', { method: 'POST' })
    const admin = await (await get('/')).text()
    const link = admin.match(/class="test-sign-in" href="([^"]+)"/)![1]!.replace(/&amp;/g, '&')
    const idpUrl = new URL((await get(link)).headers.get('location')!)
    const signInPage = await SELF.fetch(idpUrl)
    expectStrict(policyOf(signInPage))
    expect(policyOf(signInPage).get('form-action')).toEqual(["'self'"])

    const fields = Object.fromEntries([...(await signInPage.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]))
    const posted = await get('/dev/idp/sso', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, email: 'ada@example.com' }).toString() })
    const policy = policyOf(posted)
    expectStrict(policy)
    expectScriptsCarryTheNonce(policy, await posted.text())
    expect(policy.get('form-action')).toEqual([ORIGIN])
  })

  it('the development IdP refuses an AuthnRequest for another ACS with a page under the strict policy', async () => {
    const xml = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" AssertionConsumerServiceURL="javascript:alert(1)"/>'
    const samlRequest = btoa(String.fromCharCode(...deflateSync(new TextEncoder().encode(xml))))
    const res = await get(`/dev/idp/sso?SAMLRequest=${encodeURIComponent(samlRequest)}`)
    expect(res.status).toBe(400)
    expectStrict(policyOf(res))
  })
})

describe('the API reference at /docs', () => {
  it('loads Scalar by nonce from this origin alone (no CDN, no other host) and cannot be framed', async () => {
    const res = await get('/docs')
    const html = await res.text()
    const policy = policyOf(res)
    expectStrict(policy)
    expectScriptsCarryTheNonce(policy, html)
    // One nonce'd script file, from this origin (Workers Static Assets; test/node/docs-browser.test.ts loads it).
    expect(policy.get('script-src')).toEqual([expect.stringMatching(/^'nonce-/)])
    expect([...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1])).toEqual([SCALAR_SCRIPT_PATH])
    // No directive names a host: nothing of the page may load from elsewhere.
    for (const [directive, sources] of policy) for (const source of sources) expect(source, directive).not.toMatch(/^(https?:|[a-z0-9-]+\.[a-z])/i)
    expect(html).not.toMatch(/https?:\/\/(?!saml-edge\.test)/)
    expect(html).toContain('/openapi.json')
  })
})
