import { describe, expect, it } from 'vitest'
import {
  acsFor,
  APP_ORIGIN,
  callback,
  CALLBACK,
  codeOf,
  idpResponse,
  login,
  loginAndAnswer,
  tenantWithClient,
  userInfo,
} from './login-flow.helpers'
import { replaceElement, toBase64 } from '../helpers/test-idp'

const FAILED = { status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' }

describe('POST /recipe/saml/callback: refused SP-initiated responses', () => {
  it('answers INVALID_RELAY_STATE_ERROR for an unknown relay state, and for one already used (relay states are single use)', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c)
    expect((await callback(c, { samlResponse, relayState: 'no-such-relay-state' })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
    expect((await callback(c, { samlResponse, relayState })).body.status).toBe('OK')
    expect((await callback(c, { samlResponse, relayState })).body).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
  })

  const refusals: [string, (p: { requestId: string; c: Awaited<ReturnType<typeof tenantWithClient>> }) => Parameters<typeof idpResponse>[1]][] = [
    ['signed by another key', () => ({ signing: { key: 'attacker' } })],
    ['unsigned', () => ({ sign: 'none' })],
    ['answering another request (InResponseTo)', () => ({ inResponseTo: '_someone_elses_request' })],
    ['unsolicited (no InResponseTo) although a request was made', () => ({ inResponseTo: null })],
    ['for another ACS (Recipient)', () => ({ recipient: `${APP_ORIGIN}/auth/public/saml/other` })],
    ['sent to another ACS (Destination)', () => ({ destination: 'https://evil.example/acs' })],
    ['for another SP (Audience)', () => ({ audience: 'https://saml.supertokens.com' })],
    ['from another IdP (Issuer)', () => ({ issuer: 'https://idp.example.com/someone-else', responseIssuer: 'https://idp.example.com/someone-else' })],
    ['expired', () => ({ notOnOrAfter: Date.now() - 600_000, subjectNotOnOrAfter: Date.now() - 600_000 })],
    ['not successful (StatusCode)', () => ({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' })],
    ['signed with RSA-SHA1 (the client does not allow SHA-1)', () => ({ signing: { algorithm: 'sha1' } })],
  ]
  for (const [name, change] of refusals) {
    it(`answers SAML_RESPONSE_VERIFICATION_FAILED_ERROR for a response ${name}`, async () => {
      const c = await tenantWithClient()
      const started = await login(c)
      const samlResponse = idpResponse(
        { entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: acsFor(), inResponseTo: started.requestId },
        change({ requestId: started.requestId, c }),
      )
      const res = await callback(c, { samlResponse, relayState: started.relayState })
      expect(res.status).toBe(200)
      expect(res.body).toEqual(FAILED)
    })
  }

  it('refuses a response replayed against a later login', async () => {
    const c = await tenantWithClient()
    const first = await loginAndAnswer(c)
    expect((await callback(c, { samlResponse: first.samlResponse, relayState: first.relayState })).body.status).toBe('OK')
    const second = await login(c)
    expect((await callback(c, { samlResponse: first.samlResponse, relayState: second.relayState })).body).toEqual(FAILED)
  })

  it('answers INVALID_CLIENT_ERROR when the client was removed after the login started', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c)
    expect((await c.st.remove(c.clientId)).body).toEqual({ status: 'OK', didExist: true })
    expect((await callback(c, { samlResponse, relayState })).body).toEqual({ status: 'INVALID_CLIENT_ERROR' })
  })
})

describe('POST /recipe/saml/callback: IdP-initiated (no relay state)', () => {
  const unsolicited = (c: Awaited<ReturnType<typeof tenantWithClient>>, extra: Parameters<typeof idpResponse>[1] = {}) =>
    idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: acsFor(c.tenantId), inResponseTo: null }, extra)

  it('answers IDP_LOGIN_DISALLOWED_ERROR unless the client allows it', async () => {
    const c = await tenantWithClient()
    expect((await callback(c, { samlResponse: unsolicited(c) })).body).toEqual({ status: 'IDP_LOGIN_DISALLOWED_ERROR' })
    expect((await callback(c, { samlResponse: unsolicited(c), relayState: '' })).body).toEqual({ status: 'IDP_LOGIN_DISALLOWED_ERROR' })
  })

  it('lands on defaultRedirectURI with a code and no state when allowed, and the code redeems', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const res = await callback(c, { samlResponse: unsolicited(c) })
    expect(res.body.status).toBe('OK')
    const { url, code, state } = codeOf(res.body.redirectURI)
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK)
    expect(state).toBeNull()
    const user = await userInfo(c, { accessToken: code, clientId: c.clientId })
    expect(user.body).toMatchObject({ status: 'OK', sub: 'ada@acme.example', aud: c.clientId })
  })

  it('finds the client by the assertion\'s Issuer when the Response has none', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    expect((await callback(c, { samlResponse: unsolicited(c, { responseIssuer: null }) })).body.status).toBe('OK')
  })

  it('answers INVALID_CLIENT_ERROR, never a 500, for an unknown or missing Issuer', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const unknown = unsolicited(c, { issuer: 'https://unknown.example/idp', responseIssuer: 'https://unknown.example/idp' })
    expect(await callback(c, { samlResponse: unknown })).toMatchObject({ status: 200, body: { status: 'INVALID_CLIENT_ERROR' } })
    const blank = unsolicited(c, { issuer: ' ', responseIssuer: null })
    expect(await callback(c, { samlResponse: blank })).toMatchObject({ status: 200, body: { status: 'INVALID_CLIENT_ERROR' } })
  })

  it('answers SAML_RESPONSE_VERIFICATION_FAILED_ERROR, never a 500, for an unsigned Response holding only an EncryptedAssertion', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const { relayState, samlResponse } = await loginAndAnswer(c, {}, { sign: 'none' })
    const xml = new TextDecoder().decode(Uint8Array.from(atob(samlResponse), (ch) => ch.charCodeAt(0)))
    const encrypted = replaceElement(xml, 'saml:Assertion', '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>')
    expect(encrypted).not.toContain('<saml:Assertion')
    expect(await callback(c, { samlResponse: toBase64(encrypted), relayState })).toMatchObject({ status: 200, body: FAILED })
  })

  it('does not let a forged Issuer borrow another client\'s settings: the signature is checked against the named client', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const forged = unsolicited(c, { signing: { key: 'attacker' } })
    expect((await callback(c, { samlResponse: forged })).body).toEqual(FAILED)
  })

  it('refuses an unsolicited response that carries InResponseTo', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    expect((await callback(c, { samlResponse: unsolicited(c, { inResponseTo: '_some_request' }) })).body).toEqual(FAILED)
  })

  it('refuses the same unsolicited assertion twice', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const samlResponse = unsolicited(c)
    expect((await callback(c, { samlResponse })).body.status).toBe('OK')
    expect((await callback(c, { samlResponse })).body).toEqual(FAILED)
  })

  describe('Recipient: the app\'s callback for this tenant, on the origin of one of the client\'s redirectURIs', () => {
    const accepted = [`${APP_ORIGIN}/auth/public/saml/callback`, `${APP_ORIGIN}/api/v2/auth/public/saml/callback`, `${APP_ORIGIN}/public/saml/callback`]
    for (const recipient of accepted) {
      it(`accepts ${recipient}`, async () => {
        const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
        expect((await callback(c, { samlResponse: unsolicited(c, { recipient, destination: recipient }) })).body.status).toBe('OK')
      })
    }
    it('accepts a Response without Destination', async () => {
      const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
      expect((await callback(c, { samlResponse: unsolicited(c, { destination: null }) })).body.status).toBe('OK')
    })

    const refused: [name: string, recipient: string, destination?: string][] = [
      ['another origin', 'https://evil.example/auth/public/saml/callback'],
      ['another port', 'https://app.example.com:8443/auth/public/saml/callback'],
      ['http instead of https', 'http://app.example.com/auth/public/saml/callback'],
      ['a subdomain', 'https://api.app.example.com/auth/public/saml/callback'],
      ['another tenant\'s callback', `${APP_ORIGIN}/auth/other-tenant/saml/callback`],
      ['another path', `${APP_ORIGIN}/auth/public/saml/callback/x`],
      ['a query', `${APP_ORIGIN}/auth/public/saml/callback?x=1`],
      ['a fragment', `${APP_ORIGIN}/auth/public/saml/callback#x`],
      ['a non-normalized form', 'https://APP.example.com/auth/public/saml/callback'],
      ['credentials', 'https://user@app.example.com/auth/public/saml/callback'],
      ['not a URL', 'public/saml/callback'],
      ['an allowed Recipient but another Destination', `${APP_ORIGIN}/auth/public/saml/callback`, 'https://evil.example/acs'],
    ]
    for (const [name, recipient, destination] of refused) {
      it(`refuses ${name}`, async () => {
        const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
        const samlResponse = unsolicited(c, { recipient, destination: destination ?? recipient })
        expect((await callback(c, { samlResponse })).body).toEqual(FAILED)
      })
    }
  })
})
