import fc from 'fast-check'
import { XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { canonicalize, type C14nMethod } from '../../src/saml/c14n'
import { descendantElements, parseCanonicalXml, parseXmlTree, type XmlElementNode } from '../../src/saml/xml-tree'
import { mutateXml, PROPERTY_TIMEOUT, runs, xmlMutations } from '../helpers/arbitraries'
import { makeSignedResponse } from '../helpers/test-idp'

// parseCanonicalXml skips the validator because canonical XML is well-formed by construction. These
// tests hold the construction to that: whatever parseXmlTree accepts, every element's canonical form,
// by every method, passes the validator and re-parses to the same canonical form.
const METHODS: C14nMethod[] = ['exclusive', 'inclusive-1.0', 'inclusive-1.1']
const LIMIT = 1 << 20

const corpus = import.meta.glob<string>(['../fixtures/saml/**/*.xml', '../fixtures/metadata/*.xml'], { query: '?raw', import: 'default', eager: true })
// The fixtures the engine accepts (the hostile ones it refuses have no canonical form to check).
const accepted = Object.entries(corpus).flatMap(([name, xml]) => {
  const parsed = parseXmlTree(xml, LIMIT)
  return parsed.ok ? [[name, parsed.value] as const] : []
})

/** Canonical forms that break the claim, as [problem, canonical] pairs; empty when it holds. */
function brokenCanonicalForms(root: XmlElementNode): [string, string][] {
  const broken: [string, string][] = []
  for (const el of descendantElements(root)) {
    for (const method of METHODS) {
      const canonical = canonicalize(el, { method, maxLength: LIMIT })
      // Refusing to canonicalize (e.g. an xml:base it cannot carry) is not a re-parse question.
      if (!canonical.ok) continue
      if (XMLValidator.validate(canonical.value) !== true) broken.push(['not well-formed', canonical.value])
      const reparsed = parseCanonicalXml(canonical.value, LIMIT)
      const again = reparsed.ok ? canonicalize(reparsed.value, { method, maxLength: LIMIT }) : null
      if (!again?.ok || again.value !== canonical.value) broken.push(['does not re-parse to itself', canonical.value])
    }
  }
  return broken
}

describe('parseCanonicalXml: the engine re-reads its own canonical bytes without the validator pass', () => {
  it('has a corpus: the committed fixtures the engine accepts', () => {
    expect(accepted.length).toBeGreaterThan(20)
  })

  it.each(accepted)('every element of %s', (_name, root) => {
    expect(brokenCanonicalForms(root)).toEqual([])
  })

  it(
    'every element of any mutated signed Response that parseXmlTree accepts',
    () => {
      const base = makeSignedResponse({ sign: 'both' })
      let accepted = 0
      fc.assert(
        fc.property(xmlMutations, (ms) => {
          const parsed = parseXmlTree(mutateXml(base, ms), LIMIT)
          if (!parsed.ok) return
          accepted++
          expect(brokenCanonicalForms(parsed.value)).toEqual([])
        }),
        runs(300),
      )
      // The property is about accepted documents: make sure there were some.
      expect(accepted).toBeGreaterThan(50)
    },
    PROPERTY_TIMEOUT,
  )

  it('still refuses what parseXmlTree refuses beyond well-formedness', () => {
    expect(parseCanonicalXml('<!DOCTYPE a><a/>', LIMIT)).toMatchObject({ ok: false, failure: { reason: 'dtd_forbidden' } })
    expect(parseCanonicalXml('<x:a></x:a>', LIMIT)).toMatchObject({ ok: false, failure: { reason: 'not_xml' } })
    expect(parseCanonicalXml('<a>&foo;</a>', LIMIT)).toMatchObject({ ok: false, failure: { reason: 'not_xml' } })
    expect(parseCanonicalXml(`<a>${'x'.repeat(100)}</a>`, 50)).toMatchObject({ ok: false, failure: { reason: 'too_large' } })
  })
})
