import { inflateSync } from 'fflate'
import BoxySAML from 'supertokens-node/lib/build/recipe/thirdparty/providers/boxySaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BINDING_REDIRECT, metadataXml } from '../helpers/idp-metadata'
import { freshSignedResponse, toBase64, type KeyPair } from '../helpers/test-idp'
import { makeIdpKey } from './idp-key'
import { DEV_API_KEY, initSupertokens } from './supertokens-init'
import { startWorker, type RunningWorker } from './worker'

// The core's legacy OAuth-provider-style endpoints over plain HTTP, as a browser, an IdP and an
// OAuth client reach them, against the Worker under wrangler with local D1 and KV; then the same
// flow driven by supertokens-node's own OAuth client (its boxy-saml ThirdParty provider).

const DEV_INSTANCE = 'ins_local'
const SECRET = 'legacy-secret-4f2a'
const APP_CALLBACK = 'http://localhost:3000/auth/callback/boxy-saml'
const LEGACY = '/recipe/saml/legacy'

let worker: RunningWorker
let idpKey: KeyPair & { bareCert: string }

beforeAll(async () => {
  worker = await startWorker()
  idpKey = await makeIdpKey()
  // The provider below reads the app's settings from the SDK, which must be initialised.
  initSupertokens(worker.origin)
})

afterAll(async () => {
  await worker?.stop()
})

const metadata = (entityId: string) => metadataXml({ entityId, bindings: [BINDING_REDIRECT], certs: [idpKey.bareCert] })

/** A public-tenant client with a secret, created over plain HTTP as any core client would. */
async function newClient() {
  const entityId = `https://idp.example.com/${crypto.randomUUID()}`
  const res = await fetch(`${worker.origin}/recipe/saml/clients`, {
    method: 'PUT',
    headers: { 'api-key': DEV_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ clientSecret: SECRET, redirectURIs: [APP_CALLBACK], defaultRedirectURI: APP_CALLBACK, metadataXML: toBase64(metadata(entityId)) }),
  })
  const body = (await res.json()) as { status: string; clientId: string; spEntityId: string; acsUrl: string }
  if (body.status !== 'OK') throw new Error(`PUT failed: ${JSON.stringify(body)}`)
  // spEntityId and acsUrl are what the IdP's admin configures (also in the client's SP metadata).
  return { entityId, clientId: body.clientId, spEntityId: body.spEntityId, acsUrl: body.acsUrl }
}

