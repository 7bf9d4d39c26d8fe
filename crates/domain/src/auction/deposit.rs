//! Bidders, deposits and refunds (T3, issue 14).
//!
//! Decisions where the issue was silent:
//!
//! - **One registration per organisation per session**, numbered 1, 2, 3, … in registration
//!   order (shown as `竞买人 07`). It covers the lots it names, or every lot when it names none;
//!   the deposit due is the sum of those lots' deposits, and the operator confirms it once.
//! - **An agency may bid for a client** (enterprise or university: see `policy.rs`), naming it
//!   (`on_behalf_of`); the client is the buyer if it wins. A client takes part once per session,
//!   directly or through one agency (two bidder numbers for one buyer would let it bid against
//!   itself).
//! - **Who may not bid**: the operator and the auctioneer (拍卖法 art. 22: the auctioneer may not
//!   bid in its own auction; the operator sees the reserves), and a lot's seller, directly or
//!   through an agency, on its own lots (art. 30).
//! - **After the close of a lot**: the winner's deposit for that lot is applied to the price
//!   (`apply_to_price`); every other confirmed registration covering the lot is refunded its
//!   deposit (`refund`), and every confirmed one when the lot is unsold. Unconfirmed
//!   registrations paid nothing and get no line. Forfeiture when a winner does not pay (art. 39)
//!   is a later step, not decided here.

use crate::code::Code;
use serde::Serialize;

use super::close::Outcome;
use super::masked_bidder;
use crate::money::Fen;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// 1, 2, 3, … per session in registration order.
    pub bidder_no: u32,
    /// The registering (and bidding) organisation.
    pub org_id: i64,
    /// The client an agency bids for.
    pub on_behalf_of: Option<i64>,
    /// The lots registered for; empty means every lot of the session.
    pub lot_ids: Vec<i64>,
    /// The operator (or the auctioneer) confirmed the deposit.
    pub confirmed: bool,
}

impl Registration {
    /// The organisation that buys if this bidder wins.
    pub fn buyer_org_id(&self) -> i64 {
        self.on_behalf_of.unwrap_or(self.org_id)
    }

    pub fn covers(&self, lot_id: i64) -> bool {
        self.lot_ids.is_empty() || self.lot_ids.contains(&lot_id)
    }

    /// The `confirmed` argument of [`super::place_bid`] for this lot.
    pub fn may_bid(&self, lot_id: i64) -> bool {
        self.confirmed && self.covers(lot_id)
    }

    pub fn masked(&self) -> String {
        masked_bidder(self.bidder_no)
    }
}

/// Who organises a session and who sells each lot, for [`register_bidder`].
#[derive(Debug, Clone, Copy)]
pub struct SessionParties<'a> {
    pub operator_org_id: i64,
    pub auctioneer_org_id: i64,
    /// `(lot_id, seller_org_id)` for every lot of the session.
    pub lots: &'a [(i64, i64)],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("该机构（或其委托人）已报名本场拍卖会")]
    AlreadyRegistered,
    #[error("拍卖会的运营方和拍卖机构不得参与竞买（《拍卖法》第二十二条）")]
    OrganiserCannotBid,
    #[error("委托人不得竞买自己的标的（《拍卖法》第三十条）：标的 {lot_id}")]
    SellerCannotBid { lot_id: i64 },
    #[error("标的 {lot_id} 不属于本场拍卖会")]
    UnknownLot { lot_id: i64 },
}

impl RegisterError {
    pub fn code(&self) -> Code {
        match self {
            RegisterError::AlreadyRegistered => Code::AlreadyRegistered,
            RegisterError::OrganiserCannotBid => Code::OrganiserCannotBid,
            RegisterError::SellerCannotBid { .. } => Code::SellerCannotBid,
            RegisterError::UnknownLot { .. } => Code::UnknownLot,
        }
    }
}

