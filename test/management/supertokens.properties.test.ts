/**
 * Property tests for the SuperTokens-core-style API on default, tenant- and app-prefixed paths: the
 * answer is never a 5xx, is a 200 JSON `{status}` of the route's shape or a one-line plain-text error,
 * and a request that did not save or remove a client leaves the instance's rows in D1 as they were.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { newApp, newTenantId } from '../supertokens/helpers'
import { PROPERTY_TIMEOUT, anyBody, applyBase64Mutation, applyBodyMutations, base64Mutation, bodyMutation, contentType, mutateXml, nastyString, pathId, queryString, randomBase64, randomXml, runs, urlLike, xmlAttr, xmlMutations } from '../helpers/arbitraries'
import { snapshotInstance } from '../helpers/store'
import { captureLogs, expectNoInternalErrors, expectNoPollution, expectSupertokensAnswer } from '../helpers/wire'
import { toBase64 } from '../helpers/test-idp'
import { idpMetadataXml } from '../helpers/keys'
import { type Answer, send } from '../helpers/http'

const logs = captureLogs()
let instanceId: string

interface Scope {
  prefix: string
  apiKey: string
  /** IdP entity id of the client `other`, which `existing` must never be allowed to take. */
  otherEntityId: string
}
const scopes: Scope[] = []

/** Header values must be ByteStrings without CR, LF or NUL; anything else never reaches a Worker. */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff]/g, '?')

