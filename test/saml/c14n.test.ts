import { DOMParser } from '@xmldom/xmldom'
import { ExclusiveCanonicalization, findAncestorNs } from 'xml-crypto'
import { describe, expect, it } from 'vitest'
import { canonicalize, type C14nMethod } from '../../src/saml/c14n'
import { descendantElements, parseXmlTree, textContent, type XmlElementNode } from '../../src/saml/xml-tree'
import libxml2 from '../fixtures/saml/c14n/libxml2.json'

const fixtures = import.meta.glob<string>('../fixtures/saml/c14n/*.xml', { query: '?raw', import: 'default', eager: true })
const fixture = (name: string): string => {
  const text = fixtures[`../fixtures/saml/c14n/${name}.xml`]
  if (text === undefined) throw new Error(`no fixture ${name}`)
  return text
}

function parse(xml: string): XmlElementNode {
  const result = parseXmlTree(xml, 1 << 20)
  if (!result.ok) throw new Error(`fixture did not parse: ${JSON.stringify(result.failure)}`)
  return result.value
}

const apexOf = (root: XmlElementNode, qname: string | null): XmlElementNode => {
  const apex = qname === null ? root : descendantElements(root).find((e) => e.name === qname)
  if (!apex) throw new Error(`no <${qname}>`)
  return apex
}

/** Our canonical form of the first element named `qname` (the root when null); null when refused. */
function ours(xml: string, qname: string | null, prefixList?: string[], method: C14nMethod = 'exclusive'): string | null {
  const result = canonicalize(apexOf(parse(xml), qname), { method, inclusivePrefixes: prefixList })
  return result.ok ? result.value : null
}

/** xml-crypto's canonical form of the same element, given the ancestors' namespaces as SignedXml does. */
function theirs(xml: string, qname: string | null, prefixList?: string[]): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml')
  const apex = qname === null ? doc.documentElement : doc.getElementsByTagName(qname)[0]
  if (!apex) throw new Error(`no <${qname}>`)
  const xpath = qname === null ? '/*' : `//*[name()='${qname}']`
  return new ExclusiveCanonicalization().process(apex, {
    inclusiveNamespacesPrefixList: prefixList ?? [],
    ancestorNamespaces: prefixList ? findAncestorNs(doc, xpath) : [],
  }) as string
}

describe('canonicalize agrees with xml-crypto ExclusiveCanonicalization', () => {
  const cases: { name: string; file: string; apex: string | null; prefixList?: string[] }[] = [
    { name: 'namespaces declared on ancestors, apex deep inside', file: 'ancestors', apex: 'a:target' },
    { name: 'namespaces declared on ancestors, whole document', file: 'ancestors', apex: null },
    { name: 'namespaces declared on ancestors, leaf declaring its own', file: 'ancestors', apex: 'c:third' },
    { name: 'default namespace, xmlns="" and redeclaration', file: 'default-namespace', apex: 'target' },
    { name: 'default namespace, whole document', file: 'default-namespace', apex: null },
    { name: 'without PrefixList, xs is not visibly utilized', file: 'prefix-list', apex: 'saml:Assertion' },
    { name: 'PrefixList renders xs and xsi at the apex', file: 'prefix-list', apex: 'saml:Assertion', prefixList: ['xs', 'xsi'] },
    { name: 'PrefixList naming an out-of-scope prefix', file: 'prefix-list', apex: 'saml:Assertion', prefixList: ['xs', 'nope'] },
    { name: 'attribute ordering by namespace URI then local name', file: 'attribute-order', apex: null },
    { name: 'text and attribute escaping', file: 'escaping', apex: null },
    { name: 'CRLF and CR line endings', file: 'crlf', apex: null },
    { name: 'entity and character references, CDATA', file: 'entities', apex: null },
    { name: 'comments removed inside and outside the root', file: 'comments', apex: null },
    { name: 'the exc-c14n spec example', file: 'spec-example', apex: 'n1:elem2' },
  ]
  it.each(cases)('$name', ({ file, apex, prefixList }) => {
    const xml = fixture(file)
    expect(ours(xml, apex, prefixList)).toBe(theirs(xml, apex, prefixList))
  })
})

describe('canonicalize agrees with libxml2 (xmllint, and xmlsec1 for subtrees) in every method', () => {
  it('has an answer for every fixture, under each of the three methods', () => {
    const files = Object.keys(fixtures).map((p) => p.replace('../fixtures/saml/c14n/', '').replace('.xml', ''))
    expect([...new Set(libxml2.cases.map((c) => c.file))].sort()).toEqual(files.sort())
    const methods = (m: string) => libxml2.cases.filter((c) => c.method === m).length
    expect([methods('exclusive'), methods('inclusive-1.0'), methods('inclusive-1.1')].every((n) => n >= 25)).toBe(true)
  })

  it.each(libxml2.cases.map((c) => ({ ...c, list: c.prefixList?.join(' ') ?? '' })))('$method $file $apex $list', ({ file, apex, method, prefixList, output }) => {
    expect(ours(fixture(file), apex, prefixList, method as C14nMethod)).toBe(output)
  })
})

