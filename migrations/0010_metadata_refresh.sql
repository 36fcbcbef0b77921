-- Scheduled refresh of IdP metadata fetched from a URL (issue 15). One row per connection that has
-- an idp_metadata_url, written in the same batch as the connection; the cron picks rows by
-- next_refresh_at in bounded batches, so the work spreads over the day.
CREATE TABLE metadata_refresh (
  connection_id     TEXT PRIMARY KEY REFERENCES saml_connections (id) ON DELETE CASCADE,
  metadata_url      TEXT NOT NULL,         -- the URL this schedule is for; a new URL starts afresh
  next_refresh_at   INTEGER NOT NULL,      -- also the lease while a run holds the row
  etag              TEXT,                  -- validators of the last good document, for If-None-Match
  last_modified     TEXT,                  --   and If-Modified-Since
  cache_duration_ms INTEGER,               -- the last good document's cacheDuration
  valid_until       INTEGER,               -- and validUntil: each may bring the next refresh forward
  failures          INTEGER NOT NULL DEFAULT 0, -- consecutive failed attempts; the backoff doubles with it
  last_failure      TEXT,
  last_attempt_at   INTEGER,
  last_success_at   INTEGER,
  on_demand_at      INTEGER                -- the last refresh for an unknown signing key (at most one per 5 min)
);
CREATE INDEX metadata_refresh_due ON metadata_refresh (next_refresh_at);
-- Connections that already fetch from a URL are due at once; the batches spread them out.
INSERT INTO metadata_refresh (connection_id, metadata_url, next_refresh_at)
  SELECT id, idp_metadata_url, 0 FROM saml_connections WHERE idp_metadata_url IS NOT NULL;

-- Expiry warnings: when the latest of a connection's certificates expires (NULL when one of them
-- never does, or there is none), kept with the row so the cron finds the connections near expiry
-- by an index.
ALTER TABLE saml_connections ADD COLUMN certificates_expire_at INTEGER;
UPDATE saml_connections SET certificates_expire_at = CASE
  WHEN EXISTS (SELECT 1 FROM json_each(idp_certificates_json) WHERE json_extract(value, '$.expiresAt') IS NULL) THEN NULL
  ELSE (SELECT MAX(json_extract(value, '$.expiresAt')) FROM json_each(idp_certificates_json))
END;
CREATE INDEX saml_connections_certificates_expiry ON saml_connections (certificates_expire_at)
  WHERE active = 1 AND certificates_expire_at IS NOT NULL;

-- Which warning was last recorded for which certificate set (SHA-256 over its sorted certificates):
-- 30, 7 or 1 (days before expiry), 0 once expired. A new set starts over.
CREATE TABLE certificate_expiry_notices (
  connection_id          TEXT PRIMARY KEY REFERENCES saml_connections (id) ON DELETE CASCADE,
  certificates_expire_at INTEGER NOT NULL,
  fingerprint            TEXT NOT NULL,
  stage_days             INTEGER NOT NULL,
  recorded_at            INTEGER NOT NULL
);
