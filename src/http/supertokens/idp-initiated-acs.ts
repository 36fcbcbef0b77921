import type { SamlConnection } from '../../domain/saml-connection'

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
export function pickIdpInitiatedAcsUrl(candidates: string[], conn: Pick<SamlConnection, 'redirectUris'>, tenantId: string): string | null {
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
