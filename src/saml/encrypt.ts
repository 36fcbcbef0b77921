import { bytesToBase64, parseCertificate } from './certificate'
import { SAML_ASSERTION_NS } from './conditions'

const XENC = 'http://www.w3.org/2001/04/xmlenc#'
const XENC11 = 'http://www.w3.org/2009/xmlenc11#'
const DS = 'http://www.w3.org/2000/09/xmldsig#'

/**
 * Encrypts a (signed) Assertion to an SP's certificate as an IdP does, with the pair the SP
 * metadata lists first: AES-256-GCM content, key transported by RSA-OAEP with SHA-256 and
 * MGF1-SHA256. The development IdP uses it, so `npm run dev` shows the encrypted path.
 */
export async function encryptAssertion(assertionXml: string, certificatePem: string): Promise<string> {
  const cert = parseCertificate(certificatePem)
  if (!cert || cert.publicKey?.family !== 'RSA') throw new Error('encryptAssertion: an RSA certificate is needed')
  const rsa = await crypto.subtle.importKey('spki', cert.spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt'])
  const raw = crypto.getRandomValues(new Uint8Array(32))
  const aes = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt'])
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, new TextEncoder().encode(assertionXml)))
  const cipher = new Uint8Array(iv.byteLength + sealed.byteLength)
  cipher.set(iv)
  cipher.set(sealed, iv.byteLength)
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, rsa, raw))
  return (
    `<saml:EncryptedAssertion xmlns:saml="${SAML_ASSERTION_NS}"><xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element">` +
    `<xenc:EncryptionMethod Algorithm="${XENC11}aes256-gcm"/><ds:KeyInfo xmlns:ds="${DS}"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="${XENC11}rsa-oaep"><ds:DigestMethod Algorithm="${XENC}sha256"/><xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${XENC11}mgf1sha256"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${bytesToBase64(wrapped)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${bytesToBase64(cipher)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`
  )
}
