import { AppError } from '../domain/errors'
import type { IdpCertificate } from '../domain/saml-connection'
import type { Deps } from './deps'
import { type IdpMetadata, MAX_CERTIFICATES, parseCertificate, parseIdpMetadata } from '../saml'

/** Parses inline metadata, or refuses it with `idp_metadata_invalid` (the reason is logged only). */
export function parseMetadataOrThrow(xml: string): IdpMetadata {
  const parsed = parseIdpMetadata(xml)
  if (!parsed.ok) throw new AppError('idp_metadata_invalid', { internal: parsed.failure })
  return parsed.value
}

/** Fetches then parses metadata from a URL; the fetcher enforces scheme, target, size and time limits. */
export async function loadMetadataFromUrl(deps: Deps, url: string): Promise<IdpMetadata> {
  return parseMetadataOrThrow(await deps.fetchMetadata(url))
}

/** Parses certificates given as PEM or bare base64; any that is not X.509 is a field error on `param`. */
export function parseCertificatesOrThrow(raw: string[], param: string): IdpCertificate[] {
  if (raw.length > MAX_CERTIFICATES) throw new AppError('invalid_input', { issues: [{ param, kind: 'value', expected: `at most ${MAX_CERTIFICATES} certificates` }] })
  const out: IdpCertificate[] = []
  for (const value of raw) {
    const cert = parseCertificate(value)
    if (!cert) throw new AppError('invalid_input', { issues: [{ param, kind: 'format', expected: 'an X.509 certificate (PEM or base64 DER)' }] })
    if (!out.some((c) => c.certificate === cert.certificate)) out.push({ certificate: cert.certificate, issuedAt: cert.issuedAt, expiresAt: cert.expiresAt })
  }
  return out
}
