-- The ledger: every money fact of an order, append-only. Paid net,
-- refundable, due and overpayment are derived from it by order.PositionOf
-- and by nothing else. The payments and refunds tables keep each payment's
-- and refund's details (provider reference, reason, method); each change
-- to them writes its ledger entry in the same transaction.

CREATE TABLE ledger_entries (
    id            BIGSERIAL PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders(id),
    kind          TEXT NOT NULL,                          -- order.EntryKind: payment_received, refund_reserved, refund_sent, ...
    amount_cents  BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency      TEXT NOT NULL DEFAULT 'EUR',
    key           TEXT NOT NULL UNIQUE,                   -- one entry per fact, whatever the retries
    ref           TEXT NOT NULL DEFAULT '',               -- the refund's (or payment's) idempotency key the entry is about
    procedure     TEXT NOT NULL DEFAULT '',               -- the workflow id of the procedure that wrote it, if any
    actor         TEXT NOT NULL DEFAULT '',               -- the agent, or the provider, whose act or word it records
    note          TEXT NOT NULL DEFAULT '',               -- provider reference, reason: for people
    at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_order_idx ON ledger_entries (order_id, id);
CREATE INDEX ledger_entries_ref_idx ON ledger_entries (ref) WHERE ref <> '';

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only';
END $$;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- unknown: sent to the provider, whose answer is lost; it counts as given
-- back until the provider, asked by the refund's key, says otherwise.
ALTER TABLE refunds DROP CONSTRAINT refunds_status_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_status_check
    CHECK (status IN ('pending', 'succeeded', 'manual_pending', 'impossible', 'failed', 'unknown'));

-- The facts of the payments and refunds recorded before the ledger.
INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, key, ref, note, at)
SELECT order_id, 'payment_received', amount_cents, currency,
       'payment/' || id, coalesce(idempotency_key, 'payment/' || id), reference, received_at
FROM payments;
INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, key, ref, procedure, at)
SELECT order_id, 'refund_reserved', amount_cents, currency, idempotency_key || '#reserved', idempotency_key, workflow_id, created_at
FROM refunds;
INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, key, ref, procedure, note, at)
SELECT order_id,
       CASE status WHEN 'succeeded' THEN 'refund_confirmed' ELSE 'refund_failed' END,
       amount_cents, currency, idempotency_key || '#' || status, idempotency_key, workflow_id,
       CASE status WHEN 'succeeded' THEN provider_ref ELSE reason END, updated_at
FROM refunds WHERE status IN ('succeeded', 'failed', 'impossible');
