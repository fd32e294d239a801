-- Who handles an open task: the agent who took it in the inbox (their
-- email, from their session), so two agents do not work the same refund.
-- A claim is one conditional UPDATE (owner IS NULL OR owner = me); a
-- supervisor may release anyone's. The index serves the inbox's "mine" and
-- "unclaimed" filters; the open-task count reads agent_tasks_open_idx.
ALTER TABLE agent_tasks ADD COLUMN owner TEXT;
ALTER TABLE agent_tasks ADD COLUMN claimed_at TIMESTAMPTZ;
ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_owner_claimed CHECK ((owner IS NULL) = (claimed_at IS NULL));
CREATE INDEX agent_tasks_open_owner_idx ON agent_tasks (owner, created_at) WHERE status = 'open';
