import { defineConfig } from 'vitest/config'

/**
 * Node-side tests: the Worker runs under wrangler's dev server (`unstable_startWorker`) with local
 * D1 and KV, and official Node SDKs talk to it over HTTP, as they would to a real deployment.
 * Run with `npx vitest run --config test/node/vitest.config.ts`.
 */
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
