// `npm run dev`: applies D1 migrations to the local database, then serves on http://127.0.0.1:8787
// with local D1 and KV (no Cloudflare account or network needed).
import { wrangler } from './wrangler.mjs'

await wrangler(['d1', 'migrations', 'apply', 'DB', '--local'])
await wrangler(['dev', '--ip', '127.0.0.1', '--port', process.env.PORT ?? '8787', ...process.argv.slice(2)])
