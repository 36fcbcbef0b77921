import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { outboundService } from './test/setup/outbound'

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  // Test-only SP signing key (test/fixtures/keys, made by scripts/make-test-keys.sh).
  const key = (name: string) => readFileSync(path.join(import.meta.dirname, 'test/fixtures/keys', name), 'utf8')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // wrangler.toml is production; the suite runs in development mode (tests of production mode override it).
          bindings: { ENVIRONMENT: 'development', TEST_MIGRATIONS: migrations, LOG_REQUESTS: 'false', SP_PRIVATE_KEY: key('sp.key.pem'), SP_CERTIFICATE: key('sp.cert.pem'),
            DEV_IDP_PRIVATE_KEY: key('idp-rollover.key.pem'),
            DEV_IDP_CERTIFICATE: key('idp-rollover.cert.pem'),
          },
          outboundService,
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/node/**'],
      setupFiles: ['./test/setup/apply-migrations.ts'],
    },
  }
})
