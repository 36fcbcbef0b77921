/**
 * Property tests for the Clerk-style API: whatever arrives at list/create/get/patch/delete, the answer
 * is never a 5xx, is either the documented 200 or a 4xx in the Clerk envelope, and a refused request
 * leaves the instance's rows in D1 exactly as they were.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { newInstance } from '../helpers/clerk'
import { idpCertPem, idpMetadataXml } from '../helpers/keys'
import { PROPERTY_TIMEOUT, anyBody, applyBodyMutations, bodyMutation, contentType, domainLike, mutateXml, nastyString, pathId, queryString, randomXml, runs, urlLike, xmlAttr, xmlMutations } from '../helpers/arbitraries'
import { snapshotInstance, type StoreSnapshot } from '../helpers/store'
import { captureLogs, expectClerkAnswer, expectClerkError, expectNoInternalErrors, expectNoPollution } from '../helpers/wire'
import { type Answer, send } from '../helpers/http'

const logs = captureLogs()
let instanceId: string
let secretKey: string
/** One connection with only the required fields, one active with full IdP settings. */
const ids: { plain: string; active: string } = { plain: '', active: '' }

function clerk(method: string, path: string, body?: string | Uint8Array, type = 'application/json', auth?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: auth ?? `Bearer ${secretKey}` }
  if (type) headers['content-type'] = type
  return send(path, { method, headers, ...(body === undefined ? {} : { body }) })
}

/** Sends, checks the envelope, and checks the store is unchanged unless the answer was a 200. */
async function expectSafe(kind: Parameters<typeof expectClerkAnswer>[1], request: () => Promise<Answer>, opts: { mayWrite: boolean } = { mayWrite: true }) {
  const before: StoreSnapshot = await snapshotInstance(instanceId)
  logs.take()
  const a = await request()
  expectClerkAnswer(a, kind)
  if (a.status !== 200 || !opts.mayWrite) expect(await snapshotInstance(instanceId)).toEqual(before)
  expectNoInternalErrors(logs.take())
  expectNoPollution()
  return a
}

const CREATE_KEYS = [
  'name', 'domain', 'domains', 'provider', 'idp_entity_id', 'idp_sso_url', 'idp_certificate', 'idp_certificates', 'idp_metadata_url',
  'idp_metadata', 'organization_id', 'attribute_mapping', 'force_authn', 'login_hint', 'active', 'sync_user_attributes', 'allow_subdomains',
  'allow_idp_initiated', 'disable_additional_identifications', 'allow_organization_account_linking', 'consent_verified_domains_deletion',
  'redirect_uris', 'enable_request_signing', 'allow_sha1_signatures',
]

/** A complete, valid create body; `tag` keeps its domain, organization and entity id unique. */
const validCreate = (tag: string) => ({
  name: `Fuzz ${tag}`,
  provider: 'saml_custom',
  domain: `d-${tag}.example.com`,
  domains: [`e-${tag}.example.com`],
  idp_entity_id: `https://idp.example.com/${tag}`,
  idp_sso_url: 'https://idp.example.com/sso',
  idp_certificate: idpCertPem,
  organization_id: `org_${tag}`,
  attribute_mapping: { user_id: 'uid', email_address: 'mail', first_name: 'givenName', last_name: 'sn' },
  login_hint: { mode: 'email_address' },
  force_authn: false,
  active: true,
  allow_subdomains: false,
  redirect_uris: ['https://app.example.com/cb'],
  enable_request_signing: true,
})

const tag = fc.uuid().map((u) => u.replace(/-/g, ''))
const mutations = fc.array(bodyMutation(CREATE_KEYS), { minLength: 1, maxLength: 3 })
const metadataText = fc.oneof(
  { arbitrary: fc.tuple(tag, xmlMutations).map(([t, ms]) => mutateXml(idpMetadataXml({ entityId: `https://idp.example.com/${t}` }), ms)), weight: 4 },
  { arbitrary: randomXml, weight: 1 },
)

