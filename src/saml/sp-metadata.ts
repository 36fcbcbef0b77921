import { toBareBase64 } from './certificate'
import { PUBLISHED_ENCRYPTION_METHODS, XMLENC11_NS } from './encryption-algorithms'
import { BINDING_POST } from './metadata'
import { escapeXml } from './xml-escape'

export const NAMEID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
]

export interface SpMetadataInput {
  entityId: string
  acsUrl: string
  /** PEM or base64 DER, current first then the next one of a rollover; published when AuthnRequests are signed. */
  signingCertificates: readonly string[]
  /** PEM or base64 DER of the keys EncryptedAssertions may be encrypted to (current and next). */
  encryptionCertificates: readonly string[]
  /** Whether the ACS requires the Assertion's own signature; otherwise a signed Response around it also counts. */
  wantAssertionsSigned: boolean
  validUntil?: number
}

const keyInfo = (certificate: string) =>
  `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${toBareBase64(certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`

/** What we decrypt, most preferred first (SAML Metadata §2.4.1.1); IdPs such as Shibboleth pick the first they support. */
const ENCRYPTION_METHODS = PUBLISHED_ENCRYPTION_METHODS.map(
  (m) =>
    `<md:EncryptionMethod Algorithm="${m.algorithm}">` +
    (m.digest ? `<ds:DigestMethod Algorithm="${m.digest}"/>` : '') +
    (m.mgf ? `<xenc11:MGF xmlns:xenc11="${XMLENC11_NS}" Algorithm="${m.mgf}"/>` : '') +
    '</md:EncryptionMethod>',
).join('')

/**
 * SAML 2.0 SP metadata (SAML Metadata §2.4.4): entity id, HTTP-POST ACS, NameID formats, the
 * signing keys when requests are signed and the encryption keys with the algorithms we decrypt.
 */
export function buildSpMetadata(m: SpMetadataInput): string {
  const signed = m.signingCertificates.length > 0
  const keys = [
    ...m.signingCertificates.map((c) => `<md:KeyDescriptor use="signing">${keyInfo(c)}</md:KeyDescriptor>`),
    ...m.encryptionCertificates.map((c) => `<md:KeyDescriptor use="encryption">${keyInfo(c)}${ENCRYPTION_METHODS}</md:KeyDescriptor>`),
  ]
  const validUntil = m.validUntil ? ` validUntil="${new Date(m.validUntil).toISOString()}"` : ''
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(m.entityId)}"${validUntil}>`,
    `<md:SPSSODescriptor AuthnRequestsSigned="${signed}" WantAssertionsSigned="${m.wantAssertionsSigned}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    ...keys,
    ...NAMEID_FORMATS.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`),
    `<md:AssertionConsumerService Binding="${BINDING_POST}" Location="${escapeXml(m.acsUrl)}" index="0" isDefault="true"/>`,
    '</md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
  ].join('')
}
