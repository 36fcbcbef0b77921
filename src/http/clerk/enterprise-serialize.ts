import type { z } from '@hono/zod-openapi'
import { AppError, type InputIssue } from '../../domain/errors'
import { normalizeDomain } from '../../domain/fields'
import { ENTERPRISE_CONNECTION_ID, enterpriseConnectionIdOf, samlConnectionIdOf } from '../../domain/ids'
import type { SamlConnection } from '../../domain/saml-connection'
import { spUrls } from '../../domain/sp-urls'
import type { ConnectionChanges } from '../../services/saml-connections'
import type { ListQuery } from '../../storage/types'
import type {
  CreateEnterpriseConnectionBody,
  EnterpriseConnectionJson,
  EnterpriseListQuery,
  EnterpriseSamlUpdateBody,
  UpdateEnterpriseConnectionBody,
} from './enterprise-schemas'
import { fromCustomAttributes, toCustomAttributesJson } from './custom-attributes'
import { attributeMappingJson, compact, idpCertificateFields, sharedChanges } from './serialize'

type CreateBody = z.infer<typeof CreateEnterpriseConnectionBody>
type UpdateBody = z.infer<typeof UpdateEnterpriseConnectionBody>
type SamlBlock = z.infer<typeof EnterpriseSamlUpdateBody>

const flag = (v: boolean | null | undefined) => (v === null ? undefined : v)
const dropNulls = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> }

/** saml-edge is a SAML service: an `oidc` block is refused by name, whatever it holds. */
function refuseOidc(oidc: unknown): void {
  if (oidc === undefined || oidc === null) return
  throw new AppError('invalid_input', { issues: [{ param: 'oidc', kind: 'value', expected: 'saml-edge serves SAML connections only; configure the IdP with `saml`' }] })
}

/**
 * The `saml` block through the same mapping as `/saml_connections`: it holds the same IdP fields
 * under the same names. Its null sub-fields leave a value as it is, as Clerk's nullable ones do.
 */
function samlChanges(s: SamlBlock | null | undefined): ConnectionChanges {
  if (!s) return {}
  const am = s.attribute_mapping
  return compact({
    ...sharedChanges({
      idp_entity_id: s.idp_entity_id,
      idp_sso_url: s.idp_sso_url,
      idp_certificate: s.idp_certificate,
      idp_certificates: s.idp_certificates,
      idp_metadata_url: s.idp_metadata_url,
      idp_metadata: s.idp_metadata,
      attribute_mapping: am === null || am === undefined ? am : dropNulls(am),
      force_authn: flag(s.force_authn),
      login_hint: s.login_hint,
      allow_subdomains: s.allow_subdomains,
      allow_idp_initiated: s.allow_idp_initiated,
    }),
    name: s.name ?? undefined,
  })
}

export function fromEnterpriseCreate(b: CreateBody): ConnectionChanges {
  refuseOidc(b.oidc)
  // `sync_user_attributes` is not taken on create (Clerk ignores it there too).
  return compact({
    ...samlChanges(b.saml),
    name: b.name,
    provider: b.provider,
    domains: b.domains.map(normalizeDomain),
    organizationId: b.organization_id || undefined,
    allowOrganizationAccountLinking: flag(b.allow_organization_account_linking),
    active: flag(b.active),
    customAttributes: fromCustomAttributes(b.custom_attributes),
  })
}

export function fromEnterpriseUpdate(b: UpdateBody): ConnectionChanges {
  refuseOidc(b.oidc)
  const fromSaml = samlChanges(b.saml)
  return compact({
    ...fromSaml,
    // The top-level name wins over `saml.name`: both name the one connection.
    name: b.name ?? fromSaml.name,
    domains: b.domains?.length ? b.domains.map(normalizeDomain) : undefined,
    active: flag(b.active),
    syncUserAttributes: flag(b.sync_user_attributes),
    disableAdditionalIdentifications: flag(b.disable_additional_identifications),
    allowOrganizationAccountLinking: flag(b.allow_organization_account_linking),
    // Clerk links or changes an organization but never unlinks one.
    organizationId: b.organization_id || undefined,
    customAttributes: fromCustomAttributes(b.custom_attributes),
  })
}

export function fromEnterpriseListQuery(instanceId: string, q: z.infer<typeof EnterpriseListQuery>): ListQuery {
  return {
    instanceId,
    limit: q.limit,
    offset: q.offset,
    includeOrganizations: q.organization_id ? [q.organization_id] : [],
    active: q.active === undefined ? undefined : q.active === 'true',
    order: { field: 'created_at', direction: 'desc' },
  }
}

/** The service names IdP fields in domain terms; in this view they live in the `saml` block. */
const SAML_PARAM: Record<string, string> = {
  idpCertificates: 'saml.idp_certificates',
  idpSsoUrl: 'saml.idp_sso_url',
  idpMetadataUrl: 'saml.idp_metadata_url',
}
const inSamlBlock = (i: InputIssue): InputIssue => (Object.hasOwn(SAML_PARAM, i.param) ? { ...i, param: SAML_PARAM[i.param] ?? i.param } : i)

/** Runs a service call, naming the fields of its input errors as this view sends them. */
export async function withEnterpriseParams<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    if (e instanceof AppError && e.code === 'invalid_input' && e.opts.issues) {
      throw new AppError('invalid_input', { ...e.opts, issues: e.opts.issues.map(inSamlBlock), cause: e })
    }
    throw e
  }
}

export function toEnterpriseConnection(c: SamlConnection, origin: string): EnterpriseConnectionJson {
  const sp = spUrls(origin, c.id)
  return {
    object: 'enterprise_connection',
    id: enterpriseConnectionIdOf(c.id),
    name: c.name,
    provider: c.provider,
    logo_public_url: null,
    active: c.active,
    domains: c.domains,
    organization_id: c.organizationId,
    sync_user_attributes: c.syncUserAttributes,
    disable_additional_identifications: c.disableAdditionalIdentifications,
    allow_organization_account_linking: c.allowOrganizationAccountLinking,
    authenticatable: c.active,
    disable_jit_provisioning: false,
    custom_attributes: toCustomAttributesJson(c.customAttributes),
    saml_connection: {
      id: c.id,
      name: c.name,
      idp_entity_id: c.idpEntityId,
      idp_sso_url: c.idpSsoUrl,
      ...idpCertificateFields(c),
      idp_metadata_url: c.idpMetadataUrl,
      acs_url: sp.acsUrl,
      sp_entity_id: sp.spEntityId,
      sp_metadata_url: sp.spMetadataUrl,
      attribute_mapping: attributeMappingJson(c.attributeMapping),
      active: c.active,
      allow_idp_initiated: c.allowIdpInitiated,
      allow_subdomains: c.allowSubdomains,
      force_authn: c.forceAuthn,
      login_hint: c.loginHint,
    },
    oauth_config: null,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }
}

/** The `samlc_` id of the connection a path's `entconn_` id names, or 404 when it cannot name one. */
export function enterpriseConnectionPathId(id: string): string {
  if (!ENTERPRISE_CONNECTION_ID.test(id)) throw new AppError('not_found', { internal: 'not an enterprise connection id' })
  return samlConnectionIdOf(id)
}
