import { AppError } from '../domain/errors'
import { DEFAULT_APP_ID, type SamlConnection, type Scope } from '../domain/saml-connection'
import { exchangeCode } from './codes'
import type { Deps } from './deps'
import { loadConnectionAtEdge } from './edge-sync'
import type { SignInProfile } from './profile'
import { attemptSite, type SignInContext } from './sign-in'
import { refusal } from './sign-in-attempts'
import { checkIdpInitiatedAllowed, findLogin, inactive, readUnverifiedResponse } from './sign-in-context'

/** The app, tenant and (when a key or `instance_id` named it) instance that may finish a login. */
export interface SupertokensCallbackScope {
  instanceId: string | null
  appId: string
  tenantId: string
}

const owns = (s: SupertokensCallbackScope, conn: SamlConnection) =>
  conn.appId === s.appId && conn.tenantId === s.tenantId && (s.instanceId === null || conn.instanceId === s.instanceId)

/**
 * The only Recipient an IdP-initiated response posted to the legacy callback may name, for IdPs
 * configured with this endpoint as their ACS. The instance rides in the query because the IdP's
 * browser sends no key.
 */
function legacyAcsUrl(origin: string, appId: string, instanceId: string): string {
  const app = appId === DEFAULT_APP_ID ? '' : `/appid-${appId}`
  return `${origin}${app}/recipe/saml/legacy/callback?instance_id=${encodeURIComponent(instanceId)}`
}

/**
 * The ACS URL an IdP-initiated Response may name when it reaches us through a SuperTokens app
 * backend (`POST /recipe/saml/callback` without a relay state). There was no login request, so no
 * `acsURL` is known; the Recipient the IdP signed is accepted when it has the shape of that app's
 * callback on an origin the client already trusts:
 *
 * - an absolute http(s) URL in normalized form, without query, fragment or credentials;
 * - its path ends in `/<tenantId>/saml/callback`, the path supertokens-node and -python serve
 *   (`<apiDomain><apiBasePath>/<tenantId>/saml/callback`);
 * - its origin is the origin of one of the client's `redirectURIs`.
 *
 * The verifier then insists that the signed Recipient (and Destination, when present) equal the
 * chosen candidate exactly. Returns the first candidate that qualifies, or null.
 */
function pickAppCallbackAcsUrl(candidates: string[], conn: Pick<SamlConnection, 'redirectUris'>, tenantId: string): string | null {
  const trustedOrigins = new Set(conn.redirectUris.flatMap((r) => (URL.canParse(r) ? [new URL(r).origin] : [])))
  const suffix = `/${tenantId}/saml/callback`
  for (const candidate of candidates) {
    if (!URL.canParse(candidate)) continue
    const url = new URL(candidate)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue
    if (url.href !== candidate || url.search || url.hash || url.username || url.password) continue
    if (url.pathname.endsWith(suffix) && trustedOrigins.has(url.origin)) return candidate
  }
  return null
}

/**
 * The SuperTokens callbacks (`/recipe/saml/callback`, and `legacy` for `/recipe/saml/legacy/callback`):
 * the response alone names the connection. A RelayState must name a stored login of this scope
 * (one of another scope is refused and left for its owner); without one, the response is
 * IdP-initiated and its Issuer picks the client, whose certificates then decide.
 */
