#!/usr/bin/env node
// Regenerates test/fixtures/saml/signatures/: SAML Responses signed by xmlsec1 (libxmlsec1 over OpenSSL),
// an implementation independent of both our verifier and xml-crypto, for what xml-crypto does not offer:
// RSA-SHA384, the SHA-384 digest, ECDSA on P-256/P-384/P-521, Canonical XML 1.1, and the shape of Okta's
// SAML test tool (Canonical XML 1.1 over the whole document). The workerd test pool cannot run xmlsec1,
// so the signed files are committed with this script; each one is verified with xmlsec1 before it is
// written. cases.json says what the engine must make of each.
//
//   node scripts/make-signature-fixtures.mjs      (needs xmlsec1 and openssl: apt-get install xmlsec1)
//
// The responses are the test IdP's (test/helpers/test-idp.ts) with its default options, so the engine
// tests verify them at its NOW with makeConfig() and only the certificate changed. EC keys are made
// afresh on every run and thrown away; only their certificates are kept. ECDSA signatures are
// randomised, so a run always gives a diff.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bundleAndImport, root } from './bench-support.mjs'

const outDir = path.join(root, 'test/fixtures/saml/signatures')
const keysDir = path.join(root, 'test/fixtures/keys')
const tmp = mkdtempSync(path.join(tmpdir(), 'saml-signatures-'))

const DS = 'http://www.w3.org/2000/09/xmldsig#'
const MORE = 'http://www.w3.org/2001/04/xmldsig-more#'
const ENC = 'http://www.w3.org/2001/04/xmlenc#'
const C14N = {
  exc: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  c14n10: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14n11: 'http://www.w3.org/2006/12/xml-c14n11',
}
const DIGEST = { 'SHA-256': `${ENC}sha256`, 'SHA-384': `${MORE}sha384`, 'SHA-512': `${ENC}sha512` }
const ID_ATTRS = ['urn:oasis:names:tc:SAML:2.0:protocol:Response', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion'].flatMap((n) => ['--id-attr:ID', n])

// --- keys: the committed RSA test IdP key, and EC keys made here ---------------------------------------

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString()

/** Makes a key and a 20-year self-signed certificate; the certificate is kept as `<name>.cert.pem`. */
function makeKey(name, keyArgs) {
  const key = path.join(tmp, `${name}.key.pem`)
  const cert = path.join(outDir, `${name}.cert.pem`)
  run('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-days', '7300', '-subj', `/CN=saml-edge test IdP ${name}/O=saml-edge tests`])
  return { key, cert }
}

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const KEYS = {
  rsa: { key: path.join(keysDir, 'idp.key.pem'), cert: path.join(keysDir, 'idp.cert.pem') },
  'ec-p256': makeKey('ec-p256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
  'ec-p384': makeKey('ec-p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']),
  'ec-p521': makeKey('ec-p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']),
}
// Keys the verifier cannot use: their certificates must parse, and never verify anything.
makeKey('ec-secp256k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'])
makeKey('ed25519', ['-newkey', 'ed25519'])

// --- cases ---------------------------------------------------------------------------------------------

/**
 * key: which key signs; sign: which elements carry a signature (the Assertion is signed first);
 * signature: the SignatureMethod; digest: the hash of DigestMethod; c14n: the CanonicalizationMethod
 * (exc-c14n unless given); transform: the Reference's canonicalization transform (as c14n unless
 * given; null: none, so Canonical XML 1.0 applies implicitly); uri: the Reference URI ('#' + the ID
 * unless given); shape: 'okta-tool' for the Okta test tool's document; config: what differs from
 * makeConfig() besides the certificate; refused: the failure reason expected, when one is.
 */
