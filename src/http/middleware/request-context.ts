import { createMiddleware } from 'hono/factory'
import { requestId } from 'hono/request-id'
import { randomBase62 } from '../../domain/ids'
import { buildDeps } from '../../wiring/deps'
import type { AppEnv } from '../env'

/**
 * Every request's id, echoed as `x-request-id` (and as Clerk's `clerk_trace_id`). A caller's own
 * `X-Request-Id` (up to 255 of `[A-Za-z0-9_=-]`) is kept, so one id follows a request across services.
 */
export const requestIds = requestId({ generator: () => `req_${randomBase62(22)}` })

/** The request's dependencies and public origin, and one JSON log line when it is answered. */
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
  c.set('deps', buildDeps(c.env, c.var.requestId, defer))
  c.set('origin', c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin)
  await next()
  await Promise.allSettled(pending)
  if (c.env.LOG_REQUESTS !== 'false') {
    c.var.deps.log.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started })
  }
})