beforeAll(async () => {
  ;({ instanceId, secretKey } = await newInstance())
  const plain = await clerk('POST', '/v1/saml_connections', JSON.stringify({ name: 'plain', provider: 'saml_custom', domain: 'plain.fuzz.example.com' }))
  const active = await clerk('POST', '/v1/saml_connections', JSON.stringify(validCreate('active')))
  expect([plain.status, active.status]).toEqual([200, 200])
  ids.plain = plain.body.id
  ids.active = active.body.id
})

describe('POST /v1/saml_connections', () => {
  it('answers any body with a 200 connection or a Clerk 4xx, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, contentType, async (body, type) => {
        await expectSafe('connection', () => clerk('POST', '/v1/saml_connections', body, type))
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)

  it('answers a valid body with one to three fields mutated the same way', async () => {
    await fc.assert(
      fc.asyncProperty(tag, mutations, async (t, ms) => {
        await expectSafe('connection', () => clerk('POST', '/v1/saml_connections', applyBodyMutations(validCreate(t), ms)))
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)

  it('answers mutated, hostile and random idp_metadata the same way', async () => {
    await fc.assert(
      fc.asyncProperty(tag, metadataText, async (t, xml) => {
        const { idp_entity_id: _e, idp_sso_url: _s, idp_certificate: _c, ...rest } = validCreate(t)
        await expectSafe('connection', () => clerk('POST', '/v1/saml_connections', JSON.stringify({ ...rest, idp_metadata: xml })))
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

describe('PATCH /v1/saml_connections/{id}', () => {
  const target = fc.constantFrom<'plain' | 'active'>('plain', 'active')

  it('answers any body with a 200 connection or a Clerk 4xx, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(target, anyBody, contentType, async (which, body, type) => {
        await expectSafe('connection', () => clerk('PATCH', `/v1/saml_connections/${ids[which]}`, body, type))
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)

  it('answers a valid update with fields mutated, and mutated idp_metadata, the same way', async () => {
    await fc.assert(
      fc.asyncProperty(target, tag, mutations, fc.option(metadataText), async (which, t, ms, xml) => {
        const { name, redirect_uris, attribute_mapping, login_hint } = validCreate(t)
        const valid = xml === null ? { name, redirect_uris, attribute_mapping, login_hint } : { name, idp_metadata: xml }
        await expectSafe('connection', () => clerk('PATCH', `/v1/saml_connections/${ids[which]}`, applyBodyMutations(valid, ms)))
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

/** A stored URL is one a browser may be sent to: absolute http(s), nothing invisible in it, already normalised. */
function expectStoredUrl(u: unknown) {
  if (u === null) return
  expect(u).toMatch(/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/u)
  expect(new URL(u as string).href).toBe(u)
}
const expectStoredUrls = (a: Answer) => {
  if (a.status !== 200) return
  for (const u of [a.body.idp_sso_url, a.body.idp_metadata_url, ...a.body.redirect_uris]) expectStoredUrl(u)
}

describe('URLs in create and update (idp_sso_url, idp_metadata_url, redirect_uris, the metadata SSO Location)', () => {
  const field = fc.constantFrom('idp_sso_url', 'idp_metadata_url', 'redirect_uris', 'metadata_location')
  const bodyWith = (t: string, which: string, url: string): Record<string, unknown> => {
    const valid = validCreate(t)
    if (which === 'redirect_uris') return { ...valid, redirect_uris: ['https://app.example.com/cb', url] }
    if (which !== 'metadata_location') return { ...valid, [which]: url }
    const { idp_entity_id: _e, idp_sso_url: _s, idp_certificate: _c, ...rest } = valid
    const xml = idpMetadataXml({ entityId: `https://idp.example.com/${t}` }).replace(/Location="[^"]*"/g, `Location="${xmlAttr(url)}"`)
    return { ...rest, idp_metadata: xml }
  }

  it('answers any URL with a 200 holding only rule-abiding, normalised URLs, or a Clerk 4xx that writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(tag, field, urlLike, async (t, which, url) => {
        expectStoredUrls(await expectSafe('connection', () => clerk('POST', '/v1/saml_connections', JSON.stringify(bodyWith(t, which, url)))))
      }),
      runs(80),
    )
  }, PROPERTY_TIMEOUT)

  it('does the same on update, leaving a refused connection as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<'plain' | 'active'>('plain', 'active'), field, urlLike, async (which, f, url) => {
        const { name: _n, domain: _d, domains: _ds, organization_id: _o, ...body } = bodyWith(crypto.randomUUID().replace(/-/g, ''), f, url)
        expectStoredUrls(await expectSafe('connection', () => clerk('PATCH', `/v1/saml_connections/${ids[which]}`, JSON.stringify(body))))
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)
})

/** A stored domain is a hostname as DNS writes it: lower-case ASCII (punycode), two labels or more, no trailing dot. */
const expectStoredDomains = (a: Answer) => {
  if (a.status !== 200) return
  for (const d of a.body.domains) {
    expect(d).toMatch(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/)
    expect(d.length).toBeLessThanOrEqual(253)
  }
}

describe('domains in create and update', () => {
  const placement = fc.constantFrom<'domain' | 'domains'>('domain', 'domains')

  it('answers any domain with a 200 holding normalised domains, or a Clerk 4xx that writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(tag, placement, domainLike, async (t, where, d) => {
        const valid = validCreate(t)
        const body = where === 'domain' ? { ...valid, domain: d } : { ...valid, domains: [...valid.domains, d] }
        expectStoredDomains(await expectSafe('connection', () => clerk('POST', '/v1/saml_connections', JSON.stringify(body))))
      }),
      runs(80),
    )
  }, PROPERTY_TIMEOUT)

  it('does the same on update, leaving a refused connection as it was', async () => {
    await fc.assert(
      fc.asyncProperty(placement, domainLike, async (where, d) => {
        const body = where === 'domain' ? { domain: d } : { domains: [d] }
        expectStoredDomains(await expectSafe('connection', () => clerk('PATCH', `/v1/saml_connections/${ids.plain}`, JSON.stringify(body))))
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /v1/saml_connections', () => {
  it('answers any query string with a 200 page or a 400, and never writes', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (q) => {
        const a = await expectSafe('list', () => clerk('GET', `/v1/saml_connections?${q}`), { mayWrite: false })
        if (a.status === 200) expect(a.body.total_count).toBeGreaterThanOrEqual(a.body.data.length)
        else expect(a.body.errors.every((e: { code: string }) => e.code === 'invalid_query_parameter_value'), a.text).toBe(true)
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET, PATCH and DELETE with hostile ids', () => {
  it('answer 4xx in the Clerk envelope and never write', async () => {
    const method = fc.constantFrom('GET', 'PATCH', 'DELETE')
    await fc.assert(
      fc.asyncProperty(method, pathId, async (m, id) => {
        const kind = m === 'DELETE' ? 'deleted' : 'connection'
        const a = await expectSafe(kind, () => clerk(m, `/v1/saml_connections/${id}`, m === 'PATCH' ? '{"name":"x"}' : undefined), { mayWrite: false })
        expect(a.status).not.toBe(200)
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

describe('every endpoint with a hostile Authorization header', () => {
  it('answers 401 in the Clerk envelope and never writes', async () => {
    const endpoint = fc.constantFrom(
      ['GET', '/v1/saml_connections'],
      ['POST', '/v1/saml_connections'],
      ['GET', '/v1/saml_connections/ID'],
      ['PATCH', '/v1/saml_connections/ID'],
      ['DELETE', '/v1/saml_connections/ID'],
    )
    const header = fc.oneof(nastyString.filter((s) => s.length < 2_000), nastyString.map((s) => `Bearer ${s}`), fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer sk_test_x y'))
    await fc.assert(
      fc.asyncProperty(endpoint, header, async ([m, path], auth) => {
        // Header values must be ByteStrings without CR/LF/NUL; those never reach the Worker.
        const value = auth.replace(/[^\x20-\x7e\x80-\xff]/g, '?')
        const body = m === 'POST' || m === 'PATCH' ? JSON.stringify(validCreate('auth')) : undefined
        const a = await expectSafe('connection', () => clerk(m, path.replace('ID', ids.active), body, 'application/json', value), { mayWrite: false })
        expectClerkError(a)
        expect(a.status).toBe(401)
      }),
      runs(30),
    )
  }, PROPERTY_TIMEOUT)
})
