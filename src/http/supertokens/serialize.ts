import { AppError } from '../../domain/errors'
import type { SamlConnection } from '../../domain/saml-connection'
import { spUrls } from '../../domain/sp-urls'
import type { SignInProfile } from '../../services/profile'
import type { SupertokensClientInput } from '../../services/supertokens-clients'
import type { StSamlClient, StUpsertClient, StUserInfo } from './schemas'
import { base64ToBytes, toPem } from '../../saml'

/**
 * Decodes `metadataXML` as the core does (java.util.Base64's basic decoder): standard alphabet,
 * padding optional, no whitespace or URL-safe characters. Bytes that are not UTF-8 become U+FFFD.
 */
function decodeMetadataXml(b64: string): string {
  const bytes = base64ToBytes(b64)
  if (!bytes) throw new AppError('idp_metadata_invalid', { internal: { reason: 'metadataXML is not base64' } })
  return new TextDecoder().decode(bytes)
}

export function fromStUpsert(b: StUpsertClient): SupertokensClientInput {
  return {
    clientId: b.clientId,
    clientSecret: b.clientSecret,
    redirectUris: b.redirectURIs,
    defaultRedirectUri: b.defaultRedirectURI,
    idpMetadata: decodeMetadataXml(b.metadataXML),
    allowIdpInitiated: b.allowIDPInitiatedLogin ?? false,
    enableRequestSigning: b.enableRequestSigning ?? true,
  }
}

/**
 * The SuperTokens view of a connection (docs/compat/field-mapping.md). The secret is stored only
 * as a hash, so it appears only when the caller passes the plain value it has just set.
 */
export function toStClient(c: SamlConnection, origin: string, opts: { clientSecret?: string } = {}): StSamlClient {
  const primary = c.idpCertificates[0]?.certificate ?? null
  const sp = spUrls(origin, c.id)
  return {
    clientId: c.clientId,
    ...(opts.clientSecret === undefined ? {} : { clientSecret: opts.clientSecret }),
    defaultRedirectURI: c.defaultRedirectUri,
    redirectURIs: c.redirectUris,
    idpEntityId: c.idpEntityId,
    idpSsoUrl: c.idpSsoUrl,
    idpCertificate: primary === null ? null : toPem(primary),
    idpSigningCertificate: primary,
    allowIDPInitiatedLogin: c.allowIdpInitiated,
    enableRequestSigning: c.enableRequestSigning,
    spEntityId: sp.spEntityId,
    spMetadataUrl: sp.spMetadataUrl,
    acsUrl: sp.acsUrl,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

const SUB_CLAIMS = ['NameID', 'http://schemas.microsoft.com/identity/claims/objectidentifier', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name']
const EMAIL_CLAIMS = ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'mail', 'email']

/**
 * The core's user info: claims are `NameID`, `NameIDFormat` and every attribute as trimmed,
 * non-empty strings (an attribute with none is left out); `sub` and `email` are picked from them
 * in the core's order. The subject's NameID always wins over an attribute named `NameID`.
 * The connection's custom attributes follow under their keys (over an attribute of the same name,
 * never over NameID or NameIDFormat), as arrays like every claim: one value unless multi-valued.
 */
export function toStUserInfo(profile: SignInProfile, clientId: string): StUserInfo {
  // A Map, then Object.fromEntries: attribute names such as `__proto__` stay plain own keys.
  const claims = new Map<string, string[]>([['NameID', [profile.nameId]]])
  if (profile.nameIdFormat) claims.set('NameIDFormat', [profile.nameIdFormat])
  for (const [name, values] of Object.entries(profile.attributes)) {
    if (claims.has(name)) continue
    const kept = values.map((v) => v.trim()).filter((v) => v !== '')
    if (kept.length > 0) claims.set(name, kept)
  }
  const first = (names: string[]) => names.map((n) => claims.get(n)?.[0]).find((v) => v !== undefined) ?? null
  const sub = first(SUB_CLAIMS)
  const email = first(EMAIL_CLAIMS) ?? (profile.nameId.includes('@') ? profile.nameId : null)
  // A code issued before custom attributes existed carries none.
  for (const [key, value] of Object.entries(profile.customAttributes ?? {})) {
    if (key !== 'NameID' && key !== 'NameIDFormat') claims.set(key, Array.isArray(value) ? value : [value])
  }
  return { claims: Object.fromEntries(claims), sub, email, aud: clientId }
}
