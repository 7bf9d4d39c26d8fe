//! The close of a lot (T3, issue 14): sold (成交) to the highest bid at or above the reserve, or
//! unsold (流拍) with the reason; commissions from each side (拍卖法 art. 56) and the winner's
//! deposit applied to the price.

use crate::code::Code;
use serde::Serialize;

use super::commission;
use super::lot::{LotEvent, LotState};
use crate::money::Fen;

impl LotState {
    /// What the close decides (or would decide now): sold to the last bid when it meets the
    /// reserve, else unsold with the reason.
    pub fn outcome(&self) -> Outcome {
        let Some(bid) = self.last_bid() else {
            return Outcome::Unsold {
                reason: UnsoldReason::NoBids,
            };
        };
        if self.terms().reserve.is_some_and(|r| bid.amount < r) {
            return Outcome::Unsold {
                reason: UnsoldReason::BelowReserve,
            };
        }
        let price = bid.amount;
        let deposit_applied = self.terms().deposit.min(price);
        Outcome::Sold(Sale {
            bid_seq: bid.seq,
            winner_org_id: bid.bidder_org_id,
            price,
            buyer_commission: commission(price, self.terms().buyer_commission),
            seller_commission: commission(price, self.terms().seller_commission),
            deposit_applied,
            price_balance: price.saturating_sub(deposit_applied),
        })
    }
}

/// The sale a close records: the winning bid, the price, commissions from each side and the
/// winner's deposit applied to the price (decision: the deposit becomes part of the price, so
/// the winner pays `price_balance` plus `buyer_commission`).
///
/// Serialised, it names the winner: show it only where `policy::can_see_auction_winner` allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sale {
    pub bid_seq: u32,
    /// The bidding organisation; for an agency, its registration's `buyer_org_id()` buys.
    pub winner_org_id: i64,
    /// The hammer price (成交价): the winning bid.
    pub price: Fen,
    pub buyer_commission: Fen,
    pub seller_commission: Fen,
    pub deposit_applied: Fen,
    pub price_balance: Fen,
}

/// Why a lot went unsold (流拍).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsoldReason {
    NoBids,
    BelowReserve,
}

impl UnsoldReason {
    pub fn slug(self) -> &'static str {
        match self {
            UnsoldReason::NoBids => "no_bids",
            UnsoldReason::BelowReserve => "below_reserve",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnsoldReason::NoBids => "无人出价",
            UnsoldReason::BelowReserve => "最高出价未达保留价",
        }
    }
}

/// `{"status": "sold", "bid_seq": …}` or `{"status": "unsold", "reason": "below_reserve"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Sold(Sale),
    Unsold { reason: UnsoldReason },
}

impl Outcome {
    pub fn sale(&self) -> Option<&Sale> {
        match self {
            Outcome::Sold(s) => Some(s),
            Outcome::Unsold { .. } => None,
        }
    }
}

/// A decided close: persist `event`, apply it, then create the deal (sold) or route the lot
/// (unsold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The live end at which bidding stopped (the deal's date), not when the closer ran.
    pub ended_at: i64,
    pub outcome: Outcome,
    pub event: LotEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CloseError {
    #[error("竞价尚未结束")]
    NotEnded { ends_at: i64 },
    #[error("标的已结束，不能重复结束")]
    AlreadyClosed,
}

impl CloseError {
    pub fn code(self) -> Code {
        match self {
            CloseError::NotEnded { .. } => Code::NotEnded,
            CloseError::AlreadyClosed => Code::AlreadyClosed,
        }
    }
}

/// Decide the close of a lot at `now`: only once `now ≥ ends_at`, and only once.
pub fn close(state: &LotState, now: i64) -> Result<Closing, CloseError> {
    if state.closed_at().is_some() {
        return Err(CloseError::AlreadyClosed);
    }
    if now < state.ends_at() {
        return Err(CloseError::NotEnded {
            ends_at: state.ends_at(),
        });
    }
    Ok(Closing {
        ended_at: state.ends_at(),
        outcome: state.outcome(),
        event: LotEvent::Closed { at: now },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auction::lot::{LotTerms, place_bid};
    use crate::auction::{LotStatus, Pct, status_at};

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

    fn bid(s: &mut LotState, who: i64, amount: &str, at: i64) {
        let out = place_bid(s, who, wan(amount), at, true).unwrap();
        s.apply_all(&out.events).unwrap();
    }

    #[test]
    fn t3_close_only_after_the_end_sold_at_or_above_the_reserve() {
        let mut s = lot();
        assert_eq!(
            close(&s, END - 1),
            Err(CloseError::NotEnded { ends_at: END })
        );
        assert_eq!(
            close(&s, END).unwrap().outcome,
            Outcome::Unsold {
                reason: UnsoldReason::NoBids
            }
        );
        bid(&mut s, 1, "250", T0);
        bid(&mut s, 2, "279.99", T0 + 1);
        assert_eq!(
            close(&s, END).unwrap().outcome,
            Outcome::Unsold {
                reason: UnsoldReason::BelowReserve
            }
        );
        assert_eq!(status_at(&s, END), LotStatus::Unsold);
        bid(&mut s, 1, "300", T0 + 2);
        let c = close(&s, END + 5).unwrap();
        assert_eq!(c.ended_at, END);
        assert_eq!(c.event, LotEvent::Closed { at: END + 5 });
        // The 2018 university auction: sold at 300 万; 5 % from each side; the 20 万 deposit
        // is applied to the price.
        assert_eq!(
            c.outcome,
            Outcome::Sold(Sale {
                bid_seq: 3,
                winner_org_id: 1,
                price: wan("300"),
                buyer_commission: wan("15"),
                seller_commission: wan("15"),
                deposit_applied: wan("20"),
                price_balance: wan("280"),
            })
        );
        s.apply(&c.event).unwrap();
        assert_eq!(s.closed_at(), Some(END + 5));
        assert_eq!(close(&s, END + 6), Err(CloseError::AlreadyClosed));
        // Without a reserve, any bid sells.
        let mut s = LotState::new(LotTerms {
            reserve: None,
            ..terms()
        })
        .unwrap();
        bid(&mut s, 1, "250", T0);
        assert!(matches!(close(&s, END).unwrap().outcome, Outcome::Sold(_)));
    }

    #[test]
    fn t3_outcomes_serialise_with_their_status() {
        let unsold = Outcome::Unsold {
            reason: UnsoldReason::BelowReserve,
        };
        assert_eq!(
            serde_json::to_string(&unsold).unwrap(),
            r#"{"status":"unsold","reason":"below_reserve"}"#
        );
        let mut s = lot();
        bid(&mut s, 1, "280", T0);
        let json = serde_json::to_value(close(&s, END).unwrap().outcome).unwrap();
        assert_eq!(json["status"], "sold");
        assert_eq!(json["price"], 280_000_000);
        assert_eq!(json["buyer_commission"], 14_000_000);
        assert_eq!(UnsoldReason::NoBids.slug(), "no_bids");
    }
}
