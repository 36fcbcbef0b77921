/**
 * The outbound URL policy (src/services/outbound-url.ts) against generated addresses: an IPv6 literal
 * that carries a non-public IPv4 address, in any of the embeddings and spellings, is refused before
 * any request is made.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkOutboundUrl, guardedFetch, type OutboundPolicy } from '../../src/services/outbound-url'
import { PROPERTY_TIMEOUT, runs } from '../helpers/arbitraries'

const policy: OutboundPolicy = { development: false, failure: 'idp_metadata_fetch_failed', maxBytes: 1024, maxRedirects: 3, timeoutMs: 1_000 }

/** A fetch that records what it was asked for and answers `answer`. */
function recordingFetch(answer: () => Response = () => new Response('<ok/>')) {
  const calls: string[] = []
  const doFetch = (async (input: RequestInfo | URL) => {
    calls.push(String(input))
    return answer()
  }) as typeof fetch
  return { calls, doFetch }
}

// Every IPv4 block that is not public unicast: [first address, prefix length].
const NON_PUBLIC_V4: [number, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
].map(([a, len]) => [(a as string).split('.').reduce((n, o) => n * 256 + Number(o), 0), len as number])

const nonPublicV4 = fc
  .constantFrom(...NON_PUBLIC_V4)
  .chain(([base, len]) => fc.integer({ min: 0, max: 2 ** (32 - len) - 1 }).map((host) => base + host))

const hex16 = fc.integer({ min: 0, max: 0xffff })
const dotted = (v4: number) => [24, 16, 8, 0].map((s) => (v4 >>> s) & 0xff).join('.')

/** Writes a 16-bit group as hex, randomly upper-cased and zero-padded. */
const spell = (n: number, upper: boolean, pad: boolean) => {
  const h = n.toString(16)
  return (pad ? h.padStart(4, '0') : h)[upper ? 'toUpperCase' : 'toLowerCase']()
}

const embedding = fc.record({
  v4: nonPublicV4,
  form: fc.constantFrom('mapped', 'mapped-dotted', 'compatible', 'compatible-dotted', 'translated', 'nat64', 'nat64-dotted', '6to4', 'teredo'),
  upper: fc.boolean(),
  pad: fc.boolean(),
  extra: fc.tuple(hex16, hex16, hex16, hex16),
})

type Embedding = typeof embedding extends fc.Arbitrary<infer T> ? T : never

function ipv6Carrying({ v4, form, upper, pad, extra }: Embedding): string {
  const g = (n: number) => spell(n, upper, pad)
  const [hi, lo] = [v4 >>> 16, v4 & 0xffff]
  const [a, b, c, d] = extra
  switch (form) {
    case 'mapped': return `::${g(0xffff)}:${g(hi)}:${g(lo)}`
    case 'mapped-dotted': return `::${g(0xffff)}:${dotted(v4)}`
    case 'compatible': return `::${g(hi)}:${g(lo)}`
    case 'compatible-dotted': return `::${dotted(v4)}`
    case 'translated': return `::${g(0xffff)}:0:${g(hi)}:${g(lo)}`
    case 'nat64': return `${g(0x64)}:${g(0xff9b)}::${g(hi)}:${g(lo)}`
    case 'nat64-dotted': return `${g(0x64)}:${g(0xff9b)}::${dotted(v4)}`
    case '6to4': return `${g(0x2002)}:${g(hi)}:${g(lo)}:${g(a)}:${g(b)}:${g(c)}:${g(d)}:1`
    default: return `${g(0x2001)}:0:${g(a)}:${g(b)}:${g(c)}:${g(d)}:${g(hi ^ 0xffff)}:${g(lo ^ 0xffff)}`
  }
}

