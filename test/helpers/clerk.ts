import { beforeEach } from 'vitest'
import { send, type Answer } from './http'
import { documented } from './openapi'
import { storeKey } from './store'

export const DEV_SECRET_KEY = 'sk_test_local_development_key'

/** A fresh instance with its own Clerk secret key, so tests never share connections. */
export async function newInstance(): Promise<{ instanceId: string; secretKey: string }> {
  const instanceId = `ins_${crypto.randomUUID().replace(/-/g, '')}`
  const secretKey = `sk_test_${crypto.randomUUID().replace(/-/g, '')}`
  await storeKey('clerk_secret_key', secretKey, instanceId)
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

/** Calls the Clerk-style API of the Worker under test with a secret key; every answer is checked against /openapi.json. */
export function clerkClient(secretKey: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    documented(method, path, await send(path, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }))
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
