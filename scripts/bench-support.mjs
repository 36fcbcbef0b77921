// Shared pieces of `npm run bench`: the engine bundle for Node, a timing loop, a bench IdP, and
// Markdown tables. Nothing here asserts on timings; the scripts only measure and report.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './wrangler.mjs'

export { root }
export const CACHE_DIR = path.join(root, 'node_modules', '.cache', 'saml-edge-bench')

/**
 * Bundles TypeScript sources of this repository (an entry given as text) into one ES module for
 * Node and imports it. Packages stay external, so Node loads the same fast-xml-parser,
 * zod and xml-crypto that the Worker bundle and the tests use. `?raw` imports
 * (the test keys) become text, as Vite makes them in the test suite.
 */
export async function bundleAndImport(name, contents) {
  const { build } = await import('esbuild')
  mkdirSync(CACHE_DIR, { recursive: true })
  const outfile = path.join(CACHE_DIR, `${name}-${process.pid}.mjs`)
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: `${name}-entry.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outfile,
    logLevel: 'warning',
    plugins: [
      {
        name: 'raw-text',
        setup(b) {
          b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: path.resolve(a.resolveDir, a.path.replace(/\?raw$/, '')), namespace: 'raw-text' }))
          b.onLoad({ filter: /.*/, namespace: 'raw-text' }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }))
        },
      },
    ],
  })
  try {
    return await import(pathToFileURL(outfile).href)
  } finally {
    rmSync(outfile, { force: true })
  }
}

/** The SAML engine (src/saml, WebCrypto) and the test IdP (test/helpers/test-idp.ts, xml-crypto), for Node. */
export const loadEngine = () =>
  bundleAndImport('engine', "export * from './src/saml/index.ts'\nexport * as testIdp from './test/helpers/test-idp.ts'\n")

/** SAML 2.0 IdP metadata for the test IdP key (test/fixtures/keys/idp.cert.pem), HTTP-Redirect and POST. */
export function benchIdpMetadata(entityId, bareCert, ssoUrl = 'https://idp.example.test/sso') {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${bareCert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  )
}

/**
 * Calls `fn` (sync or async, one operation per call, awaited one at a time) for about `ms`
 * milliseconds after a short warm-up and returns operations per second.
 */
export async function opsPerSecond(fn, { ms = 1000, warmupMs = 200 } = {}) {
  const run = async (budget) => {
    let n = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < budget) {
      // Batches of 8 keep the clock reads out of the measurement for very fast functions.
      for (let i = 0; i < 8; i++) await fn(n++)
      elapsed = performance.now() - start
    }
    return { n, elapsed }
  }
  await run(warmupMs)
  const { n, elapsed } = await run(ms)
  return (n * 1000) / elapsed
}

/**
 * Measures several contenders in interleaved rounds (A B C, A B C, ...) and keeps each one's
 * median, so a neighbour's load on the machine hits every contender alike.
 */
export async function compareOps(contenders, { rounds = 3, ms = 1000 } = {}) {
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]))
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) samples[c.name].push(await opsPerSecond(c.fn, { ms }))
  }
  return Object.fromEntries(contenders.map((c) => [c.name, median(samples[c.name])]))
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export const fmt = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
export const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a')

/** A Markdown table from a header row and body rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const log = (...args) => console.error('[bench]', ...args)

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const net = await import('node:net')
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/**
 * `wrangler dev` on 127.0.0.1 with local D1/KV kept in `persistTo` (never the developer's
 * .wrangler/state), migrations applied first, and LOG_REQUESTS=false so access logs do not
 * dominate. Its output goes to a log file; `stop()` ends the process group it started.
 */
export async function startBenchServer({ persistTo, port, name = 'server', config = null }) {
  const { spawn } = await import('node:child_process')
  const { createWriteStream } = await import('node:fs')
  const { wrangler } = await import('./wrangler.mjs')
  // Another Worker's configuration (the engine bench Worker) has no D1 to migrate.
  if (!config) await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { capture: true })
  port ??= await freePort()
  mkdirSync(CACHE_DIR, { recursive: true })
  const logFile = path.join(CACHE_DIR, `wrangler-dev-${name}.log`)
  const out = createWriteStream(logFile)
  const child = spawn(
    path.join(root, 'node_modules', '.bin', 'wrangler'),
    ['dev', ...(config ? ['--config', config] : []), '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistTo, '--var', 'LOG_REQUESTS:false',
      '--show-interactive-dev-session=false', '--log-level', 'warn'],
    { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
  )
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  let exited = null
  child.on('exit', (code) => (exited = code ?? 'signal'))
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (exited !== null) throw new Error(`wrangler dev exited (${exited}); see ${logFile}`)
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer within 120 s; see ${logFile}`)
    try {
      const res = await fetch(`${origin}/noop`)
      if (res.ok) break
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    origin,
    logFile,
    /** The process group of wrangler dev and its workerd processes (for `groupCpuSeconds`). */
    pgid: child.pid,
    async stop() {
      if (exited !== null) return
      const done = new Promise((r) => child.once('exit', r))
      try {
        process.kill(-child.pid, 'SIGINT')
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {}
      }, 10_000)
      await done
      clearTimeout(timer)
    },
  }
}

/**
 * CPU seconds (user + system) used so far by every live process of a process group, read from
 * /proc (Linux; null elsewhere). Unlike requests per second, CPU time spent per request barely
 * moves when a neighbour loads the machine, so it is the steadier figure on a shared box.
 */
export function groupCpuSeconds(pgid) {
  if (!existsSync('/proc/self/stat')) return null
  const ticksPerSecond = 100 // USER_HZ on Linux
  let ticks = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    // Fields after the command name: state ppid pgrp ... utime (12th) stime (13th).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12])
  }
  return ticks / ticksPerSecond
}

/**
 * One autocannon run, programmatically. Returns requests/s and latency percentiles (ms) plus the
 * status codes seen, so a caller can check every request got the answer it expects.
 */
export async function load(opts) {
  const { default: autocannon } = await import('autocannon')
  const result = await autocannon({ connections: 10, pipelining: 1, ...opts })
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]))
  const seconds = (new Date(result.finish) - new Date(result.start)) / 1000
  return {
    rps: result.requests.total / seconds,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  }
}
