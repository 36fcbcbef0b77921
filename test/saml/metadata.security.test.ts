import { describe, expect, it } from 'vitest'
import type { SamlFailure } from '../../src/saml/failures'
import { MAX_METADATA_BYTES, MAX_XML_DEPTH } from '../../src/saml/limits'
import { parseIdpMetadata } from '../../src/saml/metadata'
import { parseXmlTree, textContent } from '../../src/saml/xml-tree'
import expected from '../fixtures/metadata/expected.json'
import okta from '../fixtures/metadata/okta-shape.xml?raw'
import onelogin from '../fixtures/metadata/onelogin-default-ns.xml?raw'

// Fixtures come from scripts/make-metadata-fixtures.mjs. Every case here is synchronous and refused before any
// expansion or deep recursion, so each gets a short timeout; the whole file runs in well under a second.
const hostile = import.meta.glob<string>('../fixtures/metadata/invalid/*.xml', { query: '?raw', import: 'default', eager: true })
const FAST = { timeout: 1_000 }

const fixture = (file: string): string => {
  const text = hostile[`../fixtures/metadata/invalid/${file}`]
  if (text === undefined) throw new Error(`no fixture ${file}`)
  return text
}

function failure(xml: string): SamlFailure {
  const result = parseIdpMetadata(xml)
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`)
  return result.failure
}

describe('parseIdpMetadata refuses hostile and broken metadata', () => {
  it('has one expected.json entry per invalid fixture, and a fixture for every entry', () => {
    const files = Object.keys(hostile).map((p) => p.replace('../fixtures/metadata/invalid/', ''))
    expect(files.sort()).toEqual(expected.invalid.map((v) => v.file).sort())
  })

  it.each(expected.invalid)('$file: $reason', ({ file, reason }) => {
    expect(failure(fixture(file)).reason).toBe(reason)
  }, FAST.timeout)

  it('reports the limits it enforced', FAST, () => {
    expect(failure(fixture('too-large.xml'))).toEqual({ reason: 'too_large', limit: MAX_METADATA_BYTES })
    expect(failure(fixture('too-deep.xml'))).toEqual({ reason: 'too_deep', limit: MAX_XML_DEPTH })
  })

  it('leaves Object.prototype alone when elements are named __proto__ or constructor', FAST, () => {
    failure(fixture('proto-pollution.xml'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})

describe('namespaces: elements are matched by namespace URI and local name, never by local name alone', () => {
  const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
  const DS = 'http://www.w3.org/2000/09/xmldsig#'
  const swap = (xml: string, from: string, to: string) => {
    if (!xml.includes(from)) throw new Error(`no ${from}`)
    return xml.split(from).join(to)
  }

  it('reads the unedited fixture (the edits below are what gets it refused)', FAST, () => {
    expect(parseIdpMetadata(okta).ok).toBe(true)
  })

  it('refuses an EntityDescriptor in another namespace', FAST, () => {
    expect(failure(swap(okta, `xmlns:md="${MD}"`, 'xmlns:md="urn:not-saml"'))).toMatchObject({ reason: 'not_metadata' })
  })

  it('refuses an EntityDescriptor in another default namespace', FAST, () => {
    expect(parseIdpMetadata(onelogin).ok).toBe(true)
    expect(failure(swap(onelogin, `xmlns="${MD}"`, 'xmlns="urn:not-saml"'))).toMatchObject({ reason: 'not_metadata' })
  })

  it('refuses a document whose prefix is never declared', FAST, () => {
    expect(failure(swap(okta, ` xmlns:md="${MD}"`, ''))).toMatchObject({ reason: 'not_xml' })
  })

  it('refuses a prefixed root without any declaration at all', FAST, () => {
    expect(failure('<md:EntityDescriptor entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>')).toMatchObject({ reason: 'not_xml' })
  })

  it('does not take an IDPSSODescriptor in another namespace for the IdP role', FAST, () => {
    const xml = swap(swap(okta, '<md:IDPSSODescriptor ', '<x:IDPSSODescriptor xmlns:x="urn:not-saml" '), '</md:IDPSSODescriptor>', '</x:IDPSSODescriptor>')
    expect(failure(xml)).toEqual({ reason: 'not_metadata', detail: 'no IDPSSODescriptor' })
  })

  it('does not read a certificate from an X509Certificate outside the XML-DSig namespace', FAST, () => {
    const xml = swap(okta, `xmlns:ds="${DS}"`, 'xmlns:ds="urn:not-dsig"')
    const result = parseIdpMetadata(xml)
    expect(result.ok && result.value.certificates).toEqual([])
  })

  it('does not read a namespaced attribute as the unprefixed one SAML defines', FAST, () => {
    const xml = swap(okta, 'entityID="', 'xmlns:p="urn:p" p:entityID="')
    expect(failure(xml)).toEqual({ reason: 'missing_entity_id' })
  })
})

describe('size limit', () => {
  // Padding with a trailing comment keeps the document valid metadata, so only the size decides.
  const padTo = (bytes: number, filler = 'x') => {
    const head = `${okta}<!--`
    const room = bytes - new TextEncoder().encode(`${head}-->`).byteLength
    return `${head}${filler.repeat(room / new TextEncoder().encode(filler).byteLength)}-->`
  }

  it('accepts a document of exactly MAX_METADATA_BYTES', FAST, () => {
    const xml = padTo(MAX_METADATA_BYTES)
    expect(new TextEncoder().encode(xml).byteLength).toBe(MAX_METADATA_BYTES)
    expect(parseIdpMetadata(xml).ok).toBe(true)
  })

  it('refuses one byte more', FAST, () => {
    expect(failure(padTo(MAX_METADATA_BYTES + 1)).reason).toBe('too_large')
  })

  it('counts UTF-8 bytes, not characters', FAST, () => {
    // 'é' is one UTF-16 unit but two UTF-8 bytes: the string is well under the limit in characters.
    const xml = padTo(MAX_METADATA_BYTES + 2, 'é')
    expect(xml.length).toBeLessThan(MAX_METADATA_BYTES)
    expect(failure(xml).reason).toBe('too_large')
  })

  it('refuses a huge body without reading it as XML', FAST, () => {
    expect(failure('<'.repeat(20 * MAX_METADATA_BYTES)).reason).toBe('too_large')
  })
})

describe('depth limit (parseXmlTree)', () => {
  const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`

  it('accepts exactly MAX_XML_DEPTH nested elements', FAST, () => {
    expect(parseXmlTree(nested(MAX_XML_DEPTH), MAX_METADATA_BYTES).ok).toBe(true)
  })

  it('refuses one level more', FAST, () => {
    expect(parseXmlTree(nested(MAX_XML_DEPTH + 1), MAX_METADATA_BYTES)).toEqual({ ok: false, failure: { reason: 'too_deep', limit: MAX_XML_DEPTH } })
  })

  it('refuses nesting as deep as the size limit allows, quickly and without a stack overflow', FAST, () => {
    const depth = Math.floor(MAX_METADATA_BYTES / 7)
    expect(parseXmlTree(nested(depth), MAX_METADATA_BYTES)).toMatchObject({ ok: false, failure: { reason: 'too_deep' } })
  })
})

