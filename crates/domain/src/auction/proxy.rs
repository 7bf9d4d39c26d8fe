//! Proxy bids (T3, issue 14): a bidder sets a maximum and the platform bids for it.
//!
//! The rule, decided here (the issue only asks that proxies bid "in increments up to that
//! maximum"): after every accepted bid or proxy, a proxy that could still outbid the leader
//! answers at once, as in a sealed second-price contest bound by the increment:
//!
//! - of two proxies the higher maximum ranks first; at an equal maximum the **earlier** proxy
//!   (set or last raised earlier) ranks first;
//! - the first-ranked ends leading at one increment above the other's maximum, capped at its own
//!   maximum, whenever the increment leaves room for it;
//! - the history shows the contest as real bids, each with its own `seq`: the runner-up's last
//!   bid (its maximum, or one increment below the winner's), then the winner's answer. The
//!   back-and-forth in single increments between two machines in the same second is not
//!   written out: it carries no information and could run to millions of bids;
//! - a proxy never bids while its bidder leads, and never above its maximum;
//! - a leader's proxy takes part only if it could answer the least challenge (its maximum at
//!   least the next minimum plus one increment). A leader at 290 with a maximum of 300 cannot
//!   answer a bid of 300 (it would need 310), so a later proxy with the same maximum 300 takes
//!   the lead at 300: the tie rule applies where the increment leaves room for it;
//! - a proxy's maximum is not a bid: a manual bid at exactly another bidder's maximum leads.
//!
//! After each answer no proxy but the leader's can reach the next minimum bid (the property
//! tests check it). So at most one proxy ever challenges: the one just set or raised, or the
//! leader's just outbid by a manual bid.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use super::lot::{Draft, Proxy};
use crate::money::Fen;

fn rank(p: &Proxy) -> (Reverse<Fen>, u32) {
    (Reverse(p.max), p.order)
}

fn fen(v: i64) -> Fen {
    Fen::from_fen(v).expect("bid amounts are non-negative")
}

