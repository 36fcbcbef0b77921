import { AppError, isAppError } from '../domain/errors'
import { nextRefreshAfterFailure, nextRefreshAfterSuccess } from '../domain/metadata-refresh'
import { missingForActivation, SamlConnectionSchema, type SamlConnection } from '../domain/saml-connection'
import type { IdpMetadata } from '../saml'
import type { RefreshAttempt, RefreshState } from '../storage/types'
import type { Deps } from './deps'
import { syncEdgeCopy } from './edge-sync'
import { parseMetadataOrThrow, withMetadata } from './idp-settings'
import { changedIdpFields, refreshChangeEvents, refreshFailedEvent, type RefreshTrigger } from './lifecycle-events'
import { publishSoon } from './webhook-publish'

export type RefreshOutcome =
  | { kind: 'changed'; connection: SamlConnection; changed: string[] }
  /** A 304, or a document saying what the connection already holds. */
  | { kind: 'unchanged'; connection: SamlConnection }
  /** The fetch or the document failed; the connection keeps its last good metadata. */
  | { kind: 'failed'; connection: SamlConnection; error: AppError }
  /** The connection was written by someone else meanwhile; their write stands. */
  | { kind: 'superseded' }

const fail = (reason: string, more: Record<string, unknown> = {}) => new AppError('idp_metadata_invalid', { internal: { reason, ...more } })

/**
 * The connection as the refreshed document describes it. Stricter than a write by an admin: a
 * document that names another entity, lists no signing certificate, or (for an active connection)
 * only expired ones is a failed refresh, and the last good metadata stays.
 */
function refreshed(conn: SamlConnection, metadata: IdpMetadata, development: boolean, now: number): SamlConnection {
  if (conn.idpEntityId !== null && metadata.entityId !== conn.idpEntityId) throw fail('entity_id_changed', { got: metadata.entityId })
  if (metadata.certificates.length === 0) throw fail('missing_certificate')
  const next = withMetadata(conn, metadata, development)
  if (conn.active && missingForActivation(next, now).length) throw fail('no_valid_certificate')
  return SamlConnectionSchema.parse(next)
}

/** The logged reason of a fetch or parse failure, as a short string. */
function reasonOf(e: AppError): string {
  const internal = e.opts.internal
  if (typeof internal === 'string') return internal
  if (internal && typeof internal === 'object' && 'reason' in internal) return String(internal.reason)
  return e.code
}

/**
 * Fetches a connection's metadata URL again (conditionally, with the last document's validators) and
 * applies what changed: the record, its schedule, its events and its edge sync in one D1 batch, then
 * the KV copy. `conn` is the record as read from D1; `state` its refresh schedule.
 */
export async function refreshMetadata(deps: Deps, conn: SamlConnection, state: RefreshState | null, trigger: RefreshTrigger): Promise<RefreshOutcome> {
  const url = conn.idpMetadataUrl
  if (!url) throw new AppError('metadata_url_missing')
  const now = deps.clock()
  const own = state?.metadataUrl === url ? state : null
  const failed = async (e: unknown): Promise<RefreshOutcome> => {
    if (!isAppError(e) || (e.code !== 'idp_metadata_fetch_failed' && e.code !== 'idp_metadata_invalid')) throw e
    const failures = (own?.failures ?? 0) + 1
    const attempt: RefreshAttempt = { metadataUrl: url, at: now, nextRefreshAt: nextRefreshAfterFailure(now, failures), failure: reasonOf(e), failures }
    const event = refreshFailedEvent(conn, { error: e.code, reason: reasonOf(e), failures, nextAttemptAt: attempt.nextRefreshAt, trigger }, now)
    await deps.metadataRefresh.recordAttempt(conn.id, attempt, [event])
    publishSoon(deps, [event])
    deps.log.warn('metadata_refresh_failed', { connection_id: conn.id, trigger, code: e.code, reason: reasonOf(e), failures })
    return { kind: 'failed', connection: conn, error: e }
  }

  let next: SamlConnection
  let attempt: RefreshAttempt
  try {
    const download = await deps.fetchMetadata(url, own ? { etag: own.etag, lastModified: own.lastModified } : undefined)
    if (download.status === 'not_modified') {
      const hints = { validUntil: own?.validUntil ?? null, cacheDurationMs: own?.cacheDurationMs ?? null }
      await deps.metadataRefresh.recordAttempt(conn.id, { metadataUrl: url, at: now, nextRefreshAt: nextRefreshAfterSuccess(now, hints), failure: null, failures: 0 }, [])
      return { kind: 'unchanged', connection: conn }
    }
    const metadata = parseMetadataOrThrow(download.text)
    next = refreshed(conn, metadata, deps.development, now)
    const hints = { validUntil: metadata.validUntil, cacheDurationMs: metadata.cacheDurationMs }
    attempt = { metadataUrl: url, at: now, nextRefreshAt: nextRefreshAfterSuccess(now, hints), failure: null, failures: 0, document: { ...download.validators, ...hints } }
  } catch (e) {
    return failed(e)
  }

  const changed = changedIdpFields(conn, next)
  if (changed.length === 0) {
    await deps.metadataRefresh.recordAttempt(conn.id, attempt, [])
    return { kind: 'unchanged', connection: conn }
  }
  next.updatedAt = Math.max(now, conn.updatedAt + 1)
  const events = await refreshChangeEvents(conn, next, trigger, now)
  const { applied, syncToken } = await deps.metadataRefresh.applyChange(next, conn.updatedAt, attempt, events)
  if (!applied) return { kind: 'superseded' }
  await syncEdgeCopy(deps, next.id, syncToken, next)
  publishSoon(deps, events)
  deps.log.info('metadata_refreshed', { connection_id: conn.id, trigger, changed })
  return { kind: 'changed', connection: next, changed }
}
