-- Returns: shipped items coming back, for a refund or an exchange (the
-- return procedure). A return is numbered R-YYYY-NNNNNN per year, with
-- no gap, in the transaction that writes it; one row per procedure
-- (workflow_id) and per request id of its order, so a step run twice and
-- a request sent twice write one return. A parcel is received once:
-- parcel_id is unique.
CREATE TABLE return_counters (
    year      INT PRIMARY KEY,                      -- calendar year in Europe/Paris
    last_seq  BIGINT NOT NULL CHECK (last_seq > 0)
);

CREATE TABLE returns (
    id            BIGSERIAL PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,             -- R-2026-000001
    order_id      BIGINT NOT NULL REFERENCES orders(id),
    workflow_id   TEXT NOT NULL UNIQUE,             -- the return procedure
    request_id    TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('withdrawal', 'damaged', 'wrong_item', 'other')),
    resolution    TEXT NOT NULL CHECK (resolution IN ('refund', 'exchange')),
    status        TEXT NOT NULL DEFAULT 'requested' CHECK (status IN
                  ('requested', 'authorised', 'received', 'inspected', 'refunded', 'exchanged', 'refused', 'expired', 'cancelled')),
    created_by    TEXT NOT NULL,
    exchange      JSONB NOT NULL DEFAULT '[]',      -- the new items of an exchange (order.Line)
    told_at       TIMESTAMPTZ NOT NULL,             -- when the shop was told of the withdrawal
    received_at   TIMESTAMPTZ,                      -- the parcel, or its proof of sending
    parcel_id     TEXT UNIQUE,
    proof_of_sending BOOLEAN NOT NULL DEFAULT false,
    settlement    JSONB,                            -- order.ReturnSettlement, once inspected
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (order_id, request_id)
);

CREATE INDEX returns_order_idx ON returns (order_id, created_at);

CREATE TABLE return_lines (
    return_id          BIGINT NOT NULL REFERENCES returns(id),
    line_id            BIGINT NOT NULL REFERENCES order_lines(id),
    quantity           BIGINT NOT NULL CHECK (quantity > 0),
    -- NULL until inspected; then how many of them are accepted.
    accepted_quantity  BIGINT CHECK (accepted_quantity >= 0 AND accepted_quantity <= quantity),
    restocked          BOOLEAN NOT NULL DEFAULT false,
    refusal_reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, line_id)
);
