-- The outbox sender: a loop of the worker that delivers the emails whose
-- procedure left the sending to it (by_sender), so a procedure ends once
-- its email is written, not once the mail provider has answered. Emails
-- written before, or by procedures that send their own, keep by_sender
-- false and are never touched by the sender.
ALTER TABLE outbox ADD COLUMN by_sender BOOLEAN NOT NULL DEFAULT false;
-- When the sender may next try the email: a claim pushes it forward (the
-- claim's lease, so a sender that dies mid-send leaves it to another after
-- the lease), a failed try by the backoff.
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX outbox_sender_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending' AND by_sender;
