-- Figures kept beside the records so that K1–K6 over a city's five years need not re-read
-- 100,000 deals, 300,000 high-value patents and 50,000 responses at every request (issue 16).
-- Each is written by the store in the transaction that changes its records, and rebuilt from the
-- records by `Db::kpi_sums_rebuild` (run once when this migration is applied, and by
-- `zhiyun kpi-sums`).

-- K3/K4: the deals received by each organisation, per year of their effective date (else signing
-- date), kind, stage and the giving party's kind.
CREATE TABLE kpi_deal_sums (
    to_org_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    from_kind TEXT NOT NULL,
    deals BIGINT NOT NULL,
    patents BIGINT NOT NULL,
    -- The group's first deal and first day (for messages and the grouped facts).
    first_deal_id BIGINT NOT NULL,
    first_on TEXT NOT NULL,
    PRIMARY KEY (to_org_id, year, kind, stage, from_kind)
);
CREATE INDEX kpi_deal_sums_year ON kpi_deal_sums(year);

-- K5: for each owner and year, how many of its high-value patents begin to count in that year
-- (the later of high_value_since and in_force_from) and how many stop counting at the year's
-- end (the first year end after in_force_until). The count at the end of year Y is the sum of
-- starts minus ends over the years up to Y.
CREATE TABLE kpi_high_value_years (
    owner_org_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    starts BIGINT NOT NULL,
    ends BIGINT NOT NULL,
    PRIMARY KEY (owner_org_id, year)
);

-- K5: per owner and year, overseas filings — PCT applications (WO) and direct filings at foreign
-- offices (national phases entered from a PCT application are not counted again).
CREATE TABLE kpi_overseas_years (
    owner_org_id BIGINT NOT NULL REFERENCES organisations(id),
    year INTEGER NOT NULL,
    pct BIGINT NOT NULL,
    direct BIGINT NOT NULL,
    PRIMARY KEY (owner_org_id, year)
);

-- K1/K2: the year and secured amount a pledge counts with (`pledge::cycle::counts_for_k1`);
-- NULL while it does not count.
ALTER TABLE pledges ADD COLUMN k1_year INTEGER;
ALTER TABLE pledges ADD COLUMN k1_amount_fen BIGINT;
CREATE INDEX pledges_k1 ON pledges(k1_year, pledgor_org_id, k1_amount_fen);

-- K6: the response's rating of its survey's overall item (NULL: none given).
ALTER TABLE survey_responses ADD COLUMN overall_rating INTEGER;
CREATE INDEX survey_responses_overall ON survey_responses(survey_id, overall_rating);
