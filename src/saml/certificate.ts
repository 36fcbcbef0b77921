import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import type { IdpCertificate } from '../domain/saml-connection'

/** Strips PEM armour and whitespace, leaving the base64 of the DER bytes. */
export const toBareBase64 = (input: string): string =>
  input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

export const toPem = (bare: string): string =>
  `-----BEGIN CERTIFICATE-----\n${bare.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----`

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

export interface ParsedCertificate extends IdpCertificate {
  /** DER SubjectPublicKeyInfo, ready for `crypto.subtle.importKey('spki', ...)`. */
  spki: ArrayBuffer
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
    // Re-encoding must give back the same bytes, so trailing garbage or a truncated body is refused.
    if (AsnConvert.serialize(cert).byteLength !== der.byteLength) return null
    return {
      certificate: bare,
      issuedAt: Number.isFinite(issuedAt) ? issuedAt : null,
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : null,
      spki: AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo),
    }
  } catch {
    return null
  }
}
