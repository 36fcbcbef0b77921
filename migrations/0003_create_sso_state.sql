-- Replay protection for the ACS: an assertion id is accepted once, remembered until it expires.
CREATE TABLE saml_assertion_ids (
  assertion_id  TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  expires_at    INTEGER NOT NULL,
  PRIMARY KEY (connection_id, assertion_id)
);
CREATE INDEX saml_assertion_ids_by_expiry ON saml_assertion_ids (expires_at);

-- One-time authorization codes: the single use is enforced here, because KV has no
-- compare-and-swap. (The payload was in KV only; since 0006 it is in D1's pending_codes,
-- with KV as the edge copy.)
CREATE TABLE consumed_codes (
  code_hash   TEXT PRIMARY KEY,
  consumed_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX consumed_codes_by_expiry ON consumed_codes (expires_at);
