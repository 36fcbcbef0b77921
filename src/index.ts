import { createApp } from './app'
import { buildDeps } from './wiring/deps'
import { drainEdgeSyncs } from './services/edge-sync'

const app = createApp()

export default {
  fetch: app.fetch,
  /** Replays KV edge-copy writes that failed after their D1 write succeeded; forgets expired SSO state. */
  async scheduled(_controller, env, ctx) {
    const deps = buildDeps(env, `cron_${Date.now()}`)
    ctx.waitUntil(Promise.all([drainEdgeSyncs(deps), deps.signInState.purgeExpired(deps.clock())]))
  },
} satisfies ExportedHandler<Env>
