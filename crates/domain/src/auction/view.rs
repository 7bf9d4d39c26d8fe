//! What a lot looks like to the public and to bidders (T3, issue 14): `GET /api/v1/lots/{id}`
//! and its SSE feed.
//!
//! Secrets stay out by construction: [`PublicLot`] has no reserve field (after the close only
//! `reserve_met`), no proxy maximum but the viewer's own, and no organisation id; bidders show
//! as `竞买人 07`. Whether a lot has a reserve at all is public (拍卖法 art. 50: a lot without a
//! reserve must be announced as such). The winner's organisation comes from [`winner_org_id`],
//! which the web layer adds only where `policy::can_see_auction_winner` allows.

use serde::Serialize;

use super::close::Outcome;
use super::deposit::Registration;
use super::lot::{LotState, min_next, status_at};
use super::{LotStatus, format_rfc3339};

/// One bid as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BidView {
    pub seq: u32,
    pub amount_wan: String,
    /// `竞买人 07`
    pub bidder: String,
    pub bidder_no: Option<u32>,
    /// RFC 3339, Shanghai time.
    pub at: String,
    /// Placed by the bidder's proxy.
    pub by_proxy: bool,
    /// The viewer's own bid.
    pub mine: bool,
}

/// A lot as the API answers it (amounts in 万元 with two decimals, times RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicLot {
    pub status: LotStatus,
    pub starts_at: String,
    pub ends_at: String,
    /// The end moved forward by late bids (延时).
    pub extended: bool,
    /// The server's clock and the seconds left to `ends_at` (0 once ended): the countdown is
    /// the server's, not the browser's.
    pub server_time: String,
    pub seconds_left: i64,
    pub start_price_wan: String,
    pub increment_wan: String,
    pub deposit_wan: String,
    /// The highest bid, `None` before the first.
    pub current_wan: Option<String>,
    /// The least acceptable bid; `None` once closed.
    pub min_next_wan: Option<String>,
    /// The leader, masked; `None` before the first bid.
    pub leader: Option<String>,
    pub you_lead: bool,
    pub has_reserve: bool,
    /// Only once closed: whether the highest bid reached the reserve (true when there was none
    /// and someone bid).
    pub reserve_met: Option<bool>,
    pub bid_count: usize,
    /// Oldest first.
    pub bids: Vec<BidView>,
    /// The viewer's own proxy maximum, if it set one.
    pub your_proxy_max_wan: Option<String>,
}

/// The lot at `now`, for a viewer (`None`: the public). `registrations` of the session give the
/// bidder numbers.
pub fn public_lot(
    state: &LotState,
    now: i64,
    registrations: &[Registration],
    viewer_org_id: Option<i64>,
) -> PublicLot {
    let status = status_at(state, now);
    let terms = state.terms();
    let number = |org: i64| {
        registrations
            .iter()
            .find(|r| r.org_id == org)
            .map(|r| r.bidder_no)
    };
    let masked = |org: i64| number(org).map_or_else(|| "竞买人".to_string(), super::masked_bidder);
    let closed = status.is_closed();
    PublicLot {
        status,
        starts_at: format_rfc3339(terms.starts_at),
        ends_at: format_rfc3339(state.ends_at()),
        extended: state.ends_at() > terms.ends_at,
        server_time: format_rfc3339(now),
        seconds_left: (state.ends_at() - now).max(0),
        start_price_wan: terms.start_price.to_wan_2dp(),
        increment_wan: terms.increment.to_wan_2dp(),
        deposit_wan: terms.deposit.to_wan_2dp(),
        current_wan: state.last_bid().map(|b| b.amount.to_wan_2dp()),
        min_next_wan: (!closed).then(|| min_next(state).to_wan_2dp()),
        leader: state.leader().map(masked),
        you_lead: viewer_org_id.is_some() && state.leader() == viewer_org_id,
        has_reserve: terms.reserve.is_some(),
        reserve_met: closed.then(|| match state.outcome() {
            Outcome::Sold(_) => true,
            Outcome::Unsold { .. } => false,
        }),
        bid_count: state.bids().len(),
        bids: state
            .bids()
            .iter()
            .map(|b| BidView {
                seq: b.seq,
                amount_wan: b.amount.to_wan_2dp(),
                bidder: masked(b.bidder_org_id),
                bidder_no: number(b.bidder_org_id),
                at: format_rfc3339(b.at),
                by_proxy: b.by_proxy,
                mine: Some(b.bidder_org_id) == viewer_org_id,
            })
            .collect(),
        your_proxy_max_wan: viewer_org_id
            .and_then(|v| state.proxies().get(&v))
            .map(|p| p.max.to_wan_2dp()),
    }
}

