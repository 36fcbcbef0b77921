import { describe, expect, it } from 'vitest'
import { clerkClient, newInstance } from '../helpers/clerk'
import { assertClerkPublished } from '../helpers/clerk-spec'
import { activeConnection, APP_CALLBACK, exchange, postToAcs, signedResponseXmlFor, startLogin } from '../helpers/sso'
import { storeKey } from '../helpers/store'
import { toBase64 } from '../helpers/test-idp'
import { callback, codeOf, loginAndAnswer, spEntityIdOf, tenantWithClient, userInfo } from '../supertokens/login-flow.helpers'

const entconn = (samlc: string) => `entconn_${samlc.slice('samlc_'.length)}`

/** A Clerk client whose enterprise-connection answers are also checked against Clerk's published schemas. */
function enterprise(secretKey: string) {
  const api = clerkClient(secretKey)
  const checked = async (method: string, path: string, body?: unknown) => {
    const a = await api.call(method, path, body)
    assertClerkPublished(method, path, a.status, a.body)
    return a
  }
  return {
    create: (body: unknown) => checked('POST', '/v1/enterprise_connections', body),
    get: (id: string) => checked('GET', `/v1/enterprise_connections/${id}`),
    update: (id: string, body: unknown) => checked('PATCH', `/v1/enterprise_connections/${id}`, body),
  }
}

