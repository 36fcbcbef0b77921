import { isAppError } from '../domain/errors'
import { retryDelaySeconds, type WebhookMessage } from '../domain/webhooks'
import type { StoredEvent } from '../storage/types'
import type { Deps } from './deps'
import { guardedFetch, type OutboundPolicy } from './outbound-url'
import { signedHeaders } from './standard-webhooks'
import { openSecret } from './webhook-secrets'

/**
 * The queue consumer (the Worker's `queue` handler): each message is one event for one endpoint,
 * POSTed under the outbound-URL policy and signed afresh on every attempt (the timestamp is the
 * attempt's), with the event's id as `webhook-id` every time. A 2xx acknowledges it; anything else
 * (another status, a timeout, a refused or failed fetch) retries it with backoff, and the queue moves
 * a message that used up its retries to the dead-letter queue.
 */

/** What the consumer needs of a Queue message; Cloudflare's `Message` has it. */
export interface DeliveryMessage {
  readonly body: unknown
  readonly attempts: number
  ack(): void
  retry(options?: { delaySeconds?: number }): void
}

/** The wire body of an event: rendered by the HTTP layer, which owns the Clerk-style view. */
export type RenderPayload = (event: StoredEvent, origin: string) => unknown

// Deliveries in flight at once: a Worker keeps at most six outgoing connections open.
const CONCURRENCY = 6
// Only the status matters; a receiver's long answer is read no further than this.
const MAX_ANSWER_BYTES = 64 * 1024

function messageOf(body: unknown): WebhookMessage | null {
  if (typeof body !== 'object' || body === null) return null
  const { eventId, endpointId } = body as Record<string, unknown>
  return typeof eventId === 'string' && typeof endpointId === 'string' ? { eventId, endpointId } : null
}

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane))
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error?: string } | { gone: string }

async function attempt(deps: Deps, m: WebhookMessage, render: RenderPayload): Promise<Outcome> {
  const [event, endpoint] = await Promise.all([deps.events.find(m.eventId), deps.webhookEndpoints.find(m.endpointId)])
  // A deleted endpoint wants nothing more; an event that is not there never committed.
  if (!endpoint) return { gone: 'endpoint_deleted' }
  if (!event) return { gone: 'event_missing' }
  const body = JSON.stringify(render(event, deps.webhooks.publicOrigin ?? endpoint.origin))
  const secret = await openSecret(await deps.webhooks.sealingKey(), endpoint.id, endpoint.sealedSecret)
  const headers = await signedHeaders(secret, event.id, Math.floor(deps.clock() / 1000), body)
  // The failure code is never shown to anyone: a refusal here is only a failed attempt.
  const policy: OutboundPolicy = { development: deps.development, failure: 'internal', maxBytes: MAX_ANSWER_BYTES, maxRedirects: 0, timeoutMs: deps.webhooks.timeoutMs }
  try {
    const res = await guardedFetch(deps.webhooks.fetch, endpoint.url, policy, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'saml-edge-webhooks/1' },
      body,
    })
    return res.status >= 200 && res.status <= 299 ? { ok: true, status: res.status } : { ok: false, status: res.status }
  } catch (e) {
    return { ok: false, status: null, error: isAppError(e) ? String(e.opts.internal) : String(e) }
  }
}

/** Delivers a batch from the webhook queue; every message is acknowledged or retried, none left to the batch's fate. */
export async function deliverWebhooks(deps: Deps, messages: readonly DeliveryMessage[], render: RenderPayload): Promise<void> {
  await eachLimited(messages, async (message) => {
    const m = messageOf(message.body)
    if (!m) {
      deps.log.error('webhook_message_malformed', {})
      return message.ack()
    }
    const fields = { event_id: m.eventId, endpoint_id: m.endpointId, attempt: message.attempts }
    let outcome: Outcome
    try {
      outcome = await attempt(deps, m, render)
    } catch (e) {
      // D1, the sealing key or the renderer failed: not the receiver's fault, but retried all the same.
      outcome = { ok: false, status: null, error: String(e) }
    }
    if ('gone' in outcome) {
      deps.log.info('webhook_dropped', { ...fields, reason: outcome.gone })
      return message.ack()
    }
    if (outcome.ok) {
      deps.log.info('webhook_delivered', { ...fields, status: outcome.status })
      return message.ack()
    }
    const delaySeconds = retryDelaySeconds(message.attempts, deps.webhooks.retryBaseSeconds)
    deps.log.warn('webhook_delivery_failed', { ...fields, status: outcome.status, error: outcome.error, retry_in_s: delaySeconds })
    message.retry({ delaySeconds })
  })
}

/** The dead-letter queue's consumer: each message the queue gave up on is recorded in D1 and logged. */
export async function recordDeadLetters(deps: Deps, messages: readonly DeliveryMessage[]): Promise<void> {
  for (const message of messages) {
    const m = messageOf(message.body)
    if (!m) {
      message.ack()
      continue
    }
    try {
      const event = await deps.events.find(m.eventId)
      await deps.webhookEndpoints.recordDeadLetter(m, event?.instanceId ?? null, deps.clock())
      deps.log.error('webhook_undeliverable', { event_id: m.eventId, endpoint_id: m.endpointId, type: event?.type ?? null })
      message.ack()
    } catch (e) {
      deps.log.warn('webhook_dead_letter_write_failed', { event_id: m.eventId, endpoint_id: m.endpointId, error: String(e) })
      message.retry()
    }
  }
}
