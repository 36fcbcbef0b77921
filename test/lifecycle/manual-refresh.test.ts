import { describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, freshInstanceEachTest, newInstance } from '../helpers/clerk'
import { send } from '../helpers/http'
import { bare } from '../helpers/idp-metadata'
import { idpCertPem, idpMetadataXml, rolloverCertPem } from '../helpers/keys'
import { documentName, documentStats, documentUrl, eventsOf, metadataFor, publish, refreshRow } from './lifecycle.helpers'

const clerk = freshInstanceEachTest()
const refresh = (id: string, api = clerk.api) => api.call('POST', `/v1/saml_connections/${id}/refresh_metadata`)

async function connectionFromUrl() {
  const name = documentName('manual')
  const entityId = `https://idp.example.com/${name}`
  await publish(name, metadataFor(entityId, [idpCertPem]))
  const res = await clerk.api.create(connectionInput({ idp_metadata_url: documentUrl(name) }))
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return { name, entityId, id: res.body.id as string, created: res.body }
}

describe('POST /v1/saml_connections/{id}/refresh_metadata', () => {
  it('fetches now and answers the refreshed connection in the Clerk view', async () => {
    const { id, name, entityId, created } = await connectionFromUrl()
    await publish(name, metadataFor(entityId, [rolloverCertPem, idpCertPem]))
    const res = await refresh(id)
    expect(res.status).toBe(200)
    expect(res.body.object).toBe('saml_connection')
    expect(res.body.idp_certificates.map((c: { certificate: string }) => c.certificate)).toEqual([bare(rolloverCertPem), bare(idpCertPem)])
    expect(res.body.updated_at).toBeGreaterThan(created.updated_at)
    expect((await clerk.api.get(id)).body).toEqual(res.body)
    expect((await eventsOf(id)).map((e) => [e.type, e.data.trigger])).toEqual([
      ['saml_connection.updated', 'manual'],
      ['saml_connection.certificates_rotated', 'manual'],
    ])
  })

  it('answers the connection as it is when the document has not changed', async () => {
    const { id, name, created } = await connectionFromUrl()
    const before = (await documentStats(name)).fetches
    const res = await refresh(id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(created)
    expect((await documentStats(name)).fetches).toBe(before + 1)
    expect(await eventsOf(id)).toEqual([])
  })

  it('answers the fetch failure in the Clerk envelope, keeps the last good metadata and records the failure', async () => {
    const { id, name, created } = await connectionFromUrl()
    await publish(name, '', { status: 500 })
    const res = await refresh(id)
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatchObject({ code: 'saml_failed_to_fetch_idp_metadata', meta: { param_name: 'idp_metadata_url' } })
    expect((await clerk.api.get(id)).body).toEqual(created)
    expect((await eventsOf(id)).map((e) => [e.type, e.data.trigger, e.data.reason])).toEqual([['saml_connection.metadata_refresh_failed', 'manual', 'status 500']])
    expect((await refreshRow(id))?.failures).toBe(1)
  })

  it('answers 422 saml_failed_to_parse_idp_metadata when the URL serves something else', async () => {
    const { id, name } = await connectionFromUrl()
    await publish(name, '<html>maintenance</html>')
    const res = await refresh(id)
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('saml_failed_to_parse_idp_metadata')
  })

  it('answers a clear 422 for a connection without a metadata URL, fetching nothing', async () => {
    const res = await clerk.api.create(connectionInput({ idp_metadata: idpMetadataXml({ entityId: `https://idp.example.com/${crypto.randomUUID()}` }) }))
    const answer = await refresh(res.body.id)
    expect(answer.status).toBe(422)
    expect(answer.body.errors[0]).toMatchObject({ code: 'saml_connection_idp_metadata_url_missing', meta: { param_name: 'idp_metadata_url' } })
    expect(await eventsOf(res.body.id)).toEqual([])
  })

  it('is 404 for an unknown id, a malformed one and another instance\'s connection, and 401 without a key', async () => {
    const { id, name } = await connectionFromUrl()
    const before = (await documentStats(name)).fetches
    const other = clerkClient((await newInstance()).secretKey)
    for (const [answer, what] of [
      [await refresh(id, other), "another instance's"],
      [await refresh('samlc_000000000000000000000000000'), 'unknown'],
      [await refresh('not-an-id'), 'malformed'],
    ] as const) {
      expect(answer.status, what).toBe(404)
      expect(answer.body.errors[0].code, what).toBe('resource_not_found')
    }
    expect((await send(`/v1/saml_connections/${id}/refresh_metadata`, { method: 'POST' })).status).toBe(401)
    expect((await documentStats(name)).fetches).toBe(before)
  })
})
