import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { getPlatformProxy } from 'wrangler'
import { BINDING_POST, metadataXml } from '../helpers/idp-metadata'
import { launchChromium } from './chromium'
import { readRepoFile, ROOT, startWorker, type RunningWorker } from './worker'

// Debian's chromium, installed by scripts/ensure-tools.mjs (npm's pretest).
let worker: RunningWorker
let browser: Browser

beforeAll(async () => {
  worker = await startWorker()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await worker?.stop()
})

it('admin page: adds the demo connection, runs "Test sign-in" and shows the mapped profile', async () => {
  const page = await browser.newPage()
  await page.goto(`${worker.origin}/`)
  expect(await page.locator('h1').textContent()).toContain('ins_local')
  await page.click('#create-demo')
  const row = page.locator('tr[data-connection-id]').first()
  await row.waitFor()
  expect(await row.textContent()).toContain('/v1/saml/metadata/')
  expect(await row.textContent()).toContain('/v1/saml/acs/')

  await page.click('.test-sign-in button')
  await page.waitForSelector('#idp-sign-in')
  await page.fill('#email', 'ada@example.com')
  await page.click('#idp-sign-in')
  const profileText = await page.locator('#profile').textContent({ timeout: 15_000 })
  const profile = JSON.parse(profileText ?? '{}')
  expect(profile).toMatchObject({ object: 'saml_profile', name_id: 'ada@example.com', email_address: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' })
  expect(new URL(page.url()).searchParams.get('state')).toBe('admin-test')
  await page.screenshot({ path: '/tmp/saml-edge-admin-signed-in.png' })
}, 60_000)

/** A connection of the local instance, made through the Clerk-style API as an app would. */
async function createConnection(body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const res = await fetch(`${worker.origin}/v1/saml_connections`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'browser', provider: 'saml_custom', domain: `b-${crypto.randomUUID().slice(0, 8)}.example.com`, ...body }),
  })
  return { status: res.status, json: await res.json() }
}

/** IdP metadata with one HTTP-POST SingleSignOnService at `location` (attribute-escaped by the caller). */
async function postOnlyMetadata(location: string): Promise<string> {
  const cert = await readRepoFile('test/fixtures/keys/idp.cert.pem')
  return metadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}`, ssoUrl: location, bindings: [BINDING_POST], certs: [cert] })
}

/** A page that records CSP violations and any dialog or script run a `javascript:` URL would cause. */
async function watchedPage(): Promise<{ page: Page; cspViolations: string[]; dialogs: string[] }> {
  const page = await browser.newPage()
  const cspViolations: string[] = []
  const dialogs: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text())
  })
  page.on('dialog', async (d) => {
    dialogs.push(d.message())
    await d.dismiss()
  })
  return { page, cspViolations, dialogs }
}

it('the HTTP-POST binding page submits itself under its Content-Security-Policy, to the IdP only', async () => {
  const target = `${worker.origin}/dev/idp/sso`
  const created = await createConnection({ idp_metadata: await postOnlyMetadata(target), active: true, redirect_uris: ['https://app.example.com/cb'] })
  expect(created.status).toBe(200)
  const { page, cspViolations, dialogs } = await watchedPage()
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === target, { timeout: 15_000 })
  const start = await page.goto(`${worker.origin}/v1/saml/login?${new URLSearchParams({ connection_id: created.json.id, redirect_uri: 'https://app.example.com/cb' })}`)
  expect(start?.headers()['content-security-policy']).toContain(`form-action ${worker.origin}`)
  const request = await posted
  expect(request.postData()).toMatch(/^SAMLRequest=[^&]+&RelayState=/)
  expect(cspViolations).toEqual([])
  expect(dialogs).toEqual([])
}, 60_000)

it('a javascript: SSO URL is refused at write time and, stored in D1 from before, never runs at sign-in', async () => {
  const payload = 'javascript:alert(document.domain)//'
  expect((await createConnection({ idp_sso_url: payload })).status).toBe(422)
  expect((await createConnection({ idp_metadata: await postOnlyMetadata(payload) })).status).toBe(422)

  // A row written before the rule existed: a good connection's SSO URL changed underneath the API.
  const created = await createConnection({ idp_metadata: await postOnlyMetadata(`${worker.origin}/dev/idp/sso`), active: true, redirect_uris: ['https://app.example.com/cb'] })
  expect(created.status).toBe(200)
  for (const binding of ['post', 'redirect'] as const) {
    await overwriteSsoUrl(created.json.id, payload, binding)
    const { page, dialogs } = await watchedPage()
    const res = await page.goto(`${worker.origin}/v1/saml/login?${new URLSearchParams({ connection_id: created.json.id, redirect_uri: 'https://app.example.com/cb' })}`)
    expect(res?.status()).toBe(400)
    expect(await page.locator('h1').textContent()).toBe('Sign-in failed')
    expect(page.url().startsWith(worker.origin)).toBe(true)
    expect(dialogs).toEqual([])
  }
}, 60_000)

/** Rewrites a row underneath the API, as a write from before the URL rule left it, and drops its edge copy. */
async function overwriteSsoUrl(id: string, url: string, binding: 'post' | 'redirect') {
  const proxy = await getPlatformProxy<{ DB: D1Database; KV: KVNamespace }>({ configPath: `${ROOT}wrangler.toml`, persist: { path: `${worker.persist}/v3` } })
  try {
    await proxy.env.DB.prepare('UPDATE saml_connections SET idp_sso_url = ?, idp_sso_binding = ? WHERE id = ?').bind(url, binding, id).run()
    await proxy.env.KV.delete(`conn:${id}`)
  } finally {
    await proxy.dispose()
  }
}
