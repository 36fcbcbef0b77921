-- SP-initiated logins waiting for their IdP's response, keyed by the SHA-256 of the RelayState.
-- Kept in D1 rather than KV because using one up must be atomic: the ACS deletes the row in the
-- same batch that reserves the assertion id and stores the code, and only a response that
-- verified for the login's own connection and scope gets that far.
CREATE TABLE login_requests (
  relay_state_hash TEXT PRIMARY KEY,
  connection_id    TEXT NOT NULL,
  payload          TEXT NOT NULL,
  expires_at       INTEGER NOT NULL
);
CREATE INDEX login_requests_by_expiry ON login_requests (expires_at);
