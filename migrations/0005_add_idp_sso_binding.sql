-- Which binding the IdP's SSO URL takes: HTTP-Redirect (default) or HTTP-POST (POST-only IdPs
-- such as JumpCloud publish no Redirect endpoint).
ALTER TABLE saml_connections ADD COLUMN idp_sso_binding TEXT NOT NULL DEFAULT 'redirect' CHECK (idp_sso_binding IN ('redirect', 'post'));
