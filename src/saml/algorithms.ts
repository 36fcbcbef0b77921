/**
 * The XML Signature algorithm identifiers the engine accepts, and the WebCrypto names they map to.
 * Anything not listed here is refused, so a new algorithm is an explicit decision, not a default.
 * See XMLDSig 1.1 §6 and RFC 6931 for the identifiers.
 */

import type { C14nMethod } from './c14n'

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
/** Inclusive C14N 1.0: the implicit final transform when a Reference does not name one. */
export const INCLUSIVE_C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
export const INCLUSIVE_C14N11 = 'http://www.w3.org/2006/12/xml-c14n11'
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'

// The #WithComments variants are left out: comments would be signed, and the tree does not keep them.
const CANONICALIZATIONS: Record<string, C14nMethod> = {
  [EXC_C14N]: 'exclusive',
  [INCLUSIVE_C14N]: 'inclusive-1.0',
  [INCLUSIVE_C14N11]: 'inclusive-1.1',
}

/** The canonicalization behind a CanonicalizationMethod or Transform URI, or null when it is not one we run. */
export const findCanonicalization = (uri: string): C14nMethod | null =>
  Object.hasOwn(CANONICALIZATIONS, uri) ? (CANONICALIZATIONS[uri] ?? null) : null

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'

export const DIGEST_SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1'
export const DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
export const DIGEST_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384'
export const DIGEST_SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512'

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
export const RSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384'
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512'
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'
export const ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384'
export const ECDSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512'

/** The public-key family a SignatureMethod needs; a certificate holding the other family never verifies it. */
export type KeyFamily = 'RSA' | 'EC'

export interface SignatureAlgorithm {
  family: KeyFamily
  hash: HashName
}

const DIGESTS: Record<string, HashName> = {
  [DIGEST_SHA1]: 'SHA-1',
  [DIGEST_SHA256]: 'SHA-256',
  [DIGEST_SHA384]: 'SHA-384',
  [DIGEST_SHA512]: 'SHA-512',
}

// No ecdsa-sha1: no IdP is known to need it, so the SHA-1 exception stays limited to RSA.
const SIGNATURES: Record<string, SignatureAlgorithm> = {
  [RSA_SHA1]: { family: 'RSA', hash: 'SHA-1' },
  [RSA_SHA256]: { family: 'RSA', hash: 'SHA-256' },
  [RSA_SHA384]: { family: 'RSA', hash: 'SHA-384' },
  [RSA_SHA512]: { family: 'RSA', hash: 'SHA-512' },
  [ECDSA_SHA256]: { family: 'EC', hash: 'SHA-256' },
  [ECDSA_SHA384]: { family: 'EC', hash: 'SHA-384' },
  [ECDSA_SHA512]: { family: 'EC', hash: 'SHA-512' },
}

const sha1Allowed = (hash: HashName, allowSha1: boolean) => hash !== 'SHA-1' || allowSha1

/** The hash behind a DigestMethod URI, or null when it is not allowed (SHA-1 only with `allowSha1`). */
export function findDigestAlgorithm(uri: string, allowSha1: boolean): HashName | null {
  const hash = Object.hasOwn(DIGESTS, uri) ? DIGESTS[uri] : undefined
  return hash && sha1Allowed(hash, allowSha1) ? hash : null
}

/** The key family and hash behind a SignatureMethod URI (RSASSA-PKCS1-v1_5 or ECDSA), or null when it is not allowed. */
export function findSignatureAlgorithm(uri: string, allowSha1: boolean): SignatureAlgorithm | null {
  const found = Object.hasOwn(SIGNATURES, uri) ? SIGNATURES[uri] : undefined
  return found && sha1Allowed(found.hash, allowSha1) ? found : null
}
