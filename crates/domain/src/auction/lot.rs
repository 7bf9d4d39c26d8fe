//! The bidding state machine of one lot (T3, issue 14).
//!
//! Rules, each decided where the issue was silent:
//!
//! - **Minimum bid**: the start price for the first bid, then the current price plus the
//!   increment ([`min_next`]). Any amount at or above it is accepted (no fixed ladder).
//! - **Refusals**, checked in this order, so one answer is stable: `lot_closed` (closed, or
//!   `now ≥ ends_at`), `not_started` (`now < starts_at`), `not_confirmed` (deposit not confirmed),
//!   `amount_too_large` (above [`super::MAX_AMOUNT_WAN`]), `already_leading` (the leader may not
//!   outbid itself: it would only raise its own price and could keep the soft close running alone;
//!   to raise its ceiling it sets a proxy), `bid_too_low`. A proxy also: `proxy_not_raised`.
//! - **Soft close (延时)**: a bid at `now` with `ends_at − now ≤ soft_close_seconds` moves the end
//!   to `max(ends_at, now + soft_close_seconds)`: the countdown restarts at the full window after
//!   every late bid, as often as bids come; the end never moves backwards. A window of 0 never
//!   extends.
//! - **Proxy bids** are in `proxy.rs`; each automatic bid is a real [`Bid`] with its own `seq`.
//! - **Close** is in `close.rs`.
//!
//! A state is built with [`LotState::new`], changed only by [`LotState::apply`] (which checks
//! every event, so a corrupt store is caught on [`replay`]), and read through its getters.

use crate::code::Code;
use std::collections::BTreeMap;

use serde::Serialize;

use super::close::Outcome;
use super::{LotStatus, Pct, max_amount, proxy};
use crate::money::Fen;

/// The fixed terms of a lot, from its session and its checked input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotTerms {
    pub starts_at: i64,
    /// The scheduled end; the live end is [`LotState::ends_at`].
    pub ends_at: i64,
    pub soft_close_seconds: i64,
    pub start_price: Fen,
    pub increment: Fen,
    /// Secret until the close (never in a view; see `view.rs`).
    pub reserve: Option<Fen>,
    pub deposit: Fen,
    pub buyer_commission: Pct,
    pub seller_commission: Pct,
}

/// An accepted bid, manual or placed by a proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bid {
    /// 1, 2, 3, … without gaps, per lot.
    pub seq: u32,
    pub bidder_org_id: i64,
    pub amount: Fen,
    /// Unix seconds.
    pub at: i64,
    /// Placed by the platform for the bidder's proxy.
    pub by_proxy: bool,
}

/// A bidder's standing maximum (secret: only its bidder sees it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub bidder_org_id: i64,
    pub max: Fen,
    /// 1, 2, 3, … in the order proxies were set or raised: the earlier wins a tie.
    pub order: u32,
    pub set_at: i64,
}

/// What the writer persists, in order, and what [`replay`] reads back. One append-only log per
/// lot is enough to rebuild it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotEvent {
    Bid(Bid),
    ProxySet {
        bidder_org_id: i64,
        max: Fen,
        at: i64,
    },
    Closed {
        at: i64,
    },
}

/// A stored event that the rules would not have produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    #[error("标的条款无效（起拍价和加价幅度须大于零，结束时间须晚于开始时间）")]
    BadTerms,
    #[error("出价序号不连续")]
    SeqGap,
    #[error("出价低于当时的最低应价，或超出金额上限")]
    BelowMinimum,
    #[error("当前最高出价人对自己加价")]
    SelfOutbid,
    #[error("出价或委托不在竞价时间内")]
    OutsideBiddingTime,
    #[error("委托出价上限未提高")]
    ProxyNotRaised,
    #[error("结束时间未到即成交或流拍，或重复结束")]
    BadClose,
}

impl Inconsistency {
    pub fn code(self) -> Code {
        match self {
            Inconsistency::BadTerms => Code::BadTerms,
            Inconsistency::SeqGap => Code::SeqGap,
            Inconsistency::BelowMinimum => Code::BidTooLow,
            Inconsistency::SelfOutbid => Code::AlreadyLeading,
            Inconsistency::OutsideBiddingTime => Code::OutsideBiddingTime,
            Inconsistency::ProxyNotRaised => Code::ProxyNotRaised,
            Inconsistency::BadClose => Code::BadClose,
        }
    }
}

