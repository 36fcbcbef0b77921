import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { assertDocumentedResponse } from '../helpers/openapi'
import { newTenantId } from './helpers'
import {
  acsFor,
  callback,
  CALLBACK,
  codeOf,
  idpResponse,
  login,
  loginAndAnswer,
  OTHER_CALLBACK,
  tenantWithClient,
  userInfo,
} from './login-flow.helpers'

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'

describe('POST /recipe/saml/login', () => {
  it('answers OK with the IdP URL carrying a signed AuthnRequest for the app\'s ACS and a RelayState', async () => {
    const c = await tenantWithClient()
    const { res, url, authnRequest, relayState, requestId } = await login(c, { state: 'st-1' })
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('application/json; charset=UTF-8')
    expect(Object.keys(res.body).sort()).toEqual(['ssoRedirectURI', 'status'])
    expect(`${url.origin}${url.pathname}`).toBe('https://idp.example.com/sso')
    expect([...url.searchParams.keys()]).toEqual(['SAMLRequest', 'RelayState', 'SigAlg', 'Signature'])
    expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')
    expect(relayState.length).toBeGreaterThanOrEqual(32)
    expect(requestId).toMatch(/^_[0-9A-Za-z]{32}$/)
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${acsFor()}"`)
    expect(authnRequest).toContain('Destination="https://idp.example.com/sso"')
    expect(authnRequest).toContain('ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"')
    expect(authnRequest).toContain(`<saml:Issuer>${c.spEntityId}</saml:Issuer>`)
  })

  it('leaves the redirect unsigned when the client turned request signing off', async () => {
    const c = await tenantWithClient({ client: { enableRequestSigning: false } })
    const { url } = await login(c)
    expect([...url.searchParams.keys()]).toEqual(['SAMLRequest', 'RelayState'])
  })

  it('works under a tenant prefix, as the SDKs call it', async () => {
    const tenantId = newTenantId()
    const c = await tenantWithClient({ tenantId })
    const { url } = await login(c)
    expect(url.searchParams.get('SAMLRequest')).toBeTruthy()
  })

  it('answers INVALID_CLIENT_ERROR for an unknown client, a redirectURI not registered exactly, or a client of another tenant', async () => {
    const c = await tenantWithClient()
    const call = (body: Record<string, unknown>) => c.st.call('POST', '/recipe/saml/login', { clientId: c.clientId, redirectURI: CALLBACK, acsURL: acsFor(), ...body })
    for (const body of [
      { clientId: 'no-such-client' },
      { redirectURI: `${CALLBACK}/` },
      { redirectURI: CALLBACK.toUpperCase() },
      { redirectURI: 'https://evil.example/cb' },
    ]) {
      const res = await call(body)
      expect(res.status, JSON.stringify(body)).toBe(200)
      expect(res.body, JSON.stringify(body)).toEqual({ status: 'INVALID_CLIENT_ERROR' })
    }
    const elsewhere = await c.st.call('POST', `/${newTenantId()}/recipe/saml/login`, { clientId: c.clientId, redirectURI: CALLBACK, acsURL: acsFor() })
    expect(elsewhere.body).toEqual({ status: 'INVALID_CLIENT_ERROR' })
  })
})

describe('POST /recipe/saml/callback, SP-initiated', () => {
  it('answers OK with the login\'s redirectURI carrying a code and the state', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c, { state: 'a b/é&x' })
    const res = await callback(c, { samlResponse, relayState })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(['redirectURI', 'status'])
    expect(res.body.status).toBe('OK')
    const { url, code, state } = codeOf(res.body.redirectURI)
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK)
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(state).toBe('a b/é&x')
  })

  it('adds no state when the login had none, and keeps the redirectURI\'s own query', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c, { redirectURI: OTHER_CALLBACK })
    const res = await callback(c, { samlResponse, relayState })
    const { url, state } = codeOf(res.body.redirectURI)
    expect(url.searchParams.get('keep')).toBe('1')
    expect(state).toBeNull()
    expect(res.body.redirectURI).toMatch(/^https:\/\/app\.example\.com\/auth\/callback\/other\?keep=1&code=/)
  })

  it('accepts assertion-only signatures', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c, {}, { sign: 'assertion' })
    expect((await callback(c, { samlResponse, relayState })).body.status).toBe('OK')
  })
})

