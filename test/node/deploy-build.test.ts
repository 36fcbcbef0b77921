import { expect, it } from 'vitest'
import { ROOT } from './worker'

type ChildProcess = { execFile(file: string, args: string[], opts: object, cb: (err: Error | null, stdout: string, stderr: string) => void): void }

// `wrangler deploy --dry-run` bundles the Worker exactly as a deploy would, without an account.
it('builds the production bundle with wrangler deploy --dry-run', async () => {
  const { execFile } = (await import('node:child_process' as string)) as ChildProcess
  const outdir = `${ROOT}.wrangler/dry-run-${crypto.randomUUID()}`
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      `${ROOT}node_modules/.bin/wrangler`,
      ['deploy', '--dry-run', '--env', 'production', '--outdir', outdir],
      { cwd: ROOT, env: { ...(globalThis as unknown as { process: { env: object } }).process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout + stderr)),
    ),
  )
  expect(output).toMatch(/--dry-run: exiting now/)
  expect(output).toMatch(/Total Upload: [\d.]+ KiB/)
}, 120_000)
