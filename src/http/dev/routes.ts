import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../../domain/errors'
import { isDevelopment } from '../../wiring/deps'
import type { AppEnv } from '../env'
import { adminRoutes } from './admin'
import { devIdpRoutes } from './idp'

// Outside development these pages do not exist at all.
const developmentOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!isDevelopment(c.env)) throw new AppError('not_found')
  await next()
})

/** Development-only pages: the admin page at `/`, its callback, and the development IdP. */
export function devRoutes() {
  const app = new Hono<AppEnv>()
  app.use('/', developmentOnly)
  app.use('/dev/*', developmentOnly)
  app.route('/dev/idp', devIdpRoutes())
  app.route('/', adminRoutes())
  return app
}
