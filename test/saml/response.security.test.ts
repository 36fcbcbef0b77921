import { describe, expect, it } from 'vitest'
import { MAX_SAML_RESPONSE_BYTES, verifySamlResponse, type SamlFailure, type SamlResponseConfig } from '../../src/saml'
import {
  bareCertificate,
  buildResponseXml,
  elementXml,
  insertAfter,
  makeConfig,
  makeSignedResponse,
  NOW,
  replaceElement,
  replaceOnce,
  signAssertion,
  signResponse,
  stripSignature,
  toBase64,
} from '../helpers/test-idp'

const MINUTE = 60_000
const ORIGINAL_ASSERTION_ID = '_assert_5a7f9c1d42'

/** An unsigned assertion for the attacker to slip in: their NameID, a fresh ID unless told otherwise. */
const evilAssertion = (assertionId = '_evil_assertion') =>
  elementXml(buildResponseXml({ assertionId, nameId: 'admin@victim.example' }), 'saml:Assertion')

interface HostileCase {
  /** The shape of the document, as a fixture file would be named. */
  name: string
  /** The SAMLResponse field as posted; most cases build XML and encode it. */
  input: () => string
  config?: Partial<SamlResponseConfig>
  now?: number
  reason: SamlFailure['reason']
}

const xmlCase = (name: string, xml: () => string, reason: SamlFailure['reason'], extra: Partial<HostileCase> = {}): HostileCase => ({
  name,
  input: () => toBase64(xml()),
  reason,
  ...extra,
})

const wrapping: HostileCase[] = [
  xmlCase(
    'assertion-signed.original-moved-to-extensions.evil-in-place',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      const original = elementXml(signed, 'saml:Assertion')
      const swapped = replaceOnce(signed, original, evilAssertion())
      return insertAfter(swapped, '</saml:Issuer>', `<samlp:Extensions>${original}</samlp:Extensions>`)
    },
    'multiple_assertions',
  ),
  xmlCase(
    'assertion-signed.original-in-ds-object-of-evil-assertion',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      const original = elementXml(signed, 'saml:Assertion')
      const signature = elementXml(original, 'ds:Signature')
      const holder = replaceOnce(signature, '</ds:Signature>', `<ds:Object>${original}</ds:Object></ds:Signature>`)
      const evil = insertAfter(evilAssertion(), '</saml:Issuer>', holder)
      return replaceOnce(signed, original, evil)
    },
    'multiple_assertions',
  ),
  xmlCase(
    'assertion-signed.original-moved-to-extensions.evil-reuses-its-id',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      const original = elementXml(signed, 'saml:Assertion')
      const swapped = replaceOnce(signed, original, evilAssertion(ORIGINAL_ASSERTION_ID))
      return insertAfter(swapped, '</saml:Issuer>', `<samlp:Extensions>${original}</samlp:Extensions>`)
    },
    'duplicate_id',
  ),
  xmlCase(
    'assertion-signed.evil-wraps-original',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      const original = elementXml(signed, 'saml:Assertion')
      const evil = replaceOnce(evilAssertion(), '</saml:Assertion>', `${original}</saml:Assertion>`)
      return replaceOnce(signed, original, evil)
    },
    'multiple_assertions',
  ),
  xmlCase(
    'assertion-signed.duplicated',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      return replaceOnce(signed, '</samlp:Response>', `${elementXml(signed, 'saml:Assertion')}</samlp:Response>`)
    },
    'duplicate_id',
  ),
  xmlCase(
    'root-signed.assertion-unsigned-injected',
    () => {
      const signed = makeSignedResponse({ sign: 'response' })
      return replaceOnce(signed, '<saml:Assertion ', `${evilAssertion()}<saml:Assertion `)
    },
    'multiple_assertions',
  ),
  xmlCase(
    'root-signed.assertion-replaced',
    () => replaceElement(makeSignedResponse({ sign: 'response' }), 'saml:Assertion', evilAssertion()),
    'digest_mismatch',
  ),
  xmlCase(
    'root-signature-copied-into-new-response.different-id',
    () => {
      const signature = elementXml(makeSignedResponse({ sign: 'response' }), 'ds:Signature')
      const evil = buildResponseXml({ responseId: '_evil_response', nameId: 'admin@victim.example' })
      return insertAfter(evil, '</saml:Issuer>', signature)
    },
    'reference_mismatch',
  ),
  xmlCase(
    'root-signed.original-response-in-ds-object.new-outer-response',
    () => {
      const signed = makeSignedResponse({ sign: 'response' })
      const signature = elementXml(signed, 'ds:Signature')
      const original = replaceOnce(signed.replace(/^<\?xml[^>]*\?>/, ''), signature, '')
      const holder = replaceOnce(signature, '</ds:Signature>', `<ds:Object>${original}</ds:Object></ds:Signature>`)
      const evil = buildResponseXml({ responseId: '_evil_response', assertionId: '_evil_assertion' })
      return insertAfter(evil, '</saml:Issuer>', holder)
    },
    'multiple_assertions',
  ),
  xmlCase(
    'assertion-signed.copied-under-new-response.assertion-id-changed',
    () => {
      const stolen = elementXml(makeSignedResponse({ sign: 'assertion' }), 'saml:Assertion')
      const retargeted = replaceOnce(stolen, `ID="${ORIGINAL_ASSERTION_ID}"`, 'ID="_fresh_id"')
      return replaceElement(buildResponseXml({ responseId: '_evil_response' }), 'saml:Assertion', retargeted)
    },
    'reference_mismatch',
  ),
  xmlCase(
    'assertion-signature-moved-onto-response',
    () => {
      const signed = makeSignedResponse({ sign: 'assertion' })
      const signature = elementXml(signed, 'ds:Signature')
      return insertAfter(replaceOnce(signed, signature, ''), '</saml:Issuer>', signature)
    },
    'reference_mismatch',
  ),
  xmlCase(
    'response-signed-by-idp.assertion-signed-by-attacker',
    () => signResponse(signAssertion(buildResponseXml(), { key: 'attacker' })),
    'signature_invalid',
  ),
]

