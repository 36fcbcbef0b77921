/**
 * Property tests for the SuperTokens core's legacy OAuth-style endpoints: whatever a browser, an
 * IdP or an OAuth client sends, the answer is never a 5xx and never an engine crash; it is the
 * route's success (307, 302, 200 JSON) or a one-line plain-text 4xx, and a refusal changes nothing
 * in D1 (no connection row, no reserved assertion id, no consumed code).
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { StLegacyTokenResponse, StLegacyUserInfo } from '../../src/http/supertokens/schemas'
import { legacyAcs, legacyClient, SECRET, type LegacyClient } from '../supertokens/legacy.helpers'
import { idpResponse } from '../supertokens/login-flow.helpers'
import { PROPERTY_TIMEOUT, anyBody, applyBase64Mutation, base64Mutation, contentType, mutateXml, nastyString, queryString, randomBase64, randomXml, runs, xmlMutations } from './arbitraries'
import { consumedCodeCount, snapshotInstance } from '../helpers/store'
import { captureLogs, expectNoInternalErrors, expectNoPollution } from './wire'
import { toBase64 } from '../helpers/test-idp'
import { type Answer, send } from '../helpers/http'

const logs = captureLogs()
let c: LegacyClient
let signedXml = ''

const LEGACY = '/recipe/saml/legacy'
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff]/g, '?')

beforeAll(async () => {
  c = await legacyClient({ allowIDPInitiatedLogin: true })
  const b64 = idpResponse({ entityId: c.entityId, spEntityId: c.spEntityId, acsUrl: legacyAcs(c.instanceId), inResponseTo: null })
  signedXml = new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)))
})

function expectRefusal(a: Answer): void {
  expect([400, 401, 403, 404, 405], `${a.status} ${a.text.slice(0, 200)}`).toContain(a.status)
  expect(a.contentType).toBe('text/html; charset=UTF-8')
  expect(a.text).toMatch(/^[^\n]+\n$/)
  expect(a.location).toBeNull()
}

/** Sends; success must have the route's shape, anything else must be a clean refusal that wrote nothing. */
async function expectSafe(request: () => Promise<Answer>, success: (a: Answer) => boolean) {
  const before = { rows: await snapshotInstance(c.instanceId), consumed: await consumedCodeCount() }
  logs.take()
  const a = await request()
  if (!success(a)) {
    expectRefusal(a)
    expect({ rows: await snapshotInstance(c.instanceId), consumed: await consumedCodeCount() }).toEqual(before)
  }
  expectNoInternalErrors(logs.take())
  expectNoPollution()
  return a
}

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
        await expectSafe(() => send(path, { method: 'POST', headers: { 'content-type': type }, body }), (a) => a.status === 302)
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)

  it('answers random and mutated SAMLResponse values, with or without a RelayState, never with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(samlResponseValue, fc.option(nastyString, { nil: undefined }), async (SAMLResponse, RelayState) => {
        const form = new URLSearchParams({ SAMLResponse, ...(RelayState === undefined ? {} : { RelayState }) })
        const a = await expectSafe(
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

describe('POST /recipe/saml/legacy/token and GET /recipe/saml/legacy/userinfo', () => {
  it('answer any form or Authorization header with a plain-text 4xx (no code is pending), and use nothing up', async () => {
    const field = fc.option(fc.oneof(nastyString, fc.constantFrom(c?.clientId ?? 'x', SECRET, '', ' ')), { nil: undefined })
    await fc.assert(
      fc.asyncProperty(field, field, field, contentType, async (client_id, client_secret, code, type) => {
        const form = Object.fromEntries(Object.entries({ client_id, client_secret, code }).filter((e): e is [string, string] => e[1] !== undefined))
        await expectSafe(
          () => send(`${LEGACY}/token`, { method: 'POST', headers: { 'content-type': type }, body: new URLSearchParams(form).toString() }),
          (a) => a.status === 200 && StLegacyTokenResponse.safeParse(a.body).success,
        )
      }),
      runs(40),
    )
    const authorization = fc.oneof(nastyString, nastyString.map((s) => `Bearer ${s}`), fc.constantFrom('Bearer ', 'Bearer .', 'Bearer a.b.c', 'bearer x.y'))
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        await expectSafe(
          () => send(`${LEGACY}/userinfo`, { headers: { authorization: headerSafe(value).slice(0, 4096) } }),
          (a) => a.status === 200 && StLegacyUserInfo.safeParse(a.body).success,
        )
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)
})

describe('GET /recipe/saml/legacy/authorize', () => {
  it('answers any query string with a 307 to the IdP, a 200 INVALID_CLIENT_ERROR, or a plain-text 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), async (q, named) => {
        const extra = named ? `&client_id=${encodeURIComponent(c.clientId)}&instance_id=${c.instanceId}` : ''
        await expectSafe(
          () => send(`${LEGACY}/authorize?${q}${extra}`),
          (a) =>
            (a.status === 307 && (a.location ?? '').startsWith('https://idp.example.com/sso?SAMLRequest=')) ||
            (a.status === 200 && a.contentType === 'application/json; charset=UTF-8' && a.body?.status === 'INVALID_CLIENT_ERROR'),
        )
      }),
      runs(50),
    )
  }, PROPERTY_TIMEOUT)
})
