import { OpenAPIHono } from '@hono/zod-openapi'
import { Hono } from 'hono'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { AppError } from '../../domain/errors'
import { listClients, removeClient, upsertClient } from '../../services/supertokens-clients'
import { supertokensScope, type StEnv } from './auth'
import { supertokensJsonBody } from './body'
import { SUPPORTED_CDI_VERSIONS } from './cdi-version'
import { supertokensText } from './errors'
import { supertokensLegacyApi } from './legacy-routes'
import { supertokensLoginApi } from './login-routes'
import { DEFAULT_TENANT_ID } from './paths'
import {
  StApiVersionQuery,
  StApiVersionResponse,
  StListClientsResponse,
  StRemoveClientBody,
  StRemoveClientResponse,
  StUpsertClientBody,
  StUpsertClientResponse,
} from './schemas'
import { fromStUpsert, toStClient } from './serialize'
import { bodyOf, JSON_UTF8, keyedJsonRoute, validationHook } from './route-parts'

const tags = ['SuperTokens: SAML clients']

const upsertRoute = keyedJsonRoute({
  method: 'put', path: '/recipe/saml/clients', operationId: 'SupertokensCreateOrUpdateSamlClient', tags,
  summary: 'Create or fully replace a SAML client of the tenant',
  request: bodyOf(StUpsertClientBody), ok: [StUpsertClientResponse, 'The saved client, or DUPLICATE_IDP_ENTITY_ERROR'], errors: [400, 401, 404],
})
const listRoute = keyedJsonRoute({
  method: 'get', path: '/recipe/saml/clients/list', operationId: 'SupertokensListSamlClients', tags,
  summary: 'List the SAML clients of the tenant, newest first', ok: [StListClientsResponse, 'Every client of the tenant'], errors: [400, 401, 404],
})
const removeRoute = keyedJsonRoute({
  method: 'post', path: '/recipe/saml/clients/remove', operationId: 'SupertokensRemoveSamlClient', tags,
  summary: 'Remove a SAML client of the tenant',
  request: bodyOf(StRemoveClientBody), ok: [StRemoveClientResponse, 'Whether the client existed'], errors: [400, 401, 404],
})
const apiVersionRoute = keyedJsonRoute({
  method: 'get', path: '/apiversion', operationId: 'SupertokensApiVersion', tags: ['SuperTokens: core'],
  summary: 'Core Driver Interface versions this service speaks (the SDKs call it before anything else)',
  request: { query: StApiVersionQuery }, ok: [StApiVersionResponse, 'Supported CDI versions'], errors: [400, 401, 403],
})

/** The SuperTokens-core-style API at its canonical paths (`/recipe/saml/...`, `/apiversion`). */
export function supertokensApi() {
  const app = new OpenAPIHono<StEnv>({ defaultHook: validationHook<StEnv>() })
  // A known path with another method: the core's servlet answers 405, after the API key check
  // (the scope middleware below runs first, and a refusal there is not a 404 this turns into a 405).
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c) => supertokensText(c, 405, 'Method not supported') }))
  for (const path of ['/recipe/*', '/apiversion']) app.use(path, supertokensScope)
  // Bodies are read only where a route takes one, so a wrong method still gets its 405.
  app.on('PUT', upsertRoute.path, ...supertokensJsonBody)
  app.on('POST', removeRoute.path, ...supertokensJsonBody)

  app
    .openapi(upsertRoute, async (c) => {
      const input = c.req.valid('json')
      const conn = await upsertClient(c.var.deps, c.var.scope, fromStUpsert(input))
      return c.json({ ...toStClient(conn, c.var.origin, { clientSecret: input.clientSecret }), status: 'OK' as const }, 200, JSON_UTF8)
    })
    .openapi(listRoute, async (c) => {
      const clients = await listClients(c.var.deps, c.var.scope)
      return c.json({ status: 'OK' as const, clients: clients.map((x) => toStClient(x, c.var.origin)) }, 200, JSON_UTF8)
    })
    .openapi(removeRoute, async (c) => {
      const didExist = await removeClient(c.var.deps, c.var.scope, c.req.valid('json').clientId)
      return c.json({ status: 'OK' as const, didExist }, 200, JSON_UTF8)
    })
    .openapi(apiVersionRoute, async (c) => {
      // App-level API: the core refuses it under a tenant other than public.
      if (c.var.scope.tenantId !== DEFAULT_TENANT_ID) throw new AppError('forbidden')
      return c.json({ versions: [...SUPPORTED_CDI_VERSIONS] }, 200, JSON_UTF8)
    })

  // The login flow and SP metadata; the `/recipe/*` middleware above resolves their scope too.
  app.route('/', supertokensLoginApi())
  app.route('/', supertokensLegacyApi())
  return app
}

/**
 * The SuperTokens style with the core's prefixes: `/X`, `/<tenantId>/X`, `/appid-<appId>/X` and
 * `/appid-<appId>/<tenantId>/X`. Which segment is which is decided in `supertokensScope`.
 * Mounted by a plain Hono app so the OpenAPI document lists each route once.
 */
export function supertokensRoutes() {
  const api = supertokensApi()
  return new Hono<StEnv>().route('/', api).route('/:first', api).route('/:first/:second', api)
}
