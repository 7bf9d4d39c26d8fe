//! Patent auctions (T3; issue 14): sessions, lots with their patents, bidders and deposit
//! confirmations, the bids, the close and the deposit lines. See the migration `0012_auctions.sql`.
//!
//! The bids are written by [`Db::lot_append_bids`], a conditional append: inside one transaction
//! it checks that the lot is still open and that its last stored bid is the one the writer decided
//! on, then inserts the new bids with the next `seq`s and moves the live end forward. A writer in
//! another process that raced for the same `seq` fails on the primary key `(lot_id, seq)` and is
//! answered [`Append::Stale`]: it reloads and decides again. So the history stays gapless with
//! strictly increasing amounts whatever the number of writers.

use serde::Serialize;
use zhiyun_domain::auction::{
    Bid, DepositLine, LotKind, LotTerms, Pct, Registration, Sale, UnsoldReason, UnsoldRoute,
};
use zhiyun_domain::money::Fen;

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

fn corrupt(entity: &'static str, id: i64, detail: String) -> StoreError {
    StoreError::Corrupt { entity, id, detail }
}

fn fen(entity: &'static str, id: i64, v: i64) -> Result<Fen> {
    Fen::from_fen(v).map_err(|_| corrupt(entity, id, format!("amount {v}")))
}

fn pct(id: i64, v: i64) -> Result<Pct> {
    u32::try_from(v)
        .map(Pct::from_bp)
        .map_err(|_| corrupt("auction", id, format!("percent {v}")))
}

/// A session to store (checked by the domain; the lots' sellers looked up in the register).
#[derive(Debug, Clone, Serialize)]
pub struct NewAuction {
    pub title: String,
    pub rules: String,
    pub operator_org_id: i64,
    pub auctioneer_org_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub soft_close_seconds: i64,
    pub buyer_commission: Pct,
    pub seller_commission: Pct,
    pub commission_agreed: bool,
    pub lots: Vec<NewLot>,
}

/// A lot to store. Not `Serialize` as a whole in an answer: it holds the reserve (the audit log
/// keeps it, which only administrators read).
#[derive(Debug, Clone, Serialize)]
pub struct NewLot {
    pub title: String,
    pub kind: LotKind,
    pub seller_org_id: i64,
    pub patents: Vec<String>,
    pub start_price: Fen,
    pub increment: Fen,
    pub reserve: Option<Fen>,
    pub deposit: Fen,
    /// The patents' owner's consent to the sale as the operator recorded it (权利人授权书 …);
    /// `None` for lots made through the API without it.
    pub owner_consent: Option<String>,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuctionRecord {
    pub id: i64,
    pub title: String,
    pub rules: String,
    pub operator_org_id: i64,
    pub auctioneer_org_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub soft_close_seconds: i64,
    pub buyer_commission: Pct,
    pub seller_commission: Pct,
    pub commission_agreed: bool,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AuctionRow {
    id: i64,
    title: String,
    rules: String,
    operator_org_id: i64,
    auctioneer_org_id: i64,
    starts_at: i64,
    ends_at: i64,
    soft_close_seconds: i64,
    buyer_commission_bp: i64,
    seller_commission_bp: i64,
    commission_agreed: i64,
    created_at: i64,
}

const AUCTION_COLUMNS: &str = "id, title, rules, operator_org_id, auctioneer_org_id, starts_at,
    ends_at, soft_close_seconds, buyer_commission_bp, seller_commission_bp, commission_agreed,
    created_at";

impl AuctionRow {
    fn decode(self) -> Result<AuctionRecord> {
        Ok(AuctionRecord {
            buyer_commission: pct(self.id, self.buyer_commission_bp)?,
            seller_commission: pct(self.id, self.seller_commission_bp)?,
            id: self.id,
            title: self.title,
            rules: self.rules,
            operator_org_id: self.operator_org_id,
            auctioneer_org_id: self.auctioneer_org_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            soft_close_seconds: self.soft_close_seconds,
            commission_agreed: self.commission_agreed != 0,
            created_at: self.created_at,
        })
    }
}

/// The close of a lot as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotResult {
    pub closed_at: i64,
    /// `None`: unsold, with its reason.
    pub sale: Option<StoredSale>,
    pub unsold_reason: Option<UnsoldReason>,
    pub deal_id: Option<i64>,
    pub route: Option<UnsoldRoute>,
    pub routed_listing_id: Option<i64>,
    pub routed_lot_id: Option<i64>,
}

/// A sale as stored with the lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSale {
    pub winner_org_id: i64,
    pub price: Fen,
    pub buyer_commission: Fen,
    pub seller_commission: Fen,
}

