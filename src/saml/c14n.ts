import { lookupNamespace, type XmlElementNode } from './xml-tree'

/**
 * Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/, the variant without
 * comments) over the namespace-resolved tree of xml-tree.ts. Signatures are checked against this
 * canonical form, so it follows the spec rather than any one signer's quirks.
 */

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
