-- One-time codes and access tokens waiting to be redeemed, kept here as well as in KV: a code
-- issued where the browser is (the ACS) is often redeemed by a backend in another region, where
-- KV may not show it for up to a minute. KV stays the fast path; this is the source of truth.
CREATE TABLE pending_codes (
  code_hash  TEXT PRIMARY KEY,
  payload    TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX pending_codes_by_expiry ON pending_codes (expires_at);