describe('DTD refusal (parseXmlTree)', () => {
  it.each([
    ['an internal subset', '<!DOCTYPE a [<!ELEMENT a ANY>]><a/>'],
    ['a bare doctype', '<!DOCTYPE a><a/>'],
    ['lower-case doctype', '<!doctype a SYSTEM "http://attacker.example.net/a.dtd"><a/>'],
    ['a stray ENTITY declaration', '<!ENTITY x "y"><a/>'],
    ['an ATTLIST declaration', '<!ATTLIST a b CDATA "c"><a/>'],
  ])('refuses %s', (_name, xml) => {
    expect(parseXmlTree(xml, MAX_METADATA_BYTES)).toEqual({ ok: false, failure: { reason: 'dtd_forbidden' } })
  })

  it('refuses an undeclared entity reference instead of passing it on as text', () => {
    expect(parseXmlTree('<a b="&xxe;"/>', MAX_METADATA_BYTES)).toMatchObject({ ok: false, failure: { reason: 'not_xml' } })
    expect(parseXmlTree('<a>&xxe;</a>', MAX_METADATA_BYTES)).toMatchObject({ ok: false, failure: { reason: 'not_xml' } })
  })

  it('refuses a character reference to a non-character', () => {
    expect(parseXmlTree('<a>&#0;</a>', MAX_METADATA_BYTES)).toMatchObject({ ok: false, failure: { reason: 'not_xml' } })
  })

  it('decodes predefined entities and character references once', () => {
    const result = parseXmlTree('<a b="&amp;lt; &#x26; &#38; &quot;">&lt;&gt;&apos;&#x1F600;</a>', MAX_METADATA_BYTES)
    if (!result.ok) throw new Error(result.failure.reason)
    expect(result.value.attributes.map((a) => [a.name, a.value])).toEqual([['b', '&lt; & & "']])
    expect(textContent(result.value)).toBe("<>'\u{1F600}")
  })
})