/// The winning bidder's organisation, once the lot reads sold at `now` (even before the close is
/// recorded). Show it only where policy allows.
pub fn winner_org_id(state: &LotState, now: i64) -> Option<i64> {
    match status_at(state, now) {
        LotStatus::Sold => state.outcome().sale().map(|s| s.winner_org_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auction::lot::{LotTerms, place_bid, set_proxy};
    use crate::auction::{Pct, close};
    use crate::money::Fen;

    const T0: i64 = 1_796_882_400;

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    fn reg(no: u32, org: i64) -> Registration {
        Registration {
            bidder_no: no,
            org_id: org,
            on_behalf_of: None,
            lot_ids: vec![],
            confirmed: true,
        }
    }

    fn state(reserve: &str) -> LotState {
        let mut s = LotState::new(LotTerms {
            starts_at: T0,
            ends_at: T0 + 600,
            soft_close_seconds: 300,
            start_price: wan("250"),
            increment: wan("10"),
            reserve: Some(wan(reserve)),
            deposit: wan("20"),
            buyer_commission: Pct::from_bp(500),
            seller_commission: Pct::from_bp(500),
        })
        .unwrap();
        let o = set_proxy(&s, 17, wan("287.65"), T0 + 10, true).unwrap();
        s.apply_all(&o.events).unwrap();
        let o = place_bid(&s, 33, wan("277.65"), T0 + 20, true).unwrap();
        s.apply_all(&o.events).unwrap();
        s
    }

    #[test]
    fn t3_the_reserve_never_shows_before_the_close() {
        let s = state("299.99");
        let regs = [reg(7, 17), reg(12, 33)];
        let v = public_lot(&s, T0 + 30, &regs, None);
        assert_eq!(v.status, LotStatus::Open);
        assert_eq!(v.current_wan.as_deref(), Some("287.65"));
        assert_eq!(v.min_next_wan.as_deref(), Some("297.65"));
        assert_eq!((v.has_reserve, v.reserve_met), (true, None));
        assert_eq!(v.leader.as_deref(), Some("竞买人 07"));
        assert_eq!(v.your_proxy_max_wan, None);
        // Neither the reserve's amount nor an organisation id is anywhere in the answer.
        let json = serde_json::to_string(&v).unwrap();
        for secret in [
            "299.99",
            "\"reserve\"",
            "reserve_wan",
            "org_id",
            ":17",
            ":33",
        ] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        let bidders: Vec<&str> = v.bids.iter().map(|b| b.bidder.as_str()).collect();
        assert_eq!(bidders, ["竞买人 07", "竞买人 12", "竞买人 07"]);
        assert_eq!(v.bids[2].at, "2026-12-10T14:00:20+08:00");
        assert!(v.bids[2].by_proxy && !v.bids[1].by_proxy);
        assert_eq!(v.seconds_left, 570);
        // The proxy's owner sees its maximum and its own bids; nobody else does.
        let mine = public_lot(&s, T0 + 30, &regs, Some(17));
        assert_eq!(mine.your_proxy_max_wan.as_deref(), Some("287.65"));
        assert!(mine.you_lead && mine.bids[0].mine && !mine.bids[1].mine);
        let theirs = public_lot(&s, T0 + 30, &regs, Some(33));
        assert_eq!(theirs.your_proxy_max_wan, None);
        assert!(!theirs.you_lead);
        assert_eq!(winner_org_id(&s, T0 + 599), None);
    }

    #[test]
    fn t3_after_the_end_the_lot_reads_closed_with_only_reserve_met() {
        let s = state("287.65");
        // At the end, before close() is recorded.
        let v = public_lot(&s, T0 + 600, &[], None);
        assert_eq!(v.status, LotStatus::Sold);
        assert_eq!((v.reserve_met, v.min_next_wan), (Some(true), None));
        assert_eq!(v.seconds_left, 0);
        assert_eq!(
            v.leader.as_deref(),
            Some("竞买人"),
            "unregistered: no number"
        );
        assert_eq!(winner_org_id(&s, T0 + 600), Some(17));
        // Recorded: the same.
        let mut closed = s.clone();
        closed.apply(&close(&s, T0 + 605).unwrap().event).unwrap();
        assert_eq!(
            public_lot(&closed, T0 + 700, &[], None).status,
            LotStatus::Sold
        );
        // One fen below the reserve: unsold, reserve not met, no winner.
        let s = state("287.66");
        let v = public_lot(&s, T0 + 600, &[], None);
        assert_eq!((v.status, v.reserve_met), (LotStatus::Unsold, Some(false)));
        assert_eq!(winner_org_id(&s, T0 + 600), None);
    }
}
