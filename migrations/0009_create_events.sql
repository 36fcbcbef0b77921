-- The event outbox (issue 15): every change worth telling an admin about is recorded here in the
-- same D1 batch as the change itself, so a committed change never loses its event and an event never
-- describes a change that did not commit. Delivery (webhooks over a Queue) reads the undelivered rows
-- oldest first and sets delivered_at once the queue holds them.
CREATE TABLE events (
  id            TEXT PRIMARY KEY,          -- evt_ + 27 base62
  instance_id   TEXT NOT NULL,
  type          TEXT NOT NULL,             -- e.g. saml_connection.certificates_rotated (src/domain/events.ts)
  connection_id TEXT,                      -- the connection the event is about, if any
  data_json     TEXT NOT NULL,             -- the event's own facts, JSON object
  created_at    INTEGER NOT NULL,
  delivered_at  INTEGER
);
-- Ordered by created_at, then rowid: the events of one batch share a millisecond and keep the order
-- they were written in (an index entry carries the rowid).
CREATE INDEX events_undelivered ON events (created_at) WHERE delivered_at IS NULL;
CREATE INDEX events_by_connection ON events (connection_id, created_at);
CREATE INDEX events_by_instance ON events (instance_id, created_at);
