-- Self-registration (issue 18): an organisation may sign itself up; it is then pending approval by
-- its district's cluster operator (enterprises, universities, agencies) or the municipal bureau
-- (banks, exchanges, insurers). Organisations registered by an administrator or a bureau, and every
-- organisation that existed before, are approved.
ALTER TABLE organisations ADD COLUMN approval TEXT NOT NULL DEFAULT 'approved';
CREATE INDEX organisations_approval ON organisations(approval);

-- One row per self-registered organisation: its contact, its first user, and the decision.
CREATE TABLE registrations (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    first_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decided_by_name TEXT,
    decided_at BIGINT,
    comment TEXT
);
CREATE INDEX registrations_created ON registrations(created_at);
