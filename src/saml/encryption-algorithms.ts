/**
 * The XML Encryption 1.1 identifiers the engine decrypts (https://www.w3.org/TR/xmlenc-core1/ §5)
 * and what WebCrypto calls them. Anything not listed is refused: RSA-1_5 key transport (Bleichenbacher's
 * padding oracle), 3DES, symmetric key wrap (no secret is shared with any IdP), and the OAEP variants
 * WebCrypto cannot compute, since its RSA-OAEP uses one hash for both the digest and MGF1.
 */

export const XMLENC_NS = 'http://www.w3.org/2001/04/xmlenc#'
export const XMLENC11_NS = 'http://www.w3.org/2009/xmlenc11#'
/** EncryptedData Type for a whole element (an EncryptedAssertion's Assertion). */
export const TYPE_ELEMENT = `${XMLENC_NS}Element`
/** RetrievalMethod Type pointing at an EncryptedKey. */
export const TYPE_ENCRYPTED_KEY = `${XMLENC_NS}EncryptedKey`

export const AES_128_GCM = `${XMLENC11_NS}aes128-gcm`
export const AES_192_GCM = `${XMLENC11_NS}aes192-gcm`
export const AES_256_GCM = `${XMLENC11_NS}aes256-gcm`
export const AES_128_CBC = `${XMLENC_NS}aes128-cbc`
export const AES_192_CBC = `${XMLENC_NS}aes192-cbc`
export const AES_256_CBC = `${XMLENC_NS}aes256-cbc`
export const RSA_OAEP_MGF1P = `${XMLENC_NS}rsa-oaep-mgf1p`
export const RSA_OAEP = `${XMLENC11_NS}rsa-oaep`
/** Refused, named so the tests and the docs can say so. */
export const RSA_1_5 = `${XMLENC_NS}rsa-1_5`
export const TRIPLEDES_CBC = `${XMLENC_NS}tripledes-cbc`

export interface ContentAlgorithm {
  name: 'AES-GCM' | 'AES-CBC'
  keyBytes: 16 | 24 | 32
}

const CONTENT: Record<string, ContentAlgorithm> = {
  [AES_128_GCM]: { name: 'AES-GCM', keyBytes: 16 },
  [AES_192_GCM]: { name: 'AES-GCM', keyBytes: 24 },
  [AES_256_GCM]: { name: 'AES-GCM', keyBytes: 32 },
  [AES_128_CBC]: { name: 'AES-CBC', keyBytes: 16 },
  [AES_192_CBC]: { name: 'AES-CBC', keyBytes: 24 },
  [AES_256_CBC]: { name: 'AES-CBC', keyBytes: 32 },
}

/** The block cipher behind an EncryptedData EncryptionMethod, or null when it is not accepted. */
export const findContentAlgorithm = (uri: string): ContentAlgorithm | null => (Object.hasOwn(CONTENT, uri) ? (CONTENT[uri] ?? null) : null)

export type OaepHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'

/** DigestMethod URIs (XML Encryption 1.1 §5.7); SHA-224 is known but WebCrypto has no SHA-224. */
const DIGESTS: Record<string, OaepHash | 'SHA-224'> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'SHA-1',
  'http://www.w3.org/2001/04/xmldsig-more#sha224': 'SHA-224',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'SHA-512',
}

/** xenc11:MGF Algorithm URIs (XML Encryption 1.1 §5.5.2). */
const MGF1: Record<string, OaepHash | 'SHA-224'> = {
  [`${XMLENC11_NS}mgf1sha1`]: 'SHA-1',
  [`${XMLENC11_NS}mgf1sha224`]: 'SHA-224',
  [`${XMLENC11_NS}mgf1sha256`]: 'SHA-256',
  [`${XMLENC11_NS}mgf1sha384`]: 'SHA-384',
  [`${XMLENC11_NS}mgf1sha512`]: 'SHA-512',
}

const lookup = (table: Record<string, OaepHash | 'SHA-224'>, uri: string | undefined): OaepHash | 'SHA-224' | null =>
  uri === undefined ? 'SHA-1' : Object.hasOwn(table, uri) ? (table[uri] ?? null) : null

/**
 * The one hash of an EncryptedKey's RSA-OAEP, or null when it is not RSA-OAEP or its digest and MGF1
 * differ. Both default to SHA-1 when absent; `rsa-oaep-mgf1p` fixes MGF1 to SHA-1, so it works only
 * with the SHA-1 digest (its SHA-256 variant needs MGF1-SHA1 with a SHA-256 digest, which WebCrypto
 * cannot do; `xmlenc11#rsa-oaep` with MGF1-SHA256 and SHA-256 is the way to say it).
 */
export function findOaepHash(algorithm: string, digestUri: string | undefined, mgfUri: string | undefined): OaepHash | null {
  if (algorithm !== RSA_OAEP && algorithm !== RSA_OAEP_MGF1P) return null
  if (algorithm === RSA_OAEP_MGF1P && mgfUri !== undefined && MGF1[mgfUri] !== 'SHA-1') return null
  const digest = lookup(DIGESTS, digestUri)
  const mgf = lookup(MGF1, mgfUri)
  return digest !== null && digest !== 'SHA-224' && digest === mgf ? digest : null
}

/**
 * What the SP metadata offers (md:EncryptionMethod, SAML Metadata §2.4.1.1), most preferred first:
 * GCM before CBC, then the key transports with the parameters WebCrypto decrypts.
 */
export const PUBLISHED_ENCRYPTION_METHODS: readonly { algorithm: string; digest?: string; mgf?: string }[] = [
  { algorithm: AES_256_GCM },
  { algorithm: AES_128_GCM },
  { algorithm: AES_192_GCM },
  { algorithm: AES_256_CBC },
  { algorithm: AES_128_CBC },
  { algorithm: AES_192_CBC },
  { algorithm: RSA_OAEP, digest: 'http://www.w3.org/2001/04/xmlenc#sha256', mgf: `${XMLENC11_NS}mgf1sha256` },
  { algorithm: RSA_OAEP_MGF1P, digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
]
