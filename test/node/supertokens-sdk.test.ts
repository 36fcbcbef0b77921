import { inflateSync } from 'fflate'
import SAML from 'supertokens-node/recipe/saml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BINDING_REDIRECT, metadataXml } from '../helpers/idp-metadata'
import { freshSignedResponse, toBase64, type KeyPair, type ResponseOptions, type SignOptions } from '../helpers/test-idp'
import { makeIdpKey, redirectSignatureValid } from './idp-key'
import { DEV_API_KEY, initSupertokens } from './supertokens-init'
import { readRepoFile, startWorker, type RunningWorker } from './worker'

// The real supertokens-node SDK (>= 24, SAML recipe) pointed at the Worker as its "core".
// One SDK init per process: the SDK is a singleton, and vitest runs each file in its own worker.

// The IdP's key is made by this run; the SP's is the one the Worker is started with.
const idpKey: KeyPair & { bareCert: string } = await makeIdpKey()
const spCertPem = await readRepoFile('test/fixtures/keys/sp.cert.pem')

const metadata = (entityId: string, ssoUrl?: string) => metadataXml({ entityId, ssoUrl, bindings: [BINDING_REDIRECT], certs: [idpKey.bareCert] })

/** The SDK leaves encoding to the caller: metadataXML goes to the core as standard base64. */

const CALLBACK = 'http://localhost:3000/auth/callback/saml'
const tenant = () => `t-${crypto.randomUUID().slice(0, 8)}`
const entity = () => `https://idp.example.com/${crypto.randomUUID()}`

let worker: RunningWorker

beforeAll(async () => {
  worker = await startWorker()
  initSupertokens(worker.origin)
})

afterAll(async () => {
  await worker?.stop()
})

describe('supertokens-node SAML recipe: client management', () => {
  it('creates, lists, updates and removes a client', async () => {
    const tenantId = tenant()
    const entityId = entity()
    const created = await SAML.createOrUpdateClient({
      tenantId,
      redirectURIs: [CALLBACK],
      defaultRedirectURI: CALLBACK,
      metadataXML: toBase64(metadata(entityId)),
      clientSecret: 'top-secret',
    })
    expect(created.status).toBe('OK')
    if (created.status !== 'OK') return
    expect(created).toMatchObject({
      clientId: expect.stringMatching(/^st_saml_/),
      clientSecret: 'top-secret',
      redirectURIs: [CALLBACK],
      defaultRedirectURI: CALLBACK,
      idpEntityId: entityId,
      idpSigningCertificate: idpKey.bareCert,
      allowIDPInitiatedLogin: false,
      enableRequestSigning: true,
    })

    const listed = await SAML.listClients({ tenantId })
    expect(listed.status).toBe('OK')
    expect(listed.clients.map((c) => c.clientId)).toEqual([created.clientId])

    const updated = await SAML.createOrUpdateClient({
      tenantId,
      clientId: created.clientId,
      redirectURIs: [CALLBACK, 'http://localhost:3000/other'],
      defaultRedirectURI: CALLBACK,
      metadataXML: toBase64(metadata(entityId, 'https://idp.example.com/sso2')),
      allowIDPInitiatedLogin: true,
    })
    expect(updated).toMatchObject({ status: 'OK', clientId: created.clientId, allowIDPInitiatedLogin: true, redirectURIs: [CALLBACK, 'http://localhost:3000/other'] })

    expect(await SAML.removeClient({ tenantId, clientId: created.clientId })).toEqual({ status: 'OK', didExist: true })
    expect(await SAML.removeClient({ tenantId, clientId: created.clientId })).toEqual({ status: 'OK', didExist: false })
    expect((await SAML.listClients({ tenantId })).clients).toEqual([])
  })

  it('creates a client under a chosen clientId in the public tenant', async () => {
    const clientId = `sdk-${crypto.randomUUID()}`
    const res = await SAML.createOrUpdateClient({ tenantId: 'public', clientId, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: toBase64(metadata(entity())), enableRequestSigning: false })
    expect(res).toMatchObject({ status: 'OK', clientId, enableRequestSigning: false })
    expect((await SAML.listClients({ tenantId: 'public' })).clients.some((c) => c.clientId === clientId)).toBe(true)
    expect(await SAML.removeClient({ tenantId: 'public', clientId })).toEqual({ status: 'OK', didExist: true })
  })

  it('reports DUPLICATE_IDP_ENTITY_ERROR as the typed status', async () => {
    const tenantId = tenant()
    const entityId = entity()
    const args = { tenantId, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: toBase64(metadata(entityId)) }
    expect((await SAML.createOrUpdateClient(args)).status).toBe('OK')
    expect(await SAML.createOrUpdateClient(args)).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })
    expect((await SAML.listClients({ tenantId })).clients).toHaveLength(1)
  })

  it('keeps tenants apart', async () => {
    const a = tenant()
    const b = tenant()
    const created = await SAML.createOrUpdateClient({ tenantId: a, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: toBase64(metadata(entity())) })
    expect(created.status).toBe('OK')
    expect((await SAML.listClients({ tenantId: b })).clients).toEqual([])
    expect(await SAML.removeClient({ tenantId: b, clientId: (created as { clientId: string }).clientId })).toEqual({ status: 'OK', didExist: false })
  })

  it('surfaces a 400 from the service as the SDK\'s core error, with the core\'s message', async () => {
    await expect(
      SAML.createOrUpdateClient({ tenantId: tenant(), redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: toBase64('<not-metadata/>') }),
    ).rejects.toThrow(/status code: 400 and message: metadataXML does not have a valid SAML metadata/)
  })
})

