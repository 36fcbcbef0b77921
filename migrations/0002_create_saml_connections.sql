-- One SAML connection model for every API style. Clerk-style connections live in app/tenant 'public'.
CREATE TABLE saml_connections (
  id                                 TEXT PRIMARY KEY,   -- samlc_ + 27 base62
  instance_id                        TEXT NOT NULL,
  app_id                             TEXT NOT NULL DEFAULT 'public',
  tenant_id                          TEXT NOT NULL DEFAULT 'public',
  client_id                          TEXT NOT NULL,      -- SuperTokens-style id; equals id unless given
  name                               TEXT NOT NULL,
  name_lower                         TEXT NOT NULL,
  provider                           TEXT NOT NULL,
  domains_json                       TEXT NOT NULL DEFAULT '[]',
  idp_entity_id                      TEXT,
  idp_sso_url                        TEXT,
  idp_certificates_json              TEXT NOT NULL DEFAULT '[]',
  idp_metadata_url                   TEXT,
  idp_metadata                       TEXT,
  organization_id                    TEXT,
  attribute_mapping_json             TEXT NOT NULL,
  active                             INTEGER NOT NULL DEFAULT 0,
  sync_user_attributes               INTEGER NOT NULL DEFAULT 1,
  allow_subdomains                   INTEGER NOT NULL DEFAULT 0,
  allow_idp_initiated                INTEGER NOT NULL DEFAULT 0,
  disable_additional_identifications INTEGER NOT NULL DEFAULT 0,
  allow_organization_account_linking INTEGER NOT NULL DEFAULT 0,
  force_authn                        INTEGER NOT NULL DEFAULT 0,
  login_hint_json                    TEXT NOT NULL,
  enable_request_signing             INTEGER NOT NULL DEFAULT 1,
  allow_sha1                         INTEGER NOT NULL DEFAULT 0,
  redirect_uris_json                 TEXT NOT NULL DEFAULT '[]',
  default_redirect_uri               TEXT,
  client_secret_hash                 TEXT,
  user_count                         INTEGER NOT NULL DEFAULT 0,
  created_at                         INTEGER NOT NULL,
  updated_at                         INTEGER NOT NULL
);
-- The index that listing walks: newest first, id breaks ties inside one millisecond.
CREATE INDEX saml_connections_by_instance_created ON saml_connections (instance_id, created_at DESC, id DESC);
CREATE INDEX saml_connections_by_tenant_created ON saml_connections (instance_id, app_id, tenant_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX saml_connections_client_id ON saml_connections (instance_id, app_id, tenant_id, client_id);
-- An IdP entity id names at most one connection per tenant (IdP-initiated logins are routed by Issuer).
CREATE UNIQUE INDEX saml_connections_idp_entity ON saml_connections (instance_id, app_id, tenant_id, idp_entity_id)
  WHERE idp_entity_id IS NOT NULL;

-- Clerk: an organization has at most one SSO connection.
CREATE UNIQUE INDEX saml_connections_organization ON saml_connections (instance_id, organization_id)
  WHERE organization_id IS NOT NULL;

-- A domain belongs to at most one connection per instance; the primary key enforces it under concurrency.
CREATE TABLE saml_connection_domains (
  instance_id   TEXT NOT NULL,
  domain        TEXT NOT NULL,
  connection_id TEXT NOT NULL REFERENCES saml_connections (id) ON DELETE CASCADE,
  PRIMARY KEY (instance_id, domain)
);
CREATE INDEX saml_connection_domains_by_connection ON saml_connection_domains (connection_id);

-- Transactional outbox for the KV edge copy: written in the same D1 batch as the record,
-- removed once KV holds the new state. A cron trigger and later writes replay what is left.
CREATE TABLE kv_sync_outbox (
  connection_id TEXT PRIMARY KEY,
  token         TEXT NOT NULL,             -- changes on every write, so a late sync cannot clear a newer entry
  queued_at     INTEGER NOT NULL
);
