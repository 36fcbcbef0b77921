// `npm run deploy`: applies D1 migrations to the remote database first, then deploys the Worker.
// `npm run deploy -- --dry-run` only builds the bundle (no account needed).
import { wrangler } from './wrangler.mjs'

const dryRun = process.argv.includes('--dry-run')
// wrangler.toml's top level is the production configuration; SAML_EDGE_ENV picks an [env.*] of your own.
const envArgs = process.env.SAML_EDGE_ENV ? ['--env', process.env.SAML_EDGE_ENV] : []
if (dryRun) {
  await wrangler(['deploy', '--dry-run', '--outdir', 'dist', ...envArgs])
} else {
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', ...envArgs])
  await wrangler(['deploy', ...envArgs])
}
