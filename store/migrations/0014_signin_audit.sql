-- Sign-in that every web process shares, accounts that can be disabled,
-- and the audit log of who signed in and who changed what.

-- A disabled account signs in no more and its sessions are ended; its
-- name stays on the orders' history.
ALTER TABLE agents ADD COLUMN disabled_at TIMESTAMPTZ;

-- Sign-in attempts, counted before the password is checked. One row per
-- key: 'account:<email>' and 'pair:<address> <email>' count consecutive
-- failures and say when the next attempt is allowed (a delay that grows
-- with them); 'address:<address>' counts the failures from an address in
-- a window, under a ceiling high enough for an office behind one address.
-- A pair whose address signed in to the account lately is trusted: the
-- account's delay, which anyone can raise, does not hold it back.
CREATE TABLE signin_throttle (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,           -- consecutive, attempts under way included
    next_at       TIMESTAMPTZ NOT NULL DEFAULT now(),   -- no attempt before this
    window_start  TIMESTAMPTZ NOT NULL DEFAULT now(),   -- address keys: the window's start
    window_count  INTEGER NOT NULL DEFAULT 0,           -- address keys: failures in the window
    trusted_until TIMESTAMPTZ,                          -- pair keys: signed in from there lately
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX signin_throttle_updated_idx ON signin_throttle (updated_at);

-- The audit log: sign-ins (and refused ones), sign-outs, approvals given
-- by supervisors, role changes, disabled and enabled accounts, password
-- changes. Written by the server, never by what a client says of itself.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind        TEXT NOT NULL,                    -- signin, signin_failed, signout, ...
    agent_id    BIGINT REFERENCES agents(id) ON DELETE SET NULL, -- the account concerned, when it exists
    email       TEXT NOT NULL,                    -- the account concerned, as typed or known
    actor       TEXT NOT NULL DEFAULT '',         -- who did it, when not the account itself (an admin, the CLI)
    address     TEXT NOT NULL DEFAULT '',         -- the client's address, for the web
    detail      TEXT NOT NULL DEFAULT '',         -- what changed: a role's from and to, a task and its order
    key         TEXT UNIQUE                       -- a write a retry finds again (an approval's task)
);
CREATE INDEX audit_log_email_idx ON audit_log (lower(email), id DESC);
