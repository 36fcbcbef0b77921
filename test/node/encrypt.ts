/**
 * Encrypts the Assertion of a SAML Response as IdPs do, with two XML Encryption implementations
 * nobody here wrote: `xml-encryption` (npm, Node's OpenSSL) and the `xmlsec1` command line
 * (libxmlsec1, installed by scripts/ensure-tools.mjs). The result is the Response with a
 * `saml:EncryptedAssertion` in the Assertion's place. Used by the Node-side tests and by
 * scripts/make-encrypted-fixtures.mjs; Node only (xmlsec1 is a process).
 */
import xmlenc from 'xml-encryption'

type ChildProcess = { execFileSync(file: string, args: string[], options?: { stdio?: unknown }): unknown }
type Fs = {
  mkdtempSync(prefix: string): string
  writeFileSync(path: string, data: string): void
  readFileSync(path: string, encoding: 'utf8'): string
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void
}
const node = async () => ({
  cp: (await import('node:child_process' as string)) as ChildProcess,
  fs: (await import('node:fs' as string)) as Fs,
  tmpdir: ((await import('node:os' as string)) as { tmpdir(): string }).tmpdir(),
})

export const XENC = 'http://www.w3.org/2001/04/xmlenc#'
export const XENC11 = 'http://www.w3.org/2009/xmlenc11#'
const DSIG = 'http://www.w3.org/2000/09/xmldsig#'

export type Implementation = 'xml-encryption' | 'xmlsec1'
export type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'
/** Where the EncryptedKey goes: inside the EncryptedData's KeyInfo, or beside the EncryptedData, named by a RetrievalMethod, a KeyName, or nothing. */
export type Placement = 'inline' | 'retrieval-method' | 'key-name' | 'sibling'

export interface Encryption {
  /** The EncryptedData EncryptionMethod, e.g. `${XENC11}aes256-gcm`. */
  content: string
  /** The EncryptedKey EncryptionMethod, e.g. `${XENC}rsa-oaep-mgf1p`. */
  transport: string
  /** OAEP DigestMethod (default SHA-1). */
  digest?: Hash
  /** xmlenc11#rsa-oaep's MGF (default MGF1 with SHA-1). */
  mgf?: Hash
  placement?: Placement
}

const DIGEST_URIS: Record<Hash, string> = {
  sha1: `${DSIG}sha1`,
  sha224: 'http://www.w3.org/2001/04/xmldsig-more#sha224',
  sha256: `${XENC}sha256`,
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: `${XENC}sha512`,
}

/** The outer XML of the first element named `qname` (elements that do not nest themselves). */
function elementAt(xml: string, qname: string): { start: number; end: number } {
  const start = xml.search(new RegExp(`<${qname}[\\s>/]`))
  const close = `</${qname}>`
  const end = xml.indexOf(close, start)
  if (start < 0 || end < 0) throw new Error(`encrypt: <${qname}> not found`)
  return { start, end: end + close.length }
}


/** xml-encryption: the Assertion's XML, as serialized in the document, encrypted into an EncryptedData. */
async function withXmlEncryption(responseXml: string, e: Encryption, certPem: string): Promise<string> {
  const { start, end } = elementAt(responseXml, 'saml:Assertion')
  const { createPublicKey } = (await import('node:crypto' as string)) as { createPublicKey(pem: string): { export(o: object): string } }
  const options = {
    rsa_pub: createPublicKey(certPem).export({ type: 'spki', format: 'pem' }),
    pem: certPem,
    encryptionAlgorithm: e.content,
    keyEncryptionAlgorithm: e.transport,
    keyEncryptionDigest: e.digest ?? 'sha1',
    ...(e.mgf ? { keyEncryptionMgf: e.mgf } : {}),
    disallowEncryptionWithInsecureAlgorithm: false,
    warnInsecureAlgorithm: false,
  }
  let data = await new Promise<string>((resolve, reject) =>
    xmlenc.encrypt(responseXml.slice(start, end), options, (err: Error | null, out: string) => (err ? reject(err) : resolve(out))),
  )
  // Its template names SHA-1/256/512 only; other digests come out as the bare name.
  for (const hash of ['sha224', 'sha384'] as const) data = data.replace(`Algorithm="${hash}"`, `Algorithm="${DIGEST_URIS[hash]}"`)
  return `${responseXml.slice(0, start)}<saml:EncryptedAssertion>${data}</saml:EncryptedAssertion>${responseXml.slice(end)}`
}

