/** The SAML engine's public surface: pure functions of (input, connection config, clock). */
export { verifySamlResponse, decodeSamlResponse } from './response'
export type { SamlResponseConfig, SamlResponseInput, VerifiedAssertion } from './response'
export { parseIdpMetadata, type IdpMetadata } from './metadata'
export { parseCertificate, toBareBase64, toPem, type ParsedCertificate } from './certificate'
export { fail, ok, type Result, type SamlFailure } from './failures'
export * from './limits'
