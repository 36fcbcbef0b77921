import { describe, expect, it } from 'vitest'
import { importDecryptionKey, readResponseRouting, verifySamlResponse, type SamlResponseConfig } from '../../src/saml'
import cases from '../fixtures/encrypted/cases.json'
import encryptionKey from '../fixtures/keys/sp-encryption.key.pem?raw'
import encryptionCert from '../fixtures/keys/sp-encryption.cert.pem?raw'
import nextEncryptionKey from '../fixtures/keys/sp-encryption-next.key.pem?raw'
import {
  buildResponseXml,
  defaultResponseOptions,
  elementXml,
  insertAfter,
  makeConfig,
  NOW,
  replaceElement,
  replaceOnce,
  signAssertion,
  signResponse,
  toBase64,
} from '../helpers/test-idp'
import { encryptToCertificate, flipCipherByte } from '../helpers/xml-encrypt'

// Encrypted assertions (XML Encryption 1.1) made by xml-encryption and xmlsec1 (committed outputs of
// scripts/make-encrypted-fixtures.mjs; cases.json says what each must give), then the hostile cases.

const fixtures = import.meta.glob<string>('../fixtures/encrypted/*.xml', { query: '?raw', import: 'default', eager: true })
const fixture = (name: string): string => {
  const xml = fixtures[`../fixtures/encrypted/${name}.xml`]
  if (xml === undefined) throw new Error(`no fixture ${name}`)
  return xml
}

const keys = [importDecryptionKey(encryptionKey), importDecryptionKey(nextEncryptionKey)]
const config = (overrides: Partial<SamlResponseConfig> = {}) => makeConfig({ decryptionKeys: keys, ...overrides })
const verify = (xml: string, overrides: Partial<SamlResponseConfig> = {}) => verifySamlResponse({ samlResponseBase64: toBase64(xml) }, config(overrides), NOW)
const outcome = async (xml: string, overrides: Partial<SamlResponseConfig> = {}) => {
  const r = await verify(xml, overrides)
  return r.ok ? 'accepted' : r.failure.reason
}

const defaults = defaultResponseOptions()
const SAML_NS = ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
/** A signed Assertion as an attacker might have it, and the same Assertion encrypted to the SP. */
const signedAssertionXml = () => elementXml(signAssertion(buildResponseXml()), 'saml:Assertion')
const encryptedResponse = async (plaintext: string, options: Parameters<typeof encryptToCertificate>[2] = {}) =>
  replaceElement(buildResponseXml(), 'saml:Assertion', await encryptToCertificate(plaintext, encryptionCert, options))

