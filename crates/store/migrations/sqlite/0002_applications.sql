-- Park applications (A1–A6): rounds, applications, the agencies each names (for A5's
-- cross-application limit), reviews and comments, attachments.

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL UNIQUE,
    deadline TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round_year BIGINT NOT NULL REFERENCES rounds(year),
    operator_org_id BIGINT NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    park_name TEXT,
    district_code TEXT,
    body_json TEXT NOT NULL,
    submitted_at BIGINT,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX applications_round ON applications(round_year, status);
CREATE INDEX applications_operator ON applications(operator_org_id);

CREATE TABLE application_agencies (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    agency_uscc TEXT NOT NULL,
    agency_name TEXT NOT NULL,
    PRIMARY KEY (application_id, agency_uscc)
);
CREATE INDEX application_agencies_uscc ON application_agencies(agency_uscc);

CREATE TABLE application_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    rule TEXT,
    status TEXT,
    decision TEXT,
    comment TEXT NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL,
    org_name TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX application_reviews_app ON application_reviews(application_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    part TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX attachments_app ON attachments(application_id);
