import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startWorker, type RunningWorker } from './worker'

// Debian's chromium, installed by scripts/ensure-chromium.mjs (npm's pretest).
const CHROMIUM = '/usr/bin/chromium'
let worker: RunningWorker
let browser: Browser

beforeAll(async () => {
  worker = await startWorker()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
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
