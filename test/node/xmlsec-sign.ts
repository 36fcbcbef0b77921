/**
 * Signs a SAML Response or its Assertion with the `xmlsec1` command line (libxmlsec1 over OpenSSL,
 * installed by scripts/ensure-tools.mjs), for the algorithms xml-crypto does not offer: ECDSA on
 * P-256/P-384/P-521, RSA-SHA384 and the SHA-384 digest. Node only (xmlsec1 is a process), so the
 * signed response can be made at test time for a connection's own entity ids, ACS and request.
 */
type ChildProcess = { execFileSync(file: string, args: string[], options?: { stdio?: unknown }): { toString(): string } }
type Fs = {
  mkdtempSync(prefix: string): string
  writeFileSync(path: string, data: string): void
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void
}
const node = async () => ({
  cp: (await import('node:child_process' as string)) as ChildProcess,
  fs: (await import('node:fs' as string)) as Fs,
  tmpdir: ((await import('node:os' as string)) as { tmpdir(): string }).tmpdir(),
})

const DS = 'http://www.w3.org/2000/09/xmldsig#'
const MORE = 'http://www.w3.org/2001/04/xmldsig-more#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ID_ATTRS = ['urn:oasis:names:tc:SAML:2.0:protocol:Response', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion'].flatMap((n) => ['--id-attr:ID', n])

export const SIGNATURE_METHODS = {
  'ecdsa-sha256': `${MORE}ecdsa-sha256`,
  'ecdsa-sha384': `${MORE}ecdsa-sha384`,
  'ecdsa-sha512': `${MORE}ecdsa-sha512`,
  'rsa-sha256': `${MORE}rsa-sha256`,
  'rsa-sha384': `${MORE}rsa-sha384`,
  'rsa-sha512': `${MORE}rsa-sha512`,
} as const
export const DIGEST_METHODS = { sha256: 'http://www.w3.org/2001/04/xmlenc#sha256', sha384: `${MORE}sha384`, sha512: 'http://www.w3.org/2001/04/xmlenc#sha512' } as const

export interface XmlsecSigning {
  /** PKCS#8 private key and its certificate, PEM. */
  key: string
  cert: string
  signatureMethod: keyof typeof SIGNATURE_METHODS
  digestMethod: keyof typeof DIGEST_METHODS
}

function template(s: XmlsecSigning, id: string): string {
  return (
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/><ds:SignatureMethod Algorithm="${SIGNATURE_METHODS[s.signatureMethod]}"/>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${DS}enveloped-signature"/><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${DIGEST_METHODS[s.digestMethod]}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo></ds:Signature>`
  )
}

/**
 * Signs the Response (`on: 'response'`) or the Assertion of `xml` (the test IdP's shape:
 * test/helpers/test-idp.ts), the Signature right after the element's Issuer (SAML Core §5.4.1).
 */
export async function xmlsecSign(xml: string, on: 'response' | 'assertion', s: XmlsecSigning): Promise<string> {
  const { cp, fs, tmpdir } = await node()
  const start = on === 'response' ? xml.indexOf('<samlp:Response') : xml.indexOf('<saml:Assertion')
  const id = /\sID="([^"]+)"/.exec(xml.slice(start))?.[1]
  const issuerEnd = xml.indexOf('</saml:Issuer>', start)
  if (start < 0 || !id || issuerEnd < 0) throw new Error(`xmlsecSign: no ${on} with an ID and an Issuer`)
  const at = issuerEnd + '</saml:Issuer>'.length
  const dir = fs.mkdtempSync(`${tmpdir}/saml-edge-xmlsec-sign-`)
  try {
    fs.writeFileSync(`${dir}/in.xml`, xml.slice(0, at) + template(s, id) + xml.slice(at))
    fs.writeFileSync(`${dir}/key.pem`, s.key)
    fs.writeFileSync(`${dir}/cert.pem`, s.cert)
    return cp.execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${dir}/key.pem,${dir}/cert.pem`, ...ID_ATTRS, `${dir}/in.xml`], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
