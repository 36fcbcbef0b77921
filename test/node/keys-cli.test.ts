import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT, startWorker, type RunningWorker } from './worker'

type ChildProcess = { execFile(file: string, args: string[], opts: object, cb: (err: Error | null, stdout: string, stderr: string) => void): void }

let worker: RunningWorker
beforeAll(async () => {
  worker = await startWorker()
})
afterAll(async () => {
  await worker?.stop()
})

/** `npm run keys -- …` against the running Worker's local state. */
async function keys(...args: string[]): Promise<string> {
  const { execFile } = (await import('node:child_process' as string)) as ChildProcess
  return new Promise((resolve, reject) =>
    execFile('node', [`${ROOT}scripts/keys.mjs`, ...args, '--persist-to', worker.persist], { cwd: ROOT }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  )
}

const clerkList = (key: string) => fetch(`${worker.origin}/v1/saml_connections`, { headers: { authorization: `Bearer ${key}` } })
const stList = (key: string, prefix = '') => fetch(`${worker.origin}${prefix}/recipe/saml/clients/list`, { headers: { 'api-key': key } })

it('creates a Clerk secret key that works at once, lists it by hash prefix, and revokes it', async () => {
  const out = await keys('create', '--instance', 'ins_cli_test', '--label', 'cli')
  const key = out.match(/key:\s+(sk_test_\S+)/)?.[1]
  expect(key).toBeTruthy()
  expect((await clerkList(key!)).status).toBe(200)

  const listed = await keys('list', '--instance', 'ins_cli_test')
  expect(listed).toContain('clerk_secret_key')
  expect(listed).not.toContain(key!)

  expect(await keys('revoke', key!)).toMatch(/revoked: [0-9a-f]{12}/)
  // The key was just used, so the Worker may accept it for up to KEY_CACHE_TTL_MS more (README,
  // Keys and instances); a key revoked before any request used it is refused at once.
  const unused = (await keys('create', '--instance', 'ins_cli_test')).match(/key:\s+(sk_test_\S+)/)?.[1]
  expect(await keys('revoke', unused!)).toMatch(/revoked: [0-9a-f]{12}/)
  expect((await clerkList(unused!)).status).toBe(401)
}, 120_000)

it('creates a SuperTokens api key for one app, refused for another app', async () => {
  const out = await keys('create', '--kind', 'supertokens', '--instance', 'ins_cli_test', '--app', 'shop')
  const key = out.match(/key:\s+(\S+)/)?.[1]
  expect(key).toMatch(/^[0-9A-Za-z]{40}$/)
  expect((await stList(key!, '/appid-shop/public')).status).toBe(200)
  expect((await stList(key!)).status).toBe(401)
}, 120_000)
