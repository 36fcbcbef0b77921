import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { fail, ok, type Result, type SamlFailure } from './failures'
import { MAX_XML_DEPTH } from './limits'

/** An element as fast-xml-parser gives it with `isArray` on: attributes under `@_`, children as arrays. */
export type XmlElement = { [key: string]: unknown }

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
  maxNestedTags: MAX_XML_DEPTH,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
})

// Any DTD is refused outright: SAML never needs one, and it is where XXE and entity expansion live.
const DTD = /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i

/** Parses untrusted XML into a tree, refusing DTDs, deep nesting and malformed documents. */
export function parseXml(text: string, maxBytes: number): Result<XmlElement, SamlFailure> {
  const body = text.replace(/^\uFEFF/, '')
  if (new TextEncoder().encode(body).byteLength > maxBytes) return fail({ reason: 'too_large', limit: maxBytes })
  if (DTD.test(body)) return fail({ reason: 'dtd_forbidden' })
  const valid = XMLValidator.validate(body)
  if (valid !== true) return fail({ reason: 'not_xml', detail: valid.err.msg })
  try {
    return ok(parser.parse(body) as XmlElement)
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e)
    if (/nest/i.test(detail)) return fail({ reason: 'too_deep', limit: MAX_XML_DEPTH })
    return fail({ reason: 'not_xml', detail })
  }
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
