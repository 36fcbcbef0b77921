import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import attackerCertPem from '../fixtures/keys/attacker.cert.pem?raw'
import spCertPem from '../fixtures/keys/sp.cert.pem?raw'
import { clerkClient, newInstance } from '../helpers/clerk'
import { checkedAnswers, clerkSdk, isClerkAPIResponseError } from '../helpers/clerk-sdk'
import { assertClerkPublished } from '../helpers/clerk-spec'
import { ORIGIN } from '../helpers/http'
import { bare } from '../helpers/idp-metadata'
import { expiredCertPem, idpCertPem, idpMetadataXml, rolloverCertPem } from '../helpers/keys'
import { seedConnections } from '../helpers/store'
import { clientBody, newApp, stClient, uniqueEntityId } from '../supertokens/helpers'

// Every answer the SDK gets is checked against both OpenAPI documents (test/helpers/clerk-sdk.ts).
let checkedBefore = 0
const checked = () => checkedAnswers() - checkedBefore

let instance: Awaited<ReturnType<typeof newInstance>>
let sdk: ReturnType<typeof clerkSdk>['enterpriseConnections']
beforeEach(async () => {
  instance = await newInstance()
  sdk = clerkSdk(instance.secretKey).enterpriseConnections
  checkedBefore = checkedAnswers()
})

