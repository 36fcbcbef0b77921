import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { outboundService } from './test/setup/outbound'

/** Base64 of 32 bytes: the test suite's WEBHOOK_SECRET_KEY (never a deployment's). */
const TEST_WEBHOOK_SECRET_KEY = 'c2FtbC1lZGdlIHRlc3Qgd2ViaG9vayBzZWFsaW5nIGs='

/** The pure engine and domain rules: no binding, no D1, no Worker under test (test/README.md). */
const ENGINE_TESTS = ['test/saml/**/*.test.ts', 'test/domain/**/*.test.ts']

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  // Test-only SP signing and encryption keys (test/fixtures/keys, made by scripts/make-test-keys.sh).
  const key = (name: string) => readFileSync(path.join(import.meta.dirname, 'test/fixtures/keys', name), 'utf8')
  const worker = () =>
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // wrangler.toml is production; the suite runs in development mode (tests of production mode override it).
        bindings: { ENVIRONMENT: 'development', TEST_MIGRATIONS: migrations, LOG_REQUESTS: 'false', SP_PRIVATE_KEY: key('sp.key.pem'), SP_CERTIFICATE: key('sp.cert.pem'),
          SP_NEXT_CERTIFICATE: key('sp-next.cert.pem'),
          SP_ENCRYPTION_PRIVATE_KEY: key('sp-encryption.key.pem'),
          SP_ENCRYPTION_CERTIFICATE: key('sp-encryption.cert.pem'),
          SP_NEXT_ENCRYPTION_PRIVATE_KEY: key('sp-encryption-next.key.pem'),
          SP_NEXT_ENCRYPTION_CERTIFICATE: key('sp-encryption-next.cert.pem'),
          DEV_IDP_PRIVATE_KEY: key('idp-rollover.key.pem'),
          DEV_IDP_CERTIFICATE: key('idp-rollover.cert.pem'),
          // Test-only: seals webhook signing secrets; retries come at once, not after a minute.
          WEBHOOK_SECRET_KEY: TEST_WEBHOOK_SECRET_KEY,
          WEBHOOK_RETRY_BASE_SECONDS: '0',
        },
        outboundService,
      },
    })
  // The pool (@cloudflare/vitest-plugin 1.x) starts one workerd process (a Miniflare) per Vitest
  // worker, and with isolation on Vitest makes a new worker for every test file: a process start,
  // a cold module graph and fresh D1 migrations for each of ~55 files, two thirds of the run.
  // With `isolate: false` a worker keeps its workerd, loaded modules and D1 across the files it
  // runs, one file at a time. Tests do not rely on an empty store (each makes its own instance,
  // app or connection) and a file that changes a global puts it back: test/README.md.
  // One worker per project: on our 2 cores a second workerd for the same project competes with the
  // first and with Vitest's own process (measured 55 s against 45 s). The two projects may run side
  // by side, so the short engine project overlaps the worker project's start.
  const pool = { isolate: false, maxWorkers: 1 }
  return {
    test: {
      maxWorkers: 2,
      projects: [
        { plugins: [worker()], test: { name: 'engine', include: ENGINE_TESTS, ...pool } },
        {
          plugins: [worker()],
          test: { name: 'worker', include: ['test/**/*.test.ts'], exclude: ['test/node/**', ...ENGINE_TESTS], setupFiles: ['./test/setup/apply-migrations.ts'], ...pool },
        },
      ],
    },
  }
})
