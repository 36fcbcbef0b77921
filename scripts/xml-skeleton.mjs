// The shape of an XML document, without its content: tags with their prefixes, attribute names in
// order (values only where they are part of the shape: algorithms, formats, namespace declarations),
// whitespace between and inside tags, and how base64 values are laid out in lines. Two documents with
// the same skeleton differ only in names, identifiers, times, keys and other values.
// scripts/make-conformance-fixtures.mjs compares its fixtures with the captured responses this way.
const KEEP = new Set(['Algorithm', 'Format', 'Method', 'NameFormat', 'xsi:type', 'Value', 'Version', 'PrefixList', 'standalone', 'encoding', 'version', 'Consent'])
const BASE64_PARENT = /(SignatureValue|X509Certificate|DigestValue|Modulus)$/
const shown = (s) => JSON.stringify(s).slice(1, -1)

/** Base64 text as its line layout: `x` for a run of base64, `[sep x]*` for its repeated lines. */
function base64Layout(text) {
  const runs = text.replace(/[A-Za-z0-9+/=]+/g, 'x')
  return shown(runs.replace(/x(\n[ \t]*)x(\1x)*/g, (_, sep) => `x[${sep}x]*`))
}

export function skeleton(xml) {
  let out = ''
  const open = []
  for (const [token] of xml.matchAll(/<\?[^?]*\?>|<!--[\s\S]*?-->|<\/?[^>]+>|[^<]+/g)) {
    if (token.startsWith('<?')) out += token.replace(/([\w:]+)="[^"]*"/g, (a, n) => (KEEP.has(n) ? a : `${n}=…`))
    else if (token.startsWith('</')) {
      out += token
      open.pop()
    } else if (token.startsWith('<')) {
      const name = /^<([^\s/>]+)/.exec(token)[1]
      const attrs = [...token.matchAll(/\s+([^\s=]+)="([^"]*)"/g)].map(([, n, v]) => (n.startsWith('xmlns') || KEEP.has(n) ? ` ${n}="${v}"` : ` ${n}=…`))
      const end = /\s\/>$/.test(token) ? ' />' : token.endsWith('/>') ? '/>' : '>'
      const doubleSpaced = /"\s{2,}\S/.test(token) ? ' (double spaces)' : ''
      out += `<${name}${attrs.join('')}${doubleSpaced}${end}`
      if (end === '>') open.push(name)
    } else if (/^\s+$/.test(token)) out += shown(token)
    else out += BASE64_PARENT.test(open.at(-1) ?? '') ? base64Layout(token) : 'T'
  }
  return out
}

/** The first place two skeletons differ, with some context, or null. */
export function firstDifference(a, b) {
  if (a === b) return null
  let i = 0
  while (a[i] === b[i]) i++
  const from = Math.max(0, i - 80)
  return { ours: a.slice(from, i + 80), theirs: b.slice(from, i + 80) }
}
