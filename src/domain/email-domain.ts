import { parse } from 'tldts'

/**
 * Email domains and connection domains, compared as DNS names: normalised the way browsers and
 * mail systems read them, then matched label by label, never as strings with a common suffix.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

// Characters the URL host parser would read as something else (port, path, userinfo, IPv6
// brackets) or decode (percent escapes); a domain containing them is not a domain.
const NOT_IN_A_DOMAIN = /[\s/\\?#@:%[\]<>^|"'`{}]/

/**
 * A DNS name as it is stored and compared: lower-case, IDNA (UTS-46) mapped to punycode, one trailing
 * dot removed. Null when `d` is not a hostname: empty or over-long labels, characters outside
 * letters/digits/hyphen after IDNA, or an all-numeric last label (an IPv4 address, not a name).
 */
export function normalizeDomainName(d: string): string | null {
  if (typeof d !== 'string' || d.length === 0 || d.length > 1024 || NOT_IN_A_DOMAIN.test(d)) return null
  let host: string
  try {
    // The WHATWG URL host parser applies UTS-46 (case folding, full-width dots, punycode).
    host = new URL(`http://${d}`).hostname
  } catch {
    return null
  }
  if (host.endsWith('.')) host = host.slice(0, -1)
  if (host.length === 0 || host.length > 253) return null
  const labels = host.split('.')
  if (!labels.every((l) => LABEL.test(l))) return null
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null
  return host
}

export type ConnectionDomainCheck = { ok: true; domain: string } | { ok: false; problem: 'not_a_domain' | 'public_suffix' }

/**
 * The rule for a domain a connection claims, checked at every write: a hostname of at least two
 * labels, stored normalised (`normalizeDomainName`), and not a public suffix. A suffix such as `com`,
 * `co.uk` or `github.io` (the Public Suffix List, private section included) is shared by unrelated
 * owners; claiming it would route, and admit, everyone under it.
 */
export function checkConnectionDomain(raw: string): ConnectionDomainCheck {
  const domain = normalizeDomainName(raw)
  if (domain === null) return { ok: false, problem: 'not_a_domain' }
  const psl = parse(domain, { allowPrivateDomains: true })
  // A listed suffix (or one a wildcard rule makes), even a single label such as `com`.
  if (psl.domain === null && (psl.isIcann || psl.isPrivate)) return { ok: false, problem: 'public_suffix' }
  if (psl.domain === null || !domain.includes('.')) return { ok: false, problem: 'not_a_domain' }
  return { ok: true, domain }
}

/** Whether `domain` is one of `allowed`, or a proper subdomain of one (label by label) when `allowSubdomains`. */
export function domainAllowed(domain: string, allowed: readonly string[], allowSubdomains: boolean): boolean {
  const d = normalizeDomainName(domain)
  if (d === null) return false
  const labels = d.split('.')
  return allowed.some((raw) => {
    const own = normalizeDomainName(raw)
    if (own === null) return false
    const ownLabels = own.split('.')
    if (labels.length < ownLabels.length || (labels.length > ownLabels.length && !allowSubdomains)) return false
    const offset = labels.length - ownLabels.length
    return ownLabels.every((l, i) => labels[offset + i] === l)
  })
}

/** The domain of `email`: what follows its last `@`, with a non-empty local part before it. */
export function emailDomainOf(email: string): string | null {
  if (typeof email !== 'string') return null
  const at = email.lastIndexOf('@')
  if (at <= 0 || at === email.length - 1) return null
  return email.slice(at + 1)
}

/** Whether `email`'s domain is one of the connection's `domains`, or under one when `allowSubdomains`. */
export function emailDomainAllowed(email: string, domains: readonly string[], allowSubdomains: boolean): boolean {
  const domain = emailDomainOf(email)
  return domain !== null && domainAllowed(domain, domains, allowSubdomains)
}
