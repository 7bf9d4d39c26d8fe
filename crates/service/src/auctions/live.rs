//! One writer per lot (T3, issue 14): the lot's bidding state held in memory behind a per-lot
//! `tokio` mutex, every accepted bid written through in one transaction before it is applied and
//! answered.
//!
//! - A bid takes the lot's mutex, decides with the domain's [`place_bid`] on the state in memory,
//!   appends the bids with [`Db::lot_append_bids`] (a conditional append: the stored last bid must
//!   be the one decided on, the lot still open; `(lot_id, seq)` is the primary key), applies them
//!   and answers. A bid is acknowledged only after its commit, so a crash loses no answered bid;
//!   one refused (409) is never written.
//! - Several processes on one database: a process whose memory is behind (another wrote) gets
//!   `Stale` from the append, reloads the lot from the database and decides again; the unique key
//!   catches two appends racing for one `seq`. A refusal `lot_closed` from memory is checked
//!   against the database once (another process may have extended the end).
//! - After a restart the state is rebuilt from the stored bids with the domain's [`replay`], which
//!   checks every bid again.
//! - Readers (the lot view, its SSE feed) wait on a `watch` channel per lot that each write bumps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use zhiyun_domain::auction::{BidError, LotEvent, LotState, Registration, place_bid, replay};
use zhiyun_domain::money::Fen;
use zhiyun_store::auctions::{Append, LotRecord};

use crate::{Ctx, Error, Result};

/// A lot as its writer holds it.
pub(crate) struct Loaded {
    pub(crate) record: LotRecord,
    pub(crate) state: LotState,
}

/// One lot's slot: its state (loaded on first use) and the channel readers wait on.
pub(crate) struct Slot {
    pub(crate) state: tokio::sync::Mutex<Option<Loaded>>,
    pub(crate) changed: watch::Sender<u64>,
}

impl Slot {
    pub(crate) fn notify(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }
}

/// Every lot's writer in this process, and the sessions' registrations.
#[derive(Default)]
pub struct Live {
    lots: Mutex<HashMap<i64, Arc<Slot>>>,
    /// Per session. Only a positive answer (confirmed) is trusted from here: confirmation is
    /// never withdrawn, so a bidder not confirmed here is looked up again in the database.
    registrations: Mutex<HashMap<i64, Arc<Vec<Registration>>>>,
}

impl Live {
    pub(crate) fn slot(&self, lot_id: i64) -> Arc<Slot> {
        let mut lots = self.lots.lock().unwrap_or_else(|p| p.into_inner());
        lots.entry(lot_id)
            .or_insert_with(|| {
                Arc::new(Slot {
                    state: tokio::sync::Mutex::new(None),
                    changed: watch::channel(0).0,
                })
            })
            .clone()
    }

    pub(crate) fn existing_slot(&self, lot_id: i64) -> Option<Arc<Slot>> {
        self.lots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&lot_id)
            .cloned()
    }

    pub(crate) fn forget_registrations(&self, auction_id: i64) {
        self.registrations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&auction_id);
    }

    fn cached_registrations(&self, auction_id: i64) -> Option<Arc<Vec<Registration>>> {
        self.registrations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&auction_id)
            .cloned()
    }
}

/// The registrations of a session, from memory or the database.
pub(crate) async fn registrations(
    ctx: &Ctx,
    auction_id: i64,
    fresh: bool,
) -> Result<Arc<Vec<Registration>>> {
    if !fresh && let Some(r) = ctx.auctions.cached_registrations(auction_id) {
        return Ok(r);
    }
    let regs = Arc::new(ctx.db.auction_registrations(auction_id).await?);
    ctx.auctions
        .registrations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(auction_id, regs.clone());
    Ok(regs)
}

/// Whether `org_id` may bid on the lot: registered for it with its deposit confirmed.
async fn may_bid(ctx: &Ctx, auction_id: i64, lot_id: i64, org_id: i64) -> Result<bool> {
    let cached = registrations(ctx, auction_id, false).await?;
    if cached
        .iter()
        .any(|r| r.org_id == org_id && r.may_bid(lot_id))
    {
        return Ok(true);
    }
    let fresh = registrations(ctx, auction_id, true).await?;
    Ok(fresh
        .iter()
        .any(|r| r.org_id == org_id && r.may_bid(lot_id)))
}

