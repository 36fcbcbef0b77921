import type { DomainEvent } from '../domain/events'
import type { SamlConnection, Scope } from '../domain/saml-connection'
import type { SignInAttempt } from '../domain/sign-in-attempt'
import type { LoginRequest, PendingCode } from '../domain/sign-in-state'
import type { TestRun, TestRunStatus } from '../domain/test-run'
import type { StoredWebhookEndpoint, WebhookEndpoint, WebhookMessage } from '../domain/webhooks'

export type ListOrder = { field: 'created_at' | 'name'; direction: 'asc' | 'desc' }

export interface ListQuery {
  instanceId: string
  limit: number
  offset: number
  /** Case-insensitive substring of the name. */
  nameContains?: string
  includeOrganizations?: string[]
  excludeOrganizations?: string[]
  /** Only active (true) or only inactive (false) connections; all when absent. */
  active?: boolean
  order: ListOrder
}

/**
 * The source of truth for connections (D1). Writes are atomic: a record and its domain rows
 * change together or not at all. Unique clashes throw `AppError('conflict', { meta: { field } })`.
 */
export interface ConnectionRepository {
  /**
   * Each write also queues an edge sync; `syncToken` identifies that queue entry. Each writes its
   * events in its own batch: an `activated` or `deactivated` only if the stored connection was the
   * other way just before, any event of `replace` or `remove` only if the connection was there.
   */
  insert(c: SamlConnection, events?: DomainEvent[]): Promise<{ syncToken: string }>
  /** Replaces a stored connection; `found` is false when it no longer exists. */
  replace(c: SamlConnection, events?: DomainEvent[]): Promise<{ found: boolean; syncToken: string }>
  remove(instanceId: string, id: string, now: number, events?: DomainEvent[]): Promise<{ found: boolean; syncToken: string }>
  find(instanceId: string, id: string): Promise<SamlConnection | null>
  /** Lookup by id alone, for browser endpoints that carry only the connection id. */
  findById(id: string): Promise<SamlConnection | null>
  findByClientId(scope: Scope, clientId: string): Promise<SamlConnection | null>
  findByIdpEntityId(scope: Scope, entityId: string): Promise<SamlConnection | null>
  /** Connections whose domains include `domain` or, for subdomain-enabled ones, a parent of it. */
  findByEmailDomain(instanceId: string, domain: string): Promise<SamlConnection[]>
  list(q: ListQuery): Promise<{ items: SamlConnection[]; total: number }>
  listTenant(scope: Scope): Promise<SamlConnection[]>
  /** Ids whose KV edge copy may be stale, with the token of their newest write. */
  pendingEdgeSyncs(limit: number): Promise<{ id: string; token: string }[]>
  clearEdgeSync(id: string, token: string): Promise<void>
}

/** The KV edge copy of each connection, read by the sign-in endpoints. */
export interface EdgeCopy {
  put(c: SamlConnection): Promise<void>
  remove(id: string): Promise<void>
  get(id: string): Promise<SamlConnection | null>
}

export type ApiKeyKind = 'clerk_secret_key' | 'supertokens_api_key'

export interface ApiKeyRecord {
  keyHash: string
  kind: ApiKeyKind
  instanceId: string
  appId: string
  label: string | null
  createdAt: number
  revokedAt: number | null
}

export interface ApiKeyRepository {
  findActiveByHash(kind: ApiKeyKind, keyHash: string): Promise<ApiKeyRecord | null>
}

/** What a sign-in's closing D1 batch did: `ok`, or why it gave no code. */
export type SignInCommit = 'ok' | 'replayed' | 'login_request_used'

/**
 * Sign-in state that must be single use, so it lives in D1 (KV has no compare-and-swap): login
 * requests, reserved assertion ids, pending codes and access tokens. Keys are SHA-256 hex digests
 * of the bearer values; the values themselves are never stored.
 */
