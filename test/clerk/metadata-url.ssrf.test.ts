/**
 * idp_metadata_url outside development: every spelling of a loopback, private or special-use target
 * is refused before any request leaves the Worker (the test outbound counts what it receives), and
 * public targets are still fetched.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { connectionInput, newInstance } from '../helpers/clerk'
import { METADATA_ORIGIN, outboundAttempts, productionApp } from '../helpers/outbound'

const request = productionApp()
let secretKey: string
beforeAll(async () => {
  secretKey = (await newInstance()).secretKey
})

/** Creates a connection from `target` with a unique marker in its query; returns the answer and the fetches made. */
async function createFrom(target: string) {
  const marker = crypto.randomUUID()
  const url = `${target}${target.includes('?') ? '&' : '?'}probe=${marker}`
  const res = await request('/v1/saml_connections', {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(connectionInput({ idp_metadata_url: url })),
  })
  return { status: res.status, body: (await res.json()) as any, fetches: await outboundAttempts(marker) }
}

const REFUSED: [string, string][] = [
  // IPv6 forms that carry an IPv4 address
  ['IPv4-compatible loopback', 'https://[::127.0.0.1]/m.xml'],
  ['IPv4-compatible loopback, hex', 'https://[::7f00:1]/m.xml'],
  ['IPv4-compatible private', 'https://[::10.0.0.1]/m.xml'],
  ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/m.xml'],
  ['IPv4-mapped metadata service, hex', 'https://[::ffff:a9fe:a9fe]/m.xml'],
  ['IPv4-translated (RFC 6145) private', 'https://[::ffff:0:a00:1]/m.xml'],
  ['NAT64 loopback', 'https://[64:ff9b::7f00:1]/m.xml'],
  ['NAT64 private, dotted', 'https://[64:ff9b::192.168.0.1]/m.xml'],
  ['NAT64 metadata service', 'https://[64:ff9b::a9fe:a9fe]/m.xml'],
  ['local-use NAT64 prefix', 'https://[64:ff9b:1::808:808]/m.xml'],
  ['6to4 loopback', 'https://[2002:7f00:1::]/m.xml'],
  ['6to4 private', 'https://[2002:c0a8:101::1]/m.xml'],
  ['6to4 metadata service', 'https://[2002:a9fe:a9fe::]/m.xml'],
  ['Teredo with loopback client', 'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/m.xml'],
  ['Teredo', 'https://[2001::1]/m.xml'],
  // native IPv6 special-use
  ['IPv6 loopback', 'https://[::1]/m.xml'],
  ['IPv6 unspecified', 'https://[::]/m.xml'],
  ['IPv6 link-local', 'https://[fe80::1]/m.xml'],
  ['IPv6 unique-local', 'https://[fd12:3456::1]/m.xml'],
  ['IPv6 site-local (deprecated)', 'https://[fec0::1]/m.xml'],
  ['IPv6 multicast', 'https://[ff02::1]/m.xml'],
  ['IPv6 documentation', 'https://[2001:db8::1]/m.xml'],
  ['IPv6 benchmarking', 'https://[2001:2::1]/m.xml'],
  ['IPv6 discard-only', 'https://[100::1]/m.xml'],
  ['IPv6 outside global unicast', 'https://[4000::1]/m.xml'],
  // IPv4, in every spelling the URL parser accepts
  ['loopback', 'https://127.0.0.1/m.xml'],
  ['loopback, short form', 'https://127.1/m.xml'],
  ['loopback, hex and short', 'https://0x7f.1/m.xml'],
  ['loopback, one hex number', 'https://0x7f000001/m.xml'],
  ['loopback, one decimal number', 'https://2130706433/m.xml'],
  ['loopback, one octal number', 'https://017700000001/m.xml'],
  ['loopback, octal first part', 'https://0177.0.0.1/m.xml'],
  ['loopback, trailing dot', 'https://127.0.0.1./m.xml'],
  ['unspecified', 'https://0.0.0.0/m.xml'],
  ['unspecified, one number', 'https://0/m.xml'],
  ['private 10/8', 'https://10.1.2.3/m.xml'],
  ['private 172.16/12', 'https://172.31.255.1/m.xml'],
  ['private 192.168/16', 'https://192.168.1.1/m.xml'],
  ['link-local (cloud metadata)', 'https://169.254.169.254/latest/meta-data'],
  ['CGNAT', 'https://100.64.0.1/m.xml'],
  ['multicast', 'https://224.0.0.1/m.xml'],
  ['broadcast', 'https://255.255.255.255/m.xml'],
  ['documentation', 'https://192.0.2.1/m.xml'],
  ['documentation 198.51.100/24', 'https://198.51.100.7/m.xml'],
  ['documentation 203.0.113/24', 'https://203.0.113.9/m.xml'],
  ['benchmarking', 'https://198.18.0.1/m.xml'],
  ['IETF protocol assignments', 'https://192.0.0.1/m.xml'],
  ['reserved 240/4', 'https://240.0.0.1/m.xml'],
  // names only a local resolver answers
  ['localhost', 'https://localhost/m.xml'],
  ['localhost with a trailing dot', 'https://localhost./m.xml'],
  ['*.localhost', 'https://idp.localhost/m.xml'],
  ['mDNS .local', 'https://printer.local/m.xml'],
  ['.internal', 'https://metadata.google.internal/m.xml'],
  ['.home.arpa', 'https://nas.home.arpa/m.xml'],
  ['single label', 'https://intranet/m.xml'],
]

