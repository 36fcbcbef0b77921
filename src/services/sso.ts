import { AppError } from '../domain/errors'
import { newOpaqueToken, randomBase62 } from '../domain/ids'
import type { SamlConnection, Scope } from '../domain/saml-connection'
import { sha256Hex } from '../domain/secrets'
import { spUrls } from '../domain/sp-urls'
import {
  AUTH_CODE_TTL_MS,
  AUTHN_REQUEST_TTL_MS,
  buildAuthnRequest,
  buildSpMetadata,
  encodePost,
  encodeRedirect,
  readResponseRouting,
  verifySamlResponse,
  type UnverifiedResponse,
} from '../saml'
import type { PendingCode } from '../storage/kv/request-state'
import type { Deps } from './deps'
import { loadConnectionAtEdge } from './edge-sync'
import { mapProfile, type SignInProfile } from './profile'

/** A connection the sign-in endpoints may use: active, read from the edge copy (see README, consistency). */
export async function loadUsableConnection(deps: Deps, id: string): Promise<SamlConnection> {
  const conn = await loadConnectionAtEdge(deps, id)
  if (!conn || !conn.active) throw new AppError('invalid_client', { internal: conn ? 'inactive' : 'unknown connection' })
  return conn
}

/** Whether a connection lives in this (instance, app, tenant). */
export const isInScope = (conn: SamlConnection, scope: Scope): boolean =>
  conn.instanceId === scope.instanceId && conn.appId === scope.appId && conn.tenantId === scope.tenantId

/**
 * The connection a tenant calls `clientId`, if it may sign anyone in (read from D1, the source of
 * truth, because the edge copy is keyed by connection id only).
 */
export async function loadUsableClient(deps: Deps, scope: Scope, clientId: string): Promise<SamlConnection> {
  const conn = await deps.connections.findByClientId(scope, clientId)
  if (!conn || !conn.active) throw new AppError('invalid_client', { internal: conn ? 'inactive' : 'unknown client' })
  return conn
}

/**
 * The tenant's connection that the Issuer of an IdP-initiated Response names. The issuer has not
 * been verified yet: it only chooses whose certificates the signature is then checked against.
 */
export async function findClientByIssuer(deps: Deps, scope: Scope, issuer: string | null): Promise<SamlConnection | null> {
  if (!issuer) return null
  return deps.connections.findByIdpEntityId(scope, issuer)
}

/**
 * The tenant's connection with this `clientId`, or with none given, its only connection
 * (`invalid_query` naming `clientId` when there are none or several).
 */
export async function findTenantClient(deps: Deps, scope: Scope, clientId: string | null): Promise<SamlConnection> {
  if (clientId !== null) {
    const conn = await deps.connections.findByClientId(scope, clientId)
    if (!conn) throw new AppError('not_found', { internal: 'unknown client' })
    return conn
  }
  const all = await deps.connections.listTenant(scope)
  if (all.length !== 1 || !all[0]) throw new AppError('invalid_query', { issues: [{ param: 'clientId', kind: 'missing' }], internal: { clients: all.length } })
  return all[0]
}

