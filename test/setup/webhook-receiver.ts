// Runs in Node with the outbound stand-in (outbound.ts): webhook receivers a test sets up and reads.
//   PUT  https://webhooks.test/__receivers/<name>   body: {"failFirst": n, "failStatus": 503, "delayMs": 0}: the first n
//        deliveries fail; each answer comes after delayMs
//   POST https://webhooks.test/hooks/<name>         a delivery: recorded (headers and body as sent), answered 200 or the failure
//   GET  https://webhooks.test/__receivers/<name>   {"deliveries": [{headers, body, status}]}, in the order they came
// A receiver nobody set up answers 404 to deliveries (and records them too).

export const WEBHOOK_HOST = 'webhooks.test'

interface Delivery {
  headers: Record<string, string>
  body: string
  /** What the receiver answered. */
  status: number
}

interface Receiver {
  failFirst: number
  failStatus: number
  delayMs: number
  deliveries: Delivery[]
}

const receivers = new Map<string, Receiver>()
const MAX_RECEIVERS = 10_000

async function configure(name: string, request: Request): Promise<Response> {
  const options = (await request.json()) as { failFirst?: number; failStatus?: number; delayMs?: number }
  if (receivers.size >= MAX_RECEIVERS) receivers.delete(receivers.keys().next().value as string)
  receivers.set(name, { failFirst: options.failFirst ?? 0, failStatus: options.failStatus ?? 503, delayMs: Math.min(options.delayMs ?? 0, 10_000), deliveries: [] })
  return new Response(null, { status: 204 })
}

async function receive(name: string, request: Request): Promise<Response> {
  const receiver = receivers.get(name)
  const failing = receiver ? receiver.deliveries.length < receiver.failFirst : true
  const status = !receiver ? 404 : failing ? receiver.failStatus : 200
  const delivery = { headers: Object.fromEntries(request.headers), body: await request.text(), status }
  receiver?.deliveries.push(delivery)
  if (receiver?.delayMs) await new Promise((r) => setTimeout(r, receiver.delayMs))
  return new Response(status === 200 ? 'ok' : 'failing on purpose', { status })
}

export async function webhookReceiverService(request: Request, url: URL): Promise<Response> {
  const control = url.pathname.match(/^\/__receivers\/([\w-]+)$/)
  if (control?.[1]) {
    if (request.method === 'PUT') return configure(control[1], request)
    const receiver = receivers.get(control[1])
    return receiver ? Response.json({ deliveries: receiver.deliveries }) : new Response('unknown', { status: 404 })
  }
  const hook = url.pathname.match(/^\/hooks\/([\w-]+)$/)
  if (hook?.[1] && request.method === 'POST') return receive(hook[1], request)
  return new Response('not found', { status: 404 })
}
