import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/domain/secrets'
import { clientBody, newApp, newTenantId, stClient, uniqueEntityId } from './helpers'
import { authorize, codeIn, LEGACY, legacyAcs, legacyClient, plain, SECRET, signIn, token, userinfo } from './legacy.helpers'
import { CALLBACK, decodeLogin, idpResponse, OTHER_CALLBACK, spEntityIdOf, tenantWithClient } from './login-flow.helpers'
import { toBase64 } from '../helpers/test-idp'
import { BINDING_POST } from '../helpers/idp-metadata'
import { idpMetadataXml } from '../helpers/keys'
import { ORIGIN } from '../helpers/http'

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
const text = (status: number, body: string) => ({ status, contentType: 'text/html; charset=UTF-8', text: `${body}\n` })

describe('GET /recipe/saml/legacy/authorize', () => {
  it('answers 307 to the IdP with a signed AuthnRequest for the client\'s ACS, for a browser naming the instance', async () => {
    const c = await legacyClient()
    const { res, url, authnRequest, relayState, requestId } = await authorize(c)
    expect(res.status).toBe(307)
    expect(`${url.origin}${url.pathname}`).toBe('https://idp.example.com/sso')
    expect([...url.searchParams.keys()]).toEqual(['SAMLRequest', 'RelayState', 'SigAlg', 'Signature'])
    expect(relayState.length).toBeGreaterThanOrEqual(32)
    expect(requestId).toMatch(/^_[0-9A-Za-z]{32}$/)
    // The client's own ACS, as its JSON (`acsUrl`) and SP metadata give it to the IdP's admin.
    expect(c.acsUrl).toMatch(new RegExp(`^${ORIGIN}/v1/saml/acs/samlc_[0-9A-Za-z]{27}$`))
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${c.acsUrl}"`)
    expect(authnRequest).toContain(`<saml:Issuer>${c.spEntityId}</saml:Issuer>`)
  })

  it('accepts the api key instead of instance_id, as core clients send it', async () => {
    const c = await legacyClient()
    const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK })
    const res = await plain('GET', `${LEGACY}/authorize?${q}`, { headers: { 'api-key': c.apiKey } })
    expect(res.status).toBe(307)
    expect(res.location).toMatch(/^https:\/\/idp\.example\.com\/sso\?SAMLRequest=/)
  })

  it('refuses a missing or wrong key (when no instance_id names the instance), another app\'s key, and missing parameters', async () => {
    const c = await legacyClient()
    const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK })
    expect(await plain('GET', `${LEGACY}/authorize?${q}`)).toMatchObject(text(401, 'Invalid API key'))
    expect(await plain('GET', `${LEGACY}/authorize?${q}&instance_id=${c.instanceId}`, { headers: { 'api-key': 'wrong' } })).toMatchObject(text(401, 'Invalid API key'))
    const other = await newApp({ appId: 'other-app', instanceId: c.instanceId })
    expect(await plain('GET', `${LEGACY}/authorize?${q}`, { headers: { 'api-key': other.apiKey } })).toMatchObject(text(401, 'Invalid API key'))
    expect(await plain('GET', `${LEGACY}/authorize?redirect_uri=x&instance_id=${c.instanceId}`)).toMatchObject(text(400, "Field name 'client_id' is missing in GET request"))
    expect(await plain('GET', `${LEGACY}/authorize?client_id=x&instance_id=${c.instanceId}`)).toMatchObject(text(400, "Field name 'redirect_uri' is missing in GET request"))
  })

  it('answers INVALID_CLIENT_ERROR as 200 JSON for an unknown client, an unregistered redirect_uri, or a client of another instance', async () => {
    const c = await legacyClient()
    const stranger = await newApp()
    for (const [query, key] of [
      [{ client_id: 'no-such-client' }, null],
      [{ redirect_uri: 'https://evil.example/cb' }, null],
      [{ redirect_uri: `${CALLBACK}/` }, null],
      [{ instance_id: stranger.instanceId }, null],
      [{}, stranger.apiKey],
    ] as const) {
      const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, instance_id: c.instanceId, ...(query as Record<string, string>) })
      const res = await plain('GET', `${LEGACY}/authorize?${q}`, { headers: key ? { 'api-key': key } : {} })
      expect(res.status, JSON.stringify(query)).toBe(200)
      expect(res.body).toEqual({ status: 'INVALID_CLIENT_ERROR' })
      expect(res.location).toBeNull()
    }
  })

  it('is an app-level API: another tenant is 403, as in the core; a wrong method is 405', async () => {
    const c = await tenantWithClient({ tenantId: newTenantId() })
    const q = new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, instance_id: c.instanceId })
    expect(await plain('GET', `/${c.tenantId}${LEGACY}/authorize?${q}`)).toMatchObject(text(403, 'Only public tenantId can call this app specific API'))
    expect(await plain('POST', `${LEGACY}/authorize?${q}`)).toMatchObject(text(405, 'Method not supported'))
    expect(await plain('GET', `${LEGACY}/token`)).toMatchObject(text(405, 'Method not supported'))
    expect(await plain('GET', `${LEGACY}/authorize?${q}`, { headers: { 'cdi-version': '9.9' } })).toMatchObject(text(400, 'cdi-version 9.9 not supported'))
  })
})

