// Scale benchmark: Clerk-style list latency against an instance with 100,000 connections (seeded
// by scripts/seed-scale.mjs into .wrangler/bench/scale, never the developer's local DB).
//
// 1. HTTP: `wrangler dev` on that state, one request at a time, p50/p95 per (order, offset) point.
// 2. Storage: the same queries through the D1 binding (wrangler's getPlatformProxy on a copy of
//    the state, after the server stopped), the current `list()` of src/storage/d1/saml-connections.ts
//    side by side with the offset scan it replaced (`legacyList` below, the list() of commit
//    03b344c, as the "before"), under the indexes of migrations 0001-0003 and then of 0004, plus
//    the COUNT(*) that `total_count` costs on its own. Every case must return the same page and
//    total from both implementations.
//
//   node scripts/bench-scale.mjs [--count 100000] [--samples 15] [--http-only]
import { cpSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { bundleAndImport, fmt, log, median, root, startBenchServer, table } from './bench-support.mjs'
import { ensureScaleSeed, SCALE_INSTANCE } from './seed-scale.mjs'

const KEY = 'sk_test_local_development_key'
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]

/** The list() this benchmark replaced (one SELECT … ORDER BY … LIMIT ? OFFSET ? over whole rows), for the "before" column. */
function legacyList(db, rows, q) {
  const where = ['instance_id = ?']
  const args = [q.instanceId]
  if (q.nameContains) {
    where.push("name_lower LIKE ? ESCAPE '\\'")
    args.push(`%${q.nameContains.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`)
  }
  if (q.includeOrganizations?.length) {
    where.push(`organization_id IN (${q.includeOrganizations.map(() => '?').join(', ')})`)
    args.push(...q.includeOrganizations)
  }
  if (q.excludeOrganizations?.length) {
    where.push(`(organization_id IS NULL OR organization_id NOT IN (${q.excludeOrganizations.map(() => '?').join(', ')}))`)
    args.push(...q.excludeOrganizations)
  }
  const dir = q.order.direction === 'asc' ? 'ASC' : 'DESC'
  const order = q.order.field === 'name' ? `name_lower ${dir}, id ${dir}` : `created_at ${dir}, id ${dir}`
  const whereSql = where.join(' AND ')
  return db
    .batch([
      db.prepare(`${rows.SELECT_CONNECTION} WHERE ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`).bind(...args, q.limit, q.offset),
      db.prepare(`SELECT COUNT(*) AS n FROM saml_connections WHERE ${whereSql}`).bind(...args),
    ])
    .then(([page, count]) => ({ items: page.results.map(rows.fromRow), total: Number(count.results[0]?.n ?? 0) }))
}

async function timeIt(fn, { samples, warmup = 2 }) {
  for (let i = 0; i < warmup; i++) await fn()
  const ms = []
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  return { p50: median(ms), p95: percentile(ms, 95) }
}

/** The HTTP cases: Clerk list query strings and the page size each must return. */
export function httpCases(count) {
  const page = (limit, offset, matching = count) => Math.max(0, Math.min(limit, matching - offset))
  const acme = Math.ceil(count / 12)
  const deep = (n) => Math.max(0, count - n)
  return [
    ...[0, 1_000, 10_000, 50_000, deep(10), count].map((o) => ({ label: `-created_at, limit 10, offset ${fmt(o)}`, qs: `limit=10&offset=${o}`, expect: page(10, o) })),
    ...[0, deep(100)].map((o) => ({ label: `-created_at, limit 100, offset ${fmt(o)}`, qs: `limit=100&offset=${o}`, expect: page(100, o) })),
    ...[0, 10_000, deep(10)].map((o) => ({ label: `name, limit 10, offset ${fmt(o)}`, qs: `order_by=name&limit=10&offset=${o}`, expect: page(10, o) })),
    ...[0, Math.max(0, acme - 10)].map((o) => ({ label: `query=acme (${fmt(acme)} match), offset ${fmt(o)}`, qs: `query=acme&limit=10&offset=${o}`, expect: page(10, o, acme), total: acme })),
  ]
}

