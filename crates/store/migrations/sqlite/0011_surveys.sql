-- Satisfaction surveys (K6, T7): the survey with its items, invitations with one-time tokens
-- (stored as SHA-256 hashes), anonymous responses with one row per answer, and the per-client
-- counters of the public link's rate limit.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_org_id INTEGER NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    -- NULL: city-wide.
    district_code TEXT REFERENCES districts(code),
    -- enterprises | universities | event_participants | everyone
    audience TEXT NOT NULL,
    event_id INTEGER REFERENCES events(id),
    -- JSON array of items, read back through the domain's check_items.
    items_json TEXT NOT NULL,
    -- Invited outside the platform (paper, mail), as stated; platform invitations add to it.
    invited INTEGER,
    -- 'YYYY-MM-DD', both optional.
    opens_on TEXT,
    closes_on TEXT,
    -- Closed by hand (0/1).
    closed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX surveys_year ON surveys(year, district_code);
CREATE INDEX surveys_event ON surveys(event_id);

CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    -- SHA-256 of the one-time token; the token itself is shown once.
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    -- 'YYYY-MM-DD' the token was used (a day, not a time: responses are anonymous).
    used_on TEXT,
    UNIQUE (survey_id, org_id)
);

-- A response knows neither its invitation nor its sender's address.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    -- link | invitation
    via TEXT NOT NULL,
    -- The organisation the respondent chose to name; NULL: anonymous.
    org_name TEXT,
    received_on TEXT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses(survey_id);

-- One row per item (from 0): a rating, an option number, option numbers (JSON array) or a text;
-- all NULL for an optional item left unanswered.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses(id),
    item_no INTEGER NOT NULL,
    rating INTEGER,
    choice INTEGER,
    choices TEXT,
    text TEXT,
    PRIMARY KEY (response_id, item_no)
);

-- Attempts per client (a hash of survey, window and address) in a ten-minute window; rows of
-- past windows are deleted as new ones come.
CREATE TABLE survey_rate_limits (
    client_key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (client_key, window_start)
);
CREATE INDEX survey_rate_limits_window ON survey_rate_limits(window_start);
