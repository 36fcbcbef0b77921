import { describe, expect, it } from 'vitest'
import { clientBody, DEV_API_KEY, newApp, newTenantId, stClient, uniqueEntityId } from './helpers'
import { bare } from '../helpers/idp-metadata'
import { clerkClient, DEV_SECRET_KEY } from '../helpers/clerk'
import { idpCertPem, idpMetadataXml } from '../helpers/keys'
import { storeKey } from '../helpers/store'

/** What SuperTokens shows of a connection the Clerk style created: its SP side and times, as Clerk gave them. */
const spFieldsOf = (clerk: Record<string, unknown>) => ({
  spEntityId: clerk.sp_entity_id,
  spMetadataUrl: clerk.sp_metadata_url,
  acsUrl: clerk.acs_url,
  createdAt: clerk.created_at,
  updatedAt: clerk.updated_at,
})

/** One instance reachable through both styles: a SuperTokens API key (app public) and a Clerk secret key. */
async function bothStyles() {
  const { apiKey, instanceId } = await newApp()
  const secretKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
  await storeKey('clerk_secret_key', secretKey, instanceId)
  return { apiKey, st: stClient(apiKey), clerk: clerkClient(secretKey) }
}

const CALLBACK = 'https://app.example.com/auth/callback/saml'

