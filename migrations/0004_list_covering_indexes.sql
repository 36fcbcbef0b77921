-- Listing (src/storage/d1/saml-connections.ts, list()) picks a page's ids from an index alone and
-- reads whole rows only for that page. These indexes carry the list filters (name_lower for
-- `query`, organization_id for `organization_id`), so skipping `offset` entries and counting
-- `total_count` never touch the wide rows, and ordering by name needs no sort.
-- The first replaces saml_connections_by_instance_created, which it extends.
CREATE INDEX saml_connections_list_by_created ON saml_connections (instance_id, created_at DESC, id DESC, name_lower, organization_id);
CREATE INDEX saml_connections_list_by_name ON saml_connections (instance_id, name_lower, id, organization_id);
DROP INDEX saml_connections_by_instance_created;
