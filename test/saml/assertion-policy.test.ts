// What the SP metadata promises, the ACS enforces (issue 14): where the signature may sit, the
// Issuer's Format, and an Advice's assertions, which are evidence and never who signs in.
import { describe, expect, it } from 'vitest'
import { verifySamlResponse } from '../../src/saml'
import { buildResponseXml, elementXml, makeConfig, makeSignedResponse, NOW, replaceOnce, signAssertion, signResponse, toBase64 } from '../helpers/test-idp'

const verify = (xml: string, config = makeConfig()) => verifySamlResponse({ samlResponseBase64: toBase64(xml) }, config, NOW)
const reasonOf = async (xml: string, config = makeConfig()) => {
  const r = await verify(xml, config)
  return r.ok ? 'accepted' : r.failure.reason
}

describe('where the signature sits', () => {
  it('accepts a signature on the Response or on the Assertion by default (Entra ID signs only the assertion, others only the response)', async () => {
    expect(await reasonOf(makeSignedResponse({ sign: 'response' }))).toBe('accepted')
    expect(await reasonOf(makeSignedResponse({ sign: 'assertion' }))).toBe('accepted')
    expect(await reasonOf(makeSignedResponse({ sign: 'both' }))).toBe('accepted')
  })

  it('with wantAssertionsSigned, refuses a signed Response around an unsigned Assertion, and accepts a signed Assertion', async () => {
    const config = makeConfig({ wantAssertionsSigned: true })
    expect(await reasonOf(makeSignedResponse({ sign: 'response' }), config)).toBe('assertion_signature_missing')
    expect(await reasonOf(makeSignedResponse({ sign: 'assertion' }), config)).toBe('accepted')
    expect(await reasonOf(makeSignedResponse({ sign: 'both' }), config)).toBe('accepted')
  })
})

describe('Issuer Format (SAML Profiles §4.1.4.2)', () => {
  const withIssuerFormat = (format: string, on: 'assertion' | 'response') => {
    const xml = buildResponseXml()
    // The Response's Issuer comes first in the document, the Assertion's second.
    const at = on === 'response' ? xml.indexOf('<saml:Issuer>') : xml.indexOf('<saml:Issuer>', xml.indexOf('<saml:Assertion'))
    const formatted = `${xml.slice(0, at)}<saml:Issuer Format="${format}">${xml.slice(at + '<saml:Issuer>'.length)}`
    return signResponse(signAssertion(formatted))
  }

  it('accepts the entity format or none', async () => {
    expect(await reasonOf(withIssuerFormat('urn:oasis:names:tc:SAML:2.0:nameid-format:entity', 'assertion'))).toBe('accepted')
    expect(await reasonOf(withIssuerFormat('urn:oasis:names:tc:SAML:2.0:nameid-format:entity', 'response'))).toBe('accepted')
  })

  it.each([
    'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    '',
  ])('refuses an Issuer of Format "%s", on the Assertion and on the Response', async (format) => {
    expect(await reasonOf(withIssuerFormat(format, 'assertion'))).toBe('issuer_format_invalid')
    expect(await reasonOf(withIssuerFormat(format, 'response'))).toBe('issuer_format_invalid')
  })
})

describe('Advice', () => {
  const adviceOf = (inner: string) => `<saml:Advice>${inner}</saml:Advice>`
  const evidence = () => elementXml(buildResponseXml({ assertionId: '_evidence_1', nameId: 'someone-else@example.com' }), 'saml:Assertion')

  it('an assertion held in the Assertion\'s Advice no longer counts as a second assertion, and is ignored for identity', async () => {
    const xml = replaceOnce(buildResponseXml(), '<saml:AuthnStatement', `${adviceOf(evidence())}<saml:AuthnStatement`)
    const r = await verify(signResponse(signAssertion(xml)))
    expect(r.ok && r.value.nameId).toBe('ada@example.com')
    expect(r.ok && r.value.assertionId).toBe('_assert_5a7f9c1d42')
  })

  it('an "Advice" outside an Assertion is no Advice: what it holds still counts', async () => {
    const xml = replaceOnce(buildResponseXml(), '<samlp:Status>', `<samlp:Extensions>${adviceOf(evidence())}</samlp:Extensions><samlp:Status>`)
    expect(await reasonOf(signResponse(xml))).toBe('multiple_assertions')
  })
})
