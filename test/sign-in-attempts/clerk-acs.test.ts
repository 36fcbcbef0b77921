/**
 * Every post to the Clerk-style ACS that names a connection is an attempt its admin can read:
 * refusals with their reason and the XML posted, successes without it; the browser sees only the
 * generic page. Each sign_in.* event in the outbox carries its attempt.
 */
import { describe, expect, it } from 'vitest'
import { MAX_STORED_RESPONSES_PER_MINUTE } from '../../src/domain/sign-in-attempt'
import { newInstance } from '../helpers/clerk'
import { activeConnection, postToAcs, signedResponseXmlFor, startLogin } from '../helpers/sso'
import { toBase64, type ResponseOptions } from '../helpers/test-idp'
import { attemptsOnceThere, listAttempts, signInEvents, SIGN_IN_FAILURE_REASONS } from './helpers'

const user = (email: string): Partial<ResponseOptions> => ({ nameId: email, attributes: { email: [email] } })

/** A connection for acme.com that allows IdP-initiated sign-in, and its IdP's answers. */
async function acme(overrides: Record<string, unknown> = {}) {
  const c = await activeConnection({ domain: 'acme.com', domains: [], allow_idp_initiated: true, attribute_mapping: {}, ...overrides })
  const conn = c.connection as { id: string; sp_entity_id: string; acs_url: string }
  const xml = (extra: Parameters<typeof signedResponseXmlFor>[3] = {}, inResponseTo: string | null = null) =>
    signedResponseXmlFor(conn, c.entityId, inResponseTo, { ...user('ada@acme.com'), ...extra })
  let seen = 0
  /** Posts `xml` and waits until its attempt is listed, so attempts keep the order of the posts. */
  const post = async (body: string, relayState?: string | null) => {
    const res = await postToAcs(conn.id, toBase64(body), relayState)
    await attemptsOnceThere(c.secretKey, conn.id, ++seen)
    return { status: res.status, location: res.headers.get('location'), page: await res.text() }
  }
  return { ...c, id: conn.id, xml, post }
}

/**
 * A refusal (4xx, no redirect) whose page names no reason code of the list (the plain words
 * `expired` and `replayed` aside, which a page's prose may use).
 */
function expectGenericRefusal(r: { status: number; location: string | null; page: string }) {
  expect(r.status).toBeGreaterThanOrEqual(400)
  expect(r.status).toBeLessThan(500)
  expect(r.location).toBeNull()
  for (const code of Object.keys(SIGN_IN_FAILURE_REASONS).filter((c) => c.includes('_'))) expect(r.page).not.toContain(code)
}

