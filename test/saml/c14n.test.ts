import { DOMParser } from '@xmldom/xmldom'
import { ExclusiveCanonicalization, findAncestorNs } from 'xml-crypto'
import { describe, expect, it } from 'vitest'
import { canonicalize } from '../../src/saml/c14n'
import { descendantElements, parseXmlTree, textContent, type XmlElementNode } from '../../src/saml/xml-tree'

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

/** Our canonical form of the first element named `qname` (the root when null). */
function ours(xml: string, qname: string | null, prefixList?: string[]): string | null {
  const root = parse(xml)
  const apex = qname === null ? root : descendantElements(root).find((e) => e.name === qname)
  if (!apex) throw new Error(`no <${qname}>`)
  return canonicalize(apex, { inclusivePrefixes: prefixList })
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
    expect(canonicalize(root, { exclude: drop })).toBe('<a><keep></keep>tail</a>')
  })

  it('returns null past maxLength', () => {
    expect(canonicalize(parse('<a>0123456789</a>'), { maxLength: 8 })).toBeNull()
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
