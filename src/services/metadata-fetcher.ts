import { AppError } from '../domain/errors'
import { readCappedText } from './read-capped'
import { MAX_METADATA_BYTES, METADATA_FETCH_MAX_REDIRECTS, METADATA_FETCH_TIMEOUT_MS } from '../saml'

const failed = (internal: string) => new AppError('idp_metadata_fetch_failed', { internal })

function ipv4Private(host: string): boolean {
  const m = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/)
  if (!m) return false
  const [a, b] = [Number(m[1]), Number(m[2])]
  return (
    a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224
  )
}

/** Whether a URL host names this machine, a private network or link-local space. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (!host.includes('.') && !host.includes(':')) return true
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host)) return true
  if (ipv4Private(host)) return true
  // Decimal/hex/octal spellings of an IPv4 address are refused rather than decoded.
  const dottedQuad = /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
  if ((/^[0-9.]+$/.test(host) && !dottedQuad) || /^0x/i.test(host)) return true
  if (host.includes(':')) {
    if (host === '::' || host === '::1') return true
    if (/^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return true
    const mapped = host.match(/::ffff:(\d+\.\d+\.\d+\.\d+)$/)
    if (mapped?.[1] && ipv4Private(mapped[1])) return true
    if (/^::ffff:/.test(host)) return true
  }
  return false
}

function checkTarget(raw: string, development: boolean): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw failed('not a URL')
  }
  if (url.protocol !== 'https:' && !(development && url.protocol === 'http:')) throw failed(`scheme ${url.protocol} refused`)
  if (url.username || url.password) throw failed('credentials in URL refused')
  if (!development && isPrivateHost(url.hostname)) throw failed(`private target ${url.hostname} refused`)
  return url
}

async function readCapped(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0')
  if (declared > limit) throw failed(`declared ${declared} bytes`)
  const text = await readCappedText(res.body, limit)
  if (text === null) throw failed(`body over ${limit} bytes`)
  return text
}

/**
 * Fetches IdP metadata with the limits a server-side fetch of a user-given URL needs:
 * https only, no private or loopback targets (outside development), redirects re-checked,
 * a size cap and a timeout.
 */
export function makeMetadataFetcher(doFetch: typeof fetch, development: boolean) {
  return async (raw: string): Promise<string> => {
    let url = checkTarget(raw, development)
    const signal = AbortSignal.timeout(METADATA_FETCH_TIMEOUT_MS)
    for (let hop = 0; hop <= METADATA_FETCH_MAX_REDIRECTS; hop++) {
      let res: Response
      try {
        res = await doFetch(url.toString(), { redirect: 'manual', signal, headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } })
      } catch (e) {
        throw failed(`fetch error: ${String(e)}`)
      }
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        url = checkTarget(new URL(res.headers.get('location') ?? '', url).toString(), development)
        continue
      }
      if (!res.ok) throw failed(`status ${res.status}`)
      try {
        return await readCapped(res, MAX_METADATA_BYTES)
      } catch (e) {
        throw e instanceof AppError ? e : failed(`read error: ${String(e)}`)
      }
    }
    throw failed('too many redirects')
  }
}