/// Where [`replay`] stopped: the 0-based position of the bad event and what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("第 {} 条竞价记录无效：{problem}", index + 1)]
pub struct ReplayError {
    pub index: usize,
    pub problem: Inconsistency,
}

/// One lot's live state: what the single writer holds in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotState {
    terms: LotTerms,
    ends_at: i64,
    bids: Vec<Bid>,
    proxies: BTreeMap<i64, Proxy>,
    proxies_set: u32,
    closed_at: Option<i64>,
}

/// The new end after a bid at `at`: see the module docs (soft close).
pub(super) fn extended_end(ends_at: i64, at: i64, window: i64) -> i64 {
    if ends_at - at <= window {
        ends_at.max(at + window)
    } else {
        ends_at
    }
}

impl LotState {
    /// A lot before any bid. Refuses terms no check would pass (a zero increment would allow
    /// equal bids).
    pub fn new(terms: LotTerms) -> Result<LotState, Inconsistency> {
        let max = max_amount();
        let ok = terms.start_price > Fen::ZERO
            && terms.increment > Fen::ZERO
            && terms.start_price <= max
            && terms.increment <= max
            && terms.reserve.is_none_or(|r| r <= max)
            && terms.ends_at > terms.starts_at
            && terms.soft_close_seconds >= 0;
        if !ok {
            return Err(Inconsistency::BadTerms);
        }
        Ok(LotState {
            ends_at: terms.ends_at,
            terms,
            bids: Vec::new(),
            proxies: BTreeMap::new(),
            proxies_set: 0,
            closed_at: None,
        })
    }

    pub fn terms(&self) -> &LotTerms {
        &self.terms
    }

    /// The live end: the scheduled end, moved forward by late bids.
    pub fn ends_at(&self) -> i64 {
        self.ends_at
    }

    /// Accepted bids in `seq` order (amounts strictly increasing).
    pub fn bids(&self) -> &[Bid] {
        &self.bids
    }

    pub fn proxies(&self) -> &BTreeMap<i64, Proxy> {
        &self.proxies
    }

    /// When [`super::close()`] was recorded, if it was.
    pub fn closed_at(&self) -> Option<i64> {
        self.closed_at
    }

    pub fn last_bid(&self) -> Option<&Bid> {
        self.bids.last()
    }

    pub fn leader(&self) -> Option<i64> {
        self.bids.last().map(|b| b.bidder_org_id)
    }

    fn bidding_window(&self, at: i64) -> bool {
        self.closed_at.is_none() && self.terms.starts_at <= at && at < self.ends_at
    }

    /// Apply one event, checking that the rules would have produced it. The live writer applies
    /// what [`place_bid`], [`set_proxy`] and [`super::close()`] decided; [`replay`] applies stored
    /// events.
    pub fn apply(&mut self, event: &LotEvent) -> Result<(), Inconsistency> {
        match event {
            LotEvent::Bid(bid) => {
                if bid.seq as usize != self.bids.len() + 1 {
                    return Err(Inconsistency::SeqGap);
                }
                if !self.bidding_window(bid.at) {
                    return Err(Inconsistency::OutsideBiddingTime);
                }
                if self.leader() == Some(bid.bidder_org_id) {
                    return Err(Inconsistency::SelfOutbid);
                }
                if bid.amount < min_next(self) || bid.amount > max_amount() {
                    return Err(Inconsistency::BelowMinimum);
                }
                self.ends_at = extended_end(self.ends_at, bid.at, self.terms.soft_close_seconds);
                self.bids.push(bid.clone());
            }
            LotEvent::ProxySet {
                bidder_org_id,
                max,
                at,
            } => {
                if !self.bidding_window(*at) {
                    return Err(Inconsistency::OutsideBiddingTime);
                }
                if self
                    .proxies
                    .get(bidder_org_id)
                    .is_some_and(|p| *max <= p.max)
                    || *max > max_amount()
                {
                    return Err(Inconsistency::ProxyNotRaised);
                }
                self.proxies_set += 1;
                self.proxies.insert(
                    *bidder_org_id,
                    Proxy {
                        bidder_org_id: *bidder_org_id,
                        max: *max,
                        order: self.proxies_set,
                        set_at: *at,
                    },
                );
            }
            LotEvent::Closed { at } => {
                if self.closed_at.is_some() || *at < self.ends_at {
                    return Err(Inconsistency::BadClose);
                }
                self.closed_at = Some(*at);
            }
        }
        Ok(())
    }

