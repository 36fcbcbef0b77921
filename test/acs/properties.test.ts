/**
 * Property tests for the ACS of each style, with random and mutated SAMLResponse values and bodies:
 * never a 5xx, never an engine crash (logged as `internal_error`), always the route's redirect or its
 * style's error (the browser's HTML/JSON page, the core's one-line text), and a refused post reserves
 * no assertion id and changes no connection.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { anyBody, applyBase64Mutation, base64Mutation, contentType, formOrJson, mutateXml, nastyString, pathId, POLLUTION_KEYS, PROPERTY_TIMEOUT, randomBase64, randomXml, runs, xmlMutations, type Encoding } from '../helpers/arbitraries'
import { send, type Answer } from '../helpers/http'
import { activeConnection, APP_CALLBACK, signedResponseXmlFor } from '../helpers/sso'
import { assertionIdsOf, snapshotInstance } from '../helpers/store'
import { toBase64, type SignTarget } from '../helpers/test-idp'
import { captureLogs, expectBrowserError, expectLegacySafe, expectNoInternalErrors, expectNoPollution } from '../helpers/wire'
import { LEGACY, legacyAcs, legacyClient, type LegacyClient } from '../supertokens/legacy.helpers'
import { idpResponse } from '../supertokens/login-flow.helpers'

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

let c: LegacyClient
let signedXml = ''

beforeAll(async () => {
  ctx = await activeConnection({ allow_idp_initiated: true })
  for (const target of ['response', 'assertion', 'both'] as const) signed[target] = idpResponseXml(target)
  c = await legacyClient({ allowIDPInitiatedLogin: true })
  const b64 = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: legacyAcs(c.instanceId), inResponseTo: null })
  signedXml = new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)))
})

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
const signTarget = fc.constantFrom<Exclude<SignTarget, 'none'>>('response', 'assertion', 'both')
const encoding = formOrJson

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

const samlResponseValue = fc.oneof(
  { arbitrary: randomBase64, weight: 2 },
  { arbitrary: base64Mutation.map((m) => applyBase64Mutation(toBase64(signedXml), m)), weight: 2 },
  { arbitrary: xmlMutations.map((ms) => toBase64(mutateXml(signedXml, ms))), weight: 4 },
  { arbitrary: randomXml.map(toBase64), weight: 1 },
  { arbitrary: nastyString, weight: 1 },
)

describe('POST /recipe/saml/legacy/callback', () => {
  it('answers any body and content type with a 302 or a plain-text 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, contentType, fc.boolean(), async (body, type, withInstance) => {
        const path = `${LEGACY}/callback${withInstance ? `?instance_id=${c.instanceId}` : ''}`
        await expectLegacySafe(logs, c.instanceId, () => send(path, { method: 'POST', headers: { 'content-type': type }, body }), (a) => a.status === 302)
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)

  it('answers random and mutated SAMLResponse values, with or without a RelayState, never with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(samlResponseValue, fc.option(nastyString, { nil: undefined }), async (SAMLResponse, RelayState) => {
        const form = new URLSearchParams({ SAMLResponse, ...(RelayState === undefined ? {} : { RelayState }) })
        const a = await expectLegacySafe(logs, c.instanceId, 
          () => send(`${LEGACY}/callback?instance_id=${c.instanceId}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }),
          (r) => r.status === 302,
        )
        // A mutation may keep the signed bytes intact (whitespace outside them, say); it then signs in once.
        if (a.status === 302) expect(new URL(a.location ?? '').searchParams.get('code')).toBeTruthy()
      }),
      runs(80),
    )
  }, PROPERTY_TIMEOUT)
})