describe('encrypted assertions from xml-encryption and xmlsec1', () => {
  const table = Object.entries(cases).map(([name, c]) => ({ name, ...c }))

  it('has a fixture for every case and a case for every fixture', () => {
    expect(Object.keys(fixtures).map((f) => f.replace(/^.*\/|\.xml$/g, '')).sort()).toEqual(table.map((c) => c.name).sort())
  })

  it.each(table.filter((c) => c.expected === 'accepted'))('$name: signs in, reading the decrypted Assertion', async ({ name }) => {
    const result = await verify(fixture(name))
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.failure)}`)
    expect(result.value).toMatchObject({ assertionId: defaults.assertionId, nameId: defaults.nameId, sessionIndex: defaults.sessionIndex })
    expect(result.value.attributes).toEqual(defaults.attributes)
  })

  it.each(table.filter((c) => c.expected !== 'accepted'))('$name -> $expected', async ({ name, expected }) => {
    expect(await outcome(fixture(name))).toBe(expected)
  })

  it('decrypts with the next key alone as with both, and with neither key refuses the same way', async () => {
    expect(await outcome(fixture('xmlsec1.aes256-gcm.next-key'), { decryptionKeys: [keys[1]!] })).toBe('accepted')
    expect(await outcome(fixture('xmlsec1.aes256-gcm.next-key'), { decryptionKeys: [keys[0]!] })).toBe('decryption_failed')
  })

  it('a KeyName that no CarriedKeyName matches leaves the sibling EncryptedKeys to try', async () => {
    expect(await outcome(replaceOnce(fixture('xmlsec1.aes256-gcm.key-name'), '<ds:KeyName>saml-edge SP key', '<ds:KeyName>our certificate'))).toBe('accepted')
  })

  it('without any decryption key configured, an EncryptedAssertion is refused as unsupported', async () => {
    expect(await outcome(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), { decryptionKeys: [] })).toBe('encrypted_assertion_unsupported')
  })
})

describe('every failure to decrypt is the one decryption_failed', () => {
  const refused = [
    { name: 'GCM ciphertext byte flipped', xml: () => flipCipherByte(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'content', 40) },
    { name: 'GCM tag byte flipped', xml: () => flipCipherByte(fixture('xml-encryption.aes128-gcm.mgf1p-sha1'), 'content', -1) },
    { name: 'GCM IV byte flipped', xml: () => flipCipherByte(fixture('xmlsec1.aes128-gcm.mgf1p-sha1'), 'content', 0) },
    // The IV's second byte XORs the plaintext's: `<saml:` becomes `<raml:`, an unbound prefix.
    { name: 'CBC IV byte flipped', xml: () => flipCipherByte(fixture('xmlsec1.aes256-cbc.mgf1p-sha1'), 'content', 1) },
    // The last byte of the block before the last XORs the padding length past 16.
    { name: 'CBC padding length out of range', xml: () => flipCipherByte(fixture('xmlsec1.aes128-cbc.mgf1p-sha1'), 'content', -17, 0x80) },
    { name: 'CBC ciphertext truncated by a block', xml: () => truncateContent(fixture('xml-encryption.aes256-cbc.mgf1p-sha1'), 16) },
    { name: 'wrapped key byte flipped', xml: () => flipCipherByte(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'key', 100) },
    { name: 'wrapped key of a sibling EncryptedKey flipped', xml: () => flipCipherByte(fixture('xmlsec1.aes256-gcm.retrieval-method'), 'key', 5) },
    { name: 'RetrievalMethod naming no EncryptedKey', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.retrieval-method'), 'URI="#_saml_edge_ek"', 'URI="#_nothing"') },
    { name: 'unknown content algorithm', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'xmlenc11#aes256-gcm', 'xmlenc11#aes512-gcm') },
    { name: 'GCM ciphertext declared as CBC', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'http://www.w3.org/2009/xmlenc11#aes256-gcm', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc') },
    { name: 'AES-256 key declared as AES-128', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'xmlenc11#aes256-gcm', 'xmlenc11#aes128-gcm') },
    { name: 'DigestMethod in another namespace', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), '<ds:DigestMethod', '<ds:DigestMethod xmlns:ds="urn:not-dsig"') },
    { name: 'CipherReference instead of CipherValue', xml: () => replaceElement(fixture('xmlsec1.aes256-gcm.sibling'), 'xenc:CipherData', '<xenc:CipherData><xenc:CipherReference URI="https://evil.example/c"/></xenc:CipherData>') },
    { name: 'EncryptedData of Type Content', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'xmlenc#Element', 'xmlenc#Content') },
    { name: 'EncryptedAssertion holding something else too', xml: () => replaceOnce(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), '</saml:EncryptedAssertion>', '<saml:Issuer>x</saml:Issuer></saml:EncryptedAssertion>') },
    { name: 'empty EncryptedData', xml: () => replaceElement(buildResponseXml(), 'saml:Assertion', `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>`) },
  ]
  it.each(refused)('$name', async ({ xml }) => {
    expect(await outcome(xml())).toBe('decryption_failed')
  })

  it('a failure carries nothing but its reason', async () => {
    const results = await Promise.all(refused.map(async ({ xml }) => verify(xml())))
    for (const r of results) expect(r).toEqual({ ok: false, failure: { reason: 'decryption_failed' } })
  })

  it('plaintexts that are not exactly one Assertion, or try to leave their context, are decryption_failed', async () => {
    const assertion = signedAssertionXml()
    const plaintexts = [
      'not XML at all',
      `${assertion}${assertion}`,
      `${assertion}trailing text`,
      `<saml:Issuer${SAML_NS}>x</saml:Issuer>`,
      `<!DOCTYPE a [<!ENTITY x "y">]>${assertion}`,
      `${assertion}</saml-edge-decryption-context><saml-edge-decryption-context>`,
      `</saml-edge-decryption-context><saml-edge-decryption-context>${assertion}`,
      assertion.replace(SAML_NS, ' xmlns:saml="urn:not-saml"'),
    ]
    for (const plaintext of plaintexts) expect(await outcome(await encryptedResponse(plaintext))).toBe('decryption_failed')
  })

  it('CBC padding: any filler bytes are fine, a length of 0 or over 16 is not', async () => {
    const assertion = signedAssertionXml()
    const filler = (last: (missing: number) => number) => (missing: number) => {
      const pad = new Uint8Array(missing).fill(0xa5)
      pad[missing - 1] = last(missing)
      return pad
    }
    expect(await outcome(await encryptedResponse(assertion, { content: 'AES-CBC', padding: filler((n) => n) }))).toBe('accepted')
    expect(await outcome(await encryptedResponse(assertion, { content: 'AES-CBC', padding: filler(() => 0) }))).toBe('decryption_failed')
    expect(await outcome(await encryptedResponse(assertion, { content: 'AES-CBC', padding: filler(() => 17) }))).toBe('decryption_failed')
  })
})

/** Drops `bytes` from the end of the content's CipherValue. */
function truncateContent(xml: string, bytes: number): string {
  const match = [...xml.matchAll(/(<xenc:CipherValue>)([^<]*)<\//g)].at(-1)
  if (!match) throw new Error('no CipherValue')
  const raw = atob((match[2] ?? '').replace(/\s+/g, ''))
  return replaceOnce(xml, match[2] ?? '', btoa(raw.slice(0, raw.length - bytes)))
}

describe('after decryption, the rules of a plain assertion', () => {
  it('a ciphertext tampered with under a signed Response fails the Response signature, before any decryption', async () => {
    expect(await outcome(flipCipherByte(fixture('xmlsec1.aes256-gcm.response-signed'), 'content', 40))).toBe('digest_mismatch')
  })

  it('an unsigned Assertion in an unsigned Response is refused once decrypted', async () => {
    const unsigned = elementXml(buildResponseXml(), 'saml:Assertion')
    expect(await outcome(await encryptedResponse(unsigned))).toBe('signature_missing')
  })

  it('a signed Assertion changed and then encrypted to the SP (whose certificate is public) fails its signature', async () => {
    const changed = replaceOnce(signedAssertionXml(), `>${defaults.nameId}<`, '>mallory@example.com<')
    expect(await outcome(await encryptedResponse(changed))).toBe('digest_mismatch')
  })

  it('an Assertion signed by another key, encrypted to the SP, fails its signature', async () => {
    const forged = elementXml(signAssertion(buildResponseXml(), { key: 'attacker' }), 'saml:Assertion')
    expect(await outcome(await encryptedResponse(forged))).toBe('signature_invalid')
  })

  it('an EncryptedAssertion beside a plain Assertion is two assertions, whichever is signed', async () => {
    const encrypted = elementXml(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'saml:EncryptedAssertion')
    const plain = signAssertion(buildResponseXml())
    expect(await outcome(insertAfter(plain, '</samlp:Status>', encrypted))).toBe('multiple_assertions')
    expect(await outcome(replaceOnce(plain, '</samlp:Response>', `${encrypted}</samlp:Response>`))).toBe('multiple_assertions')
    expect(await outcome(signResponse(insertAfter(buildResponseXml(), '</samlp:Status>', encrypted)))).toBe('multiple_assertions')
  })

  it('two EncryptedAssertions, or one hidden in an extension, are refused', async () => {
    const encrypted = elementXml(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), 'saml:EncryptedAssertion')
    const response = fixture('xmlsec1.aes256-gcm.mgf1p-sha1')
    expect(await outcome(insertAfter(response, '</samlp:Status>', encrypted))).toBe('multiple_assertions')
    const hidden = replaceOnce(buildResponseXml(), '<samlp:Status>', `<samlp:Extensions>${encrypted}</samlp:Extensions><samlp:Status>`)
    expect(await outcome(replaceElement(hidden, 'saml:Assertion', ''))).toBe('malformed_response')
  })

  it('an Assertion nested in the decrypted one counts as a second', async () => {
    const inner = elementXml(buildResponseXml({ assertionId: '_inner' }), 'saml:Assertion')
    const outer = signAssertion(replaceOnce(buildResponseXml(), '</saml:AttributeStatement>', `${inner}</saml:AttributeStatement>`))
    const close = '</saml:Assertion>'
    const both = outer.slice(outer.indexOf('<saml:Assertion '), outer.lastIndexOf(close) + close.length)
    expect(await outcome(await encryptedResponse(both))).toBe('multiple_assertions')
  })

  it('a decrypted Assertion reusing the Response ID is refused', async () => {
    const assertion = elementXml(signAssertion(buildResponseXml({ assertionId: defaults.responseId })), 'saml:Assertion')
    expect(await outcome(await encryptedResponse(assertion))).toBe('duplicate_id')
  })

  it('audience, recipient and time are checked on the decrypted Assertion', async () => {
    const assertionOf = (o: Parameters<typeof buildResponseXml>[0]) => elementXml(signAssertion(buildResponseXml(o)), 'saml:Assertion')
    expect(await outcome(await encryptedResponse(assertionOf({ audience: 'https://other-sp.example' })))).toBe('audience_mismatch')
    expect(await outcome(await encryptedResponse(assertionOf({ recipient: 'https://other-sp.example/acs' })))).toBe('recipient_mismatch')
    const late = await verifySamlResponse({ samlResponseBase64: toBase64(fixture('xmlsec1.aes256-gcm.mgf1p-sha1')) }, config(), NOW + 60 * 60_000)
    expect(late.ok ? 'accepted' : late.failure.reason).toBe('expired')
  })

  it('with encryption required, a plain Assertion is refused and an encrypted one accepted', async () => {
    expect(await outcome(signAssertion(buildResponseXml()), { requireEncryptedAssertions: true })).toBe('assertion_not_encrypted')
    expect(await outcome(fixture('xml-encryption.aes256-gcm.mgf1p-sha1'), { requireEncryptedAssertions: true })).toBe('accepted')
  })

  it('the decrypted Assertion resolves its prefixes where the EncryptedAssertion stood', async () => {
    const relying = fixture('xmlsec1.aes256-cbc.context-namespaces')
    expect(await outcome(relying)).toBe('accepted')
    // The same plaintext where saml: is bound to another namespace (the EncryptedAssertion itself under p:).
    const rebound = replaceOnce(relying, SAML_NS, ' xmlns:saml="urn:example:not-saml"')
      .replace('<saml:EncryptedAssertion>', `<p:EncryptedAssertion xmlns:p="urn:oasis:names:tc:SAML:2.0:assertion">`)
      .replace('</saml:EncryptedAssertion>', '</p:EncryptedAssertion>')
    expect(await outcome(rebound)).toBe('decryption_failed')
  })

  it('a key that is not RSA decrypts nothing and refuses the same way', async () => {
    const broken = importDecryptionKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')
    expect(await outcome(fixture('xmlsec1.aes256-gcm.mgf1p-sha1'), { decryptionKeys: [broken] })).toBe('decryption_failed')
  })
})

describe('routing an encrypted response', () => {
  it('reads the Response Issuer, and the Destination in place of the hidden Recipient', () => {
    const routing = readResponseRouting(toBase64(fixture('xmlsec1.aes256-gcm.mgf1p-sha1')))
    expect(routing).toEqual({ ok: true, value: { issuer: defaults.responseIssuer, recipients: [defaults.destination], parsed: expect.objectContaining({ root: expect.anything() }) } })
  })
})
