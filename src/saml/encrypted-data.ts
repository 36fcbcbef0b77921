import { XMLDSIG_NS } from './algorithms'
import { base64ToBytes } from './certificate'
import {
  findContentAlgorithm,
  findOaepHash,
  TYPE_ELEMENT,
  TYPE_ENCRYPTED_KEY,
  XMLENC11_NS,
  XMLENC_NS,
  type ContentAlgorithm,
  type OaepHash,
} from './encryption-algorithms'
import { attributeValue, childElements, textContent, type XmlElementNode } from './xml-tree'

/**
 * Reads the XML of an EncryptedAssertion (SAML Core §2.3.4: one xenc:EncryptedData, then any
 * xenc:EncryptedKeys) into what the decryption needs, holding it to the algorithm allowlist.
 * Null for anything else; the caller turns every null into the same failure.
 */

type Bytes = Uint8Array<ArrayBuffer>

export interface WrappedKey {
  hash: OaepHash
  /** OAEPparams, WebCrypto's `label`. */
  label: Bytes | null
  cipher: Bytes
}

export interface EncryptedParts {
  content: ContentAlgorithm
  /** IV, ciphertext and (GCM) tag, as XML Encryption lays them out in CipherValue. */
  cipher: Bytes
  /** The EncryptedKeys that may hold the content key, in document order; those not accepted are left out. */
  keys: WrappedKey[]
}

/** More EncryptedKeys than any IdP sends (one per SP key it knows of); a bound on the RSA work per response. */
const MAX_ENCRYPTED_KEYS = 4

const only = (el: XmlElementNode, ns: string, name: string): XmlElementNode | null | undefined => {
  const found = childElements(el, ns, name)
  return found.length === 0 ? undefined : found.length === 1 ? (found[0] ?? null) : null
}

/** The bytes of a CipherData's one CipherValue (CipherReference would fetch, so it is refused). */
function cipherValue(el: XmlElementNode): Bytes | null {
  const data = only(el, XMLENC_NS, 'CipherData')
  const value = data && only(data, XMLENC_NS, 'CipherValue')
  if (!data || !value || childElements(data).length !== 1) return null
  const bytes = base64ToBytes(textContent(value).replace(/[\t\n\r ]/g, ''))
  return bytes && bytes.byteLength > 0 ? new Uint8Array(bytes) : null
}

/**
 * Whether every child of an EncryptionMethod is one of these, so a DigestMethod in a namespace other
 * than XMLDSig's is refused rather than read as absent (which means SHA-1).
 */
const childrenAmong = (method: XmlElementNode, allowed: readonly (readonly [string, string])[]): boolean =>
  childElements(method).every((c) => allowed.some(([ns, name]) => c.namespaceUri === ns && c.localName === name))

const KEY_SIZE = [XMLENC_NS, 'KeySize'] as const
const KEY_TRANSPORT_PARAMETERS = [KEY_SIZE, [XMLDSIG_NS, 'DigestMethod'], [XMLENC11_NS, 'MGF'], [XMLENC_NS, 'OAEPparams']] as const

function readEncryptedKey(el: XmlElementNode): WrappedKey | null {
  const method = only(el, XMLENC_NS, 'EncryptionMethod')
  if (!method || !childrenAmong(method, KEY_TRANSPORT_PARAMETERS)) return null
  const digest = only(method, XMLDSIG_NS, 'DigestMethod')
  const mgf = only(method, XMLENC11_NS, 'MGF')
  const params = only(method, XMLENC_NS, 'OAEPparams')
  if (digest === null || mgf === null || params === null) return null
  const hash = findOaepHash(
    attributeValue(method, 'Algorithm') ?? '',
    digest ? (attributeValue(digest, 'Algorithm') ?? '') : undefined,
    mgf ? (attributeValue(mgf, 'Algorithm') ?? '') : undefined,
  )
  const label = params ? base64ToBytes(textContent(params).replace(/[\t\n\r ]/g, '')) : null
  const cipher = cipherValue(el)
  if (!hash || !cipher || (params && !label)) return null
  return { hash, label: label ? new Uint8Array(label) : null, cipher }
}

/**
 * The EncryptedKeys the EncryptedData's KeyInfo names: inline ones, and siblings referenced by a
 * RetrievalMethod (`URI="#Id"`, which must resolve) or by a KeyName equal to their CarriedKeyName.
 * With neither, every sibling: some IdPs leave the KeyInfo out, or name our key in it instead.
 */
function namedKeys(keyInfo: XmlElementNode | undefined, siblings: XmlElementNode[]): XmlElementNode[] | null {
  if (!keyInfo) return siblings
  const named = new Set(childElements(keyInfo, XMLENC_NS, 'EncryptedKey'))
  for (const method of childElements(keyInfo, XMLDSIG_NS, 'RetrievalMethod')) {
    const type = attributeValue(method, 'Type')
    const uri = attributeValue(method, 'URI') ?? ''
    const target = siblings.find((k) => `#${attributeValue(k, 'Id')}` === uri)
    if ((type !== undefined && type !== TYPE_ENCRYPTED_KEY) || !target) return null
    named.add(target)
  }
  for (const name of childElements(keyInfo, XMLDSIG_NS, 'KeyName')) {
    const wanted = textContent(name).trim()
    const carries = (k: XmlElementNode) => childElements(k, XMLENC_NS, 'CarriedKeyName').some((c) => textContent(c).trim() === wanted)
    for (const k of siblings.filter(carries)) named.add(k)
  }
  return named.size > 0 ? [...named] : siblings
}

/** The parts of an EncryptedAssertion, or null when it is not one this engine decrypts. */
export function readEncryptedAssertion(encryptedAssertion: XmlElementNode): EncryptedParts | null {
  const data = childElements(encryptedAssertion, XMLENC_NS, 'EncryptedData')
  const siblings = childElements(encryptedAssertion, XMLENC_NS, 'EncryptedKey')
  const [encryptedData] = data
  if (data.length !== 1 || !encryptedData || childElements(encryptedAssertion).length !== 1 + siblings.length) return null
  const type = attributeValue(encryptedData, 'Type')
  if (type !== undefined && type !== TYPE_ELEMENT) return null

  const method = only(encryptedData, XMLENC_NS, 'EncryptionMethod')
  const content = method && childrenAmong(method, [KEY_SIZE]) ? findContentAlgorithm(attributeValue(method, 'Algorithm') ?? '') : null
  const cipher = cipherValue(encryptedData)
  const keyInfo = only(encryptedData, XMLDSIG_NS, 'KeyInfo')
  if (!content || !cipher || keyInfo === null) return null
  const named = namedKeys(keyInfo, siblings)
  if (!named || named.length === 0 || named.length > MAX_ENCRYPTED_KEYS) return null
  const keys = named.map(readEncryptedKey).filter((k): k is WrappedKey => k !== null)
  return keys.length > 0 ? { content, cipher, keys } : null
}
