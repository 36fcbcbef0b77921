import type { Clock } from '../domain/clock'
import type { WebhookMessage } from '../domain/webhooks'
import type { DecryptionKey } from '../saml'
import type {
  ApiKeyRepository,
  CertificateExpiryRepository,
  CodeEdgeCopy,
  ConnectionRepository,
  EdgeCopy,
  EventRepository,
  MetadataRefreshRepository,
  SignInAttemptRepository,
  TestRunRepository,
  SignInStateRepository,
  WebhookEndpointRepository,
} from '../storage/types'
import type { CacheValidators, MetadataDownload } from './metadata-fetcher'

export interface SpKeys {
  privateKey: CryptoKey
  certificatePem: string
}

/** The SP's encryption pairs, current then next: both decrypt, both are published. */
export interface SpEncryption {
  keys: readonly DecryptionKey[]
  certificatesPem: readonly string[]
}

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

/** What webhook publishing and delivery need besides D1 (README, Webhooks). */
export interface WebhookWiring {
  /** The Queue producer; null when none is bound (events then wait in the outbox). */
  queue: { send(messages: WebhookMessage[]): Promise<void> } | null
  /** Seals and opens signing secrets (WEBHOOK_SECRET_KEY); null when it is not set. */
  sealingKey: () => Promise<CryptoKey | null>
  /** The first retry's delay; each later one is 4 times the last (domain/webhooks.ts). */
  retryBaseSeconds: number
  timeoutMs: number
  /** The fetch deliveries go out through, under the outbound-URL policy. */
  fetch: typeof fetch
  /** PUBLIC_ORIGIN: the origin of the Clerk-style view a delivery carries; else the endpoint's own. */
  publicOrigin: string | null
}

/** What services need from the outside world; built per request (and per cron run) in `wiring/deps.ts`. */
export interface Deps {
  connections: ConnectionRepository
  /**
   * The same store read through a D1 session that starts at the primary: for a read that must
   * see the newest commit (the edge refill's re-check). `connections` may read a replica.
   */
  connectionsAtPrimary: ConnectionRepository
  apiKeys: ApiKeyRepository
  edge: EdgeCopy
  /** Single-use sign-in state (login requests, assertion ids, codes) in D1, read at the primary first. */
  signInState: SignInStateRepository
  /** What each ACS post that named a connection came to, for its admin. */
  signInAttempts: SignInAttemptRepository
  /** Admin-started test sign-ins (Clerk's enterprise connection test runs). */
  testRuns: TestRunRepository
  /** The KV fast path for pending codes. */
  codeCopy: CodeEdgeCopy
  /** The event outbox. */
  events: EventRepository
  webhookEndpoints: WebhookEndpointRepository
  webhooks: WebhookWiring
  /** Schedules and results of metadata URL refreshes. */
  metadataRefresh: MetadataRefreshRepository
  /** Which expiry warnings were recorded for which certificate set. */
  certificateExpiry: CertificateExpiryRepository
  /** The SP's AuthnRequest signing key and certificate; null when none is configured. */
  spKeys: () => Promise<SpKeys | null>
  /** A rollover's next SP signing certificate, published beside the current one; null when none. */
  spNextCertificatePem: string | null
  /** Keys an IdP may encrypt assertions to (imported once per isolate); none when not configured. */
  spEncryption: () => SpEncryption
  clock: Clock
  /** Fetches IdP metadata, conditionally when given validators; throws `AppError('idp_metadata_fetch_failed')`. */
  fetchMetadata: (url: string, validators?: CacheValidators) => Promise<MetadataDownload>
  development: boolean
  log: Logger
  /**
   * Work the answer need not wait for (a failed sign-in's attempt): handed to the request's
   * `waitUntil`, so the browser gets its page first. The promise must not reject.
   */
  defer: (work: Promise<unknown>) => void
}
