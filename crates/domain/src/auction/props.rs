//! Property tests of the bidding state machine (T3, issue 14: "every bid answered 201 is in the
//! history, exactly once, in strictly increasing amounts with gapless seq; none answered 409 is;
//! the end time only moves forward; the winner is the highest bid; across a restart").

use proptest::prelude::*;

use super::close::{CloseError, Outcome, close};
use super::lot::{LotEvent, LotState, LotTerms, min_next, place_bid, replay, set_proxy};
use super::{LotStatus, Pct, status_at};
use crate::money::Fen;

const T0: i64 = 1_796_882_400;
/// Bidder 5 never had its deposit confirmed.
const UNCONFIRMED: i64 = 5;

#[derive(Debug, Clone)]
enum Attempt {
    /// A manual bid at the current minimum plus `steps` increments plus `quarters` quarter increments.
    Bid { who: i64, steps: i64, quarters: i64 },
    /// A proxy maximum at the current minimum plus `steps` increments plus `quarters` quarter increments.
    Proxy { who: i64, steps: i64, quarters: i64 },
    /// The background closer runs.
    Close,
}

#[derive(Debug, Clone)]
struct Scenario {
    terms: LotTerms,
    /// Seconds to wait, then the attempt.
    attempts: Vec<(i64, Attempt)>,
}

fn attempt() -> impl Strategy<Value = Attempt> {
    prop_oneof![
        6 => (1i64..=5, -2i64..8, 0i64..4).prop_map(|(who, steps, j)| Attempt::Bid {
            who,
            steps,
            quarters: j,
        }),
        3 => (1i64..=5, -1i64..12, 0i64..4).prop_map(|(who, steps, j)| Attempt::Proxy {
            who,
            steps,
            quarters: j,
        }),
        1 => Just(Attempt::Close),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let terms = (
        1i64..=300,
        prop::sample::select(vec![10_000i64, 1_000_000, 10_000_000]),
        prop::option::of(0i64..25),
        prop::sample::select(vec![0i64, 30, 300]),
        60i64..2_000,
    )
        .prop_map(|(start_wan, inc, reserve_steps, soft, duration)| {
            let start = start_wan * 1_000_000;
            LotTerms {
                starts_at: T0,
                ends_at: T0 + duration,
                soft_close_seconds: soft,
                start_price: Fen::from_fen(start).unwrap(),
                increment: Fen::from_fen(inc).unwrap(),
                reserve: reserve_steps.map(|k| Fen::from_fen(start + k * inc).unwrap()),
                deposit: Fen::from_fen(start / 10).unwrap(),
                buyer_commission: Pct::from_bp(500),
                seller_commission: Pct::from_bp(300),
            }
        });
    (terms, prop::collection::vec((0i64..90, attempt()), 0..80))
        .prop_map(|(terms, attempts)| Scenario { terms, attempts })
}

fn offset(base: Fen, steps: i64, inc: Fen, quarters: i64) -> Fen {
    Fen::from_fen((base.fen() + steps * inc.fen() + quarters * inc.fen() / 4).max(0)).unwrap()
}

/// What the documented refusal order says a bid should get.
fn expected_bid(s: &LotState, who: i64, amount: Fen, now: i64) -> Option<&'static str> {
    if s.closed_at().is_some() || now >= s.ends_at() {
        Some("lot_closed")
    } else if now < s.terms().starts_at {
        Some("not_started")
    } else if who == UNCONFIRMED {
        Some("not_confirmed")
    } else if s.leader() == Some(who) {
        Some("already_leading")
    } else if amount < min_next(s) {
        Some("bid_too_low")
    } else {
        None
    }
}

fn expected_proxy(s: &LotState, who: i64, max: Fen, now: i64) -> Option<&'static str> {
    match expected_bid(s, who, max, now) {
        Some("lot_closed" | "not_started" | "not_confirmed") => expected_bid(s, who, max, now),
        _ if s.proxies().get(&who).is_some_and(|p| max <= p.max) => Some("proxy_not_raised"),
        _ if max < min_next(s) => Some("bid_too_low"),
        _ => None,
    }
}

