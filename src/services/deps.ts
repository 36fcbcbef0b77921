import type { Clock } from '../domain/clock'
import type { SsoStateRepository } from '../storage/d1/sso-state'
import type { RequestStateStore } from '../storage/kv/request-state'
import type { ApiKeyRepository, ConnectionRepository, EdgeCopy } from '../storage/types'

export interface SpKeys {
  privateKey: CryptoKey
  certificatePem: string
}

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
  requests: RequestStateStore
  ssoState: SsoStateRepository
  /** The SP's AuthnRequest signing key and certificate; null when none is configured. */
  spKeys: () => Promise<SpKeys | null>
  clock: Clock
  /** Fetches IdP metadata; throws `AppError('idp_metadata_fetch_failed')`. */
  fetchMetadata: (url: string) => Promise<string>
  development: boolean
  log: Logger
}
