// Seeds a local D1 database for the scale benchmark with N Clerk-style connections in instance
// ins_local (the one the well-known development key opens), by generating SQL and loading it with
// `wrangler d1 execute DB --local --file … --persist-to …`. It writes only into its own persist dir
// (default .wrangler/bench/scale), never the developer's .wrangler/state.
//
//   node scripts/seed-scale.mjs [--count 100000] [--persist-to .wrangler/bench/scale] [--force]
//
// Rows are what the API would write (valid for src/storage/d1/connection-rows.ts `fromRow`): an
// active connection with one domain, an IdP entity id, SSO URL and signing certificate, every
// third one tied to an organization. A seeded dir is reused when it already holds N rows.
import { createHash } from 'node:crypto'
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { CACHE_DIR, log, root } from './bench-support.mjs'
import { wrangler } from './wrangler.mjs'

export const SCALE_INSTANCE = 'ins_local'
const COLUMNS = [
  'id', 'instance_id', 'app_id', 'tenant_id', 'client_id', 'name', 'name_lower', 'provider', 'domains_json',
  'idp_entity_id', 'idp_sso_url', 'idp_certificates_json', 'idp_metadata_url', 'idp_metadata', 'organization_id',
  'attribute_mapping_json', 'active', 'sync_user_attributes', 'allow_subdomains', 'allow_idp_initiated',
  'disable_additional_identifications', 'allow_organization_account_linking', 'force_authn', 'login_hint_json',
  'enable_request_signing', 'allow_sha1', 'redirect_uris_json', 'default_redirect_uri', 'client_secret_hash',
  'user_count', 'created_at', 'updated_at',
]
// D1 refuses statements over 100 KB (SQLITE_TOOBIG), so an INSERT carries rows up to about 80 KB.
const MAX_STATEMENT_CHARS = 80_000
const PROVIDERS = ['saml_custom', 'saml_okta', 'saml_google', 'saml_microsoft']
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Vandelay', 'Wonka']
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

const sql = (v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`)

/** Deterministic `samlc_` + 27 base62 ids, so re-seeding gives the same database. */
function connectionId(i) {
  const digest = createHash('sha256').update(`scale-${i}`).digest()
  let out = ''
  for (let k = 0; out.length < 27; k++) out += BASE62[digest[k % digest.length] % 62]
  return `samlc_${out}`
}

export function seedRows(count, base = Date.parse('2026-01-01T00:00:00Z')) {
  const certPem = readFileSync(path.join(root, 'test', 'fixtures', 'keys', 'idp.cert.pem'), 'utf8')
  const cert = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
  const certificates = JSON.stringify([{ certificate: cert, issuedAt: Date.parse('2026-11-23T10:38:25Z'), expiresAt: Date.parse('2036-11-20T10:38:25Z') }])
  const mapping = JSON.stringify({ userId: '', emailAddress: '', firstName: '', lastName: '' })
  return function* rows() {
    for (let i = 0; i < count; i++) {
      const id = connectionId(i)
      const name = `${WORDS[i % WORDS.length]} ${String(i).padStart(6, '0')}`
      const domain = `c${i}.scale.example`
      const createdAt = base + i * 1000
      yield {
        domain,
        values: [
          id, SCALE_INSTANCE, 'public', 'public', id, name, name.toLowerCase(), PROVIDERS[i % PROVIDERS.length], JSON.stringify([domain]),
          `https://idp-${i}.scale.example/metadata`, `https://idp-${i}.scale.example/sso`, certificates, null, null, i % 3 === 0 ? `org_${i}` : null,
          mapping, 1, 1, 0, 0,
          0, 0, 0, JSON.stringify({ mode: 'email_address' }),
          1, 0, JSON.stringify([`https://app-${i % 100}.scale.example/sso/callback`]), null, null,
          0, createdAt, createdAt,
        ],
      }
    }
  }
}

/** Writes the seed SQL (multi-row INSERTs) and returns its path. */
export async function writeSeedSql(count, file) {
  mkdirSync(path.dirname(file), { recursive: true })
  const out = createWriteStream(file)
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)))
  let batch = []
  let size = 0
  const flush = async () => {
    if (batch.length === 0) return
    await write(`INSERT INTO saml_connections (${COLUMNS.join(', ')}) VALUES\n${batch.map((r) => r.tuple).join(',\n')};\n`)
    await write(`INSERT INTO saml_connection_domains (instance_id, domain, connection_id) VALUES ${batch.map((r) => `(${sql(SCALE_INSTANCE)}, ${sql(r.domain)}, ${sql(r.values[0])})`).join(', ')};\n`)
    batch = []
    size = 0
  }
  for (const row of seedRows(count)()) {
    const tuple = `(${row.values.map(sql).join(', ')})`
    if (size + tuple.length > MAX_STATEMENT_CHARS) await flush()
    batch.push({ ...row, tuple })
    size += tuple.length + 2
  }
  await flush()
  await new Promise((r) => out.end(r))
  return file
}

async function countRows(persistTo) {
  try {
    const out = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--json', '--command', `SELECT COUNT(*) AS n FROM saml_connections WHERE instance_id = '${SCALE_INSTANCE}'`], { capture: true })
    return Number(JSON.parse(out)[0]?.results?.[0]?.n ?? 0)
  } catch {
    return -1
  }
}

/** Makes sure `persistTo` holds exactly `count` seeded connections; returns whether it had to seed. */
export async function ensureScaleSeed({ count = 100_000, persistTo = path.join(root, '.wrangler', 'bench', 'scale'), force = false } = {}) {
  if (!force && (await countRows(persistTo)) === count) {
    log(`seed: ${path.relative(root, persistTo)} already holds ${count} connections`)
    return false
  }
  rmSync(persistTo, { recursive: true, force: true })
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { capture: true })
  const file = path.join(CACHE_DIR, `seed-${count}.sql`)
  log(`seed: writing ${count} connections as SQL to ${path.relative(root, file)}`)
  await writeSeedSql(count, file)
  log(`seed: loading it with wrangler d1 execute (this takes a while for 100,000 rows)`)
  const started = performance.now()
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--yes', '--file', file], { capture: true })
  log(`seed: loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  rmSync(file, { force: true })
  const n = await countRows(persistTo)
  if (n !== count) throw new Error(`seed: expected ${count} rows, found ${n}`)
  return true
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : fallback
  }
  await ensureScaleSeed({
    count: Number(arg('count', '100000')),
    persistTo: path.resolve(root, arg('persist-to', '.wrangler/bench/scale')),
    force: process.argv.includes('--force'),
  })
}
