import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_XML_DEPTH } from './limits'

/**
 * The one XML tree of the engine: untrusted XML parsed into elements whose names are resolved to
 * namespace URI + local name, with whitespace kept exactly as sent (canonicalization needs it).
 * Every reader (metadata, responses, AuthnRequests, signatures) matches on both parts of the name,
 * so `<x:EntityDescriptor xmlns:x="urn:not-saml">` is not metadata and an undeclared prefix is not XML.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace'

export interface XmlAttribute {
  name: string
  prefix: string
  localName: string
  /** '' for an unprefixed attribute, which is in no namespace. */
  namespaceUri: string
  /** The value after attribute-value normalization and reference decoding (XML 1.0 §3.3.3). */
  value: string
}

export interface XmlElementNode {
  type: 'element'
  name: string
  prefix: string
  localName: string
  namespaceUri: string
  /** Ordinary attributes; namespace declarations live in `declarations`. */
  attributes: XmlAttribute[]
  /** The namespace declarations made on this element itself ('' is the default namespace). */
  declarations: ReadonlyMap<string, string>
  parent: XmlElementNode | null
  children: XmlNode[]
}

export type XmlNode = XmlElementNode | { type: 'text'; value: string } | { type: 'comment' }

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  // The parser counts the document node too, so this allows exactly MAX_XML_DEPTH nested elements.
  maxNestedTags: MAX_XML_DEPTH - 1,
})

// Any DTD is refused outright: SAML never needs one, and it is where XXE and entity expansion live.
const DTD = /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i
// XML 1.0 §2.2 Char production.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos))?;?/g
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * Decodes the predefined entities and character references (XML 1.0 §4.1, §4.6) in one pass, so
 * `&amp;lt;` stays `&lt;`. Null on anything else (a bare `&`, `&foo;`, `&#0;`): without a DTD such a
 * reference names nothing, and the document is not well-formed (§4.1 WFC: Entity Declared).
 */
function decodeReferences(raw: string): string | null {
  if (!raw.includes('&')) return raw
  let bad = false
  const out = raw.replace(REFERENCE, (whole, hex?: string, dec?: string, named?: string) => {
    if (!whole.endsWith(';') || whole === '&;') return ((bad = true), '')
    if (named) return PREDEFINED[named] ?? ''
    const code = parseInt((hex ?? dec) as string, hex ? 16 : 10)
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : ''
    if (!char || NOT_XML_CHAR.test(char)) bad = true
    return char
  })
  return bad ? null : out
}

type Malformed = { detail: string }

/**
 * The namespace URI bound to `prefix` on `el` ('' for the default namespace when none is declared).
 * Bindings are looked up through the parents rather than copied onto every element, so a document
 * declaring many namespaces costs memory in proportion to its size.
 */
export function lookupNamespace(el: XmlElementNode | null, prefix: string): string | undefined {
  if (prefix === 'xml') return XML_NS
  for (let at = el; at; at = at.parent) {
    const uri = at.declarations.get(prefix)
    if (uri !== undefined) return uri
  }
  return prefix === '' ? '' : undefined
}

function splitName(name: string): { prefix: string; localName: string } | null {
  const parts = name.split(':')
  if (parts.length === 1 && parts[0]) return { prefix: '', localName: name }
  if (parts.length === 2 && parts[0] && parts[1]) return { prefix: parts[0], localName: parts[1] }
  return null
}

function convertElement(name: string, rawAttrs: unknown, rawChildren: unknown, parent: XmlElementNode | null): XmlElementNode | Malformed {
  const qname = splitName(name)
  if (!qname) return { detail: `bad element name ${name}` }
  const declarations = new Map<string, string>()
  const plain: [string, string][] = []
  for (const [key, raw] of Object.entries((rawAttrs ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith('@_') || typeof raw !== 'string' || raw.includes('<')) return { detail: `bad attribute ${key}` }
    const value = decodeReferences(raw.replace(/[\t\n\r]/g, ' '))
    if (value === null) return { detail: `bad reference in attribute ${key}` }
    const attrName = key.slice(2)
    if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
      const prefix = attrName === 'xmlns' ? '' : attrName.slice(6)
      const reserved = prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS)
      if (reserved || (prefix && !value) || prefix.includes(':')) return { detail: `bad declaration ${attrName}` }
      declarations.set(prefix, value)
    } else plain.push([attrName, value])
  }
  const el: XmlElementNode = { type: 'element', name, ...qname, namespaceUri: '', attributes: [], declarations, parent, children: [] }
  const namespaceUri = lookupNamespace(el, qname.prefix)
  if (namespaceUri === undefined) return { detail: `unbound prefix ${qname.prefix}` }
  el.namespaceUri = namespaceUri
  const seen = new Set<string>()
  for (const [attrName, value] of plain) {
    const an = splitName(attrName)
    const ns = an ? (an.prefix ? lookupNamespace(el, an.prefix) : '') : undefined
    if (!an || ns === undefined) return { detail: `bad attribute ${attrName}` }
    const expanded = `${ns} ${an.localName}`
    if (seen.has(expanded)) return { detail: `repeated attribute ${attrName}` }
    seen.add(expanded)
    el.attributes.push({ name: attrName, prefix: an.prefix, localName: an.localName, namespaceUri: ns, value })
  }
  const children = convertNodes(rawChildren, el)
  if (!Array.isArray(children)) return children
  el.children = children
  return el
}

