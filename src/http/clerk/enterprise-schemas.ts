import { z } from '@hono/zod-openapi'
import { DomainSchema, HttpUrlSchema, LOGIN_HINT_MODES, MAX_WRITTEN_CERTIFICATES, ProviderSchema } from '../../domain/fields'

/**
 * Clerk's Enterprise Connections API (Backend API 2026-05-12, `/enterprise_connections`): the same
 * connections as `/saml_connections`, drawn as Clerk draws an enterprise connection, SAML only.
 */

const nullableString = (max: number) => z.string().max(max).nullish()
const nullableFlag = z.boolean().nullish()
const Certificate = z.string().max(20_000)

const AttributeMappingBody = z.strictObject({
  user_id: nullableString(256),
  email_address: nullableString(256),
  first_name: nullableString(256),
  last_name: nullableString(256),
})
const LoginHintBody = z.strictObject({ mode: z.enum(LOGIN_HINT_MODES), source: z.string().max(256).optional() })

const samlFields = {
  idp_entity_id: z.string().min(1).max(1024).nullish(),
  idp_sso_url: HttpUrlSchema.nullish(),
  idp_certificate: Certificate.nullish().openapi({ description: 'IdP certificate (PEM); deprecated in favour of `idp_certificates`.' }),
  idp_certificates: z
    .array(Certificate)
    .max(MAX_WRITTEN_CERTIFICATES)
    .nullish()
    .openapi({ description: `Sent by @clerk/backend (not in the published spec): up to ${MAX_WRITTEN_CERTIFICATES} PEM certificates, which replace every certificate the connection trusts; the first is the primary one.` }),
  idp_metadata_url: HttpUrlSchema.nullish().openapi({ description: 'Fetched and parsed; takes priority over the individual idp_* fields.' }),
  idp_metadata: z.string().max(512 * 1024).nullish().openapi({ description: 'IdP metadata XML; takes priority over the individual idp_* fields.' }),
  attribute_mapping: AttributeMappingBody.nullish(),
  allow_subdomains: nullableFlag,
  allow_idp_initiated: nullableFlag,
  force_authn: nullableFlag,
  login_hint: LoginHintBody.nullish(),
}

export const EnterpriseSamlBody = z.strictObject(samlFields)
export const EnterpriseSamlUpdateBody = z.strictObject({ name: z.string().min(1).max(256).nullish(), ...samlFields })

/** Clerk's key rule: a first character other than `_`, then letters, digits, `_` and `-`. */
const CUSTOM_ATTRIBUTE_KEY = /^[^_][A-Za-z0-9_-]*$/
export const MAX_CUSTOM_ATTRIBUTES = 50

export const CustomAttributeBody = z.strictObject({
  name: z.string().min(1).max(256),
  key: z.string().min(1).max(128).regex(CUSTOM_ATTRIBUTE_KEY),
  sso_path: z.string().max(1024).optional().openapi({ description: 'The SAML attribute Name whose value the sign-in profile carries under `key`.' }),
  scim_path: z.string().max(1024).optional().openapi({ description: 'Stored and returned; saml-edge has no SCIM.' }),
  directory_path: z.string().max(1024).optional().openapi({ description: 'The new name for `scim_path`; both with different values are refused.' }),
  multi_valued: z.boolean().optional(),
})

const CustomAttributes = z.array(CustomAttributeBody).max(MAX_CUSTOM_ATTRIBUTES)

const oidcRefused = z.unknown().optional().openapi({ description: 'saml-edge is a SAML service: any `oidc` block other than null is refused with 422 naming `oidc`.' })

const SamlProvider = ProviderSchema.openapi({ description: 'A SAML provider; `oidc_*` providers are refused with 422 naming `provider` (saml-edge is a SAML service).' })

export const CreateEnterpriseConnectionBody = z
  .strictObject({
    name: z.string().min(1).max(256),
    provider: SamlProvider,
    domains: z.array(DomainSchema).min(1).max(50),
    organization_id: z.string().max(128).nullish(),
    allow_organization_account_linking: nullableFlag,
    active: nullableFlag,
    sync_user_attributes: nullableFlag.openapi({ description: 'Accepted and ignored on create, as Clerk does (set it with an update).' }),
    saml: EnterpriseSamlBody.nullish(),
    oidc: oidcRefused,
    custom_attributes: CustomAttributes.optional(),
  })
  .openapi('CreateEnterpriseConnectionBody')

