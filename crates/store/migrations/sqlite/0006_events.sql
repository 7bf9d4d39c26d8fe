-- Events (T3 matchmaking, T5 bank–enterprise, T7 training): registrations with attendance and
-- unavailable slots, the 1:1 meetings of a matchmaking event with their outcomes, and deal leads.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Local time, 'YYYY-MM-DDTHH:MM:SS'.
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    place TEXT,
    online_url TEXT,
    -- JSON array of technical fields.
    theme_fields TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    tables INTEGER NOT NULL,
    organiser_org_id INTEGER NOT NULL REFERENCES organisations(id),
    cancelled INTEGER NOT NULL DEFAULT 0,
    -- JSON: the proposals the last scheduling could not place, with the reason.
    unplaced_json TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX events_starts ON events(starts_at);

CREATE TABLE event_registrations (
    event_id INTEGER NOT NULL REFERENCES events(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    -- JSON array of slot indexes the organisation cannot attend.
    unavailable TEXT NOT NULL,
    attended INTEGER NOT NULL DEFAULT 0,
    registered_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, org_id)
);

CREATE TABLE event_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events(id),
    slot INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    demand_org_id INTEGER NOT NULL REFERENCES organisations(id),
    supply_org_id INTEGER NOT NULL REFERENCES organisations(id),
    demand_id INTEGER NOT NULL REFERENCES listings(id),
    supply_id INTEGER NOT NULL REFERENCES listings(id),
    score REAL NOT NULL,
    outcome TEXT,
    UNIQUE (event_id, slot, table_no)
);

CREATE TABLE deal_leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER UNIQUE REFERENCES event_meetings(id),
    demand_id INTEGER NOT NULL REFERENCES listings(id),
    supply_id INTEGER NOT NULL REFERENCES listings(id),
    outcome TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
