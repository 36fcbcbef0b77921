/**
 * The SAML engine's public surface: pure functions of (input, connection config, clock), returning
 * `Result`s. Nothing outside `src/saml/` imports the engine's modules directly.
 */
export { verifySamlResponse } from './response'
export type { ParsedSamlResponse, SamlResponseConfig, VerifiedAssertion } from './response'
export { importDecryptionKey, type DecryptionKey } from './decryption-key'
export { readResponseRouting, type UnverifiedResponse } from './response-routing'
export { parseIdpMetadata, BINDING_POST, BINDING_REDIRECT, type IdpMetadata } from './metadata'
export { parseCertificate, toBareBase64, toPem, base64ToBytes, bytesToBase64 } from './certificate'
export { buildAuthnRequest, encodePost, encodeRedirect, importSigningKey, parseAuthnRequest } from './authn-request'
export { buildSpMetadata } from './sp-metadata'
export { signEnvelopedXml } from './sign'
export { encryptAssertion } from './encrypt'
export { SAML_ASSERTION_NS } from './conditions'
export { escapeXml } from './xml-escape'
export type { SamlFailure } from './failures'
export {
  AUTH_CODE_TTL_MS,
  AUTHN_REQUEST_TTL_MS,
  CLOCK_SKEW_MS,
  MAX_CERTIFICATES,
  MAX_METADATA_BYTES,
  MAX_SAML_RESPONSE_BYTES,
  METADATA_FETCH_MAX_REDIRECTS,
  METADATA_FETCH_TIMEOUT_MS,
} from './limits'
