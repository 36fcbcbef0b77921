// Engine benchmark on Node 22: IdP metadata parsing and SAMLResponse verification per second, our
// engine (src/saml, bundled with esbuild, WebCrypto) side by side with @boxyhq/saml20 (the SAML
// library inside @boxyhq/saml-jackson: `saml.parseMetadata`, `saml.validate`), samlify and
// @node-saml/node-saml, on the same inputs in the same process. Every library must accept every
// input before it is timed, and every timed call is checked again.
//
//   node scripts/bench-engine.mjs [--ms 1000] [--rounds 3]
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { SAML } from '@node-saml/node-saml'
import saml20pkg from '@boxyhq/saml20'
import * as samlify from 'samlify'
import { benchIdpMetadata, bundleAndImport, compareOps, fmt, loadEngine, log, ratio, root, table } from './bench-support.mjs'

const saml20 = saml20pkg.default ?? saml20pkg
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
const HOUR = 3_600_000

/** Signed, IdP-initiated responses valid for the next hour, as the test IdP (xml-crypto) makes them. */
export function signedResponse(testIdp, { sign = 'response', now = Date.now(), ...overrides } = {}) {
  const xml = testIdp.makeSignedResponse({
    sign,
    inResponseTo: null,
    issueInstant: now - 1000,
    notBefore: now - 60_000,
    notOnOrAfter: now + HOUR,
    subjectNotOnOrAfter: now + HOUR,
    ...overrides,
  })
  return testIdp.toBase64(xml)
}

function metadataFixtures() {
  const dir = path.join(root, 'test', 'fixtures', 'metadata')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: f, xml: readFileSync(path.join(dir, f), 'utf8') }))
}

async function accepts(fn) {
  try {
    return Boolean(await fn())
  } catch {
    return false
  }
}