/** xmlsec1: the Assertion encrypted in place from a template, inside an EncryptedAssertion. */
async function withXmlsec1(responseXml: string, e: Encryption, certPem: string): Promise<string> {
  if (e.transport === `${XENC11}rsa-oaep` || e.mgf) throw new Error('xmlsec1 1.2 has no xmlenc11#rsa-oaep')
  const { cp, fs, tmpdir } = await node()
  const { start, end } = elementAt(responseXml, 'saml:Assertion')
  const wrapped = `${responseXml.slice(0, start)}<saml:EncryptedAssertion>${responseXml.slice(start, end)}</saml:EncryptedAssertion>${responseXml.slice(end)}`
  const oaep = e.transport.includes('rsa-oaep')
  const template =
    `<xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element"><xenc:EncryptionMethod Algorithm="${e.content}"/>` +
    `<ds:KeyInfo xmlns:ds="${DSIG}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${e.transport}">` +
    (oaep ? `<ds:DigestMethod Algorithm="${DIGEST_URIS[e.digest ?? 'sha1']}"/>` : '') +
    `</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>`
  const bits = e.content.includes('tripledes') ? 'des-192' : `aes-${e.content.match(/aes(\d+)/)?.[1]}`
  const dir = fs.mkdtempSync(`${tmpdir}/saml-edge-xmlsec-`)
  try {
    fs.writeFileSync(`${dir}/data.xml`, wrapped)
    fs.writeFileSync(`${dir}/template.xml`, template)
    fs.writeFileSync(`${dir}/cert.pem`, certPem)
    cp.execFileSync(
      'xmlsec1',
      ['encrypt', '--pubkey-cert-pem', `${dir}/cert.pem`, '--session-key', bits, '--xml-data', `${dir}/data.xml`,
        '--node-xpath', "//*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']", '--output', `${dir}/out.xml`, `${dir}/template.xml`],
      { stdio: 'pipe' },
    )
    return fs.readFileSync(`${dir}/out.xml`, 'utf8')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const declarationsOf = (startTag: string) => [...startTag.matchAll(/\sxmlns(?::[\w.-]+)?="[^"]*"/g)].map((m) => m[0])

/**
 * Moves the EncryptedKey out of the EncryptedData's KeyInfo to sit beside the EncryptedData, as
 * Shibboleth and others place it, taking along the namespace declarations it relied on; the KeyInfo
 * then names it by RetrievalMethod or KeyName, or is dropped. The encrypted bytes stay the implementation's.
 */
export function placeEncryptedKey(xml: string, placement: Placement): string {
  if (placement === 'inline') return xml
  const keyMatch = /<([\w.-]+:)?EncryptedKey[\s>]/.exec(xml)
  if (!keyMatch) throw new Error('encrypt: no EncryptedKey')
  const keyPrefix = keyMatch[1] ?? ''
  const key = elementAt(xml, `${keyPrefix}EncryptedKey`)
  const keyInfoStart = Math.max(xml.lastIndexOf('<KeyInfo', key.start), xml.lastIndexOf('<ds:KeyInfo', key.start))
  const keyInfoTag = xml.slice(keyInfoStart, xml.indexOf('>', keyInfoStart) + 1)
  const keyInfoClose = keyInfoTag.startsWith('<ds:') ? '</ds:KeyInfo>' : '</KeyInfo>'
  const keyInfoEnd = xml.indexOf(keyInfoClose, key.end) + keyInfoClose.length
  const dataStart = xml.search(/<([\w.-]+:)?EncryptedData[\s>]/)
  const dataTag = xml.slice(dataStart, xml.indexOf('>', dataStart) + 1)

  let moved = xml.slice(key.start, key.end)
  const ownTag = moved.slice(0, moved.indexOf('>'))
  const inherited = [...declarationsOf(dataTag), ...declarationsOf(keyInfoTag)].filter((d) => !ownTag.includes(d.split('=')[0] + '='))
  const extra = placement === 'retrieval-method' ? ' Id="_saml_edge_ek"' : ''
  moved = moved.replace(/^<[\w.:-]+/, (tag) => `${tag}${[...new Set(inherited)].join('')}${extra}`)
  if (placement === 'key-name') moved = moved.replace(/<\/[\w.:-]*EncryptedKey>$/, (close) => `<${keyPrefix}CarriedKeyName>saml-edge SP key</${keyPrefix}CarriedKeyName>${close}`)
  const ds = keyInfoTag.startsWith('<ds:') ? 'ds:' : ''
  const reference =
    placement === 'retrieval-method'
      ? `${keyInfoTag}<${ds}RetrievalMethod URI="#_saml_edge_ek" Type="${XENC}EncryptedKey"/>${keyInfoClose}`
      : placement === 'key-name'
        ? `${keyInfoTag}<${ds}KeyName>saml-edge SP key</${ds}KeyName>${keyInfoClose}`
        : ''
  const withoutKey = xml.slice(0, keyInfoStart) + reference + xml.slice(keyInfoEnd)
  const dataClose = /<\/([\w.-]+:)?EncryptedData>/.exec(withoutKey)
  if (!dataClose) throw new Error('encrypt: no EncryptedData end')
  const at = dataClose.index + dataClose[0].length
  return withoutKey.slice(0, at) + moved + withoutKey.slice(at)
}

/** The Response with its Assertion encrypted by `implementation` to the certificate `certPem`. */
export async function encryptAssertion(responseXml: string, implementation: Implementation, e: Encryption, certPem: string): Promise<string> {
  const encrypted = implementation === 'xmlsec1' ? await withXmlsec1(responseXml, e, certPem) : await withXmlEncryption(responseXml, e, certPem)
  if (!encrypted.includes('EncryptedAssertion') || encrypted.includes('<saml:Assertion')) throw new Error('encrypt: the Assertion is still in clear')
  return placeEncryptedKey(encrypted, e.placement ?? 'inline')
}

