import { AppError } from '../domain/errors'
import type { EventType } from '../domain/events'
import { MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE, MAX_WEBHOOK_URL_LENGTH, newWebhookEndpointId, type WebhookEndpoint } from '../domain/webhooks'
import type { Deps } from './deps'
import { checkOutboundUrl } from './outbound-url'
import { newSigningSecret } from './standard-webhooks'
import { sealSecret } from './webhook-secrets'

const refuse = (param: string, expected: string) => new AppError('invalid_input', { issues: [{ param, kind: 'value', expected }] })

/**
 * A URL deliveries may go to: the outbound-URL policy every server-side fetch follows (https to a
 * public host outside development), checked now so an admin learns of a refusal at once; each
 * delivery checks it again.
 */
function deliveryUrl(deps: Deps, raw: string): string {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw refuse('url', `at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  const checked = checkOutboundUrl(raw, { development: deps.development })
  if (!checked.ok) throw refuse('url', deps.development ? `an absolute http: or https: URL (${checked.reason})` : `an https: URL of a public host (${checked.reason})`)
  return checked.url.href
}

export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpoint
  /** Shown once, in the answer to the create; stored only sealed. */
  secret: string
}

export async function createWebhookEndpoint(
  deps: Deps,
  instanceId: string,
  origin: string,
  input: { url: string; events?: EventType[] },
): Promise<CreatedWebhookEndpoint> {
  const endpoint: WebhookEndpoint = {
    id: newWebhookEndpointId(),
    instanceId,
    url: deliveryUrl(deps, input.url),
    events: input.events === undefined ? null : [...new Set(input.events)],
    origin,
    createdAt: deps.clock(),
  }
  const secret = newSigningSecret()
  const sealedSecret = await sealSecret(await deps.webhooks.sealingKey(), endpoint.id, secret)
  if (!(await deps.webhookEndpoints.create({ ...endpoint, sealedSecret }, MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE))) {
    throw refuse('url', `at most ${MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE} webhook endpoints per instance; delete one first`)
  }
  return { endpoint, secret }
}

export const listWebhookEndpoints = (deps: Deps, instanceId: string): Promise<WebhookEndpoint[]> => deps.webhookEndpoints.list(instanceId)

export async function deleteWebhookEndpoint(deps: Deps, instanceId: string, id: string): Promise<void> {
  if (!(await deps.webhookEndpoints.remove(instanceId, id))) throw new AppError('not_found', { meta: { resource: 'webhook_endpoint' } })
}
