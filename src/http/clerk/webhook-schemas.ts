import { z } from '@hono/zod-openapi'
import { EVENT_TYPES } from '../../domain/events'
import { MAX_WEBHOOK_URL_LENGTH } from '../../domain/webhooks'

/** The webhook endpoint objects (a saml-edge extension of the Clerk-style API; README, Webhooks). */

const EVENTS_DESCRIPTION = `Event types this endpoint receives; omitted or null: every type, including types added later. One of: ${EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}.`

export const CreateWebhookEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH).openapi({
      description: 'Where deliveries are POSTed: an `https:` URL of a public host (in development also `http:`, e.g. a local receiver).',
      example: 'https://example.com/webhooks/saml-edge',
    }),
    events: z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length).nullish().openapi({ description: EVENTS_DESCRIPTION }),
  })
  .openapi('CreateWebhookEndpointBody')

const endpointFields = {
  object: z.literal('webhook_endpoint'),
  id: z.string().openapi({ example: 'whep_2P17P4pXsx8MmunM1pkeYeimDDd' }),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)).nullable().openapi({ description: 'Null: every event type.' }),
  created_at: z.number().int().openapi({ description: 'Unix milliseconds' }),
}

export const WebhookEndpointSchema = z.object(endpointFields).openapi('WebhookEndpoint')

export const CreatedWebhookEndpointSchema = z
  .object({
    ...endpointFields,
    secret: z.string().openapi({
      description: 'The signing secret (`whsec_` + base64), shown only in this answer: verify deliveries with it as the Standard Webhooks specification says.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('CreatedWebhookEndpoint')

export const WebhookEndpointsSchema = z.object({ data: z.array(WebhookEndpointSchema), total_count: z.number().int() }).openapi('WebhookEndpoints')

export const WebhookEndpointParams = z.object({
  webhook_endpoint_id: z.string().openapi({ param: { name: 'webhook_endpoint_id', in: 'path' }, example: 'whep_2P17P4pXsx8MmunM1pkeYeimDDd' }),
})
