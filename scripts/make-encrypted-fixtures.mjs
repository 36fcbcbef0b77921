#!/usr/bin/env node
// Regenerates test/fixtures/encrypted/: SAML Responses whose Assertion was encrypted by xml-encryption
// (npm) or xmlsec1 (libxmlsec1, scripts/ensure-tools.mjs installs it), for every algorithm pair the
// engine accepts and the ones it refuses, placed in the document as IdPs place them. cases.json says
// what the engine must answer for each (test/saml/encrypted-assertion.test.ts reads it); the workerd
// test pool cannot start xmlsec1, so the outputs are committed.
//
//   node scripts/make-encrypted-fixtures.mjs
//
// The responses are those of the test IdP (test/helpers/test-idp.ts) at its fixed time, signed with
// its test key; encryption is randomised, so every run changes the ciphertexts but not the cases.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { bundleAndImport, root } from './bench-support.mjs'

const out = path.join(root, 'test/fixtures/encrypted')
const key = (name) => readFileSync(path.join(root, 'test/fixtures/keys', `${name}.cert.pem`), 'utf8')
const XENC = 'http://www.w3.org/2001/04/xmlenc#'
const XENC11 = 'http://www.w3.org/2009/xmlenc11#'
const GCM = (bits) => `${XENC11}aes${bits}-gcm`
const CBC = (bits) => `${XENC}aes${bits}-cbc`
const MGF1P = `${XENC}rsa-oaep-mgf1p`
const OAEP11 = `${XENC11}rsa-oaep`

const { testIdp, encrypt } = await bundleAndImport(
  'encrypted-fixtures',
  "export * as testIdp from './test/helpers/test-idp.ts'\nexport * as encrypt from './test/node/encrypt.ts'\n",
)

/**
 * Each case: which implementation encrypts what to which key, and the engine's expected answer.
 * `sign` is what the test IdP signs: the assertion before encryption, or the Response after it.
 * `context` leaves the Assertion without its own xmlns:saml, relying on the Response's, as libxml2 serializes it.
 */
const cases = []
const add = (name, impl, encryption, expected, { sign = 'assertion', to = 'sp-encryption', context = false } = {}) =>
  cases.push({ name, impl, encryption, expected, sign, to, context })

for (const bits of [128, 192, 256]) {
  add(`xmlsec1.aes${bits}-gcm.mgf1p-sha1`, 'xmlsec1', { content: GCM(bits), transport: MGF1P }, 'accepted')
  add(`xmlsec1.aes${bits}-cbc.mgf1p-sha1`, 'xmlsec1', { content: CBC(bits), transport: MGF1P }, 'accepted')
}
for (const bits of [128, 256]) {
  add(`xml-encryption.aes${bits}-gcm.mgf1p-sha1`, 'xml-encryption', { content: GCM(bits), transport: MGF1P }, 'accepted')
  add(`xml-encryption.aes${bits}-cbc.mgf1p-sha1`, 'xml-encryption', { content: CBC(bits), transport: MGF1P }, 'accepted')
}
for (const hash of ['sha1', 'sha256', 'sha384', 'sha512']) {
  add(`xml-encryption.aes256-gcm.oaep11-${hash}-mgf1${hash}`, 'xml-encryption', { content: GCM(256), transport: OAEP11, digest: hash, mgf: hash }, 'accepted')
}
add('xml-encryption.aes128-cbc.oaep11-default-mgf', 'xml-encryption', { content: CBC(128), transport: OAEP11 }, 'accepted')
for (const placement of ['retrieval-method', 'key-name', 'sibling']) {
  add(`xmlsec1.aes256-gcm.${placement}`, 'xmlsec1', { content: GCM(256), transport: MGF1P, placement }, 'accepted')
  add(`xml-encryption.aes128-cbc.${placement}`, 'xml-encryption', { content: CBC(128), transport: MGF1P, placement }, 'accepted')
}
add('xmlsec1.aes256-gcm.response-signed', 'xmlsec1', { content: GCM(256), transport: MGF1P }, 'accepted', { sign: 'response' })
add('xml-encryption.aes256-cbc.response-signed', 'xml-encryption', { content: CBC(256), transport: MGF1P }, 'accepted', { sign: 'response' })
add('xmlsec1.aes128-cbc.both-signed', 'xmlsec1', { content: CBC(128), transport: MGF1P }, 'accepted', { sign: 'both' })
add('xmlsec1.aes256-gcm.next-key', 'xmlsec1', { content: GCM(256), transport: MGF1P }, 'accepted', { to: 'sp-encryption-next' })
add('xml-encryption.aes256-gcm.next-key', 'xml-encryption', { content: GCM(256), transport: OAEP11, digest: 'sha256', mgf: 'sha256' }, 'accepted', { to: 'sp-encryption-next' })
add('xmlsec1.aes256-cbc.context-namespaces', 'xmlsec1', { content: CBC(256), transport: MGF1P }, 'accepted', { context: true })
add('xmlsec1.aes256-gcm.context-namespaces.response-signed', 'xmlsec1', { content: GCM(256), transport: MGF1P }, 'accepted', { context: true, sign: 'response' })
add('xml-encryption.aes128-gcm.context-namespaces', 'xml-encryption', { content: GCM(128), transport: MGF1P }, 'accepted', { context: true })

