import { beforeEach, describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { expiredCertPem, idpMetadataXml } from '../helpers/keys'

let api: ReturnType<typeof clerkClient>
beforeEach(async () => {
  api = clerkClient((await newInstance()).secretKey)
})

const codes = (body: any) => body.errors.map((e: any) => [e.code, e.meta?.param_name])

describe('POST /v1/saml_connections refusals', () => {
  it('returns 422 form_param_missing when name is absent, in the Clerk envelope', async () => {
    const res = await api.create({ provider: 'saml_custom', domain: 'x-missing.com' })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.body).toEqual({
      errors: [{ code: 'form_param_missing', message: 'is missing', long_message: 'name must be included.', meta: { param_name: 'name' } }],
      meta: {},
      clerk_trace_id: expect.stringMatching(/^req_/),
    })
    expect(res.headers.get('x-request-id')).toBe(res.body.clerk_trace_id)
  })

  it('returns 422 form_param_missing for an empty body (the SDK sends none for {})', async () => {
    const res = await api.call('POST', '/v1/saml_connections', undefined)
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual(expect.arrayContaining([['form_param_missing', 'name'], ['form_param_missing', 'provider']]))
  })

  it('returns 422 form_param_missing with param_names when neither domain nor domains is given', async () => {
    const res = await api.create({ name: 'n', provider: 'saml_custom' })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('form_param_missing')
    expect(res.body.errors[0].meta).toEqual({ param_names: ['domain', 'domains'] })
  })

  it('returns 422 form_param_value_invalid for an unknown provider', async () => {
    const res = await api.create(connectionInput({ provider: 'saml_nope' }))
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual([['form_param_value_invalid', 'provider']])
  })

  it('returns 422 form_param_type_invalid for a wrong JSON type', async () => {
    const res = await api.create(connectionInput({ name: 42 }))
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual([['form_param_type_invalid', 'name']])
  })

  it('returns 422 form_param_unknown for an unknown field', async () => {
    const res = await api.create(connectionInput({ colour: 'blue' }))
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual([['form_param_unknown', 'colour']])
  })

  it('returns 422 form_param_format_invalid for a malformed domain and URL', async () => {
    const res = await api.create(connectionInput({ domain: 'not a domain', idp_sso_url: 'javascript:alert(1)' }))
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual(expect.arrayContaining([['form_param_format_invalid', 'domain'], ['form_param_format_invalid', 'idp_sso_url']]))
  })

  it('returns 422 form_param_format_invalid for a garbage certificate', async () => {
    for (const cert of ['not base64 at all!', 'QUJDRA==', `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----`]) {
      const res = await api.create(connectionInput({ idp_certificate: cert }))
      expect(res.status).toBe(422)
      expect(codes(res.body)).toEqual([['form_param_format_invalid', 'idp_certificate']])
    }
  })

  it('returns 400 request_body_invalid for malformed JSON and for JSON that is not an object', async () => {
    for (const raw of ['{"name": ', '[1,2]', '"text"', 'null']) {
      const res = await api.call('POST', '/v1/saml_connections', raw)
      expect(res.status).toBe(400)
      expect(res.body.errors[0].code).toBe('request_body_invalid')
    }
  })

  it('returns 415 unsupported_content_type for a form body', async () => {
    const res = await api.call('POST', '/v1/saml_connections', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(415)
    expect(res.body.errors[0].code).toBe('unsupported_content_type')
  })

  it('returns 413 for a body over the size cap', async () => {
    const res = await api.create(connectionInput({ idp_metadata: 'x'.repeat(1024 * 1024 + 10) }))
    expect(res.status).toBe(413)
    expect(res.body.errors[0].code).toBe('request_body_too_large')
  })

  it('returns 422 saml_connection_cant_be_activated when IdP settings are missing, naming them', async () => {
    const res = await api.create(connectionInput({ active: true, idp_entity_id: 'https://idp.example.com' }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('saml_connection_cant_be_activated')
    expect(res.body.errors[0].long_message).toContain('IdP SSO URL')
  })

  it('refuses to activate with only an expired certificate', async () => {
    const res = await api.create(connectionInput({ active: true, idp_entity_id: 'https://idp.example.com', idp_sso_url: 'https://idp.example.com/sso', idp_certificate: expiredCertPem }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('saml_connection_cant_be_activated')
  })

  it('returns 422 saml_failed_to_parse_idp_metadata for broken or hostile metadata', async () => {
    const hostile = [
      '<not-closed',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&x;"/>',
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>',
      `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`,
      idpMetadataXml().replace(/entityID="[^"]*"/, ''),
    ]
    for (const xml of hostile) {
      const res = await api.create(connectionInput({ idp_metadata: xml }))
      expect(res.status, xml.slice(0, 60)).toBe(422)
      expect(res.body.errors[0].code).toBe('saml_failed_to_parse_idp_metadata')
    }
  })

  it('returns 422 form_identifier_exists when a domain already belongs to another connection', async () => {
    const first = await api.create(connectionInput({ domain: 'taken-domain.com' }))
    expect(first.status).toBe(200)
    const res = await api.create(connectionInput({ domain: 'TAKEN-domain.com' }))
    expect(res.status).toBe(422)
    expect(codes(res.body)).toEqual([['form_identifier_exists', 'domain']])
    expect((await api.list()).body.total_count).toBe(1)
  })

  it('returns 422 organization_already_has_sso_connection for a second connection of one organization', async () => {
    expect((await api.create(connectionInput({ organization_id: 'org_1' }))).status).toBe(200)
    const res = await api.create(connectionInput({ organization_id: 'org_1' }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('organization_already_has_sso_connection')
  })
})
