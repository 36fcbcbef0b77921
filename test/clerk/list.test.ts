import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clerkClient, connectionInput, freshInstanceEachTest, newInstance } from '../helpers/clerk'

const t = freshInstanceEachTest()

describe('GET /v1/saml_connections', () => {
  it('returns {data, total_count} newest first, 10 by default', async () => {
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push((await t.api.create(connectionInput({ name: `Conn ${i}` }))).body.id)
    const res = await t.api.list()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.body.total_count).toBe(12)
    expect(res.body.data.map((c: any) => c.id)).toEqual(ids.reverse().slice(0, 10))
  })

  it('breaks created_at ties by id, so pages neither repeat nor skip inside one millisecond', async () => {
    const now = Date.now()
    const ids: string[] = []
    for (let i = 0; i < 25; i++) {
      const created = await t.api.create(connectionInput())
      ids.push(created.body.id)
      await env.DB.prepare('UPDATE saml_connections SET created_at = ? WHERE id = ?').bind(now, created.body.id).run()
    }
    const seen: string[] = []
    for (let offset = 0; offset < 25; offset += 7) {
      const page = await t.api.list(`?limit=7&offset=${offset}`)
      seen.push(...page.body.data.map((c: any) => c.id))
    }
    expect(seen).toEqual([...ids].sort().reverse())
  })

  it('walks ascending with order_by=+created_at and by name with order_by=name / -name', async () => {
    const a = (await t.api.create(connectionInput({ name: 'beta' }))).body.id
    const b = (await t.api.create(connectionInput({ name: 'Alpha' }))).body.id
    const c = (await t.api.create(connectionInput({ name: 'gamma' }))).body.id
    expect((await t.api.list('?order_by=%2Bcreated_at')).body.data.map((x: any) => x.id)).toEqual([a, b, c])
    expect((await t.api.list('?order_by=name')).body.data.map((x: any) => x.name)).toEqual(['Alpha', 'beta', 'gamma'])
    expect((await t.api.list('?order_by=-name')).body.data.map((x: any) => x.name)).toEqual(['gamma', 'beta', 'Alpha'])
  })

  it('filters by case-insensitive name substring, with LIKE wildcards taken literally', async () => {
    await t.api.create(connectionInput({ name: 'Acme Corp SSO' }))
    await t.api.create(connectionInput({ name: 'Globex' }))
    await t.api.create(connectionInput({ name: '100% Real' }))
    const res = await t.api.list('?query=ACME')
    expect(res.body.total_count).toBe(1)
    expect(res.body.data[0].name).toBe('Acme Corp SSO')
    expect((await t.api.list('?query=%25')).body.data.map((x: any) => x.name)).toEqual(['100% Real'])
  })

  it('filters by organization_id, with + to include and - to exclude', async () => {
    await t.api.create(connectionInput({ organization_id: 'org_1' }))
    await t.api.create(connectionInput({ organization_id: 'org_2' }))
    await t.api.create(connectionInput())
    expect((await t.api.list('?organization_id=%2Borg_1')).body.data.map((x: any) => x.organization_id)).toEqual(['org_1'])
    expect((await t.api.list('?organization_id=org_1&organization_id=org_2')).body.total_count).toBe(2)
    const excluded = await t.api.list('?organization_id=-org_1')
    expect(excluded.body.total_count).toBe(2)
    expect(excluded.body.data.map((x: any) => x.organization_id).sort()).toEqual(['org_2', null].sort())
  })

  it('counts total_count over all matches, not the page', async () => {
    for (let i = 0; i < 5; i++) await t.api.create(connectionInput())
    const res = await t.api.list('?limit=2&offset=4')
    expect(res.body.data).toHaveLength(1)
    expect(res.body.total_count).toBe(5)
  })

  it('returns 400 invalid_query_parameter_value for out-of-range or malformed query values', async () => {
    for (const [q, param] of [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?limit=abc', 'limit'],
      ['?offset=-1', 'offset'],
      ['?order_by=phone_number', 'order_by'],
    ]) {
      const res = await t.api.list(q)
      expect(res.status, q).toBe(400)
      expect(res.body.errors[0]).toMatchObject({ code: 'invalid_query_parameter_value', meta: { param_name: param } })
    }
  })

  it('sees only its own instance', async () => {
    await t.api.create(connectionInput())
    const other = clerkClient((await newInstance()).secretKey)
    await other.create(connectionInput())
    await other.create(connectionInput())
    expect((await t.api.list()).body.total_count).toBe(1)
    expect((await other.list()).body.total_count).toBe(2)
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM saml_connections WHERE instance_id = ?').bind(t.instanceId).first<{ n: number }>()
    expect(rows?.n).toBe(1)
  })
})
