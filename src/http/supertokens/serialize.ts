import { AppError } from '../../domain/errors'
import type { SamlConnection } from '../../domain/saml-connection'
import { base64ToBytes, toPem } from '../../saml/certificate'
import type { SupertokensClientInput } from '../../services/supertokens-clients'
import type { StSamlClient, StUpsertClient } from './schemas'

/**
 * Decodes `metadataXML` as the core does (java.util.Base64's basic decoder): standard alphabet,
 * padding optional, no whitespace or URL-safe characters. Bytes that are not UTF-8 become U+FFFD.
 */
export function decodeMetadataXml(b64: string): string {
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
export function toStClient(c: SamlConnection, opts: { clientSecret?: string } = {}): StSamlClient {
  const primary = c.idpCertificates[0]?.certificate ?? null
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
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}
