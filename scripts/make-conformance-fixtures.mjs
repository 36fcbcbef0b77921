#!/usr/bin/env node
// Regenerates test/fixtures/saml/conformance/: one signed response for each shape of the real IdP
// responses in ../shared/reference/idp-responses (scripts/conformance-shapes.mjs holds the shapes,
// with our own names, times and keys; nothing of the captured files is copied), and cases.json, which
// says what the engine must make of each (test/saml/conformance.test.ts).
//
//   node scripts/make-conformance-fixtures.mjs      (needs xmlsec1: apt-get install xmlsec1)
//
// Signed by xml-crypto where it can (RSA, exc-c14n, compact signatures) and by xmlsec1 where it cannot
// (Canonical XML 1.1, Reference URI="", whitespace inside SignedInfo); xmlsec1 then checks every
// signature of every file, and cases.json records its verdict. Certificates are made here, valid from
// 2010 to 2049 so every case's clock falls inside them; the 2048-bit key and the "other" key are the
// committed test keys (test/fixtures/keys), so those fixtures come out the same on every run; the
// 1024- and 4096-bit keys are made afresh and thrown away. When the reference directory is present,
// each fixture's skeleton (scripts/xml-skeleton.mjs) is compared with its original's, and a
// difference not declared by the case (`skeletonDiffers`) stops the run.
import 'reflect-metadata'
import { execFileSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as x509 from '@peculiar/x509'
import { SignedXml } from 'xml-crypto'
import { CASES } from './conformance-shapes.mjs'
import { firstDifference, skeleton } from './xml-skeleton.mjs'
import { root } from './wrangler.mjs'

const outDir = path.join(root, 'test/fixtures/saml/conformance')
const referenceDir = path.join(root, '../shared/reference/idp-responses')
const tmp = mkdtempSync(path.join(tmpdir(), 'saml-conformance-'))

const DS = 'http://www.w3.org/2000/09/xmldsig#'
const ENVELOPED = `${DS}enveloped-signature`
const C14N = { exc: 'http://www.w3.org/2001/10/xml-exc-c14n#', c14n11: 'http://www.w3.org/2006/12/xml-c14n11' }
const METHODS = {
  'rsa-sha1': { signature: `${DS}rsa-sha1`, digest: `${DS}sha1` },
  'rsa-sha256': { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
}
const ID_ATTRS = ['urn:oasis:names:tc:SAML:2.0:protocol:Response', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion'].flatMap((n) => ['--id-attr:ID', n])
const SECOND = 1000

// --- keys and certificates -------------------------------------------------------------------------

const RSA_CERT = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
async function certificateFor(name, keyPem) {
  const privateKey = await crypto.subtle.importKey('pkcs8', createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }), RSA_CERT, true, ['sign'])
  const publicKey = await crypto.subtle.importKey('spki', createPublicKey(keyPem).export({ type: 'spki', format: 'der' }), RSA_CERT, true, ['verify'])
  const subject = `CN=saml-edge conformance IdP ${name}, O=saml-edge tests`
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a0b0c0d',
    name: subject,
    notBefore: new Date('2010-01-01T00:00:00Z'),
    notAfter: new Date('2049-12-31T23:59:59Z'),
    signingAlgorithm: RSA_CERT,
    keys: { privateKey, publicKey },
  })
  const certPem = cert.toString('pem')
  const keyFile = path.join(tmp, `${name}.key.pem`)
  const certFile = path.join(outDir, `${name}.cert.pem`)
  writeFileSync(keyFile, keyPem)
  writeFileSync(certFile, `${certPem}\n`)
  const jwk = createPublicKey(keyPem).export({ format: 'jwk' })
  const b64 = (u) => Buffer.from(u, 'base64url').toString('base64')
  return { name, keyPem, certPem, keyFile, certFile, subject, bare: certPem.replace(/-----[A-Z ]+-----|\s/g, ''), modulus: b64(jwk.n), exponent: b64(jwk.e) }
}

const fresh = (bits) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' })
const committed = (file) => readFileSync(path.join(root, 'test/fixtures/keys', file), 'utf8')

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const KEYS = {
  'rsa-2048': await certificateFor('rsa-2048', committed('idp.key.pem')),
  other: await certificateFor('other', committed('attacker.key.pem')),
  'rsa-1024': await certificateFor('rsa-1024', fresh(1024)),
  'rsa-4096': await certificateFor('rsa-4096', fresh(4096)),
}

