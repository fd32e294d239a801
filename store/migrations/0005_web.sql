-- The agents' web UI: sign-in sessions.
--
-- A session is found by the SHA-256 of the random token in the agent's
-- cookie: a copy of this table does not let anyone sign in.
CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,                          -- sha256 of the cookie's token
    agent_id      BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,                              -- every POST of this session carries it
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL                        -- after this the agent signs in again
);
CREATE INDEX sessions_agent_idx ON sessions (agent_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
