import { systemClock } from '../domain/clock'
import type { Deps } from '../services/deps'
import { makeMetadataFetcher } from '../services/metadata-fetcher'
import { d1ApiKeys } from '../storage/d1/api-keys'
import { d1Connections } from '../storage/d1/saml-connections'
import { kvEdgeCopy } from '../storage/kv/edge-copy'
import { jsonLogger } from './logger'

export const isDevelopment = (env: Env): boolean => env.ENVIRONMENT === 'development'

/** Wires real implementations together; the only place besides `app.ts` that does. */
export function buildDeps(env: Env, requestId: string): Deps {
  const development = isDevelopment(env)
  return {
    connections: d1Connections(env.DB),
    apiKeys: d1ApiKeys(env.DB),
    edge: kvEdgeCopy(env.KV),
    kv: env.KV,
    clock: systemClock,
    fetchMetadata: makeMetadataFetcher((input, init) => fetch(input, init), development),
    development,
    log: jsonLogger(requestId),
  }
}
