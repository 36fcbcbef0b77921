/**
 * The webhook tests' view: receivers served by the outbound stand-in (test/setup/webhook-receiver.ts),
 * endpoints made through the Clerk-style API, and the outbox rows deliveries come from.
 */
import { env } from 'cloudflare:test'
import { expect, vi } from 'vitest'
import type { clerkClient } from '../helpers/clerk'

export const WEBHOOK_ORIGIN = 'https://webhooks.test'

export interface Delivery {
  headers: Record<string, string>
  body: string
  status: number
}

/** A fresh receiver; the first `failFirst` deliveries it gets are answered `failStatus` (503), each after `delayMs`. */
export async function receiver(label: string, opts: { failFirst?: number; failStatus?: number; delayMs?: number } = {}): Promise<{ name: string; url: string }> {
  const name = `${label}-${crypto.randomUUID().slice(0, 8)}`
  const res = await fetch(`${WEBHOOK_ORIGIN}/__receivers/${name}`, { method: 'PUT', body: JSON.stringify(opts) })
  if (res.status !== 204) throw new Error(`receiver setup failed: ${res.status}`)
  return { name, url: `${WEBHOOK_ORIGIN}/hooks/${name}` }
}

export async function deliveries(name: string): Promise<Delivery[]> {
  const res = await fetch(`${WEBHOOK_ORIGIN}/__receivers/${name}`)
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries
}

/** Waits (the queue delivers on its own time) until the receiver holds `predicate`'s deliveries. */
export async function awaitDeliveries(name: string, predicate: (d: Delivery[]) => boolean, timeout = 20_000): Promise<Delivery[]> {
  return vi.waitFor(
    async () => {
      const got = await deliveries(name)
      expect(predicate(got), `deliveries so far: ${got.map((d) => `${d.headers['webhook-id']} ${d.status}`).join(', ')}`).toBe(true)
      return got
    },
    { timeout, interval: 100 },
  )
}

/** The event types delivered, in the order their first attempt came. */
export const typesOf = (ds: Delivery[]) => ds.map((d) => (JSON.parse(d.body) as { type: string }).type)

export async function createEndpoint(api: ReturnType<typeof clerkClient>, body: Record<string, unknown>) {
  const res = await api.call('POST', '/v1/webhook_endpoints', body)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as { id: string; secret: string; url: string; events: string[] | null; object: string; created_at: number }
}

export interface OutboxRow {
  id: string
  type: string
  connection_id: string | null
  delivered_at: number | null
  claimed_until: number | null
}
export const outboxOf = async (instanceId: string): Promise<OutboxRow[]> =>
  (await env.DB.prepare('SELECT id, type, connection_id, delivered_at, claimed_until FROM events WHERE instance_id = ? ORDER BY created_at, rowid').bind(instanceId).all<OutboxRow>()).results