/// Register `org_id` (for `on_behalf_of`, if an agency) for `lot_ids` (empty: every lot), after
/// the `existing` registrations of the session. Unconfirmed until the deposit is received.
pub fn register_bidder(
    existing: &[Registration],
    org_id: i64,
    on_behalf_of: Option<i64>,
    lot_ids: &[i64],
    parties: &SessionParties,
) -> Result<Registration, RegisterError> {
    let buyer = on_behalf_of.unwrap_or(org_id);
    let organisers = [parties.operator_org_id, parties.auctioneer_org_id];
    if organisers.contains(&org_id) || organisers.contains(&buyer) {
        return Err(RegisterError::OrganiserCannotBid);
    }
    if existing
        .iter()
        .any(|r| r.org_id == org_id || r.buyer_org_id() == buyer)
    {
        return Err(RegisterError::AlreadyRegistered);
    }
    let mut lots: Vec<i64> = Vec::new();
    for &id in lot_ids {
        if !parties.lots.iter().any(|(l, _)| *l == id) {
            return Err(RegisterError::UnknownLot { lot_id: id });
        }
        if !lots.contains(&id) {
            lots.push(id);
        }
    }
    let covered = |id: i64| lots.is_empty() || lots.contains(&id);
    if let Some((lot_id, _)) = parties
        .lots
        .iter()
        .find(|(l, seller)| covered(*l) && (*seller == org_id || *seller == buyer))
    {
        return Err(RegisterError::SellerCannotBid { lot_id: *lot_id });
    }
    let bidder_no = existing.iter().map(|r| r.bidder_no).max().unwrap_or(0) + 1;
    Ok(Registration {
        bidder_no,
        org_id,
        on_behalf_of,
        lot_ids: lots,
        confirmed: false,
    })
}

/// The deposit a registration owes: the sum of the deposits of the lots it covers, given as
/// `(lot_id, deposit)` for every lot of the session.
pub fn deposit_due(reg: &Registration, lots: &[(i64, Fen)]) -> Fen {
    lots.iter()
        .filter(|(id, _)| reg.covers(*id))
        .fold(Fen::ZERO, |sum, (_, d)| sum.checked_add(*d).unwrap_or(sum))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositAction {
    /// 退还
    Refund,
    /// 抵作价款
    ApplyToPrice,
}

impl DepositAction {
    pub fn slug(self) -> &'static str {
        match self {
            DepositAction::Refund => "refund",
            DepositAction::ApplyToPrice => "apply_to_price",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DepositAction::Refund => "退还保证金",
            DepositAction::ApplyToPrice => "保证金抵作价款",
        }
    }
}

/// What happens to one bidder's deposit for one lot after its close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositLine {
    pub bidder_no: u32,
    pub org_id: i64,
    pub amount: Fen,
    pub action: DepositAction,
}

