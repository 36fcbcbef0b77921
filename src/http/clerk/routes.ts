import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import { SAML_CONNECTION_ID } from '../../domain/ids'
import { createConnection, deleteConnection, getConnection, listConnections, updateConnection } from '../../services/saml-connections'
import { refreshConnectionNow } from '../../services/scheduled-refresh'
import type { AppEnv } from '../env'
import { clerkJsonBody } from '../middleware/body'
import { throwOnInvalid } from '../validation-hook'
import { clerkAuth } from './auth'
import { enterpriseRoutes } from './enterprise-routes'
import { signInAttemptRoutes } from './sign-in-attempt-routes'
import { webhookRoutes } from './webhook-routes'
import {
  ClerkConnectionParams,
  ClerkCreateConnectionBody,
  ClerkDeletedObjectSchema,
  ClerkListQuery,
  ClerkSamlConnectionSchema,
  ClerkSamlConnectionsSchema,
  ClerkUpdateConnectionBody,
} from './schemas'
import { clerkRoute, jsonBody } from './route-parts'
import { fromClerkCreate, fromClerkListQuery, fromClerkUpdate, toClerkConnection } from './serialize'

const tags = ['Clerk: SAML connections']

const listRoute = clerkRoute({
  method: 'get', path: '/saml_connections', operationId: 'ListSAMLConnections', tags,
  summary: 'List SAML connections, newest first',
  request: { query: ClerkListQuery }, ok: [ClerkSamlConnectionsSchema, 'A page of connections and the total count'], errors: [400, 401, 422],
})

const createRoute_ = clerkRoute({
  method: 'post', path: '/saml_connections', operationId: 'CreateSAMLConnection', tags,
  summary: 'Create a SAML connection',
  request: { body: jsonBody(ClerkCreateConnectionBody) }, ok: [ClerkSamlConnectionSchema, 'The created connection'], errors: [400, 401, 413, 415, 422],
})

const getRoute = clerkRoute({
  method: 'get', path: '/saml_connections/{saml_connection_id}', operationId: 'GetSAMLConnection', tags,
  summary: 'Get a SAML connection',
  request: { params: ClerkConnectionParams }, ok: [ClerkSamlConnectionSchema, 'The connection'], errors: [401, 404],
})

const updateRoute = clerkRoute({
  method: 'patch', path: '/saml_connections/{saml_connection_id}', operationId: 'UpdateSAMLConnection', tags,
  summary: 'Update a SAML connection (partial; null clears a nullable field)',
  request: { params: ClerkConnectionParams, body: jsonBody(ClerkUpdateConnectionBody) }, ok: [ClerkSamlConnectionSchema, 'The updated connection'], errors: [400, 401, 404, 413, 415, 422],
})

const deleteRoute = clerkRoute({
  method: 'delete', path: '/saml_connections/{saml_connection_id}', operationId: 'DeleteSAMLConnection', tags,
  summary: 'Delete a SAML connection',
  request: { params: ClerkConnectionParams }, ok: [ClerkDeletedObjectSchema, 'The deleted object'], errors: [401, 404],
})

const refreshRoute = clerkRoute({
  method: 'post', path: '/saml_connections/{saml_connection_id}/refresh_metadata', operationId: 'RefreshSAMLConnectionMetadata', tags,
  summary: 'Fetch the IdP metadata URL again now (saml-edge extension)',
  description:
    'Fetches `idp_metadata_url` now (conditionally, as the scheduled refresh does) and applies a changed SSO URL, binding or set of signing certificates. ' +
    'A failed fetch or invalid document keeps the last good metadata and answers the error; a connection without `idp_metadata_url` is a 422.',
  request: { params: ClerkConnectionParams }, ok: [ClerkSamlConnectionSchema, 'The connection after the refresh'], errors: [400, 401, 404, 422],
})

/** The path's id, or 404 when it cannot name a connection, as Clerk answers (its SDKs know no other status here). */
function connectionId(id: string): string {
  if (!SAML_CONNECTION_ID.test(id)) throw new AppError('not_found', { internal: 'not a connection id' })
  return id
}

/** The Clerk-style Backend API, mounted at `/v1`. */
export function clerkRoutes() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  app.use('/saml_connections', clerkAuth, ...clerkJsonBody)
  app.use('/saml_connections/*', clerkAuth, ...clerkJsonBody)
  // The newer view of the same connections (Clerk deprecates /saml_connections in its favour).
  app.route('/', enterpriseRoutes())
  app.route('/', signInAttemptRoutes())
  app.route('/', webhookRoutes())

  return app
    .openapi(listRoute, async (c) => {
      const page = await listConnections(c.var.deps, fromClerkListQuery(c.var.principal.instanceId, c.req.valid('query')))
      return c.json({ data: page.items.map((x) => toClerkConnection(x, c.var.origin)), total_count: page.total }, 200)
    })
    .openapi(createRoute_, async (c) => {
      const conn = await createConnection(c.var.deps, { ...c.var.principal, tenantId: 'public' }, fromClerkCreate(c.req.valid('json')))
      return c.json(toClerkConnection(conn, c.var.origin), 200)
    })
    .openapi(getRoute, async (c) => {
      const conn = await getConnection(c.var.deps, c.var.principal.instanceId, connectionId(c.req.valid('param').saml_connection_id))
      return c.json(toClerkConnection(conn, c.var.origin), 200)
    })
    .openapi(updateRoute, async (c) => {
      const id = connectionId(c.req.valid('param').saml_connection_id)
      const conn = await updateConnection(c.var.deps, c.var.principal.instanceId, id, fromClerkUpdate(c.req.valid('json')))
      return c.json(toClerkConnection(conn, c.var.origin), 200)
    })
    .openapi(refreshRoute, async (c) => {
      const conn = await refreshConnectionNow(c.var.deps, c.var.principal.instanceId, connectionId(c.req.valid('param').saml_connection_id))
      return c.json(toClerkConnection(conn, c.var.origin), 200)
    })
    .openapi(deleteRoute, async (c) => {
      const id = connectionId(c.req.valid('param').saml_connection_id)
      if (!(await deleteConnection(c.var.deps, c.var.principal.instanceId, id))) throw new AppError('not_found')
      return c.json({ object: 'saml_connection', id, deleted: true }, 200)
    })
}