describe('GET /recipe/saml/legacy/authorize for an IdP that takes only HTTP-POST', () => {
  it('answers the browser with an auto-posting form carrying a signed AuthnRequest, and the answer completes the flow', async () => {
    const c = await legacyClient({ metadataXML: toBase64(idpMetadataXml({ entityId: uniqueEntityId(), ssoUrl: 'https://idp.example.com/sso/post', bindings: [BINDING_POST] })) })
    const entityId = (await c.st.list()).body.clients[0].idpEntityId as string
    const spEntityId = await spEntityIdOf(c.clientId, 'public')
    const res = await plain('GET', `${LEGACY}/authorize?${new URLSearchParams({ client_id: c.clientId, redirect_uri: CALLBACK, state: 'p1', instance_id: c.instanceId })}`)
    expect(res.status).toBe(200)
    expect(res.contentType).toBe('text/html; charset=UTF-8')
    expect(res.text).toContain('<form method="post" action="https://idp.example.com/sso/post">')
    const fields = Object.fromEntries([...res.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, '&')]))
    const authnRequest = new TextDecoder().decode(Uint8Array.from(atob(fields.SAMLRequest ?? ''), (ch) => ch.charCodeAt(0)))
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${c.acsUrl}"`)
    expect(authnRequest).toContain('<ds:Signature')
    const requestId = authnRequest.match(/ ID="([^"]+)"/)?.[1] ?? ''

    const SAMLResponse = idpResponse({ entityId, spEntityId, acsUrl: c.acsUrl, inResponseTo: requestId })
    const back = await plain('POST', `${LEGACY}/callback?instance_id=${c.instanceId}`, { form: { SAMLResponse, RelayState: fields.RelayState ?? '' } })
    expect(back.status).toBe(302)
    expect(new URL(back.location ?? '').searchParams.get('state')).toBe('p1')
  })
})

