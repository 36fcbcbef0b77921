import { AppError } from '../domain/errors'
import { newSamlConnectionId } from '../domain/ids'
import {
  DEFAULT_CONNECTION,
  missingForActivation,
  SamlConnectionSchema,
  type AttributeMapping,
  type CustomAttribute,
  type LoginHint,
  type SamlConnection,
  type Scope,
} from '../domain/saml-connection'
import type { NameIdFormat } from '../domain/fields'
import { sha256Hex } from '../domain/secrets'
import { requireHttpUrl } from '../domain/urls'
import type { ListQuery } from '../storage/types'
import { createdEvents, deletedEvent, replacedEvents } from './connection-events'
import type { Deps } from './deps'
import { syncEdgeCopy } from './edge-sync'
import { loadMetadataFromUrl, parseCertificatesOrThrow, parseMetadataOrThrow, withMetadata } from './idp-settings'
import { publishSoon } from './webhook-publish'

/**
 * A change to a connection, in domain terms. `undefined` leaves a field as it is (or at its
 * default on create); `null` clears a nullable field.
 */
export interface ConnectionChanges {
  clientId?: string
  name?: string
  provider?: SamlConnection['provider']
  domains?: string[]
  idpEntityId?: string | null
  idpSsoUrl?: string | null
  idpSsoBinding?: SamlConnection['idpSsoBinding']
  /** Raw certificates (PEM or base64); the first is the primary one. */
  idpCertificates?: string[] | null
  idpMetadataUrl?: string | null
  idpMetadata?: string | null
  organizationId?: string | null
  attributeMapping?: Partial<AttributeMapping> | null
  /** The complete new set; each key at most once. */
  customAttributes?: CustomAttribute[]
  active?: boolean
  syncUserAttributes?: boolean
  allowSubdomains?: boolean
  allowIdpInitiated?: boolean
  disableAdditionalIdentifications?: boolean
  allowOrganizationAccountLinking?: boolean
  forceAuthn?: boolean
  loginHint?: LoginHint | null
  enableRequestSigning?: boolean
  allowSha1?: boolean
  requireEncryptedAssertions?: boolean
  wantAssertionsSigned?: boolean
  nameIdFormat?: NameIdFormat
  redirectUris?: string[]
  defaultRedirectUri?: string | null
  clientSecret?: string | null
  /** When set, the connection is active exactly when it can be (used by styles without an `active` switch). */
  activateWhenComplete?: boolean
}

const withoutUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

const defined = <T>(v: T | undefined, fallback: T): T => (v === undefined ? fallback : v)

/** Two custom attributes under one key would write one profile entry twice. */
function uniqueKeys(attributes: CustomAttribute[]): CustomAttribute[] {
  const keys = new Set<string>()
  for (const a of attributes) {
    if (keys.has(a.key)) throw new AppError('invalid_input', { issues: [{ param: 'customAttributes', kind: 'value', expected: `each key at most once; "${a.key}" is repeated` }] })
    keys.add(a.key)
  }
  return attributes
}

