-- Issue 18: notifications. A user's e-mail address (optional); the in-app inbox; each user's
-- choice per kind (no row: the kind's defaults, `domain::notify`); and the mail outbox the
-- sending job works through (a row is claimed by one process until `claimed_until`, so two
-- servers on one database never send the same mail twice; a failure is counted, kept and retried
-- at `next_try_at` until it gives up).
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    href TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

CREATE TABLE notification_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    in_app BOOLEAN NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- the page the mail links to, a path of the site (the sender adds its public address)
    href TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    next_try_at INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_try_at) WHERE sent_at IS NULL;
