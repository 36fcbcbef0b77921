import { createMiddleware } from 'hono/factory'
import { randomBase62 } from '../../domain/ids'
import { buildDeps } from '../deps'
import type { AppEnv } from '../env'

/** Gives every request an id (echoed as `x-request-id`), its dependencies and the public origin. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = `req_${randomBase62(22)}`
  c.set('requestId', requestId)
  c.set('deps', buildDeps(c.env, requestId))
  c.set('origin', c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin)
  await next()
  c.res.headers.set('x-request-id', requestId)
})