    /// Apply events in order (the live writer after persisting them).
    pub fn apply_all(&mut self, events: &[LotEvent]) -> Result<(), ReplayError> {
        for (index, e) in events.iter().enumerate() {
            self.apply(e)
                .map_err(|problem| ReplayError { index, problem })?;
        }
        Ok(())
    }
}

/// Rebuild a lot after a restart from its stored events: the same state as applying them live.
/// Stops at the first event the rules would not have produced.
pub fn replay(initial: LotState, events: &[LotEvent]) -> Result<LotState, ReplayError> {
    let mut state = initial;
    state.apply_all(events)?;
    Ok(state)
}

/// The least acceptable next bid: the start price first, then the current price plus the
/// increment.
pub fn min_next(state: &LotState) -> Fen {
    match state.bids.last() {
        None => state.terms.start_price,
        Some(b) => b
            .amount
            .checked_add(state.terms.increment)
            .unwrap_or(b.amount),
    }
}

/// What [`status_at`] says at `now`: the clock decides upcoming and open; once the end has
/// passed the lot reads sold or unsold even before [`super::close()`] is recorded, so a request arriving
/// after the end sees it closed.
pub fn status_at(state: &LotState, now: i64) -> LotStatus {
    if state.closed_at.is_none() && now < state.ends_at {
        return if now < state.terms.starts_at {
            LotStatus::Upcoming
        } else {
            LotStatus::Open
        };
    }
    match state.outcome() {
        Outcome::Sold(_) => LotStatus::Sold,
        Outcome::Unsold { .. } => LotStatus::Unsold,
    }
}

/// Why a bid or a proxy was refused (HTTP 409), with a stable code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BidError {
    #[error("本标的竞价已结束")]
    LotClosed,
    #[error("竞价尚未开始")]
    NotStarted { starts_at: i64 },
    #[error("竞买保证金尚未确认，暂不能出价")]
    NotConfirmed,
    #[error("出价金额过大")]
    AmountTooLarge,
    #[error("您已是当前最高出价人，无需再次出价；如需提高上限请设置委托出价")]
    AlreadyLeading,
    #[error("出价低于最低应价 {} 万元", min_next.to_wan_2dp())]
    TooLow { min_next: Fen },
    #[error("委托出价上限须高于您当前的上限 {} 万元", current_max.to_wan_2dp())]
    ProxyNotRaised { current_max: Fen },
}

impl BidError {
    pub fn code(&self) -> Code {
        match self {
            BidError::LotClosed => Code::LotClosed,
            BidError::NotStarted { .. } => Code::NotStarted,
            BidError::NotConfirmed => Code::NotConfirmed,
            BidError::AmountTooLarge => Code::AmountTooLarge,
            BidError::AlreadyLeading => Code::AlreadyLeading,
            BidError::TooLow { .. } => Code::BidTooLow,
            BidError::ProxyNotRaised { .. } => Code::ProxyNotRaised,
        }
    }
}

/// What a bid or a proxy decided: the accepted bids (the caller's own first, then any proxy
/// answers), the live end after them, and the events to persist before applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidOutcome {
    pub bids: Vec<Bid>,
    pub ends_at: i64,
    /// The end moved (a soft-close extension).
    pub extended: bool,
    pub events: Vec<LotEvent>,
}

/// Bids being decided on top of a state, without copying its history.
pub(super) struct Draft<'a> {
    pub(super) terms: &'a LotTerms,
    pub(super) leader: Option<i64>,
    current: Option<Fen>,
    next_seq: u32,
    ends_at: i64,
    now: i64,
    bids: Vec<Bid>,
}