/// A stored lot with its session's terms. Holds the reserve: not for answers as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotRecord {
    pub id: i64,
    pub auction_id: i64,
    pub position: i64,
    pub title: String,
    pub kind: LotKind,
    pub seller_org_id: i64,
    pub patents: Vec<String>,
    /// The owner's consent as recorded (see [`NewLot::owner_consent`]).
    pub owner_consent: Option<String>,
    /// The terms the bidding state is built on (the scheduled end, not the live one).
    pub terms: LotTerms,
    /// The live end (moved forward by late bids).
    pub ends_at: i64,
    pub result: Option<LotResult>,
}

#[derive(sqlx::FromRow)]
struct LotRow {
    id: i64,
    auction_id: i64,
    position: i64,
    title: String,
    kind: String,
    seller_org_id: i64,
    owner_consent: Option<String>,
    start_price_fen: i64,
    increment_fen: i64,
    reserve_fen: Option<i64>,
    deposit_fen: i64,
    ends_at: i64,
    closed_at: Option<i64>,
    outcome: Option<String>,
    unsold_reason: Option<String>,
    winner_org_id: Option<i64>,
    price_fen: Option<i64>,
    buyer_commission_fen: Option<i64>,
    seller_commission_fen: Option<i64>,
    deal_id: Option<i64>,
    route: Option<String>,
    routed_listing_id: Option<i64>,
    routed_lot_id: Option<i64>,
    a_starts_at: i64,
    a_ends_at: i64,
    soft_close_seconds: i64,
    buyer_commission_bp: i64,
    seller_commission_bp: i64,
}

const LOT_SELECT: &str = "SELECT l.id, l.auction_id, l.position, l.title, l.kind, l.seller_org_id,
    l.owner_consent, l.start_price_fen, l.increment_fen, l.reserve_fen, l.deposit_fen, l.ends_at, l.closed_at,
    l.outcome, l.unsold_reason, l.winner_org_id, l.price_fen, l.buyer_commission_fen,
    l.seller_commission_fen, l.deal_id, l.route, l.routed_listing_id, l.routed_lot_id,
    a.starts_at AS a_starts_at, a.ends_at AS a_ends_at, a.soft_close_seconds,
    a.buyer_commission_bp, a.seller_commission_bp
    FROM auction_lots l JOIN auctions a ON a.id = l.auction_id";

