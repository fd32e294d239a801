-- The customer email a review_email task shows the agent, as the customer
-- will get it: subject, text and HTML versions, recipient, language.
--
-- A snapshot in the task rather than a reference to the outbox: the email
-- is not in the outbox yet, and must not be. It is written there only once
-- the agent has answered (with their paragraph, if any) under its own key,
-- and the sender sends what the outbox holds: a draft row there would go
-- out before the review. The snapshot is also exactly what the agent was
-- shown, which the task keeps after the answer.
--
-- JSONB rather than columns: only review_email tasks carry one, it is read
-- and written whole and never searched. NULL for every other task, and for
-- the review tasks created before this migration, whose question still
-- holds the email as text: the UI shows that question as it is.
ALTER TABLE agent_tasks
    ADD COLUMN email JSONB;  -- {to_email, to_name, locale, template, subject, text, html}; NULL: no email to review
ALTER TABLE agent_tasks
    -- coalesce: a missing subject makes jsonb_typeof NULL, which a CHECK would let through.
    ADD CONSTRAINT agent_tasks_email_subject CHECK (email IS NULL OR coalesce(jsonb_typeof(email -> 'subject') = 'string', false));
