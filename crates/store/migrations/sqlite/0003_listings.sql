-- Supply and demand listings (T1, T2). The checked fields are columns for lists, filters and the
-- search index; `body_json` keeps the input as the owner gave it.

CREATE TABLE listings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    owner_org_id BIGINT NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    field TEXT NOT NULL,
    modes TEXT NOT NULL,
    ipc TEXT NOT NULL,
    price_fen BIGINT,
    district_code TEXT NOT NULL REFERENCES districts(code),
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    maturity TEXT,
    body_json TEXT NOT NULL,
    return_reason TEXT,
    last_confirmed_at BIGINT NOT NULL,
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (owner_org_id, kind, title)
);
CREATE INDEX listings_status ON listings(status, kind);
CREATE INDEX listings_owner ON listings(owner_org_id);

CREATE TABLE listing_patents (
    listing_id BIGINT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    patent_type TEXT NOT NULL,
    PRIMARY KEY (listing_id, number)
);
CREATE INDEX listing_patents_number ON listing_patents(number);
