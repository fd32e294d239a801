-- Invoices (factures) and credit notes (avoirs), numbered per year with no
-- gap and no duplicate, and the attachments of outbox emails.

-- One counter row per kind of document and year. A document takes its
-- number by incrementing its row inside the transaction that inserts the
-- document: the row stays locked until commit, and a rollback gives the
-- number back. A SEQUENCE would leave a gap on every rollback.
CREATE TABLE document_counters (
    kind      TEXT NOT NULL,                      -- invoice or credit_note
    year      INT NOT NULL,                       -- calendar year in Europe/Paris
    last_seq  BIGINT NOT NULL,                    -- the last number given
    PRIMARY KEY (kind, year),
    CHECK (kind IN ('invoice', 'credit_note') AND last_seq > 0)
);

CREATE TABLE invoices (
    id              BIGSERIAL PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,           -- F-2026-000001
    year            INT NOT NULL,
    seq             BIGINT NOT NULL,                -- the number within its year
    order_id        BIGINT NOT NULL REFERENCES orders(id),
    key             TEXT NOT NULL UNIQUE,           -- workflow id + step (or the agent's request): a retry finds its invoice
    workflow_id     TEXT NOT NULL DEFAULT '',       -- the procedure collecting its payment, if any
    content_hash    TEXT NOT NULL,                  -- fingerprint of the order's content invoiced: one invoice per content
    supplementary   BOOLEAN NOT NULL DEFAULT false, -- invoices only the increase since the earlier invoices (balance due)
    reason          TEXT NOT NULL DEFAULT '',       -- why a supplementary invoice was issued
    status          TEXT NOT NULL DEFAULT 'issued', -- issued (unpaid), paid, cancelled
    currency        TEXT NOT NULL DEFAULT 'EUR',
    seller          JSONB NOT NULL,                 -- store.Seller: the shop's identity when the invoice was issued
    customer        JSONB NOT NULL,                 -- order.Customer snapshot
    billing_address JSONB NOT NULL,                 -- order.Address snapshot
    lines           JSONB NOT NULL,                 -- []store.InvoiceLine, tax-inclusive amounts
    vat             JSONB NOT NULL,                 -- []order.VATLine: net, VAT and gross per rate
    net_cents       BIGINT NOT NULL,
    vat_cents       BIGINT NOT NULL,
    total_cents     BIGINT NOT NULL CHECK (total_cents > 0),
    payment_link    TEXT NOT NULL DEFAULT '',       -- where the customer pays online, when sent with a link
    paid_method     TEXT NOT NULL DEFAULT '',       -- order.PaymentMethod once paid
    paid_at         TIMESTAMPTZ,
    issued_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (year, seq),
    CHECK (net_cents + vat_cents = total_cents),
    CHECK (status IN ('issued', 'paid', 'cancelled'))
);
CREATE INDEX invoices_order_idx ON invoices (order_id, issued_at);
-- A second invoice for the same content of the same order is refused.
CREATE UNIQUE INDEX invoices_one_per_content ON invoices (order_id, content_hash) WHERE status <> 'cancelled';

CREATE TABLE credit_notes (
    id           BIGSERIAL PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,              -- A-2026-000001
    year         INT NOT NULL,
    seq          BIGINT NOT NULL,
    order_id     BIGINT NOT NULL REFERENCES orders(id),
    invoice_id   BIGINT NOT NULL REFERENCES invoices(id), -- the invoice it corrects
    key          TEXT NOT NULL UNIQUE,              -- the refund's idempotency key (or workflow id + step)
    reason       TEXT NOT NULL DEFAULT '',
    currency     TEXT NOT NULL DEFAULT 'EUR',
    seller       JSONB NOT NULL,
    customer     JSONB NOT NULL,
    billing_address JSONB NOT NULL,
    vat          JSONB NOT NULL,                    -- []order.VATLine of the amount credited
    net_cents    BIGINT NOT NULL,
    vat_cents    BIGINT NOT NULL,
    total_cents  BIGINT NOT NULL CHECK (total_cents > 0), -- equals the refund
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (year, seq),
    CHECK (net_cents + vat_cents = total_cents)
);
CREATE INDEX credit_notes_order_idx ON credit_notes (order_id, issued_at);

-- Documents attached to an outbox email, rendered when it is sent:
-- [{"kind": "invoice", "number": "F-2026-000001"}].
ALTER TABLE outbox ADD COLUMN attachments JSONB NOT NULL DEFAULT '[]';

