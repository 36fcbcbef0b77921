/**
 * D1 read replication through the Sessions API (wiring/d1-sessions.ts; README, Consistency model).
 * Local D1 has no replicas, so where a read went is shown by the session each statement was
 * prepared on (a recording wrapper around the real binding), and read-your-writes by the bookmark
 * a management answer hands out and accepts back.
 */
import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { sha256Hex } from '../../src/domain/secrets'
import { BOOKMARK_HEADER, usableBookmark } from '../../src/wiring/d1-sessions'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { answerOf, ORIGIN, send } from '../helpers/http'
import { activeConnection, signedResponseXmlFor } from '../helpers/sso'
import { storeKey } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { captureLogs } from '../helpers/wire'
import { clientBody, newApp, stClient } from '../supertokens/helpers'

captureLogs()
const app = createApp()

/** The real binding; every statement is noted with the session it was prepared on. */
function recordingD1(db: D1Database) {
  const statements: { session: string; sql: string }[] = []
  const noting = <H extends D1Database | D1DatabaseSession>(handle: H, session: string): H =>
    new Proxy(handle, {
      get(target, prop) {
        if (prop === 'prepare') {
          return (sql: string) => {
            statements.push({ session, sql })
            return target.prepare(sql)
          }
        }
        if (prop === 'withSession' && 'withSession' in target) return (c?: string) => noting(target.withSession(c), c ?? '(default)')
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return {
    db: noting(db, 'binding'),
    /** The sessions the statements matching `sql` were prepared on. */
    sessionsOf: (sql: RegExp) => [...new Set(statements.filter((s) => sql.test(s.sql)).map((s) => s.session))],
    all: () => [...new Set(statements.map((s) => s.session))],
  }
}

const callWith = async (rec: ReturnType<typeof recordingD1>, path: string, init: RequestInit = {}) =>
  answerOf(await app.request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }, { ...env, DB: rec.db }))

const bearer = (secretKey: string, more: Record<string, string> = {}) => ({ authorization: `Bearer ${secretKey}`, 'content-type': 'application/json', ...more })

describe('local D1 sessions', () => {
  it('hand out bookmarks in the form the header accepts, and a session from one is at least as new', async () => {
    const first = env.DB.withSession('first-primary')
    expect(first.getBookmark()).toBeNull()
    await first.prepare('SELECT 1').first()
    const bookmark = first.getBookmark()
    expect(usableBookmark(bookmark)).toBe(bookmark)

    const next = env.DB.withSession(bookmark ?? '')
    await next.prepare('SELECT 1').first()
    expect((next.getBookmark() ?? '') >= (bookmark ?? '')).toBe(true)
  })

  it('the header refuses what is not a bookmark', () => {
    for (const bad of ['', 'first-primary', 'first-unconstrained', 'x'.repeat(80), '0000000a-00000003-00004f5c-', "0000000a-00000003-00004f5c-'; DROP"]) {
      expect(usableBookmark(bad)).toBeNull()
    }
  })
})

describe('management: read-your-writes through x-d1-bookmark', () => {
  it('a create answers a bookmark; a get sent with it sees the connection, and an update sent with the get\'s is seen by the next get', async () => {
    const { secretKey } = await newInstance()
    const created = await send('/v1/saml_connections', { method: 'POST', headers: bearer(secretKey), body: JSON.stringify(connectionInput()) })
    expect(created.status).toBe(200)
    const afterCreate = created.headers.get(BOOKMARK_HEADER)
    expect(usableBookmark(afterCreate)).toBe(afterCreate)

    const got = await send(`/v1/saml_connections/${created.body.id}`, { headers: bearer(secretKey, { [BOOKMARK_HEADER]: afterCreate ?? '' }) })
    expect(got.status).toBe(200)
    expect(got.body.id).toBe(created.body.id)
    const afterGet = got.headers.get(BOOKMARK_HEADER) ?? ''
    expect(afterGet >= (afterCreate ?? '')).toBe(true)

    const patched = await send(`/v1/saml_connections/${created.body.id}`, { method: 'PATCH', headers: bearer(secretKey, { [BOOKMARK_HEADER]: afterGet }), body: JSON.stringify({ name: 'Renamed' }) })
    expect(patched.status).toBe(200)
    const afterPatch = patched.headers.get(BOOKMARK_HEADER) ?? ''
    expect(afterPatch > afterCreate!).toBe(true)
    const again = await send(`/v1/saml_connections/${created.body.id}`, { headers: bearer(secretKey, { [BOOKMARK_HEADER]: afterPatch }) })
    expect(again.body.name).toBe('Renamed')
  })

  it('every management answer carries a bookmark, refusals after a lookup too; sign-in answers carry none', async () => {
    const { secretKey } = await newInstance()
    const clerk = clerkClient(secretKey)
    const conn = (await clerk.create(connectionInput())).body as { id: string }
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const answers = [
      await send('/v1/saml_connections?limit=1', { headers: bearer(secretKey) }),
      await send('/v1/saml_connections/samlc_000000000000000000000000000', { headers: bearer(secretKey) }),
      await send('/v1/saml_connections', { headers: bearer('sk_test_not_a_key') }),
      await st.put(clientBody({ clientId: 'one' })),
      await st.list(),
      await st.remove('one'),
    ]
    expect(answers.map((a) => a.status)).toEqual([200, 404, 401, 200, 200, 200])
    for (const a of answers) expect(usableBookmark(a.headers.get(BOOKMARK_HEADER))).not.toBeNull()

    const metadata = await send(`/v1/saml/metadata/${conn.id}.xml`)
    expect(metadata.status).toBe(200)
    expect(metadata.headers.get(BOOKMARK_HEADER)).toBeNull()
  })
})

describe('which session each endpoint reads through', () => {
  it('management: the primary first, or the bookmark sent; a malformed bookmark is ignored', async () => {
    const { secretKey } = await newInstance()
    const conn = (await clerkClient(secretKey).create(connectionInput())).body as { id: string }

    const plain = recordingD1(env.DB)
    expect((await callWith(plain, `/v1/saml_connections/${conn.id}`, { headers: bearer(secretKey) })).status).toBe(200)
    expect(plain.all()).toEqual(['first-primary'])

    const s = env.DB.withSession('first-primary')
    await s.prepare('SELECT 1').first()
    const bookmark = s.getBookmark() ?? ''
    const withBookmark = recordingD1(env.DB)
    expect((await callWith(withBookmark, `/v1/saml_connections/${conn.id}`, { headers: bearer(secretKey, { [BOOKMARK_HEADER]: bookmark }) })).status).toBe(200)
    expect(withBookmark.sessionsOf(/FROM saml_connections|FROM api_keys/)).toEqual([bookmark])

    const malformed = recordingD1(env.DB)
    expect((await callWith(malformed, `/v1/saml_connections/${conn.id}`, { headers: bearer(secretKey, { [BOOKMARK_HEADER]: 'not-a-bookmark' }) })).status).toBe(200)
    expect(malformed.all()).toEqual(['first-primary'])

    const { apiKey } = await newApp()
    const st = recordingD1(env.DB)
    const listed = await callWith(st, '/recipe/saml/clients/list', { headers: { 'api-key': apiKey, 'cdi-version': '5.4' } })
    expect(listed.status).toBe(200)
    expect(st.all()).toEqual(['first-primary'])
  })

  it('the ACS: the connection (missing from KV) from the nearest copy, the refill\'s re-check and the single-use batch at the primary', async () => {
    const c = await activeConnection({ allow_idp_initiated: true })
    await env.KV.delete(`conn:${c.connection.id}`)
    const rec = recordingD1(env.DB)
    const samlResponse = toBase64(signedResponseXmlFor(c.connection as { sp_entity_id: string; acs_url: string }, c.entityId, null))
    const posted = await callWith(rec, `/v1/saml/acs/${c.connection.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
    })
    expect(posted.status).toBe(302)
    const connectionReads = rec.sessionsOf(/FROM saml_connections WHERE id = \?$/)
    expect(connectionReads).toEqual(['first-unconstrained', 'first-primary'])
    expect(rec.sessionsOf(/INSERT INTO saml_assertion_ids|INSERT INTO pending_codes/)).toEqual(['first-primary'])
  })

  it('the code exchange: the key from the nearest copy, a code KV does not show at the primary', async () => {
    const c = await activeConnection({ allow_idp_initiated: true })
    const samlResponse = toBase64(signedResponseXmlFor(c.connection as { sp_entity_id: string; acs_url: string }, c.entityId, null))
    const acs = await SELF.fetch(`${ORIGIN}/v1/saml/acs/${c.connection.id}`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
    })
    const code = new URL(acs.headers.get('location') ?? 'http://missing').searchParams.get('code') ?? ''
    expect(code).not.toBe('')
    await env.KV.delete(`code:${await sha256Hex(code)}`)

    // A key this isolate has not looked up yet, so the per-isolate key cache does not answer for D1.
    const freshKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
    await storeKey('clerk_secret_key', freshKey, c.instanceId)
    const rec = recordingD1(env.DB)
    const redeemed = await callWith(rec, '/v1/saml/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${freshKey}` },
      body: new URLSearchParams({ code }).toString(),
    })
    expect(redeemed.status).toBe(200)
    expect(rec.sessionsOf(/FROM api_keys/)).toEqual(['first-unconstrained'])
    expect(rec.sessionsOf(/FROM pending_codes/)).toEqual(['first-primary'])
  })
})