function convertNodes(raw: unknown, parent: XmlElementNode | null): XmlNode[] | Malformed {
  if (!Array.isArray(raw)) return { detail: 'unexpected parser output' }
  const out: XmlNode[] = []
  for (const node of raw as Record<string, unknown>[]) {
    const keys = Object.keys(node).filter((k) => k !== ':@')
    const key = keys[0]
    if (keys.length !== 1 || key === undefined) return { detail: 'unexpected parser output' }
    const value = node[key]
    if (key === '#text') {
      const text = typeof value === 'string' ? decodeReferences(value) : null
      if (text === null) return { detail: 'bad reference in text' }
      out.push({ type: 'text', value: text })
    } else if (key === '#cdata') {
      const parts = Array.isArray(value) ? (value as Record<string, unknown>[]).map((v) => v['#text']) : [null]
      if (!parts.every((p) => typeof p === 'string')) return { detail: 'unexpected parser output' }
      out.push({ type: 'text', value: parts.join('') })
    } else if (key === '#comment') {
      out.push({ type: 'comment' })
    } else if (key.startsWith('?')) {
      // The parser keeps no PI data, so a PI could not be canonicalized faithfully; SAML never needs one.
      return { detail: 'processing instruction' }
    } else {
      const el = convertElement(key, node[':@'], value, parent)
      if (!('type' in el)) return el
      out.push(el)
    }
  }
  return out
}

/**
 * Parses untrusted XML into its root element, refusing: more than `maxBytes` of UTF-8, any DTD,
 * nesting deeper than MAX_XML_DEPTH, malformed XML, several roots, references other than the
 * predefined entities and character references, PIs, unbound prefixes and bad declarations.
 */
export const parseXmlTree = (text: string, maxBytes: number): Result<XmlElementNode, SamlFailure> => parseTree(text, maxBytes, true)

/**
 * Parses the engine's own canonical serialization of a tree `parseXmlTree` already accepted (the
 * bytes a signature digested). Canonical XML escapes every `<`, `&` and quote and writes each tag
 * whole, so it is well-formed by construction and fast-xml-parser's separate validator pass (a
 * quarter of a parse) is skipped; every other rule still holds.
 */
export const parseCanonicalXml = (text: string, maxBytes: number): Result<XmlElementNode, SamlFailure> => parseTree(text, maxBytes, false)

function parseTree(text: string, maxBytes: number, validate: boolean): Result<XmlElementNode, SamlFailure> {
  const sent = text.replace(/^\uFEFF/, '')
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string is refused before it is encoded.
  if (sent.length > maxBytes || new TextEncoder().encode(sent).byteLength > maxBytes) return fail({ reason: 'too_large', limit: maxBytes })
  if (DTD.test(sent)) return fail({ reason: 'dtd_forbidden' })
  const body = sent.replace(/\r\n?/g, '\n')
  if (NOT_XML_CHAR.test(body)) return fail({ reason: 'not_xml', detail: 'character not allowed in XML' })
  // The parser alone is lenient: it takes unclosed and mismatched tags, unquoted and repeated
  // attributes, text before the root. The validator refuses them.
  const valid = validate ? XMLValidator.validate(body) : true
  if (valid !== true) return fail({ reason: 'not_xml', detail: valid.err.msg })
  let raw: unknown
  try {
    raw = parser.parse(body)
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e)
    if (/nested tags/i.test(detail)) return fail({ reason: 'too_deep', limit: MAX_XML_DEPTH })
    return fail({ reason: 'not_xml', detail })
  }
  const nodes = convertNodes(raw, null)
  if (!Array.isArray(nodes)) return fail({ reason: 'not_xml', detail: nodes.detail })
  const roots = nodes.filter((n): n is XmlElementNode => n.type === 'element')
  const strayText = nodes.some((n) => n.type === 'text' && n.value.trim() !== '')
  if (roots.length !== 1 || strayText || !roots[0]) return fail({ reason: 'not_xml', detail: 'not exactly one root element' })
  return ok(roots[0])
}

/** Child elements, optionally only those with the given namespace and local name. */
export function childElements(el: XmlElementNode, namespaceUri?: string, localName?: string): XmlElementNode[] {
  return el.children.filter(
    (c): c is XmlElementNode =>
      c.type === 'element' &&
      (namespaceUri === undefined || c.namespaceUri === namespaceUri) &&
      (localName === undefined || c.localName === localName),
  )
}

/** Every element in the subtree, `el` included, in document order. */
export function descendantElements(el: XmlElementNode): XmlElementNode[] {
  const out: XmlElementNode[] = []
  const visit = (at: XmlElementNode) => {
    out.push(at)
    for (const c of at.children) if (c.type === 'element') visit(c)
  }
  visit(el)
  return out
}

/** An unprefixed attribute's value (SAML's own attributes are all unprefixed). */
export const attributeValue = (el: XmlElementNode, localName: string): string | undefined =>
  el.attributes.find((a) => a.namespaceUri === '' && a.localName === localName)?.value

/** All character data below `el`, comments skipped: `a<!---->b` reads as `ab`, never as `a`. */
export function textContent(el: XmlElementNode): string {
  return el.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? textContent(c) : '')).join('')
}