describe('POST /recipe/saml/user', () => {
  it('returns the claims, sub, email and aud, once', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c)
    const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)

    const res = await userInfo(c, { accessToken: code, clientId: c.clientId })
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('application/json; charset=UTF-8')
    expect(res.body).toEqual({
      claims: {
        NameID: ['ada@acme.example'],
        NameIDFormat: [EMAIL_FORMAT],
        mail: ['ada@acme.example'],
        givenName: ['Ada'],
        groups: ['admins', 'eng'],
      },
      sub: 'ada@acme.example',
      email: 'ada@acme.example',
      aud: c.clientId,
      status: 'OK',
    })
    expect(Object.keys(res.body)).toEqual(['claims', 'sub', 'email', 'aud', 'status'])

    expect((await userInfo(c, { accessToken: code, clientId: c.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
  })

  it('picks email as the core does: the emailaddress claim first, then mail, email, then a NameID with @', async () => {
    const c = await tenantWithClient()
    const cases: [Record<string, string[]>, string, string | null][] = [
      [{ 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['claim@acme.example'], mail: ['mail@acme.example'] }, 'user-1', 'claim@acme.example'],
      [{ email: ['email@acme.example'] }, 'user-2', 'email@acme.example'],
      [{}, 'ada@acme.example', 'ada@acme.example'],
      [{ displayName: ['Ada'] }, 'opaque-id', null],
    ]
    for (const [attributes, nameId, email] of cases) {
      const { relayState, samlResponse } = await loginAndAnswer(c, {}, { attributes, nameId })
      const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)
      const res = await userInfo(c, { accessToken: code, clientId: c.clientId })
      expect(res.body.sub).toBe(nameId)
      expect(res.body.email, nameId).toBe(email)
    }
  })

  it('keeps the subject\'s NameID when an attribute is also called NameID', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c, {}, { attributes: { NameID: ['admin@acme.example'] } })
    const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)
    const res = await userInfo(c, { accessToken: code, clientId: c.clientId })
    expect(res.body.claims.NameID).toEqual(['ada@acme.example'])
    expect(res.body.sub).toBe('ada@acme.example')
  })

  it('keeps attribute names such as __proto__ and constructor as plain claims', async () => {
    const c = await tenantWithClient()
    const { relayState, samlResponse } = await loginAndAnswer(c, {}, { attributes: { ['__proto__']: ['p'], constructor: ['k'], mail: ['m@acme.example'] } })
    const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)
    const res = await userInfo(c, { accessToken: code, clientId: c.clientId })
    expect(res.text).toContain('"__proto__":["p"]')
    expect(res.text).toContain('"constructor":["k"]')
    expect(res.body.email).toBe('m@acme.example')
  })

  it('burns the code when another client of the tenant presents it, as the core does', async () => {
    const c = await tenantWithClient()
    const other = await tenantWithClient({ app: c })
    const { relayState, samlResponse } = await loginAndAnswer(c)
    const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)
    expect((await userInfo(c, { accessToken: code, clientId: other.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect((await userInfo(c, { accessToken: code, clientId: 'no-such-client' })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect((await userInfo(c, { accessToken: code, clientId: c.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
  })

  it('answers INVALID_TOKEN_ERROR for a code that never existed', async () => {
    const c = await tenantWithClient()
    for (const accessToken of ['', 'not-a-code', 'x'.repeat(5000)]) {
      expect((await userInfo(c, { accessToken, clientId: c.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    }
  })
})

describe('the whole flow', () => {
  it('answers with bodies that match the published OpenAPI document', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    const prefix = `/${c.tenantId}`
    const started = await loginAndAnswer(c, { state: 's' })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/login`, 200, started.res.body)
    const bad = await c.st.call('POST', '/recipe/saml/login', { clientId: 'nope', redirectURI: CALLBACK, acsURL: acsFor() })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/login`, 200, bad.body)
    const done = await callback(c, { samlResponse: started.samlResponse, relayState: started.relayState })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/callback`, 200, done.body)
    const refused = await callback(c, { samlResponse: started.samlResponse, relayState: started.relayState })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/callback`, 200, refused.body)
    const user = await userInfo(c, { accessToken: codeOf(done.body.redirectURI).code, clientId: c.clientId })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/user`, 200, user.body)
    const again = await userInfo(c, { accessToken: codeOf(done.body.redirectURI).code, clientId: c.clientId })
    assertDocumentedResponse('POST', `${prefix}/recipe/saml/user`, 200, again.body)
    expect(again.body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
  })

  it('also redeems a code issued by this service\'s own ACS for the same client', async () => {
    const c = await tenantWithClient({ client: { allowIDPInitiatedLogin: true } })
    const id = c.spEntityId.split('/').pop()!
    const ownAcs = `http://saml-edge.test/v1/saml/acs/${id}`
    const samlResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: ownAcs, inResponseTo: null })
    const res = await SELF.fetch(ownAcs, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
    })
    expect(res.status).toBe(302)
    const { url, code } = codeOf(res.headers.get('location')!)
    expect(`${url.origin}${url.pathname}`).toBe(CALLBACK)
    expect((await userInfo(c, { accessToken: code, clientId: c.clientId })).body.status).toBe('OK')
  })
})
