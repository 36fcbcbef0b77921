// HTTP benchmark: the Worker under `wrangler dev` on 127.0.0.1 (local D1 and KV in a throw-away
// persist dir, LOG_REQUESTS=false), loaded with autocannon. Every endpoint is reported as a ratio
// to the no-op Hono route GET /noop of the same Worker in the same run.
//
//   node scripts/bench-http.mjs [--duration 10] [--acs 2000] [--connections 10]
import { createHash, randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { signedResponse } from './bench-engine.mjs'
import { benchIdpMetadata, fmt, groupCpuSeconds, load, loadEngine, log, root, startBenchServer, table } from './bench-support.mjs'
import { wrangler } from './wrangler.mjs'

// Keys stored in the bench's D1 the way `npm run keys` stores them, so every management request
// pays what it pays in production: a key lookup (not the development key's shortcut).
const KEY = `sk_test_bench_${randomBytes(16).toString('hex')}`
const ST_KEY = `bench-st-${randomBytes(16).toString('hex')}`
const BENCH_INSTANCE = 'ins_bench'
const JSON_HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
const REDIRECT_URI = 'https://app.example.test/sso/callback'
const PROVIDERS = ['saml_okta', 'saml_google', 'saml_microsoft', 'saml_custom']

async function call(origin, p, init = {}) {
  const res = await fetch(`${origin}${p}`, { redirect: 'manual', ...init })
  return { status: res.status, headers: res.headers, body: await res.text() }
}

async function storeBenchKeys(persistTo) {
  const where = ['--local', '--persist-to', persistTo]
  await wrangler(['d1', 'migrations', 'apply', 'DB', ...where], { capture: true })
  const row = (key, kind) => `('${createHash('sha256').update(key).digest('hex')}', '${kind}', '${BENCH_INSTANCE}', 'public', 'bench', ${Date.now()})`
  const sql = `INSERT INTO api_keys (key_hash, kind, instance_id, app_id, label, created_at) VALUES ${row(KEY, 'clerk_secret_key')}, ${row(ST_KEY, 'supertokens_api_key')}`
  await wrangler(['d1', 'execute', 'DB', ...where, '--command', sql], { capture: true })
}

const form = (samlResponse) => `SAMLResponse=${encodeURIComponent(samlResponse)}`

export async function runHttpBench({ duration = 10, acsCount = 2000, connections = 10 } = {}) {
  const persistTo = path.join(root, '.wrangler', 'bench', 'http')
  rmSync(persistTo, { recursive: true, force: true })
  await storeBenchKeys(persistTo)
  log(`http: starting wrangler dev (state in ${path.relative(root, persistTo)})`)
  const server = await startBenchServer({ persistTo, name: 'http' })
  const { origin } = server
  try {
    const stamp = Date.now().toString(36)
    let created = 0
    const createBody = () => {
      const i = created++
      return JSON.stringify({ name: `Bench customer ${i}`, provider: PROVIDERS[i % PROVIDERS.length], domain: `c${i}-${stamp}.bench.example` })
    }

    // 1. Fixtures: 150 connections for get and list, created through the API, 5 at a time.
    log('http: creating 150 connections for get/list')
    const ids = []
    for (let i = 0; i < 30; i++) {
      const batch = await Promise.all(
        Array.from({ length: 5 }, () => call(origin, '/v1/saml_connections', { method: 'POST', headers: JSON_HEADERS, body: createBody() })),
      )
      for (const r of batch) {
        if (r.status !== 200) throw new Error(`create: ${r.status} ${r.body}`)
        ids.push(JSON.parse(r.body).id)
      }
    }

    // 2. The ACS connection: IdP metadata carrying the test IdP's certificate, IdP-initiated allowed.
    const engine = await loadEngine()
    const t = engine.testIdp
    // The profile's email must lie in the connection's domains (the email-domain rule of every ACS).
    const acsDomain = `acs-${stamp}.bench.example`
    const acsEmail = `ada@${acsDomain}`
    const acsConn = await call(origin, '/v1/saml_connections', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        name: 'Bench ACS',
        provider: 'saml_custom',
        domain: acsDomain,
        idp_metadata: benchIdpMetadata(t.IDP_ENTITY_ID, t.bareCertificate('idp')),
        active: true,
        allow_idp_initiated: true,
        redirect_uris: [REDIRECT_URI],
        enable_request_signing: false,
      }),
    })
    if (acsConn.status !== 200) throw new Error(`create ACS connection: ${acsConn.status} ${acsConn.body}`)
    const conn = JSON.parse(acsConn.body)
    const acsPath = new URL(conn.acs_url).pathname
    const sign = (i, signing) =>
      signedResponse(t, {
        responseId: `_bench_resp_${stamp}_${i}`,
        assertionId: `_bench_assert_${stamp}_${i}`,
        audience: conn.sp_entity_id,
        recipient: conn.acs_url,
        destination: conn.acs_url,
        nameId: acsEmail,
        attributes: { email: [acsEmail] },
        ...(signing ? { signing } : {}),
      })
    log(`http: signing ${acsCount + 1} IdP-initiated responses with the test IdP key`)
    const signStart = performance.now()
    const responses = Array.from({ length: acsCount + 1 }, (_, i) => form(sign(i)))
    log(`http: signed in ${((performance.now() - signStart) / 1000).toFixed(1)} s`)
    const badSignature = form(sign('attacker', { key: 'attacker' }))

    // Each path answers as expected once before it is loaded.
    const probe = await call(origin, acsPath, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: responses.pop() })
    const location = probe.headers.get('location') ?? ''
    if (probe.status !== 302 || !location.startsWith(`${REDIRECT_URI}?code=`)) throw new Error(`ACS probe: ${probe.status} ${location} ${probe.body}`)
    const refused = await call(origin, acsPath, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: badSignature })
    if (refused.status !== 400) throw new Error(`ACS refusal probe: ${refused.status} ${refused.body}`)
    // 2b. A SuperTokens client for the legacy OAuth-style endpoints: another IdP entity id (one per
    // tenant), the same test IdP key; its ACS is saml-edge's legacy callback for the instance.
    const legacyEntityId = `${t.IDP_ENTITY_ID}/legacy-${stamp}`
    const stPut = await call(origin, '/recipe/saml/clients', {
      method: 'PUT',
      headers: { 'api-key': ST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientSecret: 'bench-secret',
        redirectURIs: [REDIRECT_URI],
        defaultRedirectURI: REDIRECT_URI,
        metadataXML: Buffer.from(benchIdpMetadata(legacyEntityId, t.bareCertificate('idp'))).toString('base64'),
        allowIDPInitiatedLogin: true,
        enableRequestSigning: false,
      }),
    })
    if (stPut.status !== 200) throw new Error(`PUT legacy client: ${stPut.status} ${stPut.body}`)
    const legacyClient = JSON.parse(stPut.body)
    const legacyAcs = `${origin}/recipe/saml/legacy/callback?instance_id=${BENCH_INSTANCE}`
    const legacyAcsPath = new URL(legacyAcs).pathname + new URL(legacyAcs).search
    const authorizePath = `/recipe/saml/legacy/authorize?${new URLSearchParams({ client_id: legacyClient.clientId, redirect_uri: REDIRECT_URI, instance_id: BENCH_INSTANCE })}`
    log(`http: signing ${acsCount + 1} IdP-initiated responses for the legacy callback`)
    const legacyResponses = Array.from({ length: acsCount + 1 }, (_, i) =>
      form(
        signedResponse(t, {
          responseId: `_bench_legacy_resp_${stamp}_${i}`,
          assertionId: `_bench_legacy_assert_${stamp}_${i}`,
          issuer: legacyEntityId,
          responseIssuer: legacyEntityId,
          audience: legacyClient.spEntityId,
          recipient: legacyAcs,
          destination: legacyAcs,
        }),
      ),
    )
    const legacyProbe = await call(origin, legacyAcsPath, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: legacyResponses.pop() })
    if (legacyProbe.status !== 302) throw new Error(`legacy callback probe: ${legacyProbe.status} ${legacyProbe.body}`)
    const authorizeProbe = await call(origin, authorizePath)
    if (authorizeProbe.status !== 307) throw new Error(`legacy authorize probe: ${authorizeProbe.status} ${authorizeProbe.body}`)

    const got = await call(origin, `/v1/saml_connections/${ids[0]}`, { headers: JSON_HEADERS })
    if (got.status !== 200) throw new Error(`get probe: ${got.status}`)

    // 3. The runs. Each checks that every answer had the expected status.
    // Each endpoint runs right after a run of GET /noop and is divided by that one, so a
    // neighbour's load on the shared machine moves both sides of a ratio alike.
    const noopDuration = Math.max(3, Math.round(duration / 2))
    const runs = []
    const loadChecked = async (name, expected, opts) => {
      const cpuBefore = groupCpuSeconds(server.pgid)
      const r = await load({ url: origin, connections, ...opts })
      const cpuAfter = groupCpuSeconds(server.pgid)
      // CPU time of wrangler dev's processes (its proxy workerd, the Worker's workerd with local
      // D1 and KV, the node parent) per request: steadier than req/s when neighbours load the box.
      r.cpuUs = cpuBefore === null || cpuAfter === null || !r.total ? null : ((cpuAfter - cpuBefore) * 1e6) / r.total
      const unexpected = Object.entries(r.statuses).filter(([s]) => Number(s) !== expected)
      if (r.errors || r.timeouts || unexpected.length) {
        throw new Error(`${name}: ${r.errors} errors, ${r.timeouts} timeouts, statuses ${JSON.stringify(r.statuses)} (expected ${expected})`)
      }
      return r
    }
    const run = async (name, expected, opts) => {
      log(`http: GET /noop, then ${name}`)
      const noop = await loadChecked('GET /noop', 200, { duration: noopDuration, requests: [{ method: 'GET', path: '/noop' }] })
      runs.push({ name, noop, ...(await loadChecked(name, expected, opts)) })
    }
    let getI = 0
    await run('GET /noop', 200, { duration, requests: [{ method: 'GET', path: '/noop' }] })
    await run('GET /v1/saml_connections/:id (Clerk get)', 200, {
      duration,
      headers: JSON_HEADERS,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/saml_connections/${ids[getI++ % ids.length]}` }) }],
    })
    await run('GET /v1/saml_connections?limit=10', 200, { duration, headers: JSON_HEADERS, requests: [{ method: 'GET', path: '/v1/saml_connections?limit=10' }] })
    await run('GET /v1/saml_connections?limit=100', 200, { duration, headers: JSON_HEADERS, requests: [{ method: 'GET', path: '/v1/saml_connections?limit=100' }] })
    await run('POST /v1/saml_connections (Clerk create)', 200, {
      duration,
      headers: JSON_HEADERS,
      requests: [{ method: 'POST', path: '/v1/saml_connections', setupRequest: (req) => ({ ...req, body: createBody() }) }],
    })
    let acsI = 0
    await run(`POST /v1/saml/acs/:id (valid, ${responses.length} fresh responses)`, 302, {
      amount: responses.length,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requests: [{ method: 'POST', path: acsPath, setupRequest: (req) => ({ ...req, body: responses[acsI++] }) }],
    })
    await run('POST /v1/saml/acs/:id (bad signature, refused 400)', 400, {
      duration,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requests: [{ method: 'POST', path: acsPath, body: badSignature }],
    })

    await run('GET /recipe/saml/legacy/authorize (307 to the IdP)', 307, { duration, requests: [{ method: 'GET', path: authorizePath }] })
    let legacyI = 0
    await run(`POST /recipe/saml/legacy/callback (valid, ${legacyResponses.length} fresh responses)`, 302, {
      amount: legacyResponses.length,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requests: [{ method: 'POST', path: legacyAcsPath, setupRequest: (req) => ({ ...req, body: legacyResponses[legacyI++] }) }],
    })

    const markdown = table(
      ['endpoint', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'GET /noop just before: req/s, p50, p99', 'req/s ÷ noop', 'p50 ÷ noop', 'p99 ÷ noop', 'server CPU µs/request (noop just before)', 'noop CPU ÷ CPU'],
      runs.map((r) => [
        r.name,
        fmt(r.total),
        fmt(r.rps),
        fmt(r.p50, 1),
        fmt(r.p99, 1),
        `${fmt(r.noop.rps)}, ${fmt(r.noop.p50, 1)}, ${fmt(r.noop.p99, 1)}`,
        (r.rps / r.noop.rps).toFixed(2),
        r.p50 && r.noop.p50 ? (r.p50 / r.noop.p50).toFixed(1) : 'n/a',
        r.p99 && r.noop.p99 ? (r.p99 / r.noop.p99).toFixed(1) : 'n/a',
        r.cpuUs === null ? 'n/a' : `${fmt(r.cpuUs)} (${fmt(r.noop.cpuUs)})`,
        r.cpuUs && r.noop.cpuUs ? (r.noop.cpuUs / r.cpuUs).toFixed(2) : 'n/a',
      ]),
    )
    return { markdown, runs, connections, duration }
  } finally {
    await server.stop()
    rmSync(persistTo, { recursive: true, force: true })
    log(`http: wrangler dev stopped (its output: ${path.relative(root, server.logFile)})`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const r = await runHttpBench({ duration: arg('duration', 10), acsCount: arg('acs', 2000), connections: arg('connections', 10) })
  console.log(r.markdown)
}
