import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { idpCertPem, idpMetadataXml, rolloverCertPem } from '../helpers/keys'
import { bare } from '../helpers/idp-metadata'

let api: ReturnType<typeof clerkClient>
beforeEach(async () => {
  api = clerkClient((await newInstance()).secretKey)
})

describe('GET /v1/saml_connections/{id}', () => {
  it('returns the connection as created', async () => {
    const created = await api.create(connectionInput())
    const res = await api.get(created.body.id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(created.body)
  })

  it('returns 404 resource_not_found for an unknown id, and for another instance’s id', async () => {
    const other = clerkClient((await newInstance()).secretKey)
    const theirs = await other.create(connectionInput())
    for (const id of ['samlc_0000000000000000000000000000', theirs.body.id, 'not-even-an-id']) {
      const res = await api.get(id)
      expect(res.status).toBe(404)
      expect(res.body.errors[0].code).toBe('resource_not_found')
    }
  })
})

describe('PATCH /v1/saml_connections/{id}', () => {
  it('changes only the given fields and bumps updated_at', async () => {
    const created = (await api.create(connectionInput({ name: 'Before', organization_id: 'org_x' }))).body
    await new Promise((r) => setTimeout(r, 5))
    const res = await api.update(created.id, { name: 'After', sync_user_attributes: false, attribute_mapping: { user_id: 'uid' } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ...created,
      name: 'After',
      sync_user_attributes: false,
      attribute_mapping: { ...created.attribute_mapping, user_id: 'uid' },
      updated_at: res.body.updated_at,
    })
    expect(res.body.updated_at).toBeGreaterThan(created.updated_at)
    expect((await api.get(created.id)).body).toEqual(res.body)
  })

  it('treats an empty body and {} as a no-op', async () => {
    const created = (await api.create(connectionInput())).body
    const empty = await api.update(created.id)
    expect(empty.status).toBe(200)
    expect({ ...empty.body, updated_at: 0 }).toEqual({ ...created, updated_at: 0 })
    expect((await api.update(created.id, {})).status).toBe(200)
  })

  it('clears nullable fields with null, and unsets the organization with ""', async () => {
    const created = (await api.create(connectionInput({ idp_entity_id: 'https://e', idp_certificate: idpCertPem, organization_id: 'org_9', attribute_mapping: { email_address: 'mail' } }))).body
    const res = await api.update(created.id, { idp_entity_id: null, idp_certificate: null, attribute_mapping: null })
    expect(res.body.idp_entity_id).toBeNull()
    expect(res.body.idp_certificate).toBeNull()
    expect(res.body.idp_certificates).toEqual([])
    expect(res.body.attribute_mapping).toEqual({ user_id: '', email_address: '', first_name: '', last_name: '' })
    expect((await api.update(created.id, { organization_id: '' })).body.organization_id).toBeNull()
  })

  it('replaces the domain set with domains, and ignores null or empty domains', async () => {
    const created = (await api.create(connectionInput({ domains: ['one-upd.com', 'two-upd.com'], domain: undefined }))).body
    expect((await api.update(created.id, { domains: ['three-upd.com'] })).body.domains).toEqual(['three-upd.com'])
    expect((await api.update(created.id, { domains: [] })).body.domains).toEqual(['three-upd.com'])
    expect((await api.update(created.id, { domains: null })).body.domains).toEqual(['three-upd.com'])
    // the freed domain can be used again
    expect((await api.create(connectionInput({ domain: 'one-upd.com' }))).status).toBe(200)
  })

  it('activates once the IdP settings are complete, and refuses before', async () => {
    const created = (await api.create(connectionInput())).body
    const refused = await api.update(created.id, { active: true })
    expect(refused.status).toBe(422)
    expect(refused.body.errors[0].code).toBe('saml_connection_cant_be_activated')
    expect((await api.get(created.id)).body.active).toBe(false)
    const ok = await api.update(created.id, { active: true, idp_metadata: idpMetadataXml({ entityId: `https://idp-${created.id}` }) })
    expect(ok.status).toBe(200)
    expect(ok.body.active).toBe(true)
    // removing the certificate of an active connection is refused too
    expect((await api.update(created.id, { idp_certificates: null })).status).toBe(422)
  })

  it('accepts provider and idp_certificates, which @clerk/backend sends on update', async () => {
    const created = (await api.create(connectionInput())).body
    const res = await api.update(created.id, { provider: 'saml_google', idp_certificates: [rolloverCertPem] })
    expect(res.status).toBe(200)
    expect(res.body.provider).toBe('saml_google')
    expect(res.body.idp_certificate).toBe(bare(rolloverCertPem))
  })

  it('returns 422 form_identifier_exists when taking another connection’s domain, and changes nothing', async () => {
    const a = (await api.create(connectionInput({ domain: 'a-clash.com' }))).body
    const b = (await api.create(connectionInput({ domain: 'b-clash.com', name: 'B' }))).body
    const res = await api.update(b.id, { domains: ['a-clash.com'], name: 'B2' })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('form_identifier_exists')
    expect((await api.get(b.id)).body).toEqual(b)
    expect((await api.get(a.id)).body.domains).toEqual(['a-clash.com'])
  })

  it('returns 422 for a wrong type and 404 for an unknown id', async () => {
    const created = (await api.create(connectionInput())).body
    const bad = await api.update(created.id, { active: 'yes' })
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0]).toMatchObject({ code: 'form_param_type_invalid', meta: { param_name: 'active' } })
    expect((await api.update('samlc_0000000000000000000000000000', { name: 'x' })).status).toBe(404)
  })

  it('updates the KV edge copy', async () => {
    const created = (await api.create(connectionInput())).body
    await api.update(created.id, { name: 'Renamed at the edge' })
    const copy = await env.KV.get<{ connection: { name: string } }>(`conn:${created.id}`, 'json')
    expect(copy?.connection.name).toBe('Renamed at the edge')
  })
})

describe('DELETE /v1/saml_connections/{id}', () => {
  it('returns the deleted object, removes the record, its domains and its edge copy', async () => {
    const created = (await api.create(connectionInput({ domain: 'gone-del.com' }))).body
    const res = await api.remove(created.id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ object: 'saml_connection', id: created.id, deleted: true })
    expect((await api.get(created.id)).status).toBe(404)
    expect(await env.KV.get(`conn:${created.id}`)).toBeNull()
    expect((await api.create(connectionInput({ domain: 'gone-del.com' }))).status).toBe(200)
  })

  it('returns 404 for an unknown id and for a second delete', async () => {
    const created = (await api.create(connectionInput())).body
    expect((await api.remove(created.id)).status).toBe(200)
    const again = await api.remove(created.id)
    expect(again.status).toBe(404)
    expect(again.body.errors[0].code).toBe('resource_not_found')
  })
})