// --- signing ---------------------------------------------------------------------------------------

const targetXpath = (on) => (on === 'response' ? "/*[local-name(.)='Response']" : "(//*[local-name(.)='Assertion'])[1]")

function keyInfoContent(kind, key) {
  if (kind === 'none') return () => null
  return ({ prefix }) => {
    const p = prefix ? `${prefix}:` : ''
    const subject = kind === 'subject+x509' ? `<${p}X509SubjectName>${key.subject}</${p}X509SubjectName>` : ''
    const data = `<${p}X509Data>${subject}<${p}X509Certificate>${key.bare}</${p}X509Certificate></${p}X509Data>`
    const value = `<${p}KeyValue><${p}RSAKeyValue><${p}Modulus>${key.modulus}</${p}Modulus><${p}Exponent>${key.exponent}</${p}Exponent></${p}RSAKeyValue></${p}KeyValue>`
    return kind === 'x509+keyvalue' ? data + value : data
  }
}

function xmlCryptoSign(xml, spec, key) {
  const target = targetXpath(spec.on)
  const method = METHODS[spec.method]
  const sig = new SignedXml({
    privateKey: key.keyPem,
    publicCert: key.certPem,
    signatureAlgorithm: method.signature,
    canonicalizationAlgorithm: C14N.exc,
    getKeyInfoContent: keyInfoContent(spec.keyInfo ?? 'x509', key),
  })
  sig.addReference({
    xpath: target,
    digestAlgorithm: method.digest,
    transforms: [ENVELOPED, C14N.exc],
    ...(spec.prefixList ? { inclusiveNamespacesPrefixList: spec.prefixList } : {}),
  })
  const location = spec.place === 'last' ? { reference: target, action: 'append' } : { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' }
  sig.computeSignature(xml, {
    ...(spec.prefix ? { prefix: spec.prefix } : {}),
    location,
  })
  return sig.getSignedXml()
}

function xmlsecTemplate(spec, id) {
  const p = spec.prefix ? `${spec.prefix}:` : ''
  const nl = spec.pretty ? '\n' : ''
  const c14n = C14N[spec.c14n ?? 'exc']
  const method = METHODS[spec.method]
  const finalTransform = spec.prefixList
    ? `<${p}Transform Algorithm="${c14n}"><ec:InclusiveNamespaces xmlns:ec="${C14N.exc}" PrefixList="${spec.prefixList.join(' ')}"/></${p}Transform>`
    : `<${p}Transform Algorithm="${c14n}"/>`
  const keyInfo =
    spec.keyInfo === 'none' ? '' : `<${p}KeyInfo>${nl}<${p}X509Data>${nl}<${p}X509Certificate></${p}X509Certificate>${nl}</${p}X509Data>${nl}</${p}KeyInfo>${nl}`
  return (
    `<${p}Signature xmlns${spec.prefix ? `:${spec.prefix}` : ''}="${DS}">${nl}<${p}SignedInfo>${nl}<${p}CanonicalizationMethod Algorithm="${c14n}"/>${nl}` +
    `<${p}SignatureMethod Algorithm="${method.signature}"/>${nl}<${p}Reference URI="${spec.uri ?? `#${id}`}">${nl}<${p}Transforms>${nl}` +
    `<${p}Transform Algorithm="${ENVELOPED}"/>${nl}${finalTransform}${nl}</${p}Transforms>${nl}` +
    `<${p}DigestMethod Algorithm="${method.digest}"/>${nl}<${p}DigestValue></${p}DigestValue>${nl}</${p}Reference>${nl}</${p}SignedInfo>${nl}` +
    `<${p}SignatureValue></${p}SignatureValue>${nl}${keyInfo}</${p}Signature>`
  )
}

function xmlsecSign(xml, spec, key) {
  const start = spec.on === 'response' ? xml.search(/<(\w+:)?Response[\s>]/) : xml.search(/<(\w+:)?Assertion[\s>]/)
  const id = /\sID="([^"]+)"/.exec(xml.slice(start))[1]
  let at
  if (spec.place === 'last') at = xml.lastIndexOf('</', xml.search(/<\/(\w+:)?Response>\s*$/) + 1)
  else {
    const close = /<\/(\w+:)?Issuer>/g
    close.lastIndex = start
    const m = close.exec(xml)
    at = m.index + m[0].length
  }
  const templated = xml.slice(0, at) + xmlsecTemplate(spec, id) + xml.slice(at)
  const input = path.join(tmp, 'in.xml')
  writeFileSync(input, templated)
  const out = execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${key.keyFile},${key.certFile}`, ...ID_ATTRS, input], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  // libxml2 writes the document back its own way (namespace declarations first, a declaration, a
  // final newline), so only the values xmlsec1 computed are taken into our text: the canonical form,
  // and so the signature, is the same for both.
  return transplant(templated, out, ['DigestValue', 'SignatureValue', 'X509Certificate'])
}

/** Fills each empty element of these names in `template` with the text of its counterpart, by order, in `signed`. */
function transplant(template, signed, locals) {
  let out = template
  for (const local of locals) {
    const re = new RegExp(`(<(?:\\w+:)?${local}>)([^<]*)(</(?:\\w+:)?${local}>)`, 'g')
    const values = [...signed.matchAll(re)].map((m) => m[2])
    if (values.length !== [...template.matchAll(re)].length) throw new Error(`xmlsec1 output has another number of ${local} elements`)
    let i = 0
    out = out.replace(re, (whole, open, body, close) => (body === '' ? open + values[i++] + close : (i++, whole)))
  }
  return out
}

/** Lays out base64 text (SignatureValue or X509Certificate) as the IdP does: line width, separator, leading and trailing text. */
function rewrap(xml, local, style) {
  if (!style) return xml
  return xml.replace(new RegExp(`(<(?:\\w+:)?${local}>)([^<]*)(</(?:\\w+:)?${local}>)`, 'g'), (_, open, body, close) => {
    const flat = body.replace(/\s+/g, '')
    const lines = style.width ? flat.match(new RegExp(`.{1,${style.width}}`, 'g')) : [flat]
    return open + (style.lead ?? '') + lines.join(style.sep ?? '') + (style.trail ?? '') + close
  })
}

function sign(xml, spec, key) {
  let out = spec.signer === 'xmlsec1' ? xmlsecSign(xml, spec, key) : xmlCryptoSign(xml, spec, key)
  // xmldom drops a final newline after the root element; the IdPs that send one keep it.
  if (xml.endsWith('\n') && !out.endsWith('\n')) out += '\n'
  out = rewrap(rewrap(out, 'SignatureValue', spec.sigWrap), 'X509Certificate', spec.certWrap)
  return spec.edit ? spec.edit(out) : out
}

// --- independent check -----------------------------------------------------------------------------

/** xmlsec1's verdict on the Signature child of the Response or of the Assertion, with the certificate only. */
function xmlsecVerdict(file, on, key) {
  const parent = on === 'response' ? 'Response' : 'Assertion'
  const xpath = `//*[local-name()='${parent}']/*[local-name()='Signature']`
  try {
    execFileSync('xmlsec1', ['--verify', '--pubkey-cert-pem', key.certFile, ...ID_ATTRS, '--node-xpath', xpath, file], { stdio: 'pipe' })
    return 'OK'
  } catch (e) {
    const text = String(e.stderr)
    const why = /reason=([^,\n]+)/.exec(text)?.[1] ?? /(data and digest do not match|digest mismatch|href=[^\s,]+)/i.exec(text)?.[0] ?? text.trim().split('\n').pop()
    return `FAIL (${why.trim()})`
  }
}

