import { applyD1Migrations, env } from 'cloudflare:test'

// Safe to call more than once: applied migrations are recorded in the database.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
