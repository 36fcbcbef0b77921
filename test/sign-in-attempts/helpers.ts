/**
 * Reading a connection's sign-in attempts as its admin does (the Clerk-style API, every answer
 * checked against /openapi.json), and the outbox rows they leave.
 */
import { env } from 'cloudflare:test'
import { expect, vi } from 'vitest'
import { clerkClient } from '../helpers/clerk'
import { storeKey } from '../helpers/store'

export const attemptsPath = (connectionId: string, query = '') => `/v1/saml_connections/${connectionId}/sign_in_attempts${query}`

export const listAttempts = (secretKey: string, connectionId: string, query = '') => clerkClient(secretKey).call('GET', attemptsPath(connectionId, query))

/**
 * A refusal's attempt is written after the browser's answer (waitUntil), so a test waits until the
 * admin sees `count` attempts; they come newest first.
 */
export async function attemptsOnceThere(secretKey: string, connectionId: string, count: number): Promise<any[]> {
  return vi.waitFor(
    async () => {
      const a = await listAttempts(secretKey, connectionId, '?limit=100')
      expect(a.status).toBe(200)
      expect(a.body.total_count).toBe(count)
      return a.body.data as any[]
    },
    { timeout: 10_000, interval: 20 },
  )
}

/** The sign_in.* events of a connection in the outbox, oldest first. */
export async function signInEvents(connectionId: string): Promise<{ type: string; data: any }[]> {
  const r = await env.DB.prepare("SELECT type, data_json FROM events WHERE connection_id = ? AND type LIKE 'sign_in.%' ORDER BY created_at, rowid")
    .bind(connectionId)
    .all<{ type: string; data_json: string }>()
  return r.results.map((e) => ({ type: e.type, data: JSON.parse(e.data_json) }))
}

/** A Clerk-style key for an instance made through another API style, so its admin can read attempts. */
export async function clerkKeyFor(instanceId: string): Promise<string> {
  const key = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
  await storeKey('clerk_secret_key', key, instanceId)
  return key
}

/** The connection behind a SuperTokens client id. */
export async function connectionIdOfClient(clientId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM saml_connections WHERE client_id = ?').bind(clientId).first<{ id: string }>()
  if (!row) throw new Error(`no connection for ${clientId}`)
  return row.id
}

/** Every reason code, so a test can check that none reaches a browser. */
export { SIGN_IN_FAILURE_REASONS } from '../../src/domain/sign-in-attempt'
