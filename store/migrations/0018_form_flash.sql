-- A form the agent UI refused (or a confirmation step it showed) is kept
-- here a few minutes, as the page that says so, so the browser is sent to
-- a GET address (post/redirect/get): reloading it, or the live progress
-- reloading it, never submits the form again. Only the agent who posted
-- reads it back, at the address it was made for.
CREATE TABLE form_flashes (
    id         TEXT PRIMARY KEY,
    agent_id   BIGINT NOT NULL,
    path       TEXT NOT NULL,
    status     INT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX form_flashes_created_idx ON form_flashes (created_at);
