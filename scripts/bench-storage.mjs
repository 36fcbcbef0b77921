// Bytes per stored row as the Worker writes them (docs/scale.md): connections created through the
// Clerk API with okta-shaped IdP metadata and two domains, sign-ins accepted and refused at one
// connection's ACS, then SQLite's dbstat over the local D1 file (page bytes, free space in pages
// included, as D1 counts a database's size). Not a timing: the machine's load does not move it.
//
//   node scripts/bench-storage.mjs [--connections 500] [--sign-ins 400] [--refusals 100]
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { signedResponse } from './bench-engine.mjs'
import { benchIdpMetadata, fmt, loadEngine, log, root, startBenchServer, table } from './bench-support.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const CONNECTIONS = arg('connections', 500)
const SIGN_INS = arg('sign-ins', 400)
const REFUSALS = arg('refusals', 100)
const H = { authorization: 'Bearer sk_test_local_development_key', 'content-type': 'application/json' }

const persistTo = path.join(root, '.wrangler', 'bench', 'storage')
rmSync(persistTo, { recursive: true, force: true })
const server = await startBenchServer({ persistTo, name: 'storage' })
const o = server.origin
const okta = readFileSync(path.join(root, 'test/fixtures/metadata/okta-shape.xml'), 'utf8')
try {
  log(`storage: creating ${CONNECTIONS} connections`)
  for (let i = 0; i < CONNECTIONS; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, CONNECTIONS - i) }, async (_, j) => {
        const k = i + j
        const r = await fetch(`${o}/v1/saml_connections`, {
          method: 'POST',
          headers: H,
          body: JSON.stringify({
            name: `Customer ${k} Inc.`,
            provider: 'saml_okta',
            domains: [`customer${k}.example.com`, `customer${k}-corp.example`],
            idp_metadata: okta.replace(/entityID="[^"]+"/, `entityID="http://www.okta.com/exk${k}abcdefghij"`),
            redirect_uris: ['https://app.example.test/sso/callback'],
            attribute_mapping: { email_address: 'email', first_name: 'firstName', last_name: 'lastName' },
            active: true,
          }),
        })
        if (r.status !== 200) throw new Error(`create: ${r.status} ${await r.text()}`)
      }),
    )
  }
  const t = (await loadEngine()).testIdp
  const stamp = Date.now().toString(36)
  const domain = `acs-${stamp}.example.com`
  const created = await fetch(`${o}/v1/saml_connections`, {
    method: 'POST',
    headers: H,
    body: JSON.stringify({ name: 'ACS', provider: 'saml_custom', domain, idp_metadata: benchIdpMetadata(t.IDP_ENTITY_ID, t.bareCertificate('idp')), active: true, allow_idp_initiated: true, redirect_uris: ['https://app.example.test/cb'] }),
  })
  const conn = await created.json()
  const post = (i, signing) =>
    fetch(new URL(new URL(conn.acs_url).pathname, o), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${encodeURIComponent(signedResponse(t, { responseId: `_r${stamp}${i}`, assertionId: `_a${stamp}${i}`, audience: conn.sp_entity_id, recipient: conn.acs_url, destination: conn.acs_url, nameId: `user${i}@${domain}`, attributes: { email: [`user${i}@${domain}`] }, ...(signing ? { signing } : {}) }))}`,
    })
  log(`storage: ${SIGN_INS} sign-ins and ${REFUSALS} refused posts`)
  for (let i = 0; i < SIGN_INS; i++) if ((await post(i)).status !== 302) throw new Error('sign-in refused')
  for (let i = 0; i < REFUSALS; i++) if ((await post(`x${i}`, { key: 'attacker' })).status !== 400) throw new Error('bad signature accepted')
} finally {
  await server.stop()
}

const { DatabaseSync } = await import('node:sqlite')
const dir = path.join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
const db = new DatabaseSync(path.join(dir, file), { readOnly: true })
const pages = Object.fromEntries(db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all().map((r) => [r.name, r.bytes]))
const owner = Object.fromEntries(db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'").all().map((r) => [r.name, r.tbl_name]))
const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' AND name != 'd1_migrations'").all().map((r) => r.name)
const rows = tables
  .map((name) => {
    const count = db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get().n
    const own = pages[name] ?? 0
    const indexes = Object.entries(pages).filter(([k]) => owner[k] === name).reduce((a, [, v]) => a + v, 0)
    return { name, count, own, indexes }
  })
  .filter((r) => r.count > 0)
console.log(
  table(
    ['table', 'rows', 'table bytes', 'index bytes', 'bytes per row (table + indexes)'],
    rows.map((r) => [r.name, fmt(r.count), fmt(r.own), fmt(r.indexes), fmt((r.own + r.indexes) / r.count)]),
  ),
)
console.log(`\n${CONNECTIONS + 1} connections, ${SIGN_INS} sign-ins, ${REFUSALS} refused posts; database file ${fmt(db.prepare('PRAGMA page_count').get().page_count * db.prepare('PRAGMA page_size').get().page_size)} bytes.`)
rmSync(persistTo, { recursive: true, force: true })