/// Run a scenario, checking every step; returns the live state and every persisted event.
fn run(sc: &Scenario) -> Result<(LotState, Vec<LotEvent>), TestCaseError> {
    let initial = LotState::new(sc.terms.clone()).unwrap();
    let mut live = initial.clone();
    let mut log: Vec<LotEvent> = Vec::new();
    let inc = sc.terms.increment;
    let mut now = T0 - 100;
    for (dt, a) in &sc.attempts {
        now += dt;
        let before_end = live.ends_at();
        let decided = match a {
            Attempt::Close => {
                match close(&live, now) {
                    Ok(c) => {
                        prop_assert!(now >= before_end && live.closed_at().is_none());
                        prop_assert_eq!(&c.outcome, &live.outcome());
                        live.apply(&c.event).unwrap();
                        log.push(c.event);
                    }
                    Err(CloseError::NotEnded { ends_at }) => {
                        prop_assert!(now < ends_at)
                    }
                    Err(CloseError::AlreadyClosed) => prop_assert!(live.closed_at().is_some()),
                }
                continue;
            }
            Attempt::Bid {
                who,
                steps,
                quarters,
            } => {
                let amount = offset(min_next(&live), *steps, inc, *quarters);
                let r = place_bid(&live, *who, amount, now, *who != UNCONFIRMED);
                prop_assert_eq!(
                    r.as_ref().err().map(|e| e.code().as_str()),
                    expected_bid(&live, *who, amount, now)
                );
                if let Ok(o) = &r {
                    prop_assert_eq!(&o.bids[0].amount, &amount, "the caller's bid first");
                    prop_assert!(!o.bids[0].by_proxy);
                }
                r
            }
            Attempt::Proxy {
                who,
                steps,
                quarters,
            } => {
                let max = offset(min_next(&live), *steps, inc, *quarters);
                let r = set_proxy(&live, *who, max, now, *who != UNCONFIRMED);
                prop_assert_eq!(
                    r.as_ref().err().map(|e| e.code().as_str()),
                    expected_proxy(&live, *who, max, now)
                );
                r
            }
        };
        let Ok(out) = decided else { continue };
        // Decide and evolve agree: every decided event applies cleanly.
        let first_new = live.bids().len();
        live.apply_all(&out.events)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        log.extend(out.events.iter().cloned());
        prop_assert_eq!(&live.bids()[first_new..], &out.bids[..]);
        // The end moves only forward, exactly by the soft-close rule.
        prop_assert_eq!(out.ends_at, live.ends_at());
        let window = sc.terms.soft_close_seconds;
        let expected_end = if !out.bids.is_empty() && before_end - now <= window {
            before_end.max(now + window)
        } else {
            before_end
        };
        prop_assert_eq!(live.ends_at(), expected_end);
        prop_assert_eq!(out.extended, expected_end > before_end);
        // Proxies bid within their maximum and leave nobody who could still outbid.
        for b in out.bids.iter().filter(|b| b.by_proxy) {
            prop_assert!(b.amount <= live.proxies()[&b.bidder_org_id].max);
        }
        for p in live.proxies().values() {
            if Some(p.bidder_org_id) != live.leader() {
                prop_assert!(p.max < min_next(&live), "unsettled proxy {:?}", p);
            }
        }
    }
    if live.closed_at().is_none() {
        let at = now.max(live.ends_at());
        let c = close(&live, at).unwrap();
        live.apply(&c.event).unwrap();
        log.push(c.event);
    }
    Ok((live, log))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn t3_accepted_bids_are_gapless_strictly_increasing_by_the_increment(sc in scenario()) {
        let (live, _) = run(&sc)?;
        let bids = live.bids();
        for (i, b) in bids.iter().enumerate() {
            prop_assert_eq!(b.seq as usize, i + 1);
            prop_assert_ne!(b.bidder_org_id, UNCONFIRMED);
            if i == 0 {
                prop_assert!(b.amount >= sc.terms.start_price);
            } else {
                let prev = &bids[i - 1];
                prop_assert!(b.amount.fen() >= prev.amount.fen() + sc.terms.increment.fen());
                prop_assert_ne!(b.bidder_org_id, prev.bidder_org_id, "nobody outbids itself");
                prop_assert!(b.at >= prev.at);
            }
            prop_assert!(b.at >= sc.terms.starts_at);
        }
        prop_assert!(live.ends_at() >= sc.terms.ends_at);
    }

    #[test]
    fn t3_replay_of_the_stored_events_is_the_live_state(sc in scenario()) {
        let (live, log) = run(&sc)?;
        let initial = LotState::new(sc.terms.clone()).unwrap();
        prop_assert_eq!(replay(initial.clone(), &log), Ok(live.clone()));
        // A restart mid-way (after any prefix) then the rest gives the same state.
        let cut = log.len() / 2;
        let mut restarted = replay(initial, &log[..cut]).unwrap();
        restarted.apply_all(&log[cut..]).unwrap();
        prop_assert_eq!(restarted, live);
    }

    #[test]
    fn t3_the_winner_on_close_is_the_highest_bid(sc in scenario()) {
        let (live, _) = run(&sc)?;
        let top = live.bids().iter().max_by_key(|b| b.amount);
        let at = live.closed_at().unwrap();
        match live.outcome() {
            Outcome::Sold(sale) => {
                let top = top.unwrap();
                prop_assert_eq!(sale.winner_org_id, top.bidder_org_id);
                prop_assert_eq!(sale.price, top.amount);
                prop_assert_eq!(sale.bid_seq, top.seq);
                prop_assert!(sc.terms.reserve.is_none_or(|r| sale.price >= r));
                prop_assert_eq!(
                    sale.price_balance.fen() + sale.deposit_applied.fen(),
                    sale.price.fen()
                );
                prop_assert_eq!(status_at(&live, at), LotStatus::Sold);
            }
            Outcome::Unsold { .. } => {
                prop_assert!(top.is_none_or(|t| sc.terms.reserve.is_some_and(|r| t.amount < r)));
                prop_assert_eq!(status_at(&live, at), LotStatus::Unsold);
            }
        }
    }

    #[test]
    fn t3_a_corrupted_log_is_refused_on_replay(sc in scenario(), pick in any::<prop::sample::Index>()) {
        let (_, log) = run(&sc)?;
        let bids: Vec<usize> = log
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, LotEvent::Bid(_)))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!bids.is_empty());
        let initial = LotState::new(sc.terms.clone()).unwrap();
        let i = bids[pick.index(bids.len())];
        // A lost bid (a gap in seq, unless it was the last) or a duplicated one.
        let mut dup = log.clone();
        dup.insert(i, log[i].clone());
        prop_assert_eq!(replay(initial.clone(), &dup).map_err(|e| e.index), Err(i + 1));
        if bids.len() > 1 && i != *bids.last().unwrap() {
            let mut lost = log.clone();
            lost.remove(i);
            prop_assert!(replay(initial, &lost).is_err());
        }
    }

    /// Two proxies: the leader's (set first, at the start price) and a challenger's. The higher
    /// maximum wins, the earlier at an equal one, at one increment above the other's maximum
    /// capped at its own, whenever the leader's proxy can answer at all.
    #[test]
    fn t3_two_proxies_end_at_the_second_price_plus_one_increment(
        start in 1i64..=300,
        inc in prop::sample::select(vec![10_000i64, 1_000_000, 10_000_000]),
        a_extra in 0i64..60_000_000,
        b_extra in 0i64..60_000_000,
        near in prop::option::of(-2i64..=2),
    ) {
        let start = start * 1_000_000;
        let terms = LotTerms {
            starts_at: T0,
            ends_at: T0 + 3600,
            soft_close_seconds: 300,
            start_price: Fen::from_fen(start).unwrap(),
            increment: Fen::from_fen(inc).unwrap(),
            reserve: None,
            deposit: Fen::ZERO,
            buyer_commission: Pct::from_bp(500),
            seller_commission: Pct::from_bp(500),
        };
        // The leader's proxy can answer the least challenge; the challenger reaches it.
        // `near`: the challenger's maximum within two increments of the leader's (ties).
        let a = start + 2 * inc + a_extra;
        let b = match near {
            Some(k) => (a + k * inc).max(start + inc),
            None => start + inc + b_extra,
        };
        let mut s = LotState::new(terms).unwrap();
        let o = set_proxy(&s, 1, Fen::from_fen(a).unwrap(), T0, true).unwrap();
        s.apply_all(&o.events).unwrap();
        let o = set_proxy(&s, 2, Fen::from_fen(b).unwrap(), T0 + 1, true).unwrap();
        s.apply_all(&o.events).unwrap();
        let (winner, price) = if a >= b { (1, (b + inc).min(a)) } else { (2, (a + inc).min(b)) };
        prop_assert_eq!(s.leader(), Some(winner));
        prop_assert_eq!(s.last_bid().unwrap().amount.fen(), price);
    }
}
