// Runs wrangler from this project with prompts and telemetry off, so scripts never hang or phone home.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { prepareDocsAssets } from './docs-assets.mjs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'node_modules', '.bin', 'wrangler')

export function wrangler(args, { capture = false } = {}) {
  // What wrangler.toml [assets] serves must be in place before wrangler reads it (dev, deploy).
  if (args[0] === 'dev' || args[0] === 'deploy') prepareDocsAssets()
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: root,
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    })
    let out = ''
    child.stdout?.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(' ')} exited with ${code}`))))
  })
}
