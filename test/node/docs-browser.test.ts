import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
// @ts-expect-error: a plain ES module of the build scripts (test/node is outside the type check)
import { prepareDocsAssets, scalarVersion } from '../../scripts/docs-assets.mjs'
import { launchChromium } from './chromium'
import { readRepoFile, startWorker, type RunningWorker } from './worker'

// Debian's chromium, installed by scripts/ensure-tools.mjs (npm's pretest).
let worker: RunningWorker
let browser: Browser

beforeAll(async () => {
  // What `npm run dev` and `npm run deploy` do first (scripts/wrangler.mjs): the pinned Scalar build into assets/.
  prepareDocsAssets()
  worker = await startWorker()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await worker?.stop()
})

type Operation = { summary: string; tags: string[] }

it('serves the pinned Scalar build from the Worker origin, cached immutably under its version', async () => {
  const pinned = JSON.parse(await readRepoFile('package.json')).dependencies['@scalar/api-reference']
  expect(scalarVersion()).toBe(pinned)
  const html = await (await fetch(`${worker.origin}/docs`)).text()
  const src = html.match(/<script src="([^"]+)"/)?.[1]
  expect(src).toBe(`/docs/scalar/${pinned}/standalone.js`)
  const res = await fetch(`${worker.origin}${src}`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^(text|application)\/javascript/)
  expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  const body = await res.text()
  expect(body).toBe(await readRepoFile('node_modules/@scalar/api-reference/dist/browser/standalone.js'))
})

it('shows the operations of every API style with every request outside the Worker refused', async () => {
  const doc = (await (await fetch(`${worker.origin}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> }
  const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods))
  const groups = [...new Set(operations.flatMap((o) => o.tags))]
  expect(groups).toEqual(expect.arrayContaining(['Clerk: SAML connections', 'Clerk: enterprise connections', 'SuperTokens: SAML clients', 'SuperTokens: SAML login']))

  const page = await browser.newPage()
  const refused: string[] = []
  const problems: string[] = []
  // Offline, or behind a network that blocks CDNs: nothing but the Worker answers.
  await page.route('**/*', (route) => {
    if (new URL(route.request().url()).origin === worker.origin) return route.continue()
    refused.push(route.request().url())
    return route.abort('blockedbyclient')
  })
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(String(e)))
  await page.goto(`${worker.origin}/docs`)

  // The sidebar shows each group; the first is open, the others open on a click.
  const sidebar = page.locator('aside, nav').first()
  await page.getByText('Clerk: enterprise connections').first().waitFor({ timeout: 30_000 })
  for (const group of groups) {
    const closed = page.getByRole('button', { name: `Open Group - ${group}` })
    if ((await closed.count()) > 0) await closed.first().click()
  }
  for (const op of operations) await expect.poll(() => sidebar.innerText(), { message: op.summary }).toContain(op.summary)

  // The reference itself rendered, from the same document: its title and a path of each style.
  const text = await page.locator('body').innerText()
  for (const path of ['/v1/enterprise_connections', '/v1/saml_connections', '/recipe/saml/clients/list', '/recipe/saml/login']) expect(text).toContain(path)
  expect(refused).toEqual([])
  expect(problems).toEqual([])
  await page.screenshot({ path: '/tmp/saml-edge-docs-offline.png' })
}, 90_000)
