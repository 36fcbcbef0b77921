import { z } from '@hono/zod-openapi'
import { CustomAttributeSchema } from './enterprise-schemas'
import { DomainSchema, HttpUrlSchema, LOGIN_HINT_MODES, MAX_WRITTEN_CERTIFICATES, NameIdFormatSchema, ProviderSchema } from '../../domain/fields'

/** Clerk-style wire schemas: projections of the domain model with Clerk's snake_case names. */

const AttributeMappingBody = z.strictObject({
  user_id: z.string().max(256).optional(),
  email_address: z.string().max(256).optional(),
  first_name: z.string().max(256).optional(),
  last_name: z.string().max(256).optional(),
})
const LoginHintBody = z.strictObject({ mode: z.enum(LOGIN_HINT_MODES), source: z.string().max(256).optional() })
const Certificate = z.string().max(20_000)
const optionalFlag = z.boolean().nullish()

const idpAndSettingsFields = {
  idp_entity_id: z.string().min(1).max(1024).nullish(),
  idp_sso_url: HttpUrlSchema.nullish(),
  idp_sso_binding: z.enum(['redirect', 'post']).nullish().openapi({ description: 'saml-edge extension: how AuthnRequests reach idp_sso_url (set from metadata when it is given).' }),
  idp_certificate: Certificate.nullish(),
  idp_certificates: z.array(Certificate).max(MAX_WRITTEN_CERTIFICATES).nullish().openapi({ description: `Sent by @clerk/backend: up to ${MAX_WRITTEN_CERTIFICATES} PEM certificates, which replace every certificate the connection trusts; the first is the primary one.` }),
  idp_metadata_url: HttpUrlSchema.nullish().openapi({ description: 'Fetched and parsed; takes priority over the individual idp_* fields.' }),
  idp_metadata: z.string().max(512 * 1024).nullish().openapi({ description: 'IdP metadata XML; takes priority over the individual idp_* fields.' }),
  organization_id: z.string().max(128).nullish(),
  attribute_mapping: AttributeMappingBody.nullish(),
  force_authn: z.boolean().optional(),
  login_hint: LoginHintBody.nullish(),
  active: optionalFlag,
  sync_user_attributes: optionalFlag,
  allow_subdomains: optionalFlag,
  allow_idp_initiated: optionalFlag,
  disable_additional_identifications: optionalFlag,
  allow_organization_account_linking: optionalFlag,
  consent_verified_domains_deletion: optionalFlag,
  redirect_uris: z.array(HttpUrlSchema).max(20).nullish().openapi({ description: 'saml-edge extension: where a finished sign-in may send the browser.' }),
  enable_request_signing: optionalFlag.openapi({ description: 'saml-edge extension: sign AuthnRequests (default true).' }),
  allow_sha1_signatures: optionalFlag.openapi({ description: 'saml-edge extension: accept RSA-SHA1 signed responses (default false).' }),
  require_encrypted_assertions: optionalFlag.openapi({ description: 'saml-edge extension: refuse an assertion that is not encrypted to the SP (default false).' }),
  want_assertions_signed: optionalFlag.openapi({ description: 'saml-edge extension: the Assertion itself must be signed; by default a signed Response around it also counts (default false).' }),
  name_id_format: NameIdFormatSchema.nullish().openapi({ description: 'saml-edge extension: the NameIDPolicy Format the AuthnRequest asks for (default unspecified).' }),
}

export const ClerkCreateConnectionBody = z
  .strictObject({
    name: z.string().min(1).max(256),
    domain: DomainSchema.optional(),
    domains: z.array(DomainSchema).max(50).optional(),
    provider: ProviderSchema,
    ...idpAndSettingsFields,
  })
  .openapi('CreateSAMLConnectionBody')

export const ClerkUpdateConnectionBody = z
  .strictObject({
    name: z.string().min(1).max(256).nullish(),
    domain: DomainSchema.nullish(),
    domains: z.array(DomainSchema).max(50).nullish(),
    provider: ProviderSchema.nullish(),
    ...idpAndSettingsFields,
  })
  .openapi('UpdateSAMLConnectionBody')

