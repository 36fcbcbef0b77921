import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from './domain/errors'
import { browserRoutes } from './http/browser/routes'
import { renderBrowserError } from './http/browser/errors'
import { browserAcsLimit, browserLoginLimit } from './http/browser/rate-limits'
import { clerkRoutes } from './http/clerk/routes'
import { devRoutes } from './http/dev/routes'
import { docsRoutes } from './http/docs/routes'
import { renderClerkError } from './http/clerk/errors'
import type { AppEnv } from './http/env'
import { defaultContentSecurityPolicy } from './http/middleware/content-security-policy'
import { requestContext } from './http/middleware/request-id'
import { renderSupertokensError } from './http/supertokens/errors'
import { isSupertokensPath } from './http/supertokens/paths'
import { supertokensRoutes } from './http/supertokens/routes'
import { toAppError } from './http/to-app-error'
import { throwOnInvalid } from './http/validation-hook'

/** The root app: request context, then one sub-app per API style. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  app.use('*', requestContext)
  app.use('*', defaultContentSecurityPolicy)

  app.get('/healthz', (c) => c.json({ ok: true }))
  // A route that does nothing, served by the same Worker: the baseline the benchmarks divide by.
  app.get('/noop', (c) => c.json({}))

  app.route('/', docsRoutes())
  app.route('/', devRoutes())
  app.use('/v1/saml/login', browserLoginLimit)
  app.use('/v1/saml/acs/:id', browserAcsLimit)
  app.route('/v1/saml', browserRoutes())
  app.route('/v1', clerkRoutes())
  // SuperTokens core style: /recipe/saml/..., /apiversion, under optional /appid-<app>/<tenant> prefixes.
  app.route('/', supertokensRoutes())

  const isBrowserPath = (path: string) => path.startsWith('/v1/saml/')
  app.notFound((c) => {
    if (isSupertokensPath(c.req.path)) return renderSupertokensError(c, new AppError('not_found'))
    if (isBrowserPath(c.req.path)) return renderBrowserError(c, new AppError('not_found'))
    if (c.req.path.startsWith('/v1/')) return renderClerkError(c, new AppError('not_found'))
    return c.json({ error: 'not_found' }, 404)
  })
  app.onError((e, c) => {
    const err = toAppError(e, c.var.deps?.log)
    if (isSupertokensPath(c.req.path)) return renderSupertokensError(c, err)
    if (isBrowserPath(c.req.path)) return renderBrowserError(c, err)
    if (c.req.path.startsWith('/v1/')) return renderClerkError(c, err)
    return c.json({ error: err.code }, err.code === 'internal' ? 500 : 400)
  })
  return app
}
