-- The search index catches up on listings changed since the newest change it holds.
CREATE INDEX listings_updated ON listings(updated_at);
