-- Test runs (issue 16: Clerk's enterprise connection test runs) share the sign-in attempts' table:
-- a run is an attempt an admin started on purpose, read through its own endpoint. `kind` keeps the
-- two lists apart; a run is 'pending' until its response arrives or `expires_at` passes (then it
-- reads as failed); `test_run` holds what only a run has (JSON: the start token's digest, the
-- AuthnRequest, the RelayState, the check-by-check log, the parsed user). The cron's 7-day purge
-- by created_at covers both kinds.
ALTER TABLE sign_in_attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'sign_in';  -- sign_in | test_run
ALTER TABLE sign_in_attempts ADD COLUMN expires_at INTEGER;                   -- test runs only
ALTER TABLE sign_in_attempts ADD COLUMN test_run TEXT;                        -- test runs only

DROP INDEX sign_in_attempts_by_connection;
CREATE INDEX sign_in_attempts_by_connection ON sign_in_attempts (connection_id, kind, created_at);
