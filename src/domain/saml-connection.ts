import { z } from 'zod'
import { domainAllowed } from './email-domain'
import { LOGIN_HINT_MODES, NAME_ID_FORMATS, PROVIDERS } from './fields'

/** A certificate the IdP signs with, as base64 DER, with its validity read from the X.509 body. */
export const IdpCertificateSchema = z.object({
  certificate: z.string(),
  issuedAt: z.number().int().nullable(),
  expiresAt: z.number().int().nullable(),
})
export type IdpCertificate = z.infer<typeof IdpCertificateSchema>

export const AttributeMappingSchema = z.object({
  userId: z.string(),
  emailAddress: z.string(),
  firstName: z.string(),
  lastName: z.string(),
})
export type AttributeMapping = z.infer<typeof AttributeMappingSchema>

/**
 * A value the IdP sends that the sign-in profile carries under a key of the app's choosing: the
 * SAML attribute named `ssoPath`, all its values when `multiValued`, else the first. `scimPath` is
 * kept for Clerk's API only (saml-edge has no SCIM).
 */
export const CustomAttributeSchema = z.object({
  name: z.string(),
  key: z.string(),
  ssoPath: z.string().nullable(),
  scimPath: z.string().nullable(),
  multiValued: z.boolean(),
})
export type CustomAttribute = z.infer<typeof CustomAttributeSchema>

export const LoginHintSchema = z.object({ mode: z.enum(LOGIN_HINT_MODES), source: z.string().optional() })
export type LoginHint = z.infer<typeof LoginHintSchema>

/**
 * The one SAML connection model. Every API style is a projection of it: Clerk's `saml_connection`
 * and SuperTokens' SAML client are two views of the same record (docs/compat/field-mapping.md).
 */
export const SamlConnectionSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  appId: z.string(),
  tenantId: z.string(),
  clientId: z.string(),
  name: z.string(),
  provider: z.enum(PROVIDERS),
  domains: z.array(z.string()),
  idpEntityId: z.string().nullable(),
  idpSsoUrl: z.string().nullable(),
  /** How AuthnRequests reach the SSO URL: HTTP-Redirect, or HTTP-POST for POST-only IdPs. */
  idpSsoBinding: z.enum(['redirect', 'post']),
  idpCertificates: z.array(IdpCertificateSchema),
  idpMetadataUrl: z.string().nullable(),
  idpMetadata: z.string().nullable(),
  organizationId: z.string().nullable(),
  attributeMapping: AttributeMappingSchema,
  // Edge copies written before custom attributes existed have none.
  customAttributes: z.array(CustomAttributeSchema).default([]),
  active: z.boolean(),
  syncUserAttributes: z.boolean(),
  allowSubdomains: z.boolean(),
  allowIdpInitiated: z.boolean(),
  disableAdditionalIdentifications: z.boolean(),
  allowOrganizationAccountLinking: z.boolean(),
  forceAuthn: z.boolean(),
  loginHint: LoginHintSchema,
  enableRequestSigning: z.boolean(),
  allowSha1: z.boolean(),
  /** A plain (unencrypted) assertion is refused. */
  requireEncryptedAssertions: z.boolean(),
  /** The Assertion itself must be signed; otherwise a signature on the Response around it also counts. */
  wantAssertionsSigned: z.boolean(),
  /** The NameIDPolicy Format of every AuthnRequest. */
  nameIdFormat: z.enum(NAME_ID_FORMATS),
  redirectUris: z.array(z.string()),
  defaultRedirectUri: z.string().nullable(),
  /** SHA-256 (hex) of the client secret; the secret itself is never stored. */
  clientSecretHash: z.string().nullable(),
  userCount: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type SamlConnection = z.infer<typeof SamlConnectionSchema>

/** The app and tenant of every Clerk-style connection, and the SuperTokens core's defaults. */
export const DEFAULT_APP_ID = 'public'
export const DEFAULT_TENANT_ID = 'public'

/** Where a connection lives. Clerk-style connections use app and tenant `public`. */
export interface Scope {
  instanceId: string
  appId: string
  tenantId: string
}

export const EMPTY_ATTRIBUTE_MAPPING: AttributeMapping = { userId: '', emailAddress: '', firstName: '', lastName: '' }

export const DEFAULT_CONNECTION: Omit<
  SamlConnection,
  'id' | 'instanceId' | 'appId' | 'tenantId' | 'clientId' | 'name' | 'createdAt' | 'updatedAt'
> = {
  provider: 'saml_custom',
  domains: [],
  idpEntityId: null,
  idpSsoUrl: null,
  idpSsoBinding: 'redirect',
  idpCertificates: [],
  idpMetadataUrl: null,
  idpMetadata: null,
  organizationId: null,
  attributeMapping: EMPTY_ATTRIBUTE_MAPPING,
  customAttributes: [],
  active: false,
  syncUserAttributes: true,
  allowSubdomains: false,
  allowIdpInitiated: false,
  disableAdditionalIdentifications: false,
  allowOrganizationAccountLinking: false,
  forceAuthn: false,
  loginHint: { mode: 'email_address' },
  enableRequestSigning: true,
  allowSha1: false,
  requireEncryptedAssertions: false,
  wantAssertionsSigned: false,
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  redirectUris: [],
  defaultRedirectUri: null,
  clientSecretHash: null,
  userCount: 0,
}

/** The IdP settings still missing before a connection can sign anyone in; empty when it can. */
export function missingForActivation(c: Pick<SamlConnection, 'idpEntityId' | 'idpSsoUrl' | 'idpCertificates'>, now: number): string[] {
  const missing: string[] = []
  if (!c.idpEntityId) missing.push('IdP Entity ID')
  if (!c.idpSsoUrl) missing.push('IdP SSO URL')
  if (!c.idpCertificates.some((cert) => cert.expiresAt === null || cert.expiresAt > now)) missing.push('IdP certificate')
  return missing
}

/** Whether an email domain routes to this connection, honouring `allowSubdomains` (label by label, as at sign-in). */
export function matchesEmailDomain(c: Pick<SamlConnection, 'domains' | 'allowSubdomains'>, emailDomain: string): boolean {
  return domainAllowed(emailDomain, c.domains, c.allowSubdomains)
}
