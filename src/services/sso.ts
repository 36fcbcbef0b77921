import { AppError } from '../domain/errors'
import { newOpaqueToken, randomBase62 } from '../domain/ids'
import type { SamlConnection } from '../domain/saml-connection'
import { sha256Hex } from '../domain/secrets'
import { spUrls } from '../domain/sp-urls'
import { buildAuthnRequest, encodeRedirect } from '../saml/authn-request'
import { AUTH_CODE_TTL_MS, AUTHN_REQUEST_TTL_MS } from '../saml/limits'
import { verifySamlResponse } from '../saml'
import type { Deps } from './deps'
import { loadConnectionAtEdge } from './edge-sync'
import { mapProfile, type SignInProfile } from './profile'

/** A connection the sign-in endpoints may use: active, read from the edge copy (see README, consistency). */
export async function loadUsableConnection(deps: Deps, id: string): Promise<SamlConnection> {
  const conn = await loadConnectionAtEdge(deps, id)
  if (!conn || !conn.active) throw new AppError('invalid_client', { internal: conn ? 'inactive' : 'unknown connection' })
  return conn
}

/** Where a sign-in may end: one of the connection's redirect URIs, compared exactly. */
export function checkRedirectUri(conn: SamlConnection, redirectUri: string): void {
  if (!conn.redirectUris.includes(redirectUri)) throw new AppError('invalid_client', { internal: 'redirect_uri not allowed' })
}

export interface StartedSignIn {
  redirectUrl: string
  relayState: string
  requestId: string
}

/**
 * SP-initiated sign-in: builds the AuthnRequest, remembers it under a fresh RelayState,
 * and returns the IdP URL to send the browser to (HTTP-Redirect binding).
 */
export async function startSignIn(
  deps: Deps,
  p: { connection: SamlConnection; redirectUri: string; state: string | null; origin: string; acsUrl?: string },
): Promise<StartedSignIn> {
  const conn = p.connection
  checkRedirectUri(conn, p.redirectUri)
  if (!conn.idpSsoUrl) throw new AppError('invalid_client', { internal: 'no SSO URL' })
  const sp = spUrls(p.origin, conn.id)
  const acsUrl = p.acsUrl ?? sp.acsUrl
  const now = deps.clock()
  const requestId = `_${randomBase62(32)}`
  const relayState = newOpaqueToken(24)
  let signingKey: CryptoKey | null = null
  if (conn.enableRequestSigning) {
    const keys = await deps.spKeys()
    if (!keys) throw new AppError('internal', { internal: 'request signing is on but SP_PRIVATE_KEY / SP_CERTIFICATE are not set' })
    signingKey = keys.privateKey
  }
  const xml = buildAuthnRequest({ id: requestId, issueInstant: now, destination: conn.idpSsoUrl, acsUrl, spEntityId: sp.spEntityId, forceAuthn: conn.forceAuthn })
  const redirectUrl = await encodeRedirect(conn.idpSsoUrl, xml, relayState, signingKey)
  await deps.requests.putLoginRequest(
    relayState,
    { v: 1, connectionId: conn.id, requestId, redirectUri: p.redirectUri, state: p.state, acsUrl, expiresAt: now + AUTHN_REQUEST_TTL_MS },
    now,
  )
  return { redirectUrl, relayState, requestId }
}

export interface CompletedSignIn {
  connection: SamlConnection
  profile: SignInProfile
  redirectUri: string
  state: string | null
}

/**
 * The ACS: matches the response to a stored request (or treats it as IdP-initiated when the
 * connection allows it), verifies it, and reserves the assertion id so it is accepted once.
 */
