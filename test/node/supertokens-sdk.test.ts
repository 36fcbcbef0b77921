import supertokens from 'supertokens-node'
import SAML from 'supertokens-node/recipe/saml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRepoFile, startWorker, type RunningWorker } from './worker'

// The real supertokens-node SDK (>= 24, SAML recipe) pointed at the Worker as its "core".
// One SDK init per process: the SDK is a singleton, and vitest runs each file in its own worker.

const DEV_API_KEY = 'local-development-api-key'
const idpCertPem = await readRepoFile('test/fixtures/keys/idp.cert.pem')
const bare = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

function metadataXml(entityId: string, ssoUrl = 'https://idp.example.com/sso'): string {
  return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${bare(idpCertPem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/></md:IDPSSODescriptor></md:EntityDescriptor>`
}

/** The SDK leaves encoding to the caller: metadataXML goes to the core as standard base64. */
const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))

const CALLBACK = 'http://localhost:3000/auth/callback/saml'
const tenant = () => `t-${crypto.randomUUID().slice(0, 8)}`
const entity = () => `https://idp.example.com/${crypto.randomUUID()}`

let worker: RunningWorker

beforeAll(async () => {
  worker = await startWorker()
  supertokens.init({
    supertokens: { connectionURI: worker.origin, apiKey: DEV_API_KEY },
    appInfo: { appName: 'saml-edge tests', apiDomain: 'http://localhost:3001', websiteDomain: 'http://localhost:3000' },
    recipeList: [SAML.init()],
    telemetry: false,
  })
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
      metadataXML: base64(metadataXml(entityId)),
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
      idpSigningCertificate: bare(idpCertPem),
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
      metadataXML: base64(metadataXml(entityId, 'https://idp.example.com/sso2')),
      allowIDPInitiatedLogin: true,
    })
    expect(updated).toMatchObject({ status: 'OK', clientId: created.clientId, allowIDPInitiatedLogin: true, redirectURIs: [CALLBACK, 'http://localhost:3000/other'] })

    expect(await SAML.removeClient({ tenantId, clientId: created.clientId })).toEqual({ status: 'OK', didExist: true })
    expect(await SAML.removeClient({ tenantId, clientId: created.clientId })).toEqual({ status: 'OK', didExist: false })
    expect((await SAML.listClients({ tenantId })).clients).toEqual([])
  })

  it('creates a client under a chosen clientId in the public tenant', async () => {
    const clientId = `sdk-${crypto.randomUUID()}`
    const res = await SAML.createOrUpdateClient({ tenantId: 'public', clientId, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: base64(metadataXml(entity())), enableRequestSigning: false })
    expect(res).toMatchObject({ status: 'OK', clientId, enableRequestSigning: false })
    expect((await SAML.listClients({ tenantId: 'public' })).clients.some((c) => c.clientId === clientId)).toBe(true)
    expect(await SAML.removeClient({ tenantId: 'public', clientId })).toEqual({ status: 'OK', didExist: true })
  })

  it('reports DUPLICATE_IDP_ENTITY_ERROR as the typed status', async () => {
    const tenantId = tenant()
    const entityId = entity()
    const args = { tenantId, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: base64(metadataXml(entityId)) }
    expect((await SAML.createOrUpdateClient(args)).status).toBe('OK')
    expect(await SAML.createOrUpdateClient(args)).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })
    expect((await SAML.listClients({ tenantId })).clients).toHaveLength(1)
  })

  it('keeps tenants apart', async () => {
    const a = tenant()
    const b = tenant()
    const created = await SAML.createOrUpdateClient({ tenantId: a, redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: base64(metadataXml(entity())) })
    expect(created.status).toBe('OK')
    expect((await SAML.listClients({ tenantId: b })).clients).toEqual([])
    expect(await SAML.removeClient({ tenantId: b, clientId: (created as { clientId: string }).clientId })).toEqual({ status: 'OK', didExist: false })
  })

  it('surfaces a 400 from the service as the SDK\'s core error, with the core\'s message', async () => {
    await expect(
      SAML.createOrUpdateClient({ tenantId: tenant(), redirectURIs: [CALLBACK], defaultRedirectURI: CALLBACK, metadataXML: base64('<not-metadata/>') }),
    ).rejects.toThrow(/status code: 400 and message: metadataXML does not have a valid SAML metadata/)
  })
})

// The login flow (createLoginRequest, verifySAMLResponse, getUserInfo) arrives with the ACS issue;
// its SDK tests belong in a `describe('supertokens-node SAML recipe: login flow')` block here.
