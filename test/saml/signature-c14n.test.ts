import { describe, expect, it } from 'vitest'
import { replaceOnce } from '../helpers/test-idp'
import { certOf, EC, reasonOf, verify, xmlOf } from './xmlsec-signed'

// Inclusive canonicalization signs what the signed element inherits: every namespace in scope and
// (1.0) the xml:* attributes of its ancestors. An Assertion signed that way breaks when its Response
// changes around it; one signed with exc-c14n does not. Fixtures: scripts/make-signature-fixtures.mjs.
const RSA = { certificates: [certOf('../../keys/idp.cert.pem')] }
const RESPONSE_OPEN = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
const aroundAssertion = (xml: string, attributes: string) => replaceOnce(xml, RESPONSE_OPEN, `${RESPONSE_OPEN} ${attributes}`)

describe('inclusive canonicalization covers what the signed Assertion inherits from the Response', () => {
  it('accepts both fixtures as signed', async () => {
    expect(await reasonOf(xmlOf('c14n10-assertion.xml'), RSA)).toBe('accepted')
    expect(await reasonOf(xmlOf('ecdsa-p384-sha384.xml'), { certificates: [EC.p384] })).toBe('accepted')
  })

  it('refuses a Canonical XML 1.0 Assertion signature once the Response declares one more namespace', async () => {
    expect(await reasonOf(aroundAssertion(xmlOf('c14n10-assertion.xml'), 'xmlns:extra="urn:extra"'), RSA)).toBe('signature_invalid')
  })

  it('refuses it once the Response carries an xml:lang the Assertion inherits', async () => {
    expect(await reasonOf(aroundAssertion(xmlOf('c14n10-assertion.xml'), 'xml:lang="en"'), RSA)).toBe('signature_invalid')
  })

  it('still accepts an exc-c14n Assertion signature after the same edits (nothing visibly used changed)', async () => {
    for (const edit of ['xmlns:extra="urn:extra"', 'xml:lang="en"']) {
      expect(await reasonOf(aroundAssertion(xmlOf('ecdsa-p384-sha384.xml'), edit), { certificates: [EC.p384] })).toBe('accepted')
    }
  })

  it('refuses content changed inside a Canonical XML 1.1 signature', async () => {
    const xml = replaceOnce(xmlOf('c14n11-both.xml'), '>ada@example.com<', '>eve@example.com<')
    expect(await reasonOf(xml, RSA)).toBe('digest_mismatch')
  })
})

describe('Canonical XML 1.1 and xml:base', () => {
  it('refuses a 1.1 signature whose SignedInfo would inherit xml:base, since the §2.4 fix-up is not implemented', async () => {
    const result = await verify(aroundAssertion(xmlOf('c14n11-both.xml'), 'xml:base="https://idp.example.test/"'), RSA)
    expect(result).toEqual({ ok: false, failure: { reason: 'algorithm_not_allowed', algorithm: 'Canonical XML 1.1 with an inherited xml:base' } })
  })

  it('reads an inherited xml:base under 1.0 as any other xml:* attribute: signed, so adding one breaks the signature', async () => {
    expect(await reasonOf(aroundAssertion(xmlOf('c14n10-assertion.xml'), 'xml:base="https://idp.example.test/"'), RSA)).toBe('signature_invalid')
  })
})

describe("the Okta SAML test tool's Canonical XML 1.1 shape", () => {
  const config = { ...RSA, expectedInResponseTo: null, allowIdpInitiated: true }

  it('accepts it with a Reference to the Response ID', async () => {
    expect(await verify(xmlOf('okta-tool-c14n11.xml'), config)).toMatchObject({ ok: true, value: { nameId: 'ada@example.com' } })
  })

  it('refuses it as the tool signs it, with Reference URI="" (SAML Core §5.4.2 wants the ID), though the signature is genuine', async () => {
    const xml = xmlOf('okta-tool-c14n11-whole-document.xml')
    expect(xml).toContain('<ds:Reference URI="">')
    expect(await reasonOf(xml, config)).toBe('reference_mismatch')
  })
})
