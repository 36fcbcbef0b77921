import { env, SELF } from 'cloudflare:test'
import { beforeEach } from 'vitest'
import { assertDocumentedResponse } from './openapi'
import { sha256Hex } from '../../src/domain/secrets'

export const ORIGIN = 'http://saml-edge.test'
export const DEV_SECRET_KEY = 'sk_test_local_development_key'

/** A fresh instance with its own Clerk secret key, so tests never share connections. */
export async function newInstance(): Promise<{ instanceId: string; secretKey: string }> {
  const instanceId = `ins_${crypto.randomUUID().replace(/-/g, '')}`
  const secretKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
  await env.DB.prepare('INSERT INTO api_keys (key_hash, kind, instance_id, app_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(await sha256Hex(secretKey), 'clerk_secret_key', instanceId, 'public', 'test', Date.now())
    .run()
  return { instanceId, secretKey }
}

/** Before each test of the file, a fresh instance and its client; the returned object is refilled in place. */
export function freshInstanceEachTest() {
  const current = {} as { instanceId: string; secretKey: string; api: ReturnType<typeof clerkClient> }
  beforeEach(async () => {
    const created = await newInstance()
    Object.assign(current, created, { api: clerkClient(created.secretKey) })
  })
  return current
}

export interface ClerkCall {
  status: number
  headers: Headers
  body: any
}

/** Calls the Clerk-style API of the Worker under test with a secret key. */
export function clerkClient(secretKey: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ClerkCall> => {
    const res = await SELF.fetch(`${ORIGIN}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      /* leave as text */
    }
    // Every answer a test sees must match the published OpenAPI document.
    if (res.headers.get('content-type') === 'application/json') assertDocumentedResponse(method, path.split('?')[0] ?? path, res.status, parsed)
    return { status: res.status, headers: res.headers, body: parsed }
  }
  return {
    call,
    list: (query = '') => call('GET', `/v1/saml_connections${query}`),
    create: (body: unknown) => call('POST', '/v1/saml_connections', body),
    get: (id: string) => call('GET', `/v1/saml_connections/${id}`),
    update: (id: string, body?: unknown) => call('PATCH', `/v1/saml_connections/${id}`, body),
    remove: (id: string) => call('DELETE', `/v1/saml_connections/${id}`),
  }
}

let counter = 0
/** A valid create body; each call gets a distinct domain. */
export function connectionInput(overrides: Record<string, unknown> = {}) {
  counter++
  return { name: `Acme ${counter}`, provider: 'saml_custom', domain: `acme-${counter}-${crypto.randomUUID().slice(0, 8)}.com`, ...overrides }
}