export const UpdateEnterpriseConnectionBody = z
  .strictObject({
    name: z.string().min(1).max(256).nullish(),
    domains: z.array(DomainSchema).max(50).nullish().openapi({ description: 'Empty or null: no change; otherwise the complete new set.' }),
    active: nullableFlag,
    sync_user_attributes: nullableFlag,
    disable_additional_identifications: nullableFlag,
    allow_organization_account_linking: nullableFlag,
    organization_id: z.string().max(128).nullish().openapi({ description: 'Links or changes the organization; there is no unlinking (null or "" leave it as it is).' }),
    provider: z.string().max(64).optional().openapi({ description: 'Sent by @clerk/backend; ignored, as Clerk does: the provider cannot change.' }),
    saml: EnterpriseSamlUpdateBody.nullish(),
    oidc: oidcRefused,
    custom_attributes: CustomAttributes.nullish().openapi({ description: 'The complete new set; `[]` removes every custom attribute, null leaves them.' }),
  })
  .openapi('UpdateEnterpriseConnectionBody')

export const EnterpriseListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(10).openapi({ param: { name: 'limit', in: 'query' }, example: 10 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
  organization_id: z.string().max(130).optional().openapi({ param: { name: 'organization_id', in: 'query' }, description: 'Only the connections of this organization' }),
  active: z.enum(['true', 'false']).optional().openapi({ param: { name: 'active', in: 'query' }, description: 'Only active (true) or only inactive (false) connections' }),
})

export const EnterpriseConnectionParams = z.object({
  // Any string: an id that names no connection is a 404 (the route checks the shape).
  enterprise_connection_id: z.string().openapi({ param: { name: 'enterprise_connection_id', in: 'path' }, example: 'entconn_2P17P4pXsx8MmunM1pkeYeimDDd' }),
})

const Nullable = <T extends z.ZodTypeAny>(t: T) => t.nullable()
const LoginHint = z.object({ mode: z.enum(LOGIN_HINT_MODES), source: z.string().optional() })

export const CustomAttributeSchema = z.object({
  name: z.string(),
  key: z.string(),
  sso_path: z.string(),
  scim_path: z.string(),
  directory_path: z.string(),
  multi_valued: z.boolean(),
})

export const EnterpriseSamlConnectionSchema = z.object({
  id: z.string().openapi({ description: 'The `samlc_` id the same connection has in `/saml_connections`.' }),
  name: z.string(),
  idp_entity_id: Nullable(z.string()),
  idp_sso_url: Nullable(z.string()),
  idp_certificate: Nullable(z.string()),
  idp_certificate_issued_at: Nullable(z.number().int()),
  idp_certificate_expires_at: Nullable(z.number().int()),
  idp_certificates: z.array(z.object({ certificate: z.string(), issued_at: Nullable(z.number().int()), expires_at: Nullable(z.number().int()) })),
  idp_metadata_url: Nullable(z.string()),
  acs_url: z.string(),
  sp_entity_id: z.string(),
  sp_metadata_url: z.string(),
  attribute_mapping: z.object({ user_id: z.string(), email_address: z.string(), first_name: z.string(), last_name: z.string() }),
  active: z.boolean(),
  allow_idp_initiated: z.boolean(),
  allow_subdomains: z.boolean(),
  force_authn: z.boolean(),
  login_hint: LoginHint,
})

export const EnterpriseConnectionSchema = z
  .object({
    object: z.literal('enterprise_connection'),
    id: z.string(),
    name: z.string(),
    provider: ProviderSchema,
    logo_public_url: Nullable(z.string()),
    active: z.boolean(),
    domains: z.array(z.string()),
    organization_id: Nullable(z.string()),
    sync_user_attributes: z.boolean(),
    disable_additional_identifications: z.boolean(),
    allow_organization_account_linking: z.boolean(),
    authenticatable: z.boolean(),
    disable_jit_provisioning: z.boolean(),
    custom_attributes: z.array(CustomAttributeSchema),
    saml_connection: EnterpriseSamlConnectionSchema,
    oauth_config: z.null(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .openapi('EnterpriseConnection')
export type EnterpriseConnectionJson = z.infer<typeof EnterpriseConnectionSchema>

export const EnterpriseConnectionsSchema = z
  .object({ data: z.array(EnterpriseConnectionSchema), total_count: z.number().int() })
  .openapi('EnterpriseConnections')
