// The SAML engine inside workerd (the runtime saml-edge ships on), beside the same engine on Node:
// a bench Worker (scripts/bench-workerd/) under `wrangler dev` verifies one input N times per
// request. workerd freezes Date.now() and performance.now() while a request only computes (a
// Spectre mitigation), so the Worker cannot time itself: this script times each request from
// outside, twice per round, with n verifications and with none, and divides the difference by n,
// so the HTTP hop, wrangler's proxy and the request's own setup cancel out. The CPU time of
// wrangler dev's processes (/proc) is read around the same requests as a second measure.
//
//   node scripts/bench-workerd.mjs [--n 200] [--rounds 7]
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { signedResponse } from './bench-engine.mjs'
import { bundleAndImport, fmt, groupCpuSeconds, loadEngine, log, median, opsPerSecond, root, startBenchServer, table } from './bench-support.mjs'

export async function runWorkerdBench({ n = 200, rounds = 7, nodeMs = 1000 } = {}) {
  const engine = await loadEngine()
  const t = engine.testIdp
  const key = (name) => readFileSync(path.join(root, 'test/fixtures/keys', name), 'utf8')
  const config = t.makeConfig({ expectedInResponseTo: null, allowIdpInitiated: true })
  const { encryptAssertion } = await bundleAndImport('encrypt', "export * from './test/node/encrypt.ts'\n")
  const plainXml = Buffer.from(signedResponse(t, { sign: 'assertion' }), 'base64').toString('utf8')
  const gcm = { content: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', transport: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p' }
  // The inputs of `npm run bench:engine`: a Response-signed, an Assertion-signed, and an
  // Assertion-signed-then-encrypted response, all valid for the next hour.
  const cases = [
    { name: 'Response signed', samlResponseBase64: signedResponse(t, { sign: 'response' }), decryptionKeyPem: null },
    { name: 'Assertion signed', samlResponseBase64: signedResponse(t, { sign: 'assertion' }), decryptionKeyPem: null },
    {
      name: 'Assertion signed and encrypted, AES-256-GCM + RSA-OAEP',
      samlResponseBase64: Buffer.from(await encryptAssertion(plainXml, 'xml-encryption', gcm, key('sp-encryption.cert.pem'))).toString('base64'),
      decryptionKeyPem: key('sp-encryption.key.pem'),
    },
  ].map((c) => ({ ...c, config, bytes: Buffer.from(c.samlResponseBase64, 'base64').length }))

  const persistTo = path.join(root, '.wrangler', 'bench', 'workerd')
  rmSync(persistTo, { recursive: true, force: true })
  log('workerd: starting wrangler dev with the engine bench Worker (scripts/bench-workerd/)')
  const server = await startBenchServer({ persistTo, name: 'workerd', config: path.join(root, 'scripts', 'bench-workerd', 'wrangler.toml') })
  try {
    const setup = await fetch(`${server.origin}/setup`, { method: 'POST', body: JSON.stringify(cases) })
    if (!setup.ok) throw new Error(`workerd bench setup: ${setup.status} ${await setup.text()}`)
    const verify = async (c, count) => {
      const cpu0 = groupCpuSeconds(server.pgid)
      const t0 = performance.now()
      const res = await fetch(`${server.origin}/verify?case=${encodeURIComponent(c.name)}&n=${count}`)
      const body = await res.json()
      const ms = performance.now() - t0
      const cpuMs = cpu0 === null ? null : (groupCpuSeconds(server.pgid) - cpu0) * 1000
      if (body.ok !== count) throw new Error(`workerd bench: ${c.name}: ${body.ok} of ${count} verifications succeeded`)
      return { ms, cpuMs, clockMovedMs: body.clockMovedMs }
    }
    const rows = []
    for (const c of cases) {
      log(`workerd: ${c.name}, ${rounds} rounds of ${n} verifications in one request against none`)
      const decryptionKeys = c.decryptionKeyPem ? [engine.importDecryptionKey(c.decryptionKeyPem)] : []
      const nodeFn = async () => {
        if (!(await engine.verifySamlResponse({ samlResponseBase64: c.samlResponseBase64 }, { ...config, decryptionKeys }, Date.now())).ok) throw new Error(`node: ${c.name} refused`)
      }
      await nodeFn()
      await verify(c, n) // warm-up: the first verification imports the key and fills the caches
      const wall = []
      const cpu = []
      const node = []
      const clock = []
      // Interleaved, so a neighbour's load on the shared machine falls on both runtimes alike.
      for (let r = 0; r < rounds; r++) {
        const full = await verify(c, n)
        const empty = await verify(c, 0)
        wall.push((full.ms - empty.ms) / n)
        if (full.cpuMs !== null) cpu.push((full.cpuMs - empty.cpuMs) / n)
        clock.push(full.clockMovedMs / n)
        node.push(1000 / (await opsPerSecond(nodeFn, { ms: nodeMs })))
      }
      rows.push({ name: c.name, bytes: c.bytes, wallMs: median(wall), cpuMs: cpu.length ? median(cpu) : null, nodeMs: median(node), clockMs: median(clock) })
    }
    const markdown = [
      table(
        ['verify SAMLResponse', 'workerd: µs each (wall, median)', 'workerd: verifications/s', 'workerd: CPU µs each (/proc)', 'workerd: its own clock, µs each', 'Node 22: µs each', 'Node 22: verifications/s', 'workerd ÷ Node (speed)'],
        rows.map((r) => [
          `${r.name} (${r.bytes} B)`,
          fmt(r.wallMs * 1000),
          fmt(1000 / r.wallMs),
          r.cpuMs === null ? 'n/a' : fmt(r.cpuMs * 1000),
          fmt(r.clockMs * 1000),
          fmt(r.nodeMs * 1000),
          fmt(1000 / r.nodeMs),
          `${(r.nodeMs / r.wallMs).toFixed(2)}×`,
        ]),
      ),
      '',
      `"Its own clock" is Date.now() inside the Worker across the ${n} verifications of one request, divided by ${n}: workerd moves its clock only when the event loop turns (I/O, and here the awaited WebCrypto calls), never during JavaScript, so it is a lower bound; the wall and CPU columns are measured outside.`,
    ].join('\n')
    return { markdown, rows, n, rounds }
  } finally {
    await server.stop()
    rmSync(persistTo, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? Number(process.argv[i + 1]) : fallback
  }
  const r = await runWorkerdBench({ n: arg('n', 200), rounds: arg('rounds', 7) })
  console.log(r.markdown)
}
