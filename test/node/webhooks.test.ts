import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { unstable_readConfig } from 'wrangler'
import { DEFAULT_RETRY_BASE_SECONDS, retryDelaySeconds } from '../../src/domain/webhooks'
import { clerkCall, listenOnLoopback, startWorker, ROOT, type RunningWorker } from './worker'

// Webhooks against the Worker as `npm run dev` runs it (wrangler dev: local D1, KV and queues, the
// producer and the consumer in one process), delivering to a receiver this process serves on
// 127.0.0.1 (development allows an http: loopback URL), verified with the standardwebhooks package.


interface Received {
  headers: Record<string, string>
  body: string
  status: number
}
const receivers = new Map<string, { failFirst: number; got: Received[] }>()
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const r = receivers.get(req.url?.split('/').pop() ?? '')
    const status = !r ? 404 : r.got.length < r.failFirst ? 503 : 204
    r?.got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status })
    res.writeHead(status).end()
  })
})

let worker: RunningWorker
let base: string
beforeAll(async () => {
  base = `${await listenOnLoopback(server)}/hooks`
  worker = await startWorker()
})
afterAll(async () => {
  await worker?.stop()
  await new Promise((resolve) => server.close(resolve))
})

const api = (method: string, path: string, body?: unknown) => clerkCall(worker, method, path, body)

async function endpointFor(name: string, failFirst = 0) {
  receivers.set(name, { failFirst, got: [] })
  const res = await api('POST', '/v1/webhook_endpoints', { url: `${base}/${name}`, events: ['saml_connection.created'] })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as { id: string; secret: string }
}

const createConnection = async () => {
  const res = await api('POST', '/v1/saml_connections', { name: 'Acme', provider: 'saml_custom', domain: `acme-${crypto.randomUUID().slice(0, 8)}.com` })
  expect(res.status).toBe(200)
  return res.body as { id: string }
}

const received = (name: string, n: number) =>
  vi.waitFor(
    () => {
      const got = receivers.get(name)?.got ?? []
      expect(got.length).toBeGreaterThanOrEqual(n)
      return got
    },
    { timeout: 30_000, interval: 100 },
  )

describe('webhooks under wrangler dev', () => {
  it('delivers a created connection to a local receiver, verified as Standard Webhooks', async () => {
    const endpoint = await endpointFor('once')
    const conn = await createConnection()
    const [delivery] = await received('once', 1)
    const verified = new Webhook(endpoint.secret).verify(delivery!.body, delivery!.headers) as { type: string; data: { id: string } }
    expect(verified).toMatchObject({ type: 'saml_connection.created', data: { id: conn.id } })
  })

  it('delivers on the third attempt to a receiver that fails twice, under one webhook-id', async () => {
    const endpoint = await endpointFor('flaky', 2)
    await createConnection()
    const got = await received('flaky', 3)
    expect(got.map((d) => d.status)).toEqual([503, 503, 204])
    expect(new Set(got.map((d) => d.headers['webhook-id'])).size).toBe(1)
    for (const d of got) expect(() => new Webhook(endpoint.secret).verify(d.body, d.headers)).not.toThrow()
  })
})

describe('the queues of wrangler.toml', () => {
  it('retry at least 5 times over at least an hour, then dead-letter, and the Worker consumes both queues', () => {
    const { queues } = unstable_readConfig({ config: `${ROOT}wrangler.toml` })
    const producer = queues.producers?.find((p) => p.binding === 'WEBHOOK_QUEUE')
    const consumer = queues.consumers?.find((c) => c.queue === producer?.queue)
    expect(consumer?.dead_letter_queue).toMatch(/-dlq$/)
    expect(queues.consumers?.map((c) => c.queue)).toContain(consumer?.dead_letter_queue)
    const retries = consumer?.max_retries ?? 0
    expect(retries).toBeGreaterThanOrEqual(5)
    // The waits before the 2nd to the 5th attempt, with the production default base.
    const untilFifth = [1, 2, 3, 4].reduce((sum, n) => sum + retryDelaySeconds(n, DEFAULT_RETRY_BASE_SECONDS), 0)
    expect(untilFifth).toBeGreaterThanOrEqual(3_600)
  })
})
