import ipaddr from 'ipaddr.js'
import { AppError, type AppErrorCode } from '../domain/errors'

/**
 * The one policy for every server-side fetch of a URL someone else gave us (IdP metadata now,
 * webhooks later): which URLs may be fetched at all, and the limits of the fetch.
 */

export interface OutboundTarget {
  /** Development allows http and private targets (a local IdP); credentials stay refused. */
  development: boolean
}

export type OutboundCheck = { ok: true; url: URL } | { ok: false; reason: string }

// A name that resolves to this machine or a private network by convention, not by DNS.
const PRIVATE_NAME = /(^|\.)(localhost|local|internal|lan|home\.arpa)$/

// IPv6 prefixes that reach an IPv4 network by a translator or tunnel whose client address is not in
// fixed bits we can read (Teredo's is obfuscated, local-use NAT64 picks its own layout): refused whole.
const UNREADABLE_IPV4_TUNNELS = new Set(['teredo'])
const LOCAL_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48')
// Global unicast; ipaddr.js names the special blocks inside it (documentation, ORCHID, ...).
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

const ipv4From = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])

/** The IPv4 address an IPv6 address carries in fixed bits (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(a: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = a.parts
  switch (a.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return ipv4From(p[6]!, p[7]!)
    case '6to4':
      return ipv4From(p[1]!, p[2]!)
  }
  // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291 §2.5.5.1); :: and ::1 fall here too.
  return p.slice(0, 6).every((x) => x === 0) ? ipv4From(p[6]!, p[7]!) : null
}

const publicIpv4 = (a: ipaddr.IPv4): boolean => a.range() === 'unicast'

function publicIpv6(a: ipaddr.IPv6): boolean {
  if (a.match(LOCAL_NAT64) || UNREADABLE_IPV4_TUNNELS.has(a.range())) return false
  const v4 = embeddedIpv4(a)
  if (v4) return publicIpv4(v4)
  return a.range() === 'unicast' && a.match(GLOBAL_UNICAST)
}

/**
 * Whether a host, in any spelling a URL accepts, names this machine, a private or special-use
 * network, or a name only a local resolver answers. The host is read by the WHATWG URL parser first,
 * exactly as `fetch` will read it, so decimal, hex, octal and short IPv4 forms arrive as dotted quads.
 */
export function isPrivateHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  let hostname: string
  try {
    hostname = new URL(`https://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname
  } catch {
    return true
  }
  if (hostname.startsWith('[')) {
    const inner = hostname.slice(1, -1)
    return !ipaddr.IPv6.isValid(inner) || !publicIpv6(ipaddr.IPv6.parse(inner))
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return !publicIpv4(ipaddr.IPv4.parse(hostname))
  const name = hostname.replace(/\.$/, '')
  return !name.includes('.') || PRIVATE_NAME.test(name)
}

/** Whether `raw` may be fetched server-side: https (http too in development), no credentials, a public target. */
export function checkOutboundUrl(raw: string, { development }: OutboundTarget): OutboundCheck {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'not a URL' }
  }
  if (url.protocol !== 'https:' && !(development && url.protocol === 'http:')) return { ok: false, reason: `scheme ${url.protocol} refused` }
  if (url.username || url.password) return { ok: false, reason: 'credentials in URL refused' }
  if (!development && isPrivateHost(url.hostname)) return { ok: false, reason: `private target ${url.hostname} refused` }
  return { ok: true, url }
}

export interface OutboundPolicy extends OutboundTarget {
  /** The AppError every refusal and failure becomes; the reason goes to the log only. */
  failure: AppErrorCode
  maxBytes: number
  maxRedirects: number
  /** Covers the whole chain of redirects and the body read. */
  timeoutMs: number
}

export interface OutboundAnswer {
  status: number
  headers: Headers
  /** The body of a 2xx answer, at most `maxBytes`; empty otherwise. */
  text: string
}

const isRedirect = (res: Response) => res.status >= 300 && res.status < 400 && res.headers.has('location')

/**
 * Fetches `raw` under `policy`: the URL and every redirect target pass `checkOutboundUrl`, redirects
 * are followed by hand (a request with a body follows none), the body is read up to the cap.
 */
export async function guardedFetch(doFetch: typeof fetch, raw: string, policy: OutboundPolicy, init: Omit<RequestInit, 'redirect' | 'signal'> = {}): Promise<OutboundAnswer> {
  const fail = (internal: string) => new AppError(policy.failure, { internal })
  const target = (u: string) => {
    const checked = checkOutboundUrl(u, policy)
    if (!checked.ok) throw fail(checked.reason)
    return checked.url
  }
  let url = target(raw)
  const signal = AbortSignal.timeout(policy.timeoutMs)
  for (let hop = 0; ; hop++) {
    let res: Response
    try {
      res = await doFetch(url.toString(), { ...init, redirect: 'manual', signal })
    } catch (e) {
      throw fail(`fetch error: ${String(e)}`)
    }
    if (isRedirect(res)) {
      await res.body?.cancel()
      if (init.body != null) throw fail('redirect of a request with a body refused')
      if (hop >= policy.maxRedirects) throw fail('too many redirects')
      url = target(new URL(res.headers.get('location') ?? '', url).toString())
      continue
    }
    if (!res.ok) {
      await res.body?.cancel()
      return { status: res.status, headers: res.headers, text: '' }
    }
    const declared = Number(res.headers.get('content-length') ?? '0')
    if (declared > policy.maxBytes) throw fail(`declared ${declared} bytes`)
    let text: string | null
    try {
      text = await readCappedText(res.body, policy.maxBytes)
    } catch (e) {
      throw fail(`read error: ${String(e)}`)
    }
    if (text === null) throw fail(`body over ${policy.maxBytes} bytes`)
    return { status: res.status, headers: res.headers, text }
  }
}

/**
 * Reads a download as UTF-8, stopping as soon as it passes `limit` bytes (a chunked body has no
 * length to check first, and a server may send more than it declared). Null when it is over the limit.
 */
async function readCappedText(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | null> {
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}
