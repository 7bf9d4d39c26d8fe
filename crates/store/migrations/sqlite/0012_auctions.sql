-- Patent auctions with live bidding (T3; issue 14): sessions (拍卖会), their lots with the patents
-- sold, the registered bidders with the operator's deposit confirmation, the bids (one gapless
-- `seq` per lot, UNIQUE(lot_id, seq): a second writer racing for the same seq fails), and what
-- happens to each deposit after the close. Money in fen, times in unix seconds.

CREATE TABLE auctions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    rules TEXT NOT NULL,
    operator_org_id BIGINT NOT NULL REFERENCES organisations(id),
    auctioneer_org_id BIGINT NOT NULL REFERENCES organisations(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    soft_close_seconds BIGINT NOT NULL,
    buyer_commission_bp BIGINT NOT NULL,
    seller_commission_bp BIGINT NOT NULL,
    commission_agreed BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX auctions_starts ON auctions(starts_at);

CREATE TABLE auction_lots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    auction_id BIGINT NOT NULL REFERENCES auctions(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    -- transfer | exclusive_licence | ordinary_licence
    kind TEXT NOT NULL,
    -- The patents' owner, who sells (its consent recorded when the lot was created).
    seller_org_id BIGINT NOT NULL REFERENCES organisations(id),
    start_price_fen BIGINT NOT NULL,
    increment_fen BIGINT NOT NULL,
    -- Secret until the close.
    reserve_fen BIGINT,
    deposit_fen BIGINT NOT NULL,
    -- The live end: the session's end, moved forward (never back) by late bids.
    ends_at BIGINT NOT NULL,
    closed_at BIGINT,
    -- After the close: sold | unsold; the sale's terms; the deal it became.
    outcome TEXT,
    unsold_reason TEXT,
    winner_org_id BIGINT REFERENCES organisations(id),
    price_fen BIGINT,
    buyer_commission_fen BIGINT,
    seller_commission_fen BIGINT,
    deal_id BIGINT REFERENCES deals(id),
    -- Unsold: back_to_supply_list | open_licence | later_session, and the listing or lot made.
    route TEXT,
    routed_listing_id BIGINT REFERENCES listings(id),
    routed_lot_id BIGINT,
    UNIQUE (auction_id, position)
);
CREATE INDEX auction_lots_auction ON auction_lots(auction_id);
CREATE INDEX auction_lots_open ON auction_lots(ends_at) WHERE closed_at IS NULL;

CREATE TABLE auction_lot_patents (
    lot_id BIGINT NOT NULL REFERENCES auction_lots(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    number TEXT NOT NULL,
    PRIMARY KEY (lot_id, position)
);
CREATE INDEX auction_lot_patents_number ON auction_lot_patents(number);

-- One registration per organisation per session, numbered in registration order (竞买人 07).
CREATE TABLE auction_bidders (
    auction_id BIGINT NOT NULL REFERENCES auctions(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    bidder_no BIGINT NOT NULL,
    on_behalf_of BIGINT REFERENCES organisations(id),
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    confirmed_by BIGINT REFERENCES users(id),
    PRIMARY KEY (auction_id, org_id),
    UNIQUE (auction_id, bidder_no)
);

-- The bids: append-only, the lot's history and its own audit trail (who, when, how much).
CREATE TABLE auction_bids (
    lot_id BIGINT NOT NULL REFERENCES auction_lots(id),
    seq BIGINT NOT NULL,
    bidder_org_id BIGINT NOT NULL REFERENCES organisations(id),
    amount_fen BIGINT NOT NULL,
    at BIGINT NOT NULL,
    by_proxy BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lot_id, seq)
);

-- After a lot's close: each confirmed bidder's deposit, refunded or applied to the price.
CREATE TABLE auction_deposits (
    lot_id BIGINT NOT NULL REFERENCES auction_lots(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    bidder_no BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    -- refund | apply_to_price
    action TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    PRIMARY KEY (lot_id, org_id)
);