const tampering: HostileCase[] = [
  xmlCase(
    'root-signed.attribute-tampered',
    () => replaceOnce(makeSignedResponse({ sign: 'response' }), '>admins<', '>superadmins<'),
    'digest_mismatch',
  ),
  xmlCase(
    'assertion-signed.attribute-tampered',
    () => replaceOnce(makeSignedResponse({ sign: 'assertion' }), '>admins<', '>superadmins<'),
    'digest_mismatch',
  ),
  xmlCase(
    'assertion-signed.name-id-tampered',
    () => replaceOnce(makeSignedResponse({ sign: 'assertion' }), '>ada@example.com</saml:NameID>', '>admin@example.com</saml:NameID>'),
    'digest_mismatch',
  ),
  xmlCase(
    'assertion-signed.name-id-comment-added-after-signing',
    () => replaceOnce(makeSignedResponse({ sign: 'assertion' }), 'ada@example.com</saml:NameID>', 'ada@example.com<!---->.evil</saml:NameID>'),
    'digest_mismatch',
  ),
  xmlCase(
    'root-signed.signature-value-tampered',
    () => {
      const signed = makeSignedResponse({ sign: 'response' })
      const value = elementXml(signed, 'ds:SignatureValue')
      return replaceOnce(signed, value, value.replace(/>(.)(.)/, (_m, a: string, b: string) => `>${b}${a}`))
    },
    'signature_invalid',
  ),
  xmlCase(
    'root-signed.digest-value-replaced',
    () => {
      const signed = makeSignedResponse({ sign: 'response' })
      return replaceElement(signed, 'ds:DigestValue', `<ds:DigestValue>${btoa('x'.repeat(32))}</ds:DigestValue>`)
    },
    'signature_invalid',
  ),
  xmlCase('resigned-by-attacker.same-subject', () => makeSignedResponse({ signing: { key: 'attacker' } }), 'signature_invalid'),
  xmlCase(
    'assertion-resigned-by-attacker.attacker-cert-in-keyinfo',
    () => makeSignedResponse({ sign: 'assertion', signing: { key: 'attacker' } }),
    'signature_invalid',
  ),
  xmlCase('unsigned', () => stripSignature(makeSignedResponse()), 'signature_missing'),
  xmlCase(
    'root-signature-tucked-into-extensions',
    () => {
      const signed = makeSignedResponse({ sign: 'response' })
      const signature = elementXml(signed, 'ds:Signature')
      return insertAfter(replaceOnce(signed, signature, ''), '</saml:Issuer>', `<samlp:Extensions>${signature}</samlp:Extensions>`)
    },
    'signature_missing',
  ),
  xmlCase('signed-by-expired-certificate', () => makeSignedResponse({ signing: { key: 'expired' } }), 'certificate_expired', {
    config: { certificates: [bareCertificate('expired')] },
  }),
  xmlCase('no-usable-certificate-configured', () => makeSignedResponse(), 'no_usable_certificate', {
    config: { certificates: ['bm90IGEgY2VydGlmaWNhdGU='] },
  }),
  xmlCase('sha1-signature.not-allowed', () => makeSignedResponse({ signing: { algorithm: 'sha1' } }), 'algorithm_not_allowed'),
]

