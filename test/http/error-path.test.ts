// The one error path: the root app decides a path's style, renders in that style's envelope and
// logs one `refusal` line with the internal reason, whichever API style refused the request.
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { errorStyleOf } from '../../src/http/error-style'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { captureLogs } from '../helpers/wire'
import { ORIGIN } from '../helpers/http'

const logs = captureLogs()
const refusals = () => logs.take().filter((l) => l.event === 'refusal')

describe('which style a path answers errors in', () => {
  it.each([
    ['/v1/saml_connections', 'clerk'],
    ['/v1/nothing-here', 'clerk'],
    ['/v1/saml/acs/samlc_x', 'browser'],
    ['/v1/saml/nothing-here', 'browser'],
    ['/', 'browser'],
    ['/dev/idp/sso', 'browser'],
    ['/recipe/saml/clients', 'supertokens'],
    ['/appid-a1/t1/recipe/saml/login', 'supertokens'],
    ['/t1/.well-known/sp-metadata', 'supertokens'],
    ['/recipe/saml/legacy/authorize', 'supertokens'],
    ['/recipe/saml/legacy/callback', 'supertokens-form'],
    ['/appid-a1/recipe/saml/legacy/token', 'supertokens-form'],
    ['/healthz-not', 'plain'],
  ])('%s → %s', (path, style) => {
    expect(errorStyleOf(path)).toBe(style)
  })
})

describe('one refusal line per refused request, in every style', () => {
  it('Clerk: an unparseable metadata document is refused as saml_failed_to_parse_idp_metadata and its parse reason is logged', async () => {
    const { secretKey } = await newInstance()
    const res = await clerkClient(secretKey).create({ ...connectionInput(), idp_metadata: '<not-metadata/>' })
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('saml_failed_to_parse_idp_metadata')
    const lines = refusals()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', style: 'clerk', code: 'idp_metadata_invalid' })
    expect(JSON.parse(String(lines[0]?.reason))).toHaveProperty('reason')
  })

  it('browser: an unknown path under /v1/saml/ is a browser-style 404, logged once', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/saml/nothing-here`, { headers: { accept: 'application/json' } })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'not_found' })
    expect(refusals()).toEqual([expect.objectContaining({ style: 'browser', code: 'not_found' })])
  })

  it('SuperTokens: a wrong key is the core\'s 401 text, logged once', async () => {
    const res = await SELF.fetch(`${ORIGIN}/recipe/saml/clients/list`, { headers: { 'api-key': 'wrong' } })
    expect([res.status, await res.text()]).toEqual([401, 'Invalid API key\n'])
    expect(refusals()).toEqual([expect.objectContaining({ style: 'supertokens', code: 'unauthenticated' })])
  })

  it('SuperTokens legacy form endpoints send outcomes as 400 text', async () => {
    const res = await SELF.fetch(`${ORIGIN}/recipe/saml/legacy/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=nope&client_secret=nope&code=nope&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&grant_type=authorization_code',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/_ERROR\n$/)
    expect(refusals()).toEqual([expect.objectContaining({ style: 'supertokens-form' })])
  })

  it('other paths: a plain JSON 404', async () => {
    const res = await SELF.fetch(`${ORIGIN}/no-such-page`)
    expect([res.status, await res.json()]).toEqual([404, { error: 'not_found' }])
    expect(refusals()).toEqual([expect.objectContaining({ style: 'plain', code: 'not_found' })])
  })
})

describe('request ids', () => {
  it('every answer carries x-request-id: a success, a redirect, each style\'s error; Clerk repeats it as clerk_trace_id', async () => {
    const ok = await SELF.fetch(`${ORIGIN}/healthz`)
    const notFound = await SELF.fetch(`${ORIGIN}/no-such-page`)
    const login = await SELF.fetch(`${ORIGIN}/v1/saml/login?redirect_uri=x`, { redirect: 'manual' })
    const st = await SELF.fetch(`${ORIGIN}/recipe/saml/clients/list`)
    const clerk = await SELF.fetch(`${ORIGIN}/v1/saml_connections`)
    for (const res of [ok, notFound, login, st, clerk]) expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9A-Za-z]{22}$/)
    expect((await clerk.json<{ clerk_trace_id: string }>()).clerk_trace_id).toBe(clerk.headers.get('x-request-id'))
    logs.take()
  })

  it('keeps a caller\'s own X-Request-Id and replaces one it cannot log safely', async () => {
    const kept = await SELF.fetch(`${ORIGIN}/healthz`, { headers: { 'x-request-id': 'trace-1234_abc' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-1234_abc')
    const replaced = await SELF.fetch(`${ORIGIN}/healthz`, { headers: { 'x-request-id': 'a b"}{' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/)
  })
})
