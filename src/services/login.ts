import { emailDomainOf, normalizeDomainName } from '../domain/email-domain'
import { AppError } from '../domain/errors'
import { newOpaqueToken, randomBase62 } from '../domain/ids'
import type { SamlConnection } from '../domain/saml-connection'
import { sha256Hex } from '../domain/secrets'
import { spUrls } from '../domain/sp-urls'
import { findSameUrl, isHttpUrl } from '../domain/urls'
import { AUTHN_REQUEST_TTL_MS, buildAuthnRequest, encodePost, encodeRedirect } from '../saml'
import type { Deps } from './deps'

/**
 * Where a sign-in may end: one of the connection's redirect URIs, the same URL exactly (as sent, or
 * once normalised: registrations are stored normalised, callers may send the form they registered).
 */
function checkRedirectUri(conn: SamlConnection, redirectUri: string): void {
  if (findSameUrl(conn.redirectUris, redirectUri) === undefined) throw new AppError('invalid_client', { internal: 'redirect_uri not allowed' })
}

export interface StartedLogin {
  redirectUrl: string
  relayState: string
  requestId: string
  /** For IdPs whose SSO URL takes HTTP-POST: the form the browser must post (when the caller allows it). */
  post: { action: string; fields: Record<string, string> } | null
}

/**
 * SP-initiated sign-in: builds the AuthnRequest, remembers it under a fresh RelayState (stored
 * only as its digest), and returns the IdP URL to send the browser to (HTTP-Redirect binding), or
 * for a POST-only IdP and a caller that can render a form (`allowPost`), the form to post.
 */
export async function startLogin(
  deps: Deps,
  p: { connection: SamlConnection; redirectUri: string; state: string | null; origin: string; acsUrl?: string; allowPost?: boolean },
): Promise<StartedLogin> {
  checkRedirectUri(p.connection, p.redirectUri)
  return (await sendAuthnRequest(deps, p)).started
}

/**
 * The AuthnRequest of a login and the login remembered for its response, for any caller: a sign-in
 * (whose redirect URI was checked) or a test run (which ends on saml-edge's own page).
 */
export async function sendAuthnRequest(
  deps: Deps,
  p: { connection: SamlConnection; redirectUri: string; state: string | null; origin: string; acsUrl?: string; allowPost?: boolean; testRunId?: string },
): Promise<{ started: StartedLogin; xml: string }> {
  const conn = p.connection
  if (!conn.idpSsoUrl) throw new AppError('invalid_client', { internal: 'no SSO URL' })
  // Writes refuse an SSO URL outside the URL rule, but a row stored before they did must not become
  // a `javascript:` Location, a split header or a 500; the auto-post page checks its target too.
  if (!isHttpUrl(conn.idpSsoUrl)) throw new AppError('invalid_client', { internal: 'stored IdP SSO URL breaks the URL rule' })
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
  const xml = buildAuthnRequest({ id: requestId, issueInstant: now, destination: conn.idpSsoUrl, acsUrl, spEntityId: sp.spEntityId, forceAuthn: conn.forceAuthn, nameIdFormat: conn.nameIdFormat })
  const redirectUrl = await encodeRedirect(conn.idpSsoUrl, xml, relayState, keys?.privateKey ?? null)
  const post =
    p.allowPost && conn.idpSsoBinding === 'post'
      ? { action: conn.idpSsoUrl, fields: await encodePost(xml, requestId, relayState, keys ? { key: keys.privateKey, certificatePem: keys.certificatePem } : null) }
      : null
  await deps.signInState.putLoginRequest(await sha256Hex(relayState), {
    v: 1, connectionId: conn.id, requestId, redirectUri: p.redirectUri, state: p.state, acsUrl, expiresAt: now + AUTHN_REQUEST_TTL_MS,
    ...(p.testRunId ? { testRunId: p.testRunId } : {}),
  })
  return { started: { redirectUrl, relayState, requestId, post }, xml }
}

/**
 * The active connection an email's domain routes to in an instance (home-realm discovery); the
 * most specific domain wins when a subdomain-enabled parent also matches.
 */
export async function connectionIdForEmail(deps: Deps, instanceId: string, email: string): Promise<string> {
  const domain = normalizeDomainName(emailDomainOf(email) ?? '') ?? ''
  const matches = (await deps.connections.findByEmailDomain(instanceId, domain)).filter((m) => m.active)
  matches.sort((a, b) => Number(b.domains.includes(domain)) - Number(a.domains.includes(domain)))
  const id = matches[0]?.id
  if (!id) throw new AppError('invalid_client', { internal: `no connection for ${domain}` })
  return id
}