/// The deposit lines of a closed lot (`lot_id`, its `deposit`), in bidder-number order. None
/// when the lot took no deposit.
pub fn settle_deposits(
    lot_id: i64,
    deposit: Fen,
    registrations: &[Registration],
    outcome: &Outcome,
) -> Vec<DepositLine> {
    if deposit == Fen::ZERO {
        return Vec::new();
    }
    let winner = outcome.sale().map(|s| s.winner_org_id);
    let mut lines: Vec<DepositLine> = registrations
        .iter()
        .filter(|r| r.may_bid(lot_id))
        .map(|r| DepositLine {
            bidder_no: r.bidder_no,
            org_id: r.org_id,
            amount: deposit,
            action: if winner == Some(r.org_id) {
                DepositAction::ApplyToPrice
            } else {
                DepositAction::Refund
            },
        })
        .collect();
    lines.sort_by_key(|l| l.bidder_no);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auction::close::{Sale, UnsoldReason};

    const OPERATOR: i64 = 1;
    const AUCTIONEER: i64 = 2;
    const UNIVERSITY: i64 = 3;
    const LOTS: [(i64, i64); 2] = [(101, UNIVERSITY), (102, 4)];

    fn parties() -> SessionParties<'static> {
        SessionParties {
            operator_org_id: OPERATOR,
            auctioneer_org_id: AUCTIONEER,
            lots: &LOTS,
        }
    }

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    #[test]
    fn t3_bidders_are_numbered_in_registration_order() {
        let mut regs = Vec::new();
        for org in [10, 11, 12] {
            let r = register_bidder(&regs, org, None, &[], &parties()).unwrap();
            regs.push(r);
        }
        assert_eq!(
            regs.iter().map(|r| r.bidder_no).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(regs[2].masked(), "竞买人 03");
        assert!(!regs[0].confirmed && !regs[0].may_bid(101));
        assert_eq!(
            register_bidder(&regs, 11, None, &[], &parties()),
            Err(RegisterError::AlreadyRegistered)
        );
        // The client of an agency counts as the same buyer.
        let via_agency = register_bidder(&regs, 20, Some(12), &[], &parties());
        assert_eq!(via_agency.unwrap_err().code(), "already_registered");
        let r = register_bidder(&regs, 20, Some(13), &[], &parties()).unwrap();
        assert_eq!((r.bidder_no, r.buyer_org_id()), (4, 13));
    }

    #[test]
    fn t3_organisers_and_sellers_may_not_bid() {
        for org in [OPERATOR, AUCTIONEER] {
            assert_eq!(
                register_bidder(&[], org, None, &[], &parties())
                    .unwrap_err()
                    .code(),
                "organiser_cannot_bid"
            );
        }
        // The university sells lot 101: not for all lots, not through an agency, but for 102.
        assert_eq!(
            register_bidder(&[], UNIVERSITY, None, &[], &parties()),
            Err(RegisterError::SellerCannotBid { lot_id: 101 })
        );
        assert_eq!(
            register_bidder(&[], 20, Some(UNIVERSITY), &[101], &parties())
                .unwrap_err()
                .code(),
            "seller_cannot_bid"
        );
        let r = register_bidder(&[], UNIVERSITY, None, &[102, 102], &parties()).unwrap();
        assert_eq!(r.lot_ids, [102]);
        assert!(r.covers(102) && !r.covers(101));
        assert_eq!(
            register_bidder(&[], 10, None, &[999], &parties())
                .unwrap_err()
                .code(),
            "unknown_lot"
        );
    }

    #[test]
    fn t3_the_deposit_due_is_the_sum_over_the_lots_covered() {
        let deposits = [(101, wan("20")), (102, wan("30"))];
        let all = register_bidder(&[], 10, None, &[], &parties()).unwrap();
        assert_eq!(deposit_due(&all, &deposits), wan("50"));
        let one = register_bidder(&[], 10, None, &[102], &parties()).unwrap();
        assert_eq!(deposit_due(&one, &deposits), wan("30"));
    }

    #[test]
    fn t3_after_close_the_winner_deposit_goes_to_the_price_and_the_others_are_refunded() {
        let reg = |no, org, confirmed, lots: &[i64]| Registration {
            bidder_no: no,
            org_id: org,
            on_behalf_of: None,
            lot_ids: lots.to_vec(),
            confirmed,
        };
        let regs = [
            reg(3, 12, true, &[]),
            reg(1, 10, true, &[]),
            reg(2, 11, false, &[]),
            reg(4, 13, true, &[102]),
        ];
        let sold = Outcome::Sold(Sale {
            bid_seq: 5,
            winner_org_id: 12,
            price: wan("300"),
            buyer_commission: wan("15"),
            seller_commission: wan("15"),
            deposit_applied: wan("20"),
            price_balance: wan("280"),
        });
        let lines = settle_deposits(101, wan("20"), &regs, &sold);
        let got: Vec<(u32, DepositAction)> =
            lines.iter().map(|l| (l.bidder_no, l.action)).collect();
        // Unconfirmed no. 2 paid nothing; no. 4 registered for the other lot.
        assert_eq!(
            got,
            [(1, DepositAction::Refund), (3, DepositAction::ApplyToPrice)]
        );
        assert!(lines.iter().all(|l| l.amount == wan("20")));
        let unsold = Outcome::Unsold {
            reason: UnsoldReason::BelowReserve,
        };
        let lines = settle_deposits(102, wan("30"), &regs, &unsold);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.action == DepositAction::Refund));
        assert!(settle_deposits(101, Fen::ZERO, &regs, &sold).is_empty());
    }
}
