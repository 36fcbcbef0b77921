-- Event retention (the cron's purge; README, Webhooks): events handed to the queue are deleted a
-- week after delivered_at, in bounded chunks, and no index so far leads by delivered_at
-- (events_undelivered holds only the rows still waiting, by created_at, which serves the other half).
CREATE INDEX events_delivered ON events (delivered_at) WHERE delivered_at IS NOT NULL;
