-- Edit details (the product-edit procedure « modifier les noms des options de
-- paiement »): the name the shop shows for an order's payment method. The
-- payment method itself (payment_method) says how a refund goes back and
-- never changes; this is only its label.
ALTER TABLE orders
    ADD COLUMN payment_method_label TEXT NOT NULL DEFAULT '';  -- '' : the method's own label (order.PaymentMethod.Label)
