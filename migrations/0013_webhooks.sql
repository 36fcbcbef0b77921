-- Webhooks (issue 15): endpoints that receive an instance's events over Cloudflare Queues, signed as
-- the Standard Webhooks specification says (README, Webhooks).
CREATE TABLE webhook_endpoints (
  id            TEXT PRIMARY KEY,          -- whep_ + 27 base62
  instance_id   TEXT NOT NULL,
  url           TEXT NOT NULL,
  events_json   TEXT,                      -- JSON array of event types; NULL: every type
  secret_sealed TEXT NOT NULL,             -- the signing secret under AES-256-GCM (WEBHOOK_SECRET_KEY), never in plain
  origin        TEXT NOT NULL,             -- of the request that created it: the Clerk view's URLs without PUBLIC_ORIGIN
  created_at    INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_instance ON webhook_endpoints (instance_id, created_at);

-- The connection as its event left it (the row, as JSON), for the Clerk-style view a webhook
-- delivers: written by the event's own INSERT, so it is the state of that point of the batch (a
-- deletion's event is written before the row goes). NULL for events that are not about a connection.
ALTER TABLE events ADD COLUMN subject_json TEXT;
-- Who is handing an undelivered event to the queue, until when: the request that wrote it right after
-- its batch, else the cron. A publisher that dies leaves its claim to run out, and the cron takes it.
ALTER TABLE events ADD COLUMN claimed_until INTEGER;

-- Messages the queue gave up on (the dead-letter queue's consumer writes them): what an operator
-- reads to see which endpoint missed which event.
CREATE TABLE webhook_dead_letters (
  event_id      TEXT NOT NULL,
  endpoint_id   TEXT NOT NULL,
  instance_id   TEXT,
  dead_at       INTEGER NOT NULL,
  PRIMARY KEY (event_id, endpoint_id)
);
