-- Management API keys. Only the SHA-256 of a key is stored; the plain key is shown once by `npm run keys -- create`.
CREATE TABLE api_keys (
  key_hash    TEXT PRIMARY KEY,            -- hex SHA-256 of the full key
  kind        TEXT NOT NULL CHECK (kind IN ('clerk_secret_key', 'supertokens_api_key')),
  instance_id TEXT NOT NULL,
  app_id      TEXT NOT NULL DEFAULT 'public',
  label       TEXT,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX api_keys_by_instance ON api_keys (instance_id, created_at);
