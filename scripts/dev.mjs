// `npm run dev`: makes development signing keys if there are none (.dev.vars), applies D1
// migrations to the local database, then serves on http://127.0.0.1:8787 with local D1 and KV (no account or
// network needed). `GET /__scheduled` runs the cron handler (metadata refresh, expiry warnings) at once.
import { ensureDevVars } from './dev-vars.mjs'
import { wrangler } from './wrangler.mjs'

await ensureDevVars()
await wrangler(['d1', 'migrations', 'apply', 'DB', '--local'])
await wrangler(['dev', '--ip', '127.0.0.1', '--port', process.env.PORT ?? '8787', '--test-scheduled', ...process.argv.slice(2)])
