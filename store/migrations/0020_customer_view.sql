-- The customer view (/customers/{email}) and the outbox's filters at a
-- million orders: a customer's orders, newest first, are one index range
-- (the email in any case), and so are the emails sent to one address; the
-- outbox filtered by status reads its status's emails newest first.
CREATE INDEX orders_customer_email_date_idx ON orders (lower(customer_email), created_at DESC, id DESC);
CREATE INDEX outbox_to_email_date_idx ON outbox (lower(to_email), created_at DESC, id DESC);
CREATE INDEX outbox_status_date_idx ON outbox (status, created_at DESC, id DESC);
