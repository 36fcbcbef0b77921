import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import ipaddr from 'ipaddr.js'
import { AppError } from '../../domain/errors'
import type { AppEnv } from '../env'

/**
 * Limits on the sign-in work anyone may cause without a credential, counted by the `[[ratelimits]]`
 * bindings of wrangler.toml (README, Configuration). Enforced outside development; in development a
 * request over a limit is served, and logged (`rate_limited`, `enforced: false`) once per counter a
 * period, so local load tests and benchmarks measure the service rather than the limiter.
 */
export type RateLimitName = 'per_connection' | 'per_address'

const BINDING = {
  per_connection: 'RATE_LIMIT_PER_CONNECTION',
  per_address: 'RATE_LIMIT_PER_ADDRESS',
} as const satisfies Record<RateLimitName, keyof Env>

/** The period of every binding in wrangler.toml: a refused client may retry after at most this long. */
export const RATE_LIMIT_PERIOD_SECONDS = 60

export interface RateLimitRule<E extends AppEnv> {
  limit: RateLimitName
  /** The counter to count this request on, or null to let it through uncounted (the route refuses it). */
  key: (c: Context<E>) => string | null | Promise<string | null>
}

/** A counter's key from its parts; each part is bounded and encoded, so parts cannot run into each other. */
export const rateLimitKey = (...parts: string[]): string => parts.map((p) => encodeURIComponent(p.slice(0, 256))).join(':')

/**
 * The client's address as Cloudflare reports it, or null off Cloudflare (no header). An IPv6 client
 * is counted by its /64, the smallest block a network hands one subscriber.
 */
export function clientAddressKey(c: Context): string | null {
  const raw = c.req.header('cf-connecting-ip')?.trim()
  if (!raw || !ipaddr.isValid(raw)) return null
  const address = ipaddr.process(raw)
  if (address.kind() === 'ipv4') return rateLimitKey('address', address.toString())
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4)
  return rateLimitKey('address', `${parts.map((p) => p.toString(16)).join(':')}::/64`)
}

// An old configuration without the bindings still serves; that is said once per isolate, not per request.
const reportedMissing = new Set<RateLimitName>()

async function admits(c: Context<AppEnv>, limit: RateLimitName, key: string): Promise<boolean> {
  const log = c.var.deps.log
  const binding = (c.env as Partial<Env>)[BINDING[limit]]
  if (!binding) {
    if (!reportedMissing.has(limit)) log.warn('rate_limit_unavailable', { limit, reason: `no ${BINDING[limit]} binding` })
    reportedMissing.add(limit)
    return true
  }
  // A limiter that cannot answer must not take sign-in down with it.
  const outcome = await binding.limit({ key }).catch((e: unknown) => {
    log.warn('rate_limit_unavailable', { limit, reason: String(e) })
    return { success: true }
  })
  if (outcome.success) return true
  const enforced = !c.var.deps.development
  if (enforced || firstWouldBeRefusal(`${limit}:${key}`, c.var.deps.clock())) log.warn('rate_limited', { limit, key, enforced })
  return !enforced
}

// In development nothing is refused, and a would-be refusal is logged once per counter and period
// (per isolate): a load test past a limit would otherwise log on every request, and measure that.
const wouldBeRefusals = new Map<string, number>()
function firstWouldBeRefusal(counter: string, now: number): boolean {
  const last = wouldBeRefusals.get(counter)
  if (last !== undefined && now - last < RATE_LIMIT_PERIOD_SECONDS * 1000) return false
  if (wouldBeRefusals.size >= 1000) wouldBeRefusals.clear()
  wouldBeRefusals.set(counter, now)
  return true
}

/**
 * Counts the request on each rule's counter in order, and refuses it with `rate_limited` (429 and
 * `Retry-After`) at the first one that is full; later counters are then left untouched.
 */
export function rateLimit<E extends AppEnv>(...rules: RateLimitRule<E>[]): MiddlewareHandler<E> {
  return createMiddleware<E>(async (c, next) => {
    for (const rule of rules) {
      const key = await rule.key(c)
      if (key !== null && !(await admits(c as unknown as Context<AppEnv>, rule.limit, key))) {
        // The renderer of the path's style answers on this context, so the header goes out with it.
        c.header('Retry-After', String(RATE_LIMIT_PERIOD_SECONDS))
        throw new AppError('rate_limited', { internal: { limit: rule.limit } })
      }
    }
    await next()
  })
}

/** Unauthenticated login starts, counted per client address. */
export const perAddress = <E extends AppEnv>(): RateLimitRule<E> => ({ limit: 'per_address', key: (c) => clientAddressKey(c) })
