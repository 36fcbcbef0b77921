/**
 * The connection domain rule at the Clerk-style API (src/domain/email-domain.ts): a public suffix,
 * ICANN or private section of the Public Suffix List, is never a connection's domain (it would route
 * and admit every owner under it); every domain is stored lower-case, in punycode, without a trailing dot.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { d1Connections } from '../../src/storage/d1/saml-connections'
import { connectionInput, freshInstanceEachTest } from '../helpers/clerk'
import { snapshotInstance } from '../helpers/store'

const t = freshInstanceEachTest()

const PUBLIC_SUFFIXES = ['com', 'co.uk', 'github.io', 'pages.dev', 'blogspot.com', 'GitHub.IO.', 'workers.dev', 's3.amazonaws.com', 'xn--55qx5d.cn', '公司.cn', 'foo.ck']

function expectFieldRefused(res: { status: number; body: any }, param: string) {
  expect(res.status).toBe(422)
  expect(res.body.errors.map((e: any) => [e.code, e.meta?.param_name])).toEqual([['form_param_format_invalid', param]])
  expect(res.body.errors[0].long_message).toContain('public suffix')
}

const connectionsForEmailDomain = async (domain: string) => (await d1Connections(env.DB).findByEmailDomain(t.instanceId, domain)).map((c) => c.id)

const unique = () => `acme-${crypto.randomUUID().slice(0, 8)}`

describe('public suffixes as connection domains', () => {
  for (const suffix of PUBLIC_SUFFIXES) {
    it(`refuses ${suffix} at create, as domain or in domains, and creates nothing`, async () => {
      expectFieldRefused(await t.api.create(connectionInput({ domain: suffix })), 'domain')
      expectFieldRefused(await t.api.create(connectionInput({ domain: undefined, domains: [`${unique()}.com`, suffix] })), 'domains.1')
      expect((await snapshotInstance(t.instanceId)).connections).toEqual([])
    })

    it(`refuses ${suffix} at update, and changes nothing`, async () => {
      const created = await t.api.create(connectionInput())
      const before = await snapshotInstance(t.instanceId)
      expectFieldRefused(await t.api.update(created.body.id, { domain: suffix }), 'domain')
      expectFieldRefused(await t.api.update(created.body.id, { domains: [suffix] }), 'domains.0')
      expect(await snapshotInstance(t.instanceId)).toEqual(before)
    })
  }

  it('accepts a registrable domain under a public suffix', async () => {
    for (const domain of [`${unique()}.github.io`, `${unique()}.co.uk`, `${unique()}.pages.dev`]) {
      const res = await t.api.create(connectionInput({ domain }))
      expect(res.status, domain).toBe(200)
      expect(res.body.domains).toEqual([domain])
    }
  })
})

describe('connection domains are stored normalised', () => {
  // Domains are unique per instance, and each test has its own instance, so fixed names are safe.
  it('lower-cases, removes one trailing dot and writes IDNs in punycode, at create and update', async () => {
    const res = await t.api.create(connectionInput({ domain: undefined, domains: ['Acme.COM.', 'bücher.example'] }))
    expect(res.status).toBe(200)
    expect(res.body.domains).toEqual(['acme.com', 'xn--bcher-kva.example'])
    expect((await t.api.get(res.body.id)).body.domains).toEqual(['acme.com', 'xn--bcher-kva.example'])
    const updated = await t.api.update(res.body.id, { domain: 'Sub.BÜCHER.Example.' })
    expect(updated.status).toBe(200)
    expect(updated.body.domains).toEqual(['sub.xn--bcher-kva.example'])
  })

  it('treats differently written forms of one domain as the same domain', async () => {
    expect((await t.api.create(connectionInput({ domain: 'BÜCHER.example' }))).status).toBe(200)
    const clash = await t.api.create(connectionInput({ domain: 'xn--bcher-kva.example.' }))
    expect(clash.status).toBe(422)
    expect(clash.body.errors.map((e: any) => [e.code, e.meta?.param_name])).toEqual([['form_identifier_exists', 'domain']])
  })

  it('routes a Unicode email domain to the connection stored in punycode', async () => {
    const res = await t.api.create(connectionInput({ domain: 'bücher.example' }))
    expect(res.status).toBe(200)
    expect(await connectionsForEmailDomain('BÜCHER.example.')).toEqual([res.body.id])
  })

  it('still refuses what is not a domain name', async () => {
    for (const domain of ['not a domain', 'acme..com', '-acme.com', 'acme.com..', '127.0.0.1', 'localhost', 'acme.com/path', 'user@acme.com', `${'a'.repeat(64)}.com`]) {
      const res = await t.api.create(connectionInput({ domain }))
      expect(res.status, domain).toBe(422)
      expect(res.body.errors.map((e: any) => [e.code, e.meta?.param_name]), domain).toEqual([['form_param_format_invalid', 'domain']])
    }
  })
})
