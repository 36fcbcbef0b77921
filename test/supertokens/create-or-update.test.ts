import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clientBody, newApp, newTenantId, stClient, uniqueEntityId } from './helpers'
import { sha256Hex } from '../../src/domain/secrets'
import { bare, BINDING_POST, BINDING_REDIRECT } from '../helpers/idp-metadata'
import { toBase64 } from '../helpers/test-idp'
import { idpCertPem, idpMetadataXml, pem, rolloverCertPem } from '../helpers/keys'

const CALLBACK = 'https://app.example.com/auth/callback/saml'

// saml-edge extensions on the client JSON: the per-connection SP URLs an admin gives the IdP.
const SP_URLS = {
  spEntityId: expect.stringMatching(/\/saml\/samlc_[0-9A-Za-z]{27}$/),
  spMetadataUrl: expect.stringMatching(/\/v1\/saml\/metadata\/samlc_[0-9A-Za-z]{27}\.xml$/),
  acsUrl: expect.stringMatching(/\/v1\/saml\/acs\/samlc_[0-9A-Za-z]{27}$/),
}

const storedSecretHash = async (instanceId: string, clientId: string) =>
  (await env.DB.prepare('SELECT client_secret_hash AS h FROM saml_connections WHERE instance_id = ? AND client_id = ?').bind(instanceId, clientId).first<{ h: string | null }>())?.h

describe('PUT /recipe/saml/clients', () => {
  it('creates a client with a generated st_saml_ id and returns it with the IdP settings read from the metadata', async () => {
    const { apiKey } = await newApp()
    const entityId = uniqueEntityId()
    const res = await stClient(apiKey).put(clientBody({}, { entityId, ssoUrl: 'https://idp.example.com/sso/redirect', bindings: [BINDING_REDIRECT] }))

    expect(res.status).toBe(200)
    expect(res.contentType).toBe('application/json; charset=UTF-8')
    expect(res.body).toEqual({
      clientId: expect.stringMatching(/^st_saml_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      defaultRedirectURI: CALLBACK,
      redirectURIs: [CALLBACK],
      idpEntityId: entityId,
      idpSsoUrl: 'https://idp.example.com/sso/redirect',
      idpCertificate: pem(idpCertPem),
      idpSigningCertificate: bare(idpCertPem),
      allowIDPInitiatedLogin: false,
      enableRequestSigning: true,
      ...SP_URLS,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      status: 'OK',
    })
    expect(res.body.createdAt).toBe(res.body.updatedAt)
  })

  it('generates a different clientId for every client', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const a = await st.put(clientBody())
    const b = await st.put(clientBody())
    expect(a.body.clientId).toMatch(/^st_saml_/)
    expect(b.body.clientId).toMatch(/^st_saml_/)
    expect(a.body.clientId).not.toBe(b.body.clientId)
  })

  it('creates a client under a supplied clientId, with the flags and secret given', async () => {
    const { apiKey, instanceId } = await newApp()
    const res = await stClient(apiKey).put(
      clientBody({
        clientId: 'okta-acme',
        clientSecret: 's3cret',
        redirectURIs: [CALLBACK, 'http://localhost:3000/auth/callback/saml'],
        allowIDPInitiatedLogin: true,
        enableRequestSigning: false,
      }),
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      clientId: 'okta-acme',
      clientSecret: 's3cret',
      redirectURIs: [CALLBACK, 'http://localhost:3000/auth/callback/saml'],
      allowIDPInitiatedLogin: true,
      enableRequestSigning: false,
      status: 'OK',
    })
    // Only the hash is stored; the list never shows the secret (see docs/compat/supertokens.md).
    expect(await storedSecretHash(instanceId, 'okta-acme')).toBe(await sha256Hex('s3cret'))
    const listed = await stClient(apiKey).list()
    expect(listed.body.clients[0]).not.toHaveProperty('clientSecret')
  })

  it('updates the client with that clientId in place, keeping createdAt and the id', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const created = await st.put(clientBody({ clientSecret: 'first' }))
    await new Promise((r) => setTimeout(r, 5))
    const entityId = uniqueEntityId()
    const updated = await st.put({
      clientId: created.body.clientId,
      redirectURIs: ['https://other.example.com/cb', 'https://other.example.com/cb2'],
      defaultRedirectURI: 'https://other.example.com/cb2',
      metadataXML: toBase64(idpMetadataXml({ entityId, ssoUrl: 'https://idp2.example.com/sso', certs: [rolloverCertPem] })),
      allowIDPInitiatedLogin: true,
    })

    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({
      clientId: created.body.clientId,
      defaultRedirectURI: 'https://other.example.com/cb2',
      redirectURIs: ['https://other.example.com/cb', 'https://other.example.com/cb2'],
      idpEntityId: entityId,
      idpSsoUrl: 'https://idp2.example.com/sso',
      idpCertificate: pem(rolloverCertPem),
      idpSigningCertificate: bare(rolloverCertPem),
      allowIDPInitiatedLogin: true,
      enableRequestSigning: true,
      ...SP_URLS,
      createdAt: created.body.createdAt,
      updatedAt: expect.any(Number),
      status: 'OK',
    })
    expect(updated.body.updatedAt).toBeGreaterThan(created.body.updatedAt)

    const listed = await st.list()
    expect(listed.body.clients).toHaveLength(1)
    const { status: _status, ...client } = updated.body
    expect(listed.body.clients[0]).toEqual(client)
  })

  it('replaces the whole client: omitted secret and flags go back to their defaults', async () => {
    const { apiKey, instanceId } = await newApp()
    const st = stClient(apiKey)
    const first = await st.put(clientBody({ clientId: 'full-replace', clientSecret: 'x', allowIDPInitiatedLogin: true, enableRequestSigning: false }))
    expect(await storedSecretHash(instanceId, 'full-replace')).not.toBeNull()

    const second = await st.put(clientBody({ clientId: 'full-replace' }))
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({ allowIDPInitiatedLogin: false, enableRequestSigning: true, createdAt: first.body.createdAt })
    expect(second.body).not.toHaveProperty('clientSecret')
    expect(await storedSecretHash(instanceId, 'full-replace')).toBeNull()
  })

  it('accepts a re-PUT of the same client with the same IdP entity id', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const body = clientBody({ clientId: 'same' })
    expect((await st.put(body)).status).toBe(200)
    const again = await st.put(body)
    expect(again.status).toBe(200)
    expect(again.body.status).toBe('OK')
  })

  it('turns concurrent creates of one clientId into one client', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const results = await Promise.all(Array.from({ length: 5 }, () => st.put(clientBody({ clientId: 'racy' }))))
    expect(results.map((r) => r.body.status)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK'])
    const listed = await st.list()
    expect(listed.body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['racy'])
    expect(new Set(results.map((r) => r.body.createdAt)).size).toBe(1)
  })

  it('accepts metadata with several signing certificates and serves the first as the primary one', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).put(clientBody({}, { certs: [rolloverCertPem, idpCertPem] }))
    expect(res.status).toBe(200)
    expect(res.body.idpSigningCertificate).toBe(bare(rolloverCertPem))
  })

  it('accepts metadata whose only SSO endpoint uses the HTTP-POST binding', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).put(clientBody({}, { bindings: [BINDING_POST], ssoUrl: 'https://idp.example.com/post' }))
    expect(res.status).toBe(200)
    expect(res.body.idpSsoUrl).toBe('https://idp.example.com/post')
  })

  it('reads metadataXML without base64 padding, as the core does', async () => {
    const { apiKey } = await newApp()
    const body = clientBody()
    const unpadded = { ...body, metadataXML: body.metadataXML.replace(/=+$/, '') }
    expect((await stClient(apiKey).put(unpadded)).status).toBe(200)
  })

  it('ignores unknown fields, as the core does', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).put(clientBody({ spEntityId: 'https://sp.example.com', somethingNew: 1 }))
    expect(res.status).toBe(200)
    expect(res.body).not.toHaveProperty('somethingNew')
    expect(res.body.spEntityId).not.toBe('https://sp.example.com')
  })

  it('reads any Content-Type as JSON, as the core does', async () => {
    const { apiKey } = await newApp()
    const res = await stClient(apiKey).put(JSON.stringify(clientBody()), { 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(200)
  })
})

