/** Every size and time limit of the SAML engine, in one place. */
export const MAX_METADATA_BYTES = 512 * 1024
export const MAX_XML_DEPTH = 64
export const METADATA_FETCH_TIMEOUT_MS = 5_000
export const METADATA_FETCH_MAX_REDIRECTS = 3
export const MAX_CERTIFICATES = 10
export const MAX_SAML_RESPONSE_BYTES = 256 * 1024
export const CLOCK_SKEW_MS = 3 * 60 * 1000
export const AUTHN_REQUEST_TTL_MS = 10 * 60 * 1000
export const AUTH_CODE_TTL_MS = 5 * 60 * 1000
/** Canonical output may outgrow its input (namespaces repeated per element); past this it is refused. */
export const MAX_CANONICAL_BYTES = 2 * MAX_SAML_RESPONSE_BYTES
