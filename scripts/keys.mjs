// `npm run keys -- <command>`: manage management-API keys. Only a key's SHA-256 is stored; the key
// itself is printed once by `create` and cannot be recovered.
//
//   create [--kind clerk|supertokens] [--instance ins_x] [--app public] [--label text] [--remote]
//   list   [--instance ins_x] [--remote]
//   revoke <key or hash prefix (12+ hex)> [--remote]
// Local commands act on wrangler's default local state; `--persist-to DIR` picks another one
// (the same flag as `wrangler dev --persist-to`).
import { createHash, randomBytes } from 'node:crypto'
import { wrangler } from './wrangler.mjs'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const randomBase62 = (n) => {
  let out = ''
  while (out.length < n) for (const b of randomBytes(n * 2)) if (b < 248 && out.length < n) out += BASE62[b % 62]
  return out
}
const sha256 = (s) => createHash('sha256').update(s).digest('hex')
const sql = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`)

function parseArgs(argv) {
  const [command, ...rest] = argv
  const flags = { _: [] }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    if (a === '--remote') flags.remote = true
    else if (a.startsWith('--')) flags[a.slice(2)] = rest[++i]
    else flags._.push(a)
  }
  return { command, flags }
}

async function d1(flags, command) {
  const where = flags.remote ? ['--remote'] : ['--local', ...(flags['persist-to'] ? ['--persist-to', flags['persist-to']] : [])]
  if (!flags.remote) await wrangler(['d1', 'migrations', 'apply', 'DB', ...where], { capture: true })
  const out = await wrangler(['d1', 'execute', 'DB', ...where, '--json', '--command', command], { capture: true })
  return JSON.parse(out)[0]?.results ?? []
}

const { command, flags } = parseArgs(process.argv.slice(2))
switch (command) {
  case 'create': {
    const kind = flags.kind === 'supertokens' ? 'supertokens_api_key' : 'clerk_secret_key'
    const instance = flags.instance ?? `ins_${randomBase62(24)}`
    const app = flags.app ?? 'public'
    if (!/^ins_[A-Za-z0-9_-]{1,64}$/.test(instance)) throw new Error('--instance must look like ins_<name>')
    if (!/^[a-z0-9-]{1,64}$/.test(app)) throw new Error('--app must match [a-z0-9-]+')
    const key = kind === 'clerk_secret_key' ? `sk_${flags.remote ? 'live' : 'test'}_${randomBase62(40)}` : randomBase62(40)
    await d1(
      flags,
      `INSERT INTO api_keys (key_hash, kind, instance_id, app_id, label, created_at) VALUES (${sql(sha256(key))}, ${sql(kind)}, ${sql(instance)}, ${sql(app)}, ${sql(flags.label ?? null)}, ${Date.now()})`,
    )
    console.log(`instance: ${instance}`)
    if (kind === 'supertokens_api_key') console.log(`app:      ${app}`)
    console.log(`kind:     ${kind}`)
    console.log(`key:      ${key}`)
    console.log('Store the key now: only its SHA-256 is kept, so it cannot be shown again.')
    break
  }
  case 'list': {
    const filter = flags.instance ? ` WHERE instance_id = ${sql(flags.instance)}` : ''
    const rows = await d1(flags, `SELECT substr(key_hash, 1, 12) AS hash_prefix, kind, instance_id, app_id, label, created_at, revoked_at FROM api_keys${filter} ORDER BY created_at`)
    console.table(rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString(), revoked_at: r.revoked_at ? new Date(r.revoked_at).toISOString() : '' })))
    break
  }
  case 'revoke': {
    const target = flags._[0]
    if (!target) throw new Error('revoke needs a key or a hash prefix of 12+ hex characters')
    const condition = /^[0-9a-f]{12,64}$/.test(target) ? `key_hash LIKE ${sql(`${target}%`)}` : `key_hash = ${sql(sha256(target))}`
    const rows = await d1(flags, `UPDATE api_keys SET revoked_at = ${Date.now()} WHERE ${condition} AND revoked_at IS NULL RETURNING substr(key_hash, 1, 12) AS hash_prefix, instance_id`)
    console.log(rows.length ? `revoked: ${rows.map((r) => `${r.hash_prefix}… (${r.instance_id})`).join(', ')}` : 'no active key matched')
    process.exitCode = rows.length ? 0 : 1
    break
  }
  default:
    console.error('usage: npm run keys -- create [--kind clerk|supertokens] [--instance ins_x] [--app public] [--label text] [--remote] | list [--remote] | revoke <key|hash-prefix> [--remote]')
    process.exitCode = 2
}
