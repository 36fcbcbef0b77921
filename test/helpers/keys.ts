import idpCertPem from '../fixtures/keys/idp.cert.pem?raw'
import expiredCertPem from '../fixtures/keys/expired.cert.pem?raw'
import rolloverCertPem from '../fixtures/keys/idp-rollover.cert.pem?raw'

export { expiredCertPem, idpCertPem, rolloverCertPem }

/** The base64 DER body of a PEM certificate, as the service stores and returns it. */
export const bare = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

/** Minimal IdP metadata in the shape most IdPs publish (md: prefixes, Redirect and POST bindings). */
export function idpMetadataXml({ entityId = 'https://idp.example.com/metadata', ssoUrl = 'https://idp.example.com/sso', certs = [idpCertPem], postOnly = false } = {}) {
  const keys = certs
    .map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${bare(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}/post"/>${postOnly ? '' : `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>`}</md:IDPSSODescriptor></md:EntityDescriptor>`
}
