import { AppError, isAppError } from '../domain/errors'
import { newSupertokensClientId } from '../domain/ids'
import type { SamlConnection, Scope } from '../domain/saml-connection'
import type { Deps } from './deps'
import { parseMetadataOrThrow } from './idp-settings'
import { createConnection, deleteConnection, replaceConnection, type ConnectionChanges } from './saml-connections'

/**
 * A SAML client as the SuperTokens core style writes it: the whole client every time, with the
 * IdP described only by its metadata.
 */
export interface SupertokensClientInput {
  /** Absent: a new client with a generated id. */
  clientId?: string
  /** Absent: no secret (an update removes a stored one). */
  clientSecret?: string
  redirectUris: string[]
  defaultRedirectUri: string
  /** IdP metadata XML (already decoded from the wire's base64). */
  idpMetadata: string
  allowIdpInitiated: boolean
  enableRequestSigning: boolean
}

/**
 * The core refuses metadata it could not sign anyone in with: it needs an entity id (the parser
 * checks), an SSO URL and a signing certificate.
 */
function checkUsableMetadata(xml: string): void {
  const metadata = parseMetadataOrThrow(xml)
  if (!metadata.ssoUrl) throw new AppError('idp_metadata_invalid', { internal: { reason: 'missing_sso_url' } })
  if (metadata.certificates.length === 0) throw new AppError('idp_metadata_invalid', { internal: { reason: 'missing_certificate' } })
}

const isConflictOn = (e: unknown, field: string) => isAppError(e) && e.code === 'conflict' && e.opts.meta?.field === field

/**
 * Creates the client, or replaces the one with this clientId in the scope. Replacing is a full
 * replacement of what this style can see (secret, redirect URIs, IdP, flags); `createdAt`, the id
 * and fields only other styles set (name, domains, organization, attribute mapping) are kept.
 * Another client of the tenant with the same IdP entity id makes the write fail with
 * `AppError('conflict', { meta: { field: 'idp_entity_id' } })`, and nothing changes.
 */
export async function upsertClient(deps: Deps, scope: Scope, input: SupertokensClientInput): Promise<SamlConnection> {
  checkUsableMetadata(input.idpMetadata)
  const clientId = input.clientId ?? newSupertokensClientId()
  const changes: ConnectionChanges = {
    clientId,
    clientSecret: input.clientSecret ?? null,
    redirectUris: input.redirectUris,
    defaultRedirectUri: input.defaultRedirectUri,
    idpMetadata: input.idpMetadata,
    idpMetadataUrl: null,
    allowIdpInitiated: input.allowIdpInitiated,
    enableRequestSigning: input.enableRequestSigning,
    // The core has no on/off switch: a client can be used as soon as it is saved.
    activateWhenComplete: true,
  }

  const existing = await deps.connections.findByClientId(scope, clientId)
  if (existing) return replaceConnection(deps, existing, changes)
  try {
    return await createConnection(deps, scope, { ...changes, name: clientId })
  } catch (e) {
    // A concurrent PUT created the same clientId first: this one becomes its update. When the insert
    // clashes on both keys, SQLite may name the IdP entity index, so that conflict may be this race too;
    // if no client with this clientId exists, it was a real duplicate and is rethrown.
    if (!isConflictOn(e, 'client_id') && !isConflictOn(e, 'idp_entity_id')) throw e
    const winner = await deps.connections.findByClientId(scope, clientId)
    if (!winner) throw e
    return replaceConnection(deps, winner, changes)
  }
}

/** Every client of one tenant, newest first. */
export async function listClients(deps: Deps, scope: Scope): Promise<SamlConnection[]> {
  return deps.connections.listTenant(scope)
}

/** Removes the client with this clientId from the scope; false when there was none. */
export async function removeClient(deps: Deps, scope: Scope, clientId: string): Promise<boolean> {
  const conn = await deps.connections.findByClientId(scope, clientId)
  if (!conn) return false
  return deleteConnection(deps, scope.instanceId, conn.id)
}
