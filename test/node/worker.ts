import { readD1Migrations } from '@cloudflare/vitest-plugin'
import { getPlatformProxy, unstable_startWorker } from 'wrangler'

// The project ships no @types/node; the Node built-ins used here are typed by hand.
type Fs = {
  rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>
  readFile(path: string, encoding: 'utf8'): Promise<string>
}
const nodeFs = () => import('node:fs/promises' as string) as Promise<Fs>

export const ROOT = new URL('../..', import.meta.url).pathname

/** A file of this repository, as text. */
export const readRepoFile = async (path: string): Promise<string> => (await nodeFs()).readFile(`${ROOT}${path}`, 'utf8')
const CONFIG = `${ROOT}wrangler.toml`

export interface RunningWorker {
  /** Origin of the dev server, e.g. `http://127.0.0.1:8787`. */
  origin: string
  /** Its local state directory (what `wrangler … --persist-to` takes). */
  persist: string
  stop(): Promise<void>
}

/**
 * Starts the Worker from ./wrangler.toml (development vars, local D1 and KV) with state in a
 * fresh directory, after applying ./migrations to that directory's D1 database.
 */
/** Test-only signing and encryption keys (test/fixtures/keys), so no test depends on a developer's .dev.vars. */
async function fixtureSecrets(): Promise<Record<string, string>> {
  return {
    SP_PRIVATE_KEY: await readRepoFile('test/fixtures/keys/sp.key.pem'),
    SP_CERTIFICATE: await readRepoFile('test/fixtures/keys/sp.cert.pem'),
    SP_NEXT_CERTIFICATE: await readRepoFile('test/fixtures/keys/sp-next.cert.pem'),
    SP_ENCRYPTION_PRIVATE_KEY: await readRepoFile('test/fixtures/keys/sp-encryption.key.pem'),
    SP_ENCRYPTION_CERTIFICATE: await readRepoFile('test/fixtures/keys/sp-encryption.cert.pem'),
    SP_NEXT_ENCRYPTION_PRIVATE_KEY: await readRepoFile('test/fixtures/keys/sp-encryption-next.key.pem'),
    SP_NEXT_ENCRYPTION_CERTIFICATE: await readRepoFile('test/fixtures/keys/sp-encryption-next.cert.pem'),
    DEV_IDP_PRIVATE_KEY: await readRepoFile('test/fixtures/keys/idp-rollover.key.pem'),
    DEV_IDP_CERTIFICATE: await readRepoFile('test/fixtures/keys/idp-rollover.cert.pem'),
    // Test-only: seals webhook signing secrets; failed deliveries are retried at once.
    WEBHOOK_SECRET_KEY: 'bm9kZS1zaWRlIHRlc3Qgd2ViaG9vayBzZWFsaW5nIGs=',
    WEBHOOK_RETRY_BASE_SECONDS: '0',
  }
}

export async function startWorker(extraSecrets: Record<string, string> = {}): Promise<RunningWorker> {
  const secrets = { ...(await fixtureSecrets()), ...extraSecrets }
  const persist = `${ROOT}.wrangler/node-tests/${crypto.randomUUID()}`
  const { rm } = await nodeFs()

  // 1. Migrations, through a short-lived proxy onto the same local state (wrangler keeps it under v3/).
  const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: CONFIG, persist: { path: `${persist}/v3` } })
  try {
    // Recorded in wrangler's own table, so `wrangler d1 migrations apply` (e.g. from `npm run keys`)
    // sees them as applied.
    await proxy.env.DB.prepare(
      'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
    ).run()
    for (const migration of await readD1Migrations(`${ROOT}migrations`)) {
      for (const query of migration.queries) await proxy.env.DB.prepare(query).run()
      await proxy.env.DB.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(migration.name).run()
    }
  } finally {
    await proxy.dispose()
  }

  // 2. The Worker itself, as `wrangler dev` would run it.
  const worker = await unstable_startWorker({
    config: CONFIG,
    // testScheduled: GET /__scheduled runs the cron handler, as under `npm run dev`.
    dev: { persist, server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, logLevel: 'warn', testScheduled: true },
    // Secrets a fresh clone has no .dev.vars for (e.g. the development IdP's test key).
    // wrangler.toml's top level is production; these tests run the service as `npm run dev` does.
    bindings: {
      ENVIRONMENT: { type: 'plain_text' as const, value: 'development' },
      ...Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, { type: 'secret_text' as const, value }])),
    },
  })
  await worker.ready
  const url = await worker.url
  return {
    origin: url.origin,
    persist,
    async stop() {
      await worker.dispose()
      await rm(persist, { recursive: true, force: true })
    },
  }
}

/** A Clerk-style Backend API call to the running Worker with the development secret key. */
export async function clerkCall(worker: RunningWorker, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers = { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/json' }
  const res = await fetch(`${worker.origin}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}

/** Starts a local HTTP server (an IdP's metadata host, a webhook receiver) on a free loopback port; its origin. */
export async function listenOnLoopback(server: { listen(port: number, host: string, done: () => void): unknown; address(): unknown }): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}
