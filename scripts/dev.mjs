// `npm run dev`: applies D1 migrations to the local database, makes a development SP signing key
// if there is none, then serves on http://127.0.0.1:8787 with local D1 and KV (no account or
// network needed).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { ensureDevVars } from './dev-vars.mjs'
import { root, wrangler } from './wrangler.mjs'

if (!existsSync(path.join(root, '.dev.vars'))) await ensureDevVars()
await wrangler(['d1', 'migrations', 'apply', 'DB', '--local'])
await wrangler(['dev', '--ip', '127.0.0.1', '--port', process.env.PORT ?? '8787', ...process.argv.slice(2)])
