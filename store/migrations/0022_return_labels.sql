-- A return's prepaid label, made by the carrier once per return (its
-- number is the carrier's idempotency key): the link to the PDF the
-- customer prints, the parcel's tracking number and the carrier's name.
-- NULL: no carrier was configured, the customer sends the parcel their
-- own way.
ALTER TABLE returns
    ADD COLUMN label_url      TEXT,
    ADD COLUMN label_tracking TEXT,
    ADD COLUMN label_carrier  TEXT;