// ---- Login flow. The SDK's own backend routes would build acsURL from appInfo; the same value is
// used here: apiDomain + apiBasePath + /<tenantId>/saml/callback.

const API_DOMAIN = 'http://localhost:3001'
const acsFor = (tenantId: string) => `${API_DOMAIN}/auth/${tenantId}/saml/callback`

/** What the IdP receives from `createLoginRequest`'s redirect: the AuthnRequest's ID and Issuer (our SP entity id). */
function readAuthnRequest(redirectURI: string) {
  const url = new URL(redirectURI)
  const deflated = Uint8Array.from(atob(url.searchParams.get('SAMLRequest') ?? ''), (ch) => ch.charCodeAt(0))
  const xml = new TextDecoder().decode(inflateSync(deflated))
  return {
    url,
    xml,
    relayState: url.searchParams.get('RelayState') ?? '',
    requestId: xml.match(/ ID="([^"]+)"/)?.[1] ?? '',
    spEntityId: xml.match(/<saml:Issuer>([^<]+)<\/saml:Issuer>/)?.[1] ?? '',
  }
}

/** The test IdP's signed Response (xml-crypto, with the key made by this run), valid now. */
function idpAnswer(o: { entityId: string; spEntityId: string; acsUrl: string; inResponseTo: string | null } & Partial<ResponseOptions> & { signing?: SignOptions }) {
  const { entityId, spEntityId, acsUrl, inResponseTo, ...rest } = o
  const attributes = { mail: ['ada@acme.example'], givenName: ['Ada'] }
  return toBase64(freshSignedResponse({ entityId, spEntityId, acsUrl, inResponseTo }, { nameId: 'ada@acme.example', attributes, signing: { key: idpKey }, ...rest }))
}

async function newClient(tenantId: string, extra: { redirectURIs?: string[]; allowIDPInitiatedLogin?: boolean } = {}) {
  const entityId = entity()
  const created = await SAML.createOrUpdateClient({
    tenantId,
    redirectURIs: extra.redirectURIs ?? [CALLBACK],
    defaultRedirectURI: CALLBACK,
    metadataXML: toBase64(metadata(entityId)),
    allowIDPInitiatedLogin: extra.allowIDPInitiatedLogin,
  })
  if (created.status !== 'OK') throw new Error(`create failed: ${created.status}`)
  return { entityId, clientId: created.clientId }
}

