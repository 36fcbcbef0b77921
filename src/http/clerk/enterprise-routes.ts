import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import { enterpriseConnectionIdOf } from '../../domain/ids'
import { DEFAULT_TENANT_ID } from '../../domain/saml-connection'
import { createConnection, deleteConnection, getConnection, listConnections, updateConnection } from '../../services/saml-connections'
import type { AppEnv } from '../env'
import { clerkJsonBody } from '../middleware/body'
import { throwOnInvalid } from '../validation-hook'
import { clerkAuth } from './auth'
import {
  CreateEnterpriseConnectionBody,
  EnterpriseConnectionParams,
  EnterpriseConnectionSchema,
  EnterpriseConnectionsSchema,
  EnterpriseListQuery,
  UpdateEnterpriseConnectionBody,
} from './enterprise-schemas'
import { enterpriseConnectionPathId, fromEnterpriseCreate, fromEnterpriseListQuery, fromEnterpriseUpdate, toEnterpriseConnection, withEnterpriseParams } from './enterprise-serialize'
import { clerkErrors, clerkRoute, json, jsonBody } from './route-parts'
import { ClerkDeletedObjectSchema } from './schemas'
import { testRunRoutes } from './test-run-routes'

const tags = ['Clerk: enterprise connections']

const listRoute = clerkRoute({
  method: 'get', path: '/enterprise_connections', operationId: 'ListEnterpriseConnections', tags,
  summary: 'List enterprise connections, newest first',
  request: { query: EnterpriseListQuery }, ok: [EnterpriseConnectionsSchema, 'A page of connections and the total count'], errors: [400, 401, 422],
})
// Clerk answers this one 201, so it is declared in full.
const createRoute_ = createRoute({
  method: 'post', path: '/enterprise_connections', operationId: 'CreateEnterpriseConnection', tags, security: [{ ClerkSecretKey: [] }],
  summary: 'Create an enterprise connection (SAML providers only)',
  request: { body: jsonBody(CreateEnterpriseConnectionBody) },
  responses: { 201: json(EnterpriseConnectionSchema, 'The created connection'), ...clerkErrors(400, 401, 413, 415, 422) },
})
const getRoute = clerkRoute({
  method: 'get', path: '/enterprise_connections/{enterprise_connection_id}', operationId: 'GetEnterpriseConnection', tags,
  summary: 'Get an enterprise connection',
  request: { params: EnterpriseConnectionParams }, ok: [EnterpriseConnectionSchema, 'The connection'], errors: [401, 404],
})
const updateRoute = clerkRoute({
  method: 'patch', path: '/enterprise_connections/{enterprise_connection_id}', operationId: 'UpdateEnterpriseConnection', tags,
  summary: 'Update an enterprise connection (partial; null leaves a field as it is)',
  request: { params: EnterpriseConnectionParams, body: jsonBody(UpdateEnterpriseConnectionBody) },
  ok: [EnterpriseConnectionSchema, 'The updated connection'], errors: [400, 401, 404, 413, 415, 422],
})
const deleteRoute = clerkRoute({
  method: 'delete', path: '/enterprise_connections/{enterprise_connection_id}', operationId: 'DeleteEnterpriseConnection', tags,
  summary: 'Delete an enterprise connection',
  request: { params: EnterpriseConnectionParams }, ok: [ClerkDeletedObjectSchema, 'The deleted object'], errors: [401, 404],
})

/** Clerk's Enterprise Connections API, mounted with the other Clerk routes at `/v1`. */
export function enterpriseRoutes() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  app.use('/enterprise_connections', clerkAuth, ...clerkJsonBody)
  app.use('/enterprise_connections/*', clerkAuth, ...clerkJsonBody)
  app.route('/', testRunRoutes())

  return app
    .openapi(listRoute, async (c) => {
      const page = await listConnections(c.var.deps, fromEnterpriseListQuery(c.var.principal.instanceId, c.req.valid('query')))
      return c.json({ data: page.items.map((x) => toEnterpriseConnection(x, c.var.origin)), total_count: page.total }, 200)
    })
    .openapi(createRoute_, async (c) => {
      const changes = fromEnterpriseCreate(c.req.valid('json'))
      const conn = await withEnterpriseParams(() => createConnection(c.var.deps, { ...c.var.principal, tenantId: DEFAULT_TENANT_ID }, changes))
      return c.json(toEnterpriseConnection(conn, c.var.origin), 201)
    })
    .openapi(getRoute, async (c) => {
      const conn = await getConnection(c.var.deps, c.var.principal.instanceId, enterpriseConnectionPathId(c.req.valid('param').enterprise_connection_id))
      return c.json(toEnterpriseConnection(conn, c.var.origin), 200)
    })
    .openapi(updateRoute, async (c) => {
      const id = enterpriseConnectionPathId(c.req.valid('param').enterprise_connection_id)
      const changes = fromEnterpriseUpdate(c.req.valid('json'))
      const conn = await withEnterpriseParams(() => updateConnection(c.var.deps, c.var.principal.instanceId, id, changes))
      return c.json(toEnterpriseConnection(conn, c.var.origin), 200)
    })
    .openapi(deleteRoute, async (c) => {
      const id = enterpriseConnectionPathId(c.req.valid('param').enterprise_connection_id)
      if (!(await deleteConnection(c.var.deps, c.var.principal.instanceId, id))) throw new AppError('not_found')
      return c.json({ object: 'enterprise_connection', id: enterpriseConnectionIdOf(id), deleted: true }, 200)
    })
}
