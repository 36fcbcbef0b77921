/**
 * The one rule for every URL the service takes in (IdP SSO URL from fields or metadata, metadata
 * URL, redirect URIs) and for every URL it sends a browser to: an absolute `http:`/`https:` URL
 * written with `//`, no credentials, no whitespace or control characters anywhere in it.
 *
 * The WHATWG parser would quietly strip leading spaces, tabs and CR/LF and lower-case the scheme;
 * checking the raw text first means `" javascript:…"` or `"https://x/\r\nSet-Cookie: …"` are
 * refused rather than rewritten into something the admin never typed.
 */

import { AppError } from './errors'

export const MAX_URL_LENGTH = 2048

/** What the rule says, for the field error of each API style (docs/compat spell out the rest). */
export const URL_RULE = 'must be an absolute http(s) URL'
export const HTTPS_URL_RULE = 'must be an absolute https URL'

// C0 and C1 controls, DEL, every Unicode space and line separator, and invisible format characters
// (bidi overrides, zero-width joiners) that make a URL read differently from where it goes.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\s]/u
const SCHEME = /^https?:\/\//i

export interface UrlRuleOptions {
  /** Refuse `http:` too: IdP endpoints outside development. */
  httpsOnly?: boolean
}

/** The URL in normalised form (`new URL(raw).href`) when `raw` follows the rule, else null. */
export function normalizeHttpUrl(raw: string, { httpsOnly = false }: UrlRuleOptions = {}): string | null {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH || FORBIDDEN.test(raw) || !SCHEME.test(raw)) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && (httpsOnly || url.protocol !== 'http:')) return null
  if (!url.hostname || url.username || url.password) return null
  return url.href
}

export const isHttpUrl = (raw: string, opts: UrlRuleOptions = {}): boolean => normalizeHttpUrl(raw, opts) !== null

/**
 * The entry of `registered` that names the same URL as `candidate` (equal as typed, or once both
 * are normalised), so a registration stored normalised still matches the form a caller sends.
 */
export function findSameUrl(registered: readonly string[], candidate: string): string | undefined {
  if (registered.includes(candidate)) return candidate
  const wanted = normalizeHttpUrl(candidate)
  return wanted === null ? undefined : registered.find((r) => normalizeHttpUrl(r) === wanted)
}

/** `raw` normalised, or `invalid_input` naming `param`: the field error every API style renders. */
export function requireHttpUrl(raw: string, param: string, opts: UrlRuleOptions = {}): string {
  const url = normalizeHttpUrl(raw, opts)
  if (url === null) throw new AppError('invalid_input', { issues: [{ param, kind: 'format', expected: opts.httpsOnly ? HTTPS_URL_RULE : URL_RULE }] })
  return url
}
