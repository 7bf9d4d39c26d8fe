-- The search index catches up on listings changed since the newest change it holds, and hourly
-- re-indexes the published listings whose visibility just changed with the date.
CREATE INDEX listings_updated ON listings(updated_at);
CREATE INDEX listings_valid_until ON listings(valid_until);
CREATE INDEX listings_confirmed ON listings(last_confirmed_at);
