-- The deal ledger (T4, T8; issue 12): transfers, licences and equity contributions from a deal
-- lead, a listing or directly; their patents (by number, as the register names them), the consents
-- recorded, the payment plan, the payments received, the CNIPA filings, every stage move, the
-- pre-checks overruled by a reviewer; and the yearly figures of enterprises (benefiting SMEs).
-- Amounts are integer fen; dates are YYYY-MM-DD text.

CREATE TABLE deals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    licence_type TEXT,
    from_org_id BIGINT NOT NULL REFERENCES organisations(id),
    to_org_id BIGINT NOT NULL REFERENCES organisations(id),
    agency_org_id BIGINT REFERENCES organisations(id),
    venue TEXT NOT NULL,
    exchange_mode TEXT,
    exchange_deal_number TEXT,
    amount_fen BIGINT NOT NULL,
    signed_on TEXT,
    effective_on TEXT,
    term_until TEXT,
    territory TEXT,
    valuation_fen BIGINT,
    share_hundredths BIGINT,
    lead_id BIGINT REFERENCES deal_leads(id),
    listing_id BIGINT REFERENCES listings(id),
    stage TEXT NOT NULL,
    -- Licences: effective date + 3 months (DOMAIN.md §4.1), kept for the reminder queries.
    filing_due_on TEXT,
    cancel_reason TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX deals_from ON deals(from_org_id);
CREATE INDEX deals_to ON deals(to_org_id);
CREATE INDEX deals_lead ON deals(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX deals_listing ON deals(listing_id) WHERE listing_id IS NOT NULL;
CREATE INDEX deals_filing_due ON deals(filing_due_on) WHERE filing_due_on IS NOT NULL;

CREATE TABLE deal_patents (
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    number TEXT NOT NULL,
    PRIMARY KEY (deal_id, position)
);
CREATE INDEX deal_patents_number ON deal_patents(number);

-- Consents recorded on the deal: kind 'pledgee' or 'co_owner', the consenting organisation.
CREATE TABLE deal_consents (
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    org_id BIGINT NOT NULL,
    PRIMARY KEY (deal_id, kind, org_id)
);

CREATE TABLE deal_instalments (
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (deal_id, position)
);

CREATE TABLE deal_payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    amount_fen BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX deal_payments_deal ON deal_payments(deal_id);

CREATE TABLE deal_filings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    status TEXT NOT NULL,
    number TEXT,
    reason TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX deal_filings_deal ON deal_filings(deal_id);

-- Every stage reached, with its date (the creation's first stage included).
CREATE TABLE deal_stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    on_date TEXT NOT NULL,
    reason TEXT,
    created_by BIGINT REFERENCES users(id),
    username TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX deal_stages_deal ON deal_stages(deal_id, id);

-- A failing pre-check a reviewer let pass, with the comment.
CREATE TABLE deal_overrules (
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    username TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (deal_id, rule)
);

-- T8: an enterprise's yearly figures.
CREATE TABLE org_annual (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    revenue_fen BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    patent_product_revenue_fen BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);
