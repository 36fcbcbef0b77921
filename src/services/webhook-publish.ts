import type { DomainEvent } from '../domain/events'
import { wantsEvent, type WebhookMessage } from '../domain/webhooks'
import type { StoredEvent } from '../storage/types'
import type { Deps } from './deps'

/**
 * The outbox feeds the queue (README, Webhooks): committed events become one message per event and
 * matching endpoint, then are marked delivered. A publisher claims the events first, so two never
 * send the same one; one whose send fails releases them for the next cron run, and one that dies
 * leaves its claim to run out. A send whose mark is lost sends again: deliveries are at least once, and
 * each keeps its event's id as `webhook-id`.
 */

/** How long a publisher holds the events it claimed. */
export const PUBLISH_CLAIM_MS = 60_000
// Cloudflare Queues takes at most 100 messages a sendBatch.
const SEND_BATCH = 100
const REPLAY_PAGE = 100
/** Events the cron hands on per run at most; the rest wait a minute. */
export const REPLAY_LIMIT = 1_000

async function publishClaimed(deps: Deps, queue: NonNullable<Deps['webhooks']['queue']>, events: StoredEvent[]): Promise<number> {
  if (events.length === 0) return 0
  const endpoints = await deps.webhookEndpoints.forInstances(events.map((e) => e.instanceId))
  const messages: WebhookMessage[] = events.flatMap((e) =>
    endpoints.filter((p) => p.instanceId === e.instanceId && wantsEvent(p, e.type)).map((p) => ({ eventId: e.id, endpointId: p.id })),
  )
  try {
    for (let i = 0; i < messages.length; i += SEND_BATCH) await queue.send(messages.slice(i, i + SEND_BATCH))
  } catch (e) {
    // The next cron run may take them at once; if this release fails too, the claim runs out.
    await deps.events.release(events.map((x) => x.id)).catch(() => undefined)
    throw e
  }
  await deps.events.markDelivered(events.map((e) => e.id), deps.clock())
  return messages.length
}

/**
 * Hands these just-committed events on; the ones not written (a guard said no) are simply not found.
 * Without a queue bound nothing is taken: the outbox keeps every event for a Worker that has one.
 */
export async function publishEvents(deps: Deps, events: readonly Pick<DomainEvent, 'id'>[]): Promise<number> {
  const queue = deps.webhooks.queue
  if (events.length === 0 || !queue) return 0
  const now = deps.clock()
  const claimed = await deps.events.claim({ now, until: now + PUBLISH_CLAIM_MS, limit: events.length, ids: events.map((e) => e.id) })
  return publishClaimed(deps, queue, claimed)
}

/**
 * `publishEvents` after the answer (the request's waitUntil): the request that causes an event never
 * waits for the queue. A failure is logged; the cron replays what was left.
 */
export function publishSoon(deps: Deps, events: readonly Pick<DomainEvent, 'id'>[]): void {
  if (events.length === 0) return
  deps.defer(publishEvents(deps, events).catch((e: unknown) => deps.log.warn('webhook_publish_deferred', { events: events.length, error: String(e) })))
}

/** The cron's share: every undelivered event nobody holds, oldest first, up to `limit`. Returns the messages sent. */
export async function replayOutbox(deps: Deps, limit = REPLAY_LIMIT): Promise<number> {
  const queue = deps.webhooks.queue
  if (!queue) return 0
  let sent = 0
  for (let taken = 0; taken < limit; ) {
    const now = deps.clock()
    const page = await deps.events.claim({ now, until: now + PUBLISH_CLAIM_MS, limit: Math.min(REPLAY_PAGE, limit - taken) })
    sent += await publishClaimed(deps, queue, page)
    taken += page.length
    if (page.length < REPLAY_PAGE) break
  }
  return sent
}