impl<'a> Draft<'a> {
    fn new(state: &'a LotState, now: i64) -> Draft<'a> {
        Draft {
            terms: &state.terms,
            leader: state.leader(),
            current: state.last_bid().map(|b| b.amount),
            next_seq: state.bids.len() as u32 + 1,
            ends_at: state.ends_at,
            now,
            bids: Vec::new(),
        }
    }

    pub(super) fn min_next(&self) -> Fen {
        match self.current {
            None => self.terms.start_price,
            Some(c) => c.checked_add(self.terms.increment).unwrap_or(c),
        }
    }

    /// Record a bid the rules allow (the callers check them).
    pub(super) fn push(&mut self, bidder_org_id: i64, amount: Fen, by_proxy: bool) {
        debug_assert!(amount >= self.min_next() && self.leader != Some(bidder_org_id));
        self.ends_at = extended_end(self.ends_at, self.now, self.terms.soft_close_seconds);
        self.bids.push(Bid {
            seq: self.next_seq,
            bidder_org_id,
            amount,
            at: self.now,
            by_proxy,
        });
        self.next_seq += 1;
        self.leader = Some(bidder_org_id);
        self.current = Some(amount);
    }

    fn finish(self, state: &LotState, mut events: Vec<LotEvent>) -> BidOutcome {
        events.extend(self.bids.iter().cloned().map(LotEvent::Bid));
        BidOutcome {
            extended: self.ends_at > state.ends_at,
            ends_at: self.ends_at,
            bids: self.bids,
            events,
        }
    }
}

/// The refusals every bid and proxy shares, in the documented order.
fn check_open(state: &LotState, now: i64, confirmed: bool, amount: Fen) -> Result<(), BidError> {
    if state.closed_at.is_some() || now >= state.ends_at {
        return Err(BidError::LotClosed);
    }
    if now < state.terms.starts_at {
        return Err(BidError::NotStarted {
            starts_at: state.terms.starts_at,
        });
    }
    if !confirmed {
        return Err(BidError::NotConfirmed);
    }
    if amount > max_amount() {
        return Err(BidError::AmountTooLarge);
    }
    Ok(())
}

/// Decide a manual bid of `amount` by `bidder_org_id` at `now`. `confirmed`: the bidder is
/// registered for this lot and its deposit is confirmed (the caller looks it up). On success,
/// persist `events`, then [`LotState::apply_all`] them.
pub fn place_bid(
    state: &LotState,
    bidder_org_id: i64,
    amount: Fen,
    now: i64,
    confirmed: bool,
) -> Result<BidOutcome, BidError> {
    check_open(state, now, confirmed, amount)?;
    if state.leader() == Some(bidder_org_id) {
        return Err(BidError::AlreadyLeading);
    }
    let min = min_next(state);
    if amount < min {
        return Err(BidError::TooLow { min_next: min });
    }
    let mut draft = Draft::new(state, now);
    draft.push(bidder_org_id, amount, false);
    proxy::answer(&state.proxies, &mut draft);
    Ok(draft.finish(state, Vec::new()))
}

/// Decide a proxy: the platform will bid for `bidder_org_id` up to `max`, in the least amounts
/// needed (see `proxy.rs`). A proxy may only be raised (`proxy_not_raised`), and `max` must reach
/// the current minimum bid (`bid_too_low`). A bidder that is not leading bids at once.
pub fn set_proxy(
    state: &LotState,
    bidder_org_id: i64,
    max: Fen,
    now: i64,
    confirmed: bool,
) -> Result<BidOutcome, BidError> {
    check_open(state, now, confirmed, max)?;
    if let Some(p) = state.proxies.get(&bidder_org_id)
        && max <= p.max
    {
        return Err(BidError::ProxyNotRaised { current_max: p.max });
    }
    let min = min_next(state);
    if max < min {
        return Err(BidError::TooLow { min_next: min });
    }
    let event = LotEvent::ProxySet {
        bidder_org_id,
        max,
        at: now,
    };
    let mut proxies = state.proxies.clone();
    proxies.insert(
        bidder_org_id,
        Proxy {
            bidder_org_id,
            max,
            order: state.proxies_set + 1,
            set_at: now,
        },
    );
    let mut draft = Draft::new(state, now);
    proxy::answer(&proxies, &mut draft);
    Ok(draft.finish(state, vec![event]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auction::close::close;

    const T0: i64 = 1_796_882_400;
    const END: i64 = T0 + 3600;

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    fn terms() -> LotTerms {
        LotTerms {
            starts_at: T0,
            ends_at: END,
            soft_close_seconds: 300,
            start_price: wan("250"),
            increment: wan("10"),
            reserve: Some(wan("280")),
            deposit: wan("20"),
            buyer_commission: Pct::from_bp(500),
            seller_commission: Pct::from_bp(500),
        }
    }

    fn lot() -> LotState {
        LotState::new(terms()).unwrap()
    }

    fn bid(s: &mut LotState, who: i64, amount: &str, at: i64) -> BidOutcome {
        let out = place_bid(s, who, wan(amount), at, true).unwrap();
        s.apply_all(&out.events).unwrap();
        out
    }

    fn code(r: Result<BidOutcome, BidError>) -> &'static str {
        r.unwrap_err().code().as_str()
    }

    #[test]
    fn t3_the_first_bid_is_at_least_the_start_then_current_plus_increment() {
        let mut s = lot();
        assert_eq!(min_next(&s), wan("250"));
        assert_eq!(
            place_bid(&s, 1, wan("249.99"), T0, true),
            Err(BidError::TooLow {
                min_next: wan("250")
            })
        );
        let out = bid(&mut s, 1, "250", T0);
        assert_eq!(
            (out.bids[0].seq, out.ends_at, out.extended),
            (1, END, false)
        );
        assert_eq!(min_next(&s), wan("260"));
        assert_eq!(
            code(place_bid(&s, 2, wan("259.99"), T0 + 1, true)),
            "bid_too_low"
        );
        // Any amount at or above the minimum: a jump is fine.
        assert_eq!(bid(&mut s, 2, "263.50", T0 + 1).bids[0].seq, 2);
        assert_eq!(min_next(&s), wan("273.50"));
        let e = place_bid(&s, 1, wan("270"), T0 + 2, true).unwrap_err();
        assert_eq!(e.to_string(), "出价低于最低应价 273.50 万元");
    }

    #[test]
    fn t3_bids_outside_the_bidding_time_or_unconfirmed_are_refused_in_order() {
        let s = lot();
        assert_eq!(
            code(place_bid(&s, 1, wan("250"), T0 - 1, true)),
            "not_started"
        );
        assert_eq!(code(place_bid(&s, 1, wan("250"), END, true)), "lot_closed");
        assert_eq!(
            code(place_bid(&s, 1, wan("250"), END - 1, false)),
            "not_confirmed"
        );
        // Order: closed before not confirmed and too low; not started before not confirmed.
        assert_eq!(code(place_bid(&s, 1, wan("1"), END, false)), "lot_closed");
        assert_eq!(
            code(place_bid(&s, 1, wan("1"), T0 - 1, false)),
            "not_started"
        );
        assert_eq!(code(place_bid(&s, 1, wan("1"), T0, false)), "not_confirmed");
        assert_eq!(
            code(place_bid(&s, 1, wan("10000000.01"), T0, true)),
            "amount_too_large"
        );
        assert!(place_bid(&s, 1, wan("10000000"), T0, true).is_ok());
        // Once close() is recorded, bids are refused even at a time before the end (a clock
        // that went back).
        let mut closed = s.clone();
        closed.apply(&close(&s, END).unwrap().event).unwrap();
        assert_eq!(
            code(place_bid(&closed, 1, wan("250"), END - 10, true)),
            "lot_closed"
        );
        assert_eq!(
            code(set_proxy(&closed, 1, wan("300"), END - 10, true)),
            "lot_closed"
        );
    }

    #[test]
    fn t3_the_leader_may_not_outbid_itself() {
        let mut s = lot();
        bid(&mut s, 1, "250", T0);
        assert_eq!(
            place_bid(&s, 1, wan("300"), T0 + 1, true),
            Err(BidError::AlreadyLeading)
        );
        bid(&mut s, 2, "260", T0 + 2);
        assert_eq!(bid(&mut s, 1, "270", T0 + 3).bids[0].seq, 3);
    }

    #[test]
    fn t3_a_late_bid_restarts_the_soft_close_window() {
        let mut s = lot();
        // 301 s before the end: outside the window, no change.
        let out = bid(&mut s, 1, "250", END - 301);
        assert_eq!((out.ends_at, out.extended), (END, false));
        // Exactly 300 s before: inside, new end = now + 300 = END (no visible move).
        let out = bid(&mut s, 2, "260", END - 300);
        assert_eq!((out.ends_at, out.extended), (END, false));
        // 10 s before the end: the end moves to now + 300.
        let out = bid(&mut s, 1, "270", END - 10);
        assert_eq!((out.ends_at, out.extended), (END + 290, true));
        assert_eq!(s.ends_at(), END + 290);
        // A bid at the old end is now in time, and extends again, as often as bids come.
        let out = bid(&mut s, 2, "280", END);
        assert_eq!(out.ends_at, END + 300);
        let out = bid(&mut s, 1, "290", END + 299);
        assert_eq!(out.ends_at, END + 599);
        assert_eq!(status_at(&s, END + 598), LotStatus::Open);
        assert_eq!(status_at(&s, END + 599), LotStatus::Sold);
        assert_eq!(
            code(place_bid(&s, 2, wan("300"), END + 599, true)),
            "lot_closed"
        );
        // A window of 0 never extends.
        let mut s = LotState::new(LotTerms {
            soft_close_seconds: 0,
            ..terms()
        })
        .unwrap();
        assert_eq!(bid(&mut s, 1, "250", END - 1).ends_at, END);
    }

    #[test]
    fn t3_status_follows_the_clock_until_the_end() {
        let s = lot();
        assert_eq!(status_at(&s, T0 - 1), LotStatus::Upcoming);
        assert_eq!(status_at(&s, T0), LotStatus::Open);
        assert_eq!(status_at(&s, END - 1), LotStatus::Open);
        assert_eq!(status_at(&s, END), LotStatus::Unsold);
    }

    #[test]
    fn t3_replay_refuses_events_the_rules_would_not_produce() {
        let mut s = lot();
        let a = bid(&mut s, 1, "250", T0).events;
        let b = bid(&mut s, 2, "260", T0 + 1).events;
        let log: Vec<LotEvent> = a.iter().chain(&b).cloned().collect();
        assert_eq!(replay(lot(), &log), Ok(s.clone()));
        let err = |events: &[LotEvent]| replay(lot(), events).unwrap_err();
        // Lost, reordered, after the end, a self-raise, below the minimum, closed early.
        assert_eq!(err(&b).problem, Inconsistency::SeqGap);
        let mk = |seq, who, amount: &str, at| {
            LotEvent::Bid(Bid {
                seq,
                bidder_org_id: who,
                amount: wan(amount),
                at,
                by_proxy: false,
            })
        };
        assert_eq!(
            err(&[mk(1, 1, "250", END)]).problem,
            Inconsistency::OutsideBiddingTime
        );
        assert_eq!(
            err(&[mk(1, 1, "250", T0 - 1)]).problem,
            Inconsistency::OutsideBiddingTime
        );
        let e = err(&[mk(1, 1, "250", T0), mk(2, 1, "260", T0)]);
        assert_eq!((e.index, e.problem), (1, Inconsistency::SelfOutbid));
        assert_eq!(
            e.to_string(),
            "第 2 条竞价记录无效：当前最高出价人对自己加价"
        );
        let e = err(&[mk(1, 1, "250", T0), mk(2, 2, "259.99", T0)]);
        assert_eq!(e.problem.code(), "bid_too_low");
        assert_eq!(
            err(&[LotEvent::Closed { at: END - 1 }]).problem,
            Inconsistency::BadClose
        );
        let twice = [LotEvent::Closed { at: END }, LotEvent::Closed { at: END }];
        assert_eq!(err(&twice).index, 1);
        let lowered = [
            LotEvent::ProxySet {
                bidder_org_id: 1,
                max: wan("300"),
                at: T0,
            },
            LotEvent::ProxySet {
                bidder_org_id: 1,
                max: wan("300"),
                at: T0,
            },
        ];
        assert_eq!(err(&lowered).problem, Inconsistency::ProxyNotRaised);
    }

    #[test]
    fn t3_terms_no_check_would_pass_are_refused() {
        for bad in [
            LotTerms {
                increment: Fen::ZERO,
                ..terms()
            },
            LotTerms {
                start_price: Fen::ZERO,
                ..terms()
            },
            LotTerms {
                ends_at: T0,
                ..terms()
            },
            LotTerms {
                soft_close_seconds: -1,
                ..terms()
            },
            LotTerms {
                reserve: Some(wan("10000000.01")),
                ..terms()
            },
        ] {
            assert_eq!(LotState::new(bad), Err(Inconsistency::BadTerms));
        }
    }
}