describe('the legacy flow end to end: authorize, ACS, token, userinfo', () => {
  it('signs a user in once, with the client secret standing between the code and the claims', async () => {
    const c = await legacyClient()
    const { res } = await signIn(c)
    expect(res.status).toBe(302)
    const back = new URL(res.location ?? '')
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    expect(back.searchParams.get('state')).toBe('legacy-state')
    const code = codeIn(res.location)
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/)

    // The core hands out `<code>.<clientId>` as the access token; here the code alone opens nothing.
    expect(await userinfo(`${code}.${c.clientId}`)).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))

    const t = await token({ client_id: c.clientId, client_secret: SECRET, code })
    expect(t.status).toBe(200)
    expect(t.contentType).toBe('application/json; charset=UTF-8')
    expect(t.body).toEqual({ status: 'OK', access_token: expect.stringMatching(new RegExp(`^[A-Za-z0-9_-]{40,}\\.${c.clientId}$`)), token_type: 'Bearer', expires_in: 300 })
    expect(await token({ client_id: c.clientId, client_secret: SECRET, code })).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))

    const user = await userinfo(t.body.access_token)
    expect(user.status).toBe(200)
    expect(user.body).toEqual({
      claims: { NameID: ['ada@acme.example'], NameIDFormat: [EMAIL_FORMAT], mail: ['ada@acme.example'], givenName: ['Ada'], groups: ['admins', 'eng'] },
      id: 'ada@acme.example',
      email: 'ada@acme.example',
      aud: c.clientId,
    })
    expect(Object.keys(user.body)).toEqual(['claims', 'id', 'email', 'aud'])
    expect(await userinfo(t.body.access_token)).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    // Neither the access token nor the code works at the SDK-facing code exchange.
    expect((await c.st.call('POST', '/recipe/saml/user', { accessToken: t.body.access_token.split('.')[0], clientId: c.clientId })).body).toEqual({ status: 'INVALID_TOKEN_ERROR' })
  })

  it('reads the camelCase form fields too, and keeps the redirect_uri\'s own query', async () => {
    const c = await legacyClient()
    const started = await authorize(c, { redirect_uri: OTHER_CALLBACK, state: 'x y' })
    const samlResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId })
    const res = await plain('POST', `${LEGACY}/callback`, { form: { samlResponse, relayState: started.relayState } })
    expect(res.status).toBe(302)
    const back = new URL(res.location ?? '')
    expect(back.searchParams.get('keep')).toBe('1')
    expect(back.searchParams.get('state')).toBe('x y')
  })

  it('works for a named app under /appid-<app>/, whose codes mean nothing to the default app', async () => {
    const app = await newApp({ appId: 'legacy-app' })
    const prefix = '/appid-legacy-app'
    const entityId = uniqueEntityId()
    const put = await stClient(app.apiKey, prefix).put(clientBody({ clientSecret: SECRET }, { entityId }))
    expect(put.body.status).toBe('OK')
    const clientId: string = put.body.clientId
    const spEntityId = await spEntityIdOf(clientId, 'public')

    const q = new URLSearchParams({ client_id: clientId, redirect_uri: clientBody().defaultRedirectURI, instance_id: app.instanceId })
    const started = await plain('GET', `${prefix}${LEGACY}/authorize?${q}`)
    expect(started.status).toBe(307)
    const { authnRequest, relayState, requestId } = decodeLogin(started.location ?? '')
    const acsUrl: string = put.body.acsUrl
    expect(authnRequest).toContain(`AssertionConsumerServiceURL="${acsUrl}"`)
    const SAMLResponse = idpResponse({ entityId, spEntityId, acsUrl, inResponseTo: requestId })
    // The login belongs to the named app: the default app's legacy callback refuses it.
    expect(await plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse, RelayState: relayState } })).toMatchObject(text(400, 'INVALID_RELAY_STATE_ERROR'))
    const started2 = await plain('GET', `${prefix}${LEGACY}/authorize?${q}`)
    const second = decodeLogin(started2.location ?? '')
    const answer = idpResponse({ entityId, spEntityId, acsUrl, inResponseTo: second.requestId })
    const res = await plain('POST', `${prefix}${LEGACY}/callback`, { form: { SAMLResponse: answer, RelayState: second.relayState } })
    expect(res.status).toBe(302)
    const form = { client_id: clientId, client_secret: SECRET, code: codeIn(res.location) }
    expect(await plain('POST', `${LEGACY}/token`, { form })).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    const t = await plain('POST', `${prefix}${LEGACY}/token`, { form })
    expect(t.status).toBe(200)
    const user = await plain('GET', `${prefix}${LEGACY}/userinfo`, { headers: { authorization: `Bearer ${t.body.access_token}` } })
    expect(user.body).toMatchObject({ id: 'ada@acme.example', aud: clientId })
  })
})

