import { OpenAPIHono } from '@hono/zod-openapi'
import { clerkRoutes } from '../clerk/routes'
import type { AppEnv } from '../env'
import { supertokensApi } from '../supertokens/routes'

const DESCRIPTION = `SAML SSO connections on Cloudflare Workers, in two wire-compatible dialects of one connection model.

- **Clerk style** under \`/v1\` (\`/saml_connections\` and \`/enterprise_connections\`, two views of the same connections): \`Authorization: Bearer <secret key>\`; errors in the \`{errors:[...]}\` envelope.
- **SuperTokens core style** under \`/recipe/saml\`: \`api-key: <key>\`; every path also works with a
  tenant prefix (\`/<tenantId>/recipe/...\`) and an app prefix (\`/appid-<appId>/<tenantId>/recipe/...\`);
  business outcomes are HTTP 200 \`{status}\`, malformed input is HTTP 400 with a plain-text message.

In development the keys \`sk_test_local_development_key\` and \`local-development-api-key\` select the local instance.`

/**
 * One OpenAPI 3.1 document for both API styles, generated from the same route objects (and zod
 * schemas) that validate requests, so the document and the behaviour cannot drift apart.
 */
export function buildOpenApiDocument(serverUrl: string) {
  const docs = new OpenAPIHono<AppEnv>()
  docs.route('/v1', clerkRoutes())
  docs.route('/', supertokensApi())
  docs.openAPIRegistry.registerComponent('securitySchemes', 'ClerkSecretKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Clerk-style secret key (`sk_…`), created with `npm run keys -- create`.',
  })
  docs.openAPIRegistry.registerComponent('securitySchemes', 'SupertokensApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'api-key',
    description: 'A SuperTokens-style api key, created with `npm run keys -- create --kind supertokens`. `Authorization: Bearer <key>` is accepted too.',
  })
  return docs.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'saml-edge', version: '0.1.0', description: DESCRIPTION },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'Clerk: SAML connections', description: 'Wire-compatible with the Clerk Backend API (`@clerk/backend` `samlConnections`).' },
      { name: 'Clerk: enterprise connections', description: 'Wire-compatible with the Clerk Backend API (`@clerk/backend` `enterpriseConnections`): the same connections, SAML providers only. `entconn_<x>` and `samlc_<x>` name one connection.' },
      { name: 'SuperTokens: SAML clients', description: 'Wire-compatible with the SuperTokens core SAML recipe (`supertokens-node` `recipe/saml`).' },
      { name: 'SuperTokens: core', description: 'Core endpoints the SuperTokens SDKs call first.' },
      { name: 'SuperTokens: SAML login', description: 'The core\'s login flow, as `supertokens-node` calls it (`createLoginRequest`, `verifySAMLResponse`, `getUserInfo`).' },
      { name: 'SuperTokens: SAML legacy (OAuth-provider style)', description: 'The core\'s legacy endpoints for OAuth clients such as the `boxy-saml` ThirdParty provider: authorize, ACS, token, userinfo (public tenant only).' },
    ],
  })
}

// The document depends only on the origin; build it once per isolate and origin.
const cache = new Map<string, ReturnType<typeof buildOpenApiDocument>>()
export function openApiDocumentFor(origin: string) {
  let doc = cache.get(origin)
  if (!doc) {
    doc = buildOpenApiDocument(origin)
    if (cache.size > 16) cache.clear()
    cache.set(origin, doc)
  }
  return doc
}
