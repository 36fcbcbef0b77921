import { AppError } from '../domain/errors'
import { connectionEvent, type DomainEvent } from '../domain/events'
import { newSignInAttemptId } from '../domain/ids'
import type { SamlConnection } from '../domain/saml-connection'
import {
  MAX_STORED_SAML_RESPONSE_CHARS,
  SIGN_IN_ATTEMPT_RETENTION_MS,
  type SignInAttempt,
  type SignInFailureReason,
  type SignInFlow,
} from '../domain/sign-in-attempt'
import { base64ToBytes } from '../saml'
import type { Deps } from './deps'
import { failureReasonOf } from './sign-in-failure-reason'
import { publishSoon } from './webhook-publish'

/** Where a post arrived and what it carried: enough to record its attempt. */
export interface AttemptSite {
  connection: SamlConnection
  flow: SignInFlow
  /** The SAMLResponse form value as posted (base64). */
  samlResponse: string
}

/** What a verified assertion said about the user; null until verification passed. */
export interface VerifiedUser {
  nameId: string | null
  emailAddress: string | null
}

/** The decoded XML posted, cut to a bound; the posted text itself when it is not base64. */
export function decodedSamlResponse(posted: string): string {
  const compact = posted.replace(/[\t\n\r ]/g, '')
  const prefix = compact.slice(0, Math.ceil(MAX_STORED_SAML_RESPONSE_CHARS / 3) * 4)
  const bytes = base64ToBytes(prefix)
  const text = bytes ? new TextDecoder().decode(bytes) : posted
  return text.slice(0, MAX_STORED_SAML_RESPONSE_CHARS)
}

/**
 * The attempt as an admin reads it (`GET .../sign_in_attempts`) and as `sign_in.*` events carry it:
 * one wire shape for both, like the other event data (services/lifecycle-events.ts).
 */
export const toSignInAttemptObject = (a: SignInAttempt) => ({
  object: 'sign_in_attempt' as const,
  id: a.id,
  connection_id: a.connectionId,
  status: a.status,
  reason: a.reason,
  flow: a.flow,
  name_id: a.nameId,
  email_address: a.emailAddress,
  created_at: a.createdAt,
  saml_response: a.samlResponse,
})

const eventOf = (a: SignInAttempt): DomainEvent =>
  connectionEvent(a.status === 'succeeded' ? 'sign_in.succeeded' : 'sign_in.failed', { id: a.connectionId, instanceId: a.instanceId }, toSignInAttemptObject(a), a.createdAt)

const attemptAt = (site: Pick<AttemptSite, 'connection' | 'flow'>, user: VerifiedUser, now: number) => ({
  id: newSignInAttemptId(),
  instanceId: site.connection.instanceId,
  connectionId: site.connection.id,
  flow: site.flow,
  nameId: user.nameId,
  emailAddress: user.emailAddress,
  createdAt: now,
})

/** A success's attempt and event, for the sign-in's own D1 batch (they commit with the code, or not at all). */
export function succeededAttempt(site: Pick<AttemptSite, 'connection' | 'flow'>, user: VerifiedUser, now: number): { attempt: SignInAttempt; event: DomainEvent } {
  const attempt: SignInAttempt = { ...attemptAt(site, user, now), status: 'succeeded', reason: null, samlResponse: null }
  return { attempt, event: eventOf(attempt) }
}

/**
 * Records a failed attempt off the browser's path (`deps.defer`). A failed write is logged and
 * nothing more: the refusal the browser gets stays the refusal it was.
 */
function recordFailedAttempt(deps: Deps, site: AttemptSite, reason: SignInFailureReason, user: VerifiedUser, samlResponse: string): void {
  // Stamped at the refusal, not at the write, so attempts keep the order their posts came in.
  const attempt: SignInAttempt = { ...attemptAt(site, user, deps.clock()), status: 'failed', reason, samlResponse }
  const write = async () => {
    const event = eventOf(attempt)
    const outcome = await deps.signInAttempts.record(attempt, event)
    if (outcome === 'counted') deps.log.info('sign_in_attempt_not_stored', { connection_id: attempt.connectionId, reason })
    else publishSoon(deps, [event])
  }
  deps.defer(write().catch((e: unknown) => deps.log.error('sign_in_attempt_write_failed', { connection_id: site.connection.id, reason, error: String(e) })))
}

/** Records why `error` refused the post, and hands the error back to be thrown. */
export function refusal(deps: Deps, site: AttemptSite, error: unknown, user: VerifiedUser = { nameId: null, emailAddress: null }): unknown {
  const xml = decodedSamlResponse(site.samlResponse)
  const reason = failureReasonOf(error, { xml, trusted: site.connection.idpCertificates.map((c) => c.certificate) })
  recordFailedAttempt(deps, site, reason, user, xml)
  return error
}

/** A connection's attempts of the last 7 days, newest first; `not_found` for a connection of another instance. */
export async function listSignInAttempts(deps: Deps, instanceId: string, connectionId: string, page: { limit: number; offset: number }) {
  const conn = await deps.connections.find(instanceId, connectionId)
  if (!conn) throw new AppError('not_found')
  return deps.signInAttempts.list(connectionId, { ...page, since: deps.clock() - SIGN_IN_ATTEMPT_RETENTION_MS })
}

/** How many of a connection's attempts of the last 7 days were over the per-minute bound: counted, not stored. */
export async function countAttemptsNotStored(deps: Deps, connectionId: string): Promise<number> {
  return deps.signInAttempts.countNotStored(connectionId, deps.clock() - SIGN_IN_ATTEMPT_RETENTION_MS)
}
