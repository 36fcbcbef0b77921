import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { makeMetadataFetcher } from '../../src/services/metadata-fetcher'
import { isPrivateHost } from '../../src/services/outbound-url'
import { clerkClient, connectionInput, newInstance } from '../helpers/clerk'
import { ORIGIN } from '../helpers/http'

const HOST = 'https://idp-metadata.test'
let api: ReturnType<typeof clerkClient>
let secretKey: string
beforeEach(async () => {
  secretKey = (await newInstance()).secretKey
  api = clerkClient(secretKey)
})

describe('idp_metadata_url', () => {
  it('fetches and parses the metadata, overriding the individual fields', async () => {
    const res = await api.create(connectionInput({ idp_metadata_url: `${HOST}/metadata.xml?tenant=acme`, idp_entity_id: 'https://ignored' }))
    expect(res.status).toBe(200)
    expect(res.body.idp_entity_id).toBe(`${HOST}/acme`)
    expect(res.body.idp_sso_url).toBe(`${HOST}/sso`)
    expect(res.body.idp_certificates).toHaveLength(1)
    expect(res.body.idp_metadata_url).toBe(`${HOST}/metadata.xml?tenant=acme`)
  })

  it('follows a redirect to a public host', async () => {
    const res = await api.create(connectionInput({ idp_metadata_url: `${HOST}/redirect` }))
    expect(res.status).toBe(200)
    expect(res.body.idp_entity_id).toBe(`${HOST}/redirected`)
  })

  it('replaces the IdP fields on PATCH', async () => {
    const created = await api.create(connectionInput({ idp_entity_id: 'https://old.example.com' }))
    const res = await api.update(created.body.id, { idp_metadata_url: `${HOST}/metadata.xml?tenant=new` })
    expect(res.status).toBe(200)
    expect(res.body.idp_entity_id).toBe(`${HOST}/new`)
  })

  for (const [what, path] of [
    ['a 404', '/missing'],
    ['a body over the size cap', '/huge'],
  ] as const) {
    it(`returns 400 saml_failed_to_fetch_idp_metadata for ${what}, and creates nothing`, async () => {
      const res = await api.create(connectionInput({ idp_metadata_url: `${HOST}${path}` }))
      expect(res.status).toBe(400)
      expect(res.body.errors[0].code).toBe('saml_failed_to_fetch_idp_metadata')
      expect((await api.list()).body.total_count).toBe(0)
    })
  }

  it('gives up on a host that does not answer within the timeout', async () => {
    // The deployed timeout is 5 s; a short one shows the same failure without waiting for it.
    const fetcher = makeMetadataFetcher((input, init) => fetch(input, init), true, 50)
    await expect(fetcher(`${HOST}/slow`)).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
  })

  it('returns 422 saml_failed_to_parse_idp_metadata when the URL serves something else', async () => {
    const res = await api.create(connectionInput({ idp_metadata_url: `${HOST}/not-xml` }))
    expect(res.status).toBe(422)
    expect(res.body.errors[0].code).toBe('saml_failed_to_parse_idp_metadata')
  })

  it('outside development refuses loopback, private and link-local targets, and redirects to them', async () => {
    const prod = { ...env, ENVIRONMENT: 'production' } as Env
    const app = createApp()
    for (const url of [
      'https://127.0.0.1/metadata.xml',
      'https://10.1.2.3/m.xml',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/m.xml',
      'https://localhost/m.xml',
      'https://2130706433/m.xml',
      `${HOST}/redirect-to-loopback`,
    ]) {
      const res = await app.request(
        `${ORIGIN}/v1/saml_connections`,
        { method: 'POST', headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify(connectionInput({ idp_metadata_url: url })) },
        prod,
      )
      expect(res.status, url).toBe(400)
      expect(((await res.json()) as any).errors[0].code).toBe('saml_failed_to_fetch_idp_metadata')
    }
  })
})

describe('isPrivateHost', () => {
  it('classifies hosts', () => {
    for (const h of ['localhost', 'a.localhost', '127.0.0.1', '10.0.0.1', '172.16.5.5', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', 'intranet', 'x.internal', '0x7f000001', '017700000001'])
      expect(isPrivateHost(h), h).toBe(true)
    for (const h of ['idp.example.com', '8.8.8.8', '172.32.0.1', '2001:4860::8888']) expect(isPrivateHost(h), h).toBe(false)
  })

  it('refuses a non-URL without fetching', async () => {
    const fetcher = makeMetadataFetcher(() => Promise.reject(new Error('must not be called')), false)
    await expect(fetcher('not a url')).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
  })
})
