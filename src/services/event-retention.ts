import { DELIVERED_EVENT_RETENTION_MS, EVENT_PURGE_CHUNK, EVENT_PURGE_ROUNDS, UNDELIVERED_EVENT_RETENTION_MS } from '../domain/events'
import type { Deps } from './deps'

/**
 * The cron's retention of the event outbox: events handed to the queue more than a week ago, and
 * events never handed on after 30 days, in at most `rounds` chunks of `chunk` of each a run. A
 * backlog larger than that is worked off over the following runs, none of which runs long.
 */
export async function purgeOldEvents(deps: Deps, opts = { chunk: EVENT_PURGE_CHUNK, rounds: EVENT_PURGE_ROUNDS }): Promise<{ delivered: number; undelivered: number }> {
  const now = deps.clock()
  const cutoffs = { deliveredBefore: now - DELIVERED_EVENT_RETENTION_MS, undeliveredBefore: now - UNDELIVERED_EVENT_RETENTION_MS }
  const purged = { delivered: 0, undelivered: 0 }
  for (let round = 0; round < opts.rounds; round++) {
    const n = await deps.events.purge({ ...cutoffs, limit: opts.chunk })
    purged.delivered += n.delivered
    purged.undelivered += n.undelivered
    if (n.delivered < opts.chunk && n.undelivered < opts.chunk) break
  }
  if (purged.delivered || purged.undelivered) deps.log.info('events_purged', purged)
  return purged
}
