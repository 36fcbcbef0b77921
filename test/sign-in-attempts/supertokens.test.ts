/**
 * The SuperTokens-style callbacks are sign-in paths too: their posts are attempts of the client's
 * connection, read by its admin through the Clerk-style API; the caller gets only the core's status.
 */
import { describe, expect, it } from 'vitest'
import { authorize, LEGACY, legacyClient, plain, signIn } from '../supertokens/legacy.helpers'
import { acsFor, callback, idpResponse, loginAndAnswer, tenantWithClient } from '../supertokens/login-flow.helpers'
import { attemptsOnceThere, clerkKeyFor, connectionIdOfClient, signInEvents } from './helpers'

const WRONG_AUDIENCE = { audience: 'https://sp.other.example/saml' }

describe('sign-in attempts of the SuperTokens callback (/recipe/saml/callback)', () => {
  it('records a success and a refusal, whose reason the SDK never sees', async () => {
    const c = await tenantWithClient()
    const key = await clerkKeyFor(c.instanceId)
    const id = await connectionIdOfClient(c.clientId)

    const good = await loginAndAnswer(c)
    expect((await callback(c, { samlResponse: good.samlResponse, relayState: good.relayState })).body.status).toBe('OK')
    await attemptsOnceThere(key, id, 1)
    const bad = await loginAndAnswer(c, {}, WRONG_AUDIENCE)
    const refused = await callback(c, { samlResponse: bad.samlResponse, relayState: bad.relayState })
    expect(refused.body).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })
    expect(refused.text).not.toContain('audience')

    const [failed, succeeded] = await attemptsOnceThere(key, id, 2)
    expect(succeeded).toMatchObject({ connection_id: id, status: 'succeeded', reason: null, flow: 'sp_initiated', name_id: 'ada@acme.example', saml_response: null })
    expect(failed).toMatchObject({ connection_id: id, status: 'failed', reason: 'audience_mismatch', flow: 'sp_initiated', name_id: null })
    expect(failed.saml_response).toBe(atob(bad.samlResponse))
    expect((await signInEvents(id)).map((e) => [e.type, e.data.id])).toEqual([
      ['sign_in.succeeded', succeeded.id],
      ['sign_in.failed', failed.id],
    ])
  })

  it('records a relay state it does not know against the client the Issuer names, and an IdP-initiated post the client does not allow', async () => {
    const c = await tenantWithClient()
    const key = await clerkKeyFor(c.instanceId)
    const id = await connectionIdOfClient(c.clientId)
    const answer = await loginAndAnswer(c)
    expect((await callback(c, { samlResponse: answer.samlResponse, relayState: 'no-such-relay-state' })).body.status).not.toBe('OK')
    await attemptsOnceThere(key, id, 1)
    const unsolicited = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: acsFor(c.tenantId), inResponseTo: null })
    expect((await callback(c, { samlResponse: unsolicited })).body.status).not.toBe('OK')
    const data = await attemptsOnceThere(key, id, 2)
    expect(data.map((a) => [a.reason, a.flow])).toEqual([
      ['idp_initiated_not_allowed', 'idp_initiated'],
      ['in_response_to_unknown', 'sp_initiated'],
    ])
  })
})

describe('sign-in attempts of the legacy callback (/recipe/saml/legacy/callback)', () => {
  it('records a success and a refusal, whose reason the browser never sees', async () => {
    const c = await legacyClient()
    const key = await clerkKeyFor(c.instanceId)
    const id = await connectionIdOfClient(c.clientId)
    expect((await signIn(c)).res.status).toBe(302)
    await attemptsOnceThere(key, id, 1)

    const started = await authorize(c)
    const SAMLResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId }, WRONG_AUDIENCE)
    const refused = await plain('POST', `${LEGACY}/callback?instance_id=${c.instanceId}`, { form: { SAMLResponse, RelayState: started.relayState } })
    expect(refused).toMatchObject({ status: 400, text: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR\n' })

    const [failed, succeeded] = await attemptsOnceThere(key, id, 2)
    expect(succeeded).toMatchObject({ status: 'succeeded', reason: null, flow: 'sp_initiated', saml_response: null })
    expect(failed).toMatchObject({ status: 'failed', reason: 'audience_mismatch', flow: 'sp_initiated', saml_response: atob(SAMLResponse) })
  })
})
