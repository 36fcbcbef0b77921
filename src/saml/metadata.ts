import type { IdpCertificate } from '../domain/saml-connection'
import { normalizeHttpUrl } from '../domain/urls'
import { parseCertificate, toBareBase64 } from './certificate'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_CERTIFICATES, MAX_METADATA_BYTES } from './limits'
import { attr, child, children, childTexts, parseXml, type XmlElement } from './xml'

export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'

/** What a connection needs from an IdP's metadata. */
export interface IdpMetadata {
  entityId: string
  /** HTTP-Redirect SSO endpoint if there is one, else HTTP-POST, normalised; null when the IdP lists neither. */
  ssoUrl: string | null
  ssoBinding: 'redirect' | 'post' | null
  /** Signing certificates (use="signing" or no use), in document order, deduplicated. */
  certificates: IdpCertificate[]
}

/**
 * Every EntityDescriptor through any nesting of EntitiesDescriptor wrappers: document order within one
 * wrapper, but an EntitiesDescriptor's direct entities come before those of its nested wrappers (the
 * parsed tree does not keep the order between differently named siblings).
 */
function entityDescriptors(el: XmlElement): XmlElement[] {
  return [...children(el, 'EntityDescriptor'), ...children(el, 'EntitiesDescriptor').flatMap(entityDescriptors)]
}

/**
 * Reads entity id, SSO URL and signing certificates from SAML 2.0 IdP metadata
 * (SAML Metadata §2.4.3). In an aggregate, the first entity with an IdP role is used.
 * `validUntil` and `cacheDuration` are not enforced: pasted or fetched metadata is the admin's choice,
 * and an expired certificate is still returned with its dates (whether to accept it is the caller's call).
 */
export function parseIdpMetadata(xml: string): Result<IdpMetadata, SamlFailure> {
  // Blank lines before the XML declaration are not well-formed XML, but they are what a paste often has.
  const parsed = parseXml(xml.trimStart(), MAX_METADATA_BYTES)
  if (!parsed.ok) return parsed
  const entities = entityDescriptors(parsed.value)
  if (entities.length === 0) return fail({ reason: 'not_metadata', detail: 'no EntityDescriptor' })
  const entity = entities.find((e) => children(e, 'IDPSSODescriptor').length > 0)
  if (!entity) return fail({ reason: 'not_metadata', detail: 'no IDPSSODescriptor' })

  const entityId = attr(entity, 'entityID')?.trim()
  if (!entityId) return fail({ reason: 'missing_entity_id' })

  const roles = children(entity, 'IDPSSODescriptor')
  const services = roles.flatMap((r) => children(r, 'SingleSignOnService'))
  // The schema requires at least one; with none this is not an IdP we could ever send anyone to.
  if (services.length === 0) return fail({ reason: 'missing_sso_url' })
  const location = (s: XmlElement) => (attr(s, 'Location') ?? '').trim()
  const listed = services.filter((s) => (attr(s, 'Binding') === BINDING_REDIRECT || attr(s, 'Binding') === BINDING_POST) && location(s))
  // A browser is sent to this URL (a Location header or a form's action), so a service whose Location
  // breaks the URL rule (`javascript:`, `data:`, CR/LF inside) is never used: the next one is, as for a
  // binding we do not speak; when every one breaks it, the metadata names no SSO URL we could use.
  const usable = listed.filter((s) => normalizeHttpUrl(location(s)) !== null)
  if (listed.length > 0 && usable.length === 0) return fail({ reason: 'invalid_sso_url' })
  const redirect = usable.find((s) => attr(s, 'Binding') === BINDING_REDIRECT)
  const post = usable.find((s) => attr(s, 'Binding') === BINDING_POST)
  const sso = redirect ?? post

  const certificates: IdpCertificate[] = []
  for (const key of roles.flatMap((r) => children(r, 'KeyDescriptor'))) {
    const use = attr(key, 'use')
    if (use !== undefined && use !== 'signing') continue
    const values = children(child(key, 'KeyInfo'), 'X509Data').flatMap((d) => childTexts(d, 'X509Certificate'))
    for (const value of values) {
      const bare = toBareBase64(value)
      if (!bare || certificates.some((c) => c.certificate === bare)) continue
      const cert = parseCertificate(bare)
      if (!cert) return fail({ reason: 'invalid_certificate' })
      certificates.push({ certificate: cert.certificate, issuedAt: cert.issuedAt, expiresAt: cert.expiresAt })
    }
  }

  return ok({
    entityId,
    ssoUrl: sso ? normalizeHttpUrl(location(sso)) : null,
    ssoBinding: redirect ? 'redirect' : post ? 'post' : null,
    certificates: certificates.slice(0, MAX_CERTIFICATES),
  })
}
