import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
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

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1'
const EC_PUBLIC_KEY = '1.2.840.10045.2.1'
// The namedCurve parameter as DER OBJECT IDENTIFIERs (RFC 5480 §2.1.1.1).
const CURVES: Record<string, NamedCurve> = {
  '06082a8648ce3d030107': 'P-256',
  '06052b81040022': 'P-384',
  '06052b81040023': 'P-521',
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')

function publicKeyKind(algorithm: string, parameters: ArrayBuffer | null | undefined): PublicKeyKind | null {
  if (algorithm === RSA_ENCRYPTION) return { family: 'RSA' }
  const curve = algorithm === EC_PUBLIC_KEY && parameters ? CURVES[hex(parameters)] : undefined
  return curve ? { family: 'EC', curve } : null
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

/** Parses a PEM or bare-base64 X.509 certificate; null when it is not one. */
export function parseCertificate(input: string): ParsedCertificate | null {
  const bare = toBareBase64(input)
  const der = base64ToBytes(bare)
  if (!der || der.byteLength < 64) return null
  try {
    const cert = AsnConvert.parse(der, Certificate)
    const v = cert.tbsCertificate.validity
    const issuedAt = v.notBefore.getTime().getTime()
    const expiresAt = v.notAfter.getTime().getTime()
    // The outer SEQUENCE must span the input exactly, so trailing garbage is refused (a truncated
    // body already fails to parse).
    if (derLength(der) !== der.byteLength) return null
    const spki = cert.tbsCertificate.subjectPublicKeyInfo
    return {
      certificate: bare,
      issuedAt: Number.isFinite(issuedAt) ? issuedAt : null,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : null,
      publicKey: publicKeyKind(spki.algorithm.algorithm, spki.algorithm.parameters),
      // Encoded on first use: metadata parsing needs only the dates.
      get spki() {
        return AsnConvert.serialize(spki)
      },
    }
  } catch {
    return null
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
