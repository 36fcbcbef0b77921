import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { expiredCertPem, idpCertPem, idpMetadataXml, rolloverCertPem } from '../helpers/keys'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { bare } from '../helpers/idp-metadata'
import { ORIGIN } from '../helpers/http'

let api: ReturnType<typeof clerkClient>
beforeEach(async () => {
  api = clerkClient((await newInstance()).secretKey)
})

describe('POST /v1/saml_connections', () => {
  it('returns 200 and the whole connection object with defaults and SP URLs', async () => {
    const before = Date.now()
    const res = await api.create({ name: 'Acme SSO', provider: 'saml_okta', domain: 'Acme.COM' })
    const after = Date.now()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const c = res.body
    expect(c.id).toMatch(/^samlc_[0-9A-Za-z]{27}$/)
    expect(c).toEqual({
      object: 'saml_connection',
      id: c.id,
      name: 'Acme SSO',
      domain: 'acme.com',
      domains: ['acme.com'],
      idp_entity_id: null,
      idp_sso_url: null,
      idp_sso_binding: 'redirect',
      idp_certificate: null,
      idp_certificate_issued_at: null,
      idp_certificate_expires_at: null,
      idp_certificates: [],
      idp_metadata_url: null,
      idp_metadata: null,
      acs_url: `${ORIGIN}/v1/saml/acs/${c.id}`,
      sp_entity_id: `${ORIGIN}/saml/${c.id}`,
      sp_metadata_url: `${ORIGIN}/v1/saml/metadata/${c.id}.xml`,
      organization_id: null,
      attribute_mapping: { user_id: '', email_address: '', first_name: '', last_name: '' },
      active: false,
      provider: 'saml_okta',
      user_count: 0,
      sync_user_attributes: true,
      allow_subdomains: false,
      allow_idp_initiated: false,
      disable_additional_identifications: false,
      allow_organization_account_linking: false,
      authenticatable: false,
      force_authn: false,
      login_hint: { mode: 'email_address' },
      disable_jit_provisioning: false,
      enterprise_connection_id: `entconn_${c.id.slice('samlc_'.length)}`,
      custom_attributes: [],
      redirect_uris: [],
      enable_request_signing: true,
      allow_sha1_signatures: false,
      require_encrypted_assertions: false,
      want_assertions_signed: false,
      name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      created_at: c.created_at,
      updated_at: c.created_at,
    })
    // Stamped by the request itself: between the moments before and after it.
    expect(c.created_at).toBeGreaterThanOrEqual(before)
    expect(c.created_at).toBeLessThanOrEqual(after)
  })

  it('reads certificate validity from the X.509 body, for each of several certificates', async () => {
    const res = await api.create(connectionInput({ idp_certificates: [idpCertPem, bare(rolloverCertPem)] }))
    expect(res.status).toBe(200)
    expect(res.body.idp_certificate).toBe(bare(idpCertPem))
    expect(res.body.idp_certificates.map((c: any) => c.certificate)).toEqual([bare(idpCertPem), bare(rolloverCertPem)])
    for (const c of res.body.idp_certificates) {
      expect(c.issued_at).toBeTypeOf('number')
      expect(c.expires_at).toBeGreaterThan(c.issued_at)
    }
    expect(res.body.idp_certificate_expires_at).toBe(res.body.idp_certificates[0].expires_at)
  })

  it('stores an expired certificate with its real dates (2019)', async () => {
    const res = await api.create(connectionInput({ idp_certificate: expiredCertPem }))
    expect(res.status).toBe(200)
    expect(res.body.idp_certificate_issued_at).toBe(Date.UTC(2019, 0, 1))
    expect(res.body.idp_certificate_expires_at).toBe(Date.UTC(2019, 11, 31))
  })

  it('takes entity id, SSO URL and certificates from idp_metadata over the individual fields', async () => {
    const res = await api.create(
      connectionInput({
        idp_entity_id: 'https://ignored.example.com',
        idp_sso_url: 'https://ignored.example.com/sso',
        idp_metadata: idpMetadataXml({ certs: [idpCertPem, rolloverCertPem] }),
      }),
    )
    expect(res.status).toBe(200)
    expect(res.body.idp_entity_id).toBe('https://idp.example.com/metadata')
    expect(res.body.idp_sso_url).toBe('https://idp.example.com/sso')
    expect(res.body.idp_certificates).toHaveLength(2)
    expect(res.body.idp_metadata).toContain('EntityDescriptor')
  })

  it('can be created active when the IdP settings are complete', async () => {
    const res = await api.create(connectionInput({ idp_metadata: idpMetadataXml(), active: true, allow_idp_initiated: true }))
    expect(res.status).toBe(200)
    expect(res.body.active).toBe(true)
    expect(res.body.allow_idp_initiated).toBe(true)
  })

  it('merges domain and domains, lower-cased and deduplicated', async () => {
    const res = await api.create({ name: 'x', provider: 'saml_custom', domain: 'a-merge.com', domains: ['B-merge.com', 'a-merge.com'] })
    expect(res.status).toBe(200)
    expect(res.body.domains).toEqual(['a-merge.com', 'b-merge.com'])
    expect(res.body.domain).toBe('a-merge.com')
  })

  it('accepts the idp_certificates array and Clerk-API-Version header that @clerk/backend sends', async () => {
    const res = await api.call('POST', '/v1/saml_connections', connectionInput({ idp_certificates: [idpCertPem] }), { 'clerk-api-version': '2026-05-12' })
    expect(res.status).toBe(200)
  })

  it('writes the KV edge copy after the D1 write, and leaves no outbox entry behind', async () => {
    const res = await api.create(connectionInput())
    const copy = await env.KV.get<{ v: number; connection: { id: string; name: string } }>(`conn:${res.body.id}`, 'json')
    expect(copy?.v).toBe(1)
    expect(copy?.connection.name).toBe(res.body.name)
    const pending = await env.DB.prepare('SELECT COUNT(*) AS n FROM kv_sync_outbox WHERE connection_id = ?').bind(res.body.id).first<{ n: number }>()
    expect(pending?.n).toBe(0)
  })
})
