-- The system of record of orderdesk. Money is always BIGINT cents.

CREATE TABLE orders (
    id                  BIGSERIAL PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,               -- human order number, e.g. C-2026-000123
    status              TEXT NOT NULL,                      -- order.Status
    logistics_status    TEXT NOT NULL,                      -- order.LogisticsStatus, moved by the warehouse
    payment_method      TEXT NOT NULL,                      -- order.PaymentMethod
    currency            TEXT NOT NULL DEFAULT 'EUR',
    customer_name       TEXT NOT NULL,
    customer_email      TEXT NOT NULL,
    customer_phone      TEXT NOT NULL DEFAULT '',
    customer_locale     TEXT NOT NULL DEFAULT 'fr',         -- language of the customer's emails
    billing_address     JSONB NOT NULL,                     -- order.Address
    delivery_address    JSONB NOT NULL,                     -- order.Address
    shipping_rules      JSONB NOT NULL,                     -- order.ShippingRules as they were when the order was placed
    discount            JSONB NOT NULL DEFAULT '{}',        -- order.Discount
    merchandise_cents   BIGINT NOT NULL,
    discount_cents      BIGINT NOT NULL DEFAULT 0,
    shipping_cents      BIGINT NOT NULL DEFAULT 0,
    total_cents         BIGINT NOT NULL,
    hold_by             TEXT,                               -- workflow id of the procedure holding the order, NULL when free
    version             BIGINT NOT NULL DEFAULT 1,          -- bumped by every change, for optimistic concurrency
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    archived_at         TIMESTAMPTZ,                        -- archiving is a flag, not a status
    CHECK (total_cents >= 0 AND merchandise_cents >= 0 AND discount_cents >= 0 AND shipping_cents >= 0)
);
CREATE INDEX orders_status_idx ON orders (status, created_at DESC);
CREATE INDEX orders_customer_email_idx ON orders (lower(customer_email));

CREATE TABLE order_lines (
    id                BIGSERIAL PRIMARY KEY,
    order_id          BIGINT NOT NULL REFERENCES orders(id),
    position          INT NOT NULL,                         -- display order
    sku               TEXT NOT NULL,
    name              TEXT NOT NULL,
    unit_price_cents  BIGINT NOT NULL CHECK (unit_price_cents >= 0),  -- tax-inclusive
    quantity          BIGINT NOT NULL CHECK (quantity >= 0),
    vat_rate_bp       BIGINT NOT NULL,                      -- basis points, 2000 = 20 %
    physical          BOOLEAN NOT NULL DEFAULT true,
    qty_shipped       BIGINT NOT NULL DEFAULT 0,
    qty_completed     BIGINT NOT NULL DEFAULT 0,
    qty_cancelled     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id, position);

CREATE TABLE payments (
    id               BIGSERIAL PRIMARY KEY,
    order_id         BIGINT NOT NULL REFERENCES orders(id),
    method           TEXT NOT NULL,                         -- order.PaymentMethod
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    currency         TEXT NOT NULL DEFAULT 'EUR',
    reference        TEXT NOT NULL DEFAULT '',              -- provider's payment id, cheque number, transfer reference
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    idempotency_key  TEXT UNIQUE,                           -- set when a procedure records it, so a retry finds it
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_idx ON payments (order_id);

CREATE TABLE refunds (
    id               BIGSERIAL PRIMARY KEY,
    order_id         BIGINT NOT NULL REFERENCES orders(id),
    idempotency_key  TEXT NOT NULL UNIQUE,                  -- workflow id + step: written before any money moves
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    currency         TEXT NOT NULL DEFAULT 'EUR',
    method           TEXT NOT NULL,                         -- how the money goes back: the payment method, or bank_transfer, cheque, store_credit
    status           TEXT NOT NULL,                         -- pending, succeeded, manual_pending, impossible, failed
    provider_ref     TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    workflow_id      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (status IN ('pending', 'succeeded', 'manual_pending', 'impossible', 'failed'))
);
CREATE INDEX refunds_order_idx ON refunds (order_id);

CREATE TABLE order_events (
    id              BIGSERIAL PRIMARY KEY,
    order_id        BIGINT NOT NULL REFERENCES orders(id),
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_kind      TEXT NOT NULL,                          -- agent, system, customer, procedure, warehouse
    actor           TEXT NOT NULL DEFAULT '',               -- agent email, procedure id...
    workflow_id     TEXT NOT NULL DEFAULT '',               -- the procedure this event belongs to, if any
    kind            TEXT NOT NULL,                          -- hold_taken, content_changed, refund_recorded, email_queued, note...
    message         TEXT NOT NULL,                          -- one line a person reads in the timeline
    contact_channel TEXT NOT NULL DEFAULT '',               -- email, contact_form, phone: how the customer reached us
    data            JSONB NOT NULL DEFAULT '{}',
    event_key       TEXT UNIQUE                             -- set by procedures so a retried step writes its event once
);
CREATE INDEX order_events_order_idx ON order_events (order_id, at, id);

-- order_events is append-only: history is never rewritten.
CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_events is append-only';
END $$;
CREATE TRIGGER order_events_no_update BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();

CREATE TABLE outbox (
    id                   BIGSERIAL PRIMARY KEY,
    key                  TEXT NOT NULL UNIQUE,              -- workflow id + step: one email per step, whatever the retries
    order_id             BIGINT REFERENCES orders(id),
    to_email             TEXT NOT NULL,
    to_name              TEXT NOT NULL DEFAULT '',
    locale               TEXT NOT NULL DEFAULT 'fr',
    template             TEXT NOT NULL,                     -- which email this is: content_modified, ...
    subject              TEXT NOT NULL,
    body_text            TEXT NOT NULL,
    body_html            TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'pending',   -- pending, sent, failed
    provider_message_id  TEXT NOT NULL DEFAULT '',
    attempts             INT NOT NULL DEFAULT 0,
    last_error           TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at              TIMESTAMPTZ,
    CHECK (status IN ('pending', 'sent', 'failed'))
);
CREATE INDEX outbox_order_idx ON outbox (order_id, created_at);

CREATE TABLE agents (
    id             BIGSERIAL PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'agent',           -- agent, supervisor, admin
    locale         TEXT NOT NULL DEFAULT 'fr',              -- language of the UI for this agent
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (role IN ('agent', 'supervisor', 'admin'))
);

CREATE TABLE agent_tasks (
    id            BIGSERIAL PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,                     -- workflow id + step, so a retry finds its task
    order_id      BIGINT NOT NULL REFERENCES orders(id),
    workflow_id   TEXT NOT NULL,                            -- the procedure waiting on the answer
    kind          TEXT NOT NULL,                            -- refund_by_hand, cheque_sent, ...
    question      TEXT NOT NULL,                            -- what the agent is asked, in French
    amount_cents  BIGINT NOT NULL DEFAULT 0,                -- the amount at stake, if any
    options       JSONB NOT NULL DEFAULT '[]',              -- the answers the task accepts
    status        TEXT NOT NULL DEFAULT 'open',             -- open, answered, cancelled
    answer        JSONB,
    answered_by   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    answered_at   TIMESTAMPTZ,
    CHECK (status IN ('open', 'answered', 'cancelled'))
);
CREATE INDEX agent_tasks_open_idx ON agent_tasks (created_at) WHERE status = 'open';
CREATE INDEX agent_tasks_order_idx ON agent_tasks (order_id);
