import { createMiddleware } from 'hono/factory'
import { requestId } from 'hono/request-id'
import { randomBase62 } from '../../domain/ids'
import { buildDeps } from '../../wiring/deps'
import { BOOKMARK_HEADER, openD1Sessions } from '../../wiring/d1-sessions'
import { parseSupertokensPath } from '../supertokens/paths'
import type { AppEnv } from '../env'

/**
 * Every request's id, echoed as `x-request-id` (and as Clerk's `clerk_trace_id`). A caller's own
 * `X-Request-Id` (up to 255 of `[A-Za-z0-9_=-]`) is kept, so one id follows a request across services.
 */
export const requestIds = requestId({ generator: () => `req_${randomBase62(22)}` })

// The management APIs (README, Consistency model): the Clerk-style Backend API (every /v1 path
// but the browser endpoints under /v1/saml/) and the SuperTokens client API under any app/tenant prefix.
const CLERK_MANAGEMENT = /^\/v1\/(?!saml\/)/
const SUPERTOKENS_MANAGEMENT = /\/recipe\/saml\/clients(?:\/|$)/i
const isManagementPath = (path: string): boolean =>
  CLERK_MANAGEMENT.test(path) || (SUPERTOKENS_MANAGEMENT.test(path) && parseSupertokensPath(path) !== null)

/**
 * The request's dependencies (on D1 sessions of the request's mode; a management answer carries
 * its session's bookmark) and public origin, and one JSON log line when it is answered.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now()
  // Deferred work goes to waitUntil; a request without an execution context (app.request in
  // tests) waits for it here instead, after the handler.
  const pending: Promise<unknown>[] = []
  const defer = (work: Promise<unknown>) => {
    try {
      c.executionCtx.waitUntil(work)
    } catch {
      pending.push(work)
    }
  }
  const management = isManagementPath(c.req.path)
  const d1 = openD1Sessions(c.env.DB, management ? { kind: 'management', bookmark: c.req.header(BOOKMARK_HEADER) ?? null } : { kind: 'sign-in' })
  c.set('deps', buildDeps(c.env, c.var.requestId, defer, d1))
  c.set('origin', c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin)
  await next()
  await Promise.allSettled(pending)
  const bookmark = management ? d1.bookmark() : null
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark)
  if (c.env.LOG_REQUESTS !== 'false') {
    c.var.deps.log.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started })
  }
})