export async function runScaleBench({ count = 100_000, samples = 15, storage: withStorage = true } = {}) {
  const persistTo = path.join(root, '.wrangler', 'bench', 'scale')
  await ensureScaleSeed({ count, persistTo })

  // 1. HTTP, against wrangler dev.
  log('scale: starting wrangler dev on the seeded state')
  const server = await startBenchServer({ persistTo, name: 'scale' })
  const http = []
  try {
    // References on the same server: the no-op route and a get by id.
    const someId = (await (await fetch(`${server.origin}/v1/saml_connections?limit=1`, { headers: { authorization: `Bearer ${KEY}` } })).json()).data[0].id
    for (const [label, url, auth] of [['GET /noop (reference)', '/noop', false], ['GET /v1/saml_connections/:id (reference)', `/v1/saml_connections/${someId}`, true]]) {
      const r = await timeIt(async () => {
        const res = await fetch(`${server.origin}${url}`, auth ? { headers: { authorization: `Bearer ${KEY}` } } : {})
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`scale: ${url}: ${res.status}`)
      }, { samples })
      http.push({ label, expect: '', ...r })
    }
    for (const c of httpCases(count)) {
      log(`scale: GET /v1/saml_connections?${c.qs}`)
      let checked = false
      const r = await timeIt(
        async () => {
          const res = await fetch(`${server.origin}/v1/saml_connections?${c.qs}`, { headers: { authorization: `Bearer ${KEY}` } })
          const body = await res.json()
          if (!checked) {
            const total = c.total ?? count
            if (res.status !== 200 || body.data.length !== c.expect || body.total_count !== total) {
              throw new Error(`scale: ${c.qs}: ${res.status}, ${body.data?.length} items, total_count ${body.total_count} (expected ${c.expect} / ${total})`)
            }
            checked = true
          }
        },
        { samples },
      )
      http.push({ ...c, ...r })
    }
  } finally {
    await server.stop()
  }
  const httpMarkdown = table(['GET /v1/saml_connections?… (Clerk list)', 'items', 'p50 ms', 'p95 ms'], http.map((h) => [h.label, String(h.expect), fmt(h.p50, 1), fmt(h.p95, 1)]))
  log(`scale: HTTP results\n${httpMarkdown}`)
  const httpIntro = `HTTP, ${samples} sequential requests per point after 2 warm-up requests (latency in ms, includes total_count):`
  if (!withStorage) return { markdown: `${httpIntro}\n\n${httpMarkdown}`, http, count, samples }

  // 2. Storage level, through the D1 binding on the same state, under both index sets.
  log('scale: storage-level timings through getPlatformProxy (before/after list(), COUNT alone)')
  const { getPlatformProxy } = await import('wrangler')
  const mod = await bundleAndImport(
    'storage',
    "export { d1Connections } from './src/storage/d1/saml-connections.ts'\nexport { fromRow, SELECT_CONNECTION } from './src/storage/d1/connection-rows.ts'\n",
  )
  // A copy, because this phase swaps index sets: the seeded state is never left half-changed.
  const copy = `${persistTo}-storage`
  rmSync(copy, { recursive: true, force: true })
  cpSync(persistTo, copy, { recursive: true })
  const proxy = await getPlatformProxy({ configPath: path.join(root, 'wrangler.toml'), persist: { path: path.join(copy, 'v3') } })
  const storage = []
  let countOnly
  try {
    const raw = proxy.env.DB
    // Records the D1 meta (rows_read, sql_duration_ms) of the last batch, for either list().
    let lastMeta = []
    const db = {
      prepare: (sql) => raw.prepare(sql),
      batch: async (statements) => {
        const results = await raw.batch(statements)
        lastMeta = results.map((r) => r.meta)
        return results
      },
    }
    const metaSum = (key) => lastMeta.reduce((n, m) => n + (key === 'sql' ? (m?.timings?.sql_duration_ms ?? m?.duration ?? 0) : (m?.rows_read ?? 0)), 0)
    const repo = mod.d1Connections(db)
    const q = (order, offset, extra = {}) => ({ instanceId: SCALE_INSTANCE, limit: 10, offset, order, includeOrganizations: [], excludeOrganizations: [], ...extra })
    const newest = { field: 'created_at', direction: 'desc' }
    const byName = { field: 'name', direction: 'asc' }
    const cases = [
      ...[0, 10_000, count - 10].map((o) => ({ label: `-created_at, offset ${fmt(o)}`, q: q(newest, o) })),
      ...[0, 10_000, count - 10].map((o) => ({ label: `name, offset ${fmt(o)}`, q: q(byName, o) })),
      { label: 'query=acme, offset 0', q: q(newest, 0, { nameContains: 'acme' }) },
      { label: 'query=acme, offset 8,000', q: q(newest, 8_000, { nameContains: 'acme' }) },
      { label: 'organization_id=-org_0, offset 10,000', q: q(newest, 10_000, { excludeOrganizations: ['org_0'] }) },
    ]
    const measure = async (fn, c) => {
      const reference = await fn(c.q)
      const rows = metaSum('rows')
      const sql = []
      const wall = await timeIt(async () => {
        await fn(c.q)
        sql.push(metaSum('sql'))
      }, { samples })
      return { reference, rows, wall: wall.p50, sql: median(sql.slice(-samples)) }
    }
    const run = async (statements) => {
      for (const s of statements) await raw.prepare(s).run()
    }
    // The index sets: what migrations 0001-0003 left, and what migrations/0004 makes of it.
    const migration0004 = readFileSync(path.join(root, 'migrations', '0004_list_covering_indexes.sql'), 'utf8')
      .replace(/--[^\n]*\n/g, '')
      .split(';')
      .map((x) => x.trim())
      .filter(Boolean)
    const toBefore = [
      'DROP INDEX IF EXISTS saml_connections_list_by_created',
      'DROP INDEX IF EXISTS saml_connections_list_by_name',
      'CREATE INDEX IF NOT EXISTS saml_connections_by_instance_created ON saml_connections (instance_id, created_at DESC, id DESC)',
    ]
    log('scale: storage, indexes of migrations 0001-0003')
    await run(toBefore)
    for (const c of cases) {
      log(`scale: storage before: ${c.label}`)
      const before = await measure((x) => legacyList(db, mod, x), c)
      const deferredOnly = await measure((x) => repo.list(x), c)
      if (JSON.stringify(before.reference) !== JSON.stringify(deferredOnly.reference)) throw new Error(`scale: before and after list() disagree on ${c.label}`)
      storage.push({ label: c.label, before, deferredOnly })
    }
    log('scale: storage, indexes of migrations/0004')
    await run(migration0004)
    for (const s of storage) {
      log(`scale: storage after: ${s.label}`)
      s.after = await measure((x) => repo.list(x), cases.find((c) => c.label === s.label))
      if (JSON.stringify(s.before.reference) !== JSON.stringify(s.after.reference)) throw new Error(`scale: before and after list() disagree on ${s.label}`)
    }
    const sqlOf = async (stmt) => {
      const sql = []
      const wall = await timeIt(async () => sql.push((await stmt().all()).meta.timings?.sql_duration_ms ?? 0), { samples })
      return { wall: wall.p50, sql: median(sql.slice(-samples)) }
    }
    countOnly = {
      count: await sqlOf(() => raw.prepare('SELECT COUNT(*) AS n FROM saml_connections WHERE instance_id = ?').bind(SCALE_INSTANCE)),
      ids: await sqlOf(() => raw.prepare('SELECT id FROM saml_connections WHERE instance_id = ? ORDER BY created_at DESC, id DESC LIMIT 10').bind(SCALE_INSTANCE)),
      countAcme: await sqlOf(() => raw.prepare("SELECT COUNT(*) AS n FROM saml_connections WHERE instance_id = ? AND name_lower LIKE '%acme%'").bind(SCALE_INSTANCE)),
    }
  } finally {
    await proxy.dispose()
    rmSync(copy, { recursive: true, force: true })
  }

  const ms = (x) => fmt(x, 1)
  const markdown = [
    httpIntro,
    '',
    httpMarkdown,
    '',
    `Storage level: \`list(q)\` (limit 10, page + count in one batch, rows mapped) through the D1 binding of the same state, ${samples} calls per point, medians. ` +
      '"wall" includes the getPlatformProxy round trip; "SQL" is D1\'s own sql_duration_ms summed over the batch. ' +
      'Before = the replaced offset scan on the indexes of migrations 0001-0003; deferred join = the new list() on those same indexes; ' +
      'after = the new list() with migrations/0004.',
    '',
    table(
      ['list(q)', 'before wall / SQL ms', 'deferred join only', 'after wall / SQL ms', 'before ÷ after (SQL)', 'rows read before → after'],
      storage.map((s) => [
        s.label,
        `${ms(s.before.wall)} / ${ms(s.before.sql)}`,
        `${ms(s.deferredOnly.wall)} / ${ms(s.deferredOnly.sql)}`,
        `${ms(s.after.wall)} / ${ms(s.after.sql)}`,
        s.after.sql > 0 ? `${(s.before.sql / s.after.sql).toFixed(1)}×` : 'n/a',
        `${fmt(s.before.rows)} → ${fmt(s.after.rows)}`,
      ]),
    ),
    '',
    `What \`total_count\` costs on its own (after): COUNT(*) of the instance ${ms(countOnly.count.wall)} ms wall / ${ms(countOnly.count.sql)} ms SQL; ` +
      `COUNT(*) with query=acme ${ms(countOnly.countAcme.wall)} / ${ms(countOnly.countAcme.sql)} ms; ` +
      `for comparison the ids of page 1 alone ${ms(countOnly.ids.wall)} / ${ms(countOnly.ids.sql)} ms.`,
  ].join('\n')
  return { markdown, http, storage, countOnly, count, samples }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const r = await runScaleBench({ count: arg('count', 100_000), samples: arg('samples', 15), storage: !process.argv.includes('--http-only') })
  console.log(r.markdown)
}