describe('GET /v1/saml_connections/{id}/sign_in_attempts after posts to the Clerk-style ACS', () => {
  it('lists refusals with their reason and XML, and the success without saml_response, newest first; the browser sees none of it', async () => {
    const c = await acme()
    const good = c.xml()
    // Signed, then changed: the signature no longer covers what is read.
    const tampered = c.xml().replace(/ada@acme\.com/g, 'eve@acme.com')
    const posts: [string, string | null][] = [
      [good, null],
      [good, 'replayed'],
      [tampered, 'signature_invalid'],
      [c.xml({ signing: { key: 'attacker' } }), 'unknown_signing_key'],
      [c.xml({ audience: 'https://sp.other.example/saml' }), 'audience_mismatch'],
      [c.xml(user('ceo@othercorp.com')), 'email_domain_mismatch'],
      [c.xml({ notBefore: Date.now() - 3_600_000, notOnOrAfter: Date.now() - 1_800_000, subjectNotOnOrAfter: Date.now() - 1_800_000 }), 'expired'],
      [c.xml({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }), 'status_not_success'],
    ]
    for (const [xml, reason] of posts) {
      const r = await c.post(xml)
      if (reason === null) expect(r.status).toBe(302)
      else {
        expectGenericRefusal(r)
        expect(r.page).toContain('The SAML response could not be verified.')
        expect(r.page).not.toContain(reason)
      }
    }

    const data = await attemptsOnceThere(c.secretKey, c.id, posts.length)
    expect(data.map((a) => a.reason)).toEqual(posts.map(([, reason]) => reason).reverse())
    const [succeeded, replayed, badSignature] = [...data].reverse()
    expect(succeeded).toEqual({
      object: 'sign_in_attempt', id: expect.stringMatching(/^sia_[0-9A-Za-z]{27}$/), connection_id: c.id, status: 'succeeded', reason: null,
      flow: 'idp_initiated', name_id: 'ada@acme.com', email_address: 'ada@acme.com', created_at: expect.any(Number), saml_response: null,
    })
    // A refusal after verification names the verified user; before it, nobody.
    expect(replayed).toMatchObject({ status: 'failed', name_id: 'ada@acme.com', email_address: 'ada@acme.com', saml_response: good })
    expect(badSignature).toMatchObject({ status: 'failed', name_id: null, email_address: null, saml_response: tampered })
    expect(data.find((a) => a.reason === 'email_domain_mismatch')).toMatchObject({ name_id: 'ceo@othercorp.com', email_address: 'ceo@othercorp.com' })
    // Every post counts toward the minute's bound; only the first MAX_STORED_RESPONSES_PER_MINUTE keep their XML.
    const seenInMinute = new Map<number, number>()
    for (const a of [...data].reverse()) {
      const minute = Math.floor(a.created_at / 60_000)
      const nth = (seenInMinute.get(minute) ?? 0) + 1
      seenInMinute.set(minute, nth)
      if (a.status === 'succeeded') continue
      if (nth <= MAX_STORED_RESPONSES_PER_MINUTE) expect(a.saml_response).toMatch(/^<\?xml [^>]*\?><samlp:Response /)
      else expect(a.saml_response).toBeNull()
    }
    expect(data.map((a) => a.created_at)).toEqual([...data.map((a) => a.created_at)].sort((x, y) => y - x))
  })

  it('writes a sign_in.succeeded or sign_in.failed event per attempt, whose data is the attempt', async () => {
    const c = await acme()
    await c.post(c.xml())
    await c.post(c.xml({ audience: 'https://sp.other.example/saml' }))
    const data = await attemptsOnceThere(c.secretKey, c.id, 2)
    expect(await signInEvents(c.id)).toEqual([
      { type: 'sign_in.succeeded', data: data[1] },
      { type: 'sign_in.failed', data: data[0] },
    ])
  })

  it('records SP-initiated attempts as such, and a response to no login of the connection as in_response_to_unknown', async () => {
    const c = await acme()
    const login = await startLogin({ connection_id: c.id, redirect_uri: 'https://app.example.com/sso/callback' })
    expect((await c.post(c.xml({}, login.requestId), login.relayState)).status).toBe(302)
    expectGenericRefusal(await c.post(c.xml({}, '_no_such_request')))
    const [unknown, succeeded] = await attemptsOnceThere(c.secretKey, c.id, 2)
    expect(succeeded).toMatchObject({ status: 'succeeded', flow: 'sp_initiated' })
    expect(unknown).toMatchObject({ status: 'failed', reason: 'in_response_to_unknown' })
  })

  it('records the refusals made before verification: IdP-initiated not allowed, connection inactive, a relay state of another connection', async () => {
    const c = await acme({ allow_idp_initiated: false })
    expectGenericRefusal(await c.post(c.xml()))
    const other = await acme()
    const foreign = await startLogin({ connection_id: other.id, redirect_uri: 'https://app.example.com/sso/callback' })
    expectGenericRefusal(await c.post(c.xml({}, foreign.requestId), foreign.relayState))
    expect((await c.api.update(c.id, { active: false })).status).toBe(200)
    expectGenericRefusal(await c.post(c.xml()))
    const data = await attemptsOnceThere(c.secretKey, c.id, 3)
    expect(data.map((a) => [a.reason, a.flow])).toEqual([
      ['connection_inactive', 'idp_initiated'],
      ['in_response_to_unknown', 'sp_initiated'],
      ['idp_initiated_not_allowed', 'idp_initiated'],
    ])
    expect(await attemptsOnceThere(other.secretKey, other.id, 0)).toEqual([])
  })

  it('pages with limit and offset over total_count', async () => {
    const c = await acme()
    for (let i = 0; i < 3; i++) await c.post(c.xml({ audience: `https://sp.other.example/${i}` }))
    const all = await attemptsOnceThere(c.secretKey, c.id, 3)
    const page = await listAttempts(c.secretKey, c.id, '?limit=1&offset=1')
    expect(page.body).toEqual({ data: [all[1]], total_count: 3 })
    const bad = await listAttempts(c.secretKey, c.id, '?limit=0')
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0]).toMatchObject({ code: 'invalid_query_parameter_value', meta: { param_name: 'limit' } })
  })

  it('is 404 to another instance\'s key and for an unknown or malformed id, 401 without a key', async () => {
    const c = await acme()
    await c.post(c.xml({ audience: 'https://sp.other.example/saml' }))
    const stranger = await newInstance()
    const theirs = await listAttempts(stranger.secretKey, c.id)
    expect(theirs.status).toBe(404)
    expect(theirs.body.errors[0].code).toBe('resource_not_found')
    expect((await listAttempts(c.secretKey, 'samlc_000000000000000000000000000')).status).toBe(404)
    expect((await listAttempts(c.secretKey, 'not-an-id')).status).toBe(404)
    const anonymous = await listAttempts('', c.id)
    expect(anonymous.status).toBe(401)
  })
})
