/**
 * The limits on unauthenticated sign-in work (wrangler.toml `[[ratelimits]]`): login starts per
 * connection and per client address, ACS posts per connection only. Enforced outside development;
 * in development they are counted and logged but refuse nothing.
 *
 * The local limiter counts in windows aligned to the clock, so a run may straddle two windows: each
 * test sends at most 2 × limit + 1 requests, of which one window must then hold more than the limit.
 */
import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import { createApp } from '../../src/app'
import { AppError } from '../../src/domain/errors'
import { renderClerkError } from '../../src/http/clerk/errors'
import type { AppEnv } from '../../src/http/env'
import { activeConnection, APP_CALLBACK } from '../helpers/sso'
import { CALLBACK } from '../supertokens/login-flow.helpers'
import { LEGACY, legacyClient } from '../supertokens/legacy.helpers'
import { captureLogs } from './wire'
import { type Answer, answerOf, ORIGIN } from '../helpers/http'

const logs = captureLogs()

/** A `[[ratelimits]]` binding's limit and period, as wrangler.toml declares them. */
function declared(name: string): { limit: number; period: number } {
  const m = new RegExp(`name = "${name}"\\s+namespace_id = "\\d+"\\s+simple = \\{ limit = (\\d+), period = (\\d+) \\}`).exec(wranglerToml)
  if (!m) throw new Error(`wrangler.toml declares no ${name}`)
  return { limit: Number(m[1]), period: Number(m[2]) }
}
const PER_CONNECTION = declared('RATE_LIMIT_PER_CONNECTION')
const PER_ADDRESS = declared('RATE_LIMIT_PER_ADDRESS')

const app = createApp()
const production = { ...env, ENVIRONMENT: 'production' } as Env
const development = env as Env

/** A fresh client address (its own IPv6 /64 in the documentation range), so no two tests share a counter. */
const hex = () => Math.floor(Math.random() * 0x10000).toString(16)
const newNetwork = () => `2001:db8:${hex()}:${hex()}`
const newAddress = () => `${newNetwork()}::1`

async function request(environment: Env, path: string, init: { method?: string; address?: string; headers?: Record<string, string>; form?: string } = {}): Promise<Answer & { retryAfter: string | null }> {
  const headers: Record<string, string> = { ...(init.address ? { 'cf-connecting-ip': init.address } : {}), ...init.headers }
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  const res = await app.request(`${ORIGIN}${path}`, { method: init.method ?? 'GET', headers, body: init.form, redirect: 'manual' }, environment)
  return { ...(await answerOf(res)), retryAfter: res.headers.get('retry-after') }
}

/** Sends until one request is refused with 429 (at most 2 × limit + 1): how many got through, and the refusal. */
async function untilRefused(limit: number, send: (i: number) => ReturnType<typeof request>) {
  let allowed = 0
  for (let i = 0; i <= 2 * limit; i++) {
    const a = await send(i)
    if (a.status === 429) return { allowed, refused: a }
    allowed++
  }
  return { allowed, refused: null }
}

/** The sign-in state stored for a connection's pending logins. */
async function pendingLogins(connectionId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM login_requests WHERE connection_id = ?').bind(connectionId).first<{ n: number }>()
  return row?.n ?? 0
}

function expectBrowserRefusal(a: Answer & { retryAfter: string | null } | null) {
  expect(a).not.toBeNull()
  expect(a!.status).toBe(429)
  expect(a!.retryAfter).toBe(String(PER_CONNECTION.period))
  expect(a!.location).toBeNull()
  expect(a!.contentType).toBe('text/html; charset=UTF-8')
  expect(a!.text).toContain('<h1>Sign-in failed</h1>')
  expect(a!.text).toContain('<code>temporarily_unavailable</code>')
}

function expectCoreRefusal(a: Answer & { retryAfter: string | null } | null) {
  expect(a).not.toBeNull()
  expect(a!.status).toBe(429)
  expect(a!.retryAfter).toBe(String(PER_CONNECTION.period))
  expect(a!.contentType).toBe('text/html; charset=UTF-8')
  expect(a!.text).toBe('Too many requests\n')
}

const loginQuery = (connectionId: string, redirectUri = APP_CALLBACK) => `/v1/saml/login?${new URLSearchParams({ connection_id: connectionId, redirect_uri: redirectUri })}`

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
  })

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
  })

  it('POST /v1/saml/acs/{id} counts per connection only: one address posts past the address limit', async () => {
    const { connection } = await activeConnection()
    const address = newAddress()
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, () => request(production, `/v1/saml/acs/${connection.id}`, { method: 'POST', address, form: '' }))
    expectBrowserRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
    expect(allowed).toBeGreaterThan(2 * PER_ADDRESS.limit)
    // The refused post changed nothing another connection's ACS depends on.
    const other = await activeConnection()
    expect((await request(production, `/v1/saml/acs/${other.connection.id}`, { method: 'POST', address, form: '' })).status).toBe(400)
  })

  it('GET /recipe/saml/legacy/authorize refuses an address without a key, as core-style text; a valid api key is not counted per address', async () => {
    const c = await legacyClient()
    const address = newAddress()
    const q = (redirect: string) => `${LEGACY}/authorize?${new URLSearchParams({ client_id: c.clientId, redirect_uri: redirect, instance_id: c.instanceId })}`
    const { allowed, refused } = await untilRefused(PER_ADDRESS.limit, () => request(production, q('https://elsewhere.example/cb'), { address }))
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_ADDRESS.limit)
    const keyed = await request(production, q(CALLBACK), { address, headers: { 'api-key': c.apiKey } })
    expect(keyed.status).toBe(307)
  })

  it('POST /recipe/saml/legacy/callback refuses past the limit of the instance it names, as core-style text', async () => {
    const c = await legacyClient()
    const address = newAddress()
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, () =>
      request(production, `${LEGACY}/callback?instance_id=${c.instanceId}`, { method: 'POST', address, form: '' }),
    )
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
  })

  it('POST /recipe/saml/login (api key) refuses a client past its login starts, as core-style text', async () => {
    const c = await legacyClient()
    const body = JSON.stringify({ clientId: c.clientId, redirectURI: 'https://elsewhere.example/cb', acsURL: c.acsUrl })
    const headers = { 'api-key': c.apiKey, 'cdi-version': '5.4', 'content-type': 'application/json' }
    const { allowed, refused } = await untilRefused(PER_CONNECTION.limit, async () => {
      const res = await app.request(`${ORIGIN}/recipe/saml/login`, { method: 'POST', headers, body }, production)
      return { ...(await answerOf(res)), retryAfter: res.headers.get('retry-after') }
    })
    expectCoreRefusal(refused)
    expect(allowed).toBeGreaterThanOrEqual(PER_CONNECTION.limit)
  })

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
  it('counts and logs a would-be refusal, and refuses nothing', async () => {
    const { connection } = await activeConnection()
    const address = newAddress()
    logs.take()
    const { allowed, refused } = await untilRefused(PER_ADDRESS.limit, () => request(development, loginQuery(connection.id), { address }))
    expect(refused).toBeNull()
    expect(allowed).toBe(2 * PER_ADDRESS.limit + 1)
    const limited = logs.take().filter((l) => l.event === 'rate_limited')
    expect(limited.length).toBeGreaterThan(0)
    expect(limited.every((l) => l.limit === 'per_address' && l.enforced === false)).toBe(true)
  })
})
