-- The bank accounts agents type for a payback by transfer. A procedure
-- carries the account's reference and its masked IBAN, never the IBAN: the
-- Temporal histories and the agents' task answers hold no account number,
-- and the payout reads it here, by reference, when it sends the transfer.
CREATE TABLE bank_accounts (
    id         BIGSERIAL PRIMARY KEY,
    ref        TEXT NOT NULL UNIQUE,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    iban       TEXT NOT NULL,
    typed_by   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
