import { type KeyObject, X509Certificate } from 'node:crypto'
import type { IdpCertificate } from '../domain/saml-connection'
import type { KeyFamily, SignatureAlgorithm } from './algorithms'

/** Strips PEM armour and whitespace, leaving the base64 of the DER bytes. */
export const toBareBase64 = (input: string): string =>
  input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

export const toPem = (bare: string): string =>
  `-----BEGIN CERTIFICATE-----\n${bare.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----`

/** Standard base64 of bytes, in chunks so large inputs do not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array | ArrayBuffer): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  let bin = ''
  for (let i = 0; i < u8.length; i += 0x8000) bin += String.fromCharCode(...u8.subarray(i, i + 0x8000))
  return btoa(bin)
}

export function base64ToBytes(b64: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) return null
  try {
    const bin = atob(b64)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

export type NamedCurve = 'P-256' | 'P-384' | 'P-521'

/** A public key the verifier can use; any other (DSA, RSA-PSS-only, Ed25519, other curves) is none. */
export type PublicKeyKind = { family: 'RSA' } | { family: 'EC'; curve: NamedCurve }

export interface ParsedCertificate extends IdpCertificate {
  /** DER SubjectPublicKeyInfo, ready for `crypto.subtle.importKey('spki', ...)`. */
  spki: ArrayBuffer
  publicKey: PublicKeyKind | null
}

// OpenSSL's and BoringSSL's names for the curves WebCrypto verifies with (RFC 5480 §2.1.1.1).
const CURVES: Record<string, NamedCurve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }

/** The key's family, or null for any the verifier cannot use (the runtime may not even decode it: secp256k1). */
function publicKeyOf(cert: X509Certificate): { kind: PublicKeyKind; key: KeyObject } | null {
  try {
    const key = cert.publicKey
    if (key.asymmetricKeyType === 'rsa') return { kind: { family: 'RSA' }, key }
    const curve = key.asymmetricKeyType === 'ec' ? CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined
    return curve ? { kind: { family: 'EC', curve }, key } : null
  } catch {
    return null
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// ASN1_TIME_print's form, which both runtimes give: "Jan  1 00:00:00 2019 GMT" (seconds may carry a fraction).
const ASN1_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/

/**
 * Epoch ms of a validity bound. workerd has no `validFromDate`/`validToDate`, so both runtimes are
 * read through the printed text; null when it is not in the printed form.
 */
function readTime(printed: string): number | null {
  const m = ASN1_TIME.exec(printed)
  const month = m ? MONTHS.indexOf(m[1] ?? '') : -1
  if (!m || month < 0) return null
  const [day, hours, minutes, seconds, year] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number]
  return Date.UTC(year, month, day, hours, minutes, seconds)
}

/** Total length (header + content) of the DER element at the start of `der`; -1 if malformed. */
function derLength(der: Uint8Array): number {
  const first = der[1]
  if (der[0] !== 0x30 || first === undefined) return -1
  if (first < 0x80) return 2 + first
  const n = first & 0x7f
  if (n === 0 || n > 4 || der.byteLength < 2 + n) return -1
  let len = 0
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0)
  return 2 + n + len
}

const NO_KEY = new ArrayBuffer(0)

/**
 * Parses a PEM or bare-base64 X.509 certificate; null when it is not one. The decoding is the
 * runtime's own (`node:crypto` X509Certificate: BoringSSL in workerd, OpenSSL in Node), not JavaScript.
 */
export function parseCertificate(input: string): ParsedCertificate | null {
  const bare = toBareBase64(input)
  const der = base64ToBytes(bare)
  // The outer SEQUENCE must span the input exactly: the native parser ignores bytes after it.
  if (!der || der.byteLength < 64 || derLength(der) !== der.byteLength) return null
  let cert: X509Certificate
  try {
    cert = new X509Certificate(der)
  } catch {
    return null
  }
  const issuedAt = readTime(cert.validFrom)
  const expiresAt = readTime(cert.validTo)
  // A certificate whose notAfter cannot be read would count as never expiring: refused instead.
  if (issuedAt === null || expiresAt === null) return null
  const publicKey = publicKeyOf(cert)
  let spki: ArrayBuffer | null = null
  return {
    certificate: bare,
    issuedAt,
    expiresAt,
    publicKey: publicKey?.kind ?? null,
    // Exported on first use: metadata parsing needs only the dates. A key the verifier cannot use has none.
    get spki() {
      if (!spki) spki = publicKey ? new Uint8Array(publicKey.key.export({ type: 'spki', format: 'der' })).buffer : NO_KEY
      return spki
    },
  }
}

const VERIFY_PARAMS: Record<KeyFamily, (hash: string) => { name: string; hash: string }> = {
  RSA: (hash) => ({ name: 'RSASSA-PKCS1-v1_5', hash }),
  EC: (hash) => ({ name: 'ECDSA', hash }),
}

/** A WebCrypto key and parameters to verify `algorithm` with, or null when the key is of the other family. */
export async function importVerifyKey(
  cert: { spki: ArrayBuffer; publicKey: PublicKeyKind | null },
  algorithm: SignatureAlgorithm,
): Promise<{ key: CryptoKey; params: { name: string; hash: string } } | null> {
  const kind = cert.publicKey
  if (!kind || kind.family !== algorithm.family) return null
  const importParams = kind.family === 'EC' ? { name: 'ECDSA', namedCurve: kind.curve } : { name: 'RSASSA-PKCS1-v1_5', hash: algorithm.hash }
  const key = await crypto.subtle.importKey('spki', cert.spki, importParams, false, ['verify'])
  return { key, params: VERIFY_PARAMS[kind.family](algorithm.hash) }
}