const uniqueDomain = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}.com`
const samlcOf = (entconn: string) => `samlc_${entconn.slice('entconn_'.length)}`

/** What the SDK throws, as a ClerkAPIResponseError's status and first error. */
async function refusal(work: Promise<unknown>) {
  const err = await work.then(() => null, (e: unknown) => e)
  expect(isClerkAPIResponseError(err), String(err)).toBe(true)
  if (!isClerkAPIResponseError(err)) throw err
  return { status: err.status, code: err.errors[0]?.code, paramName: err.errors[0]?.meta?.paramName, trace: err.clerkTraceId }
}

describe('@clerk/backend enterpriseConnections against saml-edge', () => {
  it('creates from IdP metadata, gets, updates and deletes', async () => {
    const domain = uniqueDomain('meta')
    const entityId = uniqueEntityId()
    const before = Date.now()
    const created = await sdk.createEnterpriseConnection({
      name: 'Acme SSO',
      provider: 'saml_okta',
      domains: [domain.toUpperCase()],
      active: true,
      saml: { idpMetadata: idpMetadataXml({ entityId }), attributeMapping: { emailAddress: 'mail' }, allowSubdomains: true },
    })
    expect(created.id).toMatch(/^entconn_[0-9A-Za-z]{27}$/)
    expect(created).toMatchObject({ name: 'Acme SSO', provider: 'saml_okta', domains: [domain], active: true, authenticatable: true, organizationId: null, syncUserAttributes: true, disableJitProvisioning: false, oauthConfig: null })
    expect(created.createdAt).toBeGreaterThanOrEqual(before)
    const saml = created.samlConnection
    expect(saml).toMatchObject({
      id: samlcOf(created.id),
      name: 'Acme SSO',
      idpEntityId: entityId,
      idpSsoUrl: 'https://idp.example.com/sso',
      idpCertificate: bare(idpCertPem),
      acsUrl: `${ORIGIN}/v1/saml/acs/${samlcOf(created.id)}`,
      spEntityId: `${ORIGIN}/saml/${samlcOf(created.id)}`,
      spMetadataUrl: `${ORIGIN}/v1/saml/metadata/${samlcOf(created.id)}.xml`,
      active: true,
      allowSubdomains: true,
      allowIdpInitiated: false,
      forceAuthn: false,
      loginHint: { mode: 'email_address' },
    })
    expect(saml?.idpCertificates.map((c) => c.certificate)).toEqual([bare(idpCertPem)])

    const fetched = await sdk.getEnterpriseConnection(created.id)
    expect(fetched).toEqual(created)

    const updated = await sdk.updateEnterpriseConnection(created.id, {
      name: 'Renamed',
      syncUserAttributes: false,
      disableAdditionalIdentifications: true,
      organizationId: `org_${crypto.randomUUID().slice(0, 8)}`,
      saml: { forceAuthn: true, loginHint: { mode: 'off' }, attributeMapping: { firstName: 'givenName' } },
    })
    expect(updated).toMatchObject({ id: created.id, name: 'Renamed', syncUserAttributes: false, disableAdditionalIdentifications: true, domains: [domain] })
    expect(updated.organizationId).toMatch(/^org_/)
    expect(updated.samlConnection).toMatchObject({ name: 'Renamed', forceAuthn: true, loginHint: { mode: 'off' }, idpEntityId: entityId })
    expect(updated.updatedAt).toBeGreaterThanOrEqual(created.updatedAt)
    // The attribute mapping is not part of Clerk's nested object; /saml_connections shows it merged.
    expect((await clerkClient(instance.secretKey).get(samlcOf(created.id))).body.attribute_mapping).toEqual({ user_id: '', email_address: 'mail', first_name: 'givenName', last_name: '' })

    // An empty domain list and null fields change nothing, as Clerk documents.
    const same = await sdk.updateEnterpriseConnection(created.id, { domains: [], organizationId: null as never })
    expect(same).toMatchObject({ domains: [domain], organizationId: updated.organizationId })

    const deleted = (await sdk.deleteEnterpriseConnection(created.id)) as unknown as Record<string, unknown>
    expect(deleted).toMatchObject({ object: 'enterprise_connection', id: created.id, deleted: true })
    expect(await refusal(sdk.getEnterpriseConnection(created.id))).toMatchObject({ status: 404, code: 'resource_not_found' })
    expect(checked()).toBe(6)
  })

  it('creates from individual fields with several certificates; a write replaces the set', async () => {
    const entityId = uniqueEntityId()
    const created = await sdk.createEnterpriseConnection({
      name: 'Fields',
      provider: 'saml_custom',
      domains: [uniqueDomain('fields'), uniqueDomain('fields-b')],
      saml: { idpEntityId: entityId, idpSsoUrl: 'https://idp.example.com/fields/sso', idpCertificates: [idpCertPem, rolloverCertPem, expiredCertPem] },
    })
    const certs = created.samlConnection?.idpCertificates ?? []
    expect(certs.map((c) => c.certificate)).toEqual([idpCertPem, rolloverCertPem, expiredCertPem].map(bare))
    for (const c of certs) expect(c.expiresAt).toBeGreaterThan(c.issuedAt ?? Infinity)
    expect(created.samlConnection?.idpCertificate).toBe(bare(idpCertPem))
    expect(created.active).toBe(false)

    const five = [rolloverCertPem, idpCertPem, expiredCertPem, attackerCertPem, spCertPem]
    const atCap = await sdk.updateEnterpriseConnection(created.id, { active: true, saml: { idpCertificates: five } })
    expect(atCap.samlConnection?.idpCertificates.map((c) => c.certificate)).toEqual(five.map(bare))
    expect(atCap.active).toBe(true)

    const replaced = await sdk.updateEnterpriseConnection(created.id, { saml: { idpCertificates: [rolloverCertPem] } })
    expect(replaced.samlConnection?.idpCertificates.map((c) => c.certificate)).toEqual([bare(rolloverCertPem)])
    expect(replaced.samlConnection?.idpCertificate).toBe(bare(rolloverCertPem))
    // The deprecated single certificate replaces the set as well.
    const single = await sdk.updateEnterpriseConnection(created.id, { saml: { idpCertificate: idpCertPem } })
    expect(single.samlConnection?.idpCertificates.map((c) => c.certificate)).toEqual([bare(idpCertPem)])

    const sixth = await refusal(sdk.updateEnterpriseConnection(created.id, { saml: { idpCertificates: [...five, idpCertPem] } }))
    expect(sixth).toMatchObject({ status: 422, code: 'form_param_value_invalid', paramName: 'saml.idp_certificates' })
    const notX509 = await refusal(sdk.updateEnterpriseConnection(created.id, { saml: { idpCertificates: [idpCertPem, 'not a certificate'] } }))
    expect(notX509).toMatchObject({ status: 422, code: 'form_param_format_invalid', paramName: 'saml.idp_certificates' })
    expect((await sdk.getEnterpriseConnection(created.id)).samlConnection?.idpCertificates.map((c) => c.certificate)).toEqual([bare(idpCertPem)])
  })

  it('lists newest first with limit, offset, total_count and the organization_id and active filters', async () => {
    // Seeded in one D1 batch, three to a millisecond (so the id tie-break orders them); then a
    // third made active and every fifth linked to an organization of its own (Clerk allows one
    // connection per organization), in one more batch.
    const ids = await seedConnections(instance.instanceId, 300, 3)
    const active = ids.filter((_, i) => i % 3 === 0)
    const t = crypto.randomUUID().slice(0, 8)
    const orgOf = (i: number) => `org_${t}_${i}`
    await env.DB.batch([
      env.DB.prepare('UPDATE saml_connections SET active = 1 WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(active)),
      ...ids.flatMap((id, i) => (i % 5 === 0 ? [env.DB.prepare('UPDATE saml_connections SET organization_id = ? WHERE id = ?').bind(orgOf(i), id)] : [])),
    ])
    const entconn = (id: string) => `entconn_${id.slice('samlc_'.length)}`

    const first = await sdk.getEnterpriseConnectionList()
    expect(first.totalCount).toBe(300)
    expect(first.data.map((c) => c.id)).toEqual(ids.slice(0, 10).map(entconn))

    const seen: string[] = []
    for (let offset = 0; offset < 300; offset += 77) {
      const page = await sdk.getEnterpriseConnectionList({ limit: 77, offset })
      expect(page.totalCount).toBe(300)
      seen.push(...page.data.map((c) => c.id))
    }
    expect(seen).toEqual(ids.map(entconn))

    const activeOnly = await sdk.getEnterpriseConnectionList({ active: true, limit: 500 })
    expect([activeOnly.totalCount, activeOnly.data.map((c) => c.id)]).toEqual([100, active.map(entconn)])
    expect(activeOnly.data.every((c) => c.active)).toBe(true)
    // The SDK leaves out every falsy query value, `active: false` too; so that filter is sent by hand.
    const path = '/v1/enterprise_connections?active=false&limit=5&offset=10'
    const inactive = await clerkClient(instance.secretKey).call('GET', path)
    assertClerkPublished('GET', path, inactive.status, inactive.body)
    expect([inactive.body.total_count, inactive.body.data.map((c: { id: string }) => c.id)]).toEqual([200, ids.filter((_, i) => i % 3 !== 0).slice(10, 15).map(entconn)])

    // Connection 15 is active (15 % 3 == 0), connection 20 is not.
    const ofOrg = await sdk.getEnterpriseConnectionList({ organizationId: orgOf(20) })
    expect([ofOrg.totalCount, ofOrg.data.map((c) => [c.id, c.organizationId])]).toEqual([1, [[entconn(ids[20]!), orgOf(20)]]])
    expect((await sdk.getEnterpriseConnectionList({ organizationId: orgOf(15), active: true })).data.map((c) => c.id)).toEqual([entconn(ids[15]!)])
    expect((await sdk.getEnterpriseConnectionList({ organizationId: orgOf(20), active: true })).totalCount).toBe(0)
    expect((await sdk.getEnterpriseConnectionList({ organizationId: 'org_nobody' })).totalCount).toBe(0)
    expect(checked()).toBe(10)
  })

  it('answers 404 resource_not_found for ids that name no connection, and 422 naming the param', async () => {
    for (const id of ['entconn_0000000000000000000000000000', 'entconn_000000000000000000000000000', 'samlc_000000000000000000000000000', 'x']) {
      expect(await refusal(sdk.getEnterpriseConnection(id))).toMatchObject({ status: 404, code: 'resource_not_found', trace: expect.stringMatching(/^req_/) })
      expect(await refusal(sdk.updateEnterpriseConnection(id, { name: 'n' }))).toMatchObject({ status: 404, code: 'resource_not_found' })
      expect(await refusal(sdk.deleteEnterpriseConnection(id))).toMatchObject({ status: 404, code: 'resource_not_found' })
    }
    const base = { name: 'Refused', domains: [uniqueDomain('refused')] }
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'oidc_custom' }))).toMatchObject({ status: 422, code: 'form_param_value_invalid', paramName: 'provider' })
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom', oidc: { clientId: 'abc' } }))).toMatchObject({ status: 422, code: 'form_param_value_invalid', paramName: 'oidc' })
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom', domains: [] }))).toMatchObject({ status: 422, code: 'form_param_value_invalid', paramName: 'domains' })
    expect(await refusal(sdk.createEnterpriseConnection({ name: 'No domains', provider: 'saml_custom' } as never))).toMatchObject({ status: 422, code: 'form_param_missing', paramName: 'domains' })
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom', active: true }))).toMatchObject({ status: 422, code: 'saml_connection_cant_be_activated' })
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom', saml: { idpSsoUrl: 'ftp://idp.example.com' } }))).toMatchObject({ status: 422, paramName: 'saml.idp_sso_url' })
    expect(await refusal(sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom', saml: { idpMetadata: '<nope/>' } }))).toMatchObject({ status: 422, code: 'saml_failed_to_parse_idp_metadata' })
    const created = await sdk.createEnterpriseConnection({ ...base, provider: 'saml_custom' })
    expect(await refusal(sdk.updateEnterpriseConnection(created.id, { oidc: { discoveryUrl: 'https://idp.example.com' } }))).toMatchObject({ status: 422, code: 'form_param_value_invalid', paramName: 'oidc' })
    expect(await refusal(sdk.updateEnterpriseConnection(created.id, { authenticatable: false }))).toMatchObject({ status: 422, code: 'form_param_unknown', paramName: 'authenticatable' })
    const taken = await refusal(sdk.createEnterpriseConnection({ name: 'Same domain', provider: 'saml_custom', domains: base.domains }))
    expect(taken).toMatchObject({ status: 422, code: 'form_identifier_exists' })
    // The provider cannot change, as Clerk documents: sent on update, it is ignored.
    expect((await sdk.updateEnterpriseConnection(created.id, { provider: 'saml_google' })).provider).toBe('saml_custom')
  })
})

describe('one connection, three views', () => {
  it('shows an enterprise connection through /saml_connections and the SuperTokens style, and changes made there', async () => {
    const entityId = uniqueEntityId()
    const domain = uniqueDomain('views')
    const created = await sdk.createEnterpriseConnection({ name: 'Views', provider: 'saml_custom', domains: [domain], saml: { idpMetadata: idpMetadataXml({ entityId }) } })
    const clerk = clerkClient(instance.secretKey)
    const legacy = (await clerk.get(samlcOf(created.id))).body
    assertClerkPublished('GET', `/v1/saml_connections/${legacy.id}`, 200, legacy)
    expect(legacy).toMatchObject({ object: 'saml_connection', id: samlcOf(created.id), enterprise_connection_id: created.id, name: 'Views', domain, idp_entity_id: entityId, created_at: created.createdAt })

    const { apiKey } = await newApp({ instanceId: instance.instanceId })
    const st = stClient(apiKey)
    const client = (await st.list()).body.clients.find((c: { idpEntityId: string }) => c.idpEntityId === entityId)
    expect(client).toMatchObject({ clientId: samlcOf(created.id), acsUrl: legacy.acs_url, createdAt: created.createdAt })

    const changed = (await clerk.update(legacy.id, { name: 'Via saml_connections', allow_idp_initiated: true })).body
    const seen = await sdk.getEnterpriseConnection(created.id)
    expect(seen).toMatchObject({ name: 'Via saml_connections', updatedAt: changed.updated_at })
    expect(seen.samlConnection?.allowIdpInitiated).toBe(true)

    expect((await st.remove(samlcOf(created.id))).body).toEqual({ status: 'OK', didExist: true })
    expect(await refusal(sdk.getEnterpriseConnection(created.id))).toMatchObject({ status: 404 })
  })

  it('shows connections made through /saml_connections and the SuperTokens style as enterprise connections', async () => {
    const clerk = clerkClient(instance.secretKey)
    const made = (await clerk.create({ name: 'Old API', provider: 'saml_google', domain: uniqueDomain('old'), idp_certificates: [idpCertPem, rolloverCertPem] })).body
    const viaOld = await sdk.getEnterpriseConnection(made.enterprise_connection_id)
    expect(viaOld).toMatchObject({ id: `entconn_${made.id.slice('samlc_'.length)}`, name: 'Old API', provider: 'saml_google', domains: [made.domain], createdAt: made.created_at })
    expect(viaOld.samlConnection?.idpCertificates.map((c) => c.certificate)).toEqual([idpCertPem, rolloverCertPem].map(bare))

    const { apiKey } = await newApp({ instanceId: instance.instanceId })
    const entityId = uniqueEntityId()
    expect((await stClient(apiKey).put(clientBody({ clientId: 'st-view' }, { entityId }))).body.status).toBe('OK')
    const listed = await sdk.getEnterpriseConnectionList({ limit: 10 })
    expect(listed.totalCount).toBe(2)
    const fromSt = listed.data.find((c) => c.samlConnection?.idpEntityId === entityId)
    expect(fromSt).toMatchObject({ name: 'st-view', active: true, domains: [] })
    const renamed = await sdk.updateEnterpriseConnection(fromSt!.id, { domains: [uniqueDomain('st')] })
    expect((await stClient(apiKey).list()).body.clients.find((c: { clientId: string }) => c.clientId === 'st-view')).toMatchObject({ updatedAt: renamed.updatedAt })
  })
})
