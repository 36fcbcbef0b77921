import { SIGN_IN_ATTEMPT_RETENTION_MS } from '../domain/sign-in-attempt'
import type { Deps } from './deps'
import { recordExpiryWarnings } from './certificate-expiry'
import { drainEdgeSyncs } from './edge-sync'
import { purgeOldEvents } from './event-retention'
import { refreshDueConnections } from './scheduled-refresh'
import { replayOutbox } from './webhook-publish'

/**
 * One cron run (wrangler.toml `[triggers] crons`): replays KV edge-copy writes that failed after
 * their D1 write, forgets expired sign-in state, sign-in attempts past 7 days and old outbox events
 * (event-retention.ts), refreshes the metadata URLs that are due, then
 * records expiry warnings (after the refresh, so a fresh certificate it brought counts). Last, the
 * event outbox feeds the webhook queue: this run's events, and any a request left behind.
 * A task that fails is logged and leaves the others to finish.
 */
export async function runScheduled(deps: Deps, opts: { refreshBatch: number }): Promise<void> {
  const tasks = {
    edge_sync: () => drainEdgeSyncs(deps),
    purge: () =>
      Promise.all([deps.signInState.purgeExpired(deps.clock()), deps.signInAttempts.purgeBefore(deps.clock() - SIGN_IN_ATTEMPT_RETENTION_MS), purgeOldEvents(deps)]),
    lifecycle: async () => {
      try {
        await refreshDueConnections(deps, opts.refreshBatch)
      } finally {
        await recordExpiryWarnings(deps)
      }
    },
  }
  const results = await Promise.allSettled(Object.values(tasks).map((run) => run()))
  results.forEach((r, i) => {
    if (r.status === 'rejected') deps.log.error('scheduled_task_failed', { task: Object.keys(tasks)[i], error: String(r.reason) })
  })
  try {
    await replayOutbox(deps)
  } catch (e) {
    deps.log.error('scheduled_task_failed', { task: 'webhook_outbox', error: String(e) })
  }
}
