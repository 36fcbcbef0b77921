import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { webhookPayload } from '../../src/http/clerk/webhook-payload'
import { retryDelaySeconds, type WebhookMessage } from '../../src/domain/webhooks'
import { deliverWebhooks } from '../../src/services/webhook-delivery'
import { buildDeps } from '../../src/wiring/deps'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { outboundAttempts } from '../helpers/outbound'
import { captureLogs } from '../helpers/wire'
import { createEndpoint, deliveries, outboxOf, receiver } from './webhooks.helpers'

// The queue handler on batches made here (cloudflare:test's createMessageBatch), so each message's
// fate (acknowledged, retried and after how long) is read back exactly. The queue itself is
// exercised in delivery.test.ts.

const clerk = freshInstanceEachTest()
const logs = captureLogs()

/** An endpoint with one committed event for it, and the message the outbox would have sent. */
async function pendingDelivery(hookOpts: Parameters<typeof receiver>[1] = {}, url?: string) {
  const hook = await receiver('consumer', hookOpts)
  // No endpoint yet while the connection is written: the outbox sends nothing for it.
  await clerk.api.create(connectionInput())
  const endpoint = await createEndpoint(clerk.api, { url: url ?? hook.url })
  const [event] = await outboxOf(clerk.instanceId)
  if (!event) throw new Error('no event')
  return { hook, endpoint, message: { eventId: event.id, endpointId: endpoint.id } satisfies WebhookMessage }
}

const batchOf = (queue: string, ...bodies: unknown[]) =>
  createMessageBatch(queue, bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })))

async function runQueue(queue: string, bodies: unknown[], e: Env = env) {
  const batch = batchOf(queue, ...bodies)
  const ctx = createExecutionContext()
  await worker.queue(batch, e, ctx)
  return getQueueResult(batch, ctx)
}

describe('the webhook queue handler', () => {
  it('acknowledges a delivery the receiver took', async () => {
    const { hook, message } = await pendingDelivery()
    const result = await runQueue('saml-edge-webhooks', [message])
    expect(result).toMatchObject({ explicitAcks: ['msg-0'], retryMessages: [] })
    expect((await deliveries(hook.name)).map((d) => d.headers['webhook-id'])).toEqual([message.eventId])
  })

  it('retries a refused delivery after base x 4^(attempts-1) seconds, at most 12 hours', async () => {
    const { message } = await pendingDelivery({ failFirst: 10 })
    // getQueueResult reports that a message was retried, not its delay: these messages note it.
    const retried: (number | undefined)[] = []
    const deps = buildDeps({ ...env, WEBHOOK_RETRY_BASE_SECONDS: '60' } as Env, 'consumer_test')
    const noting = (attempts: number) => ({ body: message, attempts, ack: () => retried.push(-1), retry: (o?: { delaySeconds?: number }) => retried.push(o?.delaySeconds) })
    await deliverWebhooks(deps, [1, 3, 5, 7].map(noting), webhookPayload)
    expect(retried.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([60, 960, 15_360, 43_200])
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(n, 60))).toEqual([60, 240, 960, 3_840, 15_360, 43_200, 43_200, 43_200])
  })

  it('retries a receiver that does not answer in time', async () => {
    const { hook, message } = await pendingDelivery({ delayMs: 2_000 })
    const deps = buildDeps(env, 'consumer_test')
    const batch = batchOf('saml-edge-webhooks', message)
    const ctx = createExecutionContext()
    await deliverWebhooks({ ...deps, webhooks: { ...deps.webhooks, timeoutMs: 50 } }, batch.messages, webhookPayload)
    const result = await getQueueResult(batch, ctx)
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['msg-0'])
    expect(await deliveries(hook.name)).toHaveLength(1)
  })

  it('holds every delivery to the outbound policy again: a development URL is not fetched in production', async () => {
    const marker = crypto.randomUUID()
    const { message } = await pendingDelivery({}, `http://127.0.0.1:9/${marker}`)
    const result = await runQueue('saml-edge-webhooks', [message], { ...env, ENVIRONMENT: 'production' } as Env)
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['msg-0'])
    expect(await outboundAttempts(marker)).toBe(0)
    const failure = logs.take().find((l) => l.event === 'webhook_delivery_failed' && l.endpoint_id === message.endpointId)
    expect(failure).toMatchObject({ status: null, error: expect.stringMatching(/refused/) })
  })

  it('drops, acknowledged, a message whose endpoint was deleted, whose event never committed, or that is not a message', async () => {
    const { hook, message, endpoint } = await pendingDelivery()
    expect((await clerk.api.call('DELETE', `/v1/webhook_endpoints/${endpoint.id}`)).status).toBe(200)
    const result = await runQueue('saml-edge-webhooks', [message, { ...message, eventId: 'evt_0000000000000000000000000no' }, 'garbage'])
    expect(result.explicitAcks.sort()).toEqual(['msg-0', 'msg-1', 'msg-2'])
    expect(result.retryMessages).toEqual([])
    expect(await deliveries(hook.name)).toEqual([])
  })

  it('records what the dead-letter queue hands it', async () => {
    const { message } = await pendingDelivery()
    const result = await runQueue('saml-edge-webhooks-dlq', [message])
    expect(result.explicitAcks).toEqual(['msg-0'])
    const row = await env.DB.prepare('SELECT * FROM webhook_dead_letters WHERE event_id = ?').bind(message.eventId).first()
    expect(row).toMatchObject({ endpoint_id: message.endpointId, instance_id: clerk.instanceId })
  })
})