const conditions: HostileCase[] = [
  xmlCase('expired.conditions', () => makeSignedResponse({ subjectNotOnOrAfter: NOW + 60 * MINUTE }), 'expired', { now: NOW + 10 * MINUTE }),
  xmlCase('expired.subject-confirmation', () => makeSignedResponse({ subjectNotOnOrAfter: NOW - 5 * MINUTE }), 'expired'),
  xmlCase('not-yet-valid', () => makeSignedResponse({ notBefore: NOW + 10 * MINUTE }), 'not_yet_valid'),
  xmlCase('audience.wrong', () => makeSignedResponse({ audience: 'https://other-sp.example.test' }), 'audience_mismatch'),
  xmlCase('audience.missing', () => makeSignedResponse({ audience: null }), 'audience_mismatch'),
  xmlCase('recipient.wrong', () => makeSignedResponse({ recipient: 'https://other-sp.example.test/acs' }), 'recipient_mismatch'),
  xmlCase('destination.wrong', () => makeSignedResponse({ destination: 'https://other-sp.example.test/acs' }), 'destination_mismatch'),
  xmlCase(
    'destination.changed-on-unsigned-response',
    () => replaceOnce(makeSignedResponse({ sign: 'assertion' }), 'Destination="https://sp.example.test/saml/acs"', 'Destination="https://x.test"'),
    'destination_mismatch',
  ),
  xmlCase('issuer.assertion-wrong', () => makeSignedResponse({ issuer: 'https://evil-idp.example.test' }), 'issuer_mismatch'),
  xmlCase('issuer.response-wrong', () => makeSignedResponse({ responseIssuer: 'https://evil-idp.example.test' }), 'issuer_mismatch'),
  xmlCase('in-response-to.unknown', () => makeSignedResponse({ inResponseTo: '_someone_elses_request' }), 'in_response_to_mismatch'),
  xmlCase('in-response-to.missing-when-expected', () => makeSignedResponse({ inResponseTo: null }), 'in_response_to_mismatch'),
  xmlCase(
    'in-response-to.only-unsigned-response-matches',
    () => {
      const xml = signAssertion(buildResponseXml({ inResponseTo: '_other_request' }))
      return replaceOnce(xml, 'InResponseTo="_other_request"', 'InResponseTo="_req_4f1c2a9e7b"')
    },
    'in_response_to_mismatch',
  ),
  xmlCase('in-response-to.claimed-by-unsolicited', () => makeSignedResponse(), 'in_response_to_mismatch', {
    config: { expectedInResponseTo: null, allowIdpInitiated: true },
  }),
  xmlCase('unsolicited.not-allowed', () => makeSignedResponse({ inResponseTo: null }), 'unsolicited_not_allowed', {
    config: { expectedInResponseTo: null, allowIdpInitiated: false },
  }),
  xmlCase(
    'subject-confirmation.holder-of-key',
    () => makeSignedResponse({ confirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
    'subject_confirmation_invalid',
  ),
  xmlCase('name-id.empty', () => makeSignedResponse({ nameId: '' }), 'name_id_missing'),
]

const envelope: HostileCase[] = [
  xmlCase('status.requester-error', () => makeSignedResponse({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }), 'status_not_success'),
  xmlCase(
    'encrypted-assertion',
    () =>
      replaceElement(
        buildResponseXml(),
        'saml:Assertion',
        '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>',
      ),
    'encrypted_assertion_unsupported',
  ),
  xmlCase('assertion-missing', () => replaceElement(buildResponseXml(), 'saml:Assertion', ''), 'assertion_missing'),
  xmlCase(
    'root.response-in-wrong-namespace',
    () => makeSignedResponse().replace('xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"', 'xmlns:samlp="urn:evil"'),
    'not_saml_response',
  ),
  xmlCase('root.not-a-response', () => '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>', 'not_saml_response'),
  xmlCase(
    'doctype.xxe',
    () => `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${makeSignedResponse().replace(/^<\?xml[^>]*\?>/, '').replace('ada@example.com<', '&x;<')}`,
    'dtd_forbidden',
  ),
  xmlCase(
    'doctype.entity-expansion',
    () => '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol2;</samlp:Response>',
    'dtd_forbidden',
  ),
  xmlCase('undeclared-entity', () => makeSignedResponse().replace('ada@example.com<', '&ent;<'), 'not_xml'),
  xmlCase('processing-instruction', () => makeSignedResponse().replace('<samlp:Status>', '<?evil x?><samlp:Status>'), 'not_xml'),
  xmlCase('deep-nesting', () => `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'<a>'.repeat(200)}${'</a>'.repeat(200)}</samlp:Response>`, 'too_deep'),
  xmlCase('not-xml', () => 'hello, this is not XML', 'not_xml'),
  { name: 'garbage-base64', input: () => '%%%not*base64%%%', reason: 'invalid_base64' },
  { name: 'empty', input: () => '', reason: 'not_xml' },
  { name: 'not-utf-8', input: () => btoa('\xff\xfe<a/>'), reason: 'not_xml' },
  { name: 'too-large', input: () => 'A'.repeat(Math.ceil(MAX_SAML_RESPONSE_BYTES / 3) * 4 + 4), reason: 'too_large' },
]

describe('verifySamlResponse refuses hostile responses', () => {
  const table = [...wrapping, ...tampering, ...conditions, ...envelope]
  it.each(table)('$name -> $reason', async ({ input, config, now, reason }) => {
    const result = await verifySamlResponse({ samlResponseBase64: input() }, makeConfig(config), now ?? NOW)
    expect(result.ok ? 'accepted' : result.failure.reason).toBe(reason)
  })
})

describe('comment injection in NameID', () => {
  it('reads the whole NameID when the IdP signed it with a comment inside', async () => {
    for (const sign of ['response', 'assertion'] as const) {
      const xml = makeSignedResponse({ sign, nameIdXml: 'user@evil.com<!---->.attacker.com' })
      const result = await verifySamlResponse({ samlResponseBase64: toBase64(xml) }, makeConfig(), NOW)
      expect(result.ok && result.value.nameId).toBe('user@evil.com.attacker.com')
    }
  })
})

describe('hostile bytes never make verifySamlResponse throw', () => {
  it('returns a Result for every mangled variant of a valid response', async () => {
    const xml = makeSignedResponse({ sign: 'both', pretty: true })
    let seed = 20300115
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const pieces = ['<', '>', '&', '"', '/', ' ', '<!--', '-->', 'xmlns:x="u"', '&amp;', '\u0000', '\uD800', '<![CDATA[']
    for (let i = 0; i < 150; i++) {
      const at = random(xml.length)
      const mangled =
        i % 3 === 0
          ? xml.slice(0, at)
          : xml.slice(0, at) + (pieces[random(pieces.length)] ?? '') + xml.slice(at + random(3))
      const result = await verifySamlResponse({ samlResponseBase64: toBase64(mangled) }, makeConfig(), NOW)
      expect(result.ok ? 'accepted' : result.failure.reason).not.toBe('internal_error')
    }
  })
})