describe('outbound URL policy, generated targets', () => {
  it('refuses every IPv6 literal that embeds a non-public IPv4 address, without fetching', async () => {
    await fc.assert(
      fc.asyncProperty(embedding, fc.constantFrom('/', '/metadata.xml', ':8443/m?x=1'), async (e, rest) => {
        const url = `https://[${ipv6Carrying(e)}]${rest}`
        expect(checkOutboundUrl(url, policy).ok, url).toBe(false)
        const { calls, doFetch } = recordingFetch()
        await expect(guardedFetch(doFetch, url, policy)).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
        expect(calls).toEqual([])
      }),
      runs(500),
    )
  }, PROPERTY_TIMEOUT)

  it('refuses a redirect to such a literal after the public first hop', async () => {
    await fc.assert(
      fc.asyncProperty(embedding, async (e) => {
        const location = `https://[${ipv6Carrying(e)}]/m.xml`
        const { calls, doFetch } = recordingFetch(() => new Response(null, { status: 302, headers: { location } }))
        await expect(guardedFetch(doFetch, 'https://idp.example.com/m.xml', policy)).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
        expect(calls).toEqual(['https://idp.example.com/m.xml'])
      }),
      runs(100),
    )
  }, PROPERTY_TIMEOUT)
})

describe('guardedFetch', () => {
  it('follows at most maxRedirects redirects', async () => {
    const { calls, doFetch } = recordingFetch(() => new Response(null, { status: 302, headers: { location: '/again' } }))
    await expect(guardedFetch(doFetch, 'https://idp.example.com/start', policy)).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
    expect(calls).toHaveLength(policy.maxRedirects + 1)
  })

  it('follows no redirect for a request with a body', async () => {
    const { calls, doFetch } = recordingFetch(() => new Response(null, { status: 307, headers: { location: 'https://idp.example.com/other' } }))
    await expect(guardedFetch(doFetch, 'https://hooks.example.com/in', policy, { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
    expect(calls).toEqual(['https://hooks.example.com/in'])
  })

  it('refuses a body over the cap, declared or streamed', async () => {
    const big = 'x'.repeat(policy.maxBytes + 1)
    for (const answer of [() => new Response(big), () => new Response(new Blob([big]).stream())]) {
      const { doFetch } = recordingFetch(answer)
      await expect(guardedFetch(doFetch, 'https://idp.example.com/m.xml', policy)).rejects.toMatchObject({ code: 'idp_metadata_fetch_failed' })
    }
  })

  it('answers the status of a non-2xx reply, and the body of a 2xx one', async () => {
    expect(await guardedFetch(recordingFetch(() => new Response('gone', { status: 410 })).doFetch, 'https://idp.example.com/m.xml', policy)).toMatchObject({ status: 410, text: '' })
    expect(await guardedFetch(recordingFetch().doFetch, 'https://idp.example.com/m.xml', policy)).toMatchObject({ status: 200, text: '<ok/>' })
  })
})

describe('checkOutboundUrl', () => {
  it.each([
    ['not a URL', 'not a url', false],
    ['credentials', 'https://user:pass@idp.example.com/m.xml', false],
    ['a user name alone', 'https://user@idp.example.com/m.xml', false],
    ['another scheme', 'ftp://idp.example.com/m.xml', false],
    ['http', 'http://idp.example.com/m.xml', false],
    ['https to a public name', 'https://idp.example.com/m.xml', true],
  ])('production: %s', (_what, url, ok) => {
    expect(checkOutboundUrl(url, { development: false }).ok).toBe(ok)
  })

  it('development allows http and local targets, never credentials', () => {
    expect(checkOutboundUrl('http://localhost:8787/m.xml', { development: true }).ok).toBe(true)
    expect(checkOutboundUrl('https://[::127.0.0.1]/m.xml', { development: true }).ok).toBe(true)
    expect(checkOutboundUrl('http://user:pass@localhost/m.xml', { development: true }).ok).toBe(false)
    expect(checkOutboundUrl('file:///etc/passwd', { development: true }).ok).toBe(false)
  })
})
