/**
 * The SAML engine's public surface: pure functions of (input, connection config, clock), returning
 * `Result`s. Nothing outside `src/saml/` imports the engine's modules directly.
 */
export { verifySamlResponse, decodeSamlResponse, SAML_PROTOCOL_NS } from './response'
export type { SamlResponseConfig, SamlResponseInput, VerifiedAssertion } from './response'
export { readResponseRouting, type UnverifiedResponse } from './response-routing'
export { parseIdpMetadata, BINDING_POST, BINDING_REDIRECT, type IdpMetadata } from './metadata'
export { parseCertificate, toBareBase64, toPem, base64ToBytes, bytesToBase64, type ParsedCertificate } from './certificate'
export { buildAuthnRequest, encodePost, encodeRedirect, importSigningKey, parseAuthnRequest, SIG_ALG_RSA_SHA256 } from './authn-request'
export { buildSpMetadata, NAMEID_FORMATS } from './sp-metadata'
export { signEnvelopedXml } from './sign'
export { SAML_ASSERTION_NS } from './conditions'
export { escapeXml } from './xml-escape'
export { fail, ok, type Result, type SamlFailure } from './failures'
export * from './limits'
