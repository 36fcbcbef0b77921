import { AppError } from '../domain/errors'
import type { IdpCertificate, SamlConnection } from '../domain/saml-connection'
import { MAX_WRITTEN_CERTIFICATES } from '../domain/fields'
import { isHttpUrl } from '../domain/urls'
import type { Deps } from './deps'
import { type IdpMetadata, parseCertificate, parseIdpMetadata } from '../saml'

/** Parses inline metadata, or refuses it with `idp_metadata_invalid` (the reason is logged only). */
export function parseMetadataOrThrow(xml: string): IdpMetadata {
  const parsed = parseIdpMetadata(xml)
  if (!parsed.ok) throw new AppError('idp_metadata_invalid', { internal: parsed.failure })
  return parsed.value
}

/** Fetches then parses metadata from a URL; the fetcher enforces scheme, target, size and time limits. */
export async function loadMetadataFromUrl(deps: Deps, url: string): Promise<IdpMetadata> {
  const download = await deps.fetchMetadata(url)
  // Unasked, a 304 is no document.
  if (download.status !== 'fetched') throw new AppError('idp_metadata_fetch_failed', { internal: 'status 304' })
  return parseMetadataOrThrow(download.text)
}

/**
 * Parses certificates given as PEM or bare base64; any that is not X.509 is a field error on `param`.
 * A written set holds at most MAX_WRITTEN_CERTIFICATES; metadata may list more (the engine keeps its first 10).
 */
export function parseCertificatesOrThrow(raw: string[], param: string): IdpCertificate[] {
  if (raw.length > MAX_WRITTEN_CERTIFICATES) throw new AppError('invalid_input', { issues: [{ param, kind: 'value', expected: `at most ${MAX_WRITTEN_CERTIFICATES} certificates` }] })
  const out: IdpCertificate[] = []
  for (const value of raw) {
    const cert = parseCertificate(value)
    if (!cert) throw new AppError('invalid_input', { issues: [{ param, kind: 'format', expected: 'an X.509 certificate (PEM or base64 DER)' }] })
    if (!out.some((c) => c.certificate === cert.certificate)) out.push({ certificate: cert.certificate, issuedAt: cert.issuedAt, expiresAt: cert.expiresAt })
  }
  return out
}

/**
 * The connection with the IdP fields the metadata gives: its entity id, and its SSO URL, binding
 * and certificates where it lists them (what it leaves out stays as it was).
 */
export function withMetadata(c: SamlConnection, metadata: IdpMetadata, development: boolean): SamlConnection {
  const next = { ...c, idpEntityId: metadata.entityId }
  if (metadata.ssoUrl) {
    // The parser applied the URL rule itself; https only is this deployment's part of it.
    if (!isHttpUrl(metadata.ssoUrl, { httpsOnly: !development })) throw new AppError('idp_metadata_invalid', { internal: { reason: 'sso_url_not_https' } })
    next.idpSsoUrl = metadata.ssoUrl
    next.idpSsoBinding = metadata.ssoBinding ?? 'redirect'
  }
  if (metadata.certificates.length) next.idpCertificates = metadata.certificates
  return next
}
