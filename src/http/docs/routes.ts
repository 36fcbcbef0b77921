import { Scalar } from '@scalar/hono-api-reference'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { newNonce } from '../middleware/content-security-policy'
import { openApiDocumentFor } from './openapi'

// Scalar's own CDN bundle, as @scalar/client-side-rendering loads it.
const CDN = 'https://cdn.jsdelivr.net'

/**
 * Looser than the service's other pages, for Scalar: its bundle comes from the CDN (nonce'd, and
 * 'strict-dynamic' lets it load its own chunks), it injects styles and fonts at run time, and its
 * "try it" client calls this origin. Still no framing, and no other script.
 */
const docsPolicy = (nonce: string) =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic' ${CDN}`,
    `style-src 'self' 'unsafe-inline' ${CDN}`,
    `font-src 'self' data: ${CDN} https://fonts.scalar.com`,
    "img-src 'self' data: https:",
    `connect-src 'self' ${CDN}`,
    "worker-src 'self' blob:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

/** `GET /openapi.json` (both API styles) and an interactive reference at `/docs`. */
export function docsRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/openapi.json', (c) => c.json(openApiDocumentFor(c.var.origin)))
  app.get('/docs', async (c, next) => {
    const nonce = newNonce()
    const res = await Scalar<AppEnv>({ url: '/openapi.json', pageTitle: 'saml-edge API', nonce })(c, next)
    if (!res) return c.notFound()
    res.headers.set('content-security-policy', docsPolicy(nonce))
    return res
  })
  return app
}
