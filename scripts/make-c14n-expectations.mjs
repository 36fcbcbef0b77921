#!/usr/bin/env node
// Regenerates test/fixtures/saml/c14n/libxml2.json: what libxml2 makes of each fixture in
// test/fixtures/saml/c14n/ under Canonical XML 1.0, 1.1 and Exclusive Canonicalization 1.0 (all without
// comments), for the whole document and for subtrees. The workerd test pool cannot run libxml2, so its
// answers are committed with this script.
//
//   node scripts/make-c14n-expectations.mjs      (needs xmllint and xmlsec1: apt-get install libxml2-utils xmlsec1)
//
// The whole document goes through `xmllint --c14n | --c14n11 | --exc-c14n`. xmllint has no way to
// canonicalize a subtree, so subtrees (and documents with comments, which xmllint keeps) go through
// libxml2's C14N as xmlsec1 drives it: a detached signature template whose Reference selects the subtree
// with an XPath filter transform (the document subset of C14N §2.4, ancestors outside it) and prints the
// canonical bytes it would digest (--store-references). Where both tools apply they must agree.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = path.join(root, 'test/fixtures/saml/c14n')
const tmp = mkdtempSync(path.join(tmpdir(), 'saml-c14n-'))

const METHODS = {
  exclusive: { uri: 'http://www.w3.org/2001/10/xml-exc-c14n#', xmllint: '--exc-c14n' },
  'inclusive-1.0': { uri: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315', xmllint: '--c14n' },
  'inclusive-1.1': { uri: 'http://www.w3.org/2006/12/xml-c14n11', xmllint: '--c14n11' },
}

/**
 * The subtrees canonicalized per fixture (null: the whole document), and exclusive PrefixLists.
 * Left out on purpose: the xml-base.xml subtree under 1.1, which needs the xml:base fix-up the engine
 * refuses instead of performing (test/saml/c14n.test.ts checks the refusal).
 */
const CASES = {
  ancestors: [null, 'a:target', 'c:third'],
  'attribute-order': [null, 'e2'],
  comments: [null, 'name'],
  crlf: [null],
  'default-namespace': [null, 'target', 'none', 'p:prefixed'],
  entities: [null],
  escaping: [null],
  'prefix-list': [null, 'saml:Assertion', { apex: 'saml:Assertion', prefixList: ['xs', 'xsi'] }, { apex: 'saml:Assertion', prefixList: ['xs', 'nope'] }],
  redeclarations: [null, 'p:mid', 'target', 'inner', { apex: 'inner', prefixList: ['#default', 'q'] }],
  'spec-example': [null, 'n1:elem2'],
  'xml-attributes': [null, 'a:target', 'leaf', 'target2'],
  'xml-base': [null, { apex: 'target', skip: ['inclusive-1.1'] }],
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

function viaXmlsec(method, apex, prefixList) {
  const select = apex === null ? '' : `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>ancestor-or-self::*[count(. | (//*[name()='${apex}'])[1]) = 1]</ds:XPath></ds:Transform>`
  const list = prefixList ? `<ec:InclusiveNamespaces xmlns:ec="${METHODS.exclusive.uri}" PrefixList="${escapeXml(prefixList.join(' '))}"/>` : ''
  // HMAC with a throwaway key: xmlsec1 needs some signature to compute, and nothing here is kept but the bytes digested.
  const template =
    `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${METHODS.exclusive.uri}"/>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/><ds:Reference URI="target.xml"><ds:Transforms>${select}` +
    `<ds:Transform Algorithm="${METHODS[method].uri}">${list}</ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>`
  writeFileSync(path.join(tmp, 'template.xml'), template)
  const report = run('xmlsec1', ['--sign', '--hmackey', 'hmac.bin', '--store-references', '--print-debug', 'template.xml'])
  const start = '== PreDigest data - start buffer:\n'
  const end = '\n== PreDigest data - end buffer'
  const from = report.indexOf(start)
  const to = report.indexOf(end, from)
  if (from < 0 || to < 0) throw new Error(`xmlsec1 printed no reference data for ${apex}`)
  return report.slice(from + start.length, to)
}

writeFileSync(path.join(tmp, 'hmac.bin'), 'not a secret')
const out = []
for (const [file, entries] of Object.entries(CASES)) {
  const xml = readFileSync(path.join(dir, `${file}.xml`), 'utf8')
  writeFileSync(path.join(tmp, 'target.xml'), xml)
  for (const entry of entries) {
    const { apex = null, prefixList, skip = [] } = entry === null || typeof entry === 'string' ? { apex: entry } : entry
    for (const method of Object.keys(METHODS)) {
      if (skip.includes(method) || (prefixList && method !== 'exclusive')) continue
      const output = viaXmlsec(method, apex, prefixList)
      let tools = 'xmlsec1 (libxml2 C14N)'
      if (apex === null && !prefixList && !xml.includes('<!--')) {
        const whole = run('xmllint', [METHODS[method].xmllint, 'target.xml'])
        if (whole !== output) throw new Error(`${file} ${method}: xmllint and xmlsec1 disagree`)
        tools = `xmllint ${METHODS[method].xmllint}, xmlsec1`
      }
      out.push({ file, apex, method, ...(prefixList ? { prefixList } : {}), tools, output })
    }
  }
}

// xmllint prints its version on stderr.
const versions = `${spawnSync('xmllint', ['--version']).stderr.toString().split('\n')[0]}; ${run('xmlsec1', ['--version']).trim()}`
const header = { $comment: 'Generated by scripts/make-c14n-expectations.mjs: libxml2 canonical forms of the fixtures here (apex null: the whole document).', versions }
writeFileSync(path.join(dir, 'libxml2.json'), `${JSON.stringify({ ...header, cases: out }, null, 2)}\n`)
rmSync(tmp, { recursive: true, force: true })
console.log(`wrote ${out.length} canonical forms to ${path.relative(root, path.join(dir, 'libxml2.json'))}`)
