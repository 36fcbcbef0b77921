import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { clerkClient, connectionInput, DEV_SECRET_KEY, newInstance } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'

describe('Clerk-style authentication', () => {
  it('returns 401 authorization_header_format_invalid without a header or with a malformed one', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: 'sk_test_x' }] as Record<string, string>[]) {
      const res = await SELF.fetch(`${ORIGIN}/v1/saml_connections`, { headers })
      expect(res.status).toBe(401)
      const body = (await res.json()) as any
      expect(body.errors[0].code).toBe('authorization_header_format_invalid')
    }
  })

  it('returns 401 clerk_key_invalid for an unknown key', async () => {
    const res = await clerkClient('sk_test_unknown').list()
    expect(res.status).toBe(401)
    expect(res.body.errors[0].code).toBe('clerk_key_invalid')
  })

  it('refuses a revoked key', async () => {
    const { secretKey, instanceId } = await newInstance()
    await env.DB.prepare('UPDATE api_keys SET revoked_at = ? WHERE instance_id = ?').bind(Date.now(), instanceId).run()
    expect((await clerkClient(secretKey).list()).status).toBe(401)
  })

  it('stores only the SHA-256 of a key', async () => {
    const { secretKey } = await newInstance()
    const stored = await env.DB.prepare('SELECT key_hash FROM api_keys WHERE key_hash = ?').bind(secretKey).first()
    expect(stored).toBeNull()
  })

  it('accepts the well-known development key for ins_local in development', async () => {
    const dev = clerkClient(DEV_SECRET_KEY)
    const created = await dev.create(connectionInput())
    expect(created.status).toBe(200)
    const row = await env.DB.prepare('SELECT instance_id FROM saml_connections WHERE id = ?').bind(created.body.id).first<{ instance_id: string }>()
    expect(row?.instance_id).toBe('ins_local')
  })

  it('refuses the development key when ENVIRONMENT is not development', async () => {
    const app = createApp()
    const res = await app.request(`${ORIGIN}/v1/saml_connections`, { headers: { authorization: `Bearer ${DEV_SECRET_KEY}` } }, { ...env, ENVIRONMENT: 'production' })
    expect(res.status).toBe(401)
    expect(((await res.json()) as any).errors[0].code).toBe('clerk_key_invalid')
  })

  it('does not let one instance read, change or delete another’s connection', async () => {
    const a = clerkClient((await newInstance()).secretKey)
    const b = clerkClient((await newInstance()).secretKey)
    const mine = (await a.create(connectionInput())).body
    expect((await b.get(mine.id)).status).toBe(404)
    expect((await b.update(mine.id, { name: 'pwned' })).status).toBe(404)
    expect((await b.remove(mine.id)).status).toBe(404)
    expect((await a.get(mine.id)).body).toEqual(mine)
    expect((await b.list()).body.total_count).toBe(0)
  })

  it('answers unknown /v1 paths with 404 in the Clerk envelope', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/nope`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as any).errors[0].code).toBe('resource_not_found')
  })
})