describe('idp_metadata_url targets refused in production', () => {
  it.each(REFUSED)('%s (%s): 400 saml_failed_to_fetch_idp_metadata, no fetch attempted', async (_what, target) => {
    const { status, body, fetches } = await createFrom(target)
    expect(status).toBe(400)
    expect(body.errors[0].code).toBe('saml_failed_to_fetch_idp_metadata')
    expect(fetches).toBe(0)
  })

  // The field's URL rule may refuse these first (422 naming the field); either way nothing is fetched.
  it.each([
    ['credentials in the URL', 'https://user:pass@idp-metadata.test/metadata.xml'],
    ['another scheme', 'ftp://idp-metadata.test/metadata.xml'],
    ['plain http', 'http://idp-metadata.test/metadata.xml'],
  ])('%s (%s): refused in the Clerk envelope, no fetch attempted', async (_what, target) => {
    const { status, body, fetches } = await createFrom(target)
    expect([400, 422]).toContain(status)
    expect(body.errors[0].code).toMatch(/^(saml_failed_to_fetch_idp_metadata|form_param_format_invalid)$/)
    expect(fetches).toBe(0)
  })

  it('re-checks a redirect: the public host is fetched, the loopback target it names is not', async () => {
    const { status, body, fetches } = await createFrom(`${METADATA_ORIGIN}/redirect-to-loopback`)
    expect(status).toBe(400)
    expect(body.errors[0].code).toBe('saml_failed_to_fetch_idp_metadata')
    expect(fetches).toBe(1)
  })
})

// Public targets pass the policy and are requested (the test outbound answers only its own host, so the
// others end as fetch failures, after the request).
const ALLOWED: [string, string][] = [
  ['public IPv4', 'https://8.8.8.8/m.xml'],
  ['public IPv4 next to 172.16/12', 'https://172.32.0.1/m.xml'],
  ['public IPv4 next to CGNAT', 'https://100.128.0.1/m.xml'],
  ['public IPv6', 'https://[2001:4860:4860::8888]/m.xml'],
  ['public IPv6, another block', 'https://[2606:4700:4700::1111]/m.xml'],
  ['IPv4-mapped public', 'https://[::ffff:8.8.8.8]/m.xml'],
  ['NAT64 public', 'https://[64:ff9b::808:808]/m.xml'],
  ['6to4 public', 'https://[2002:808:808::1]/m.xml'],
  ['public name', 'https://idp.example.com/m.xml'],
  ['public name with a port', 'https://idp.example.com:8443/m.xml'],
]

describe('idp_metadata_url targets still allowed in production', () => {
  it.each(ALLOWED)('%s (%s) is requested', async (_what, target) => {
    expect((await createFrom(target)).fetches).toBe(1)
  })

  it('creates the connection from a public host', async () => {
    const { status, body, fetches } = await createFrom(`${METADATA_ORIGIN}/metadata.xml?tenant=public`)
    expect(status).toBe(200)
    expect(body.idp_entity_id).toBe(`${METADATA_ORIGIN}/public`)
    expect(fetches).toBe(1)
  })
})
