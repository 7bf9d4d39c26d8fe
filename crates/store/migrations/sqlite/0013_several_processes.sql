-- Several `zhiyun serve` processes (and `zhiyun import`) on one database.
--
-- 1. Every listing write stamps the rows it changed with the next value of a counter, taken as the
--    last step of its transaction: the counter's row lock orders the writers, so the values commit
--    in order and a reader that sees change N sees every change before it. Each process's search
--    index remembers the last change it holds and catches up on `change_seq > that` (wall-clock
--    `updated_at` missed imports that committed after a later write was indexed).
ALTER TABLE listings ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX listings_change_seq ON listings(change_seq, id);
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('listings', 0);

-- 2. The login throttle: failures per key (a username, an address …) within a window.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle(window_start);

-- 3. The upload page's listing imports: the file, the progress and the last report, so any
--    process can show the page, and run the import the user confirms.
CREATE TABLE import_uploads (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    bytes BLOB NOT NULL,
    running BOOLEAN NOT NULL,
    -- A run wrote listings: the file is not imported again.
    written BOOLEAN NOT NULL,
    -- Who runs it (process id) and the last sign of life: a run silent for long has died.
    runner TEXT,
    phase TEXT,
    done BIGINT NOT NULL,
    total BIGINT NOT NULL,
    report_json TEXT,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX import_uploads_created ON import_uploads(created_at);

-- 4. Background jobs that run once across processes: a process runs a job when it moves the job's
--    `next_run_at` on (one conditional UPDATE: one process wins); `running_until` keeps others off
--    while it runs, and lets them take over after a crash. Every run is logged.
CREATE TABLE scheduled_jobs (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    running_by TEXT,
    running_until BIGINT
);
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    ok BOOLEAN,
    detail TEXT
);
CREATE INDEX job_runs_name ON job_runs(name, started_at);