/** Applies changes onto a connection. IdP metadata (inline, else URL) overrides the individual idp fields. */
async function applyChanges(deps: Deps, base: SamlConnection, ch: ConnectionChanges): Promise<SamlConnection> {
  // Browsers are sent to every stored URL, so each is held to the URL rule and stored normalised;
  // IdP endpoints take https only outside development, apps' redirect URIs may be http://localhost.
  const idp = { httpsOnly: !deps.development }
  const url = (raw: string | null | undefined, param: string, opts = {}) => (raw === null || raw === undefined ? raw : requireHttpUrl(raw, param, opts))
  const metadataUrl = url(ch.idpMetadataUrl, 'idpMetadataUrl', idp)
  const next: SamlConnection = {
    ...base,
    clientId: defined(ch.clientId, base.clientId),
    name: defined(ch.name, base.name),
    provider: defined(ch.provider, base.provider),
    domains: ch.domains === undefined ? base.domains : [...new Set(ch.domains)],
    idpEntityId: defined(ch.idpEntityId, base.idpEntityId),
    idpSsoUrl: defined(url(ch.idpSsoUrl, 'idpSsoUrl', idp), base.idpSsoUrl),
    idpSsoBinding: defined(ch.idpSsoBinding, base.idpSsoBinding),
    idpMetadataUrl: defined(metadataUrl, base.idpMetadataUrl),
    idpMetadata: defined(ch.idpMetadata, base.idpMetadata),
    organizationId: ch.organizationId === '' ? null : defined(ch.organizationId, base.organizationId),
    attributeMapping:
      ch.attributeMapping === undefined
        ? base.attributeMapping
        : ch.attributeMapping === null
          ? DEFAULT_CONNECTION.attributeMapping
          : { ...base.attributeMapping, ...withoutUndefined(ch.attributeMapping) },
    customAttributes: ch.customAttributes === undefined ? base.customAttributes : uniqueKeys(ch.customAttributes),
    active: defined(ch.active, base.active),
    syncUserAttributes: defined(ch.syncUserAttributes, base.syncUserAttributes),
    allowSubdomains: defined(ch.allowSubdomains, base.allowSubdomains),
    allowIdpInitiated: defined(ch.allowIdpInitiated, base.allowIdpInitiated),
    disableAdditionalIdentifications: defined(ch.disableAdditionalIdentifications, base.disableAdditionalIdentifications),
    allowOrganizationAccountLinking: defined(ch.allowOrganizationAccountLinking, base.allowOrganizationAccountLinking),
    forceAuthn: defined(ch.forceAuthn, base.forceAuthn),
    loginHint: ch.loginHint === null ? DEFAULT_CONNECTION.loginHint : defined(ch.loginHint, base.loginHint),
    enableRequestSigning: defined(ch.enableRequestSigning, base.enableRequestSigning),
    allowSha1: defined(ch.allowSha1, base.allowSha1),
    requireEncryptedAssertions: defined(ch.requireEncryptedAssertions, base.requireEncryptedAssertions),
    wantAssertionsSigned: defined(ch.wantAssertionsSigned, base.wantAssertionsSigned),
    nameIdFormat: defined(ch.nameIdFormat, base.nameIdFormat),
    redirectUris: ch.redirectUris === undefined ? base.redirectUris : [...new Set(ch.redirectUris.map((u) => requireHttpUrl(u, 'redirectUris')))],
    defaultRedirectUri: defined(url(ch.defaultRedirectUri, 'defaultRedirectUri'), base.defaultRedirectUri),
    clientSecretHash:
      ch.clientSecret === undefined ? base.clientSecretHash : ch.clientSecret === null ? null : await sha256Hex(ch.clientSecret),
  }
  if (ch.idpCertificates !== undefined) {
    next.idpCertificates = ch.idpCertificates === null ? [] : parseCertificatesOrThrow(ch.idpCertificates, 'idpCertificates')
  }

  const metadata = ch.idpMetadata
    ? parseMetadataOrThrow(ch.idpMetadata)
    : metadataUrl
      ? await loadMetadataFromUrl(deps, metadataUrl)
      : null
  const result = metadata ? withMetadata(next, metadata, deps.development) : next

  const now = deps.clock()
  const missing = missingForActivation(result, now)
  if (ch.activateWhenComplete) result.active = missing.length === 0
  else if (result.active && missing.length) throw new AppError('cannot_activate', { meta: { missing } })
  // A record that breaks the model must never reach D1, where it would break every later read.
  return SamlConnectionSchema.parse(result)
}

export async function createConnection(deps: Deps, scope: Scope, ch: ConnectionChanges): Promise<SamlConnection> {
  const now = deps.clock()
  const id = newSamlConnectionId()
  const blank: SamlConnection = {
    ...DEFAULT_CONNECTION,
    ...scope,
    id,
    clientId: id,
    name: '',
    createdAt: now,
    updatedAt: now,
  }
  const conn = await applyChanges(deps, blank, ch)
  const events = createdEvents(conn, now)
  const { syncToken } = await deps.connections.insert(conn, events)
  await syncEdgeCopy(deps, conn.id, syncToken, conn)
  publishSoon(deps, events)
  return conn
}

/** Reads from D1, the source of truth, so a management read always sees the caller's own writes. */
export async function getConnection(deps: Deps, instanceId: string, id: string): Promise<SamlConnection> {
  const conn = await deps.connections.find(instanceId, id)
  if (!conn) throw new AppError('not_found', { meta: { resource: 'saml_connection' } })
  return conn
}

/** The scope's connection trusting this IdP entity id, if any. */
export async function findConnectionByIdpEntityId(deps: Deps, scope: Scope, entityId: string): Promise<SamlConnection | null> {
  return deps.connections.findByIdpEntityId(scope, entityId)
}

export async function updateConnection(deps: Deps, instanceId: string, id: string, ch: ConnectionChanges): Promise<SamlConnection> {
  const current = await getConnection(deps, instanceId, id)
  return replaceConnection(deps, current, ch)
}

export async function replaceConnection(deps: Deps, current: SamlConnection, ch: ConnectionChanges): Promise<SamlConnection> {
  const next = await applyChanges(deps, current, ch)
  next.updatedAt = Math.max(deps.clock(), current.createdAt)
  const events = replacedEvents(current, next, next.updatedAt)
  const { found, syncToken } = await deps.connections.replace(next, events)
  if (!found) throw new AppError('not_found', { meta: { resource: 'saml_connection' } })
  await syncEdgeCopy(deps, next.id, syncToken, next)
  publishSoon(deps, events)
  return next
}

export async function deleteConnection(deps: Deps, instanceId: string, id: string): Promise<boolean> {
  const now = deps.clock()
  const events = [deletedEvent(instanceId, id, now)]
  const { found, syncToken } = await deps.connections.remove(instanceId, id, now, events)
  await syncEdgeCopy(deps, id, syncToken, null)
  if (found) publishSoon(deps, events)
  return found
}

export async function listConnections(deps: Deps, q: ListQuery) {
  return deps.connections.list(q)
}