describe('supertokens-node SAML recipe: login flow', () => {
  it('createLoginRequest, verifySAMLResponse and getUserInfo sign a user in once', async () => {
    const tenantId = tenant()
    const { entityId, clientId } = await newClient(tenantId)

    const before = Date.now()
    const login = await SAML.createLoginRequest({ tenantId, clientId, redirectURI: CALLBACK, state: 'sdk-state', acsURL: acsFor(tenantId) })
    const after = Date.now()
    expect(login.status).toBe('OK')
    if (login.status !== 'OK') return
    const req = readAuthnRequest(login.redirectURI)
    expect(`${req.url.origin}${req.url.pathname}`).toBe('https://idp.example.com/sso')
    expect(req.xml).toMatch(/^<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2\.0:protocol"/)
    expect(req.xml).toContain(`AssertionConsumerServiceURL="${acsFor(tenantId)}"`)
    expect(req.xml).toContain('Destination="https://idp.example.com/sso"')
    expect(req.xml).toContain('Version="2.0"')
    expect(req.xml).toContain('ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"')
    expect(req.requestId).toMatch(/^_[0-9A-Za-z]{32}$/)
    const issued = Date.parse(req.xml.match(/IssueInstant="([^"]+)"/)?.[1] ?? '')
    // Issued by this request (IssueInstant may drop the milliseconds).
    expect(issued).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(issued).toBeLessThanOrEqual(after)
    expect(req.spEntityId).toMatch(new RegExp(`^${worker.origin}/saml/samlc_[0-9A-Za-z]{27}$`))
    // enableRequestSigning (the default): a Redirect-binding RSA-SHA256 signature by the SP's key.
    expect(req.url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')
    expect(await redirectSignatureValid(login.redirectURI, spCertPem)).toBe(true)
    expect(await redirectSignatureValid(login.redirectURI.replace('RelayState=', 'RelayState=x'), spCertPem)).toBe(false)

    const samlResponse = idpAnswer({ entityId, spEntityId: req.spEntityId, acsUrl: acsFor(tenantId), inResponseTo: req.requestId })
    const verified = await SAML.verifySAMLResponse({ tenantId, samlResponse, relayState: req.relayState })
    expect(verified.status).toBe('OK')
    if (verified.status !== 'OK') return
    const back = new URL(verified.redirectURI)
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    expect(back.searchParams.get('state')).toBe('sdk-state')
    const code = back.searchParams.get('code') ?? ''

    expect(await SAML.getUserInfo({ tenantId, accessToken: code, clientId })).toEqual({
      status: 'OK',
      sub: 'ada@acme.example',
      email: 'ada@acme.example',
      aud: clientId,
      claims: {
        NameID: ['ada@acme.example'],
        NameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
        mail: ['ada@acme.example'],
        givenName: ['Ada'],
      },
    })
    expect(await SAML.getUserInfo({ tenantId, accessToken: code, clientId })).toEqual({ status: 'INVALID_TOKEN_ERROR' })
    expect(await SAML.verifySAMLResponse({ tenantId, samlResponse, relayState: req.relayState })).toEqual({ status: 'INVALID_RELAY_STATE_ERROR' })
  })

  it('returns the typed error statuses', async () => {
    const tenantId = tenant()
    const { entityId, clientId } = await newClient(tenantId)
    expect(await SAML.createLoginRequest({ tenantId, clientId, redirectURI: 'http://localhost:3000/elsewhere', acsURL: acsFor(tenantId) })).toEqual({ status: 'INVALID_CLIENT_ERROR' })
    expect(await SAML.createLoginRequest({ tenantId: tenant(), clientId, redirectURI: CALLBACK, acsURL: acsFor(tenantId) })).toEqual({ status: 'INVALID_CLIENT_ERROR' })

    const login = await SAML.createLoginRequest({ tenantId, clientId, redirectURI: CALLBACK, acsURL: acsFor(tenantId) })
    if (login.status !== 'OK') throw new Error(login.status)
    const req = readAuthnRequest(login.redirectURI)
    // A correctly signed answer whose NameID is changed after signing.
    const signed = idpAnswer({ entityId, spEntityId: req.spEntityId, acsUrl: acsFor(tenantId), inResponseTo: req.requestId })
    const tampered = toBase64(atob(signed).replace('>ada@acme.example<', '>eve@acme.example<'))
    expect(tampered).not.toBe(signed)
    expect(await SAML.verifySAMLResponse({ tenantId, samlResponse: tampered, relayState: req.relayState })).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })

    // A well-formed answer signed by a key other than the client's certificate (the committed test key).
    const again = await SAML.createLoginRequest({ tenantId, clientId, redirectURI: CALLBACK, acsURL: acsFor(tenantId) })
    if (again.status !== 'OK') throw new Error(again.status)
    const second = readAuthnRequest(again.redirectURI)
    const foreign = idpAnswer({ entityId, spEntityId: second.spEntityId, acsUrl: acsFor(tenantId), inResponseTo: second.requestId, signing: { key: 'idp' } })
    expect(await SAML.verifySAMLResponse({ tenantId, samlResponse: foreign, relayState: second.relayState })).toEqual({ status: 'SAML_RESPONSE_VERIFICATION_FAILED_ERROR' })

    const unsolicited = idpAnswer({ entityId, spEntityId: req.spEntityId, acsUrl: acsFor(tenantId), inResponseTo: null })
    expect(await SAML.verifySAMLResponse({ tenantId, samlResponse: unsolicited, relayState: undefined })).toEqual({ status: 'IDP_LOGIN_DISALLOWED_ERROR' })
    expect(await SAML.getUserInfo({ tenantId, accessToken: 'not-a-code', clientId })).toEqual({ status: 'INVALID_TOKEN_ERROR' })
  })

  it('signs a user in through an IdP-initiated response when the client allows it', async () => {
    const tenantId = tenant()
    // The app backend (apiDomain) is on another origin than the website: a URL on its origin is
    // listed among redirectURIs, which is what lets its callback be an IdP-initiated Recipient.
    const { entityId, clientId } = await newClient(tenantId, { redirectURIs: [CALLBACK, acsFor(tenantId)], allowIDPInitiatedLogin: true })
    const login = await SAML.createLoginRequest({ tenantId, clientId, redirectURI: CALLBACK, acsURL: acsFor(tenantId) })
    if (login.status !== 'OK') throw new Error(login.status)
    const { spEntityId } = readAuthnRequest(login.redirectURI)

    const samlResponse = idpAnswer({ entityId, spEntityId, acsUrl: acsFor(tenantId), inResponseTo: null })
    const verified = await SAML.verifySAMLResponse({ tenantId, samlResponse, relayState: undefined })
    expect(verified.status).toBe('OK')
    if (verified.status !== 'OK') return
    const back = new URL(verified.redirectURI)
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    const user = await SAML.getUserInfo({ tenantId, accessToken: back.searchParams.get('code') ?? '', clientId })
    expect(user).toMatchObject({ status: 'OK', sub: 'ada@acme.example' })

    const unknownIdp = idpAnswer({ entityId: entity(), spEntityId, acsUrl: acsFor(tenantId), inResponseTo: null })
    expect(await SAML.verifySAMLResponse({ tenantId, samlResponse: unknownIdp, relayState: undefined })).toEqual({ status: 'INVALID_CLIENT_ERROR' })
  })

  it('serves the client\'s SP metadata at /.well-known/sp-metadata', async () => {
    const tenantId = tenant()
    const { clientId } = await newClient(tenantId)
    const res = await fetch(`${worker.origin}/${tenantId}/.well-known/sp-metadata?clientId=${clientId}`, { headers: { 'api-key': DEV_API_KEY } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/xml; charset=UTF-8')
    expect(await res.text()).toMatch(new RegExp(`entityID="${worker.origin}/saml/samlc_[0-9A-Za-z]{27}"`))
  })
})
