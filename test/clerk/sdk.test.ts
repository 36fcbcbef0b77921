import { describe, expect, it } from 'vitest'
import { connectionInput, newInstance } from '../helpers/clerk'
import { createClerkClient, isClerkAPIResponseError } from '../helpers/clerk-sdk'
import { idpMetadataXml } from '../helpers/keys'
import { seedConnections } from '../helpers/store'
import { ORIGIN } from '../helpers/http'

// The real @clerk/backend client, every answer checked against both OpenAPI documents (test/helpers/clerk-sdk.ts).

async function sdk() {
  const { secretKey } = await newInstance()
  return createClerkClient({ secretKey, apiUrl: ORIGIN, telemetry: { disabled: true } }).samlConnections
}

describe('@clerk/backend samlConnections against saml-edge', () => {
  it('runs create, get, list, update and delete', async () => {
    const api = await sdk()
    const input = connectionInput()
    const created = await api.createSamlConnection({
      name: input.name,
      provider: 'saml_custom',
      domain: input.domain,
      idpMetadata: idpMetadataXml({ entityId: `https://idp.example.com/${input.domain}` }),
      attributeMapping: { emailAddress: 'mail', firstName: 'givenName' },
    })
    expect(created.id).toMatch(/^samlc_/)
    expect(created.domain).toBe(input.domain)
    expect(created.idpEntityId).toBe(`https://idp.example.com/${input.domain}`)
    expect(created.idpCertificates?.length).toBe(1)
    expect(created.attributeMapping).toEqual({ userId: '', emailAddress: 'mail', firstName: 'givenName', lastName: '' })
    expect(created.acsUrl).toBe(`${ORIGIN}/v1/saml/acs/${created.id}`)

    const fetched = await api.getSamlConnection(created.id)
    expect(fetched.name).toBe(input.name)
    expect(fetched.createdAt).toBe(created.createdAt)

    const page = await api.getSamlConnectionList({ limit: 10, query: input.name })
    expect(page.totalCount).toBe(1)
    expect(page.data[0]?.id).toBe(created.id)

    const updated = await api.updateSamlConnection(created.id, { name: 'Renamed', active: true, allowIdpInitiated: true })
    expect(updated.name).toBe('Renamed')
    expect(updated.active).toBe(true)
    expect(updated.allowIdpInitiated).toBe(true)

    const noop = await api.updateSamlConnection(created.id, {})
    expect(noop.name).toBe('Renamed')

    const deleted = (await api.deleteSamlConnection(created.id)) as unknown as { id: string; deleted: boolean; object: string }
    expect(deleted).toMatchObject({ object: 'saml_connection', id: created.id, deleted: true })
  })

  it('throws ClerkAPIResponseError 404 resource_not_found for a missing id', async () => {
    const api = await sdk()
    const err = await api.getSamlConnection('samlc_0000000000000000000000000000').catch((e: unknown) => e)
    expect(isClerkAPIResponseError(err)).toBe(true)
    if (!isClerkAPIResponseError(err)) return
    expect(err.status).toBe(404)
    expect(err.errors[0]?.code).toBe('resource_not_found')
    expect(err.clerkTraceId).toMatch(/^req_/)
  })

  it('throws 422 form_param_missing with paramName for a missing name', async () => {
    const api = await sdk()
    const err = await api.createSamlConnection({ provider: 'saml_custom', domain: 'sdk-missing.com' } as never).catch((e: unknown) => e)
    expect(isClerkAPIResponseError(err)).toBe(true)
    if (!isClerkAPIResponseError(err)) return
    expect(err.status).toBe(422)
    expect(err.errors[0]).toMatchObject({ code: 'form_param_missing', meta: { paramName: 'name' } })
  })

  it('walks every page of a 1,000-connection instance with no duplicates or gaps', async () => {
    const { instanceId, secretKey } = await newInstance()
    const api = createClerkClient({ secretKey, apiUrl: ORIGIN, telemetry: { disabled: true } }).samlConnections
    // Seeded in one D1 batch (creating is tested above and in test/clerk/create.test.ts), ten to a
    // millisecond, so the walk depends on the id tie-break.
    const ids = await seedConnections(instanceId, 1000, 10)

    const seen: string[] = []
    let total = -1
    for (let offset = 0; ; offset += 97) {
      const page = await api.getSamlConnectionList({ limit: 97, offset })
      total = page.totalCount
      seen.push(...page.data.map((c) => c.id))
      if (page.data.length < 97) break
    }
    expect(total).toBe(1000)
    expect(seen).toHaveLength(1000)
    expect(new Set(seen).size).toBe(1000)
    expect(seen).toEqual(ids)
  })
})
