import { SAML_ASSERTION_NS } from './conditions'
import type { DecryptionKey } from './decryption-key'
import { readEncryptedAssertion, type EncryptedParts, type WrappedKey } from './encrypted-data'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_CANONICAL_BYTES } from './limits'
import { escapeXml } from './xml-escape'
import { childElements, parseXmlTree, type XmlElementNode } from './xml-tree'

/**
 * Decrypts an EncryptedAssertion (XML Encryption 1.1, WebCrypto for every cryptographic step) and
 * parses the Assertion it holds in the namespace context it was encrypted in.
 *
 * Every failure, whatever its cause (a refused algorithm, a wrong key, bad OAEP, a bad GCM tag, bad
 * CBC padding, plaintext that is not one Assertion), is the same `decryption_failed`, and a key that
 * does not unwrap still leads to a content decryption, with a random key: neither the ACS answer, nor
 * the log, nor the work done tells a prober which step failed (Jager and Somorovsky, "How to Break XML
 * Encryption", CCS 2011; the same paper's backwards-compatibility attack is why RSA-1_5 is refused).
 */

type Bytes = Uint8Array<ArrayBuffer>

const FAILED: SamlFailure = { reason: 'decryption_failed' }

export async function decryptAssertion(encryptedAssertion: XmlElementNode, keys: readonly DecryptionKey[]): Promise<Result<XmlElementNode, SamlFailure>> {
  try {
    const parts = readEncryptedAssertion(encryptedAssertion)
    if (!parts) return fail(FAILED)
    const unwrapped = await unwrapContentKey(parts, keys)
    // A key that did not unwrap still goes through the content decryption, which then fails.
    const contentKey = unwrapped ?? crypto.getRandomValues(new Uint8Array(parts.content.keyBytes))
    const plaintext = await decryptContent(parts, contentKey)
    if (!unwrapped || plaintext === null) return fail(FAILED)
    const assertion = parseInContext(plaintext, encryptedAssertion)
    return assertion ? ok(assertion) : fail(FAILED)
  } catch {
    return fail(FAILED)
  }
}

/** The content key from the first EncryptedKey one of our keys unwraps to a key of the right size. */
async function unwrapContentKey(parts: EncryptedParts, keys: readonly DecryptionKey[]): Promise<Bytes | null> {
  for (const wrapped of parts.keys) {
    for (const key of keys) {
      const raw = await unwrap(wrapped, key)
      if (raw && raw.byteLength === parts.content.keyBytes) return raw
    }
  }
  return null
}

async function unwrap(wrapped: WrappedKey, key: DecryptionKey): Promise<Bytes | null> {
  try {
    const params = wrapped.label ? { name: 'RSA-OAEP', label: wrapped.label } : { name: 'RSA-OAEP' }
    return new Uint8Array(await crypto.subtle.decrypt(params, await key.oaepKey(wrapped.hash), wrapped.cipher))
  } catch {
    return null
  }
}

/** UTF-8 plaintext of the CipherValue, or null. */
async function decryptContent(parts: EncryptedParts, rawKey: Bytes): Promise<string | null> {
  try {
    const { name } = parts.content
    const key = await crypto.subtle.importKey('raw', rawKey, { name }, false, ['encrypt', 'decrypt'])
    const bytes = name === 'AES-GCM' ? await decryptGcm(key, parts.cipher) : await decryptCbc(key, parts.cipher)
    return bytes && new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/** XML Encryption 1.1 §5.2.4: a 96-bit IV, the ciphertext, a 128-bit tag. */
async function decryptGcm(key: CryptoKey, cipher: Bytes): Promise<Bytes | null> {
  if (cipher.byteLength < 12 + 16) return null
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: cipher.subarray(0, 12), tagLength: 128 }, key, cipher.subarray(12))
  return new Uint8Array(plain)
}

/**
 * XML Encryption §5.2.1: a 128-bit IV, then blocks whose last plaintext byte is the padding length;
 * the other padding bytes may be anything, where WebCrypto's AES-CBC insists on PKCS#7. So one
 * block is appended that decrypts to a whole PKCS#7 padding block (the encryption, chained from the
 * last ciphertext block, of nothing), WebCrypto strips exactly that, and the XML Encryption padding
 * is removed here.
 */
async function decryptCbc(key: CryptoKey, cipher: Bytes): Promise<Bytes | null> {
  if (cipher.byteLength < 32 || cipher.byteLength % 16 !== 0) return null
  const blocks = cipher.subarray(16)
  const filler = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: blocks.subarray(-16) }, key, new Uint8Array(0)))
  const chained = new Uint8Array(blocks.byteLength + filler.byteLength)
  chained.set(blocks)
  chained.set(filler, blocks.byteLength)
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: cipher.subarray(0, 16) }, key, chained))
  const padding = plain[plain.byteLength - 1] ?? 0
  if (plain.byteLength !== blocks.byteLength || padding < 1 || padding > 16) return null
  return plain.subarray(0, plain.byteLength - padding)
}

/** Every namespace binding in scope at `el`, innermost first (so the nearest declaration wins). */
function inScopeNamespaces(el: XmlElementNode): Map<string, string> {
  const scope = new Map<string, string>()
  for (let at: XmlElementNode | null = el; at; at = at.parent) {
    for (const [prefix, uri] of at.declarations) if (!scope.has(prefix)) scope.set(prefix, uri)
  }
  return scope
}

const CONTEXT_ELEMENT = 'saml-edge-decryption-context'

/**
 * XML Encryption §4.4.3: the plaintext replaces the EncryptedData, so its prefixes resolve as they
 * would there (IdPs serialize the Assertion without the declarations of the Response around it).
 * It is parsed inside an element declaring exactly those bindings; that element is the Assertion's
 * parent, so canonicalization of the Assertion sees the same namespaces as in the document. A
 * plaintext closing that element early leaves a second root or a stray end tag, which do not parse.
 */
function parseInContext(plaintext: string, encryptedAssertion: XmlElementNode): XmlElementNode | null {
  const body = plaintext.replace(/^\uFEFF/, '').replace(/^<\?xml\s[^>]*\?>/, '')
  const declarations = [...inScopeNamespaces(encryptedAssertion)]
    .map(([prefix, uri]) => ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeXml(uri)}"`)
    .join('')
  const parsed = parseXmlTree(`<${CONTEXT_ELEMENT}${declarations}>${body}</${CONTEXT_ELEMENT}>`, MAX_CANONICAL_BYTES)
  if (!parsed.ok || parsed.value.localName !== CONTEXT_ELEMENT || parsed.value.prefix !== '') return null
  const context = parsed.value
  const elements = childElements(context)
  const [assertion] = elements
  const strayText = context.children.some((c) => c.type === 'text' && c.value.trim() !== '')
  if (elements.length !== 1 || !assertion || strayText) return null
  return assertion.namespaceUri === SAML_ASSERTION_NS && assertion.localName === 'Assertion' ? assertion : null
}