describe('inclusive canonicalization of a subtree, against the specs directly', () => {
  const xml = () => fixture('xml-attributes')

  it('gives the apex every namespace in scope, used or not (C14N 1.0 §2.4)', () => {
    expect(ours(fixture('ancestors'), 'c:third', undefined, 'inclusive-1.0')).toBe(
      '<c:third xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" xmlns:r="urn:root" xmlns:unused="urn:unused"><c:deeper></c:deeper></c:third>',
    )
  })

  it('in 1.0, gives the apex the xml:* attributes of its nearest ancestors that have them, its own first', () => {
    expect(ours(xml(), 'target2', undefined, 'inclusive-1.0')).toBe('<target2 xmlns:a="urn:a" z="1" xml:id="o1" xml:lang="en" xml:space="preserve"></target2>')
  })

  it('in 1.1, inherits xml:lang and xml:space only, never xml:id', () => {
    expect(ours(xml(), 'target2', undefined, 'inclusive-1.1')).toBe('<target2 xmlns:a="urn:a" z="1" xml:lang="en" xml:space="preserve"></target2>')
  })

  it('inherits nothing below the apex: descendants keep only their own attributes', () => {
    expect(ours(xml(), 'a:target', undefined, 'inclusive-1.0')).toContain('<leaf xml:lang="de"></leaf>')
  })

  it('in 1.0, inherits xml:base as written; in 1.1 refuses an inherited xml:base rather than fix it up', () => {
    expect(ours(fixture('xml-base'), 'target', undefined, 'inclusive-1.0')).toBe('<target xml:base="b/" xml:lang="en"><x></x></target>')
    const result = canonicalize(apexOf(parse(fixture('xml-base')), 'target'), { method: 'inclusive-1.1' })
    expect(result).toEqual({ ok: false, failure: { reason: 'algorithm_not_allowed', algorithm: 'Canonical XML 1.1 with an inherited xml:base' } })
    expect(ours(fixture('xml-base'), null, undefined, 'inclusive-1.1')).toContain('<root xml:base="http://example.com/a/" xml:lang="en">')
  })

  it('ignores a PrefixList, which only exclusive canonicalization reads', () => {
    const inclusive = ours(fixture('prefix-list'), 'saml:Assertion', undefined, 'inclusive-1.0')
    expect(ours(fixture('prefix-list'), 'saml:Assertion', ['nope'], 'inclusive-1.0')).toBe(inclusive)
  })
})

describe('canonicalize, against the specs directly', () => {
  it('matches the exc-c14n spec §2.2 example output', () => {
    expect(ours(fixture('spec-example'), 'n1:elem2')).toBe(
      '<n1:elem2 xmlns:n1="http://example.net" xml:lang="en">\n    <n3:stuff xmlns:n3="ftp://example.org"></n3:stuff>\n  </n1:elem2>',
    )
  })

  it('normalizes line endings before canonicalizing, and attribute whitespace to spaces', () => {
    expect(ours(fixture('crlf'), null)).toBe('<doc a="line1 line2 tab">\n  <p>one\ntwo\nthree</p>\n</doc>')
  })

  it('keeps character references to whitespace in attributes as references', () => {
    expect(ours('<a v="&#9;&#10;&#13; x"/>', null)).toBe('<a v="&#x9;&#xA;&#xD; x"></a>')
  })

  it('drops a comment that splits a text node, joining the text', () => {
    const root = parse(fixture('comments'))
    const name = descendantElements(root).find((e) => e.name === 'name')
    expect(name && textContent(name)).toBe('user@evil.com.attacker.com')
    expect(ours(fixture('comments'), 'name')).toBe('<name>user@evil.com.attacker.com</name>')
  })

  it('renders PrefixList #default as the default namespace', () => {
    const xml = '<r xmlns="urn:d" xmlns:p="urn:p"><p:e/></r>'
    expect(ours(xml, 'p:e')).toBe('<p:e xmlns:p="urn:p"></p:e>')
    expect(ours(xml, 'p:e', ['#default'])).toBe('<p:e xmlns="urn:d" xmlns:p="urn:p"></p:e>')
  })

  it('leaves out the excluded element and its subtree', () => {
    const root = parse('<a><keep/><drop><x/></drop>tail</a>')
    const drop = descendantElements(root).find((e) => e.name === 'drop')
    expect(canonicalize(root, { exclude: drop })).toEqual({ ok: true, value: '<a><keep></keep>tail</a>' })
  })

  it.each<C14nMethod>(['exclusive', 'inclusive-1.0', 'inclusive-1.1'])('%s: refuses output past maxLength', (method) => {
    expect(canonicalize(parse('<a>0123456789</a>'), { method, maxLength: 8 })).toEqual({ ok: false, failure: { reason: 'too_large', limit: 8 } })
  })
})

describe('parseXmlTree refuses what a canonicalizer could not represent faithfully', () => {
  it.each([
    ['an undeclared entity', '<a>&foo;</a>', 'not_xml'],
    ['a bare ampersand', '<a>fish & chips</a>', 'not_xml'],
    ['a reference to a non-character', '<a>&#0;</a>', 'not_xml'],
    ['a processing instruction', '<a><?pi data?></a>', 'not_xml'],
    ['two root elements', '<a/><b/>', 'not_xml'],
    ['an unbound prefix', '<p:a/>', 'not_xml'],
    ['the same attribute through two prefixes', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:v="1" q:v="2"/>', 'not_xml'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'dtd_forbidden'],
  ])('refuses %s', (_name, xml, reason) => {
    const result = parseXmlTree(xml, 1 << 20)
    expect(result.ok ? null : result.failure.reason).toBe(reason)
  })
})
