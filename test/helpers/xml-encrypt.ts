/**
 * A minimal XML Encryption encrypter on WebCrypto, for the hostile cases only (plaintexts no IdP
 * would send, broken padding, an attacker encrypting to the SP's public certificate). Algorithm
 * coverage comes from implementations nobody here wrote: see test/fixtures/encrypted/ and
 * scripts/make-encrypted-fixtures.mjs.
 */
import { base64ToBytes, bytesToBase64, parseCertificate } from '../../src/saml'

const XENC = 'http://www.w3.org/2001/04/xmlenc#'

export interface RawEncryption {
  content?: 'AES-GCM' | 'AES-CBC'
  /** CBC only: the padding bytes to append instead of XML Encryption's (length byte last). */
  padding?: (missing: number) => Uint8Array
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) out.set(p, (at += p.byteLength) - p.byteLength)
  return out
}

/** XML Encryption §5.2.1 padding with random filler, as xmlsec writes it. */
const xmlEncPadding = (missing: number) => {
  const pad = crypto.getRandomValues(new Uint8Array(missing))
  pad[missing - 1] = missing
  return pad
}

/** `plaintext` as a saml:EncryptedAssertion to `certPem`'s key: RSA-OAEP (mgf1p, SHA-1) and AES-256. */
export async function encryptToCertificate(plaintext: string, certPem: string, options: RawEncryption = {}): Promise<string> {
  const cert = parseCertificate(certPem)
  if (!cert) throw new Error('xml-encrypt: not a certificate')
  const content = options.content ?? 'AES-GCM'
  const rsa = await crypto.subtle.importKey('spki', cert.spki, { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['encrypt'])
  const raw = crypto.getRandomValues(new Uint8Array(32))
  const aes = await crypto.subtle.importKey('raw', raw, { name: content }, false, ['encrypt'])
  const bytes = new TextEncoder().encode(plaintext)
  let cipher: Uint8Array
  if (content === 'AES-GCM') {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    cipher = concat(iv, new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, bytes)))
  } else {
    const iv = crypto.getRandomValues(new Uint8Array(16))
    const padded = concat(bytes, (options.padding ?? xmlEncPadding)(16 - (bytes.byteLength % 16)))
    // WebCrypto adds a PKCS#7 block of its own to a block-aligned input; that last block is dropped.
    const withExtra = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, aes, padded))
    cipher = concat(iv, withExtra.subarray(0, padded.byteLength))
  }
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, rsa, raw))
  const algorithm = content === 'AES-GCM' ? 'http://www.w3.org/2009/xmlenc11#aes256-gcm' : `${XENC}aes256-cbc`
  return (
    `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element"><xenc:EncryptionMethod Algorithm="${algorithm}"/>` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${XENC}rsa-oaep-mgf1p"/>` +
    `<xenc:CipherData><xenc:CipherValue>${bytesToBase64(wrapped)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${bytesToBase64(cipher)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`
  )
}

/**
 * Flips bits of byte `at` (negative: from the end) of the content's CipherValue (the EncryptedData's
 * own) or of the first EncryptedKey's, wherever the IdP placed it.
 */
export function flipCipherByte(xml: string, which: 'content' | 'key', at: number, mask = 0x01): string {
  const keyRanges = [...xml.matchAll(/<((?:[\w.-]+:)?)EncryptedKey[\s>][\s\S]*?<\/\1EncryptedKey>/g)].map((m) => [m.index, m.index + m[0].length])
  const inKey = (i: number) => keyRanges.some(([from, to]) => i > (from ?? 0) && i < (to ?? 0))
  const match = [...xml.matchAll(/(<(?:[\w.-]+:)?CipherValue>)([^<]*)<\//g)].find((m) => inKey(m.index) === (which === 'key'))
  if (!match) throw new Error(`xml-encrypt: no ${which} CipherValue`)
  const bytes = base64ToBytes((match[2] ?? '').replace(/\s+/g, ''))
  if (!bytes) throw new Error('xml-encrypt: CipherValue is not base64')
  const i = at < 0 ? bytes.byteLength + at : at
  bytes[i] = (bytes[i] ?? 0) ^ mask
  const start = match.index + (match[1] ?? '').length
  return xml.slice(0, start) + bytesToBase64(bytes) + xml.slice(start + (match[2] ?? '').length)
}
