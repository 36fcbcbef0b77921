import { Scalar } from '@scalar/hono-api-reference'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { apiReferencePolicy, newNonce } from '../middleware/content-security-policy'
import { openApiDocumentFor } from './openapi'

/**
 * The pinned @scalar/api-reference (package.json) whose single-file build Workers Static Assets
 * serve at this path (wrangler.toml [assets], copied there by scripts/docs-assets.mjs): the
 * reference needs no CDN, so it works offline and behind networks that block CDNs.
 */
export const SCALAR_VERSION = '1.76.0'
export const SCALAR_SCRIPT_PATH = `/docs/scalar/${SCALAR_VERSION}/standalone.js`

/** `GET /openapi.json` (every API style) and an interactive reference at `/docs`. */
export function docsRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/openapi.json', (c) => c.json(openApiDocumentFor(c.var.origin)))
  app.get('/docs', async (c, next) => {
    const nonce = newNonce()
    // Nothing that needs another host: no web fonts (fonts.scalar.com), telemetry, AI agent or
    // developer toolbar (scalar.com services); the script comes from this origin.
    const res = await Scalar<AppEnv>({
      url: '/openapi.json', pageTitle: 'saml-edge API', nonce, cdn: SCALAR_SCRIPT_PATH,
      withDefaultFonts: false, telemetry: false, agent: { disabled: true }, showDeveloperTools: 'never',
    })(c, next)
    if (!res) return c.notFound()
    res.headers.set('content-security-policy', apiReferencePolicy(nonce))
    return res
  })
  return app
}