/** What the IdP reads from the browser's visit: the AuthnRequest and its RelayState. */
function readRedirect(location: string) {
  const url = new URL(location)
  const xml = new TextDecoder().decode(inflateSync(Uint8Array.from(atob(url.searchParams.get('SAMLRequest') ?? ''), (c) => c.charCodeAt(0))))
  const attr = (name: string) => xml.match(new RegExp(` ${name}="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&') ?? ''
  return { url, xml, relayState: url.searchParams.get('RelayState') ?? '', requestId: attr('ID'), acsUrl: attr('AssertionConsumerServiceURL') }
}

/** The IdP's answer: signed by the key this run made, for the SP and ACS the request named. */
function idpAnswer(p: { entityId: string; spEntityId: string; acsUrl: string; inResponseTo: string | null }) {
  const attributes = { mail: ['grace@acme.example'], givenName: ['Grace'] }
  return toBase64(freshSignedResponse(p, { nameId: 'grace@acme.example', attributes, signing: { key: idpKey } }))
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' })
const postForm = (url: string, form: Record<string, string>) =>
  fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' })

/** The browser's trip: authorize, the IdP, then the IdP's form posted to the ACS the request named. */
async function browserSignIn(authorizeUrl: string, client: { entityId: string; spEntityId: string }) {
  const toIdp = await get(authorizeUrl)
  expect(toIdp.status).toBe(307)
  const req = readRedirect(toIdp.headers.get('location') ?? '')
  const samlResponse = idpAnswer({ ...client, acsUrl: req.acsUrl, inResponseTo: req.requestId })
  const back = await postForm(req.acsUrl, { SAMLResponse: samlResponse, RelayState: req.relayState })
  return { req, samlResponse, back }
}

describe('legacy endpoints over plain HTTP', () => {
  it('authorize, ACS, token and userinfo sign a user in once', async () => {
    const client = await newClient()
    const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: APP_CALLBACK, state: 'st-9', response_type: 'code', instance_id: DEV_INSTANCE })
    const { req, back } = await browserSignIn(`${worker.origin}${LEGACY}/authorize?${query}`, client)
    expect(`${req.url.origin}${req.url.pathname}`).toBe('https://idp.example.com/sso')
    expect(req.acsUrl).toBe(client.acsUrl)
    expect(req.url.searchParams.get('Signature')).toBeTruthy()

    expect(back.status).toBe(302)
    const landed = new URL(back.headers.get('location') ?? '')
    expect(`${landed.origin}${landed.pathname}`).toBe(APP_CALLBACK)
    expect(landed.searchParams.get('state')).toBe('st-9')
    const code = landed.searchParams.get('code') ?? ''

    const wrongSecret = await postForm(`${worker.origin}${LEGACY}/token`, { client_id: client.clientId, client_secret: 'guess', code })
    expect([wrongSecret.status, await wrongSecret.text()]).toEqual([400, 'Invalid client_secret\n'])

    const tokenRes = await postForm(`${worker.origin}${LEGACY}/token`, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: SECRET, code, redirect_uri: APP_CALLBACK })
    expect(tokenRes.status).toBe(200)
    const token = (await tokenRes.json()) as { status: string; access_token: string }
    expect(token.status).toBe('OK')
    expect(token.access_token.endsWith(`.${client.clientId}`)).toBe(true)

    const user = await get(`${worker.origin}${LEGACY}/userinfo`, { authorization: `Bearer ${token.access_token}` })
    expect(user.status).toBe(200)
    expect(await user.json()).toEqual({
      claims: { NameID: ['grace@acme.example'], NameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'], mail: ['grace@acme.example'], givenName: ['Grace'] },
      id: 'grace@acme.example',
      email: 'grace@acme.example',
      aud: client.clientId,
    })
    const again = await get(`${worker.origin}${LEGACY}/userinfo`, { authorization: `Bearer ${token.access_token}` })
    expect([again.status, await again.text()]).toEqual([400, 'INVALID_TOKEN_ERROR\n'])
  })

  it('the legacy callback: a login finishes once; tampered, reused and disallowed IdP-initiated answers are 400 text', async () => {
    const client = await newClient()
    const callback = `${worker.origin}${LEGACY}/callback?instance_id=${DEV_INSTANCE}`
    const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: APP_CALLBACK, instance_id: DEV_INSTANCE })
    const toIdp = await get(`${worker.origin}${LEGACY}/authorize?${query}`)
    const req = readRedirect(toIdp.headers.get('location') ?? '')
    const signed = idpAnswer({ ...client, acsUrl: req.acsUrl, inResponseTo: req.requestId })
    const tampered = toBase64(atob(signed).replace('>grace@acme.example<', '>mallory@acme.example<'))
    const refused = await postForm(callback, { SAMLResponse: tampered, RelayState: req.relayState })
    expect([refused.status, await refused.text()]).toEqual([400, 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR\n'])
    // The refused answer used nothing up: the genuine one finishes the login, once.
    const genuine = await postForm(callback, { SAMLResponse: signed, RelayState: req.relayState })
    expect(genuine.status).toBe(302)
    const reused = await postForm(callback, { SAMLResponse: idpAnswer({ ...client, acsUrl: req.acsUrl, inResponseTo: req.requestId }), RelayState: req.relayState })
    expect([reused.status, await reused.text()]).toEqual([400, 'INVALID_RELAY_STATE_ERROR\n'])

    const again = readRedirect((await get(`${worker.origin}${LEGACY}/authorize?${query}`)).headers.get('location') ?? '')
    const answer = idpAnswer({ ...client, acsUrl: again.acsUrl, inResponseTo: again.requestId })
    const back = await postForm(callback, { SAMLResponse: answer, RelayState: again.relayState })
    expect(back.status).toBe(302)
    expect(new URL(back.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy()

    // An IdP configured with the legacy callback as its ACS addresses IdP-initiated answers to it.
    const unsolicited = idpAnswer({ ...client, acsUrl: callback, inResponseTo: null })
    const idpInitiated = await postForm(callback, { SAMLResponse: unsolicited })
    expect([idpInitiated.status, await idpInitiated.text()]).toEqual([400, 'IDP_LOGIN_DISALLOWED_ERROR\n'])

    const noKey = await get(`${worker.origin}${LEGACY}/authorize?client_id=${client.clientId}&redirect_uri=${encodeURIComponent(APP_CALLBACK)}`)
    expect([noKey.status, await noKey.text()]).toEqual([401, 'Invalid API key\n'])
  })
})

describe('supertokens-node\'s boxy-saml OAuth provider against the legacy endpoints', () => {
  it('builds the authorize URL, exchanges the code and reads the user through saml-edge', async () => {
    const client = await newClient()
    const provider = BoxySAML({
      config: {
        thirdPartyId: 'boxy-saml',
        clients: [{ clientId: client.clientId, clientSecret: SECRET }],
        authorizationEndpoint: `${worker.origin}${LEGACY}/authorize`,
        authorizationEndpointQueryParams: { instance_id: DEV_INSTANCE },
        tokenEndpoint: `${worker.origin}${LEGACY}/token`,
        userInfoEndpoint: `${worker.origin}${LEGACY}/userinfo`,
      },
    })
    // What the ThirdParty recipe does before using a provider (configUtils.fetchAndSetConfig).
    Object.assign(provider.config, await provider.getConfigForClientType({ clientType: undefined, userContext: {} as never }))

    const { urlWithQueryParams, pkceCodeVerifier } = await provider.getAuthorisationRedirectURL({ redirectURIOnProviderDashboard: APP_CALLBACK, userContext: {} as never })
    // The frontend SDK adds its own state before sending the browser.
    const { back } = await browserSignIn(`${urlWithQueryParams}&state=frontend-state`, client)
    expect(back.status).toBe(302)
    const landed = new URL(back.headers.get('location') ?? '')
    expect(landed.searchParams.get('state')).toBe('frontend-state')

    const oAuthTokens = await provider.exchangeAuthCodeForOAuthTokens({
      redirectURIInfo: { redirectURIOnProviderDashboard: APP_CALLBACK, redirectURIQueryParams: Object.fromEntries(landed.searchParams), pkceCodeVerifier },
      userContext: {} as never,
    })
    expect(oAuthTokens).toMatchObject({ status: 'OK', token_type: 'Bearer' })

    const user = await provider.getUserInfo({ oAuthTokens, userContext: {} as never })
    expect(user.thirdPartyUserId).toBe('grace@acme.example')
    expect(user.email).toEqual({ id: 'grace@acme.example', isVerified: false })
    expect(user.rawUserInfoFromProvider.fromUserInfoAPI).toMatchObject({ aud: client.clientId })

    // The code was redeemed by the token exchange: a second exchange is refused.
    await expect(
      provider.exchangeAuthCodeForOAuthTokens({
        redirectURIInfo: { redirectURIOnProviderDashboard: APP_CALLBACK, redirectURIQueryParams: Object.fromEntries(landed.searchParams), pkceCodeVerifier },
        userContext: {} as never,
      }),
    ).rejects.toThrow(/status 400 and body INVALID_TOKEN_ERROR/)
  })
})
