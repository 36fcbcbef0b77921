/**
 * Property tests for the endpoints IdPs and browsers call: the ACS with random and mutated
 * SAMLResponse values, the code exchange, login and SP metadata. Never a 5xx, never an engine crash
 * (logged as `internal_error`), always the HTML/JSON error of src/http/browser/errors.ts, and a refused
 * post reserves no assertion id and changes no connection.
 */
import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { activeConnection, APP_CALLBACK, signedResponseXmlFor } from '../helpers/sso'
import { type SignTarget, toBase64 } from '../helpers/test-idp'
import { PROPERTY_TIMEOUT, anyBody, applyBase64Mutation, base64Mutation, contentType, mutateXml, nastyString, pathId, POLLUTION_KEYS, queryString, randomBase64, randomXml, runs, urlLike, xmlMutations } from './arbitraries'
import { assertionIdsOf, consumedCodeCount, snapshotInstance } from '../helpers/store'
import { captureLogs, expectBrowserError, expectNoInternalErrors, expectNoPollution } from './wire'
import { type Answer, send } from '../helpers/http'

const logs = captureLogs()
let ctx: Awaited<ReturnType<typeof activeConnection>>
/** Valid IdP-initiated responses for `ctx`, signed three ways; the properties mutate their XML. */
const signed: Record<Exclude<SignTarget, 'none'>, string> = { response: '', assertion: '', both: '' }

function idpResponseXml(sign: SignTarget, attributes: Record<string, string[]> = { mail: ['ada@acme.example'], givenName: ['Ada'] }) {
  const now = Date.now()
  return signedResponseXmlFor(ctx.connection as { sp_entity_id: string; acs_url: string }, ctx.entityId, null, {
    notOnOrAfter: now + 600_000,
    subjectNotOnOrAfter: now + 600_000,
    nameId: 'ada@acme.example',
    attributes,
    sign,
  })
}

beforeAll(async () => {
  ctx = await activeConnection({ allow_idp_initiated: true })
  for (const target of ['response', 'assertion', 'both'] as const) signed[target] = idpResponseXml(target)
})

type Encoding = 'form' | 'json'
function postAcs(id: string, fields: Record<string, string>, encoding: Encoding, acceptJson: boolean): Promise<Answer> {
  const body = encoding === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields)
  return send(`/v1/saml/acs/${id}`, {
    method: 'POST',
    headers: { 'content-type': encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', ...(acceptJson ? { accept: 'application/json' } : {}) },
    body,
  })
}

/** Checks an ACS answer: a redirect with a code (and one reservation), or a browser error and no change. */
async function expectAcsSafe(request: () => Promise<Answer>, acceptJson: boolean) {
  const [before, reservedBefore] = [await snapshotInstance(ctx.instanceId), await assertionIdsOf(ctx.connection.id)]
  logs.take()
  const a = await request()
  if (a.status === 302) {
    expect(a.location ?? '').toMatch(/^https:\/\/app\.example\.com\/(sso\/callback|other)\?code=/)
    expect((await assertionIdsOf(ctx.connection.id)).length).toBe(reservedBefore.length + 1)
  } else {
    expectBrowserError(a, acceptJson ? 'json' : 'html')
    expect(await assertionIdsOf(ctx.connection.id)).toEqual(reservedBefore)
  }
  expect(await snapshotInstance(ctx.instanceId)).toEqual(before)
  expectNoInternalErrors(logs.take())
  expectNoPollution()
  return a
}

const relayState = fc.option(
  fc.oneof(nastyString.filter((s) => s.length < 4_000), fc.constantFrom(APP_CALLBACK, 'https://app.example.com/other', 'https://evil.example/')),
  { nil: undefined },
)
const encoding = fc.constantFrom<Encoding>('form', 'form', 'json')
const signTarget = fc.constantFrom<Exclude<SignTarget, 'none'>>('response', 'assertion', 'both')

