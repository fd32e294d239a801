-- The order list at a million orders: every sort and filter the list offers
-- reads an index in its own order, and the search reads one index per
-- field it searches. Indexes only: the tables keep their columns.

-- Trigram indexes answer ILIKE '%text%' (pg_trgm ships with PostgreSQL's
-- server package and is a trusted extension: a database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The list of current orders (archived_at IS NULL) and the list of archived
-- ones each have their own partial indexes: one per sort (date, number,
-- total; read forwards or backwards for either direction) and one per
-- filter (status, logistics status, payment method), in date order. A
-- filter with another sort reads the filter's index and sorts what it found,
-- or walks the sort's index and skips what does not match, whichever the
-- planner finds cheaper for that value.
CREATE INDEX orders_current_date_idx      ON orders (created_at, id)                   WHERE archived_at IS NULL;
CREATE INDEX orders_current_number_idx    ON orders (number)                           WHERE archived_at IS NULL;
CREATE INDEX orders_current_total_idx     ON orders (total_cents, id)                  WHERE archived_at IS NULL;
CREATE INDEX orders_current_status_idx    ON orders (status, created_at, id)           WHERE archived_at IS NULL;
CREATE INDEX orders_current_logistics_idx ON orders (logistics_status, created_at, id) WHERE archived_at IS NULL;
CREATE INDEX orders_current_payment_idx   ON orders (payment_method, created_at, id)   WHERE archived_at IS NULL;

CREATE INDEX orders_archived_date_idx      ON orders (created_at, id)                   WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_number_idx    ON orders (number)                           WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_total_idx     ON orders (total_cents, id)                  WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_status_idx    ON orders (status, created_at, id)           WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_logistics_idx ON orders (logistics_status, created_at, id) WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_payment_idx   ON orders (payment_method, created_at, id)   WHERE archived_at IS NOT NULL;

-- Superseded by the list's indexes above (nothing else reads them).
DROP INDEX orders_status_idx;
DROP INDEX orders_created_idx;
DROP INDEX orders_customer_email_idx;

-- The search: one trigram index per field, so each field is one index
-- lookup whatever the text's place in the value (any case). The order's
-- own fields have one index for the current orders and one for the
-- archived ones, like the list's: a search among the current orders never
-- reads the archived ones.
CREATE INDEX orders_current_number_trgm_idx  ON orders USING gin (number gin_trgm_ops)         WHERE archived_at IS NULL;
CREATE INDEX orders_current_email_trgm_idx   ON orders USING gin (customer_email gin_trgm_ops) WHERE archived_at IS NULL;
CREATE INDEX orders_current_name_trgm_idx    ON orders USING gin (customer_name gin_trgm_ops)  WHERE archived_at IS NULL;
CREATE INDEX orders_archived_number_trgm_idx ON orders USING gin (number gin_trgm_ops)         WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_email_trgm_idx  ON orders USING gin (customer_email gin_trgm_ops) WHERE archived_at IS NOT NULL;
CREATE INDEX orders_archived_name_trgm_idx   ON orders USING gin (customer_name gin_trgm_ops)  WHERE archived_at IS NOT NULL;
-- Phones are searched on their digits only: "06 12 34 56 78", "0612345678"
-- and "+33 6 12 34 56 78" are the same number typed three ways.
CREATE INDEX orders_current_phone_trgm_idx  ON orders USING gin ((regexp_replace(customer_phone, '[^0-9]', '', 'g')) gin_trgm_ops) WHERE archived_at IS NULL;
CREATE INDEX orders_archived_phone_trgm_idx ON orders USING gin ((regexp_replace(customer_phone, '[^0-9]', '', 'g')) gin_trgm_ops) WHERE archived_at IS NOT NULL;
CREATE INDEX order_lines_sku_trgm_idx  ON order_lines USING gin (sku gin_trgm_ops);
CREATE INDEX order_lines_name_trgm_idx ON order_lines USING gin (name gin_trgm_ops);

-- An order number, whole or its start ("C-2026-0001"), is a btree lookup
-- (text_pattern_ops: LIKE 'c-2026-0001%' whatever the database's collation).
CREATE INDEX orders_number_prefix_idx ON orders (lower(number) text_pattern_ops);