const ORDER_BY = ['-created_at', '+created_at', 'created_at', 'name', '+name', '-name'] as const

export const ClerkListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(10).openapi({ param: { name: 'limit', in: 'query' }, example: 10 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
  query: z.string().max(256).optional().openapi({ param: { name: 'query', in: 'query' }, description: 'Case-insensitive substring of the name' }),
  order_by: z.enum(ORDER_BY).default('-created_at').openapi({ param: { name: 'order_by', in: 'query' } }),
  organization_id: z
    .union([z.string().max(130), z.array(z.string().max(130)).max(100)])
    .optional()
    .openapi({ param: { name: 'organization_id', in: 'query' }, description: 'Repeatable; prefix + to include (default) or - to exclude' }),
})

export const ClerkConnectionParams = z.object({
  // No length or shape limit here: Clerk answers 404 for any id that names no connection (the route checks the shape).
  saml_connection_id: z.string().openapi({ param: { name: 'saml_connection_id', in: 'path' }, example: 'samlc_2P17P4pXsx8MmunM1pkeYeimDDd' }),
})

const Nullable = <T extends z.ZodTypeAny>(t: T) => t.nullable()

export const ClerkSamlConnectionSchema = z
  .object({
    object: z.literal('saml_connection'),
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    domains: z.array(z.string()),
    idp_entity_id: Nullable(z.string()),
    idp_sso_url: Nullable(z.string()),
    idp_sso_binding: z.enum(['redirect', 'post']),
    idp_certificate: Nullable(z.string()),
    idp_certificate_issued_at: Nullable(z.number().int()),
    idp_certificate_expires_at: Nullable(z.number().int()),
    idp_certificates: z.array(z.object({ certificate: z.string(), issued_at: Nullable(z.number().int()), expires_at: Nullable(z.number().int()) })),
    idp_metadata_url: Nullable(z.string()),
    idp_metadata: Nullable(z.string()),
    acs_url: z.string(),
    sp_entity_id: z.string(),
    sp_metadata_url: z.string(),
    organization_id: Nullable(z.string()),
    attribute_mapping: z.object({ user_id: z.string(), email_address: z.string(), first_name: z.string(), last_name: z.string() }),
    active: z.boolean(),
    provider: ProviderSchema,
    user_count: z.number().int(),
    sync_user_attributes: z.boolean(),
    allow_subdomains: z.boolean(),
    allow_idp_initiated: z.boolean(),
    disable_additional_identifications: z.boolean(),
    allow_organization_account_linking: z.boolean(),
    authenticatable: z.boolean(),
    force_authn: z.boolean(),
    login_hint: z.object({ mode: z.enum(LOGIN_HINT_MODES), source: z.string().optional() }),
    disable_jit_provisioning: z.boolean(),
    enterprise_connection_id: Nullable(z.string()),
    custom_attributes: z.array(CustomAttributeSchema).openapi({ description: 'Set through /enterprise_connections.' }),
    redirect_uris: z.array(z.string()),
    enable_request_signing: z.boolean(),
    allow_sha1_signatures: z.boolean(),
    require_encrypted_assertions: z.boolean(),
    want_assertions_signed: z.boolean(),
    name_id_format: NameIdFormatSchema,
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .openapi('SAMLConnection')
export type ClerkSamlConnection = z.infer<typeof ClerkSamlConnectionSchema>

export const ClerkSamlConnectionsSchema = z
  .object({ data: z.array(ClerkSamlConnectionSchema), total_count: z.number().int() })
  .openapi('SAMLConnections')

export const ClerkDeletedObjectSchema = z
  .object({ object: z.string(), id: z.string(), deleted: z.boolean() })
  .openapi('DeletedObject')

export const ClerkErrorsSchema = z
  .object({
    errors: z.array(
      z.object({ message: z.string(), long_message: z.string(), code: z.string(), meta: z.record(z.string(), z.unknown()).optional() }),
    ),
    meta: z.record(z.string(), z.unknown()).optional(),
    clerk_trace_id: z.string().optional(),
  })
  .openapi('ClerkErrors')
