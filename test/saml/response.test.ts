import { describe, expect, it } from 'vitest'
import { CLOCK_SKEW_MS, readResponseRouting, verifySamlResponse, type SamlResponseConfig } from '../../src/saml'
import {
  bareCertificate,
  buildResponseXml,
  IDP_ENTITY_ID,
  insertAfter,
  makeConfig,
  makeSignedResponse,
  NOW,
  REQUEST_ID,
  signResponse,
  toBase64,
  type Algorithm,
  type SignTarget,
} from '../helpers/test-idp'

const verify = (xml: string, config: Partial<SamlResponseConfig> = {}, now = NOW) =>
  verifySamlResponse({ samlResponseBase64: toBase64(xml) }, makeConfig(config), now)

const expected = {
  assertionId: '_assert_5a7f9c1d42',
  issuer: IDP_ENTITY_ID,
  nameId: 'ada@example.com',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  sessionIndex: '_session_77',
  inResponseTo: REQUEST_ID,
  notOnOrAfter: NOW + 5 * 60_000 + CLOCK_SKEW_MS,
  attributes: { email: ['ada@example.com'], groups: ['admins', 'R&D <core>'] },
}

describe('verifySamlResponse accepts what a conforming IdP sends', () => {
  const flows: { sign: SignTarget; algorithm: Algorithm }[] = [
    { sign: 'response', algorithm: 'sha256' },
    { sign: 'response', algorithm: 'sha512' },
    { sign: 'assertion', algorithm: 'sha256' },
    { sign: 'assertion', algorithm: 'sha512' },
    { sign: 'both', algorithm: 'sha256' },
  ]

  it.each(flows)('returns the assertion when the $sign is signed with $algorithm', async ({ sign, algorithm }) => {
    const result = await verify(makeSignedResponse({ sign, signing: { algorithm } }))
    expect(result).toEqual({ ok: true, value: expected })
  })

  it.each(['response', 'assertion'] as const)('keeps pretty-printing whitespace signed (%s signed)', async (sign) => {
    const result = await verify(makeSignedResponse({ sign, pretty: true }))
    expect(result).toEqual({ ok: true, value: expected })
  })

  it.each(['response', 'assertion'] as const)(
    'reads an Assertion in a default namespace, as AD FS sends it (%s signed)',
    async (sign) => {
      const result = await verify(makeSignedResponse({ sign, assertionStyle: 'default', pretty: true }))
      expect(result).toEqual({ ok: true, value: expected })
    },
  )

  it('honours an InclusiveNamespaces PrefixList on the reference transform', async () => {
    const xml = makeSignedResponse({ sign: 'assertion', signing: { prefixList: ['xs', 'xsi'] } })
    expect(xml).toContain('PrefixList="xs xsi"')
    expect(await verify(xml)).toEqual({ ok: true, value: expected })
  })

  it.each(['response', 'assertion'] as const)('reads a Signature in a default namespace (%s signed)', async (sign) => {
    const xml = makeSignedResponse({ sign, signing: { signaturePrefix: null } })
    expect(xml).toContain('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    expect(await verify(xml)).toEqual({ ok: true, value: expected })
  })

  it('accepts either certificate during a rollover', async () => {
    const both = [bareCertificate('idp'), bareCertificate('idp-rollover')]
    const byNew = makeSignedResponse({ signing: { key: 'idp-rollover' } })
    const byOld = makeSignedResponse({ signing: { key: 'idp' } })
    expect(await verify(byNew, { certificates: both })).toEqual({ ok: true, value: expected })
    expect(await verify(byOld, { certificates: [...both].reverse() })).toEqual({ ok: true, value: expected })
  })

  it('accepts SHA-1 only when the connection allows it', async () => {
    const xml = makeSignedResponse({ signing: { algorithm: 'sha1' } })
    expect(await verify(xml, { allowSha1: true })).toEqual({ ok: true, value: expected })
  })

  it('accepts an IdP-initiated response when the connection allows it', async () => {
    const xml = makeSignedResponse({ inResponseTo: null })
    const result = await verify(xml, { expectedInResponseTo: null, allowIdpInitiated: true })
    expect(result).toEqual({ ok: true, value: { ...expected, inResponseTo: null } })
  })

  it('accepts a Response without the optional Destination and Issuer', async () => {
    const xml = makeSignedResponse({ destination: null, responseIssuer: null })
    expect(await verify(xml)).toEqual({ ok: true, value: expected })
  })

  it('accepts base64 wrapped in lines, as some IdPs post it', async () => {
    const wrapped = toBase64(makeSignedResponse()).replace(/.{76}/g, '$&\r\n')
    const result = await verifySamlResponse({ samlResponseBase64: wrapped }, makeConfig(), NOW)
    expect(result).toEqual({ ok: true, value: expected })
  })

  it('allows the clock skew past NotOnOrAfter and keeps the replay window that long', async () => {
    const xml = makeSignedResponse({ subjectNotOnOrAfter: NOW + 60_000 })
    const result = await verify(xml, {}, NOW + 60_000 + CLOCK_SKEW_MS - 1)
    expect(result).toEqual({ ok: true, value: { ...expected, notOnOrAfter: NOW + 60_000 + CLOCK_SKEW_MS } })
  })

  it('uses a configured clock skew instead of the default', async () => {
    const xml = makeSignedResponse()
    const result = await verify(xml, { clockSkewMs: 0 }, NOW)
    expect(result).toEqual({ ok: true, value: { ...expected, notOnOrAfter: NOW + 5 * 60_000 } })
  })

  it('collects every value, merging Attributes that repeat a Name', async () => {
    const unsigned = buildResponseXml({ attributes: { role: ['a', 'b'], empty: [] } })
    const repeated = insertAfter(unsigned, '<saml:AttributeStatement>', '<saml:Attribute Name="role"><saml:AttributeValue>c</saml:AttributeValue></saml:Attribute>')
    const result = await verify(signResponse(repeated))
    expect(result.ok && result.value.attributes).toEqual({ role: ['c', 'a', 'b'], empty: [] })
  })

  it('keeps an attribute named __proto__ as a plain key', async () => {
    const xml = makeSignedResponse({ attributes: Object.fromEntries([['__proto__', ['x']]]) })
    const result = await verify(xml)
    expect(result.ok && Object.entries(result.value.attributes)).toEqual([['__proto__', ['x']]])
    expect(result.ok && Object.getPrototypeOf(result.value.attributes)).toBe(Object.prototype)
  })
})

describe('verifySamlResponse given the document routing already parsed', () => {
  const routed = (xml: string) => {
    const routing = readResponseRouting(toBase64(xml))
    if (!routing.ok) throw new Error(`routing refused: ${routing.failure.reason}`)
    return routing.value.parsed
  }

  it('verifies it as it verifies the form value', async () => {
    for (const sign of ['response', 'assertion'] as const) {
      const xml = makeSignedResponse({ sign })
      const result = await verifySamlResponse({ samlResponseBase64: toBase64(xml), parsed: routed(xml) }, makeConfig(), NOW)
      expect(result).toEqual(await verify(xml))
      expect(result).toEqual({ ok: true, value: expected })
    }
  })

  it('ignores a parsed document read from another form value, and verifies the form value itself', async () => {
    const genuine = makeSignedResponse({ sign: 'response' })
    const forged = makeSignedResponse({ sign: 'response', signing: { key: 'attacker' } })
    // The form value is the forged one: a parse of the genuine one must not stand in for it.
    const result = await verifySamlResponse({ samlResponseBase64: toBase64(forged), parsed: routed(genuine) }, makeConfig(), NOW)
    expect(result).toMatchObject({ ok: false, failure: { reason: 'signature_invalid' } })
    // And the other way round: a genuine form value is verified whatever parse comes with it.
    expect(await verifySamlResponse({ samlResponseBase64: toBase64(genuine), parsed: routed(forged) }, makeConfig(), NOW)).toEqual({ ok: true, value: expected })
  })
})