const signatureParent = (xml, on) =>
  on === 'response' ? /<(\w+:)?Response[^>]*>(?:(?!<(\w+:)?Assertion[\s>]).)*<(\w+:)?Signature[\s>]/s.test(xml) || /<\/(\w+:)?Assertion>\s*<(\w+:)?Signature[\s>]/.test(xml) : /<(\w+:)?Assertion[\s>](?:(?!<\/(\w+:)?Assertion>).)*<(\w+:)?Signature[\s>]/s.test(xml)

// --- the cases -------------------------------------------------------------------------------------

/**
 * What the reference set says of the case this one mirrors (when the set is here), or why this case
 * departs from it; a mirrored case whose expected outcome is not the reference's stops the run.
 */
function verdict(c) {
  if (c.departs) return { departs: c.departs }
  const reference = references?.find((r) => r.id === c.mirrors)
  if (!reference) return {}
  const verifies = c.expected.refused === undefined
  if (verifies !== reference.shouldVerify) throw new Error(`${c.id}: expected ${verifies ? 'accepted' : 'refused'}, the reference case ${reference.id} says otherwise`)
  return { reference: { case: reference.id, shouldVerify: reference.shouldVerify, ...(reference.expectedReason ? { expectedReason: reference.expectedReason } : {}) } }
}

