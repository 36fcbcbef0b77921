import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import type { KeyPair } from '../helpers/test-idp'

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const

const pem = (label: string, der: ArrayBuffer) => {
  let binary = ''
  for (const b of new Uint8Array(der)) binary += String.fromCharCode(b)
  return `-----BEGIN ${label}-----\n${btoa(binary).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`
}

/**
 * An IdP signing key made by the test run itself (RSA 2048, self-signed X.509 valid for a day, or
 * until `notAfter`), so nothing in the repository can sign what the service accepts in these tests.
 */
export async function makeIdpKey(commonName = 'saml-edge test IdP', notAfter = Date.now() + 24 * 60 * 60_000): Promise<KeyPair & { bareCert: string }> {
  const keys = await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomUUID().replace(/-/g, '').slice(0, 16),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60 * 60_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: RSA,
    keys,
  })
  const key = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey))
  const certPem = cert.toString('pem')
  return { key, cert: certPem, bareCert: certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '') }
}

/**
 * Checks an HTTP-Redirect binding signature (SAML Bindings §3.4.4.1): RSA-SHA256 over the query's
 * own `SAMLRequest`, `RelayState` and `SigAlg`, exactly as encoded, with the SP's certificate.
 */
export async function redirectSignatureValid(redirectUrl: string, spCertPem: string): Promise<boolean> {
  const query = new URL(redirectUrl).search.slice(1).split('&')
  const raw = (name: string) => query.find((p) => p.startsWith(`${name}=`))
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].map(raw).filter((p): p is string => p !== undefined).join('&')
  const signature = decodeURIComponent(raw('Signature')?.slice('Signature='.length) ?? '')
  const publicKey = await new x509.X509Certificate(spCertPem).publicKey.export(RSA, ['verify'])
  const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0))
  return crypto.subtle.verify(RSA, publicKey, bytes, new TextEncoder().encode(signed))
}
