import { XMLParser } from 'fast-xml-parser'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_XML_DEPTH } from './limits'
import { parseXml } from './xml'

/**
 * A namespace-resolved XML tree and Exclusive XML Canonicalization 1.0 over it
 * (https://www.w3.org/TR/xml-exc-c14n/, the variant without comments). Signatures are checked
 * against this canonical form, so it follows the spec rather than any one signer's quirks.
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
  maxNestedTags: MAX_XML_DEPTH,
})

// XML 1.0 §2.2 Char production.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos))?;?/g
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes the predefined entities and character references; null on anything else (a bare `&`, `&foo;`). */
function decodeReferences(raw: string): string | null {
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
  const el: XmlElementNode = {
    type: 'element',
    name,
    ...qname,
    namespaceUri: '',
    attributes: [],
    declarations,
    parent,
    children: [],
  }
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
 * Parses untrusted XML into a namespace-resolved tree with whitespace kept exactly as sent.
 * The checks of `parseXml` (size, no DTD, depth, well-formedness) run first; on top of them this
 * refuses what that validator lets through: several roots, unknown entities, PIs, bad namespaces.
 */
export function parseXmlTree(text: string, maxBytes: number): Result<XmlElementNode, SamlFailure> {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const gate = parseXml(body, maxBytes)
  if (!gate.ok) return gate
  if (NOT_XML_CHAR.test(body)) return fail({ reason: 'not_xml', detail: 'character not allowed in XML' })
  let raw: unknown
  try {
    raw = parser.parse(body)
  } catch (e) {
    return fail({ reason: 'not_xml', detail: e instanceof Error ? e.message : String(e) })
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

export interface CanonicalizeOptions {
  /** The InclusiveNamespaces PrefixList; `#default` stands for the default namespace. */
  inclusivePrefixes?: readonly string[]
  /** An element left out with its subtree (the enveloped Signature). */
  exclude?: XmlElementNode
  /** Output cap in UTF-16 units; a hostile document can make c14n output grow past its input. */
  maxLength?: number
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;')
const escapeAttribute = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;')
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Exclusive XML Canonicalization 1.0 without comments of the subtree at `apex`
 * (exc-c14n §3: a namespace is rendered where it is visibly utilized, or listed in the PrefixList,
 * unless the nearest rendered ancestor already declared it with the same value). Null when the
 * output would pass `maxLength`.
 */
export function canonicalize(apex: XmlElementNode, options: CanonicalizeOptions = {}): string | null {
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)))
  const max = options.maxLength ?? Number.POSITIVE_INFINITY
  const out: string[] = []
  let length = 0
  const emit = (s: string) => {
    out.push(s)
    length += s.length
    return length <= max
  }

  // What the output ancestors declared, innermost first; a new link only where something was rendered.
  type Rendered = { declared: ReadonlyMap<string, string>; parent: Rendered | null } | null
  const renderedUri = (r: Rendered, prefix: string): string | undefined => {
    for (let at = r; at; at = at.parent) {
      const uri = at.declared.get(prefix)
      if (uri !== undefined) return uri
    }
    return prefix === '' ? '' : undefined
  }

  const render = (el: XmlElementNode, rendered: Rendered): boolean => {
    // Below the apex a listed prefix can only change where it is declared, so only there is it looked at.
    const listed = el === apex ? [...inclusive] : [...el.declarations.keys()].filter((p) => inclusive.has(p))
    const wanted = new Set([el.prefix, ...el.attributes.map((a) => a.prefix).filter(Boolean), ...listed])
    const declarations = new Map<string, string>()
    for (const prefix of wanted) {
      if (prefix === 'xml') continue
      const uri = lookupNamespace(el, prefix)
      if (uri !== undefined && uri !== renderedUri(rendered, prefix)) declarations.set(prefix, uri)
    }
    const inner: Rendered = declarations.size > 0 ? { declared: declarations, parent: rendered } : rendered
    let tag = `<${el.name}`
    for (const [prefix, uri] of [...declarations].sort(([a], [b]) => byCodeUnits(a, b))) {
      tag += ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeAttribute(uri)}"`
    }
    const attributes = [...el.attributes].sort(
      (a, b) => byCodeUnits(a.namespaceUri, b.namespaceUri) || byCodeUnits(a.localName, b.localName),
    )
    for (const a of attributes) tag += ` ${a.name}="${escapeAttribute(a.value)}"`
    if (!emit(`${tag}>`)) return false
    for (const c of el.children) {
      if (c.type === 'text' && !emit(escapeText(c.value))) return false
      if (c.type === 'element' && c !== options.exclude && !render(c, inner)) return false
    }
    return emit(`</${el.name}>`)
  }

  return render(apex, null) ? out.join('') : null
}
