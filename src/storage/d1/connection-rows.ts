import { certificatesExpireAt } from '../../domain/certificate-expiry'
import { SamlConnectionSchema, type SamlConnection } from '../../domain/saml-connection'

/** Column list shared by every SELECT, so row mapping and queries cannot drift apart. */
export const CONNECTION_COLUMNS = [
  'id', 'instance_id', 'app_id', 'tenant_id', 'client_id', 'name', 'name_lower', 'provider', 'domains_json',
  'idp_entity_id', 'idp_sso_url', 'idp_sso_binding', 'idp_certificates_json', 'idp_metadata_url', 'idp_metadata', 'organization_id',
  'attribute_mapping_json', 'custom_attributes_json', 'active', 'sync_user_attributes', 'allow_subdomains', 'allow_idp_initiated',
  'disable_additional_identifications', 'allow_organization_account_linking', 'force_authn', 'login_hint_json',
  'enable_request_signing', 'allow_sha1', 'require_encrypted_assertions', 'want_assertions_signed', 'name_id_format', 'redirect_uris_json', 'default_redirect_uri', 'client_secret_hash',
  'user_count', 'created_at', 'updated_at',
  // Derived from idp_certificates_json, for the expiry warnings' index; never read back.
  'certificates_expire_at',
] as const

export type ConnectionRow = Record<(typeof CONNECTION_COLUMNS)[number], string | number | null>

export const SELECT_CONNECTION = `SELECT ${CONNECTION_COLUMNS.join(', ')} FROM saml_connections`

const bool = (v: unknown) => v === 1 || v === true

/** Rows are parsed, not cast: SQLite hands back 0/1 for booleans and TEXT for JSON. */
export function fromRow(r: ConnectionRow): SamlConnection {
  return SamlConnectionSchema.parse({
    id: r.id,
    instanceId: r.instance_id,
    appId: r.app_id,
    tenantId: r.tenant_id,
    clientId: r.client_id,
    name: r.name,
    provider: r.provider,
    domains: JSON.parse(String(r.domains_json)),
    idpEntityId: r.idp_entity_id,
    idpSsoUrl: r.idp_sso_url,
    idpSsoBinding: r.idp_sso_binding,
    idpCertificates: JSON.parse(String(r.idp_certificates_json)),
    idpMetadataUrl: r.idp_metadata_url,
    idpMetadata: r.idp_metadata,
    organizationId: r.organization_id,
    attributeMapping: JSON.parse(String(r.attribute_mapping_json)),
    customAttributes: JSON.parse(String(r.custom_attributes_json)),
    active: bool(r.active),
    syncUserAttributes: bool(r.sync_user_attributes),
    allowSubdomains: bool(r.allow_subdomains),
    allowIdpInitiated: bool(r.allow_idp_initiated),
    disableAdditionalIdentifications: bool(r.disable_additional_identifications),
    allowOrganizationAccountLinking: bool(r.allow_organization_account_linking),
    forceAuthn: bool(r.force_authn),
    loginHint: JSON.parse(String(r.login_hint_json)),
    enableRequestSigning: bool(r.enable_request_signing),
    allowSha1: bool(r.allow_sha1),
    requireEncryptedAssertions: bool(r.require_encrypted_assertions),
    wantAssertionsSigned: bool(r.want_assertions_signed),
    nameIdFormat: r.name_id_format,
    redirectUris: JSON.parse(String(r.redirect_uris_json)),
    defaultRedirectUri: r.default_redirect_uri,
    clientSecretHash: r.client_secret_hash,
    userCount: r.user_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  })
}

export function toRow(c: SamlConnection): ConnectionRow {
  return {
    id: c.id,
    instance_id: c.instanceId,
    app_id: c.appId,
    tenant_id: c.tenantId,
    client_id: c.clientId,
    name: c.name,
    name_lower: c.name.toLowerCase(),
    provider: c.provider,
    domains_json: JSON.stringify(c.domains),
    idp_entity_id: c.idpEntityId,
    idp_sso_url: c.idpSsoUrl,
    idp_sso_binding: c.idpSsoBinding,
    idp_certificates_json: JSON.stringify(c.idpCertificates),
    idp_metadata_url: c.idpMetadataUrl,
    idp_metadata: c.idpMetadata,
    organization_id: c.organizationId,
    attribute_mapping_json: JSON.stringify(c.attributeMapping),
    custom_attributes_json: JSON.stringify(c.customAttributes),
    active: c.active ? 1 : 0,
    sync_user_attributes: c.syncUserAttributes ? 1 : 0,
    allow_subdomains: c.allowSubdomains ? 1 : 0,
    allow_idp_initiated: c.allowIdpInitiated ? 1 : 0,
    disable_additional_identifications: c.disableAdditionalIdentifications ? 1 : 0,
    allow_organization_account_linking: c.allowOrganizationAccountLinking ? 1 : 0,
    force_authn: c.forceAuthn ? 1 : 0,
    login_hint_json: JSON.stringify(c.loginHint),
    enable_request_signing: c.enableRequestSigning ? 1 : 0,
    allow_sha1: c.allowSha1 ? 1 : 0,
    require_encrypted_assertions: c.requireEncryptedAssertions ? 1 : 0,
    want_assertions_signed: c.wantAssertionsSigned ? 1 : 0,
    name_id_format: c.nameIdFormat,
    redirect_uris_json: JSON.stringify(c.redirectUris),
    default_redirect_uri: c.defaultRedirectUri,
    client_secret_hash: c.clientSecretHash,
    user_count: c.userCount,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    certificates_expire_at: certificatesExpireAt(c.idpCertificates),
  }
}
