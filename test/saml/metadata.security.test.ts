import { describe, expect, it } from 'vitest'
import type { SamlFailure } from '../../src/saml/failures'
import { MAX_METADATA_BYTES, MAX_XML_DEPTH } from '../../src/saml/limits'
import { parseIdpMetadata } from '../../src/saml/metadata'
import { parseXml } from '../../src/saml/xml'
import expected from '../fixtures/metadata/expected.json'
import okta from '../fixtures/metadata/okta-shape.xml?raw'

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

describe('depth limit (parseXml)', () => {
  const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`

  it('accepts exactly MAX_XML_DEPTH nested elements', FAST, () => {
    expect(parseXml(nested(MAX_XML_DEPTH), MAX_METADATA_BYTES).ok).toBe(true)
  })

  it('refuses one level more', FAST, () => {
    expect(parseXml(nested(MAX_XML_DEPTH + 1), MAX_METADATA_BYTES)).toEqual({ ok: false, failure: { reason: 'too_deep', limit: MAX_XML_DEPTH } })
  })

  it('refuses nesting as deep as the size limit allows, quickly and without a stack overflow', FAST, () => {
    const depth = Math.floor(MAX_METADATA_BYTES / 7)
    expect(parseXml(nested(depth), MAX_METADATA_BYTES)).toMatchObject({ ok: false, failure: { reason: 'too_deep' } })
  })
})

describe('DTD refusal (parseXml)', () => {
  it.each([
    ['an internal subset', '<!DOCTYPE a [<!ELEMENT a ANY>]><a/>'],
    ['a bare doctype', '<!DOCTYPE a><a/>'],
    ['lower-case doctype', '<!doctype a SYSTEM "http://attacker.example.net/a.dtd"><a/>'],
    ['a stray ENTITY declaration', '<!ENTITY x "y"><a/>'],
    ['an ATTLIST declaration', '<!ATTLIST a b CDATA "c"><a/>'],
  ])('refuses %s', (_name, xml) => {
    expect(parseXml(xml, MAX_METADATA_BYTES)).toEqual({ ok: false, failure: { reason: 'dtd_forbidden' } })
  })

  it('leaves an undeclared entity reference as text, expanding nothing', () => {
    const result = parseXml('<a b="&xxe;">&xxe;</a>', MAX_METADATA_BYTES)
    expect(result).toEqual({ ok: true, value: { a: [{ '@_b': '&xxe;', '#text': '&xxe;' }] } })
  })

  it('decodes predefined entities and character references once', () => {
    const result = parseXml('<a b="&amp;lt; &#x26; &#38; &quot;">&lt;&gt;&apos;&#x1F600;&#0;</a>', MAX_METADATA_BYTES)
    expect(result).toEqual({ ok: true, value: { a: [{ '@_b': '&lt; & & "', '#text': "<>'\u{1F600}&#0;" }] } })
  })
})