describe('codes redeemed in another region', () => {
  it('work where KV has not seen the code or the access token yet (D1 holds them), once', async () => {
    const c = await legacyClient()
    const code = codeIn((await signIn(c)).res.location)
    // What a backend in another region sees before KV propagates: no edge copy at all.
    await env.KV.delete(`code:${await sha256Hex(code)}`)
    const t = await token({ client_id: c.clientId, client_secret: SECRET, code })
    expect(t.status).toBe(200)
    expect(await token({ client_id: c.clientId, client_secret: SECRET, code })).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))

    const [opaque] = t.body.access_token.split('.')
    await env.KV.delete(`code:${await sha256Hex(`access_token:${opaque}`)}`)
    expect((await userinfo(t.body.access_token)).status).toBe(200)
    expect(await userinfo(t.body.access_token)).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    // A redeemed code's profile does not stay behind in D1.
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM pending_codes WHERE code_hash IN (?, ?)').bind(await sha256Hex(code), await sha256Hex(`access_token:${opaque}`)).first<{ n: number }>()
    expect(left?.n).toBe(0)
  })
})

describe('the client\'s own ACS (/v1/saml/acs/<id>) in the legacy flow', () => {
  it('finishes a legacy login, SP- or IdP-initiated, with a code the legacy token endpoint redeems', async () => {
    const c = await legacyClient({ allowIDPInitiatedLogin: true })
    const started = await authorize(c)
    const SAMLResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId })
    const acsPath = new URL(c.acsUrl).pathname
    const back = await plain('POST', acsPath, { form: { SAMLResponse, RelayState: started.relayState } })
    expect(back.status).toBe(302)
    expect(new URL(back.location ?? '').searchParams.get('state')).toBe('legacy-state')
    const t = await token({ client_id: c.clientId, client_secret: SECRET, code: codeIn(back.location) })
    expect((await userinfo(t.body.access_token)).body).toMatchObject({ id: 'ada@acme.example', aud: c.clientId })

    const unsolicited = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: null })
    const landed = await plain('POST', acsPath, { form: { SAMLResponse: unsolicited } })
    expect(landed.status).toBe(302)
    expect(`${new URL(landed.location ?? '').origin}${new URL(landed.location ?? '').pathname}`).toBe(CALLBACK)
    expect((await token({ client_id: c.clientId, client_secret: SECRET, code: codeIn(landed.location) })).status).toBe(200)
  })
})

