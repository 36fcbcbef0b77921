import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from './domain/errors'
import { browserRoutes } from './http/browser/routes'
import { browserAcsLimit, browserLoginLimit } from './http/browser/rate-limits'
import { clerkRoutes } from './http/clerk/routes'
import { devRoutes } from './http/dev/routes'
import { docsRoutes } from './http/docs/routes'
import type { AppEnv } from './http/env'
import { defaultContentSecurityPolicy } from './http/middleware/content-security-policy'
import { requestContext, requestIds } from './http/middleware/request-context'
import { supertokensRoutes } from './http/supertokens/routes'
import { answerError } from './http/render-error'
import { throwOnInvalid } from './http/validation-hook'

/** The root app: request context, then one sub-app per API style. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  app.use('*', requestIds, requestContext)
  app.use('*', defaultContentSecurityPolicy)

  app.get('/healthz', (c) => c.json({ ok: true }))
  // A route that does nothing, served by the same Worker: the baseline the benchmarks divide by.
  app.get('/noop', (c) => c.json({}))

  app.route('/', docsRoutes())
  app.route('/', devRoutes())
  app.use('/v1/saml/login', browserLoginLimit)
  app.use('/v1/saml/test_runs/:id', browserLoginLimit)
  app.use('/v1/saml/acs/:id', browserAcsLimit)
  app.route('/v1/saml', browserRoutes())
  app.route('/v1', clerkRoutes())
  // SuperTokens core style: /recipe/saml/..., /apiversion, under optional /appid-<app>/<tenant> prefixes.
  app.route('/', supertokensRoutes())

  app.notFound((c) => answerError(new AppError('not_found'), c))
  app.onError(answerError)
  return app
}
