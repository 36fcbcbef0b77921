/**
 * Clerk's enterprise connection test runs, end to end in workerd: the admin creates a run, a
 * browser follows its URL to the IdP (the test IdP, signing with xml-crypto), the IdP's answer
 * ends the run on saml-edge's result page, and the admin reads it. Every JSON answer is checked
 * against saml-edge's /openapi.json and Clerk's published schemas.
 */
import { env, SELF } from 'cloudflare:test'
import { inflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { TEST_RUN_TTL_MS } from '../../src/domain/test-run'
import { clerkClient } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'
import { assertClerkPublished } from '../helpers/clerk-spec'
import { activeConnection, postToAcs, signedResponseXmlFor, USER_DOMAIN } from '../helpers/sso'
import { toBase64, type ResponseOptions } from '../helpers/test-idp'

type Run = {
  id: string
  status: string
  connection_type: string
  parsed_user_info: Record<string, string> | null
  logs: { level: string; code: string; short_message: string; message: string }[]
  saml: { saml_request?: string; saml_response?: string; relay_state?: string } | null
  created_at: number
}

const email = `ada@${USER_DOMAIN}`
const entconn = (samlc: string) => `entconn_${samlc.slice('samlc_'.length)}`

/** A connection of a fresh instance, its enterprise id, and its admin's calls, each checked against Clerk's schemas. */
async function setup(overrides: Record<string, unknown> = {}) {
  const c = await activeConnection(overrides)
  const conn = c.connection as { id: string; sp_entity_id: string; acs_url: string }
  const api = clerkClient(c.secretKey)
  const call = async (method: string, path: string) => {
    const res = await api.call(method, path)
    assertClerkPublished(method, path, res.status, res.body)
    return res
  }
  const base = `/v1/enterprise_connections/${entconn(conn.id)}/test_runs`
  const runs = async (query = '') => {
    const res = await call('GET', `${base}${query}`)
    expect(res.status).toBe(200)
    return res.body as { data: Run[]; total_count: number }
  }
  const create = async () => {
    const res = await call('POST', base)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return (res.body as { url: string }).url
  }
  const answer = (inResponseTo: string, extra: Partial<ResponseOptions> = {}) =>
    signedResponseXmlFor(conn, c.entityId, inResponseTo, { nameId: email, attributes: { mail: [email], givenName: ['Ada'], sn: ['Lovelace'] }, ...extra })
  return { ...c, conn, base, call, runs, create, answer }
}

/** Opens a run's URL as a browser: the IdP redirect it answers, with the AuthnRequest it carries. */
async function follow(url: string) {
  const res = await SELF.fetch(url, { redirect: 'manual' })
  expect(res.status).toBe(302)
  const to = new URL(res.headers.get('location') ?? '')
  const authnRequest = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(to.searchParams.get('SAMLRequest') ?? ''), (ch) => ch.charCodeAt(0))))
  return { to, authnRequest, requestId: authnRequest.match(/ID="([^"]+)"/)?.[1] ?? '', relayState: to.searchParams.get('RelayState') ?? '' }
}

