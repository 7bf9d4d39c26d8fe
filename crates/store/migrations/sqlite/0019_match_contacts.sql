-- T3, issue 18: 感兴趣 on a suggestion asks the other listing's owner for contact. One request per
-- demand–supply pair: who asked, when, and its answer (accepted: the contacts are exchanged for
-- that pair; declined: never re-sent). The cluster operator may turn an exchanged pair into a
-- deal lead (deal_leads, without a meeting).
CREATE TABLE match_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    demand_id INTEGER NOT NULL REFERENCES listings(id),
    supply_id INTEGER NOT NULL REFERENCES listings(id),
    requested_by_org INTEGER NOT NULL REFERENCES organisations(id),
    requested_by_user INTEGER NOT NULL REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    -- 'requested', 'accepted' or 'declined'
    state TEXT NOT NULL,
    answered_by_user INTEGER REFERENCES users(id),
    answered_at INTEGER,
    lead_id INTEGER REFERENCES deal_leads(id),
    UNIQUE (demand_id, supply_id)
);
CREATE INDEX match_contacts_supply ON match_contacts(supply_id);
