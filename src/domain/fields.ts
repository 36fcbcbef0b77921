import { z } from 'zod'
import { checkConnectionDomain, normalizeDomainName } from './email-domain'
import { isHttpUrl, MAX_URL_LENGTH, URL_RULE } from './urls'

/** Field rules shared by every API style. Wire schemas import these and never repeat a regex. */

const DOMAIN_RULE = {
  not_a_domain: 'must be a domain name such as example.com',
  public_suffix: 'is a public suffix (such as com, co.uk or github.io) shared by unrelated owners; give the organization’s own domain',
} as const

/**
 * A connection's email domain, by the rule in domain/email-domain.ts: a hostname of two labels or
 * more, any case, Unicode or punycode, one trailing dot allowed; never a public suffix. Stored as
 * `normalizeDomain` writes it (lower-case punycode, no trailing dot).
 */
export const DomainSchema = z
  .string()
  .max(1024)
  .superRefine((d, ctx) => {
    const checked = checkConnectionDomain(d)
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: DOMAIN_RULE[checked.problem] })
  })
  .meta({ description: 'A domain name (Unicode or punycode, any case); never a public suffix such as com or github.io. Stored lower-case, in punycode, without a trailing dot.', example: 'example.com' })
export const normalizeDomain = (d: string): string => normalizeDomainName(d) ?? d.toLowerCase()

/**
 * A URL the service takes in (domain/urls.ts). The write path stores it normalised, and refuses
 * `http:` IdP endpoints outside development, where the environment is known.
 */
export const HttpUrlSchema = z.string().max(MAX_URL_LENGTH).refine((s) => isHttpUrl(s), { message: URL_RULE })

export const PROVIDERS = ['saml_custom', 'saml_okta', 'saml_google', 'saml_microsoft'] as const
export const ProviderSchema = z.enum(PROVIDERS)

/** The NameID formats an AuthnRequest may ask for (NameIDPolicy); transient is never asked: it names no one twice. */
export const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
] as const
export type NameIdFormat = (typeof NAME_ID_FORMATS)[number]
export const NameIdFormatSchema = z.enum(NAME_ID_FORMATS)

/** IdP signing certificates a write may give a connection at once (Clerk's `idp_certificates`); each write replaces the set. */
export const MAX_WRITTEN_CERTIFICATES = 5

export const LOGIN_HINT_MODES = ['email_address', 'custom_attribute', 'off'] as const
