import { createMiddleware } from 'hono/factory'
import { randomBase62 } from '../../domain/ids'
import { buildDeps } from '../../wiring/deps'
import type { AppEnv } from '../env'

/**
 * Gives every request an id (echoed as `x-request-id`, and as Clerk's `clerk_trace_id`), its
 * dependencies and the public origin, and logs one JSON line when it is answered.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now()
  const requestId = `req_${randomBase62(22)}`
  c.set('requestId', requestId)
  c.set('deps', buildDeps(c.env, requestId))
  c.set('origin', c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin)
  await next()
  c.res.headers.set('x-request-id', requestId)
  if (c.env.LOG_REQUESTS !== 'false') {
    c.var.deps.log.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, duration_ms: Date.now() - started })
  }
})
