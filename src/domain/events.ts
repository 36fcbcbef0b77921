import { newEventId } from './ids'

/**
 * Every event type the service records (issue 15). Connection events carry the connection's id;
 * `data` holds the facts of the event itself (what changed, which threshold), not a copy of the
 * connection: whoever delivers an event reads the connection as it needs it.
 */
export const EVENT_TYPES = [
  'saml_connection.created',
  'saml_connection.updated',
  'saml_connection.deleted',
  'saml_connection.activated',
  'saml_connection.deactivated',
  'saml_connection.certificates_rotated',
  'saml_connection.certificate_expiring',
  'saml_connection.certificate_expired',
  'saml_connection.metadata_refresh_failed',
  'sign_in.succeeded',
  'sign_in.failed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export interface DomainEvent {
  id: string
  instanceId: string
  type: EventType
  connectionId: string | null
  data: Record<string, unknown>
  createdAt: number
}

/** An event about one connection, stamped now. */
export const connectionEvent = (
  type: EventType,
  connection: { id: string; instanceId: string },
  data: Record<string, unknown>,
  now: number,
): DomainEvent => ({ id: newEventId(), instanceId: connection.instanceId, type, connectionId: connection.id, data, createdAt: now })

const DAY_MS = 24 * 60 * 60 * 1000
/**
 * How long the outbox keeps an event after handing it to the queue (README, Webhooks). The queue's
 * consumer reads the event again at every attempt, and its retries span about 30 hours (wrangler.toml),
 * so a week leaves every retry, and a queue backlog of days, its event to read.
 */
export const DELIVERED_EVENT_RETENTION_MS = 7 * DAY_MS
/**
 * How long an event nobody handed on is kept: a Worker without a queue binding keeps its outbox for
 * one that gets it, but not forever (docs/scale.md: the events table fills D1 first).
 */
export const UNDELIVERED_EVENT_RETENTION_MS = 30 * DAY_MS
/** Events one purge statement deletes at most, and the rounds of them a cron run makes: a backlog is worked off over runs, never in one long one. */
export const EVENT_PURGE_CHUNK = 5_000
export const EVENT_PURGE_ROUNDS = 4
