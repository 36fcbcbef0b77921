-- Sign-in attempts (issue 15): every ACS post that names a connection leaves one row here, so an
-- admin can read why sign-ins fail (GET /v1/saml_connections/{id}/sign_in_attempts). Kept 7 days
-- (the cron purges by created_at). At most a fixed number of rows per connection per minute
-- (src/domain/sign-in-attempt.ts); past it an attempt is only counted in sign_in_attempt_minutes.
CREATE TABLE sign_in_attempts (
  id            TEXT PRIMARY KEY,          -- sia_ + 27 base62
  instance_id   TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  status        TEXT NOT NULL,             -- succeeded | failed
  reason        TEXT,                      -- null on success, else a code of SIGN_IN_FAILURE_REASONS
  flow          TEXT NOT NULL,             -- sp_initiated | idp_initiated
  name_id       TEXT,                      -- of a verified assertion only
  email_address TEXT,
  saml_response TEXT,                      -- the decoded XML posted, failed attempts only
  created_at    INTEGER NOT NULL
);
-- Newest first per connection (created_at, then rowid: attempts of one millisecond keep their order).
CREATE INDEX sign_in_attempts_by_connection ON sign_in_attempts (connection_id, created_at);
CREATE INDEX sign_in_attempts_by_age ON sign_in_attempts (created_at);

-- Every attempt of a connection in one minute, stored or not: the bound's counter.
CREATE TABLE sign_in_attempt_minutes (
  connection_id TEXT NOT NULL,
  minute        INTEGER NOT NULL,          -- floor(created_at / 60000)
  attempts      INTEGER NOT NULL,
  PRIMARY KEY (connection_id, minute)
);
CREATE INDEX sign_in_attempt_minutes_by_minute ON sign_in_attempt_minutes (minute);
