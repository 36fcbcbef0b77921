-- Per-connection assertion policy (issue 14): whether a plain (unencrypted) assertion is refused,
-- whether the assertion itself must carry the signature (not only the Response around it), and
-- which NameID format the AuthnRequest's NameIDPolicy asks for.
ALTER TABLE saml_connections ADD COLUMN require_encrypted_assertions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE saml_connections ADD COLUMN want_assertions_signed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE saml_connections ADD COLUMN name_id_format TEXT NOT NULL DEFAULT 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
