import { AppError } from '../domain/errors'
import type { SamlConnection } from '../domain/saml-connection'
import { sha256Hex } from '../domain/secrets'
import { spUrls } from '../domain/sp-urls'
import { readResponseRouting, type UnverifiedResponse } from '../saml'
import type { Deps } from './deps'
import { loadConnectionAtEdge } from './edge-sync'
import { attemptSite, type SignInContext } from './sign-in'
import { refusal } from './sign-in-attempts'

/** An active connection, read from the edge copy (see README, consistency); `invalid_client` otherwise. */
export async function activeConnectionAtEdge(deps: Deps, id: string): Promise<SamlConnection> {
  const conn = await loadConnectionAtEdge(deps, id)
  if (!conn) throw new AppError('invalid_client', { internal: 'unknown connection' })
  if (!conn.active) throw inactive()
  return conn
}

export const inactive = () => new AppError('invalid_client', { internal: { reason: 'connection_inactive' } })

/** The stored login a RelayState names, read without using it up; null when unknown or expired. */
export async function findLogin(deps: Deps, relayState: string | null): Promise<SignInContext['login']> {
  if (!relayState) return null
  const relayStateHash = await sha256Hex(relayState)
  const request = await deps.signInState.findLoginRequest(relayStateHash, deps.clock())
  return request ? { request, relayStateHash } : null
}

/**
 * Reads a SAMLResponse just far enough to route it (which connection, which ACS); nothing read here
 * is trusted. Input that is not a SAML Response is `invalid_input` naming `param`.
 */
export function readUnverifiedResponse(samlResponse: string, param: string): UnverifiedResponse {
  const read = readResponseRouting(samlResponse)
  if (!read.ok) throw new AppError('invalid_input', { issues: [{ param, kind: 'format' }], internal: read.failure })
  return read.value
}

/** IdP-initiated responses need the connection's consent; a refusal is the post's attempt. */
export function checkIdpInitiatedAllowed(deps: Deps, ctx: Pick<SignInContext, 'connection' | 'login'>, samlResponse: string): void {
  if (!ctx.login && !ctx.connection.allowIdpInitiated) throw refusal(deps, attemptSite(ctx, samlResponse), new AppError('idp_login_disallowed'))
}

/**
 * The connection's own ACS (`/v1/saml/acs/{id}`): the URL names the connection. A RelayState of a
 * login of another connection is refused and left for its owner; one that names no login makes the
 * response IdP-initiated (where the RelayState may name a redirect URI).
 */
export async function connectionAcsContext(
  deps: Deps,
  p: { connectionId: string; relayState: string | null; origin: string; samlResponse: string },
): Promise<SignInContext> {
  const [login, named] = await Promise.all([findLogin(deps, p.relayState), loadConnectionAtEdge(deps, p.connectionId)])
  // Each refusal from here on is an attempt of the connection the URL names.
  const refuse = (error: AppError) => (named ? refusal(deps, attemptSite({ connection: named, login }, p.samlResponse), error) : error)
  if (login && login.request.connectionId !== p.connectionId) throw refuse(new AppError('invalid_relay_state', { internal: 'relay state of another connection' }))
  if (!named) throw new AppError('invalid_client', { internal: 'unknown connection' })
  // A test run may try a connection before it is switched on; a sign-in may not.
  if (!named.active && !login?.request.testRunId) throw refuse(inactive())
  const ctx = { connection: named, login, relayState: p.relayState, origin: p.origin, acsUrl: login?.request.acsUrl ?? spUrls(p.origin, named.id).acsUrl }
  checkIdpInitiatedAllowed(deps, ctx, p.samlResponse)
  return ctx
}
