import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { connectionEvent, DELIVERED_EVENT_RETENTION_MS, UNDELIVERED_EVENT_RETENTION_MS } from '../../src/domain/events'
import { newEventId, newSamlConnectionId, newSignInAttemptId } from '../../src/domain/ids'
import { purgeOldEvents } from '../../src/services/event-retention'
import { buildDeps } from '../../src/wiring/deps'
import { runCron } from '../lifecycle/lifecycle.helpers'

// The outbox's retention (README, Webhooks): the cron deletes events a week after they were handed
// to the queue and events never handed on after 30 days, and nothing else.

const HOUR = 3_600_000
const DAY = 24 * HOUR

const newInstanceId = () => `ins_${crypto.randomUUID().replace(/-/g, '')}`

/** An outbox row of `instanceId` as a publisher would have left it, written straight to D1. */
async function seedEvent(instanceId: string, createdAt: number, deliveredAt: number | null): Promise<string> {
  const id = newEventId()
  await env.DB.prepare('INSERT INTO events (id, instance_id, type, connection_id, data_json, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .bind(id, instanceId, 'saml_connection.updated', newSamlConnectionId(), '{"source":"admin"}', createdAt, deliveredAt)
    .run()
  return id
}

const eventIdsOf = async (instanceId: string) =>
  (await env.DB.prepare('SELECT id FROM events WHERE instance_id = ?').bind(instanceId).all<{ id: string }>()).results.map((r) => r.id).sort()

describe('event retention (the cron)', () => {
  it('deletes events delivered over a week ago and undelivered ones over 30 days old; keeps the rest, dead letters and sign-in attempts', async () => {
    const instanceId = newInstanceId()
    const now = Date.now()
    const gone = [
      await seedEvent(instanceId, now - DELIVERED_EVENT_RETENTION_MS - DAY, now - DELIVERED_EVENT_RETENTION_MS - HOUR),
      await seedEvent(instanceId, now - UNDELIVERED_EVENT_RETENTION_MS - HOUR, null),
    ]
    const kept = [
      // A week counts from the hand-off, not from when the event was written.
      await seedEvent(instanceId, now - UNDELIVERED_EVENT_RETENTION_MS - DAY, now - DELIVERED_EVENT_RETENTION_MS + HOUR),
      await seedEvent(instanceId, now - UNDELIVERED_EVENT_RETENTION_MS + HOUR, null),
      await seedEvent(instanceId, now - HOUR, now - HOUR),
    ]
    // A message the queue gave up on, whose event has since gone: the operator's record stays.
    await env.DB.prepare('INSERT INTO webhook_dead_letters (event_id, endpoint_id, instance_id, dead_at) VALUES (?, ?, ?, ?)')
      .bind(gone[0], 'whep_retention', instanceId, now - DELIVERED_EVENT_RETENTION_MS)
      .run()
    // A sign-in attempt of six days ago (kept 7 days), written with its event as the ACS writes it.
    const deps = buildDeps(env, 'retention_test')
    const connectionId = newSamlConnectionId()
    const attempt = {
      id: newSignInAttemptId(), instanceId, connectionId, status: 'failed', reason: 'audience_mismatch', flow: 'idp_initiated',
      nameId: null, emailAddress: null, samlResponse: '<samlp:Response/>', createdAt: now - 6 * DAY,
    } as const
    const attemptEvent = connectionEvent('sign_in.failed', { id: connectionId, instanceId }, { id: attempt.id }, attempt.createdAt)
    expect(await deps.signInAttempts.record(attempt, attemptEvent)).toBe('stored')
    await env.DB.prepare('UPDATE events SET delivered_at = ? WHERE id = ?').bind(attempt.createdAt, attemptEvent.id).run()

    await runCron()

    expect(await eventIdsOf(instanceId)).toEqual([...kept, attemptEvent.id].sort())
    const deadLetters = await env.DB.prepare('SELECT event_id FROM webhook_dead_letters WHERE instance_id = ?').bind(instanceId).all<{ event_id: string }>()
    expect(deadLetters.results).toEqual([{ event_id: gone[0] }])
    const attempts = await deps.signInAttempts.list(connectionId, { limit: 10, offset: 0, since: now - 7 * DAY })
    expect(attempts.items.map((a) => a.id)).toEqual([attempt.id])
  })

  it('works off a backlog in bounded chunks: one run deletes at most chunk x rounds, the next runs the rest', async () => {
    const instanceId = newInstanceId()
    const now = Date.now()
    const old = now - DELIVERED_EVENT_RETENTION_MS - DAY
    for (let i = 0; i < 7; i++) await seedEvent(instanceId, old, old)
    const deps = buildDeps(env, 'retention_test')

    const first = await purgeOldEvents(deps, { chunk: 2, rounds: 2 })
    expect(first.delivered).toBe(4)
    expect((await eventIdsOf(instanceId)).length).toBeGreaterThanOrEqual(3)

    await purgeOldEvents(deps)
    expect(await eventIdsOf(instanceId)).toEqual([])
  })

  it('finds each chunk through an index, never by scanning the table', async () => {
    const plan = async (sql: string) =>
      (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(0, 1).all<{ detail: string }>()).results.map((r) => r.detail)
    const delivered = await plan('SELECT rowid FROM events WHERE delivered_at < ? LIMIT ?')
    const undelivered = await plan('SELECT rowid FROM events WHERE delivered_at IS NULL AND created_at < ? LIMIT ?')
    expect(delivered.join('; ')).toMatch(/^SEARCH events USING (COVERING )?INDEX events_delivered \(delivered_at<\?\)$/)
    expect(undelivered.join('; ')).toMatch(/^SEARCH events USING (COVERING )?INDEX events_undelivered \(created_at<\?\)$/)
  })
})
