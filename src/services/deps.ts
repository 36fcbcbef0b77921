import type { Clock } from '../domain/clock'
import type { ApiKeyRepository, ConnectionRepository, EdgeCopy } from '../storage/types'

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

/** What services need from the outside world; built per request in `http/deps.ts`. */
export interface Deps {
  connections: ConnectionRepository
  apiKeys: ApiKeyRepository
  edge: EdgeCopy
  kv: KVNamespace
  clock: Clock
  /** Fetches IdP metadata; throws `AppError('idp_metadata_fetch_failed')`. */
  fetchMetadata: (url: string) => Promise<string>
  development: boolean
  log: Logger
}
