import type { IdpCertificate } from '../domain/saml-connection'
import { normalizeHttpUrl } from '../domain/urls'
import { parseCertificate, toBareBase64 } from './certificate'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_CERTIFICATES, MAX_METADATA_BYTES } from './limits'
import { attributeValue, childElements, parseXmlTree, textContent, type XmlElementNode } from './xml-tree'
import { parseXsDateTime, parseXsDuration } from './xs-duration'

export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#'

/** What a connection needs from an IdP's metadata. */
export interface IdpMetadata {
  entityId: string
  /** HTTP-Redirect SSO endpoint if there is one, else HTTP-POST, normalised; null when the IdP lists neither. */
  ssoUrl: string | null
  ssoBinding: 'redirect' | 'post' | null
  /** Signing certificates (use="signing" or no use), in document order, deduplicated. */
  certificates: IdpCertificate[]
  /** The earliest validUntil on the way from the root to the IdP role (epoch ms); null when none is given. */
  validUntil: number | null
  /** The shortest cacheDuration on that way (ms); null when none is given. */
  cacheDurationMs: number | null
}

const md = (el: XmlElementNode, localName: string): XmlElementNode[] => childElements(el, MD_NS, localName)
const isMd = (el: XmlElementNode, localName: string) => el.namespaceUri === MD_NS && el.localName === localName

/**
 * Every EntityDescriptor at or below `el` through any nesting of EntitiesDescriptor wrappers, in
 * document order, each with the wrappers around it (whose validUntil and cacheDuration apply to it).
 */
function entityDescriptors(el: XmlElementNode, wrappers: XmlElementNode[] = []): { entity: XmlElementNode; wrappers: XmlElementNode[] }[] {
  if (isMd(el, 'EntityDescriptor')) return [{ entity: el, wrappers }]
  if (!isMd(el, 'EntitiesDescriptor')) return []
  return childElements(el).flatMap((child) => entityDescriptors(child, [...wrappers, el]))
}

const earliest = (values: (number | null)[]): number | null => {
  const given = values.filter((v): v is number => v !== null)
  return given.length ? Math.min(...given) : null
}

/**
 * Reads entity id, SSO URL and signing certificates from SAML 2.0 IdP metadata
 * (SAML Metadata §2.4.3). In an aggregate, the first entity with an IdP role is used.
 * `validUntil` and `cacheDuration` are not enforced, only reported (they schedule the next fetch): pasted
 * or fetched metadata is the admin's choice, and an expired certificate is still returned with its
 * dates (whether to accept it is the caller's call).
 */
export function parseIdpMetadata(xml: string): Result<IdpMetadata, SamlFailure> {
  // Blank lines before the XML declaration are not well-formed XML, but they are what a paste often has.
  const parsed = parseXmlTree(xml.trimStart(), MAX_METADATA_BYTES)
  if (!parsed.ok) return parsed
  const entities = entityDescriptors(parsed.value)
  if (entities.length === 0) return fail({ reason: 'not_metadata', detail: 'no EntityDescriptor' })
  const found = entities.find((e) => md(e.entity, 'IDPSSODescriptor').length > 0)
  if (!found) return fail({ reason: 'not_metadata', detail: 'no IDPSSODescriptor' })
  const entity = found.entity

  const entityId = attributeValue(entity, 'entityID')?.trim()
  if (!entityId) return fail({ reason: 'missing_entity_id' })

  const roles = md(entity, 'IDPSSODescriptor')
  const freshnessPath = [...found.wrappers, entity, ...roles]
  const services = roles.flatMap((r) => md(r, 'SingleSignOnService'))
  // The schema requires at least one; with none this is not an IdP we could ever send anyone to.
  if (services.length === 0) return fail({ reason: 'missing_sso_url' })
  const location = (s: XmlElementNode) => (attributeValue(s, 'Location') ?? '').trim()
  const binding = (s: XmlElementNode) => attributeValue(s, 'Binding')
  const listed = services.filter((s) => (binding(s) === BINDING_REDIRECT || binding(s) === BINDING_POST) && location(s))
  // A browser is sent to this URL (a Location header or a form's action), so a service whose Location
  // breaks the URL rule (`javascript:`, `data:`, CR/LF inside) is never used: the next one is, as for a
  // binding we do not speak; when every one breaks it, the metadata names no SSO URL we could use.
  const usable = listed.filter((s) => normalizeHttpUrl(location(s)) !== null)
  if (listed.length > 0 && usable.length === 0) return fail({ reason: 'invalid_sso_url' })
  const redirect = usable.find((s) => binding(s) === BINDING_REDIRECT)
  const post = usable.find((s) => binding(s) === BINDING_POST)
  const sso = redirect ?? post

  const certificates: IdpCertificate[] = []
  for (const key of roles.flatMap((r) => md(r, 'KeyDescriptor'))) {
    const use = attributeValue(key, 'use')
    if (use !== undefined && use !== 'signing') continue
    const values = childElements(key, DS_NS, 'KeyInfo')
      .slice(0, 1)
      .flatMap((info) => childElements(info, DS_NS, 'X509Data'))
      .flatMap((data) => childElements(data, DS_NS, 'X509Certificate').map(textContent))
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
    validUntil: earliest(freshnessPath.map((el) => parseXsDateTime(attributeValue(el, 'validUntil')))),
    cacheDurationMs: earliest(freshnessPath.map((el) => parseXsDuration(attributeValue(el, 'cacheDuration')))),
  })
}