describe('PUT /recipe/saml/clients: one IdP entity id per tenant', () => {
  it('answers DUPLICATE_IDP_ENTITY_ERROR when another client of the tenant has the entity id, and changes nothing', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const entityId = uniqueEntityId()
    const a = await st.put(clientBody({ clientId: 'a' }, { entityId }))
    expect(a.status).toBe(200)

    const dup = await st.put(clientBody({ clientId: 'b' }, { entityId }))
    expect(dup.status).toBe(200)
    expect(dup.contentType).toBe('application/json; charset=UTF-8')
    expect(dup.body).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })

    const dupGenerated = await st.put(clientBody({}, { entityId }))
    expect(dupGenerated.body).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })

    const listed = await st.list()
    expect(listed.body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['a'])
  })

  it('refuses to update client A to the entity id of client B, and leaves A as it was', async () => {
    const { apiKey } = await newApp()
    const st = stClient(apiKey)
    const entityA = uniqueEntityId()
    const entityB = uniqueEntityId()
    const a = await st.put(clientBody({ clientId: 'a', allowIDPInitiatedLogin: true }, { entityId: entityA }))
    await st.put(clientBody({ clientId: 'b' }, { entityId: entityB }))

    const res = await st.put(clientBody({ clientId: 'a', redirectURIs: ['https://changed.example.com/cb'], defaultRedirectURI: 'https://changed.example.com/cb' }, { entityId: entityB }))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })

    const listed = await st.list()
    const { status: _status, ...unchangedA } = a.body
    expect(listed.body.clients.find((c: { clientId: string }) => c.clientId === 'a')).toEqual(unchangedA)
  })

  it('lets another tenant, app or instance use the same IdP entity id', async () => {
    const { apiKey, instanceId } = await newApp()
    const acme = await newApp({ instanceId, appId: 'acme' })
    const other = await newApp()
    const entityId = uniqueEntityId()
    expect((await stClient(apiKey).put(clientBody({}, { entityId }))).body.status).toBe('OK')
    expect((await stClient(apiKey, `/${newTenantId()}`).put(clientBody({}, { entityId }))).body.status).toBe('OK')
    expect((await stClient(acme.apiKey, '/appid-acme').put(clientBody({}, { entityId }))).body.status).toBe('OK')
    expect((await stClient(other.apiKey).put(clientBody({}, { entityId }))).body.status).toBe('OK')
  })
})
