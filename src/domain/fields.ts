import { z } from '@hono/zod-openapi'

/** Field rules shared by every API style. Wire schemas import these and never repeat a regex. */

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i

/** An email domain: no scheme, no trailing dot, at least two labels. Stored lower-cased (`normalizeDomain`). */
export const DomainSchema = z.string().regex(HOSTNAME, { message: 'must be a domain name such as example.com' })
export const normalizeDomain = (d: string): string => d.toLowerCase()

export const isHttpUrl = (s: string, { httpsOnly = false } = {}): boolean => {
  try {
    const u = new URL(s)
    return u.protocol === 'https:' || (!httpsOnly && u.protocol === 'http:')
  } catch {
    return false
  }
}

/** Absolute http(s) URL. IdP endpoints and redirect URIs use it. */
export const HttpUrlSchema = z.string().max(2048).refine((s) => isHttpUrl(s), { message: 'must be an absolute http(s) URL' })

export const PROVIDERS = ['saml_custom', 'saml_okta', 'saml_google', 'saml_microsoft'] as const
export const ProviderSchema = z.enum(PROVIDERS)

export const LOGIN_HINT_MODES = ['email_address', 'custom_attribute', 'off'] as const
