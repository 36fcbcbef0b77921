import { createApp } from './app'
import { buildDeps } from './http/deps'
import { drainEdgeSyncs } from './services/edge-sync'

const app = createApp()

export default {
  fetch: app.fetch,
  /** Replays KV edge-copy writes that failed after their D1 write succeeded. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(drainEdgeSyncs(buildDeps(env, `cron_${Date.now()}`)))
  },
} satisfies ExportedHandler<Env>
