import { connectionEvent, type DomainEvent } from '../domain/events'
import type { SamlConnection } from '../domain/saml-connection'

/**
 * The events of an admin's write, in either API style (README, Webhooks), for the write's own D1
 * batch. A write passes the flip its result would be (`activated` for an active result,
 * `deactivated` otherwise); the repository records it only if the stored connection was the other
 * way just before, so the flip is judged by what was stored, not by what the caller read earlier.
 */

const SOURCE = { source: 'admin' } as const
// Kept by the service itself, never an admin's change.
const NOT_CHANGES = new Set<keyof SamlConnection>(['updatedAt', 'createdAt', 'userCount'])

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The fields (snake_case model names) whose values differ between two versions of a connection. */
export function changedFields(before: SamlConnection, after: SamlConnection): string[] {
  const keys = Object.keys(after) as (keyof SamlConnection)[]
  return keys.filter((k) => !NOT_CHANGES.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).map(snake)
}

const flip = (c: SamlConnection, now: number): DomainEvent =>
  connectionEvent(c.active ? 'saml_connection.activated' : 'saml_connection.deactivated', c, SOURCE, now)

export function createdEvents(c: SamlConnection, now: number): DomainEvent[] {
  const created = connectionEvent('saml_connection.created', c, SOURCE, now)
  return c.active ? [created, connectionEvent('saml_connection.activated', c, SOURCE, now)] : [created]
}

export const replacedEvents = (before: SamlConnection, after: SamlConnection, now: number): DomainEvent[] => [
  connectionEvent('saml_connection.updated', after, { changed: changedFields(before, after), ...SOURCE }, now),
  flip(after, now),
]

export const deletedEvent = (instanceId: string, id: string, now: number): DomainEvent =>
  connectionEvent('saml_connection.deleted', { id, instanceId }, SOURCE, now)
