-- Shipments (the ship procedure, "fulfil"): what left the warehouse,
-- with which carrier, and the quantities of each line.

CREATE TABLE shipments (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders(id),
    key          TEXT NOT NULL UNIQUE,                      -- workflow id + step: a retried step finds its shipment
    workflow_id  TEXT NOT NULL DEFAULT '',                  -- the fulfil procedure that recorded it
    carrier      TEXT NOT NULL,                             -- chosen from the configured list, or typed
    tracking     TEXT NOT NULL DEFAULT '',                  -- the carrier's tracking number, optional
    shipped_by   TEXT NOT NULL DEFAULT '',                  -- the agent who marked it shipped
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX shipments_order_idx ON shipments (order_id, created_at);

CREATE TABLE shipment_lines (
    shipment_id  BIGINT NOT NULL REFERENCES shipments(id),
    line_id      BIGINT NOT NULL REFERENCES order_lines(id),
    sku          TEXT NOT NULL,                             -- as the line was when it shipped
    name         TEXT NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity > 0),      -- items of the line in this parcel
    PRIMARY KEY (shipment_id, line_id)
);