const CUSTOM = [
  { name: 'Department', key: 'department', sso_path: 'dept' },
  { name: 'Groups', key: 'groups', sso_path: 'memberOf', multi_valued: true },
  { name: 'Cost centre', key: 'cost-centre', sso_path: 'urn:oid:2.5.4.11', scim_path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.costCenter' },
  { name: 'Not sent', key: 'absent', sso_path: 'nowhere', multi_valued: true },
  { name: 'SCIM only', key: 'scim_only', directory_path: 'title' },
]
const SENT = { mail: ['ada@acme.example'], dept: ['  Research ', 'Second'], memberOf: ['admins', ' ', 'eng'], 'urn:oid:2.5.4.11': ['CC-42'], title: ['Countess'] }

describe('custom_attributes on /enterprise_connections', () => {
  it('stores, returns, replaces and clears them; /saml_connections shows them too', async () => {
    const { secretKey } = await newInstance()
    const api = enterprise(secretKey)
    const created = await api.create({ name: 'Custom', provider: 'saml_custom', domains: [`custom-${crypto.randomUUID().slice(0, 8)}.com`], custom_attributes: CUSTOM })
    expect(created.status).toBe(201)
    const wire = [
      { name: 'Department', key: 'department', sso_path: 'dept', scim_path: '', directory_path: '', multi_valued: false },
      { name: 'Groups', key: 'groups', sso_path: 'memberOf', scim_path: '', directory_path: '', multi_valued: true },
      { name: 'Cost centre', key: 'cost-centre', sso_path: 'urn:oid:2.5.4.11', scim_path: CUSTOM[2]!.scim_path, directory_path: CUSTOM[2]!.scim_path, multi_valued: false },
      { name: 'Not sent', key: 'absent', sso_path: 'nowhere', scim_path: '', directory_path: '', multi_valued: true },
      { name: 'SCIM only', key: 'scim_only', sso_path: '', scim_path: 'title', directory_path: 'title', multi_valued: false },
    ]
    expect(created.body.custom_attributes).toEqual(wire)
    const id = created.body.id as string
    expect((await clerkClient(secretKey).get(created.body.saml_connection.id)).body.custom_attributes).toEqual(wire)

    // null leaves them, a new list replaces them, [] clears them.
    expect((await api.update(id, { custom_attributes: null, name: 'Renamed' })).body.custom_attributes).toEqual(wire)
    expect((await api.update(id, { custom_attributes: [CUSTOM[0]] })).body.custom_attributes).toEqual([wire[0]])
    expect((await api.update(id, { custom_attributes: [] })).body.custom_attributes).toEqual([])
  })

  it('refuses a repeated key, a key against Clerk\'s pattern, and different scim_path and directory_path, naming the param', async () => {
    const { secretKey } = await newInstance()
    const api = enterprise(secretKey)
    const id = (await api.create({ name: 'Refusals', provider: 'saml_custom', domains: [`refusals-${crypto.randomUUID().slice(0, 8)}.com`], custom_attributes: [CUSTOM[0]] })).body.id as string
    const cases: [unknown[], string, string][] = [
      [[CUSTOM[0], { name: 'Again', key: 'department' }], 'form_param_value_invalid', 'custom_attributes'],
      [[{ name: 'Underscore', key: '_private' }], 'form_param_format_invalid', 'custom_attributes.0.key'],
      [[{ name: 'Spaces', key: 'has space' }], 'form_param_format_invalid', 'custom_attributes.0.key'],
      [[{ name: '', key: 'empty_name' }], 'form_param_value_invalid', 'custom_attributes.0.name'],
      [[{ key: 'no_name' }], 'form_param_missing', 'custom_attributes.0.name'],
      [[CUSTOM[0], { name: 'Both', key: 'both', scim_path: 'a', directory_path: 'b' }], 'form_param_value_invalid', 'custom_attributes.1.directory_path'],
      [[{ name: 'Extra', key: 'extra', gjson: 'x' }], 'form_param_unknown', 'custom_attributes.0.gjson'],
    ]
    for (const [custom, code, param] of cases) {
      const res = await api.update(id, { custom_attributes: custom })
      expect([res.status, res.body.errors[0].code, res.body.errors[0].meta.param_name], JSON.stringify(custom)).toEqual([422, code, param])
    }
    expect((await api.get(id)).body.custom_attributes.map((a: { key: string }) => a.key)).toEqual(['department'])
  })
})

describe('custom attributes at sign-in', () => {
  it('puts the values at sso_path in the /v1/saml/token profile under key, an array when multi_valued', async () => {
    const { connection, entityId, secretKey } = await activeConnection()
    expect((await enterprise(secretKey).update(entconn(connection.id), { custom_attributes: CUSTOM })).status).toBe(200)
    const login = await startLogin({ connection_id: connection.id, redirect_uri: APP_CALLBACK })
    const xml = signedResponseXmlFor(connection as { sp_entity_id: string; acs_url: string }, entityId, login.requestId!, { nameId: 'ada@acme.example', attributes: SENT })
    const acs = await postToAcs(connection.id, toBase64(xml), login.relayState)
    expect(acs.status).toBe(302)
    const code = new URL(acs.headers.get('location')!).searchParams.get('code')!
    const profile = (await (await exchange(code, { secretKey })).json()) as Record<string, unknown>
    expect(profile.custom_attributes).toEqual({ department: 'Research', groups: ['admins', 'eng'], 'cost-centre': 'CC-42' })
    // The attributes themselves are all still there, as the IdP sent them.
    expect(profile.attributes).toEqual(SENT)
  })

  it('puts them in the SuperTokens claims, as arrays like every claim, never over NameID', async () => {
    const c = await tenantWithClient()
    const secretKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
    await storeKey('clerk_secret_key', secretKey, c.instanceId)
    const samlc = (await spEntityIdOf(c.clientId, c.tenantId)).split('/saml/')[1]!
    const custom = [...CUSTOM, { name: 'Shadow', key: 'NameID', sso_path: 'mail' }, { name: 'Over an attribute', key: 'mail', sso_path: 'dept' }]
    expect((await enterprise(secretKey).update(entconn(samlc), { custom_attributes: custom })).status).toBe(200)

    const { relayState, samlResponse } = await loginAndAnswer(c, {}, { attributes: SENT })
    const { code } = codeOf((await callback(c, { samlResponse, relayState })).body.redirectURI)
    const res = await userInfo(c, { accessToken: code, clientId: c.clientId })
    expect(res.body.status).toBe('OK')
    expect(res.body.claims).toEqual({
      NameID: ['ada@acme.example'],
      NameIDFormat: [expect.any(String)],
      mail: ['Research'],
      dept: ['Research', 'Second'],
      memberOf: ['admins', 'eng'],
      'urn:oid:2.5.4.11': ['CC-42'],
      title: ['Countess'],
      department: ['Research'],
      groups: ['admins', 'eng'],
      'cost-centre': ['CC-42'],
    })
    // sub and email come from what the IdP sent, before the custom keys.
    expect([res.body.sub, res.body.email]).toEqual(['ada@acme.example', 'ada@acme.example'])
  })
})
