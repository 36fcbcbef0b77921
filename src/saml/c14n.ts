import { fail, ok, type Result, type SamlFailure } from './failures'
import { lookupNamespace, XML_NS, type XmlAttribute, type XmlElementNode } from './xml-tree'

/**
 * XML canonicalization, without comments, of an element's subtree (minus an excluded subtree, the
 * enveloped Signature) over the namespace-resolved tree of xml-tree.ts:
 * - Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/);
 * - Canonical XML 1.0 (https://www.w3.org/TR/xml-c14n/) and 1.1 (https://www.w3.org/TR/xml-c14n11/),
 *   the inclusive ones, where the apex carries every namespace in scope and the inheritable xml:*
 *   attributes of its ancestors (§2.4 of each: the ancestors are outside the node-set).
 * Signatures are checked against this canonical form, so it follows the specs rather than any one
 * signer's quirks.
 */

export type C14nMethod = 'exclusive' | 'inclusive-1.0' | 'inclusive-1.1'

export interface CanonicalizeOptions {
  /** 'exclusive' unless given. */
  method?: C14nMethod
  /** The exclusive InclusiveNamespaces PrefixList; `#default` stands for the default namespace. */
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

/** Every namespace binding in scope at `el`, the innermost declaration of each prefix winning. */
function inScope(el: XmlElementNode): Map<string, string> {
  const out = new Map<string, string>()
  for (let at: XmlElementNode | null = el; at; at = at.parent) {
    for (const [prefix, uri] of at.declarations) if (!out.has(prefix)) out.set(prefix, uri)
  }
  return out
}

/**
 * The xml:* attributes the apex inherits from its ancestors, nearest first, unless it has its own:
 * in 1.0 every one (§2.4); in 1.1 only xml:lang and xml:space, xml:id never, and xml:base needs the
 * §2.4 fix-up (joining the ancestors' values as URI references), which is not implemented: such a
 * document is refused instead (null).
 */
function inheritedXmlAttributes(apex: XmlElementNode, method: 'inclusive-1.0' | 'inclusive-1.1'): XmlAttribute[] | null {
  const taken = new Map(apex.attributes.filter((a) => a.namespaceUri === XML_NS).map((a) => [a.localName, a]))
  const out: XmlAttribute[] = []
  for (let at = apex.parent; at; at = at.parent) {
    for (const a of at.attributes) {
      if (a.namespaceUri !== XML_NS || taken.has(a.localName)) continue
      if (method === 'inclusive-1.1' && a.localName === 'base') return null
      if (method === 'inclusive-1.1' && a.localName !== 'lang' && a.localName !== 'space') continue
      taken.set(a.localName, a)
      out.push(a)
    }
  }
  return out
}

/**
 * The canonical form of the subtree at `apex`. Exclusive (exc-c14n §3): a namespace is rendered
 * where it is visibly utilized, or listed in the PrefixList, unless the nearest rendered ancestor
 * already declared it with the same value. Inclusive: the apex renders every namespace in scope
 * (bar an empty default), each descendant the declarations whose value differs from its parent's.
 * Fails when the output would pass `maxLength`, or for a 1.1 apex that inherits xml:base.
 */
export function canonicalize(apex: XmlElementNode, options: CanonicalizeOptions = {}): Result<string, SamlFailure> {
  const method = options.method ?? 'exclusive'
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)))
  const max = options.maxLength ?? Number.POSITIVE_INFINITY
  const apexInherits = method === 'exclusive' ? [] : inheritedXmlAttributes(apex, method)
  if (apexInherits === null) return fail({ reason: 'algorithm_not_allowed', algorithm: 'Canonical XML 1.1 with an inherited xml:base' })
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

  const exclusiveDeclarations = (el: XmlElementNode, rendered: Rendered): Map<string, string> => {
    // Below the apex a listed prefix can only change where it is declared, so only there is it looked at.
    const listed = el === apex ? [...inclusive] : [...el.declarations.keys()].filter((p) => inclusive.has(p))
    const wanted = new Set([el.prefix, ...el.attributes.map((a) => a.prefix).filter(Boolean), ...listed])
    const declarations = new Map<string, string>()
    for (const prefix of wanted) {
      if (prefix === 'xml') continue
      const uri = lookupNamespace(el, prefix)
      if (uri !== undefined && uri !== renderedUri(rendered, prefix)) declarations.set(prefix, uri)
    }
    return declarations
  }

  // Inside a subtree every parent is rendered, so "differs from the nearest rendered ancestor" is
  // "differs from the parent"; the apex has no rendered ancestor, so an empty default is all it omits.
  const inclusiveDeclarations = (el: XmlElementNode): Map<string, string> => {
    const candidates = el === apex ? inScope(el) : el.declarations
    const declarations = new Map<string, string>()
    for (const [prefix, uri] of candidates) {
      if (prefix === 'xml') continue
      const render = el === apex ? prefix !== '' || uri !== '' : uri !== lookupNamespace(el.parent, prefix)
      if (render) declarations.set(prefix, uri)
    }
    return declarations
  }

  const render = (el: XmlElementNode, rendered: Rendered): boolean => {
    const declarations = method === 'exclusive' ? exclusiveDeclarations(el, rendered) : inclusiveDeclarations(el)
    const inner: Rendered = declarations.size > 0 ? { declared: declarations, parent: rendered } : rendered
    let tag = `<${el.name}`
    for (const [prefix, uri] of [...declarations].sort(([a], [b]) => byCodeUnits(a, b))) {
      tag += ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeAttribute(uri)}"`
    }
    const attributes = [...el.attributes, ...(el === apex ? apexInherits : [])].sort(
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

  return render(apex, null) ? ok(out.join('')) : fail({ reason: 'too_large', limit: max })
}