function st(scope: Scope, method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  return send(`${scope.prefix}${path}`, {
    method,
    headers: { 'api-key': scope.apiKey, 'cdi-version': '5.4', rid: 'saml', 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  })
}

/** Sends, checks the envelope, and checks the store unless the answer says the client was saved or removed. */
async function expectSafe(kind: Parameters<typeof expectSupertokensAnswer>[1], request: () => Promise<Answer>) {
  const before = await snapshotInstance(instanceId)
  logs.take()
  const a = await request()
  expectSupertokensAnswer(a, kind)
  const wrote = a.status === 200 && a.body.status === 'OK' && (kind === 'upsert' || (kind === 'remove' && a.body.didExist === true))
  if (!wrote) expect(await snapshotInstance(instanceId)).toEqual(before)
  expectNoInternalErrors(logs.take())
  expectNoPollution()
  return a
}

const CALLBACK = 'https://app.example.com/auth/callback/saml'
const validPut = (entityId: string, clientId?: string) => ({
  ...(clientId === undefined ? {} : { clientId }),
  clientSecret: 'secret',
  redirectURIs: [CALLBACK, 'https://app.example.com/other'],
  defaultRedirectURI: CALLBACK,
  metadataXML: toBase64(idpMetadataXml({ entityId })),
  allowIDPInitiatedLogin: true,
  enableRequestSigning: false,
})
const PUT_KEYS = ['clientId', 'clientSecret', 'redirectURIs', 'defaultRedirectURI', 'metadataXML', 'allowIDPInitiatedLogin', 'enableRequestSigning']

const scope = fc.nat().map((i) => scopes[i % scopes.length] as Scope)
const fresh = fc.uuid().map((u) => `https://idp.example.com/${u}`)
// Never 'other': the DUPLICATE property relies on that client keeping its IdP.
const clientId = fc.option(fc.constantFrom('existing', 'new-client'), { nil: undefined })

beforeAll(async () => {
  const a = await newApp()
  instanceId = a.instanceId
  const appB = `hard-${crypto.randomUUID().slice(0, 8)}`
  const b = await newApp({ appId: appB, instanceId })
  const [tenant, tenant2] = [newTenantId(), newTenantId()]
  // Five distinct scopes (a path spelling that named an existing scope again would move its clients).
  for (const [prefix, apiKey] of [['', a.apiKey], [`/${tenant}`, a.apiKey], [`/appid-public/${tenant2}`, a.apiKey], [`/appid-${appB}`, b.apiKey], [`/appid-${appB}/${tenant}`, b.apiKey]] as const) {
    const s: Scope = { prefix, apiKey, otherEntityId: `https://idp.example.com/other/${crypto.randomUUID()}` }
    const existing = await st(s, 'PUT', '/recipe/saml/clients', JSON.stringify(validPut(`https://idp.example.com/${crypto.randomUUID()}`, 'existing')))
    const other = await st(s, 'PUT', '/recipe/saml/clients', JSON.stringify(validPut(s.otherEntityId, 'other')))
    expect([existing.body.status, other.body.status]).toEqual(['OK', 'OK'])
    scopes.push(s)
  }
})

describe('PUT /recipe/saml/clients', () => {
  it('answers any body with a 200 {status} or a plain-text 400, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scope, anyBody, contentType, async (s, body, type) => {
        await expectSafe('upsert', () => st(s, 'PUT', '/recipe/saml/clients', body, { 'content-type': type }))
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)

  it('answers a valid body with one to three fields mutated the same way', async () => {
    const mutations = fc.array(bodyMutation(PUT_KEYS), { minLength: 1, maxLength: 3 })
    await fc.assert(
      fc.asyncProperty(scope, fresh, clientId, mutations, async (s, entityId, id, ms) => {
        await expectSafe('upsert', () => st(s, 'PUT', '/recipe/saml/clients', applyBodyMutations(validPut(entityId, id), ms)))
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)

  it('answers random, mutated base64 and base64 of mutated or random XML in metadataXML the same way', async () => {
    const metadataXML = fc.oneof(
      { arbitrary: randomBase64, weight: 2 },
      { arbitrary: fc.tuple(fresh, base64Mutation).map(([e, m]) => applyBase64Mutation(toBase64(idpMetadataXml({ entityId: e })), m)), weight: 2 },
      { arbitrary: fc.tuple(fresh, xmlMutations).map(([e, ms]) => toBase64(mutateXml(idpMetadataXml({ entityId: e }), ms))), weight: 4 },
      { arbitrary: randomXml.map(toBase64), weight: 1 },
    )
    await fc.assert(
      fc.asyncProperty(scope, clientId, metadataXML, async (s, id, xml) => {
        await expectSafe('upsert', () => st(s, 'PUT', '/recipe/saml/clients', JSON.stringify({ ...validPut('unused', id), metadataXML: xml })))
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)

  it("answers DUPLICATE_IDP_ENTITY_ERROR, and writes nothing, when the metadata names another client's IdP", async () => {
    await fc.assert(
      fc.asyncProperty(scope, fc.constantFrom('existing', 'new-client', undefined), async (s, id) => {
        const a = await expectSafe('upsert', () => st(s, 'PUT', '/recipe/saml/clients', JSON.stringify(validPut(s.otherEntityId, id))))
        expect(a.body).toEqual({ status: 'DUPLICATE_IDP_ENTITY_ERROR' })
      }),
      runs(10),
    )
  }, PROPERTY_TIMEOUT)
})

describe('PUT /recipe/saml/clients with any URL', () => {
  const field = fc.constantFrom('redirectURIs', 'defaultRedirectURI', 'metadataLocation')
  const bodyWith = (entityId: string, id: string | undefined, which: string, url: string) => {
    const valid = validPut(entityId, id)
    if (which === 'redirectURIs') return { ...valid, redirectURIs: [CALLBACK, url] }
    if (which === 'defaultRedirectURI') return { ...valid, redirectURIs: [CALLBACK, url], defaultRedirectURI: url }
    return { ...valid, metadataXML: toBase64(idpMetadataXml({ entityId }).replace(/Location="[^"]*"/g, `Location="${xmlAttr(url)}"`)) }
  }

  it('answers OK holding only rule-abiding, normalised URLs, or a plain-text 400 that writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scope, fresh, clientId, field, urlLike, async (s, entityId, id, which, url) => {
        const a = await expectSafe('upsert', () => st(s, 'PUT', '/recipe/saml/clients', JSON.stringify(bodyWith(entityId, id, which, url))))
        if (a.status !== 200 || a.body.status !== 'OK') return
        for (const u of [a.body.defaultRedirectURI, a.body.idpSsoUrl, ...a.body.redirectURIs]) {
          expect(u).toMatch(/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/u)
          expect(new URL(u).href).toBe(u)
        }
      }),
      runs(80),
    )
  }, PROPERTY_TIMEOUT)
})

describe('POST /recipe/saml/clients/remove', () => {
  it('answers any body, or any clientId, with 200 {status, didExist} or a plain-text 400', async () => {
    const body = fc.oneof(anyBody, fc.oneof(nastyString, pathId).map((id) => JSON.stringify({ clientId: id })))
    await fc.assert(
      fc.asyncProperty(scope, body, contentType, async (s, b, type) => {
        const a = await expectSafe('remove', () => st(s, 'POST', '/recipe/saml/clients/remove', b, { 'content-type': type }))
        if (a.status === 200) expect(a.body.didExist).toBe(false)
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /recipe/saml/clients/list', () => {
  it('answers any query string and cdi-version with a 200 list or a plain-text 4xx, and never writes', async () => {
    const cdi = fc.oneof(
      { arbitrary: fc.constantFrom('5.4', '2.7', '2.21', '3.0', '4.0', '5.6', '5.7', '1.0', '99.9', '5.4.0', ' 5.4 ', '5.', '.5', 'abc', ''), weight: 3 },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    )
    await fc.assert(
      fc.asyncProperty(scope, queryString, cdi, async (s, q, version) => {
        await expectSafe('list', () => st(s, 'GET', `/recipe/saml/clients/list?${q}`, undefined, { 'cdi-version': headerSafe(version) }))
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

describe('every endpoint with a hostile API key or path prefix', () => {
  const endpoint = fc.constantFrom(['PUT', '/recipe/saml/clients', 'upsert'], ['GET', '/recipe/saml/clients/list', 'list'], ['POST', '/recipe/saml/clients/remove', 'remove']) as fc.Arbitrary<
    [string, string, 'upsert' | 'list' | 'remove']
  >

  it('answers a wrong API key with 401 text and never writes', async () => {
    const key = fc.oneof(nastyString.filter((k) => k.length < 2_000), fc.constantFrom('Bearer ', 'bearer x', ''))
    await fc.assert(
      fc.asyncProperty(scope, endpoint, key, fc.boolean(), async (s, [m, path, kind], k, asAuthorization) => {
        const headers: Record<string, string> = asAuthorization ? { 'api-key': '', authorization: headerSafe(k) } : { 'api-key': headerSafe(k) }
        if (asAuthorization) delete headers['api-key']
        const body = m === 'GET' ? undefined : JSON.stringify({ ...validPut(`https://idp.example.com/${crypto.randomUUID()}`, 'existing'), clientId: 'existing' })
        const a = await expectSafe(kind, () => send(`${s.prefix}${path}`, { method: m, headers: { 'cdi-version': '5.4', 'content-type': 'application/json', ...headers }, ...(body ? { body } : {}) }))
        expect(a.status).toBe(401)
      }),
      runs(30),
    )
  }, PROPERTY_TIMEOUT)

  it('answers hostile app and tenant segments in the SuperTokens style and never writes', async () => {
    const segments = fc.array(fc.oneof(pathId, fc.constantFrom('appid-', 'appid-x', 'appid-public', 'recipe', 'public', 'T-UPPER', 'a'.repeat(65))), { minLength: 1, maxLength: 2 })
    await fc.assert(
      fc.asyncProperty(scope, endpoint, segments, async (s, [m, path, kind], segs) => {
        const prefix = segs.map((x) => `/${x}`).join('')
        const body = m === 'GET' ? undefined : JSON.stringify(validPut(`https://idp.example.com/${crypto.randomUUID()}`))
        await expectSafe(kind, () => st({ ...s, prefix }, m, path, body))
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)
})
