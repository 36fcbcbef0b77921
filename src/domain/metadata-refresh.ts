/**
 * When a connection's metadata URL is fetched again (issue 15): once a day, sooner when the document
 * asks (validUntil, cacheDuration), never more often than every 15 minutes; after a failure the wait
 * doubles from 15 minutes up to a day.
 */
const MINUTE = 60_000
export const REFRESH_INTERVAL_MS = 24 * 60 * MINUTE
export const MIN_REFRESH_INTERVAL_MS = 15 * MINUTE
export const FIRST_RETRY_MS = 15 * MINUTE
/** How long a cron run holds the rows it picked; a run that dies leaves them due again after this. */
export const REFRESH_LEASE_MS = 10 * MINUTE
/** An unknown signing key at the ACS re-fetches metadata at most this often per connection. */
export const ON_DEMAND_INTERVAL_MS = 5 * MINUTE

/** What a metadata document says about its own freshness (SAML Metadata §2.2.1, the root's validUntil and cacheDuration). */
export interface FreshnessHints {
  validUntil: number | null
  cacheDurationMs: number | null
}

const clamp = (ms: number) => Math.min(REFRESH_INTERVAL_MS, Math.max(MIN_REFRESH_INTERVAL_MS, ms))

/** After a good fetch (or a 304): a day, or the document's cache duration, or until it stops being valid, whichever is first. */
export function nextRefreshAfterSuccess(now: number, hints: FreshnessHints): number {
  const waits = [REFRESH_INTERVAL_MS]
  if (hints.cacheDurationMs !== null) waits.push(hints.cacheDurationMs)
  if (hints.validUntil !== null) waits.push(hints.validUntil - now)
  return now + clamp(Math.min(...waits))
}

/** After the `failures`-th failed attempt in a row: 15 minutes, 30, 1 hour, ... up to a day. */
export function nextRefreshAfterFailure(now: number, failures: number): number {
  return now + clamp(FIRST_RETRY_MS * 2 ** Math.min(Math.max(failures - 1, 0), 16))
}
