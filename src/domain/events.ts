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
