import { createApp } from './app'
import { buildDeps, type Secrets } from './wiring/deps'
import { runScheduled } from './services/scheduled'
import { DEFAULT_REFRESH_BATCH } from './services/scheduled-refresh'
import { deliverWebhooks, recordDeadLetters } from './services/webhook-delivery'
import { webhookPayload } from './http/clerk/webhook-payload'

const app = createApp()

const refreshBatch = (env: Secrets) => {
  const n = Number(env.METADATA_REFRESH_BATCH)
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1000) : DEFAULT_REFRESH_BATCH
}

export default {
  fetch: app.fetch,
  /**
   * The cron run (services/scheduled.ts): edge-copy replays, expired state, metadata refresh, expiry
   * warnings. Awaited rather than handed to waitUntil, so the run's outcome is the work's and
   * `GET /__scheduled` under `npm run dev` answers once it is done.
   */
  async scheduled(_controller, env, ctx) {
    await runScheduled(buildDeps(env, `cron_${Date.now()}`, (work) => ctx.waitUntil(work)), { refreshBatch: refreshBatch(env) })
  },
  /**
   * Webhook deliveries (wrangler.toml `[[queues.consumers]]`): the webhook queue's messages are
   * delivered; its dead-letter queue's (named `…-dlq`) are recorded as undeliverable.
   */
  async queue(batch, env, ctx) {
    const deps = buildDeps(env, `queue_${Date.now()}`, (work) => ctx.waitUntil(work))
    if (batch.queue.endsWith('-dlq')) await recordDeadLetters(deps, batch.messages)
    else await deliverWebhooks(deps, batch.messages, webhookPayload)
  },
} satisfies ExportedHandler<Env & Secrets>
