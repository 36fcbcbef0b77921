import type { SamlConnection, Scope } from '../domain/saml-connection'

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