describe('POST /recipe/saml/legacy/callback: refusals are 400 text, and change nothing', () => {
  it('needs SAMLResponse, and answers a malformed one in the core\'s words (the core: a 500)', async () => {
    const path = `${LEGACY}/callback`
    expect(await plain('POST', path, { form: {} })).toMatchObject(text(400, 'Missing form field: SAMLResponse'))
    expect(await plain('POST', path, { form: { SAMLResponse: '   ' } })).toMatchObject(text(400, 'Missing form field: SAMLResponse'))
    expect(await plain('POST', path, { form: JSON.stringify({ SAMLResponse: 'x' }), headers: { 'content-type': 'application/json' } })).toMatchObject(text(400, 'Missing form field: SAMLResponse'))
    for (const bad of ['not base64!', btoa('<not-xml'), btoa('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), btoa('<!DOCTYPE x [<!ENTITY a "b">]><x/>')]) {
      expect(await plain('POST', path, { form: { SAMLResponse: bad, RelayState: 'r' } }), bad).toMatchObject(text(400, 'Invalid or malformed SAML response input'))
    }
    expect(await plain('POST', path, { form: 'SAMLResponse=' + 'A'.repeat(1024 * 1024 + 1) })).toMatchObject(text(400, 'Request body is larger than 1048576 bytes'))
  })

  it('answers the callback outcomes as 400 text: tampered, unknown and reused relay states', async () => {
    const c = await legacyClient()
    const started = await authorize(c)
    const signed = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId })
    const tampered = btoa(atob(signed).replace('>ada@acme.example<', '>eve@acme.example<'))
    const post = (SAMLResponse: string, RelayState: string) => plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse, RelayState } })
    expect(await post(signed, 'no-such-relay-state')).toMatchObject(text(400, 'INVALID_RELAY_STATE_ERROR'))
    expect(await post(tampered, started.relayState)).toMatchObject(text(400, 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR'))
    // A response that did not verify uses nothing up: the genuine one still signs in, once.
    expect((await post(signed, started.relayState)).status).toBe(302)
    expect(await post(idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId }), started.relayState)).toMatchObject(
      text(400, 'INVALID_RELAY_STATE_ERROR'),
    )
  })

  it('refuses a response for another ACS than the one the AuthnRequest named', async () => {
    const c = await legacyClient()
    const started = await authorize(c)
    const samlResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: `${ORIGIN}/v1/saml/acs/elsewhere`, inResponseTo: started.requestId })
    expect(await plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse: samlResponse, RelayState: started.relayState } })).toMatchObject(
      text(400, 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR'),
    )
  })

  it('keeps instances apart: another instance\'s instance_id or key cannot finish a login, which stays usable by its owner', async () => {
    const c = await legacyClient()
    const stranger = await newApp()
    const started = await authorize(c)
    const SAMLResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId })
    const form = { SAMLResponse, RelayState: started.relayState }
    expect(await plain('POST', `${LEGACY}/callback?instance_id=${stranger.instanceId}`, { form })).toMatchObject(text(400, 'INVALID_RELAY_STATE_ERROR'))
    expect(await plain('POST', `${LEGACY}/callback`, { form, headers: { 'api-key': stranger.apiKey } })).toMatchObject(text(400, 'INVALID_RELAY_STATE_ERROR'))
    expect(await plain('POST', `${LEGACY}/callback`, { form, headers: { 'api-key': 'wrong' } })).toMatchObject(text(401, 'Invalid API key'))
    expect((await plain('POST', `${LEGACY}/callback`, { form, headers: { 'api-key': c.apiKey } })).status).toBe(302)
  })

  it('IdP-initiated: IDP_LOGIN_DISALLOWED_ERROR unless the client allows it; then a code for defaultRedirectURI', async () => {
    const closed = await legacyClient()
    const unsolicited = (c: typeof closed) => idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: legacyAcs(c.instanceId), inResponseTo: null })
    expect(await plain('POST', `${LEGACY}/callback?instance_id=${closed.instanceId}`, { form: { SAMLResponse: unsolicited(closed) } })).toMatchObject(
      text(400, 'IDP_LOGIN_DISALLOWED_ERROR'),
    )

    const open = await legacyClient({ allowIDPInitiatedLogin: true })
    const strangerIdp = idpResponse({ entityId: 'https://unknown.example/idp', spEntityId: open.spEntityId, acsUrl: legacyAcs(open.instanceId), inResponseTo: null })
    expect(await plain('POST', `${LEGACY}/callback?instance_id=${open.instanceId}`, { form: { SAMLResponse: strangerIdp } })).toMatchObject(text(400, 'INVALID_CLIENT_ERROR'))
    // Without an instance there is no client to verify against.
    expect(await plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse: unsolicited(open) } })).toMatchObject(text(400, 'INVALID_CLIENT_ERROR'))
    const res = await plain('POST', `${LEGACY}/callback?instance_id=${open.instanceId}`, { form: { SAMLResponse: unsolicited(open) } })
    expect(res.status).toBe(302)
    const back = new URL(res.location ?? '')
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    expect(back.searchParams.get('state')).toBeNull()
    const t = await token({ client_id: open.clientId, client_secret: SECRET, code: codeIn(res.location) })
    expect((await userinfo(t.body.access_token)).body.id).toBe('ada@acme.example')

    // An IdP-initiated response must name the legacy ACS of its own instance.
    for (const acsUrl of [`${ORIGIN}${LEGACY}/callback`, open.acsUrl]) {
      const misdirected = idpResponse({ entityId: open.entityId, spEntityId: open.spEntityId, acsUrl, inResponseTo: null })
      expect(await plain('POST', `${LEGACY}/callback?instance_id=${open.instanceId}`, { form: { SAMLResponse: misdirected } }), acsUrl).toMatchObject(
        text(400, 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR'),
      )
    }
  })
})

