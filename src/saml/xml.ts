import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_XML_DEPTH } from './limits'

/** An element as fast-xml-parser gives it with `isArray` on: attributes under `@_`, children as arrays. */
export type XmlElement = { [key: string]: unknown }

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g

/**
 * Decodes the five predefined entities and character references (XML 1.0 §4.1, §4.6), in one pass so
 * `&amp;lt;` stays `&lt;`. The parser's own entity handling stays off because it would also take DTD
 * entities; anything else shaped like a reference is left as written (without a DTD it names nothing).
 * The parser hands CDATA to the same hook, so `<![CDATA[&amp;]]>` reads as `&`; metadata never relies on that.
 */
function decodeReferences(value: string): string {
  if (!value.includes('&')) return value
  return value.replace(REFERENCE, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return PREDEFINED[name] ?? whole
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec)
    const isChar = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
    return isChar ? String.fromCodePoint(code) : whole
  })
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // The parser counts the document node too, so this allows exactly MAX_XML_DEPTH nested elements.
  maxNestedTags: MAX_XML_DEPTH - 1,
  // Without these, `Location="...?a=1&amp;b=2"` would reach callers with `&amp;` still in it.
  tagValueProcessor: (_name, value) => decodeReferences(value),
  attributeValueProcessor: (_name, value) => decodeReferences(value),
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
})

// Any DTD is refused outright: SAML never needs one, and it is where XXE and entity expansion live.
const DTD = /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i

/**
 * Parses untrusted XML into a tree, refusing DTDs, deep nesting and malformed documents.
 * The result is the document node: its one key is the root element's name. Attribute values and
 * text come back with entity and character references decoded.
 */
export function parseXml(text: string, maxBytes: number): Result<XmlElement, SamlFailure> {
  const body = text.replace(/^\uFEFF/, '')
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string is refused before it is encoded.
  if (body.length > maxBytes || new TextEncoder().encode(body).byteLength > maxBytes) return fail({ reason: 'too_large', limit: maxBytes })
  if (DTD.test(body)) return fail({ reason: 'dtd_forbidden' })
  const valid = XMLValidator.validate(body)
  if (valid !== true) return fail({ reason: 'not_xml', detail: valid.err.msg })
  let doc: XmlElement
  try {
    doc = parser.parse(body) as XmlElement
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e)
    if (/nest/i.test(detail)) return fail({ reason: 'too_deep', limit: MAX_XML_DEPTH })
    return fail({ reason: 'not_xml', detail })
  }
  // The validator lets `<a/><b/>` through; a second root could smuggle in a second EntityDescriptor.
  const roots = Object.values(doc)
  if (roots.length !== 1 || !Array.isArray(roots[0]) || roots[0].length !== 1) return fail({ reason: 'not_xml', detail: 'not exactly one root element' })
  return ok(doc)
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  const v = el?.[name]
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as XmlElement[]) : []
}

export const child = (el: XmlElement | undefined, name: string): XmlElement | undefined => children(el, name)[0]

export function attr(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.[`@_${name}`]
  return typeof v === 'string' ? v : undefined
}

/** The text content of a leaf element ('' when absent). */
export function textOf(el: XmlElement | string | undefined): string {
  if (typeof el === 'string') return el
  const t = el?.['#text']
  if (typeof t === 'string') return t
  if (Array.isArray(t)) return t.join('')
  return ''
}

/** Text of every `name` child, including leaves that the parser stored as plain strings. */
export function childTexts(el: XmlElement | undefined, name: string): string[] {
  const v = el?.[name]
  if (!Array.isArray(v)) return []
  return v.map((x) => textOf(x as XmlElement | string))
}
