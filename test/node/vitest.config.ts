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
    // Each file starts its own Worker (wrangler, workerd; a browser or the CLI too) and mostly waits
    // on those processes, so two files at a time overlap the waits: 38 s against 45 s with Vitest's
    // default of one worker on our 2 cores. Each file has its own port and local state, and its own
    // process (the SuperTokens SDK is a singleton).
    maxWorkers: 2,
    hookTimeout: 120_000,
  },
})