describe('POST /recipe/saml/legacy/token', () => {
  it('names the first missing form field in the core\'s order; blank counts as missing', async () => {
    expect(await token({})).toMatchObject(text(400, 'Missing form field: client_id'))
    expect(await token({ client_id: 'c' })).toMatchObject(text(400, 'Missing form field: client_secret'))
    expect(await token({ client_id: 'c', client_secret: ' ' })).toMatchObject(text(400, 'Missing form field: client_secret'))
    expect(await token({ client_id: 'c', client_secret: 's' })).toMatchObject(text(400, 'Missing form field: code'))
    expect(await token({ client_id: 'c', client_secret: 's', code: 'no-such-code' })).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
  })

  it('refuses a wrong client_id, client_secret or redirect_uri without using the code up', async () => {
    const c = await legacyClient()
    const code = codeIn((await signIn(c)).res.location)
    expect(await token({ client_id: 'someone-else', client_secret: SECRET, code })).toMatchObject(text(400, 'Invalid client_id'))
    expect(await token({ client_id: c.clientId, client_secret: `${SECRET}x`, code })).toMatchObject(text(400, 'Invalid client_secret'))
    expect(await token({ client_id: c.clientId, client_secret: SECRET.slice(0, -1), code })).toMatchObject(text(400, 'Invalid client_secret'))
    expect(await token({ client_id: c.clientId, client_secret: SECRET, code, redirect_uri: OTHER_CALLBACK })).toMatchObject(text(400, 'Invalid redirect_uri'))
    expect((await token({ client_id: c.clientId, client_secret: SECRET, code, redirect_uri: CALLBACK, grant_type: 'authorization_code' })).status).toBe(200)
  })

  it('refuses every secret for a client that has none (as the core does)', async () => {
    const c = await tenantWithClient()
    const started = await authorize(c)
    const SAMLResponse = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: c.acsUrl, inResponseTo: started.requestId })
    const res = await plain('POST', `${LEGACY}/callback`, { form: { SAMLResponse, RelayState: started.relayState } })
    expect(await token({ client_id: c.clientId, client_secret: 'anything', code: codeIn(res.location) })).toMatchObject(text(400, 'Invalid client_secret'))
  })

  it('stores no secret: only its SHA-256 is in D1', async () => {
    const c = await legacyClient()
    const row = await env.DB.prepare('SELECT client_secret_hash FROM saml_connections WHERE client_id = ?').bind(c.clientId).first<{ client_secret_hash: string }>()
    expect(row?.client_secret_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(row)).not.toContain(SECRET)
  })
})

describe('GET /recipe/saml/legacy/userinfo', () => {
  it('needs a Bearer token with a client id, as the core does', async () => {
    expect(await userinfo(null)).toMatchObject(text(400, 'Authorization header is required'))
    expect(await plain('GET', `${LEGACY}/userinfo`, { headers: { authorization: 'Basic abc' } })).toMatchObject(text(400, 'Authorization header is required'))
    expect(await userinfo('no-dot-here')).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    expect(await userinfo('unknown.client')).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
  })

  it('burns a token presented for another client, as the core burns a code', async () => {
    const c = await legacyClient()
    const t = await token({ client_id: c.clientId, client_secret: SECRET, code: codeIn((await signIn(c)).res.location) })
    const [opaque] = t.body.access_token.split('.')
    expect(await userinfo(`${opaque}.someone-else`)).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    expect(await userinfo(t.body.access_token)).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
  })

  it('is refused under another tenant (403) and does not cross apps', async () => {
    const c = await legacyClient()
    const t = await token({ client_id: c.clientId, client_secret: SECRET, code: codeIn((await signIn(c)).res.location) })
    expect(await plain('GET', `/${newTenantId()}${LEGACY}/userinfo`, { headers: { authorization: `Bearer ${t.body.access_token}` } })).toMatchObject(
      text(403, 'Only public tenantId can call this app specific API'),
    )
    expect(await plain('GET', `/appid-other${LEGACY}/userinfo`, { headers: { authorization: `Bearer ${t.body.access_token}` } })).toMatchObject(text(400, 'INVALID_TOKEN_ERROR'))
    expect((await userinfo(t.body.access_token)).status).toBe(200)
  })
})
