import type { StoredEvent } from '../../storage/types'
import { toClerkConnection } from './serialize'

/**
 * The body a webhook delivers (README, Webhooks): `type`, `timestamp` (ISO 8601, when the event
 * happened), `data`, as the Standard Webhooks specification lays out, with the instance and, for a
 * connection event, the event's own facts (`details`: what changed, which threshold) beside the
 * connection. `data` is the connection in the Clerk-style view as the event left it (before a
 * deletion), and the event's own data for any other event (a sign-in attempt).
 */
export function webhookPayload(e: StoredEvent, origin: string) {
  const aboutConnection = e.type.startsWith('saml_connection.')
  const connection = e.subject ? toClerkConnection(e.subject, origin) : { object: 'saml_connection', id: e.connectionId }
  return {
    type: e.type,
    timestamp: new Date(e.createdAt).toISOString(),
    instance_id: e.instanceId,
    data: aboutConnection ? connection : e.data,
    ...(aboutConnection ? { details: e.data } : {}),
  }
}