export async function runEngineBench({ ms = 1000, rounds = 3 } = {}) {
  log('engine: bundling src/saml and the test IdP with esbuild')
  const engine = await loadEngine()
  const t = engine.testIdp
  const certPem = t.TEST_KEYS.idp.cert
  const bareCert = t.bareCertificate('idp')
  samlify.setSchemaValidator({ validate: async () => 'skipped' })

  // ---- Metadata: the committed real-world-shaped fixtures plus the bench IdP's own metadata.
  const parsers = {
    'saml-edge': (xml) => {
      const r = engine.parseIdpMetadata(xml)
      return r.ok && r.value.entityId
    },
    '@boxyhq/saml20': async (xml) => (await saml20.parseMetadata(xml, {})).entityID,
    samlify: (xml) => samlify.IdentityProvider({ metadata: xml }).entityMeta.getEntityID(),
  }
  const fixtures = [...metadataFixtures(), { name: '(bench IdP)', xml: benchIdpMetadata(t.IDP_ENTITY_ID, bareCert) }]
  const acceptance = []
  for (const f of fixtures) {
    const row = { name: f.name }
    for (const [lib, parse] of Object.entries(parsers)) row[lib] = await accepts(() => parse(f.xml))
    acceptance.push(row)
  }
  const common = fixtures.filter((f) => acceptance.find((a) => a.name === f.name && Object.keys(parsers).every((l) => a[l])))
  log(`engine: metadata fixtures accepted by every library: ${common.length}/${fixtures.length}`)
  const okta = fixtures.find((f) => f.name === 'okta-shape.xml')

  const metadataCase = async (docs) => {
    const failures = Object.fromEntries(Object.keys(parsers).map((l) => [l, 0]))
    const contenders = Object.entries(parsers).map(([name, parse]) => ({
      name,
      fn: async (i) => {
        if (!(await parse(docs[i % docs.length].xml))) failures[name]++
      },
    }))
    const ops = await compareOps(contenders, { rounds, ms })
    return { ops, failures }
  }
  log('engine: timing metadata parsing')
  const metadataAll = await metadataCase(common)
  const metadataOkta = okta && common.includes(okta) ? await metadataCase([okta]) : null

  // ---- Responses: one signed response, the same configuration (cert, issuer, audience, ACS) for all.
  // `decryptionKey`: the SP's encryption key, for the libraries that decrypt (samlify is left out).
  const verifiers = (sign, decryptionKey = null) => {
    const decryptionKeys = decryptionKey ? [engine.importDecryptionKey(decryptionKey)] : []
    const config = t.makeConfig({ expectedInResponseTo: null, allowIdpInitiated: true, decryptionKeys })
    const idp = samlify.IdentityProvider({ metadata: benchIdpMetadata(t.IDP_ENTITY_ID, bareCert) })
    const sp = samlify.ServiceProvider({ entityID: t.SP_ENTITY_ID, assertionConsumerService: [{ Binding: POST, Location: t.ACS_URL }] })
    const nodeSaml = new SAML({
      idpCert: certPem,
      idpIssuer: t.IDP_ENTITY_ID,
      issuer: t.SP_ENTITY_ID,
      audience: t.SP_ENTITY_ID,
      callbackUrl: t.ACS_URL,
      // Each case demands the signature it carries, as a deployment configured for that IdP would.
      wantAuthnResponseSigned: sign === 'response',
      wantAssertionsSigned: sign === 'assertion',
      validateInResponseTo: 'never',
      ...(decryptionKey ? { decryptionPvk: decryptionKey } : {}),
    })
    return {
      'saml-edge': async (b64) => (await engine.verifySamlResponse({ samlResponseBase64: b64 }, config, Date.now())).ok,
      // Jackson decodes the form field itself, then hands the XML to saml20.validate.
      '@boxyhq/saml20': async (b64) =>
        (await saml20.validate(Buffer.from(b64, 'base64').toString('utf8'), { publicKey: certPem, audience: t.SP_ENTITY_ID, ...(decryptionKey ? { privateKey: decryptionKey } : {}) })).claims,
      ...(decryptionKey ? {} : { samlify: async (b64) => (await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: b64 } })).extract?.nameID }),
      '@node-saml/node-saml': async (b64) => (await nodeSaml.validatePostResponseAsync({ SAMLResponse: b64 })).profile?.nameID,
    }
  }
  const responseCase = async (sign, { b64 = signedResponse(t, { sign }), decryptionKey = null } = {}) => {
    const v = verifiers(sign, decryptionKey)
    const failures = Object.fromEntries(Object.keys(v).map((l) => [l, 0]))
    for (const [lib, verify] of Object.entries(v)) {
      if (!(await accepts(() => verify(b64)))) throw new Error(`engine bench: ${lib} refused the ${sign}-signed response; fix its configuration before timing`)
    }
    const contenders = Object.entries(v).map(([name, verify]) => ({
      name,
      fn: async () => {
        if (!(await accepts(() => verify(b64)))) failures[name]++
      },
    }))
    const ops = await compareOps(contenders, { rounds, ms })
    return { ops, failures, bytes: Buffer.from(b64, 'base64').length }
  }
  // Where our metadata time goes: the X.509 decode of the certificate (for its validity dates).
  let certOps = null
  if (okta) {
    const cert = engine.parseIdpMetadata(okta.xml).value.certificates[0].certificate
    certOps = (await compareOps([{ name: 'cert', fn: () => engine.parseCertificate(cert) }], { rounds, ms })).cert
  }

  log('engine: timing response verification (Response signed)')
  const responseSigned = await responseCase('response')
  log('engine: timing response verification (Assertion signed)')
  const assertionSigned = await responseCase('assertion')
  // AD FS's shape: the Assertion signed, then encrypted (xml-encryption: AES-256-GCM, RSA-OAEP) to the SP.
  log('engine: timing response verification (Assertion signed and encrypted)')
  const { encryptAssertion } = await bundleAndImport('encrypt', "export * from './test/node/encrypt.ts'\n")
  const key = (name) => readFileSync(path.join(root, 'test/fixtures/keys', name), 'utf8')
  const plainXml = Buffer.from(signedResponse(t, { sign: 'assertion' }), 'base64').toString('utf8')
  const gcm = { content: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', transport: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p' }
  const encryptedB64 = Buffer.from(await encryptAssertion(plainXml, 'xml-encryption', gcm, key('sp-encryption.cert.pem'))).toString('base64')
  const encrypted = await responseCase('assertion', { b64: encryptedB64, decryptionKey: key('sp-encryption.key.pem') })

  const peers = ['@boxyhq/saml20', 'samlify', '@node-saml/node-saml']
  const row = (label, c, libs) => [
    label,
    ...['saml-edge', ...peers].map((l) => (libs.includes(l) ? fmt(c.ops[l]) : '—')),
    ...peers.map((l) => (libs.includes(l) ? ratio(c.ops['saml-edge'], c.ops[l]) : '—')),
  ]
  const mdLibs = Object.keys(parsers)
  const allLibs = ['saml-edge', ...peers]
  const header = ['operations/s (median of rounds)', 'saml-edge', '@boxyhq/saml20', 'samlify', '@node-saml/node-saml', 'ours ÷ saml20', 'ours ÷ samlify', 'ours ÷ node-saml']
  const rows = [
    row(`parse IdP metadata, ${common.length} fixtures round-robin`, metadataAll, mdLibs),
    ...(metadataOkta ? [row('parse IdP metadata, okta-shape.xml', metadataOkta, mdLibs)] : []),
    row(`verify SAMLResponse, Response signed (${responseSigned.bytes} B)`, responseSigned, allLibs),
    row(`verify SAMLResponse, Assertion signed (${assertionSigned.bytes} B)`, assertionSigned, allLibs),
    row(`verify SAMLResponse, Assertion signed and encrypted, AES-256-GCM + RSA-OAEP (${encrypted.bytes} B)`, encrypted, ['saml-edge', '@boxyhq/saml20', '@node-saml/node-saml']),
  ]
  const failures = [metadataAll, metadataOkta, responseSigned, assertionSigned, encrypted]
    .filter(Boolean)
    .flatMap((c) => Object.entries(c.failures).filter(([, n]) => n > 0).map(([l, n]) => `${l}: ${n}`))
  const acceptanceTable = table(
    ['metadata fixture', ...mdLibs],
    acceptance.map((a) => [a.name, ...mdLibs.map((l) => (a[l] ? 'ok' : 'refused'))]),
  )
  const markdown = [
    table(header, rows),
    '',
    `Timed calls that did not succeed: ${failures.length ? failures.join(', ') : 'none'}.`,
    ...(certOps && metadataOkta
      ? [
          '',
          `Of our okta-shape.xml parse (${fmt(1e6 / metadataOkta.ops['saml-edge'])} µs), \`parseCertificate\` of its one certificate alone takes ${fmt(1e6 / certOps)} µs (${fmt(certOps)}/s).`,
        ]
      : []),
    '',
    '<details><summary>Which metadata fixtures each library accepts (only those every library accepts are timed)</summary>',
    '',
    acceptanceTable,
    '',
    '</details>',
  ].join('\n')
  return { markdown, metadataAll, metadataOkta, certOps, responseSigned, assertionSigned, encrypted, acceptance }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const r = await runEngineBench({ ms: arg('ms', 1000), rounds: arg('rounds', 3) })
  console.log(r.markdown)
}