export async function supertokensCallbackContext(
  deps: Deps,
  p: { scope: SupertokensCallbackScope; samlResponse: string; relayState: string | null; origin: string; param: string; endpoint: 'core' | 'legacy' },
): Promise<SignInContext> {
  const unverified = readUnverifiedResponse(p.samlResponse, p.param)
  const base = { relayState: p.relayState, origin: p.origin, parsed: unverified.parsed }
  const { instanceId } = p.scope
  const byIssuer = () => (instanceId !== null && unverified.issuer ? deps.connections.findByIdpEntityId({ ...p.scope, instanceId }, unverified.issuer) : Promise.resolve(null))
  // From here on, a refusal of a post whose connection is known (its own, in this scope) is an attempt of it.
  const refuse = (connection: SamlConnection, login: SignInContext['login'], error: AppError) => refusal(deps, attemptSite({ connection, login }, p.samlResponse), error)
  if (p.relayState) {
    const login = await findLogin(deps, p.relayState)
    if (!login) {
      const unknown = new AppError('invalid_relay_state', { internal: 'unknown or expired relay state' })
      const issuerConn = await byIssuer()
      throw issuerConn ? refusal(deps, { connection: issuerConn, flow: 'sp_initiated', samlResponse: p.samlResponse }, unknown) : unknown
    }
    const conn = await loadConnectionAtEdge(deps, login.request.connectionId)
    if (conn && !owns(p.scope, conn)) throw new AppError('invalid_relay_state', { internal: 'relay state of another scope' })
    if (!conn) throw new AppError('invalid_client', { internal: 'unknown connection' })
    if (!conn.active) throw refuse(conn, login, inactive())
    return { ...base, connection: conn, login, acsUrl: login.request.acsUrl }
  }
  const conn = await byIssuer()
  if (!conn) throw new AppError('invalid_client', { internal: 'no connection for this issuer' })
  if (!conn.active) throw refuse(conn, null, inactive())
  checkIdpInitiatedAllowed(deps, { connection: conn, login: null }, p.samlResponse)
  const acsUrl = p.endpoint === 'legacy' ? legacyAcsUrl(p.origin, conn.appId, conn.instanceId) : pickAppCallbackAcsUrl(unverified.recipients, conn, p.scope.tenantId)
  if (acsUrl === null) throw refuse(conn, null, new AppError('saml_response_rejected', { internal: { reason: 'recipient_not_allowed' } }))
  return { ...base, connection: conn, login: null, acsUrl }
}

/** A tenant's client with this `clientId`, if it may sign anyone in (D1: the edge copy is keyed by connection id only). */
export async function activeClientOfScope(deps: Deps, scope: Scope, clientId: string): Promise<SamlConnection> {
  const conn = await deps.connections.findByClientId(scope, clientId)
  if (!conn || !conn.active) throw new AppError('invalid_client', { internal: conn ? 'inactive' : 'unknown client' })
  return conn
}

/**
 * The client whose SP metadata is asked for: the one with this `clientId`, or with none given, the
 * tenant's only client (`invalid_query` naming `clientId` when there are none or several).
 */
export async function clientForSpMetadata(deps: Deps, scope: Scope, clientId: string | null): Promise<SamlConnection> {
  if (clientId !== null) {
    const conn = await deps.connections.findByClientId(scope, clientId)
    if (!conn) throw new AppError('not_found', { internal: 'unknown client' })
    return conn
  }
  const all = await deps.connections.listTenant(scope)
  if (all.length !== 1 || !all[0]) throw new AppError('invalid_query', { issues: [{ param: 'clientId', kind: 'missing' }], internal: { clients: all.length } })
  return all[0]
}

/** Whether a connection lives in this (instance, app, tenant). */
const isInScope = (conn: SamlConnection, scope: Scope): boolean =>
  conn.instanceId === scope.instanceId && conn.appId === scope.appId && conn.tenantId === scope.tenantId

/**
 * Redeems a code for the tenant's client `clientId`, once (`/recipe/saml/user`). As in the
 * SuperTokens core, a code of another client of the same tenant is used up by the attempt; a code
 * of another tenant does not exist here and is left alone.
 */
export async function exchangeClientCode(deps: Deps, scope: Scope, code: string, clientId: string): Promise<SignInProfile> {
  return exchangeCode(deps, code, async (connectionId, instanceId) => {
    if (instanceId !== scope.instanceId) return 'unknown'
    const conn = await deps.connections.findById(connectionId)
    if (!conn || !isInScope(conn, scope)) return 'unknown'
    return conn.clientId === clientId ? true : 'burn'
  })
}
