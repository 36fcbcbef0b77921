import { Scalar } from '@scalar/hono-api-reference'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { openApiDocumentFor } from './openapi'

/** `GET /openapi.json` (both API styles) and an interactive reference at `/docs`. */
export function docsRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/openapi.json', (c) => c.json(openApiDocumentFor(c.var.origin)))
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'saml-edge API' }))
  return app
}