export interface SignInStateRepository {
  putLoginRequest(relayStateHash: string, r: LoginRequest): Promise<void>
  /** Reads a login request without using it up. */
  findLoginRequest(relayStateHash: string, now: number): Promise<LoginRequest | null>
  /**
   * One transaction: reserves the assertion id, uses up the login request (when there is one) and
   * stores the code. Nothing is stored unless all three succeed.
   */
  commitSignIn(p: {
    connectionId: string
    assertionId: string
    assertionExpiresAt: number
    loginRequest: { relayStateHash: string } | null
    codeHash: string
    pending: PendingCode
    now: number
    /** The success's attempt and its event: recorded (within the per-minute bound) only if the code is stored. */
    attempt?: { attempt: SignInAttempt; event: DomainEvent }
  }): Promise<SignInCommit>
  putPendingCode(codeHash: string, p: PendingCode): Promise<void>
  getPendingCode(codeHash: string, now: number): Promise<PendingCode | null>
  /** True for the one caller that consumes a code; its payload is dropped in the same batch. */
  consumeCode(codeHash: string, now: number, expiresAt: number): Promise<boolean>
  purgeExpired(now: number): Promise<void>
}

/**
 * Sign-in attempts (D1), at most MAX_STORED_ATTEMPTS_PER_MINUTE stored per connection per minute;
 * past it an attempt is only counted. An attempt's event is written in its batch, and only if the
 * attempt was stored.
 */
export interface SignInAttemptRepository {
  record(a: SignInAttempt, event: DomainEvent): Promise<'stored' | 'counted'>
  /** Newest first, created at `since` or later. */
  list(connectionId: string, p: { limit: number; offset: number; since: number }): Promise<{ items: SignInAttempt[]; total: number }>
  /** Attempts counted but not stored (over the bound) in the minutes from `since` on. */
  countNotStored(connectionId: string, since: number): Promise<number>
  /** Forgets attempts, and their minute counters, older than `cutoff`. */
  purgeBefore(cutoff: number): Promise<void>
}

/** Test runs (D1; rows of the sign-in attempts' table, purged with them). */
export interface TestRunRepository {
  create(run: TestRun): Promise<void>
  find(id: string): Promise<TestRun | null>
  /** Keeps the AuthnRequest and RelayState a start sent; false when the run is no longer pending. */
  recordStart(id: string, start: { samlRequest: string; relayState: string }, now: number): Promise<boolean>
  /**
   * Ends a pending run with `run`'s outcome, and uses up the login it answered. A success reserves
   * its assertion id in the same batch: 'replayed' (nothing changed) when it was already used.
   */
  finish(p: { run: TestRun; loginRequestHash: string | null; assertion: { assertionId: string; expiresAt: number } | null; now: number }): Promise<'finished' | 'replayed' | 'not_pending'>
  /** Newest first, created at `since` or later, in any of `statuses` as they read at `now` (null: all). */
  list(connectionId: string, p: { statuses: TestRunStatus[] | null; limit: number; offset: number; since: number; now: number }): Promise<{ items: TestRun[]; total: number }>
}

/** The KV copy of pending codes: the fast path where a code was issued. D1 stays the truth. */
export interface CodeEdgeCopy {
  put(codeHash: string, p: PendingCode, now: number): Promise<void>
  get(codeHash: string, now: number): Promise<PendingCode | null>
  remove(codeHash: string): Promise<void>
}

/** An outbox row: the event, and when a deliverer took it (null until then). */
export interface StoredEvent extends DomainEvent {
  deliveredAt: number | null
  /** For an event about a connection: the connection as the event's batch left it (before a deletion). */
  subject: SamlConnection | null
}

/**
 * The event outbox (D1). Events of a change are written by the repository that writes the change,
 * in the same batch; `append` is for events that stand alone.
 */
export interface EventRepository {
  append(events: DomainEvent[]): Promise<void>
  /** Oldest first (the events of one batch in the order written): what a deliverer hands on next; created before `createdBefore` when given. */
  undelivered(limit: number, createdBefore?: number): Promise<StoredEvent[]>
  /**
   * Takes up to `limit` undelivered events (of `ids` when given) that nobody holds, oldest first,
   * holding them until `until`: one publisher at a time hands an event to the queue.
   */
  claim(p: { now: number; until: number; limit: number; ids?: string[] }): Promise<StoredEvent[]>
  /** Gives claimed events back (their send failed): the next publisher may take them at once. */
  release(ids: string[]): Promise<void>
  find(id: string): Promise<StoredEvent | null>
  markDelivered(ids: string[], at: number): Promise<void>
  /** Newest first. */
  listForConnection(connectionId: string, limit: number): Promise<StoredEvent[]>
  /**
   * Deletes up to `limit` events handed to the queue before `deliveredBefore` and up to `limit`
   * never handed on and created before `undeliveredBefore` (the cron's retention), and says how many of each went.
   */
  purge(p: { deliveredBefore: number; undeliveredBefore: number; limit: number }): Promise<{ delivered: number; undelivered: number }>
}

