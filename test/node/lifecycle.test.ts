import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { wrangler } from '../../scripts/wrangler.mjs'
import { BINDING_POST, metadataXml } from '../helpers/idp-metadata'
import { freshSignedResponse, toBase64, type KeyPair } from '../helpers/test-idp'
import { makeIdpKey } from './idp-key'
import { clerkCall, listenOnLoopback, startWorker, type RunningWorker } from './worker'

// Connection lifecycle (issue 15) against the Worker as `npm run dev` runs it (wrangler dev with
// --test-scheduled, local D1 and KV), with the IdP's metadata served over HTTP by this process on
// 127.0.0.1 (a development metadata URL may be loopback): the IdP rolls its signing key, and its
// certificate nears expiry.

const DAY = 86_400_000
const APP_CALLBACK = 'https://app.example.com/sso/callback'

/** The IdP's metadata endpoint: the current document, an ETag per version, 304 to a matching If-None-Match. */
const idp = { certs: [] as string[], entityId: `https://idp.example.com/${crypto.randomUUID()}`, version: 0, fetches: 0 }
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  idp.fetches++
  const etag = `"v${idp.version}"`
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end()
  res.writeHead(200, { 'content-type': 'application/samlmetadata+xml', etag })
  res.end(metadataXml({ entityId: idp.entityId, ssoUrl: 'https://idp.example.com/sso', bindings: [BINDING_POST], certs: idp.certs }))
})
/** Each test's IdP is another entity (one entity id names one connection of the instance). */
const anotherIdp = () => {
  idp.entityId = `https://idp.example.com/${crypto.randomUUID()}`
}
const publish = (...keys: { bareCert: string }[]) => {
  idp.certs = keys.map((k) => k.bareCert)
  idp.version++
}

let worker: RunningWorker
let metadataUrl: string
beforeAll(async () => {
  metadataUrl = `${await listenOnLoopback(server)}/metadata.xml`
  worker = await startWorker()
})
afterAll(async () => {
  await worker?.stop()
  await new Promise((resolve) => server.close(resolve))
})

const api = (method: string, path: string, body?: unknown) => clerkCall(worker, method, path, body)

/** SQL against the running Worker's local D1, as `wrangler d1 execute --local` runs it. */
async function d1<T>(command: string): Promise<T[]> {
  const out = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', worker.persist, '--json', '--command', command], { capture: true })
  return (JSON.parse(out) as { results: T[] }[])[0]?.results ?? []
}
// The lifecycle's own events: an admin's writes (source "admin") are the webhook tests' concern.
const eventTypes = async (id: string) =>
  (await d1<{ type: string; data_json: string }>(`SELECT type, data_json FROM events WHERE connection_id = '${id}' AND type LIKE 'saml_connection.%' ORDER BY created_at, rowid`))
    .filter((e) => JSON.parse(e.data_json).source !== 'admin')
    .map((e) => [e.type, JSON.parse(e.data_json).trigger ?? JSON.parse(e.data_json).threshold_days])

async function connection() {
  const domain = `lifecycle-${crypto.randomUUID().slice(0, 8)}.example.com`
  const res = await api('POST', '/v1/saml_connections', { name: 'lifecycle', provider: 'saml_custom', domain, idp_metadata_url: metadataUrl, active: true, allow_idp_initiated: true, redirect_uris: [APP_CALLBACK] })
  expect(res.status).toBe(200)
  return { ...(res.body as { id: string; acs_url: string; sp_entity_id: string }), user: `ada@${domain}` }
}

/** An IdP-initiated sign-in signed with `key`: the ACS's status. */
async function signIn(conn: { acs_url: string; sp_entity_id: string; user: string }, key: KeyPair) {
  const user = conn.user
  const xml = freshSignedResponse({ entityId: idp.entityId, spEntityId: conn.sp_entity_id, acsUrl: conn.acs_url, inResponseTo: null }, { nameId: user, attributes: { email: [user] }, signing: { key } })
  const res = await fetch(conn.acs_url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: toBase64(xml) }) })
  return res.status
}

const scheduled = async () => {
  const res = await fetch(`${worker.origin}/__scheduled`)
  expect(res.status).toBe(200)
}

it('the IdP adds a key and signs with it: the first sign-in succeeds; it drops the old one: after the cron the old key is refused', async () => {
  // Valid for long: no expiry warning belongs in this story.
  const old = await makeIdpKey('lifecycle old key', Date.now() + 400 * DAY)
  const next = await makeIdpKey('lifecycle next key', Date.now() + 400 * DAY)
  anotherIdp()
  publish(old)
  const conn = await connection()
  expect(await signIn(conn, old)).toBe(302)

  publish(old, next)
  const before = idp.fetches
  expect(await signIn(conn, next)).toBe(302)
  expect(idp.fetches).toBe(before + 1)

  publish(next)
  await d1(`UPDATE metadata_refresh SET next_refresh_at = 0 WHERE connection_id = '${conn.id}'`)
  await scheduled()
  expect((await api('GET', `/v1/saml_connections/${conn.id}`)).body.idp_certificates.map((c: { certificate: string }) => c.certificate)).toEqual([next.bareCert])
  expect(await signIn(conn, old)).toBe(400)
  expect(await signIn(conn, next)).toBe(302)
  expect(await eventTypes(conn.id)).toEqual([
    ['saml_connection.updated', 'on_demand'],
    ['saml_connection.certificates_rotated', 'on_demand'],
    ['saml_connection.updated', 'scheduled'],
    ['saml_connection.certificates_rotated', 'scheduled'],
  ])
  // The admin sees why the old key's sign-in failed (written after the browser's answer, so polled).
  const attempts = await vi.waitFor(async () => {
    const page = await api('GET', `/v1/saml_connections/${conn.id}/sign_in_attempts`)
    expect(page.body.total_count).toBe(4)
    return page.body.data as { status: string; reason: string | null }[]
  }, { timeout: 10_000, interval: 50 })
  expect(attempts.map((a) => [a.status, a.reason])).toEqual([
    ['succeeded', null],
    ['failed', 'unknown_signing_key'],
    ['succeeded', null],
    ['succeeded', null],
  ])

  // Nothing new at the IdP: the next run asks conditionally and gets a 304.
  await d1(`UPDATE metadata_refresh SET next_refresh_at = 0 WHERE connection_id = '${conn.id}'`)
  await scheduled()
  const [row] = await d1<{ etag: string; failures: number; next_refresh_at: number; last_attempt_at: number }>(`SELECT etag, failures, next_refresh_at, last_attempt_at FROM metadata_refresh WHERE connection_id = '${conn.id}'`)
  expect(row).toMatchObject({ etag: `"v${idp.version}"`, failures: 0 })
  expect((row?.next_refresh_at ?? 0) - (row?.last_attempt_at ?? 0)).toBe(DAY)
}, 120_000)

it('a certificate 10 days from expiry gives certificate_expiring, once', async () => {
  const expiring = await makeIdpKey('lifecycle expiring key', Date.now() + 10 * DAY)
  anotherIdp()
  publish(expiring)
  const conn = await connection()
  await scheduled()
  await scheduled()
  expect(await eventTypes(conn.id)).toEqual([['saml_connection.certificate_expiring', 30]])
}, 120_000)