describe('POST/GET /v1/enterprise_connections/{id}/test_runs', () => {
  it('a successful run: the URL starts a sign-in at the IdP, the answer ends on the result page, the admin reads success with the user', async () => {
    const s = await setup()
    const url = await s.create()
    expect(url.startsWith(`${ORIGIN}/v1/saml/test_runs/`)).toBe(true)
    expect(url.slice(ORIGIN.length)).toMatch(/^\/v1\/saml\/test_runs\/ectr_[0-9A-Za-z]{27}\?token=[\w-]{43}$/)
    const [pending] = (await s.runs()).data
    expect(pending).toMatchObject({ status: 'pending', connection_type: 'saml', parsed_user_info: null, logs: [], saml: {}, oauth: null })

    const started = await follow(url)
    expect(started.to.origin + started.to.pathname).toBe('https://idp.example.com/sso')
    expect(started.authnRequest).toContain(`<saml:Issuer>${s.conn.sp_entity_id}</saml:Issuer>`)
    expect((await s.runs()).data[0]?.saml).toEqual({ saml_request: started.authnRequest, relay_state: started.relayState })

    const res = await postToAcs(s.conn.id, toBase64(s.answer(started.requestId)), started.relayState)
    // The result page, not a redirect to the app: no code is issued.
    expect(res.status).toBe(200)
    expect(res.headers.get('location')).toBeNull()
    const page = await res.text()
    expect(page).toContain('Test sign-in succeeded')
    expect(page).toContain(email)

    const { data, total_count } = await s.runs()
    expect(total_count).toBe(1)
    const run = data[0]!
    expect(run).toMatchObject({ id: pending?.id, status: 'success', parsed_user_info: { user_id: email, email_address: email, first_name: 'Ada', last_name: 'Lovelace' } })
    expect(run.logs.every((l) => l.level === 'info')).toBe(true)
    expect(run.logs.map((l) => l.code)).toEqual(['response_read', 'status', 'assertion', 'signature', 'issuer', 'audience', 'destination', 'in_response_to', 'subject_confirmation', 'time_window', 'user', 'email_domain', 'replay', 'signed_in'])
    expect(run.saml?.saml_response).toContain('<samlp:Response ')
    // Opening the URL again shows the result; it starts nothing.
    const again = await SELF.fetch(url, { redirect: 'manual' })
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('Test sign-in succeeded')
    // A test run is no sign-in attempt and no sign-in event.
    expect((await s.api.call('GET', `/v1/saml_connections/${s.conn.id}/sign_in_attempts`)).body.total_count).toBe(0)
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE connection_id = ? AND type LIKE 'sign_in.%'").bind(s.conn.id).first<{ n: number }>())?.n).toBe(0)
  })

  it('a failed run names the failed check and its fix at the IdP; the checks before it passed, the later ones did not run', async () => {
    const s = await setup()
    const started = await follow(await s.create())
    const res = await postToAcs(s.conn.id, toBase64(s.answer(started.requestId, { audience: 'https://wrong.example.com/sp' })), started.relayState)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('Test sign-in failed')
    expect(page).toContain(`set the IdP&#39;s Audience / Entity ID (the SP entity ID) to ${s.conn.sp_entity_id}`)

    const [run] = (await s.runs()).data
    expect(run?.status).toBe('failed')
    expect(run?.logs.map((l) => [l.level, l.code])).toEqual([
      ['info', 'response_read'], ['info', 'status'], ['info', 'assertion'], ['info', 'signature'], ['info', 'issuer'],
      ['error', 'audience_mismatch'], ['warning', 'not_checked'],
    ])
    expect(run?.logs[5]?.message).toBe(`The Audience is https://wrong.example.com/sp; set the IdP's Audience / Entity ID (the SP entity ID) to ${s.conn.sp_entity_id}.`)
    // Verification did not pass: nobody is named.
    expect(run?.parsed_user_info).toBeNull()
    expect(run?.saml?.saml_response).toContain('https://wrong.example.com/sp')
  })

  it('says which user and which domains when the email is outside the connection\'s domains', async () => {
    const s = await setup()
    const started = await follow(await s.create())
    const outsider = 'eve@othercorp.example'
    await postToAcs(s.conn.id, toBase64(s.answer(started.requestId, { nameId: outsider, attributes: { mail: [outsider] } })), started.relayState)
    const [run] = (await s.runs()).data
    expect(run).toMatchObject({ status: 'failed', parsed_user_info: { user_id: outsider, email_address: outsider } })
    const failed = run?.logs.find((l) => l.level === 'error')
    expect(failed?.code).toBe('email_domain_mismatch')
    expect(failed?.message).toContain(`The user's email is ${outsider}; the connection's domains are `)
    expect(failed?.message).toContain(USER_DOMAIN)
  })

  it('names an unknown signing key, a response to another request, and an IdP that said no', async () => {
    const s = await setup()
    const cases: [Partial<ResponseOptions> & { signing?: { key: 'attacker' } }, string, string][] = [
      [{ signing: { key: 'attacker' } } as never, 'unknown_signing_key', 'Upload the IdP\'s current signing certificate'],
      [{ inResponseTo: '_another_request' }, 'in_response_to_unknown', 'Start the test again from its URL'],
      [{ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }, 'status_not_success', 'urn:oasis:names:tc:SAML:2.0:status:Responder'],
    ]
    for (const [extra, code, words] of cases) {
      const started = await follow(await s.create())
      expect((await postToAcs(s.conn.id, toBase64(s.answer(started.requestId, extra)), started.relayState)).status).toBe(200)
      const failed = (await s.runs()).data[0]?.logs.find((l) => l.level === 'error')
      expect(failed?.code).toBe(code)
      expect(failed?.message).toContain(words)
    }
  })

  it('ends a run once: a second answer leaves it as it ended; the success used up its assertion id', async () => {
    const s = await setup({ allow_idp_initiated: true })
    const started = await follow(await s.create())
    const xml = s.answer(started.requestId)
    expect(await (await postToAcs(s.conn.id, toBase64(xml), started.relayState)).text()).toContain('Test sign-in succeeded')
    const second = await postToAcs(s.conn.id, toBase64(s.answer(started.requestId, { audience: 'https://wrong.example.com/sp' })), started.relayState)
    // The run's login is used up: the RelayState names nothing any more, and the response answers no login of the connection.
    expect([second.status, second.headers.get('location')]).toEqual([400, null])
    const [run] = (await s.runs()).data
    expect(run?.status).toBe('success')
    const assertionId = xml.match(/<saml:Assertion [^>]*ID="([^"]+)"/)?.[1]
    const reserved = await env.DB.prepare('SELECT COUNT(*) AS n FROM saml_assertion_ids WHERE connection_id = ? AND assertion_id = ?').bind(s.conn.id, assertionId).first<{ n: number }>()
    expect(reserved?.n).toBe(1)
  })

  it('expires a run not finished in time: it reads failed with a log saying so, and its URL starts nothing', async () => {
    const s = await setup()
    const url = await s.create()
    const [run] = (await s.runs()).data
    const past = Date.now() - TEST_RUN_TTL_MS - 1_000
    await env.DB.prepare('UPDATE sign_in_attempts SET created_at = ?, expires_at = ? WHERE id = ?').bind(past, past + TEST_RUN_TTL_MS, run?.id).run()
    const [expired] = (await s.runs()).data
    expect(expired?.status).toBe('failed')
    expect(expired?.logs).toEqual([expect.objectContaining({ level: 'error', code: 'test_run_expired', message: expect.stringContaining('No SAML response reached saml-edge within 15 minutes') })])
    const page = await SELF.fetch(url, { redirect: 'manual' })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Test sign-in failed')
  })

  it('filters by status (repeated) and pages newest first', async () => {
    const s = await setup()
    const ok = await follow(await s.create())
    await postToAcs(s.conn.id, toBase64(s.answer(ok.requestId)), ok.relayState)
    const bad = await follow(await s.create())
    await postToAcs(s.conn.id, toBase64(s.answer(bad.requestId, { audience: 'https://wrong.example.com/sp' })), bad.relayState)
    await s.create()
    const all = await s.runs()
    expect(all.data.map((r) => r.status)).toEqual(['pending', 'failed', 'success'])
    expect((await s.runs('?status=success')).data.map((r) => r.status)).toEqual(['success'])
    const two = await s.runs('?status=pending&status=failed')
    expect([two.total_count, two.data.map((r) => r.status)]).toEqual([2, ['pending', 'failed']])
    const page = await s.runs('?limit=1&offset=1')
    expect([page.total_count, page.data.map((r) => r.id)]).toEqual([3, [all.data[1]?.id]])
    const badStatus = await s.call('GET', `${s.base}?status=done`)
    expect([badStatus.status, badStatus.body.errors?.[0]?.code, badStatus.body.errors?.[0]?.meta?.param_name]).toEqual([400, 'invalid_query_parameter_value', 'status'])
  })

  it('tests an inactive connection (what one does before switching it on), and refuses a run the URL does not name', async () => {
    const s = await setup({ active: false })
    const url = await s.create()
    const started = await follow(url)
    expect((await postToAcs(s.conn.id, toBase64(s.answer(started.requestId)), started.relayState)).status).toBe(200)
    expect((await s.runs()).data[0]?.status).toBe('success')
    // A wrong token, or a token of another run, is a plain 404.
    const wrong = new URL(url)
    wrong.searchParams.set('token', 'x'.repeat(43))
    expect((await SELF.fetch(wrong, { redirect: 'manual' })).status).toBe(404)
    expect((await SELF.fetch(url.replace(/ectr_\w+/, 'ectr_' + 'A'.repeat(27)), { redirect: 'manual' })).status).toBe(404)
    expect((await SELF.fetch(url.split('?')[0]!, { redirect: 'manual' })).status).toBe(400)
  })

  it('is the connection\'s instance\'s alone: another instance, an unknown or malformed id get Clerk\'s 404', async () => {
    const s = await setup()
    const other = await setup()
    for (const path of [`/v1/enterprise_connections/${entconn(other.conn.id)}/test_runs`, '/v1/enterprise_connections/entconn_nope/test_runs', `/v1/enterprise_connections/${entconn('samlc_' + 'A'.repeat(27))}/test_runs`]) {
      for (const method of ['GET', 'POST']) {
        const res = await s.call(method, path)
        expect([res.status, res.body.errors?.[0]?.code]).toEqual([404, 'resource_not_found'])
      }
    }
    expect((await SELF.fetch(`${ORIGIN}${s.base}`, { method: 'POST' })).status).toBe(401)
  })

  it('a connection without an SSO URL ends its run at once, saying what to set', async () => {
    const s = await setup()
    await env.DB.prepare('UPDATE saml_connections SET idp_sso_url = NULL WHERE id = ?').bind(s.conn.id).run()
    const res = await SELF.fetch(await s.create(), { redirect: 'manual' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Set idp_sso_url')
    expect((await s.runs()).data[0]?.logs.map((l) => l.code)).toEqual(['idp_sso_url_missing'])
  })
})