describe('one connection model, two styles', () => {
  it('shows a SuperTokens-created client through the Clerk style (development keys)', async () => {
    const clientId = `st_cross_${crypto.randomUUID()}`
    const entityId = uniqueEntityId()
    const put = await stClient(DEV_API_KEY).put(clientBody({ clientId, allowIDPInitiatedLogin: true, enableRequestSigning: false, clientSecret: 'hidden' }, { entityId }))
    expect(put.body.status).toBe('OK')

    const found = await clerkClient(DEV_SECRET_KEY).list(`?query=${encodeURIComponent(clientId)}`)
    expect(found.status).toBe(200)
    expect(found.body.total_count).toBe(1)
    const conn = found.body.data[0]
    expect(conn).toMatchObject({
      object: 'saml_connection',
      id: expect.stringMatching(/^samlc_/),
      name: clientId,
      provider: 'saml_custom',
      domain: '',
      domains: [],
      idp_entity_id: entityId,
      idp_sso_url: 'https://idp.example.com/sso',
      idp_certificate: bare(idpCertPem),
      idp_metadata: idpMetadataXml({ entityId }),
      idp_metadata_url: null,
      organization_id: null,
      active: true,
      allow_idp_initiated: true,
      enable_request_signing: false,
      redirect_uris: [CALLBACK],
      created_at: put.body.createdAt,
      updated_at: put.body.updatedAt,
    })
    expect(JSON.stringify(conn)).not.toContain('hidden')
    expect((await clerkClient(DEV_SECRET_KEY).get(conn.id)).body.id).toBe(conn.id)
  })

  it('shows a Clerk-created connection through the SuperTokens style, with clientId = its samlc_ id (development keys)', async () => {
    const entityId = uniqueEntityId()
    const created = await clerkClient(DEV_SECRET_KEY).create({
      name: 'Acme via Clerk',
      provider: 'saml_okta',
      domain: `acme-${crypto.randomUUID().slice(0, 8)}.com`,
      idp_metadata: idpMetadataXml({ entityId }),
      allow_idp_initiated: true,
      redirect_uris: [CALLBACK],
    })
    expect(created.status).toBe(200)

    const listed = await stClient(DEV_API_KEY).list()
    const client = listed.body.clients.find((c: { clientId: string }) => c.clientId === created.body.id)
    expect(client).toEqual({
      clientId: created.body.id,
      defaultRedirectURI: null,
      redirectURIs: [CALLBACK],
      idpEntityId: entityId,
      idpSsoUrl: 'https://idp.example.com/sso',
      idpCertificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      idpSigningCertificate: bare(idpCertPem),
      allowIDPInitiatedLogin: true,
      enableRequestSigning: true,
      ...spFieldsOf(created.body),
    })
    // Clerk-created connections live in app public, tenant public only.
    expect((await stClient(DEV_API_KEY, `/${newTenantId()}`).list()).body.clients).toEqual([])
  })

  it('lets each style see the other\'s changes, and keeps fields only the other style knows', async () => {
    const { st, clerk } = await bothStyles()
    const created = await clerk.create({ name: 'Shared', provider: 'saml_custom', domain: `shared-${crypto.randomUUID().slice(0, 8)}.com`, attribute_mapping: { email_address: 'mail' } })
    expect(created.status).toBe(200)
    const id = created.body.id
    expect((await st.list()).body.clients).toEqual([
      {
        clientId: id,
        defaultRedirectURI: null,
        redirectURIs: [],
        idpEntityId: null,
        idpSsoUrl: null,
        idpCertificate: null,
        idpSigningCertificate: null,
        allowIDPInitiatedLogin: false,
        enableRequestSigning: true,
        ...spFieldsOf(created.body),
      },
    ])

    // SuperTokens PUT on the Clerk connection's id: a full replace of what SuperTokens sees.
    const entityId = uniqueEntityId()
    const put = await st.put(clientBody({ clientId: id, allowIDPInitiatedLogin: true }, { entityId }))
    expect(put.body).toMatchObject({ clientId: id, idpEntityId: entityId, createdAt: created.body.created_at, status: 'OK' })
    const afterPut = (await clerk.get(id)).body
    expect(afterPut).toMatchObject({
      id,
      name: 'Shared',
      domains: created.body.domains,
      attribute_mapping: { email_address: 'mail' },
      idp_entity_id: entityId,
      allow_idp_initiated: true,
      active: true,
      redirect_uris: [CALLBACK],
      created_at: created.body.created_at,
    })

    // A Clerk PATCH shows up in the SuperTokens list.
    const patched = await clerk.update(id, { allow_idp_initiated: false, redirect_uris: [CALLBACK, 'https://app.example.com/second'] })
    expect(patched.status).toBe(200)
    const listed = (await st.list()).body.clients
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ clientId: id, allowIDPInitiatedLogin: false, redirectURIs: [CALLBACK, 'https://app.example.com/second'], updatedAt: patched.body.updated_at })

    // Removing through SuperTokens removes it for Clerk too.
    expect((await st.remove(id)).body).toEqual({ status: 'OK', didExist: true })
    expect((await clerk.get(id)).status).toBe(404)
  })

  it('applies the one-entity-id-per-tenant rule across styles', async () => {
    const { apiKey, st, clerk } = await bothStyles()
    const entityId = uniqueEntityId()
    const viaClerk = await clerk.create({ name: 'Clerk first', provider: 'saml_custom', domain: `dup-${crypto.randomUUID().slice(0, 8)}.com`, idp_metadata: idpMetadataXml({ entityId }) })
    expect(viaClerk.status).toBe(200)
    expect((await st.put(clientBody({}, { entityId }))).body).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })
    // In another tenant the SuperTokens style may reuse it.
    expect((await stClient(apiKey, `/${newTenantId()}`).put(clientBody({}, { entityId }))).body.status).toBe('OK')

    // And the other way round: a SuperTokens client of tenant public holds its entity id against Clerk.
    const other = uniqueEntityId()
    expect((await st.put(clientBody({}, { entityId: other }))).body.status).toBe('OK')
    const viaClerkDup = await clerk.create({ name: 'Clerk second', provider: 'saml_custom', domain: `dup-${crypto.randomUUID().slice(0, 8)}.com`, idp_metadata: idpMetadataXml({ entityId: other }) })
    expect(viaClerkDup.status).toBe(422)
    expect(viaClerkDup.body.errors[0].code).toBe('form_identifier_exists')
  })

  it('removes a SuperTokens client when the Clerk style deletes the connection', async () => {
    const { st, clerk } = await bothStyles()
    await st.put(clientBody({ clientId: 'doomed' }))
    const [conn] = (await clerk.list()).body.data
    expect(conn.name).toBe('doomed')
    expect((await clerk.remove(conn.id)).status).toBe(200)
    expect((await st.list()).body.clients).toEqual([])
    expect((await st.remove('doomed')).body).toEqual({ status: 'OK', didExist: false })
  })
})
