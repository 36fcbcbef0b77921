/**
 * The limits on login starts (wrangler.toml `[[ratelimits]]`): per connection and per client
 * address, in each style. Enforced outside development; in development they are counted and logged
 * but refuse nothing. ACS posts: test/acs/rate-limits.test.ts.
 */
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/domain/errors'
import { renderClerkError } from '../../src/http/clerk/errors'
import type { AppEnv } from '../../src/http/env'
import { answerOf, ORIGIN } from '../helpers/http'
import { app, development, expectBrowserRefusal, expectCoreRefusal, loginQuery, newAddress, newNetwork, PER_ADDRESS, PER_CONNECTION, production, RATE_LIMIT_TIMEOUT, request, untilRefused } from '../helpers/rate-limits'
import { activeConnection } from '../helpers/sso'
import { captureLogs } from '../helpers/wire'
import { LEGACY, legacyClient } from '../supertokens/legacy.helpers'
import { CALLBACK } from '../supertokens/login-flow.helpers'

const logs = captureLogs()

/** The sign-in state stored for a connection's pending logins. */
async function pendingLogins(connectionId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM login_requests WHERE connection_id = ?').bind(connectionId).first<{ n: number }>()
  return row?.n ?? 0
}

describe('rate limits outside development', () => {
  it('declares periods the limiter accepts, the same for every binding (Retry-After promises one)', () => {
    expect([10, 60]).toContain(PER_CONNECTION.period)
    expect(PER_ADDRESS.period).toBe(PER_CONNECTION.period)
    expect(PER_ADDRESS.limit).toBeLessThan(PER_CONNECTION.limit)
  })

  it('GET /v1/saml/login refuses an address past its login starts with 429 and Retry-After, and stores no sign-in state for it', async () => {
    const { connection } = await activeConnection()
    const network = newNetwork()
    const { allowed, refused } = await untilRefused(PER_ADDRESS.limit, () => request(production, loginQuery(connection.id), { address: `${network}::1` }))
    expectBrowserRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_ADDRESS.limit)
    expect(await pendingLogins(connection.id)).toBe(allowed)
    // The whole /64 is one address; another network, and the same connection, still sign in.
    expectBrowserRefusal(await request(production, loginQuery(connection.id), { address: `${network}:1234:5678:9abc:def0` }))
    expect((await request(production, loginQuery(connection.id), { address: newAddress() })).status).toBe(302)
    expect(logs.take().filter((l) => l.event === 'rate_limited')).toContainEqual(expect.objectContaining({ limit: 'per_address', enforced: true }))
  }, RATE_LIMIT_TIMEOUT)

  it('GET /v1/saml/login refuses a connection past its login starts, whatever the address', async () => {
    const { connection } = await activeConnection()
    // An unregistered redirect URI is refused after the limiter has counted the request.
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, () =>
      request(production, loginQuery(connection.id, 'https://elsewhere.example/cb'), { address: newAddress() }),
    )
    expectBrowserRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
    // Another connection is not affected.
    const other = await activeConnection()
    expect((await request(production, loginQuery(other.connection.id), { address: newAddress() })).status).toBe(302)
  }, RATE_LIMIT_TIMEOUT)

  it('GET /recipe/saml/legacy/authorize refuses an address without a key, as core-style text; a valid api key is not counted per address', async () => {
    const c = await legacyClient()
    const address = newAddress()
    const q = (redirect: string) => `${LEGACY}/authorize?${new URLSearchParams({ client_id: c.clientId, redirect_uri: redirect, instance_id: c.instanceId })}`
    const { allowed, refused } = await untilRefused(PER_ADDRESS.limit, () => request(production, q('https://elsewhere.example/cb'), { address }))
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_ADDRESS.limit)
    const keyed = await request(production, q(CALLBACK), { address, headers: { 'api-key': c.apiKey } })
    expect(keyed.status).toBe(307)
  }, RATE_LIMIT_TIMEOUT)

  it('POST /recipe/saml/login (api key) refuses a client past its login starts, as core-style text', async () => {
    const c = await legacyClient()
    const body = JSON.stringify({ clientId: c.clientId, redirectURI: 'https://elsewhere.example/cb', acsURL: c.acsUrl })
    const headers = { 'api-key': c.apiKey, 'cdi-version': '5.4', 'content-type': 'application/json' }
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, async () => {
      const res = await app.request(`${ORIGIN}/recipe/saml/login`, { method: 'POST', headers, body }, production)
      return answerOf(res)
    })
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
  }, RATE_LIMIT_TIMEOUT)

  it("renders rate_limited in Clerk's envelope as 429 too_many_requests", async () => {
    const clerk = new Hono<AppEnv>().get('/', () => {
      throw new AppError('rate_limited')
    })
    clerk.onError((e, c) => renderClerkError(c, e as AppError))
    const res = await clerk.request('/')
    expect(res.status).toBe(429)
    expect((await res.json()) as unknown).toEqual({
      errors: [{ code: 'too_many_requests', message: 'Too many requests', long_message: 'Too many requests. Try again later.' }],
      meta: {},
      clerk_trace_id: '',
    })
  })

  it('allows, and logs once, when a binding is missing (an old configuration)', async () => {
    const { connection } = await activeConnection()
    const old = { ...production } as Partial<Env>
    delete old.RATE_LIMIT_PER_ADDRESS
    delete old.RATE_LIMIT_PER_CONNECTION
    logs.take()
    for (let i = 0; i < 3; i++) expect((await request(old as Env, loginQuery(connection.id), { address: newAddress() })).status).toBe(302)
    const missing = logs.take().filter((l) => l.event === 'rate_limit_unavailable')
    expect(missing.map((l) => l.limit).sort()).toEqual(['per_address', 'per_connection'])
  })
})

describe('rate limits in development', () => {
  it('counts, and logs a would-be refusal once for the counter (not once a request), and refuses nothing', async () => {
    const { connection } = await activeConnection()
    const address = newAddress()
    logs.take()
    const { allowed, refused } = await untilRefused(PER_ADDRESS.limit, () => request(development, loginQuery(connection.id), { address }))
    expect(refused).toBeNull()
    expect(allowed).toBe(2 * PER_ADDRESS.limit + 1)
    const limited = logs.take().filter((l) => l.event === 'rate_limited')
    expect(limited).toHaveLength(1)
    expect(limited.every((l) => l.limit === 'per_address' && l.enforced === false)).toBe(true)
  }, RATE_LIMIT_TIMEOUT)
})
