-- The search by SKU or product name at a million orders. The order list
-- searches orders, so each order carries what its lines are searched on:
-- line_text_ids, the ids of its lines' SKUs and product names in
-- line_texts, the shop's distinct SKUs and names. A search first finds
-- the texts that hold the searched text (a few hundred rows for a whole
-- catalogue), then the orders that have one of them: an exact lookup in
-- an index of orders, with no line to read. The planner, knowing from the
-- column's statistics how many orders have those texts, looks a rare text
-- up and sorts the few orders found, or walks the list's index and stops
-- at the page's end when it is common ("Plaid").

-- Each SKU and each product name an order line has had, once, in lower
-- case: a text is found in it with LIKE and the text in lower case, which
-- is what ILIKE does with each value. A text stays when no line has it any
-- more (nothing finds an order through it then).
CREATE TABLE line_texts (
    id    SERIAL PRIMARY KEY,
    text  TEXT NOT NULL
);
-- One row a text, however long the text (a btree key holds at most a
-- third of a page: the index holds the text's digest).
CREATE UNIQUE INDEX line_texts_text_idx ON line_texts (md5(text));
CREATE INDEX line_texts_trgm_idx ON line_texts USING gin (text gin_trgm_ops);

-- The ids of the order's lines' texts (SKUs and names), each once, in
-- increasing order. The order's lines are its truth: the triggers below
-- keep line_text_ids from them, and nothing else writes it.
ALTER TABLE orders ADD COLUMN line_text_ids INT[] NOT NULL DEFAULT '{}';

-- order_line_text_ids is the line_text_ids of order id, from its lines;
-- line_texts must hold their texts.
CREATE FUNCTION order_line_text_ids(id BIGINT) RETURNS INT[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT DISTINCT t.id
        FROM order_lines l CROSS JOIN LATERAL (VALUES (lower(l.sku)), (lower(l.name))) v(text)
        JOIN line_texts t ON md5(t.text) = md5(v.text)
        WHERE l.order_id = $1
        ORDER BY t.id)
$$;

-- New lines: their texts join line_texts when new to it, then their ids
-- join their orders' line_text_ids. One INSERT and one UPDATE a
-- statement, whatever its number of lines (a COPY of thousands of orders'
-- lines is two joins). The texts are added in one order, so two
-- transactions adding the same new texts wait for each other rather than
-- deadlock; the next statement sees the texts a transaction we waited for
-- added. Adding ids to an order needs no lock: an UPDATE that waited for
-- another adds to the ids that one wrote. An order that has them all
-- already (written with its line_text_ids by a bulk load) is left be.
CREATE FUNCTION order_lines_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO line_texts (text)
    SELECT DISTINCT v.text FROM added a CROSS JOIN LATERAL (VALUES (lower(a.sku)), (lower(a.name))) v(text)
    ORDER BY v.text
    ON CONFLICT ((md5(text))) DO NOTHING;
    UPDATE orders o SET line_text_ids = ARRAY(SELECT DISTINCT x FROM unnest(o.line_text_ids || n.ids) x ORDER BY x)
    FROM (SELECT a.order_id, array_agg(t.id) AS ids
          FROM added a CROSS JOIN LATERAL (VALUES (lower(a.sku)), (lower(a.name))) v(text)
          JOIN line_texts t ON md5(t.text) = md5(v.text)
          GROUP BY a.order_id) n
    WHERE o.id = n.order_id AND NOT o.line_text_ids @> n.ids;
    RETURN NULL;
END
$$;

-- orders_refresh_line_text_ids writes line_text_ids again from the lines
-- of the orders ids. It locks those orders first: the statements that
-- follow then see the lines of any transaction it waited for.
CREATE FUNCTION orders_refresh_line_text_ids(ids BIGINT[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM FROM orders WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
    INSERT INTO line_texts (text)
    SELECT DISTINCT v.text FROM order_lines l CROSS JOIN LATERAL (VALUES (lower(l.sku)), (lower(l.name))) v(text)
    WHERE l.order_id = ANY (ids)
    ORDER BY v.text
    ON CONFLICT ((md5(text))) DO NOTHING;
    UPDATE orders o SET line_text_ids = n.ids
    FROM (SELECT i AS id, order_line_text_ids(i) AS ids FROM unnest(ids) i) n
    WHERE o.id = n.id AND o.line_text_ids IS DISTINCT FROM n.ids;
END
$$;

-- Removed lines, and lines whose SKU, name or order changed: their orders'
-- line_text_ids are written again. A change of quantities (shipping,
-- cancelling) leaves them be.
CREATE FUNCTION order_lines_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM orders_refresh_line_text_ids(ARRAY(SELECT DISTINCT order_id FROM removed));
    RETURN NULL;
END
$$;

CREATE FUNCTION order_lines_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM orders_refresh_line_text_ids(ARRAY(
        SELECT DISTINCT x FROM old_lines b JOIN new_lines a USING (id)
            CROSS JOIN LATERAL (VALUES (b.order_id), (a.order_id)) v(x)
        WHERE b.sku IS DISTINCT FROM a.sku OR b.name IS DISTINCT FROM a.name
            OR b.order_id IS DISTINCT FROM a.order_id));
    RETURN NULL;
END
$$;

CREATE TRIGGER order_lines_added AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION order_lines_added();
CREATE TRIGGER order_lines_removed AFTER DELETE ON order_lines
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION order_lines_removed();
CREATE TRIGGER order_lines_changed AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION order_lines_changed();

-- The orders there are already. Each is written again (2.5 minutes at a
-- million orders): until VACUUM has been through orders, every index of
-- the list holds each order twice and the list is slower. Autovacuum comes
-- by itself after so many changes; after migrating a large database, run
-- VACUUM (ANALYZE) orders rather than wait for it.
INSERT INTO line_texts (text)
SELECT DISTINCT v.text FROM order_lines l CROSS JOIN LATERAL (VALUES (lower(l.sku)), (lower(l.name))) v(text)
ORDER BY v.text;
UPDATE orders o SET line_text_ids = n.ids
FROM (SELECT l.order_id, array_agg(DISTINCT t.id ORDER BY t.id) AS ids
      FROM order_lines l CROSS JOIN LATERAL (VALUES (lower(l.sku)), (lower(l.name))) v(text)
      JOIN line_texts t ON md5(t.text) = md5(v.text)
      GROUP BY l.order_id) n
WHERE o.id = n.order_id;

-- The orders having one of some texts: one index for the current orders
-- and one for the archived ones, like the order's other searched fields
-- (migration 0010).
CREATE INDEX orders_current_line_texts_idx  ON orders USING gin (line_text_ids) WHERE archived_at IS NULL;
CREATE INDEX orders_archived_line_texts_idx ON orders USING gin (line_text_ids) WHERE archived_at IS NOT NULL;

-- A search no longer reads the lines' own indexes.
DROP INDEX order_lines_sku_trgm_idx;
DROP INDEX order_lines_name_trgm_idx;

-- The planner weighs the searched texts against line_text_ids' statistics:
-- have them now rather than at the next autovacuum.
ANALYZE orders;
ANALYZE line_texts;