/// Let the proxies answer the bids drafted so far.
pub(super) fn answer(proxies: &BTreeMap<i64, Proxy>, d: &mut Draft) {
    let n = d.min_next().fen();
    let inc = d.terms.increment.fen();
    let leader = d.leader;
    let challengers: Vec<&Proxy> = proxies
        .values()
        .filter(|p| Some(p.bidder_org_id) != leader && p.max.fen() >= n)
        .collect();
    debug_assert!(challengers.len() <= 1, "unsettled proxies: {challengers:?}");
    let Some(c) = challengers.into_iter().min_by_key(|p| rank(p)) else {
        return;
    };
    let (cmax, id) = (c.max.fen(), c.bidder_org_id);
    let defender = leader
        .and_then(|l| proxies.get(&l))
        .filter(|p| p.max.fen() >= n + inc);
    match defender {
        None => d.push(id, fen(n), true),
        // The leader's proxy ranks first: the challenger goes as high as it usefully can (at
        // least `n`, as both maxima allow), and the leader answers one increment above.
        Some(def) if rank(def) < rank(c) => {
            let runner = cmax.min(def.max.fen() - inc);
            d.push(id, fen(runner), true);
            d.push(def.bidder_org_id, fen(runner + inc), true);
        }
        // The challenger ranks first: it outbids, the leader's proxy answers as high as it
        // usefully can, the challenger answers one increment above.
        Some(def) => {
            let runner = def.max.fen().min(cmax - inc);
            if runner >= n + inc {
                d.push(id, fen(n), true);
                d.push(def.bidder_org_id, fen(runner), true);
                d.push(id, fen(runner + inc), true);
            } else {
                // Its maximum is less than two increments above `n`: outbidding at `n` would be
                // answered and not topped, so it bids its maximum, which the leader's proxy
                // cannot top (that needs `cmax + inc > def.max`).
                d.push(id, fen(cmax), true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::auction::lot::{BidError, LotState, LotTerms, min_next, place_bid, set_proxy};
    use crate::auction::{Pct, status_at};
    use crate::money::Fen;

    const T0: i64 = 1_796_882_400;

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    /// The 2018 university auction: start 250 万, increments of 10 万.
    fn lot() -> LotState {
        LotState::new(LotTerms {
            starts_at: T0,
            ends_at: T0 + 3600,
            soft_close_seconds: 300,
            start_price: wan("250"),
            increment: wan("10"),
            reserve: Some(wan("280")),
            deposit: wan("20"),
            buyer_commission: Pct::from_bp(500),
            seller_commission: Pct::from_bp(500),
        })
        .unwrap()
    }

    fn proxy(s: &mut LotState, who: i64, max: &str, at: i64) -> Vec<(i64, String)> {
        let out = set_proxy(s, who, wan(max), at, true).unwrap();
        s.apply_all(&out.events).unwrap();
        out.bids
            .iter()
            .map(|b| (b.bidder_org_id, b.amount.to_wan_string()))
            .collect()
    }

    fn bid(s: &mut LotState, who: i64, amount: &str, at: i64) -> Vec<(i64, String)> {
        let out = place_bid(s, who, wan(amount), at, true).unwrap();
        s.apply_all(&out.events).unwrap();
        out.bids
            .iter()
            .map(|b| (b.bidder_org_id, b.amount.to_wan_string()))
            .collect()
    }

    fn v(xs: &[(i64, &str)]) -> Vec<(i64, String)> {
        xs.iter().map(|(w, a)| (*w, a.to_string())).collect()
    }

    #[test]
    fn t3_a_lone_proxy_opens_at_the_start_price_and_answers_each_outbid() {
        let mut s = lot();
        assert_eq!(proxy(&mut s, 1, "300", T0 + 1), v(&[(1, "250")]));
        assert_eq!(bid(&mut s, 2, "260", T0 + 2), v(&[(2, "260"), (1, "270")]));
        // 290 is answered at exactly the maximum; 310 is beyond it.
        assert_eq!(bid(&mut s, 2, "290", T0 + 3), v(&[(2, "290"), (1, "300")]));
        assert_eq!(bid(&mut s, 2, "310", T0 + 4), v(&[(2, "310")]));
        assert_eq!(s.leader(), Some(2));
        assert!(
            s.bids()
                .iter()
                .filter(|b| b.by_proxy)
                .all(|b| b.amount <= wan("300"))
        );
    }

    #[test]
    fn t3_a_manual_bid_at_a_proxys_maximum_leads() {
        let mut s = lot();
        proxy(&mut s, 1, "300", T0 + 1);
        assert_eq!(bid(&mut s, 2, "300", T0 + 2), v(&[(2, "300")]));
        assert_eq!(s.leader(), Some(2));
        assert_eq!(min_next(&s), wan("310"));
    }

    #[test]
    fn t3_the_higher_proxy_wins_one_increment_above_the_runner_up() {
        let mut s = lot();
        proxy(&mut s, 1, "400", T0 + 1);
        // B's maximum 320 shows as its bid; A answers 330.
        assert_eq!(
            proxy(&mut s, 2, "320", T0 + 2),
            v(&[(2, "320"), (1, "330")])
        );
        // C's 500 outranks the leader's 400: C outbids, A's proxy answers at its maximum, C
        // answers one increment above.
        assert_eq!(
            proxy(&mut s, 3, "500", T0 + 3),
            v(&[(3, "340"), (1, "400"), (3, "410")])
        );
        assert_eq!(s.leader(), Some(3));
        assert_eq!(s.last_bid().unwrap().amount, wan("410"));
        assert_eq!(
            s.bids().iter().map(|b| b.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn t3_the_earlier_proxy_wins_at_an_equal_maximum() {
        // The leader's proxy was first.
        let mut s = lot();
        proxy(&mut s, 1, "350", T0 + 1);
        assert_eq!(
            proxy(&mut s, 2, "350", T0 + 2),
            v(&[(2, "340"), (1, "350")])
        );
        assert_eq!(s.leader(), Some(1));
        // Both set while a manual bidder leads: the earlier ends at the shared maximum.
        let mut s = lot();
        bid(&mut s, 9, "250", T0 + 1);
        assert_eq!(proxy(&mut s, 1, "300", T0 + 2), v(&[(1, "260")]));
        assert_eq!(
            proxy(&mut s, 2, "300", T0 + 3),
            v(&[(2, "290"), (1, "300")])
        );
        assert_eq!(s.leader(), Some(1));
        // A raise takes a new place: 2 set first, 1 set 400, then 2 raised to 400: 1 wins.
        let mut s = lot();
        proxy(&mut s, 2, "300", T0 + 1);
        assert_eq!(
            proxy(&mut s, 1, "400", T0 + 2),
            v(&[(1, "260"), (2, "300"), (1, "310")])
        );
        assert_eq!(
            proxy(&mut s, 2, "400", T0 + 3),
            v(&[(2, "390"), (1, "400")])
        );
        assert_eq!(s.leader(), Some(1), "1 set 400 before 2 raised to it");
    }

    #[test]
    fn t3_the_increment_decides_when_maxima_are_less_than_one_apart() {
        // A leads at 250 with a maximum of 265; B's proxy of 260 bids 260 and A cannot answer
        // (270 > 265): B leads although A's maximum was higher.
        let mut s = lot();
        proxy(&mut s, 1, "265", T0 + 1);
        assert_eq!(proxy(&mut s, 2, "260", T0 + 2), v(&[(2, "260")]));
        assert_eq!(s.leader(), Some(2));
        // A leads at 250 with 275; C's 300 bids 260, A answers 275, C 285.
        let mut s = lot();
        proxy(&mut s, 1, "275", T0 + 1);
        assert_eq!(
            proxy(&mut s, 3, "300", T0 + 2),
            v(&[(3, "260"), (1, "275"), (3, "285")])
        );
        // A leads at 250 with 270; C's 275 could not answer A's 270 (280 > 275), so it takes
        // the lead in one bid at its maximum, which A cannot top (285 > 270).
        let mut s = lot();
        proxy(&mut s, 1, "270", T0 + 1);
        assert_eq!(proxy(&mut s, 3, "275", T0 + 2), v(&[(3, "275")]));
        assert_eq!(min_next(&s), wan("285"));
    }

    #[test]
    fn t3_the_leader_may_set_or_raise_a_proxy_without_bidding() {
        let mut s = lot();
        bid(&mut s, 1, "250", T0 + 1);
        assert_eq!(proxy(&mut s, 1, "300", T0 + 2), v(&[]));
        assert_eq!(
            set_proxy(&s, 1, wan("300"), T0 + 3, true)
                .unwrap_err()
                .code(),
            "proxy_not_raised"
        );
        assert_eq!(
            set_proxy(&s, 2, wan("255"), T0 + 3, true),
            Err(BidError::TooLow {
                min_next: wan("260")
            })
        );
        assert_eq!(bid(&mut s, 2, "280", T0 + 4), v(&[(2, "280"), (1, "290")]));
        assert_eq!(status_at(&s, T0 + 3600), crate::auction::LotStatus::Sold);
    }
}
