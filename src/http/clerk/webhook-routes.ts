import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import { WEBHOOK_ENDPOINT_ID, type WebhookEndpoint } from '../../domain/webhooks'
import { createWebhookEndpoint, deleteWebhookEndpoint, listWebhookEndpoints } from '../../services/webhook-endpoints'
import type { AppEnv } from '../env'
import { clerkJsonBody } from '../middleware/body'
import { throwOnInvalid } from '../validation-hook'
import { clerkAuth } from './auth'
import { clerkRoute, jsonBody } from './route-parts'
import { ClerkDeletedObjectSchema } from './schemas'
import { CreatedWebhookEndpointSchema, CreateWebhookEndpointBody, WebhookEndpointParams, WebhookEndpointsSchema } from './webhook-schemas'

const tags = ['Clerk: webhooks (saml-edge extension)']

const DELIVERY =
  'Each event is POSTed to every endpoint of the instance that wants its type, through a Cloudflare Queue, signed as the Standard Webhooks specification says ' +
  '(`webhook-id`: the event id, the same on every retry; `webhook-timestamp`; `webhook-signature: v1,<base64 HMAC-SHA256>`). A non-2xx answer or no answer within 15 s is retried with backoff.'

const createRoute_ = clerkRoute({
  method: 'post', path: '/webhook_endpoints', operationId: 'CreateWebhookEndpoint', tags,
  summary: 'Create a webhook endpoint; the answer holds its signing secret, shown only here',
  description: DELIVERY,
  request: { body: jsonBody(CreateWebhookEndpointBody) }, ok: [CreatedWebhookEndpointSchema, 'The endpoint and its signing secret'], errors: [400, 401, 413, 415, 422],
})

const listRoute = clerkRoute({
  method: 'get', path: '/webhook_endpoints', operationId: 'ListWebhookEndpoints', tags,
  summary: 'List the instance\'s webhook endpoints, newest first (without secrets)',
  ok: [WebhookEndpointsSchema, 'Every endpoint of the instance and the count'], errors: [401],
})

const deleteRoute = clerkRoute({
  method: 'delete', path: '/webhook_endpoints/{webhook_endpoint_id}', operationId: 'DeleteWebhookEndpoint', tags,
  summary: 'Delete a webhook endpoint; deliveries still queued for it are dropped',
  request: { params: WebhookEndpointParams }, ok: [ClerkDeletedObjectSchema, 'The deleted object'], errors: [401, 404],
})

const toWire = (e: WebhookEndpoint) => ({ object: 'webhook_endpoint' as const, id: e.id, url: e.url, events: e.events, created_at: e.createdAt })

/** Webhook endpoints, mounted with the other Clerk routes at `/v1`. */
export function webhookRoutes() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid })
  app.use('/webhook_endpoints', clerkAuth, ...clerkJsonBody)
  app.use('/webhook_endpoints/*', clerkAuth, ...clerkJsonBody)

  return app
    .openapi(createRoute_, async (c) => {
      const body = c.req.valid('json')
      const { endpoint, secret } = await createWebhookEndpoint(c.var.deps, c.var.principal.instanceId, c.var.origin, { url: body.url, events: body.events ?? undefined })
      return c.json({ ...toWire(endpoint), secret }, 200)
    })
    .openapi(listRoute, async (c) => {
      const endpoints = await listWebhookEndpoints(c.var.deps, c.var.principal.instanceId)
      return c.json({ data: endpoints.map(toWire), total_count: endpoints.length }, 200)
    })
    .openapi(deleteRoute, async (c) => {
      const id = c.req.valid('param').webhook_endpoint_id
      if (!WEBHOOK_ENDPOINT_ID.test(id)) throw new AppError('not_found', { internal: 'not a webhook endpoint id' })
      await deleteWebhookEndpoint(c.var.deps, c.var.principal.instanceId, id)
      return c.json({ object: 'webhook_endpoint', id, deleted: true }, 200)
    })
}
