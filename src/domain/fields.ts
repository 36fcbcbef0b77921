import { z } from '@hono/zod-openapi'
import { isHttpUrl, MAX_URL_LENGTH, URL_RULE } from './urls'

/** Field rules shared by every API style. Wire schemas import these and never repeat a regex. */

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i

/** An email domain: no scheme, no trailing dot, at least two labels. Stored lower-cased (`normalizeDomain`). */
export const DomainSchema = z.string().regex(HOSTNAME, { message: 'must be a domain name such as example.com' })
export const normalizeDomain = (d: string): string => d.toLowerCase()

/**
 * A URL the service takes in (domain/urls.ts). The write path stores it normalised, and refuses
 * `http:` IdP endpoints outside development, where the environment is known.
 */
export const HttpUrlSchema = z.string().max(MAX_URL_LENGTH).refine((s) => isHttpUrl(s), { message: URL_RULE })

export const PROVIDERS = ['saml_custom', 'saml_okta', 'saml_google', 'saml_microsoft'] as const
export const ProviderSchema = z.enum(PROVIDERS)

export const LOGIN_HINT_MODES = ['email_address', 'custom_attribute', 'off'] as const