export async function completeSignIn(
  deps: Deps,
  p: { connectionId: string | null; samlResponse: string; relayState: string | null; origin: string; resolveIdpInitiated?: () => Promise<SamlConnection | null> },
): Promise<CompletedSignIn> {
  const now = deps.clock()
  const request = p.relayState ? await deps.requests.takeLoginRequest(p.relayState, now) : null
  if (request && p.connectionId && request.connectionId !== p.connectionId) throw new AppError('invalid_relay_state')

  let conn: SamlConnection
  if (request) conn = await loadUsableConnection(deps, request.connectionId)
  else if (p.connectionId) conn = await loadUsableConnection(deps, p.connectionId)
  else {
    const found = await p.resolveIdpInitiated?.()
    if (!found || !found.active) throw new AppError('invalid_client', { internal: 'no connection for this issuer' })
    conn = found
  }
  if (!request && !conn.allowIdpInitiated) throw new AppError('idp_login_disallowed')

  const sp = spUrls(p.origin, conn.id)
  const verified = await verifySamlResponse(
    { samlResponseBase64: p.samlResponse },
    {
      idpEntityId: conn.idpEntityId ?? '',
      certificates: conn.idpCertificates.map((c) => c.certificate),
      spEntityId: sp.spEntityId,
      acsUrl: request?.acsUrl ?? sp.acsUrl,
      allowSha1: conn.allowSha1,
      expectedInResponseTo: request?.requestId ?? null,
      allowIdpInitiated: conn.allowIdpInitiated,
    },
    now,
  )
  if (!verified.ok) throw new AppError('saml_response_rejected', { internal: verified.failure })
  const a = verified.value
  if (!(await deps.ssoState.reserveAssertionId(conn.id, a.assertionId, Math.max(a.notOnOrAfter, now + 60_000)))) {
    throw new AppError('saml_response_rejected', { internal: { reason: 'replayed', assertionId: a.assertionId } })
  }

  // IdP-initiated: the RelayState may name an allowed redirect URI; otherwise the default one.
  const fallback = conn.defaultRedirectUri ?? conn.redirectUris[0] ?? null
  const redirectUri = request?.redirectUri ?? (p.relayState && conn.redirectUris.includes(p.relayState) ? p.relayState : fallback)
  if (!redirectUri) throw new AppError('invalid_client', { internal: 'no redirect URI configured' })

  const profile = mapProfile(
    { connectionId: conn.id, organizationId: conn.organizationId, idpEntityId: a.issuer, nameId: a.nameId, nameIdFormat: a.nameIdFormat, sessionIndex: a.sessionIndex },
    a.attributes,
    conn.attributeMapping,
  )
  deps.log.info('saml_sign_in', { connection_id: conn.id, idp_initiated: !request })
  return { connection: conn, profile, redirectUri, state: request?.state ?? null }
}

/** Issues a one-time code for a finished sign-in: the payload in KV, single use enforced in D1. */
export async function issueCode(deps: Deps, done: CompletedSignIn): Promise<string> {
  const now = deps.clock()
  const code = newOpaqueToken(32)
  await deps.requests.putCode(
    await sha256Hex(code),
    { v: 1, connectionId: done.connection.id, instanceId: done.connection.instanceId, redirectUri: done.redirectUri, profile: { ...done.profile }, expiresAt: now + AUTH_CODE_TTL_MS },
    now,
  )
  return code
}

/**
 * Exchanges a code for the profile, once. `authorize` decides whether the caller may redeem
 * codes of that connection (its client secret, or the owning instance's key).
 */
export async function exchangeCode(deps: Deps, code: string, authorize: (connectionId: string, instanceId: string) => Promise<boolean>): Promise<SignInProfile> {
  const now = deps.clock()
  const codeHash = await sha256Hex(code)
  const pending = await deps.requests.getCode(codeHash, now)
  if (!pending) throw new AppError('invalid_token')
  if (!(await authorize(pending.connectionId, pending.instanceId))) throw new AppError('unauthenticated')
  if (!(await deps.ssoState.consumeCode(codeHash, now, pending.expiresAt))) throw new AppError('invalid_token', { internal: 'code reused' })
  await deps.requests.deleteCode(codeHash)
  return pending.profile as unknown as SignInProfile
}
