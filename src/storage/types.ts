import type { SamlConnection, Scope } from '../domain/saml-connection'
import type { LoginRequest, PendingCode } from '../domain/sign-in-state'

export type ListOrder = { field: 'created_at' | 'name'; direction: 'asc' | 'desc' }

export interface ListQuery {
  instanceId: string
  limit: number
  offset: number
  /** Case-insensitive substring of the name. */
  nameContains?: string
  includeOrganizations?: string[]
  excludeOrganizations?: string[]
  order: ListOrder
}

/**
 * The source of truth for connections (D1). Writes are atomic: a record and its domain rows
 * change together or not at all. Unique clashes throw `AppError('conflict', { meta: { field } })`.
 */
export interface ConnectionRepository {
  /** Each write also queues an edge sync; `syncToken` identifies that queue entry. */
  insert(c: SamlConnection): Promise<{ syncToken: string }>
  /** Replaces a stored connection; `found` is false when it no longer exists. */
  replace(c: SamlConnection): Promise<{ found: boolean; syncToken: string }>
  remove(instanceId: string, id: string, now: number): Promise<{ found: boolean; syncToken: string }>
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
  }): Promise<SignInCommit>
  putPendingCode(codeHash: string, p: PendingCode): Promise<void>
  getPendingCode(codeHash: string, now: number): Promise<PendingCode | null>
  /** True for the one caller that consumes a code; its payload is dropped in the same batch. */
  consumeCode(codeHash: string, now: number, expiresAt: number): Promise<boolean>
  purgeExpired(now: number): Promise<void>
}

/** The KV copy of pending codes: the fast path where a code was issued. D1 stays the truth. */
export interface CodeEdgeCopy {
  put(codeHash: string, p: PendingCode, now: number): Promise<void>
  get(codeHash: string, now: number): Promise<PendingCode | null>
  remove(codeHash: string): Promise<void>
}