const CASES = [
  { file: 'rsa-sha384.xml', about: 'RSA-SHA384 signature, SHA-384 digest, Response signed', key: 'rsa', sign: ['response'], signature: `${MORE}rsa-sha384`, digest: 'SHA-384' },
  { file: 'rsa-sha512-digest-sha384.xml', about: 'RSA-SHA512 signature over a SHA-384 digest (the pairing Lasso uses), Assertion signed', key: 'rsa', sign: ['assertion'], signature: `${MORE}rsa-sha512`, digest: 'SHA-384' },
  { file: 'ecdsa-p256-sha256.xml', about: 'ECDSA P-256 with SHA-256, Response signed', key: 'ec-p256', sign: ['response'], signature: `${MORE}ecdsa-sha256`, digest: 'SHA-256' },
  { file: 'ecdsa-p384-sha384.xml', about: 'ECDSA P-384 with SHA-384, Assertion signed', key: 'ec-p384', sign: ['assertion'], signature: `${MORE}ecdsa-sha384`, digest: 'SHA-384' },
  { file: 'ecdsa-p521-sha512.xml', about: 'ECDSA P-521 with SHA-512, Assertion and Response signed', key: 'ec-p521', sign: ['assertion', 'response'], signature: `${MORE}ecdsa-sha512`, digest: 'SHA-512' },
  { file: 'c14n10-assertion.xml', about: 'Canonical XML 1.0 for SignedInfo and the Reference, Assertion signed inside the Response (inherited namespaces on both apexes)', key: 'rsa', sign: ['assertion'], signature: `${MORE}rsa-sha256`, digest: 'SHA-256', c14n: 'c14n10' },
  { file: 'c14n10-implicit.xml', about: 'the enveloped-signature transform alone (Canonical XML 1.0 implied), exc-c14n SignedInfo, Response signed', key: 'rsa', sign: ['response'], signature: `${MORE}rsa-sha256`, digest: 'SHA-256', transform: null },
  { file: 'c14n11-both.xml', about: 'Canonical XML 1.1 for SignedInfo and the Reference, Assertion and Response signed', key: 'rsa', sign: ['assertion', 'response'], signature: `${MORE}rsa-sha256`, digest: 'SHA-256', c14n: 'c14n11' },
  { file: 'c14n11-ecdsa-p384.xml', about: 'Canonical XML 1.1 with ECDSA P-384, Assertion signed, Reference transform exc-c14n', key: 'ec-p384', sign: ['assertion'], signature: `${MORE}ecdsa-sha384`, digest: 'SHA-384', c14n: 'c14n11', transform: 'exc' },
  { file: 'okta-tool-c14n11.xml', about: "the Okta SAML test tool's shape (namespaces declared on Issuer, Assertion and AttributeStatement; unsigned Assertion; IdP-initiated), Canonical XML 1.1, Reference to the Response ID", key: 'rsa', sign: ['response'], signature: `${MORE}rsa-sha256`, digest: 'SHA-256', c14n: 'c14n11', shape: 'okta-tool', config: { expectedInResponseTo: null, allowIdpInitiated: true } },
  { file: 'okta-tool-c14n11-whole-document.xml', about: "the Okta SAML test tool's shape signed as the tool signs it: Reference URI=\"\" (the whole document), which SAML Core §5.4.2 rules out", key: 'rsa', sign: ['response'], signature: `${MORE}rsa-sha256`, digest: 'SHA-256', c14n: 'c14n11', shape: 'okta-tool', uri: '', config: { expectedInResponseTo: null, allowIdpInitiated: true }, refused: 'reference_mismatch' },
]

const { testIdp } = await bundleAndImport('signature-fixtures', "export * as testIdp from './test/helpers/test-idp.ts'\n")

function template({ signature, digest, c14n = 'exc', transform = c14n, uri }, id) {
  const final = transform === null ? '' : `<ds:Transform Algorithm="${C14N[transform]}"/>`
  return (
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${C14N[c14n]}"/><ds:SignatureMethod Algorithm="${signature}"/>` +
    `<ds:Reference URI="${uri ?? `#${id}`}"><ds:Transforms><ds:Transform Algorithm="${DS}enveloped-signature"/>${final}</ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${DIGEST[digest]}"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo></ds:Signature>`
  )
}

/**
 * The document Okta's SAML test tool (saml.oktadev.com) posts, with the test IdP's names and times:
 * no XML declaration, the Response declaring only samlp, saml declared on the Response's Issuer and
 * again on the Assertion, xs and xsi on the AttributeStatement, Version before ID, no InResponseTo.
 */
