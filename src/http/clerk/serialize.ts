import type { z } from '@hono/zod-openapi'
import { AppError } from '../../domain/errors'
import { normalizeDomain } from '../../domain/fields'
import { enterpriseConnectionIdOf } from '../../domain/ids'
import { toCustomAttributesJson } from './custom-attributes'
import type { AttributeMapping, SamlConnection } from '../../domain/saml-connection'
import { spUrls } from '../../domain/sp-urls'
import type { ConnectionChanges } from '../../services/saml-connections'
import type { ListQuery } from '../../storage/types'
import type { ClerkCreateConnectionBody, ClerkListQuery, ClerkSamlConnection, ClerkUpdateConnectionBody } from './schemas'

type CreateBody = z.infer<typeof ClerkCreateConnectionBody>
type UpdateBody = z.infer<typeof ClerkUpdateConnectionBody>

/** `null` on a flag means "leave as is": only nullable model fields can be cleared. */
const flag = (v: boolean | null | undefined) => (v === null ? undefined : v)

/** The IdP fields and flags both Clerk views share (the enterprise view hands its `saml` block here). */
export function sharedChanges(b: CreateBody | UpdateBody): ConnectionChanges {
  const certificates = b.idp_certificates ?? (b.idp_certificate === undefined ? undefined : b.idp_certificate === null ? null : [b.idp_certificate])
  const am = b.attribute_mapping
  return {
    idpEntityId: b.idp_entity_id,
    idpSsoUrl: b.idp_sso_url,
    idpSsoBinding: b.idp_sso_binding ?? undefined,
    idpCertificates: b.idp_certificates === null && b.idp_certificate === undefined ? null : certificates,
    idpMetadataUrl: b.idp_metadata_url,
    idpMetadata: b.idp_metadata,
    organizationId: b.organization_id,
    attributeMapping:
      am === undefined || am === null
        ? am
        : { userId: am.user_id, emailAddress: am.email_address, firstName: am.first_name, lastName: am.last_name },
    forceAuthn: b.force_authn,
    loginHint: b.login_hint,
    active: flag(b.active),
    syncUserAttributes: flag(b.sync_user_attributes),
    allowSubdomains: flag(b.allow_subdomains),
    allowIdpInitiated: flag(b.allow_idp_initiated),
    disableAdditionalIdentifications: flag(b.disable_additional_identifications),
    allowOrganizationAccountLinking: flag(b.allow_organization_account_linking),
    redirectUris: b.redirect_uris ?? undefined,
    enableRequestSigning: flag(b.enable_request_signing),
    allowSha1: flag(b.allow_sha1_signatures),
    requireEncryptedAssertions: flag(b.require_encrypted_assertions),
    wantAssertionsSigned: flag(b.want_assertions_signed),
    nameIdFormat: b.name_id_format ?? undefined,
  }
}

/** Drops keys whose value is undefined, so "not sent" never overwrites anything. */
export const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

export function fromClerkCreate(b: CreateBody): ConnectionChanges {
  const domains = [...(b.domain ? [b.domain] : []), ...(b.domains ?? [])].map(normalizeDomain)
  if (domains.length === 0) {
    throw new AppError('invalid_input', { issues: [{ param: 'domain', kind: 'missing', expected: 'one_of:domain,domains' }] })
  }
  return compact({ ...sharedChanges(b), name: b.name, provider: b.provider, domains })
}

export function fromClerkUpdate(b: UpdateBody): ConnectionChanges {
  // Clerk: `domains` is the complete desired set; null or empty means no change.
  const domains = b.domains?.length ? b.domains : b.domain ? [b.domain] : undefined
  return compact({
    ...sharedChanges(b),
    name: b.name ?? undefined,
    provider: b.provider ?? undefined,
    domains: domains?.map(normalizeDomain),
  })
}

export function fromClerkListQuery(instanceId: string, q: z.infer<typeof ClerkListQuery>): ListQuery {
  const orgs = q.organization_id === undefined ? [] : Array.isArray(q.organization_id) ? q.organization_id : [q.organization_id]
  const field = q.order_by.replace(/^[+-]/, '') as 'created_at' | 'name'
  const direction = q.order_by.startsWith('-') ? 'desc' : q.order_by.startsWith('+') ? 'asc' : field === 'name' ? 'asc' : 'desc'
  return {
    instanceId,
    limit: q.limit,
    offset: q.offset,
    nameContains: q.query || undefined,
    includeOrganizations: orgs.filter((o) => !o.startsWith('-')).map((o) => o.replace(/^\+/, '')),
    excludeOrganizations: orgs.filter((o) => o.startsWith('-')).map((o) => o.slice(1)),
    order: { field, direction },
  }
}

/** The attribute mapping in Clerk's wire names, as both Clerk views show it. */
export const attributeMappingJson = (m: AttributeMapping) => ({
  user_id: m.userId,
  email_address: m.emailAddress,
  first_name: m.firstName,
  last_name: m.lastName,
})

/** The IdP certificates as both Clerk views show them: the primary one flat, and the whole set. */
export function idpCertificateFields(c: Pick<SamlConnection, 'idpCertificates'>) {
  const primary = c.idpCertificates[0] ?? null
  return {
    idp_certificate: primary?.certificate ?? null,
    idp_certificate_issued_at: primary?.issuedAt ?? null,
    idp_certificate_expires_at: primary?.expiresAt ?? null,
    idp_certificates: c.idpCertificates.map((x) => ({ certificate: x.certificate, issued_at: x.issuedAt, expires_at: x.expiresAt })),
  }
}

export function toClerkConnection(c: SamlConnection, origin: string): ClerkSamlConnection {
  const sp = spUrls(origin, c.id)
  return {
    object: 'saml_connection',
    id: c.id,
    name: c.name,
    domain: c.domains[0] ?? '',
    domains: c.domains,
    idp_entity_id: c.idpEntityId,
    idp_sso_url: c.idpSsoUrl,
    idp_sso_binding: c.idpSsoBinding,
    ...idpCertificateFields(c),
    idp_metadata_url: c.idpMetadataUrl,
    idp_metadata: c.idpMetadata,
    acs_url: sp.acsUrl,
    sp_entity_id: sp.spEntityId,
    sp_metadata_url: sp.spMetadataUrl,
    organization_id: c.organizationId,
    attribute_mapping: attributeMappingJson(c.attributeMapping),
    active: c.active,
    provider: c.provider,
    user_count: c.userCount,
    sync_user_attributes: c.syncUserAttributes,
    allow_subdomains: c.allowSubdomains,
    allow_idp_initiated: c.allowIdpInitiated,
    disable_additional_identifications: c.disableAdditionalIdentifications,
    allow_organization_account_linking: c.allowOrganizationAccountLinking,
    authenticatable: c.active,
    force_authn: c.forceAuthn,
    login_hint: c.loginHint,
    disable_jit_provisioning: false,
    enterprise_connection_id: enterpriseConnectionIdOf(c.id),
    custom_attributes: toCustomAttributesJson(c.customAttributes),
    redirect_uris: c.redirectUris,
    enable_request_signing: c.enableRequestSigning,
    allow_sha1_signatures: c.allowSha1,
    require_encrypted_assertions: c.requireEncryptedAssertions,
    want_assertions_signed: c.wantAssertionsSigned,
    name_id_format: c.nameIdFormat,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }
}
