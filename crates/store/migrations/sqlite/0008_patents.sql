-- The patent and trademark register (T6, K5; issue 11). A patent's checked fields are columns, its
-- lists (co-owners, IPC codes, overseas family members, awards) child rows in the order given.
-- Derived columns are computed by the domain on every write from the patent and the high-value
-- rules: expires_on (term plus compensation), fee_due_on (the next annual fee), in_force_from/until
-- (the days in force) and high_value_since (the first day a high-value category is met; NULL for a
-- patent that is not an invention or meets none). K5's "high-value invention patents in force at
-- year end" is then a range condition on an index.

CREATE TABLE patents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Canonical application number, e.g. 202110123456.7.
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_org_id BIGINT NOT NULL REFERENCES organisations(id),
    filed_on TEXT NOT NULL,
    granted_on TEXT,
    legal_status TEXT NOT NULL,
    ended_on TEXT,
    fee_paid_until TEXT,
    term_extension_days BIGINT NOT NULL,
    expires_on TEXT NOT NULL,
    fee_due_on TEXT,
    in_force_from TEXT,
    in_force_until TEXT,
    high_value_since TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX patents_owner ON patents(owner_org_id, id);
CREATE INDEX patents_high_value ON patents(owner_org_id, high_value_since, in_force_from, in_force_until)
    WHERE high_value_since IS NOT NULL;
-- Expiry reminders: the patents of an organisation (or of a district's) whose term ends soon.
CREATE INDEX patents_owner_expires ON patents(owner_org_id, expires_on);

CREATE TABLE patent_co_owners (
    patent_id BIGINT NOT NULL REFERENCES patents(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (patent_id, position)
);
CREATE INDEX patent_co_owners_org ON patent_co_owners(org_id);

CREATE TABLE patent_ipc (
    patent_id BIGINT NOT NULL REFERENCES patents(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (patent_id, position)
);

CREATE TABLE patent_overseas (
    patent_id BIGINT NOT NULL REFERENCES patents(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- WIPO ST.3 code: WO (a PCT application), US, EP, JP, KR ...
    office TEXT NOT NULL,
    number TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    filed_on TEXT,
    via_pct BOOLEAN NOT NULL,
    PRIMARY KEY (patent_id, position)
);
CREATE INDEX patent_overseas_filed ON patent_overseas(filed_on) WHERE filed_on IS NOT NULL;

CREATE TABLE patent_awards (
    patent_id BIGINT NOT NULL REFERENCES patents(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    PRIMARY KEY (patent_id, position)
);

-- T6: one cultivation project per patent, marked by the district's cluster operator.
CREATE TABLE patent_cultivation (
    patent_id BIGINT PRIMARY KEY REFERENCES patents(id) ON DELETE CASCADE,
    goal TEXT NOT NULL,
    notes TEXT NOT NULL,
    target_date TEXT NOT NULL,
    marked_on TEXT NOT NULL,
    marked_by_org_id BIGINT NOT NULL REFERENCES organisations(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A registration number may cover several Nice classes: one row per class.
CREATE TABLE trademarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    nice_class BIGINT NOT NULL,
    name TEXT,
    owner_org_id BIGINT NOT NULL REFERENCES organisations(id),
    valid_until TEXT NOT NULL,
    registered_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (number, nice_class)
);
CREATE INDEX trademarks_owner ON trademarks(owner_org_id);

-- K5: resident population by year, entered by the municipal bureau; district_code is a current
-- district or 310000 for the whole city. The 2020 census per district is districts.population_2020.
CREATE TABLE district_population (
    district_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    residents BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (district_code, year)
);
