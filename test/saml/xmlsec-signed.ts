import { verifySamlResponse, type SamlResponseConfig } from '../../src/saml'
import signed from '../fixtures/saml/signatures/cases.json'
import { makeConfig, NOW, toBase64 } from '../helpers/test-idp'

// Responses signed by xmlsec1 (scripts/make-signature-fixtures.mjs), which xml-crypto cannot make:
// RSA-SHA384, the SHA-384 digest, ECDSA, inclusive canonicalization. Each was verified by xmlsec1
// itself before it was written; cases.json says what the engine must make of it.
export const signedCases = signed.cases
export const signedFiles = import.meta.glob<string>('../fixtures/saml/signatures/*.xml', { query: '?raw', import: 'default', eager: true })
const certs = import.meta.glob<string>(['../fixtures/saml/signatures/*.cert.pem', '../fixtures/keys/idp.cert.pem'], {
  query: '?raw',
  import: 'default',
  eager: true,
})

const read = (table: Record<string, string>, key: string): string => {
  const text = table[key]
  if (text === undefined) throw new Error(`no fixture ${key}`)
  return text
}
export const xmlOf = (file: string) => read(signedFiles, `../fixtures/saml/signatures/${file}`)
/** A certificate named as cases.json names it (relative to the signatures directory), as bare base64. */
export const certOf = (relative: string) => {
  const key = relative.startsWith('../../') ? `../fixtures/${relative.slice(6)}` : `../fixtures/saml/signatures/${relative}`
  return read(certs, key).replace(/-----[A-Z ]+-----|\s/g, '')
}
export const EC = { p256: certOf('ec-p256.cert.pem'), p384: certOf('ec-p384.cert.pem'), p521: certOf('ec-p521.cert.pem') }

export async function verify(xml: string, config: Partial<SamlResponseConfig>) {
  return verifySamlResponse({ samlResponseBase64: toBase64(xml) }, makeConfig(config), NOW)
}
export const reasonOf = async (xml: string, config: Partial<SamlResponseConfig>) => {
  const result = await verify(xml, config)
  return result.ok ? 'accepted' : result.failure.reason
}