function oktaToolShape(o) {
  const iso = (ms) => new Date(ms).toISOString()
  const value = (v) => `<saml:AttributeValue xsi:type="xs:anyType">${v}</saml:AttributeValue>`
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${o.responseId}" Version="2.0" IssueInstant="${iso(o.issueInstant)}" Destination="${o.destination}">` +
    `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${o.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0" ID="${o.assertionId}" IssueInstant="${iso(o.issueInstant)}">` +
    `<saml:Issuer>${o.issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${o.nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(o.subjectNotOnOrAfter)}" Recipient="${o.recipient}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(o.notBefore)}" NotOnOrAfter="${iso(o.notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${o.audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<saml:Attribute Name="Email">${value(o.nameId)}</saml:Attribute><saml:Attribute Name="FirstName">${value('Ada')}</saml:Attribute></saml:AttributeStatement>` +
    `<saml:AuthnStatement AuthnInstant="${iso(o.issueInstant)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion></samlp:Response>`
  )
}

/** Puts a signature template right after the n-th `</saml:Issuer>` (0: the Response's, 1: the Assertion's). */
function insertTemplate(xml, nth, tpl) {
  let at = -1
  for (let i = 0; i <= nth; i++) at = xml.indexOf('</saml:Issuer>', at + 1)
  if (at < 0) throw new Error('no Issuer to sign after')
  const cut = at + '</saml:Issuer>'.length
  return xml.slice(0, cut) + tpl + xml.slice(cut)
}

/** Signs the first empty signature template in document order with xmlsec1. */
function xmlsecSign(xml, key) {
  const input = path.join(tmp, 'in.xml')
  writeFileSync(input, xml)
  const out = run('xmlsec1', ['--sign', '--privkey-pem', `${key.key},${key.cert}`, ...ID_ATTRS, input])
  // xmlsec1 adds an XML declaration; a document sent without one stays without one.
  return xml.startsWith('<?xml') ? out : out.replace(/^<\?xml version="1.0"\?>\n/, '')
}

/** xmlsec1's own verdict on the signature whose parent has this local name, with the certificate only. */
function xmlsecVerify(xml, key, parent) {
  const input = path.join(tmp, 'check.xml')
  writeFileSync(input, xml)
  const xpath = `//*[local-name()='${parent}']/*[local-name()='Signature']`
  try {
    execFileSync('xmlsec1', ['--verify', '--pubkey-cert-pem', key.cert, ...ID_ATTRS, '--node-xpath', xpath, input], { stdio: 'pipe' })
    return 'OK'
  } catch (e) {
    throw new Error(`xmlsec1 refuses its own ${parent} signature: ${e.stderr}`)
  }
}

const o = testIdp.defaultResponseOptions()
const expected = []
for (const c of CASES) {
  let xml = c.shape === 'okta-tool' ? oktaToolShape(o) : testIdp.buildResponseXml()
  const key = KEYS[c.key]
  if (c.sign.includes('assertion')) xml = xmlsecSign(insertTemplate(xml, 1, template(c, o.assertionId)), key)
  if (c.sign.includes('response')) xml = xmlsecSign(insertTemplate(xml, 0, template(c, o.responseId)), key)
  const xmlsec1 = Object.fromEntries(c.sign.map((s) => [s, xmlsecVerify(xml, key, s === 'response' ? 'Response' : 'Assertion')]))
  writeFileSync(path.join(outDir, c.file), xml)
  const certificate = c.key === 'rsa' ? '../../keys/idp.cert.pem' : `${c.key}.cert.pem`
  const canonicalization = { signedInfo: C14N[c.c14n ?? 'exc'], reference: c.transform === null ? null : C14N[c.transform ?? c.c14n ?? 'exc'] }
  const outcome = c.refused ? { refused: c.refused } : { nameId: o.nameId, assertionId: o.assertionId }
  expected.push({ file: c.file, about: c.about, certificate, signed: c.sign, signatureMethod: c.signature, digestMethod: DIGEST[c.digest], canonicalization, config: c.config ?? {}, ...outcome, xmlsec1 })
}

const header = {
  $comment: 'Generated by scripts/make-signature-fixtures.mjs: each file signed and then verified by xmlsec1 with the certificate named (relative to this directory).',
  generator: run('xmlsec1', ['--version']).trim(),
}
writeFileSync(path.join(outDir, 'cases.json'), `${JSON.stringify({ ...header, cases: expected }, null, 2)}\n`)
rmSync(tmp, { recursive: true, force: true })
console.log(`wrote ${expected.length} signed responses to ${path.relative(root, outDir)}`)
