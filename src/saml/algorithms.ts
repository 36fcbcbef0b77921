/**
 * The XML Signature algorithm identifiers the engine accepts, and the WebCrypto names they map to.
 * Anything not listed here is refused, so a new algorithm is an explicit decision, not a default.
 * See XMLDSig 1.1 §6 and RFC 6931 for the identifiers.
 */

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
/** Inclusive C14N 1.0: the implicit final transform when a Reference does not name one. */
export const INCLUSIVE_C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512'

export const DIGEST_SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1'
export const DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
export const DIGEST_SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512'

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512'

const DIGESTS: Record<string, HashName> = {
  [DIGEST_SHA1]: 'SHA-1',
  [DIGEST_SHA256]: 'SHA-256',
  [DIGEST_SHA512]: 'SHA-512',
}

const SIGNATURES: Record<string, HashName> = {
  [RSA_SHA1]: 'SHA-1',
  [RSA_SHA256]: 'SHA-256',
  [RSA_SHA512]: 'SHA-512',
}

const allowed = (hash: HashName | undefined, allowSha1: boolean): HashName | null =>
  hash === undefined || (hash === 'SHA-1' && !allowSha1) ? null : hash

/** The hash behind a DigestMethod URI, or null when it is not allowed (SHA-1 only with `allowSha1`). */
export const findDigestAlgorithm = (uri: string, allowSha1: boolean): HashName | null =>
  allowed(Object.hasOwn(DIGESTS, uri) ? DIGESTS[uri] : undefined, allowSha1)

/** The RSASSA-PKCS1-v1_5 hash behind a SignatureMethod URI, or null when it is not allowed. */
export const findSignatureAlgorithm = (uri: string, allowSha1: boolean): HashName | null =>
  allowed(Object.hasOwn(SIGNATURES, uri) ? SIGNATURES[uri] : undefined, allowSha1)
