import { toBareBase64 } from './certificate'
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
  /** PEM or base64 DER; included as the signing key when AuthnRequests are signed. */
  signingCertificate: string | null
  validUntil?: number
}

/** SAML 2.0 SP metadata (SAML Metadata §2.4.4): entity id, HTTP-POST ACS, NameID formats, signing key. */
export function buildSpMetadata(m: SpMetadataInput): string {
  const signed = m.signingCertificate !== null
  const key = signed
    ? `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${toBareBase64(m.signingCertificate ?? '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
    : ''
  const validUntil = m.validUntil ? ` validUntil="${new Date(m.validUntil).toISOString()}"` : ''
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(m.entityId)}"${validUntil}>`,
    `<md:SPSSODescriptor AuthnRequestsSigned="${signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    key,
    ...NAMEID_FORMATS.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`),
    `<md:AssertionConsumerService Binding="${BINDING_POST}" Location="${escapeXml(m.acsUrl)}" index="0" isDefault="true"/>`,
    '</md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
  ].join('')
}
