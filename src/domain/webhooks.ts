import type { EventType } from './events'
import { randomBase62 } from './ids'

/**
 * Webhook endpoints and the delivery rules every part shares (README, Webhooks). An endpoint
 * belongs to one instance and receives that instance's events of the types it chose (all when
 * `events` is null, including types added later), signed as the Standard Webhooks specification says.
 */
export interface WebhookEndpoint {
  id: string
  instanceId: string
  url: string
  /** Null: every event type. */
  events: EventType[] | null
  /** The origin of the request that created it: the Clerk-style view's URLs when PUBLIC_ORIGIN is not set. */
  origin: string
  createdAt: number
}

/** A stored endpoint with its signing secret still sealed (`webhook-secrets.ts`). */
export interface StoredWebhookEndpoint extends WebhookEndpoint {
  sealedSecret: string
}

/** `whep_` + 27 base62 characters. */
export const newWebhookEndpointId = (): string => `whep_${randomBase62(27)}`
export const WEBHOOK_ENDPOINT_ID = /^whep_[0-9A-Za-z]{27}$/

/** Each event fans out to every matching endpoint of its instance: bounded, so one event is bounded work. */
export const MAX_WEBHOOK_ENDPOINTS_PER_INSTANCE = 20
export const MAX_WEBHOOK_URL_LENGTH = 2048

export const wantsEvent = (e: Pick<WebhookEndpoint, 'events'>, type: EventType): boolean => e.events === null || e.events.includes(type)

/** One queue message: an event for one endpoint. Both are read again when it is delivered. */
export interface WebhookMessage {
  eventId: string
  endpointId: string
}

// Cloudflare Queues delays a retry by at most 12 hours.
const MAX_RETRY_DELAY_SECONDS = 43_200

/**
 * The wait before the next attempt after `attempts` failed ones: `base` seconds, times 4 each time,
 * at most 12 hours. With base 60 and the 7 retries of wrangler.toml: 1 min, 4 min, 16 min, 64 min,
 * ~4.3 h, 12 h, 12 h, so the fifth attempt comes 85 minutes after the first.
 */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  const exponent = Math.max(0, Math.min(attempts, 16) - 1)
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.round(baseSeconds * 4 ** exponent))
}
export const DEFAULT_RETRY_BASE_SECONDS = 60

/** How long the receiver has to answer one delivery (the Standard Webhooks recommendation is 15 s). */
export const WEBHOOK_TIMEOUT_MS = 15_000
