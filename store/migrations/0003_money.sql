-- Refunds by cheque ("Une demande de remboursement par chèque est en cours").

CREATE TABLE cheque_requests (
    id             BIGSERIAL PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,                 -- workflow id + step: one request per step, whatever the retries
    order_id       BIGINT NOT NULL REFERENCES orders(id),
    refund_key     TEXT NOT NULL,                        -- the refunds row this cheque pays
    amount_cents   BIGINT NOT NULL CHECK (amount_cents > 0),
    currency       TEXT NOT NULL DEFAULT 'EUR',
    address        JSONB NOT NULL,                       -- order.Address the cheque is mailed to, chosen with the customer
    status         TEXT NOT NULL DEFAULT 'requested',    -- requested, mailed, cancelled
    cheque_number  TEXT NOT NULL DEFAULT '',             -- set when an agent mails it
    workflow_id    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    mailed_at      TIMESTAMPTZ,
    CHECK (status IN ('requested', 'mailed', 'cancelled'))
);
CREATE INDEX cheque_requests_order_idx ON cheque_requests (order_id);
CREATE INDEX cheque_requests_open_idx ON cheque_requests (created_at) WHERE status = 'requested';

-- The payment a refund sends money back against, when there is one, so a
-- gateway refund names the provider's original payment.
ALTER TABLE refunds ADD COLUMN payment_id BIGINT REFERENCES payments(id);
