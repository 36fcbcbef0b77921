/**
 * The suite's one builder of IdP metadata, in the shape most IdPs publish (md: and ds: prefixes).
 * It has no Vite-only import, so the Node-side tests and the outbound stand-in loaded with the
 * config (test/setup/outbound.ts) build metadata with it too; test/helpers/keys.ts adds the test
 * IdP's certificate as the default.
 */
export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'

/** The base64 DER body of a PEM certificate, as the service stores it (the core's `idpSigningCertificate`). */
export const bare = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

export interface MetadataOptions {
  /** null leaves the entityID attribute out. */
  entityId?: string | null
  ssoUrl?: string
  /** One SingleSignOnService at `ssoUrl` for each. */
  bindings?: string[]
  /** PEM or bare base64 certificates, one signing KeyDescriptor each. */
  certs?: string[]
  /** Raw XML placed before the root element (e.g. a DOCTYPE). */
  prolog?: string
}

export function metadataXml({ entityId = 'https://idp.example.com/metadata', ssoUrl = 'https://idp.example.com/sso', bindings = [BINDING_POST, BINDING_REDIRECT], certs = [], prolog = '' }: MetadataOptions = {}): string {
  const keys = certs
    .map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${bare(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('')
  const services = bindings.map((b) => `<md:SingleSignOnService Binding="${b}" Location="${ssoUrl}"/>`).join('')
  const entityAttr = entityId === null ? '' : ` entityID="${entityId}"`
  return `<?xml version="1.0" encoding="UTF-8"?>${prolog}<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"${entityAttr}><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}${services}</md:IDPSSODescriptor></md:EntityDescriptor>`
}
