/**
 * Property tests for the code exchange of each style: random codes, secrets, keys, bodies and
 * Authorization headers get the route's error (JSON at /v1/saml/token, one-line text at the legacy
 * endpoints), never a 5xx or an engine crash, and use up no code.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { StLegacyTokenResponse, StLegacyUserInfo } from '../../src/http/supertokens/schemas'
import { anyBody, contentType, formOrJson, nastyString, PROPERTY_TIMEOUT, runs } from '../helpers/arbitraries'
import { send } from '../helpers/http'
import { activeConnection } from '../helpers/sso'
import { consumedCodeCount } from '../helpers/store'
import { captureLogs, expectBrowserError, expectLegacySafe, expectNoInternalErrors, expectNoPollution } from '../helpers/wire'
import { LEGACY, legacyClient, SECRET, type LegacyClient } from '../supertokens/legacy.helpers'

const logs = captureLogs()
let ctx: Awaited<ReturnType<typeof activeConnection>>
let c: LegacyClient
const encoding = formOrJson
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff]/g, '?')

beforeAll(async () => {
  ctx = await activeConnection({ allow_idp_initiated: true })
  c = await legacyClient({ allowIDPInitiatedLogin: true })
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

describe('POST /recipe/saml/legacy/token and GET /recipe/saml/legacy/userinfo', () => {
  it('answer any form or Authorization header with a plain-text 4xx (no code is pending), and use nothing up', async () => {
    const field = fc.option(fc.oneof(nastyString, fc.constantFrom(c?.clientId ?? 'x', SECRET, '', ' ')), { nil: undefined })
    await fc.assert(
      fc.asyncProperty(field, field, field, contentType, async (client_id, client_secret, code, type) => {
        const form = Object.fromEntries(Object.entries({ client_id, client_secret, code }).filter((e): e is [string, string] => e[1] !== undefined))
        await expectLegacySafe(logs, c.instanceId, 
          () => send(`${LEGACY}/token`, { method: 'POST', headers: { 'content-type': type }, body: new URLSearchParams(form).toString() }),
          (a) => a.status === 200 && StLegacyTokenResponse.safeParse(a.body).success,
        )
      }),
      runs(40),
    )
    const authorization = fc.oneof(nastyString, nastyString.map((s) => `Bearer ${s}`), fc.constantFrom('Bearer ', 'Bearer .', 'Bearer a.b.c', 'bearer x.y'))
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        await expectLegacySafe(logs, c.instanceId, 
          () => send(`${LEGACY}/userinfo`, { headers: { authorization: headerSafe(value).slice(0, 4096) } }),
          (a) => a.status === 200 && StLegacyUserInfo.safeParse(a.body).success,
        )
      }),
      runs(40),
    )
  }, PROPERTY_TIMEOUT)
})