describe('POST /v1/saml/acs/{id}', () => {
  it('answers random SAMLResponse values with a browser error and reserves nothing', async () => {
    const samlResponse = fc.oneof(
      { arbitrary: randomBase64, weight: 3 },
      { arbitrary: nastyString.filter((s) => s.length < 200_000), weight: 2 },
      { arbitrary: randomXml.map(toBase64), weight: 2 },
      { arbitrary: randomXml, weight: 1 },
    )
    await fc.assert(
      fc.asyncProperty(samlResponse, relayState, encoding, fc.boolean(), async (value, relay, enc, json) => {
        const fields: Record<string, string> = { SAMLResponse: value, ...(relay === undefined ? {} : { RelayState: relay }) }
        const a = await expectAcsSafe(() => postAcs(ctx.connection.id, fields, enc, json), json)
        expect(a.status).not.toBe(302)
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)

  it('answers mutated signed responses (XML and base64) with a redirect or a browser error, never a crash', async () => {
    const mutated = fc.oneof(
      { arbitrary: fc.tuple(signTarget, xmlMutations).map(([t, ms]) => toBase64(mutateXml(signed[t], ms))), weight: 4 },
      { arbitrary: fc.tuple(signTarget, base64Mutation).map(([t, m]) => applyBase64Mutation(toBase64(signed[t]), m)), weight: 1 },
    )
    await fc.assert(
      fc.asyncProperty(mutated, relayState, encoding, fc.boolean(), async (value, relay, enc, json) => {
        const fields: Record<string, string> = { SAMLResponse: value, ...(relay === undefined ? {} : { RelayState: relay }) }
        await expectAcsSafe(() => postAcs(ctx.connection.id, fields, enc, json), json)
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)

  it('answers any body, content type and connection id with a browser error', async () => {
    const id = fc.oneof(pathId, fc.constant('CONN'))
    await fc.assert(
      fc.asyncProperty(id, anyBody, contentType, fc.boolean(), async (rawId, body, type, json) => {
        const path = `/v1/saml/acs/${rawId === 'CONN' ? ctx.connection.id : rawId}`
        const headers = { 'content-type': type, ...(json ? { accept: 'application/json' } : {}) }
        const a = await expectAcsSafe(() => send(path, { method: 'POST', headers, body }), json)
        expect(a.status).not.toBe(302)
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)

  it('signs in whatever attribute_mapping names, prototype keys included, and whatever attributes the IdP sends', async () => {
    const mappingKey = fc.constantFrom('user_id', 'email_address', 'first_name', 'last_name')
    const name = fc.oneof(fc.constantFrom(...POLLUTION_KEYS, 'valueOf', '__lookupGetter__', 'length'), fc.string({ minLength: 1, maxLength: 12 }))
    const extraAttributes = fc.array(fc.tuple(name, fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })), { maxLength: 3 })
    try {
      await fc.assert(
      fc.asyncProperty(mappingKey, name, extraAttributes, async (key, mapped, extra) => {
        expect((await ctx.api.update(ctx.connection.id, { attribute_mapping: { [key]: mapped } })).status).toBe(200)
        const attributes = Object.fromEntries([['mail', ['ada@acme.example']], ...extra])
        const xml = idpResponseXml('response', attributes)
        const a = await expectAcsSafe(() => postAcs(ctx.connection.id, { SAMLResponse: toBase64(xml) }, 'form', false), false)
        expect(a.status, a.text.slice(0, 200)).toBe(302)
        const code = new URL(a.location ?? '').searchParams.get('code') ?? ''
        const exchanged = await send('/v1/saml/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${ctx.secretKey}` }, body: new URLSearchParams({ code }).toString() })
        expect(exchanged.status, exchanged.text.slice(0, 200)).toBe(200)
        expect(exchanged.body.object).toBe('saml_profile')
        expectNoInternalErrors(logs.take())
      }),
      runs(20),
      )
    } finally {
      await ctx.api.update(ctx.connection.id, { attribute_mapping: null })
    }
  }, PROPERTY_TIMEOUT)
})

describe('POST /v1/saml/token', () => {
  it('answers random codes, secrets, keys and bodies with the JSON error, and consumes nothing', async () => {
    const field = fc.option(nastyString.filter((s) => s.length < 10_000), { nil: undefined })
    const bearer = fc.option(fc.oneof(nastyString.map((s) => s.replace(/[^\x21-\x7e]/g, 'x')), fc.constant('SECRET')), { nil: undefined })
    const request = fc.oneof(
      fc.record({ code: field, secret: field, bearer, enc: encoding }).map(({ code, secret, bearer: b, enc }) => {
        const fields: Record<string, string> = { ...(code === undefined ? {} : { code }), ...(secret === undefined ? {} : { client_secret: secret }) }
        return {
          headers: { 'content-type': enc === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', ...(b === undefined ? {} : { authorization: `Bearer ${b === 'SECRET' ? ctx.secretKey : b}` }) },
          body: enc === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
        }
      }),
      fc.tuple(anyBody, contentType).map(([body, type]) => ({ headers: { 'content-type': type }, body })),
    )
    await fc.assert(
      fc.asyncProperty(request, async ({ headers, body }) => {
        const consumed = await consumedCodeCount()
        logs.take()
        const a = await send('/v1/saml/token', { method: 'POST', headers, body })
        expectBrowserError(a, 'json')
        expect(await consumedCodeCount()).toBe(consumed)
        expectNoInternalErrors(logs.take())
        expectNoPollution()
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /v1/saml/login and /v1/saml/metadata/{file}', () => {
  it('answers any login query with a redirect to the IdP or a browser error, and never writes', async () => {
    const q = fc.oneof(
      queryString,
      fc.record({ connection_id: fc.oneof(fc.constant('CONN'), pathId), redirect_uri: fc.oneof(fc.constant(APP_CALLBACK), nastyString), state: fc.option(nastyString) }).map(
        ({ connection_id, redirect_uri, state }) =>
          new URLSearchParams({ connection_id: connection_id === 'CONN' ? ctx.connection.id : decodeURIComponentSafe(connection_id), redirect_uri: redirect_uri.slice(0, 6_000), ...(state === null ? {} : { state: state.slice(0, 6_000) }) }).toString(),
      ),
      fc.record({ email: nastyString, instance_id: fc.oneof(fc.constant('INST'), nastyString) }).map(({ email, instance_id }) =>
        new URLSearchParams({ email: email.slice(0, 6_000), instance_id: instance_id === 'INST' ? ctx.instanceId : instance_id.slice(0, 6_000), redirect_uri: APP_CALLBACK }).toString(),
      ),
    )
    await fc.assert(
      fc.asyncProperty(q, async (query) => {
        const before = await snapshotInstance(ctx.instanceId)
        logs.take()
        const a = await send(`/v1/saml/login?${query}`)
        if (a.status === 302) expect(a.location ?? '').toMatch(/^https:\/\/idp\.example\.com\/sso\?SAMLRequest=/)
        else expectBrowserError(a, 'html')
        expect(await snapshotInstance(ctx.instanceId)).toEqual(before)
        expectNoInternalErrors(logs.take())
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)

  it('answers any metadata file name with SP metadata for a real connection or a 404 page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(pathId, fc.constant('CONN')), fc.constantFrom('', '.xml', '.XML', '.xml.xml'), async (id, ext) => {
        logs.take()
        const a = await send(`/v1/saml/metadata/${id === 'CONN' ? ctx.connection.id : id}${ext}`)
        if (a.status === 200) expect(a.contentType).toBe('application/samlmetadata+xml')
        else {
          expectBrowserError(a, 'html')
          expect(a.status).toBe(404)
        }
        expectNoInternalErrors(logs.take())
      }),
      runs(30),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /v1/saml/login with whatever SSO URL a row from before the URL rule holds', () => {
  it('redirects only to an http(s) URL, posts only to one, or answers the browser error: never a 5xx', async () => {
    const stored = await activeConnection()
    await fc.assert(
      fc.asyncProperty(urlLike, fc.constantFrom('redirect', 'post'), async (url, binding) => {
        await env.DB.prepare('UPDATE saml_connections SET idp_sso_url = ?, idp_sso_binding = ? WHERE id = ?').bind(url, binding, stored.connection.id).run()
        await env.KV.delete(`conn:${stored.connection.id}`)
        logs.take()
        const a = await send(`/v1/saml/login?${new URLSearchParams({ connection_id: stored.connection.id, redirect_uri: APP_CALLBACK })}`)
        if (a.status === 302) expect(a.location ?? '').toMatch(/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/u)
        else if (a.status === 200) expect(a.text).toMatch(/<form method="post" action="https?:\/\/[^"\s]+">/)
        else expectBrowserError(a, 'html')
        expectNoInternalErrors(logs.take())
      }),
      runs(60),
    )
  }, PROPERTY_TIMEOUT)
})

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
