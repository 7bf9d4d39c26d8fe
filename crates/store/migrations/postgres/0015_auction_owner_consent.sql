-- Patent auctions (issue 14): the patents' owner's consent to the sale, as the operator recorded
-- it when creating the lot (e.g. 权利人授权书 2026-11-30). Optional in the API; the form requires it.
ALTER TABLE auction_lots ADD COLUMN owner_consent TEXT;
