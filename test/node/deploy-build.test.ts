import { expect, it } from 'vitest'
import { ROOT } from './worker'

type ChildProcess = { execFile(file: string, args: string[], opts: object, cb: (err: Error | null, stdout: string, stderr: string) => void): void }

// `wrangler deploy --dry-run` bundles the Worker exactly as a deploy would, without an account.
// A plain deploy (no --env) must be production: the development keys, IdP and admin page stay local.
it('builds the production bundle with a plain wrangler deploy --dry-run, with no development variable', async () => {
  const { execFile } = (await import('node:child_process' as string)) as ChildProcess
  const outdir = `${ROOT}.wrangler/dry-run-${crypto.randomUUID()}`
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      `${ROOT}node_modules/.bin/wrangler`,
      ['deploy', '--dry-run', '--outdir', outdir],
      { cwd: ROOT, env: { ...(globalThis as unknown as { process: { env: object } }).process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout + stderr)),
    ),
  )
  expect(output).toMatch(/--dry-run: exiting now/)
  expect(output).toMatch(/Total Upload: [\d.]+ KiB/)
  // wrangler lists the bindings it would upload: ENVIRONMENT is there, and it is production.
  expect(output).toMatch(/env\.ENVIRONMENT \("production"\)/)
  // The sign-in rate limits (README, Configuration) ship with it.
  expect(output).toMatch(/env\.RATE_LIMIT_PER_CONNECTION \(600 requests\/60s\)\s+Rate Limit/)
  expect(output).toMatch(/env\.RATE_LIMIT_PER_ADDRESS \(120 requests\/60s\)\s+Rate Limit/)
  expect(output).not.toMatch(/development/)
}, 120_000)
