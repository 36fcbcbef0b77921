// `npm run bench`: the engine, HTTP and scale benchmarks in one run, a final table on stdout, and
// the numbers written into BENCHMARKS.md (between its `bench:results` markers) with the command
// that produced them. Takes several minutes; progress goes to stderr.
//
//   npm run bench                      # everything, written to BENCHMARKS.md
//   npm run bench -- --quick           # short runs for a smoke check; BENCHMARKS.md is left alone
//   npm run bench -- --only engine,workerd,http,scale [--no-write]
//
// Nothing here asserts on timings: ratios are measured and reported, never tested.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runEngineBench } from './bench-engine.mjs'
import { runHttpBench } from './bench-http.mjs'
import { runScaleBench } from './bench-scale.mjs'
import { runWorkerdBench } from './bench-workerd.mjs'
import { log, root } from './bench-support.mjs'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const onlyAt = argv.indexOf('--only')
const PARTS = ['engine', 'workerd', 'http', 'scale']
const only = new Set(onlyAt >= 0 ? argv[onlyAt + 1].split(',') : PARTS)
const write = !quick && !argv.includes('--no-write') && only.size === PARTS.length
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`

const settings = quick
  ? { engine: { ms: 300, rounds: 1 }, workerd: { n: 50, rounds: 1 }, http: { duration: 3, acsCount: 300, connections: 10 }, scale: { samples: 5 } }
  : { engine: { ms: 2000, rounds: 3 }, workerd: { n: 200, rounds: 7 }, http: { duration: 10, acsCount: 3000, connections: 10 }, scale: { samples: 21 } }

const started = Date.now()
const sections = []
if (only.has('engine')) {
  const r = await runEngineBench(settings.engine)
  sections.push({
    title: 'Engine: our SAML engine vs. Node SAML libraries',
    how: `Node ${process.versions.node}, one process; interleaved rounds of ${settings.engine.ms} ms per library (${settings.engine.rounds} rounds, median kept), calls awaited one at a time.`,
    markdown: r.markdown,
  })
}
if (only.has('workerd')) {
  const r = await runWorkerdBench(settings.workerd)
  sections.push({
    title: 'Engine inside workerd, beside Node',
    how:
      `The bench Worker (scripts/bench-workerd/) under wrangler dev verifies one input ${r.n} times per request; each of ${r.rounds} rounds times that request and one of 0 ` +
      'verifications from outside (workerd\'s clock does not move while JavaScript runs) and divides the difference; Node times the same calls in the same rounds (medians).',
    markdown: r.markdown,
  })
}
if (only.has('http')) {
  const r = await runHttpBench(settings.http)
  sections.push({
    title: 'HTTP: wrangler dev, ratios to GET /noop',
    how:
      `wrangler dev on 127.0.0.1 (local D1 and KV in .wrangler/bench/http, LOG_REQUESTS=false), autocannon with ${r.connections} connections, ` +
      `${r.duration} s per endpoint (the ACS: a fixed number of fresh signed responses), each right after ${Math.max(3, Math.round(r.duration / 2))} s of GET /noop, its baseline; load generator on the same machine.`,
    markdown: r.markdown,
  })
}
if (only.has('scale')) {
  const r = await runScaleBench({ count: 100_000, ...settings.scale })
  sections.push({
    title: `Scale: listing an instance with ${r.count.toLocaleString('en-US')} connections`,
    how: 'Seeded by scripts/seed-scale.mjs into .wrangler/bench/scale (the developer\'s local DB is untouched).',
    markdown: r.markdown,
  })
}

const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}
const dirty = git('status', '--porcelain') ? ' (with uncommitted changes)' : ''
const header = [
  `Command: \`${command}\`, ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((Date.now() - started) / 60000).toFixed(1)} min.`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.versions.node}; commit ${git('rev-parse', '--short', 'HEAD')}${dirty}.`,
].join('\n')
const body = [header, ...sections.map((s) => `### ${s.title}\n\n${s.how}\n\n${s.markdown}`)].join('\n\n')
console.log(`\n${body}\n`)

if (write) {
  const file = path.join(root, 'BENCHMARKS.md')
  const start = '<!-- bench:results:start -->'
  const end = '<!-- bench:results:end -->'
  const current = readFileSync(file, 'utf8')
  const a = current.indexOf(start)
  const b = current.indexOf(end)
  if (a < 0 || b < a) throw new Error(`BENCHMARKS.md has no ${start} … ${end} section to replace`)
  writeFileSync(file, `${current.slice(0, a + start.length)}\n${body}\n${current.slice(b)}`)
  log('BENCHMARKS.md updated')
} else {
  log('BENCHMARKS.md left as it is (quick or partial run, or --no-write)')
}