/// Rebuild a lot from the database: its record, its bids replayed, its close.
pub(crate) async fn load(ctx: &Ctx, lot_id: i64) -> Result<Loaded> {
    let record = ctx.db.lot_get(lot_id).await?;
    let bids = ctx.db.lot_bids(lot_id).await?;
    let mut events: Vec<LotEvent> = bids.into_iter().map(LotEvent::Bid).collect();
    if let Some(r) = &record.result {
        events.push(LotEvent::Closed { at: r.closed_at });
    }
    let initial = LotState::new(record.terms.clone())
        .map_err(|e| Error::internal(format!("lot {lot_id}: {e}")))?;
    let state =
        replay(initial, &events).map_err(|e| Error::internal(format!("lot {lot_id}: {e}")))?;
    Ok(Loaded { record, state })
}

/// An accepted bid, as answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub seq: u32,
    pub amount: Fen,
    /// The live end after it (moved on by a late bid).
    pub ends_at: i64,
    pub extended: bool,
}

fn refused(e: BidError) -> Error {
    Error::conflict(e.code(), e.to_string())
}

/// How often a writer reloads and decides again when the database moved under it.
const ATTEMPTS: usize = 32;

/// Place a bid of `amount` by `org_id` on `lot_id` at the context's clock.
pub(crate) async fn bid(ctx: &Ctx, lot_id: i64, org_id: i64, amount: Fen) -> Result<Accepted> {
    let slot = ctx.auctions.slot(lot_id);
    let mut guard = slot.state.lock().await;
    let mut reload = guard.is_none();
    let mut checked_closed = false;
    for _ in 0..ATTEMPTS {
        if reload {
            // Every path that goes round again asks for a reload.
            *guard = Some(load(ctx, lot_id).await?);
        }
        let loaded = guard.as_mut().expect("loaded");
        let now = ctx.clock.now();
        let auction_id = loaded.record.auction_id;
        let confirmed = may_bid(ctx, auction_id, lot_id, org_id).await?;
        let out = match place_bid(&loaded.state, org_id, amount, now, confirmed) {
            Ok(out) => out,
            Err(BidError::LotClosed) if !checked_closed && loaded.state.closed_at().is_none() => {
                // Another process may have moved the end on: ask the database once.
                checked_closed = true;
                reload = true;
                continue;
            }
            Err(e) => return Err(refused(e)),
        };
        let last = loaded.state.last_bid().map(|b| (b.seq, b.amount));
        match ctx
            .db
            .lot_append_bids(lot_id, last, &out.bids, out.ends_at)
            .await?
        {
            Append::Stored { .. } => {
                loaded
                    .state
                    .apply_all(&out.events)
                    .map_err(|e| Error::internal(format!("lot {lot_id}: {e}")))?;
                loaded.record.ends_at = loaded.state.ends_at();
                drop(guard);
                slot.notify();
                let mine = &out.bids[0];
                return Ok(Accepted {
                    seq: mine.seq,
                    amount: mine.amount,
                    ends_at: out.ends_at,
                    extended: out.extended,
                });
            }
            Append::Stale => reload = true,
        }
    }
    Err(Error::conflict(
        zhiyun_domain::code::Code::SeqGap,
        "出价冲突，请重试",
    ))
}

/// Run `f` on the lot's current state (loaded if needed; reloaded when the database has bids or
/// a close this process has not seen).
pub(crate) async fn with_lot<T>(ctx: &Ctx, lot_id: i64, f: impl FnOnce(&Loaded) -> T) -> Result<T> {
    let slot = ctx.auctions.slot(lot_id);
    let mut guard = slot.state.lock().await;
    let fresh = match guard.as_ref() {
        None => false,
        Some(l) => ctx.db.lot_version(lot_id).await? == l.record.version(l.state.bids().len()),
    };
    if !fresh {
        *guard = Some(load(ctx, lot_id).await?);
    }
    Ok(f(guard.as_ref().expect("loaded")))
}

/// Wait for the next change of a lot (a bid, a close) in this process.
pub fn subscribe(ctx: &Ctx, lot_id: i64) -> watch::Receiver<u64> {
    ctx.auctions.slot(lot_id).changed.subscribe()
}
