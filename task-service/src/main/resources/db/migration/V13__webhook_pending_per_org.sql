-- how many messages an organization has waiting (relay.webhooks.max-queued-per-org), read on every enqueue
CREATE INDEX webhook_delivery_pending_org_idx ON webhook_delivery (org) WHERE status = 'pending';
