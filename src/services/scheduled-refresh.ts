import { AppError } from '../domain/errors'
import { REFRESH_LEASE_MS } from '../domain/metadata-refresh'
import type { SamlConnection } from '../domain/saml-connection'
import type { RefreshState } from '../storage/types'
import type { Deps } from './deps'
import { refreshMetadata, type RefreshOutcome } from './metadata-refresh'
import { getConnection } from './saml-connections'

/** Connections refreshed per cron run by default; the rest wait for the next run (README, Lifecycle). */
export const DEFAULT_REFRESH_BATCH = 50
// Fetches in flight at once: a Worker keeps at most six outgoing connections open.
const CONCURRENCY = 6

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

export type RefreshTally = Record<RefreshOutcome['kind'] | 'skipped' | 'errored', number>

/** One cron run's share: claims up to `limit` due connections (earliest due first) and refreshes each. */
export async function refreshDueConnections(deps: Deps, limit = DEFAULT_REFRESH_BATCH): Promise<RefreshTally> {
  const tally: RefreshTally = { changed: 0, unchanged: 0, failed: 0, superseded: 0, skipped: 0, errored: 0 }
  const now = deps.clock()
  const claimed = await deps.metadataRefresh.claimDue(now, now + REFRESH_LEASE_MS, limit)
  await eachLimited(claimed, CONCURRENCY, async (state) => {
    try {
      const conn = await deps.connections.findById(state.connectionId)
      // A write in between owns the schedule now (it rewrote or removed the row).
      if (!conn || conn.idpMetadataUrl !== state.metadataUrl) return void tally.skipped++
      tally[(await refreshMetadata(deps, conn, state, 'scheduled')).kind]++
    } catch (e) {
      // Left to its lease: due again in REFRESH_LEASE_MS.
      tally.errored++
      deps.log.error('metadata_refresh_error', { connection_id: state.connectionId, error: String(e) })
    }
  })
  if (claimed.length) deps.log.info('metadata_refresh_run', { ...tally })
  return tally
}

/**
 * `POST /v1/saml_connections/{id}/refresh_metadata`: the connection after a refresh now, or the
 * refresh's own error (fetch or parse). Someone else's write in between is what it answers then.
 */
export async function refreshConnectionNow(deps: Deps, instanceId: string, id: string): Promise<SamlConnection> {
  const conn = await getConnection(deps, instanceId, id)
  if (!conn.idpMetadataUrl) throw new AppError('metadata_url_missing')
  const outcome = await refreshMetadata(deps, conn, await deps.metadataRefresh.get(id), 'manual')
  if (outcome.kind === 'failed') throw outcome.error
  return outcome.kind === 'superseded' ? getConnection(deps, instanceId, id) : outcome.connection
}

/**
 * The refresh schedule of each connection that follows a metadata URL, by id (the development admin
 * page): the one kept for its current URL, so an admin's change of URL never shows the old URL's history.
 */
export async function findRefreshSchedules(deps: Deps, connections: readonly SamlConnection[]): Promise<Map<string, RefreshState>> {
  const following = connections.filter((c) => c.idpMetadataUrl)
  const states = await Promise.all(following.map((c) => deps.metadataRefresh.get(c.id)))
  return new Map(states.flatMap((s, i): [string, RefreshState][] => (s && s.metadataUrl === following[i]?.idpMetadataUrl ? [[s.connectionId, s]] : [])))
}
