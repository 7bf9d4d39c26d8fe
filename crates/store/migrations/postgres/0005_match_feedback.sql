-- T3: owners' verdicts on suggested demand–supply pairs. A pair declined by either owner is no
-- longer suggested to that owner; the reasons are counted per supplying organisation.
CREATE TABLE match_feedback (
    demand_id BIGINT NOT NULL REFERENCES listings(id),
    supply_id BIGINT NOT NULL REFERENCES listings(id),
    -- Whose verdict: 'demand' (the demand's owner) or 'supply'.
    side TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    PRIMARY KEY (demand_id, supply_id, side)
);
CREATE INDEX match_feedback_supply ON match_feedback(supply_id);
