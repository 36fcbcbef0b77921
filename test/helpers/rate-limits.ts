/**
 * Driving the limits on unauthenticated sign-in work (wrangler.toml `[[ratelimits]]`), for
 * test/login/rate-limits.test.ts and test/acs/rate-limits.test.ts.
 *
 * The local limiter counts in windows aligned to the clock, so a run may straddle two windows: each
 * test sends at most 2 × limit + 1 requests, of which one window must then hold more than the limit.
 */
import { env } from 'cloudflare:test'
import { expect } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import { createApp } from '../../src/app'
import { answerOf, ORIGIN, type Answer } from './http'
import { APP_CALLBACK } from './sso'

/** A `[[ratelimits]]` binding's limit and period, as wrangler.toml declares them. */
function declared(name: string): { limit: number; period: number } {
  const m = new RegExp(`name = "${name}"\\s+namespace_id = "\\d+"\\s+simple = \\{ limit = (\\d+), period = (\\d+) \\}`).exec(wranglerToml)
  if (!m) throw new Error(`wrangler.toml declares no ${name}`)
  return { limit: Number(m[1]), period: Number(m[2]) }
}
export const PER_CONNECTION = declared('RATE_LIMIT_PER_CONNECTION')
export const PER_ADDRESS = declared('RATE_LIMIT_PER_ADDRESS')

export const app = createApp()
export const production = { ...env, ENVIRONMENT: 'production' } as Env
export const development = env as Env

/** A fresh client address (its own IPv6 /64 in the documentation range), so no two tests share a counter. */
const hex = () => Math.floor(Math.random() * 0x10000).toString(16)
export const newNetwork = () => `2001:db8:${hex()}:${hex()}`
export const newAddress = () => `${newNetwork()}::1`

export async function request(environment: Env, path: string, init: { method?: string; address?: string; headers?: Record<string, string>; form?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.address ? { 'cf-connecting-ip': init.address } : {}), ...init.headers }
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  const res = await app.request(`${ORIGIN}${path}`, { method: init.method ?? 'GET', headers, body: init.form, redirect: 'manual' }, environment)
  return answerOf(res)
}

/** Sends until one request is refused with 429 (at most 2 × limit + 1): how many got through, and the refusal. */
export async function untilRefused(limit: number, send: (i: number) => ReturnType<typeof request>) {
  let allowed = 0
  for (let i = 0; i <= 2 * limit; i++) {
    const a = await send(i)
    if (a.status === 429) return { allowed, refused: a }
    allowed++
  }
  return { allowed, refused: null }
}

export function expectBrowserRefusal(a: Answer | null) {
  expect(a).not.toBeNull()
  expect(a!.status).toBe(429)
  expect(a!.headers.get('retry-after')).toBe(String(PER_CONNECTION.period))
  expect(a!.location).toBeNull()
  expect(a!.contentType).toBe('text/html; charset=UTF-8')
  expect(a!.text).toContain('<h1>Sign-in failed</h1>')
  expect(a!.text).toContain('<code>temporarily_unavailable</code>')
}

export function expectCoreRefusal(a: Answer | null) {
  expect(a).not.toBeNull()
  expect(a!.status).toBe(429)
  expect(a!.headers.get('retry-after')).toBe(String(PER_CONNECTION.period))
  expect(a!.contentType).toBe('text/html; charset=UTF-8')
  expect(a!.text).toBe('Too many requests\n')
}

export const loginQuery = (connectionId: string, redirectUri = APP_CALLBACK) => `/v1/saml/login?${new URLSearchParams({ connection_id: connectionId, redirect_uri: redirectUri })}`

/** Many requests, each through the whole app: more than the 5 s default on a loaded 2-core machine. */
export const RATE_LIMIT_TIMEOUT = 60_000
