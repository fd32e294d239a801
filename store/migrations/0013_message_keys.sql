-- An order's history lines and the agent tasks' questions are kept as a
-- message of the catalog (locale.Phrase): its key and its typed arguments
-- (JSON: amounts in cents with their currency, dates as instants, labels
-- and lists as phrases of their own), so the agent UI says each in the
-- agent's language. The French text stays in message and question, for
-- exports, the command line and the rows written before (no key: shown as
-- written).
ALTER TABLE order_events ADD COLUMN message_key TEXT;
ALTER TABLE order_events ADD COLUMN message_args JSONB;
ALTER TABLE agent_tasks ADD COLUMN question_key TEXT;
ALTER TABLE agent_tasks ADD COLUMN question_args JSONB;