impl LotRow {
    fn decode(self, patents: Vec<String>) -> Result<LotRecord> {
        let id = self.id;
        let kind = LotKind::parse(&self.kind)
            .ok_or_else(|| corrupt("auction_lot", id, format!("kind {:?}", self.kind)))?;
        let result = match self.closed_at {
            None => None,
            Some(closed_at) => {
                let sale = match (self.outcome.as_deref(), self.winner_org_id, self.price_fen) {
                    (Some("sold"), Some(w), Some(p)) => Some(StoredSale {
                        winner_org_id: w,
                        price: fen("auction_lot", id, p)?,
                        buyer_commission: fen(
                            "auction_lot",
                            id,
                            self.buyer_commission_fen.unwrap_or(0),
                        )?,
                        seller_commission: fen(
                            "auction_lot",
                            id,
                            self.seller_commission_fen.unwrap_or(0),
                        )?,
                    }),
                    (Some("unsold"), _, _) => None,
                    (o, _, _) => return Err(corrupt("auction_lot", id, format!("outcome {o:?}"))),
                };
                let unsold_reason = match self.unsold_reason.as_deref() {
                    None => None,
                    Some("no_bids") => Some(UnsoldReason::NoBids),
                    Some("below_reserve") => Some(UnsoldReason::BelowReserve),
                    Some(r) => return Err(corrupt("auction_lot", id, format!("reason {r:?}"))),
                };
                let route = match self.route.as_deref() {
                    None => None,
                    Some(r) => Some(
                        UnsoldRoute::parse(r)
                            .ok_or_else(|| corrupt("auction_lot", id, format!("route {r:?}")))?,
                    ),
                };
                Some(LotResult {
                    closed_at,
                    sale,
                    unsold_reason,
                    deal_id: self.deal_id,
                    route,
                    routed_listing_id: self.routed_listing_id,
                    routed_lot_id: self.routed_lot_id,
                })
            }
        };
        Ok(LotRecord {
            id,
            auction_id: self.auction_id,
            position: self.position,
            title: self.title,
            kind,
            seller_org_id: self.seller_org_id,
            owner_consent: self.owner_consent,
            patents,
            terms: LotTerms {
                starts_at: self.a_starts_at,
                ends_at: self.a_ends_at,
                soft_close_seconds: self.soft_close_seconds,
                start_price: fen("auction_lot", id, self.start_price_fen)?,
                increment: fen("auction_lot", id, self.increment_fen)?,
                reserve: self
                    .reserve_fen
                    .map(|r| fen("auction_lot", id, r))
                    .transpose()?,
                deposit: fen("auction_lot", id, self.deposit_fen)?,
                buyer_commission: pct(self.auction_id, self.buyer_commission_bp)?,
                seller_commission: pct(self.auction_id, self.seller_commission_bp)?,
            },
            ends_at: self.ends_at,
            result,
        })
    }
}

/// (bids stored, closed_at, deal_id, route) of a lot.
type VersionRow = (i64, Option<i64>, Option<i64>, Option<String>);

/// What [`Db::lot_append_bids`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Append {
    /// Stored; the live end after them.
    Stored { ends_at: i64 },
    /// The lot's stored history is not the one the writer decided on (another process wrote, or
    /// the lot was closed): reload and decide again.
    Stale,
}

/// A stored deposit line of a closed lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositRecord {
    pub lot_id: i64,
    pub org_id: i64,
    pub bidder_no: u32,
    pub amount: Fen,
    /// `refund` | `apply_to_price`
    pub action: String,
    pub done_at: Option<i64>,
}

