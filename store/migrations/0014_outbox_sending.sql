-- An email handed to the mail provider is marked "sending" before the
-- call: a try whose answer was lost (a timeout, a connection cut after the
-- request went out) or a sender that died mid-call leaves the mark, and
-- the next try first asks the provider whether it holds the email under
-- its key (sent as a custom argument) before sending it again.
ALTER TABLE outbox ADD COLUMN sending_since TIMESTAMPTZ;
