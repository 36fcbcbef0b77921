// `npm run deploy`: applies D1 migrations to the remote database first, then deploys the Worker.
// `npm run deploy -- --dry-run` only builds the bundle (no account needed).
import { wrangler } from './wrangler.mjs'

const dryRun = process.argv.includes('--dry-run')
const envName = process.env.SAML_EDGE_ENV ?? 'production'
if (dryRun) {
  await wrangler(['deploy', '--dry-run', '--outdir', 'dist', '--env', envName])
} else {
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', '--env', envName])
  await wrangler(['deploy', '--env', envName])
}