/** Webhook endpoints (D1); the signing secret only ever sealed. */
export interface WebhookEndpointRepository {
  /** False when the instance already has `maxPerInstance` endpoints (nothing written). */
  create(e: StoredWebhookEndpoint, maxPerInstance: number): Promise<boolean>
  /** Newest first. */
  list(instanceId: string): Promise<WebhookEndpoint[]>
  remove(instanceId: string, id: string): Promise<boolean>
  find(id: string): Promise<StoredWebhookEndpoint | null>
  /** Every endpoint of these instances: an event's fan-out. */
  forInstances(instanceIds: string[]): Promise<WebhookEndpoint[]>
  /** A message the queue gave up on. */
  recordDeadLetter(m: WebhookMessage, instanceId: string | null, at: number): Promise<void>
}

/** The refresh schedule of a connection with a metadata URL, and what the last fetches left behind. */
export interface RefreshState {
  connectionId: string
  metadataUrl: string
  nextRefreshAt: number
  etag: string | null
  lastModified: string | null
  cacheDurationMs: number | null
  validUntil: number | null
  failures: number
  lastFailure: string | null
  lastAttemptAt: number | null
  lastSuccessAt: number | null
}

/** What one attempt leaves in the schedule. `document` is set when a new document was read (its validators and hints). */
export interface RefreshAttempt {
  metadataUrl: string
  at: number
  nextRefreshAt: number
  /** Null on success. */
  failure: string | null
  failures: number
  document?: { etag: string | null; lastModified: string | null; cacheDurationMs: number | null; validUntil: number | null }
}

/**
 * Metadata refresh state (D1). Every write is guarded by the URL it was made for, so an attempt
 * that overlaps an admin's change of URL leaves the new URL's schedule alone.
 */
export interface MetadataRefreshRepository {
  get(connectionId: string): Promise<RefreshState | null>
  /** Takes up to `limit` rows due at `now`, earliest first, holding each until `leaseUntil`. */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<RefreshState[]>
  /** True for the one caller that may refresh on demand now; false within `intervalMs` of the last claim. */
  claimOnDemand(connectionId: string, now: number, intervalMs: number): Promise<boolean>
  /** An attempt that leaves the connection as it is (not modified, same content, failure), with its events, in one batch. */
  recordAttempt(connectionId: string, attempt: RefreshAttempt, events: DomainEvent[]): Promise<void>
  /**
   * The refreshed connection, its schedule, its events and its edge sync in one batch, applied only
   * when the stored connection is still the one read (`expectedUpdatedAt`); `applied` says whether it was.
   */
  applyChange(next: SamlConnection, expectedUpdatedAt: number, attempt: RefreshAttempt, events: DomainEvent[]): Promise<{ applied: boolean; syncToken: string }>
}

/** What was last recorded about a connection's certificate set nearing expiry. */
export interface ExpiryNotice {
  certificatesExpireAt: number
  fingerprint: string
  /** 30, 7 or 1 (days before expiry), 0 once expired. */
  stageDays: number
}

/** Expiry warnings (D1). */
export interface CertificateExpiryRepository {
  /**
   * Active connections whose every certificate expires within the warning horizon of `now` and
   * whose notice is missing, for another expiry, or of an earlier stage than the one reached.
   */
  due(now: number, limit: number): Promise<{ connection: SamlConnection; notice: ExpiryNotice | null }[]>
  /** The notice and its events, in one batch. */
  record(connectionId: string, notice: ExpiryNotice, now: number, events: DomainEvent[]): Promise<void>
}
