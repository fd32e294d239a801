-- Agents sign in with their email in whatever case they type it: one
-- account per address, compared case-insensitively.
CREATE UNIQUE INDEX agents_email_lower_key ON agents (lower(email));

-- The order list shows the newest orders first by default.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);

-- The outbox sender picks the pending emails, oldest first.
CREATE INDEX outbox_pending_idx ON outbox (created_at, id) WHERE status = 'pending';
