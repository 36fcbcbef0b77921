/**
 * A login request is used up only by a response that verified for its own connection and scope;
 * every other outcome leaves it usable by its owner, and using it up is atomic.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { activeConnection, APP_CALLBACK, postToAcs, signedResponseXmlFor, startLogin, userOf } from '../helpers/sso'
import { toBase64 } from '../helpers/test-idp'
import { callback, loginAndAnswer, tenantWithClient } from '../supertokens/login-flow.helpers'

type Ctx = Awaited<ReturnType<typeof activeConnection>>
const answerFor = (c: Ctx, requestId: string, extra = {}) =>
  toBase64(signedResponseXmlFor(c.connection as { sp_entity_id: string; acs_url: string }, c.entityId, requestId, extra))

const loginsLeft = async (connectionId: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM login_requests WHERE connection_id = ?').bind(connectionId).first<{ n: number }>())?.n

describe('RelayState: only its own verified response uses it up', () => {
  it('a RelayState posted to another connection\'s ACS is refused and stays usable by its owner', async () => {
    const a = await activeConnection()
    const b = await activeConnection({ allow_idp_initiated: true })
    const login = await startLogin({ connection_id: a.connection.id, redirect_uri: APP_CALLBACK })
    // Connection B's own IdP signs a perfectly good response, carrying A's RelayState.
    const hostile = await postToAcs(b.connection.id, answerFor(b, login.requestId!), login.relayState)
    expect(hostile.status).toBe(400)
    expect(await loginsLeft(a.connection.id)).toBe(1)
    const genuine = await postToAcs(a.connection.id, answerFor(a, login.requestId!), login.relayState)
    expect(genuine.status).toBe(302)
    expect(new URL(genuine.headers.get('location')!).searchParams.get('code')).toBeTruthy()
  })

  it('a response that does not verify (tampered, or from another key) leaves the login usable', async () => {
    const a = await activeConnection()
    const login = await startLogin({ connection_id: a.connection.id, redirect_uri: APP_CALLBACK })
    const tampered = btoa(atob(answerFor(a, login.requestId!)).replace(`>${userOf(a.connection)}<`, '>eve@acme.example<'))
    expect((await postToAcs(a.connection.id, tampered, login.relayState)).status).toBe(400)
    expect((await postToAcs(a.connection.id, 'bm90IHNhbWw=', login.relayState)).status).toBe(400)
    expect((await postToAcs(a.connection.id, answerFor(a, login.requestId!), login.relayState)).status).toBe(302)
    expect(await loginsLeft(a.connection.id)).toBe(0)
    // Once a verified response has used it, the RelayState is spent: a spent one names no login, so
    // the answer counts as IdP-initiated, which this connection does not allow.
    expect((await postToAcs(a.connection.id, answerFor(a, login.requestId!), login.relayState)).status).toBe(403)
  })

  it('two (here 12) verified responses for one login posted at once give exactly one code', async () => {
    const a = await activeConnection()
    const login = await startLogin({ connection_id: a.connection.id, redirect_uri: APP_CALLBACK })
    // Distinct assertion ids, so replay protection alone cannot be what stops the others.
    const answers = Array.from({ length: 12 }, () => answerFor(a, login.requestId!))
    const results = await Promise.all(answers.map((r) => postToAcs(a.connection.id, r, login.relayState)))
    const codes = results.filter((r) => r.status === 302)
    expect(codes).toHaveLength(1)
    // The others are refused: 400 when they lost the race inside the batch, 403 when they read the
    // login after it was used up (then they are IdP-initiated, which this connection does not allow).
    expect(results.filter((r) => r.status !== 302).every((r) => r.status === 400 || r.status === 403)).toBe(true)
    const pending = await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_codes WHERE json_extract(payload, '$.connectionId') = ?").bind(a.connection.id).first<{ n: number }>()
    expect(pending?.n).toBe(1)
  })

  it('SuperTokens callback: a relay state of another tenant is refused and stays usable; a failed verification uses nothing', async () => {
    const owner = await tenantWithClient()
    const stranger = await tenantWithClient({ tenantId: 'other-tenant' })
    const started = await loginAndAnswer(owner)
    expect((await callback(stranger, { samlResponse: started.samlResponse, relayState: started.relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
    const tampered = btoa(atob(started.samlResponse).replace('>ada@acme.example<', '>eve@acme.example<'))
    expect((await callback(owner, { samlResponse: tampered, relayState: started.relayState })).body).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })
    expect((await callback(owner, { samlResponse: started.samlResponse, relayState: started.relayState })).body.status).toBe('OK')
    expect((await callback(owner, { samlResponse: started.samlResponse, relayState: started.relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
  })
})