/** The SP metadata of one connection: its own entity id and ACS, and our signing key when it signs requests. */
export async function buildConnectionSpMetadata(deps: Deps, origin: string, conn: SamlConnection): Promise<string> {
  const sp = spUrls(origin, conn.id)
  const keys = conn.enableRequestSigning ? await deps.spKeys() : null
  return buildSpMetadata({ entityId: sp.spEntityId, acsUrl: sp.acsUrl, signingCertificate: keys?.certificatePem ?? null })
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

/** Where a sign-in may end: one of the connection's redirect URIs, compared exactly. */
export function checkRedirectUri(conn: SamlConnection, redirectUri: string): void {
  if (!conn.redirectUris.includes(redirectUri)) throw new AppError('invalid_client', { internal: 'redirect_uri not allowed' })
}

export interface StartedSignIn {
  redirectUrl: string
  relayState: string
  requestId: string
  /** For IdPs whose SSO URL takes HTTP-POST: the form the browser must post (when the caller allows it). */
  post: { action: string; fields: Record<string, string> } | null
}

/**
 * SP-initiated sign-in: builds the AuthnRequest, remembers it under a fresh RelayState, and
 * returns the IdP URL to send the browser to (HTTP-Redirect binding), or for a POST-only IdP and
 * a caller that can render a form (`allowPost`), the form to post (HTTP-POST binding).
 */
export async function startSignIn(
  deps: Deps,
  p: { connection: SamlConnection; redirectUri: string; state: string | null; origin: string; acsUrl?: string; allowPost?: boolean },
): Promise<StartedSignIn> {
  const conn = p.connection
  checkRedirectUri(conn, p.redirectUri)
  if (!conn.idpSsoUrl) throw new AppError('invalid_client', { internal: 'no SSO URL' })
  const sp = spUrls(p.origin, conn.id)
  const acsUrl = p.acsUrl ?? sp.acsUrl
  const now = deps.clock()
  const requestId = `_${randomBase62(32)}`
  const relayState = newOpaqueToken(24)
  let keys: Awaited<ReturnType<Deps['spKeys']>> = null
  if (conn.enableRequestSigning) {
    keys = await deps.spKeys()
    if (!keys) throw new AppError('internal', { internal: 'request signing is on but SP_PRIVATE_KEY / SP_CERTIFICATE are not set' })
  }
  const xml = buildAuthnRequest({ id: requestId, issueInstant: now, destination: conn.idpSsoUrl, acsUrl, spEntityId: sp.spEntityId, forceAuthn: conn.forceAuthn })
  const redirectUrl = await encodeRedirect(conn.idpSsoUrl, xml, relayState, keys?.privateKey ?? null)
  const post =
    p.allowPost && conn.idpSsoBinding === 'post'
      ? { action: conn.idpSsoUrl, fields: await encodePost(xml, requestId, relayState, keys ? { key: keys.privateKey, certificatePem: keys.certificatePem } : null) }
      : null
  await deps.requests.putLoginRequest(
    relayState,
    { v: 1, connectionId: conn.id, requestId, redirectUri: p.redirectUri, state: p.state, acsUrl, expiresAt: now + AUTHN_REQUEST_TTL_MS },
    now,
  )
  return { redirectUrl, relayState, requestId, post }
}

export interface CompletedSignIn {
  connection: SamlConnection
  profile: SignInProfile
  /** Where to send the browser: the redirect URI with the one-time `code` (and `state`). */
  redirectUrl: string
}

export interface CompleteSignInInput {
  /** The connection the ACS URL names; null where the response alone must identify it. */
  connectionId: string | null
  samlResponse: string
  relayState: string | null
  /** This service's public origin (entity id and own ACS URL). */
  origin: string
  /** IdP-initiated without a connection id: the connection to verify against, or null. */
  resolveIdpInitiated?: () => Promise<SamlConnection | null>
  /**
   * A RelayState must name a stored request; otherwise `invalid_relay_state`. Without this an
   * unknown RelayState makes the response IdP-initiated (where it may name a redirect URI).
   */
  strictRelayState?: boolean
  /** Whether the caller may finish logins of this connection; a stored request of another one is `invalid_relay_state`. */
  ownsConnection?: (conn: SamlConnection) => boolean
  /**
   * IdP-initiated only: the ACS URL that Recipient (and Destination, when present) must equal,
   * or null to refuse the response. Default: this service's own ACS URL for the connection.
   */
  idpInitiatedAcsUrl?: (conn: SamlConnection) => string | null
}

/**
 * The ACS: matches the response to a stored request (or treats it as IdP-initiated when the
 * connection allows it), verifies it, and reserves the assertion id so it is accepted once.
 */
export async function completeSignIn(deps: Deps, p: CompleteSignInInput): Promise<CompletedSignIn> {
  const now = deps.clock()
  const request = p.relayState ? await deps.requests.takeLoginRequest(p.relayState, now) : null
  if (request && p.connectionId && request.connectionId !== p.connectionId) throw new AppError('invalid_relay_state')
  if (!request && p.relayState && p.strictRelayState) throw new AppError('invalid_relay_state', { internal: 'unknown or expired relay state' })

  let conn: SamlConnection
  if (request && p.relayState) {
    const found = await loadConnectionAtEdge(deps, request.connectionId)
    if (found && p.ownsConnection && !p.ownsConnection(found)) {
      // Someone else's RelayState: put it back untouched, so presenting it here costs its owner nothing.
      await deps.requests.putLoginRequest(p.relayState, request, now)
      throw new AppError('invalid_relay_state', { internal: 'relay state of another scope' })
    }
    if (!found || !found.active) throw new AppError('invalid_client', { internal: found ? 'inactive' : 'unknown connection' })
    conn = found
  } else if (p.connectionId) conn = await loadUsableConnection(deps, p.connectionId)
  else {
    const found = await p.resolveIdpInitiated?.()
    if (!found || !found.active) throw new AppError('invalid_client', { internal: 'no connection for this issuer' })
    conn = found
  }
  if (!request && !conn.allowIdpInitiated) throw new AppError('idp_login_disallowed')

  const sp = spUrls(p.origin, conn.id)
  const acsUrl = request?.acsUrl ?? (p.idpInitiatedAcsUrl ? p.idpInitiatedAcsUrl(conn) : sp.acsUrl)
  if (acsUrl === null) throw new AppError('saml_response_rejected', { internal: { reason: 'recipient_not_allowed' } })
  const verified = await verifySamlResponse(
    { samlResponseBase64: p.samlResponse },
    {
      idpEntityId: conn.idpEntityId ?? '',
      certificates: conn.idpCertificates.map((c) => c.certificate),
      spEntityId: sp.spEntityId,
      acsUrl,
      allowSha1: conn.allowSha1,
      expectedInResponseTo: request?.requestId ?? null,
      allowIdpInitiated: conn.allowIdpInitiated,
    },
    now,
  )
  if (!verified.ok) throw new AppError('saml_response_rejected', { internal: verified.failure })
  const a = verified.value

  // IdP-initiated: the RelayState may name an allowed redirect URI; otherwise the default one.
  const fallback = conn.defaultRedirectUri ?? conn.redirectUris[0] ?? null
  const redirectUri = request?.redirectUri ?? (p.relayState && conn.redirectUris.includes(p.relayState) ? p.relayState : fallback)
  if (!redirectUri) throw new AppError('invalid_client', { internal: 'no redirect URI configured' })

  const profile = mapProfile(
    { connectionId: conn.id, organizationId: conn.organizationId, idpEntityId: a.issuer, nameId: a.nameId, nameIdFormat: a.nameIdFormat, sessionIndex: a.sessionIndex },
    a.attributes,
    conn.attributeMapping,
  )

  // The assertion id is reserved and the code stored in one D1 batch: a replay gets no code, and
  // a failed write leaves the assertion unused, so the browser may post it again.
  const code = newOpaqueToken(32)
  const codeHash = await sha256Hex(code)
  const pending: PendingCode = { v: 1, connectionId: conn.id, instanceId: conn.instanceId, redirectUri, profile: { ...profile }, expiresAt: now + AUTH_CODE_TTL_MS }
  if (!(await deps.ssoState.reserveAssertionWithCode(conn.id, a.assertionId, Math.max(a.notOnOrAfter, now + 60_000), codeHash, pending))) {
    throw new AppError('saml_response_rejected', { internal: { reason: 'replayed', assertionId: a.assertionId } })
  }
  await putCodeEdgeCopy(deps, codeHash, pending)
  deps.log.info('saml_sign_in', { connection_id: conn.id, idp_initiated: !request })
  return { connection: conn, profile, redirectUrl: withCode(redirectUri, code, request?.state ?? null) }
}

/** The redirect URI with `code` (and `state`) set in its own query; values are encoded once. */
function withCode(redirectUri: string, code: string, state: string | null): string {
  const url = new URL(redirectUri)
  url.searchParams.set('code', code)
  if (state !== null) url.searchParams.set('state', state)
  return url.toString()
}

/**
 * The KV copy of a pending code: the fast path where it was issued. D1 holds the code itself,
 * readable at once from any region (the backend redeeming a code is often elsewhere than the
 * browser that brought it), so a failed KV write only costs that fast path.
 */
async function putCodeEdgeCopy(deps: Deps, hash: string, pending: PendingCode): Promise<void> {
  await deps.requests.putCode(hash, pending, deps.clock()).catch((e: unknown) => deps.log.warn('code_edge_copy_failed', { error: String(e) }))
}

/**
 * What a caller may do with a code of some connection: redeem it (`true`); be refused as
 * unauthenticated (`false`); find that the code does not exist for it (`'unknown'`: the code stays
 * redeemable by its owner); or burn it (`'burn'`: the code is used up and `invalid_token` answered).
 */
export type CodeAccess = boolean | 'unknown' | 'burn'

/** Decides whether a caller may redeem a pending code of this connection (issued for `redirectUri`). */
export type Authorize = (connectionId: string, instanceId: string, redirectUri: string) => Promise<CodeAccess>

/**
 * Exchanges a code for the profile, once. `authorize` decides whether the caller may redeem
 * codes of that connection (its client secret, or the owning instance's key).
 */
export async function exchangeCode(deps: Deps, code: string, authorize: Authorize): Promise<SignInProfile> {
  return redeem(deps, await sha256Hex(code), authorize)
}

/** Redeems what is stored under `hash` (a code or an access token), at most once. */
async function redeem(deps: Deps, hash: string, authorize: Authorize): Promise<SignInProfile> {
  const now = deps.clock()
  const pending = (await deps.requests.getCode(hash, now)) ?? (await deps.ssoState.getPendingCode(hash, now))
  if (!pending) throw new AppError('invalid_token')
  const access = await authorize(pending.connectionId, pending.instanceId, pending.redirectUri)
  if (access === 'unknown') throw new AppError('invalid_token', { internal: 'code of another scope' })
  if (access === false) throw new AppError('unauthenticated')
  const first = await deps.ssoState.consumeCode(hash, now, pending.expiresAt)
  await deps.requests.deleteCode(hash)
  if (access === 'burn') throw new AppError('invalid_token', { internal: 'code presented for another client; burnt' })
  if (!first) throw new AppError('invalid_token', { internal: 'code reused' })
  return pending.profile as unknown as SignInProfile
}

// Access tokens live beside codes but hash under their own prefix, so a code (which the browser
// saw) is never accepted where an access token is expected, nor the other way round.
const accessTokenHash = (token: string) => sha256Hex(`access_token:${token}`)

/**
 * Trades a redeemed sign-in for an access token (the legacy OAuth-style token endpoint): the
 * profile is kept for `AUTH_CODE_TTL_MS` under a fresh opaque token, redeemable once.
 */
export async function issueAccessToken(deps: Deps, conn: SamlConnection, profile: SignInProfile): Promise<{ token: string; expiresInSeconds: number }> {
  const token = newOpaqueToken(32)
  const hash = await accessTokenHash(token)
  const pending: PendingCode = { v: 1, connectionId: conn.id, instanceId: conn.instanceId, redirectUri: '', profile: { ...profile }, expiresAt: deps.clock() + AUTH_CODE_TTL_MS }
  await Promise.all([deps.ssoState.putPendingCode(hash, pending), putCodeEdgeCopy(deps, hash, pending)])
  return { token, expiresInSeconds: AUTH_CODE_TTL_MS / 1000 }
}

/** Redeems an access token from `issueAccessToken` once, with the same `authorize` rules as a code. */
export async function redeemAccessToken(deps: Deps, token: string, authorize: Authorize): Promise<SignInProfile> {
  return redeem(deps, await accessTokenHash(token), authorize)
}

/**
 * Redeems a code for the tenant's client `clientId`, once. As in the SuperTokens core, a code of
 * another client of the same tenant is used up by the attempt; a code of another tenant does not
 * exist here and is left alone.
 */
export async function exchangeClientCode(deps: Deps, scope: Scope, code: string, clientId: string): Promise<SignInProfile> {
  return exchangeCode(deps, code, async (connectionId, instanceId) => {
    if (instanceId !== scope.instanceId) return 'unknown'
    const conn = await deps.connections.findById(connectionId)
    if (!conn || !isInScope(conn, scope)) return 'unknown'
    return conn.clientId === clientId ? true : 'burn'
  })
}