impl Db {
    /// Read a lot's `closed_at` taking its row lock on PostgreSQL, so that the appends and the
    /// close of one lot from several processes run one after the other.
    fn lot_lock_sql(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SELECT closed_at FROM auction_lots WHERE id = $1",
            Db::Postgres(_) => "SELECT closed_at FROM auction_lots WHERE id = $1 FOR UPDATE",
        }
    }

    /// Store a session and its lots in one transaction with its audit entry; (id, lot ids).
    pub async fn auction_create(
        &self,
        a: &NewAuction,
        now: i64,
        who: &Who,
    ) -> Result<(i64, Vec<i64>)> {
        Ok(on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO auctions (title, rules, operator_org_id, auctioneer_org_id, starts_at,
                   ends_at, soft_close_seconds, buyer_commission_bp, seller_commission_bp,
                   commission_agreed, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
                .bind(&a.title)
                .bind(&a.rules)
                .bind(a.operator_org_id)
                .bind(a.auctioneer_org_id)
                .bind(a.starts_at)
                .bind(a.ends_at)
                .bind(a.soft_close_seconds)
                .bind(i64::from(a.buyer_commission.bp()))
                .bind(i64::from(a.seller_commission.bp()))
                .bind(i64::from(a.commission_agreed))
                .bind(who.user_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let mut lot_ids = Vec::new();
            for (i, l) in a.lots.iter().enumerate() {
                let lot_id: i64 = sqlx::query_scalar(
                    "INSERT INTO auction_lots (auction_id, position, title, kind, seller_org_id,
                       start_price_fen, increment_fen, reserve_fen, deposit_fen, ends_at,
                       owner_consent)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
                    .bind(id)
                    .bind(i as i64)
                    .bind(&l.title)
                    .bind(l.kind.slug())
                    .bind(l.seller_org_id)
                    .bind(l.start_price.fen())
                    .bind(l.increment.fen())
                    .bind(l.reserve.map(|r| r.fen()))
                    .bind(l.deposit.fen())
                    .bind(a.ends_at)
                    .bind(&l.owner_consent)
                    .fetch_one(&mut *tx)
                    .await?;
                for (j, n) in l.patents.iter().enumerate() {
                    sqlx::query("INSERT INTO auction_lot_patents (lot_id, position, number) VALUES ($1, $2, $3)")
                        .bind(lot_id).bind(j as i64).bind(n)
                        .execute(&mut *tx).await?;
                }
                lot_ids.push(lot_id);
            }
            audit!(tx, who, "create", "auction", id, None::<&NewAuction>, Some(a));
            tx.commit().await?;
            (id, lot_ids)
        }))
    }

    pub async fn auction_get(&self, id: i64) -> Result<AuctionRecord> {
        let sql = format!("SELECT {AUCTION_COLUMNS} FROM auctions WHERE id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, AuctionRow>(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await?);
        row.ok_or(StoreError::NotFound)?.decode()
    }

    /// Every session, latest start first (the calendar).
    pub async fn auction_list(&self) -> Result<Vec<AuctionRecord>> {
        let sql =
            format!("SELECT {AUCTION_COLUMNS} FROM auctions ORDER BY starts_at DESC, id DESC");
        let rows = on_pool!(self, p => sqlx::query_as::<_, AuctionRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(p).await?);
        rows.into_iter().map(AuctionRow::decode).collect()
    }

    async fn lots_where(&self, cond: &str, id: i64) -> Result<Vec<LotRecord>> {
        let sql = format!("{LOT_SELECT} WHERE {cond} ORDER BY l.auction_id, l.position");
        let (rows, patents) = on_pool!(self, p => {
            let rows = sqlx::query_as::<_, LotRow>(sqlx::AssertSqlSafe(sql))
                .bind(id).fetch_all(p).await?;
            let psql = format!("SELECT lp.lot_id, lp.number FROM auction_lot_patents lp
                JOIN auction_lots l ON l.id = lp.lot_id JOIN auctions a ON a.id = l.auction_id
                WHERE {cond} ORDER BY lp.lot_id, lp.position");
            let patents = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(psql))
                .bind(id).fetch_all(p).await?;
            (rows, patents)
        });
        rows.into_iter()
            .map(|r| {
                let ps = patents
                    .iter()
                    .filter(|(l, _)| *l == r.id)
                    .map(|(_, n)| n.clone())
                    .collect();
                r.decode(ps)
            })
            .collect()
    }

    pub async fn lot_get(&self, id: i64) -> Result<LotRecord> {
        self.lots_where("l.id = $1", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    pub async fn auction_lots(&self, auction_id: i64) -> Result<Vec<LotRecord>> {
        self.lots_where("l.auction_id = $1", auction_id).await
    }

    /// The lots naming a patent, for its page and for "already in an open auction".
    pub async fn lots_of_patent(&self, number: &str) -> Result<Vec<i64>> {
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT DISTINCT lot_id FROM auction_lot_patents WHERE number = $1 ORDER BY lot_id")
            .bind(number).fetch_all(p).await?))
    }

    /// A lot's bids in `seq` order.
    pub async fn lot_bids(&self, lot_id: i64) -> Result<Vec<Bid>> {
        let rows: Vec<(i64, i64, i64, i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT seq, bidder_org_id, amount_fen, at, by_proxy FROM auction_bids
             WHERE lot_id = $1 ORDER BY seq")
            .bind(lot_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(seq, bidder_org_id, amount, at, by_proxy)| {
                Ok(Bid {
                    seq: u32::try_from(seq)
                        .map_err(|_| corrupt("auction_bid", lot_id, format!("seq {seq}")))?,
                    bidder_org_id,
                    amount: fen("auction_bid", lot_id, amount)?,
                    at,
                    by_proxy: by_proxy != 0,
                })
            })
            .collect()
    }

    /// Append `bids` (decided on a history whose last bid was `last`: (seq, amount), `None` when
    /// there was none) and move the live end forward to `ends_at`, in one transaction. The bids
    /// are the lot's audit trail (who, when, how much): no separate audit entry per bid.
    pub async fn lot_append_bids(
        &self,
        lot_id: i64,
        last: Option<(u32, Fen)>,
        bids: &[Bid],
        ends_at: i64,
    ) -> Result<Append> {
        let lock = self.lot_lock_sql();
        let outcome = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let open: Option<Option<i64>> = sqlx::query_scalar(lock)
                .bind(lot_id).fetch_optional(&mut *tx).await?;
            match open {
                None => return Err(StoreError::NotFound),
                Some(Some(_)) => return Ok(Append::Stale),
                Some(None) => {}
            }
            let stored: Option<(i64, i64)> = sqlx::query_as(
                "SELECT seq, amount_fen FROM auction_bids WHERE lot_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(lot_id).fetch_optional(&mut *tx).await?;
            let expected = last.map(|(s, a)| (i64::from(s), a.fen()));
            if stored != expected {
                return Ok(Append::Stale);
            }
            for b in bids {
                let r = sqlx::query(
                    "INSERT INTO auction_bids (lot_id, seq, bidder_org_id, amount_fen, at, by_proxy)
                     VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(lot_id)
                    .bind(i64::from(b.seq))
                    .bind(b.bidder_org_id)
                    .bind(b.amount.fen())
                    .bind(b.at)
                    .bind(i64::from(b.by_proxy))
                    .execute(&mut *tx)
                    .await;
                match r {
                    Ok(_) => {}
                    Err(e) if unique_violation(&e) => return Ok(Append::Stale),
                    Err(e) => return Err(e.into()),
                }
            }
            // The end only moves forward.
            sqlx::query("UPDATE auction_lots SET ends_at = $1 WHERE id = $2 AND ends_at < $1")
                .bind(ends_at).bind(lot_id).execute(&mut *tx).await?;
            let live: i64 = sqlx::query_scalar("SELECT ends_at FROM auction_lots WHERE id = $1")
                .bind(lot_id).fetch_one(&mut *tx).await?;
            match tx.commit().await {
                Ok(()) => Append::Stored { ends_at: live },
                Err(e) if unique_violation(&e) => Append::Stale,
                Err(e) => return Err(e.into()),
            }
        });
        Ok(outcome)
    }

    /// The registrations of a session in bidder-number order (every lot covered).
    pub async fn auction_registrations(&self, auction_id: i64) -> Result<Vec<Registration>> {
        let rows: Vec<(i64, i64, Option<i64>, Option<i64>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT bidder_no, org_id, on_behalf_of, confirmed_at FROM auction_bidders
             WHERE auction_id = $1 ORDER BY bidder_no")
            .bind(auction_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(no, org_id, on_behalf_of, confirmed_at)| {
                Ok(Registration {
                    bidder_no: u32::try_from(no)
                        .map_err(|_| corrupt("auction", auction_id, format!("bidder_no {no}")))?,
                    org_id,
                    on_behalf_of,
                    lot_ids: Vec::new(),
                    confirmed: confirmed_at.is_some(),
                })
            })
            .collect()
    }

    /// Store a registration the domain decided; `already_registered` when the organisation (or
    /// the number, taken by a concurrent registration) is there already.
    pub async fn auction_register(
        &self,
        auction_id: i64,
        r: &Registration,
        now: i64,
        who: &Who,
    ) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let res = sqlx::query(
                "INSERT INTO auction_bidders (auction_id, org_id, bidder_no, on_behalf_of, created_at)
                 VALUES ($1, $2, $3, $4, $5)")
                .bind(auction_id).bind(r.org_id).bind(i64::from(r.bidder_no))
                .bind(r.on_behalf_of).bind(now)
                .execute(&mut *tx).await;
            match res {
                Ok(_) => {}
                Err(e) if unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        code: zhiyun_domain::code::Code::AlreadyRegistered,
                        field: None,
                        message: "该机构已报名本场拍卖会（或报名冲突，请重试）".into(),
                    });
                }
                Err(e) => return Err(e.into()),
            }
            audit!(tx, who, "register", "auction", auction_id, None::<&Registration>, Some(r));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Record the deposit of `org_id` received; false when it was confirmed already.
    pub async fn auction_confirm(
        &self,
        auction_id: i64,
        org_id: i64,
        now: i64,
        who: &Who,
    ) -> Result<bool> {
        Ok(on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE auction_bidders SET confirmed_at = $1, confirmed_by = $2
                 WHERE auction_id = $3 AND org_id = $4 AND confirmed_at IS NULL")
                .bind(now).bind(who.user_id).bind(auction_id).bind(org_id)
                .execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                audit!(tx, who, "confirm_deposit", "auction", auction_id, None::<&i64>, Some(&org_id));
            }
            tx.commit().await?;
            n > 0
        }))
    }

    /// Open lots whose live end has passed at `now`.
    pub async fn lots_due(&self, now: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM auction_lots WHERE closed_at IS NULL AND ends_at <= $1 ORDER BY ends_at, id")
            .bind(now).fetch_all(p).await?))
    }

    /// Sold lots whose deal is not made yet (a close interrupted between its two steps).
    pub async fn lots_sold_without_deal(&self) -> Result<Vec<i64>> {
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM auction_lots WHERE outcome = 'sold' AND deal_id IS NULL ORDER BY id")
            .fetch_all(p).await?))
    }

    /// Record a lot's close, decided on its first `bids` bids, if it is still open and has no
    /// other bid (false otherwise: another closer did, or a bid came in): the outcome, the sale,
    /// the deposit lines; one transaction with its audit entry.
    #[allow(clippy::too_many_arguments)]
    pub async fn lot_close(
        &self,
        lot_id: i64,
        bids: usize,
        closed_at: i64,
        sale: Option<&Sale>,
        unsold_reason: Option<UnsoldReason>,
        deposits: &[DepositLine],
        who: &Who,
    ) -> Result<bool> {
        let lock = self.lot_lock_sql();
        Ok(on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // The lot's row locked (PostgreSQL; SQLite's write transactions are one at a time),
            // then the history the close was decided on checked: a bid that committed meanwhile
            // (another process) leaves the close to the next run.
            let _: Option<Option<i64>> = sqlx::query_scalar(lock)
                .bind(lot_id).fetch_optional(&mut *tx).await?;
            let stored: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) FROM auction_bids WHERE lot_id = $1")
                .bind(lot_id).fetch_one(&mut *tx).await?;
            if stored != bids as i64 {
                tx.rollback().await?;
                return Ok(false);
            }
            let n = sqlx::query(
                "UPDATE auction_lots SET closed_at = $1, outcome = $2, unsold_reason = $3,
                   winner_org_id = $4, price_fen = $5, buyer_commission_fen = $6,
                   seller_commission_fen = $7
                 WHERE id = $8 AND closed_at IS NULL AND ends_at <= $1")
                .bind(closed_at)
                .bind(if sale.is_some() { "sold" } else { "unsold" })
                .bind(unsold_reason.map(|r| r.slug()))
                .bind(sale.map(|s| s.winner_org_id))
                .bind(sale.map(|s| s.price.fen()))
                .bind(sale.map(|s| s.buyer_commission.fen()))
                .bind(sale.map(|s| s.seller_commission.fen()))
                .bind(lot_id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            for d in deposits {
                sqlx::query(
                    "INSERT INTO auction_deposits (lot_id, org_id, bidder_no, amount_fen, action, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(lot_id).bind(d.org_id).bind(i64::from(d.bidder_no))
                    .bind(d.amount.fen()).bind(d.action.slug()).bind(closed_at)
                    .execute(&mut *tx).await?;
            }
            audit!(tx, who, "close", "auction_lot", lot_id, None::<&Sale>, sale);
            tx.commit().await?;
            true
        }))
    }

    /// Link a sold lot to the deal made from it (once).
    pub async fn lot_set_deal(&self, lot_id: i64, deal_id: i64) -> Result<()> {
        on_pool!(self, p => sqlx::query(
            "UPDATE auction_lots SET deal_id = $1 WHERE id = $2 AND deal_id IS NULL")
            .bind(deal_id).bind(lot_id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// The deal an earlier (interrupted) close made for a lot, found by its exchange number.
    pub async fn deal_by_exchange_number(&self, number: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM deals WHERE exchange_deal_number = $1 ORDER BY id LIMIT 1")
            .bind(number).fetch_optional(p).await?))
    }

    /// Where an unsold lot went (once): a supply listing made for its patents, or a later lot.
    pub async fn lot_route(
        &self,
        lot_id: i64,
        route: UnsoldRoute,
        listing_id: Option<i64>,
        later_lot_id: Option<i64>,
        who: &Who,
    ) -> Result<bool> {
        Ok(on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE auction_lots SET route = $1, routed_listing_id = $2, routed_lot_id = $3
                 WHERE id = $4 AND outcome = 'unsold' AND route IS NULL")
                .bind(route.slug()).bind(listing_id).bind(later_lot_id).bind(lot_id)
                .execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                audit!(tx, who, "route", "auction_lot", lot_id, None::<&str>, Some(route.slug()));
            }
            tx.commit().await?;
            n > 0
        }))
    }

    /// The deposit lines of a lot.
    pub async fn lot_deposits(&self, lot_id: i64) -> Result<Vec<DepositRecord>> {
        let rows: Vec<(i64, i64, i64, String, Option<i64>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT org_id, bidder_no, amount_fen, action, done_at FROM auction_deposits
             WHERE lot_id = $1 ORDER BY bidder_no")
            .bind(lot_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(org_id, no, amount, action, done_at)| {
                Ok(DepositRecord {
                    lot_id,
                    org_id,
                    bidder_no: u32::try_from(no)
                        .map_err(|_| corrupt("auction_lot", lot_id, format!("bidder_no {no}")))?,
                    amount: fen("auction_lot", lot_id, amount)?,
                    action,
                    done_at,
                })
            })
            .collect()
    }

    /// What a reader compares with the lot it holds: (bids stored, closed_at, deal_id, route).
    pub async fn lot_version(&self, lot_id: i64) -> Result<LotVersion> {
        let row: Option<VersionRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM auction_bids WHERE lot_id = $1),
               closed_at, deal_id, route FROM auction_lots WHERE id = $1")
            .bind(lot_id).fetch_optional(p).await?);
        let (bids, closed_at, deal_id, route) = row.ok_or(StoreError::NotFound)?;
        Ok(LotVersion {
            bids,
            closed_at,
            deal_id,
            route,
        })
    }
}

/// See [`Db::lot_version`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotVersion {
    pub bids: i64,
    pub closed_at: Option<i64>,
    pub deal_id: Option<i64>,
    pub route: Option<String>,
}

impl LotRecord {
    /// This record's [`LotVersion`] given the bids held.
    pub fn version(&self, bids: usize) -> LotVersion {
        LotVersion {
            bids: bids as i64,
            closed_at: self.result.as_ref().map(|r| r.closed_at),
            deal_id: self.result.as_ref().and_then(|r| r.deal_id),
            route: self
                .result
                .as_ref()
                .and_then(|r| r.route)
                .map(|r| r.slug().to_string()),
        }
    }
}
