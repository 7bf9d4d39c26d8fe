-- Pledge financing and IP insurance (T5; K1, K2; issue 13): banks' products, pledges with their
-- items (patents, trademarks), risk sharing, dated stage history and overruled checks; IP
-- insurance policies with the patents covered and their claims. Money in fen, dates 'YYYY-MM-DD'.
CREATE TABLE pledge_products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    -- patent | trademark | mixed
    collateral TEXT NOT NULL,
    amount_min_fen INTEGER,
    amount_max_fen INTEGER NOT NULL,
    term_min_months INTEGER NOT NULL,
    term_max_months INTEGER NOT NULL,
    -- Both NULL: 面议.
    rate_min_bp INTEGER,
    rate_max_bp INTEGER,
    appraisal_required INTEGER NOT NULL,
    -- Eligibility slugs, comma separated ('' = open to every enterprise).
    eligible TEXT NOT NULL,
    eligible_other TEXT,
    -- JSON array of {kind, share_bp, partner}.
    risk_sharing_json TEXT NOT NULL,
    description TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX pledge_products_bank ON pledge_products(bank_org_id);

CREATE TABLE pledges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- patent | trademark | mixed
    kind TEXT NOT NULL,
    pledgor_org_id INTEGER NOT NULL REFERENCES organisations(id),
    pledgee_org_id INTEGER NOT NULL REFERENCES organisations(id),
    product_id INTEGER REFERENCES pledge_products(id),
    amount_fen INTEGER NOT NULL,
    loan_start TEXT NOT NULL,
    repay_by TEXT NOT NULL,
    term_months INTEGER NOT NULL,
    applied_on TEXT NOT NULL,
    -- The current stage (the last of pledge_stages), and its day.
    stage TEXT NOT NULL,
    stage_on TEXT NOT NULL,
    -- Set on registration with CNIPA (K1/K2 count this day).
    registered_on TEXT,
    registration_number TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX pledges_pledgor ON pledges(pledgor_org_id);
CREATE INDEX pledges_pledgee ON pledges(pledgee_org_id, stage);
CREATE INDEX pledges_registered ON pledges(registered_on);

-- patent (canonical application number) | trademark (registration number), in the given order.
CREATE TABLE pledge_items (
    pledge_id INTEGER NOT NULL REFERENCES pledges(id),
    item_kind TEXT NOT NULL,
    number TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (pledge_id, item_kind, number)
);
CREATE INDEX pledge_items_number ON pledge_items(item_kind, number);

CREATE TABLE pledge_risk_shares (
    pledge_id INTEGER NOT NULL REFERENCES pledges(id),
    -- risk_fund | guarantee | insurance
    kind TEXT NOT NULL,
    share_bp INTEGER NOT NULL,
    partner TEXT,
    PRIMARY KEY (pledge_id, kind)
);

-- One row per step, oldest first (seq from 0 = applied).
CREATE TABLE pledge_stages (
    pledge_id INTEGER NOT NULL REFERENCES pledges(id),
    seq INTEGER NOT NULL,
    stage TEXT NOT NULL,
    on_date TEXT NOT NULL,
    registration_number TEXT,
    amount_fen INTEGER,
    reason TEXT,
    disposal TEXT,
    appraisal_value_fen INTEGER,
    appraiser TEXT,
    appraisal_method TEXT,
    appraisal_standard TEXT,
    note TEXT,
    username TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pledge_id, seq)
);

-- A check before registration that failed or needed review, overruled with a comment.
CREATE TABLE pledge_check_overrules (
    pledge_id INTEGER NOT NULL REFERENCES pledges(id),
    rule TEXT NOT NULL,
    comment TEXT NOT NULL,
    username TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pledge_id, rule)
);

CREATE TABLE insurance_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- enforcement | infringement_liability | pledge_guarantee | overseas | other
    kind TEXT NOT NULL,
    insurer_org_id INTEGER NOT NULL REFERENCES organisations(id),
    insured_org_id INTEGER NOT NULL REFERENCES organisations(id),
    insured_amount_fen INTEGER NOT NULL,
    premium_fen INTEGER NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    subsidy_fen INTEGER,
    policy_number TEXT,
    pledge_id INTEGER REFERENCES pledges(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX insurance_policies_insured ON insurance_policies(insured_org_id);
CREATE INDEX insurance_policies_insurer ON insurance_policies(insurer_org_id);

CREATE TABLE insurance_policy_patents (
    policy_id INTEGER NOT NULL REFERENCES insurance_policies(id),
    number TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (policy_id, number)
);

CREATE TABLE insurance_claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL REFERENCES insurance_policies(id),
    on_date TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    -- pending | paid | declined
    outcome TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX insurance_claims_policy ON insurance_claims(policy_id);
