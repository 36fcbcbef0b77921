-- Custom attributes (issue 16, Clerk's enterprise connections): what of an assertion's attributes
-- the sign-in profile carries under the app's own keys, as a JSON array of
-- {name, key, ssoPath, scimPath, multiValued}.
ALTER TABLE saml_connections ADD COLUMN custom_attributes_json TEXT NOT NULL DEFAULT '[]';
-- The enterprise list filters on `active`; like the other list indexes (0004) this one carries the
-- order, so a page and its count read index entries only.
CREATE INDEX saml_connections_list_by_active ON saml_connections (instance_id, active, created_at DESC, id DESC, organization_id);