// Refused: each is the same decryption_failed.
add('xml-encryption.rsa-1_5', 'xml-encryption', { content: GCM(256), transport: `${XENC}rsa-1_5` }, 'decryption_failed')
add('xmlsec1.rsa-1_5', 'xmlsec1', { content: CBC(256), transport: `${XENC}rsa-1_5` }, 'decryption_failed')
add('xmlsec1.tripledes-cbc', 'xmlsec1', { content: `${XENC}tripledes-cbc`, transport: MGF1P }, 'decryption_failed')
// rsa-oaep-mgf1p keeps MGF1-SHA1 whatever the digest; WebCrypto cannot pair it with SHA-256 or SHA-512.
add('xml-encryption.mgf1p-sha256', 'xml-encryption', { content: GCM(256), transport: MGF1P, digest: 'sha256' }, 'decryption_failed')
add('xml-encryption.mgf1p-sha512', 'xml-encryption', { content: GCM(256), transport: MGF1P, digest: 'sha512' }, 'decryption_failed')
add('xml-encryption.oaep11-sha256-mgf1sha1', 'xml-encryption', { content: GCM(256), transport: OAEP11, digest: 'sha256', mgf: 'sha1' }, 'decryption_failed')
add('xml-encryption.oaep11-sha1-mgf1sha256', 'xml-encryption', { content: GCM(256), transport: OAEP11, digest: 'sha1', mgf: 'sha256' }, 'decryption_failed')
add('xml-encryption.oaep11-sha224-mgf1sha224', 'xml-encryption', { content: GCM(256), transport: OAEP11, digest: 'sha224', mgf: 'sha224' }, 'decryption_failed')
add('xmlsec1.wrong-key', 'xmlsec1', { content: GCM(256), transport: MGF1P }, 'decryption_failed', { to: 'attacker' })
add('xml-encryption.wrong-key', 'xml-encryption', { content: CBC(256), transport: MGF1P }, 'decryption_failed', { to: 'attacker' })

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const SAML_NS = ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
for (const c of cases) {
  let xml = testIdp.buildResponseXml()
  // The Response declares saml: too; without its own declaration the Assertion's prefixes resolve through it.
  if (c.context) xml = xml.replace(`<saml:Assertion${SAML_NS}`, '<saml:Assertion')
  if (c.sign === 'assertion' || c.sign === 'both') xml = testIdp.signAssertion(xml)
  xml = await encrypt.encryptAssertion(xml, c.impl, c.encryption, key(c.to))
  if (c.sign === 'response' || c.sign === 'both') xml = testIdp.signResponse(xml)
  writeFileSync(path.join(out, `${c.name}.xml`), xml)
}
writeFileSync(
  path.join(out, 'cases.json'),
  `${JSON.stringify(Object.fromEntries(cases.map(({ name, ...c }) => [name, c])), null, 2)}\n`,
)
console.log(`wrote ${cases.length} encrypted responses to test/fixtures/encrypted`)