const references = existsSync(path.join(referenceDir, 'cases.json')) ? JSON.parse(readFileSync(path.join(referenceDir, 'cases.json'), 'utf8')).cases : null
const mismatches = []
const entries = []
for (const c of CASES) {
  const key = KEYS[c.key]
  let xml = c.xml
  for (const spec of c.sign) xml = sign(xml, spec, key)
  if (c.after) xml = c.after(xml)
  const file = `${c.id}.xml`
  const filePath = path.join(outDir, file)
  writeFileSync(filePath, xml)

  const xmlsec1 = Object.fromEntries(c.sign.filter((s) => signatureParent(xml, s.on)).map((s) => [s.on, xmlsecVerdict(filePath, s.on, key)]))
  const reference = references?.find((r) => r.id === c.mirrors)
  if (references && c.mirrors && !reference) throw new Error(`${c.id}: no reference case ${c.mirrors}`)
  if (reference && !c.skeletonDiffers) {
    const diff = firstDifference(skeleton(xml), skeleton(readFileSync(path.join(referenceDir, reference.file), 'latin1')))
    if (diff) mismatches.push({ id: c.id, ...diff })
  }
  const signatures = c.sign.map((s) => ({
    on: s.on,
    signer: s.signer,
    signatureMethod: METHODS[s.method].signature,
    digestMethod: METHODS[s.method].digest,
    canonicalization: C14N[s.c14n ?? 'exc'],
    keyInfo: s.keyInfo ?? 'x509',
  }))
  const base = { file, mirrors: c.mirrors, certificate: `${c.key}.cert.pem`, connection: c.connection, validAt: new Date(c.at + 5 * SECOND).toISOString() }
  entries.push({ id: c.id, ...base, about: c.about, ...(c.skeletonDiffers ? { skeletonDiffers: c.skeletonDiffers } : {}), signatures, xmlsec1, ...verdict(c), expected: c.expected })
  for (const v of c.variants ?? []) {
    entries.push({
      id: v.id,
      ...base,
      mirrors: v.mirrors,
      variantOf: c.id,
      about: v.about,
      ...(v.certificate ? { certificate: `${v.certificate}.cert.pem` } : {}),
      connection: { ...c.connection, ...v.connection },
      ...(v.validAt ? { validAt: new Date(v.validAt).toISOString() } : {}),
      ...verdict(v),
      expected: v.expected,
    })
  }
}

const header = {
  $comment:
    'Generated by scripts/make-conformance-fixtures.mjs from the shapes of the captured IdP responses (scripts/conformance-shapes.mjs). Read each file with the connection given (certificate relative to this directory; inResponseTo null: IdP-initiated) at validAt; expected is what the engine must answer. xmlsec1 is its verdict on each signature with the certificate.',
  generators: [`xml-crypto ${JSON.parse(readFileSync(path.join(root, 'node_modules/xml-crypto/package.json'), 'utf8')).version}`, execFileSync('xmlsec1', ['--version']).toString().trim()],
}
writeFileSync(path.join(outDir, 'cases.json'), `${JSON.stringify({ ...header, cases: entries }, null, 2)}\n`)
rmSync(tmp, { recursive: true, force: true })

console.log(`wrote ${CASES.length} responses and ${entries.length} cases to ${path.relative(root, outDir)}`)
for (const e of entries.filter((e) => e.xmlsec1)) console.log(`  ${e.id}: ${Object.entries(e.xmlsec1).map(([k, v]) => `${k} ${v}`).join(', ') || 'no signature'}`)
if (!references) console.log('(reference responses not found: shapes not compared)')
else if (mismatches.length === 0) console.log('every shape matches its original skeleton')
else {
  for (const m of mismatches) console.error(`\n${m.id} differs from its original:\n  ours:   ${m.ours}\n  theirs: ${m.theirs}`)
  process.exit(1)
}
