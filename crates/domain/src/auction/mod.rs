//! Patent auctions (T3, issue 14): 拍卖会 sessions held with an exchange or a licensed auction
//! house, lots of one or more patents, bidders with confirmed deposits, live bidding with soft
//! close (延时) and proxy bids, the close (成交 / 流拍), deposits and the public views.
//!
//! The rules are pure: the clock is always a parameter (`now`, unix seconds) and nothing here
//! reads or writes storage. The shape is decide / evolve, so that one writer per lot can hold a
//! [`LotState`] in memory:
//!
//! 1. [`place_bid`] / [`set_proxy`] / [`close()`] read the state and decide: they return the
//!    [`LotEvent`]s to persist (or a [`BidError`] with a stable code), never a changed state;
//! 2. the writer persists the events in one transaction, then [`LotState::apply`]s them;
//! 3. after a restart, [`replay`] folds the stored events into the same state, checking each one.
//!
//! Deciding does not clone the bid history, so a bid costs O(number of proxies), not O(history).
//!
//! Files: [`input`] (the `POST /api/v1/auctions` body and its check), [`lot`] (the bidding state
//! machine), `proxy` (automatic bids), [`mod@close`] (成交 / 流拍), [`deposit`] (registration,
//! deposits and refunds), [`view`] (what the public and the parties see). Access rules are in
//! `crate::policy` (the auctions section).

pub mod close;
pub mod deposit;
pub mod input;
pub mod lot;
mod proxy;
pub mod view;

#[cfg(test)]
mod props;

use std::fmt;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};

use crate::money::{FEN_PER_WAN, Fen};

pub use close::{CloseError, Closing, Outcome, Sale, UnsoldReason, close};
pub use deposit::{
    DepositAction, DepositLine, RegisterError, Registration, SessionParties, deposit_due,
    register_bidder, settle_deposits,
};
pub use input::{Auction, AuctionInput, Lot, LotInput, amount_wan, check_auction};
pub use lot::{
    Bid, BidError, BidOutcome, Inconsistency, LotEvent, LotState, LotTerms, Proxy, ReplayError,
    min_next, place_bid, replay, set_proxy, status_at,
};
pub use view::{BidView, PublicLot, public_lot, winner_org_id};

/// The largest amount any lot, bid or proxy may name, in 万元: 1000 亿元. Far above any patent
/// sale, and low enough that sums of amounts never overflow `i64` fen.
pub const MAX_AMOUNT_WAN: i64 = 10_000_000;

/// [`MAX_AMOUNT_WAN`] in fen.
pub fn max_amount() -> Fen {
    Fen::from_fen(MAX_AMOUNT_WAN * FEN_PER_WAN).expect("positive")
}

/// Shanghai time (UTC+8, no daylight saving since 1991): the offset every answer is written in.
pub const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// Read an RFC 3339 time with its offset (`2026-12-10T14:00:00+08:00`, `…Z`) as unix seconds;
/// fractions of a second are dropped. `None` when malformed or without an offset.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.timestamp())
}

/// Write unix seconds as RFC 3339 in Shanghai time: `2026-12-10T14:00:00+08:00`.
pub fn format_rfc3339(unix: i64) -> String {
    let offset = FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS).expect("valid offset");
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// What a lot sells: the patents outright, or a licence under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotKind {
    /// 转让
    Transfer,
    /// 独占许可
    ExclusiveLicence,
    /// 普通许可
    OrdinaryLicence,
}

impl LotKind {
    pub const ALL: [LotKind; 3] = [
        LotKind::Transfer,
        LotKind::ExclusiveLicence,
        LotKind::OrdinaryLicence,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LotKind::Transfer => "transfer",
            LotKind::ExclusiveLicence => "exclusive_licence",
            LotKind::OrdinaryLicence => "ordinary_licence",
        }
    }

    pub fn parse(s: &str) -> Option<LotKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            LotKind::Transfer => "转让",
            LotKind::ExclusiveLicence => "独占许可",
            LotKind::OrdinaryLicence => "普通许可",
        }
    }
}

/// A lot's status as the API shows it. `Upcoming` and `Open` follow from the clock; `Sold` and
/// `Unsold` from the bids once the end has passed (see [`status_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotStatus {
    Upcoming,
    Open,
    Sold,
    Unsold,
}

impl LotStatus {
    pub const ALL: [LotStatus; 4] = [
        LotStatus::Upcoming,
        LotStatus::Open,
        LotStatus::Sold,
        LotStatus::Unsold,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LotStatus::Upcoming => "upcoming",
            LotStatus::Open => "open",
            LotStatus::Sold => "sold",
            LotStatus::Unsold => "unsold",
        }
    }

    pub fn parse(s: &str) -> Option<LotStatus> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            LotStatus::Upcoming => "即将开始",
            LotStatus::Open => "竞价中",
            LotStatus::Sold => "已成交",
            LotStatus::Unsold => "流拍",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, LotStatus::Sold | LotStatus::Unsold)
    }
}

/// Where the operator sends an unsold lot (流拍).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsoldRoute {
    /// Back to the supply list (T1), for negotiated deals.
    BackToSupplyList,
    /// Offered as an open licence (开放许可, Patent Law arts. 50–52).
    OpenLicence,
    /// Into a later auction session.
    LaterSession,
}

impl UnsoldRoute {
    pub const ALL: [UnsoldRoute; 3] = [
        UnsoldRoute::BackToSupplyList,
        UnsoldRoute::OpenLicence,
        UnsoldRoute::LaterSession,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            UnsoldRoute::BackToSupplyList => "back_to_supply_list",
            UnsoldRoute::OpenLicence => "open_licence",
            UnsoldRoute::LaterSession => "later_session",
        }
    }

    pub fn parse(s: &str) -> Option<UnsoldRoute> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            UnsoldRoute::BackToSupplyList => "退回供给清单",
            UnsoldRoute::OpenLicence => "转为开放许可",
            UnsoldRoute::LaterSession => "转入后续拍卖会",
        }
    }
}

/// A percentage with at most two decimals, held as basis points (hundredths of a percent):
/// `"5"` is 500, `"4.75"` is 475. Written back without trailing zeros (`5`, `4.75`, `0.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pct(u32);

impl Pct {
    /// 拍卖法 art. 56: without an agreement the auctioneer charges at most 5 % from each side.
    pub const STATUTORY_MAX: Pct = Pct(500);

    pub const fn from_bp(bp: u32) -> Pct {
        Pct(bp)
    }

    pub fn bp(self) -> u32 {
        self.0
    }

    /// `"5"`, `"4.75"`, `" 5% "`; 0–100 with at most two decimals.
    pub fn parse(s: &str) -> Option<Pct> {
        let s = s.trim();
        let s = s.strip_suffix('%').unwrap_or(s).trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
        if int.is_empty()
            || frac.is_empty()
            || int.len() > 3
            || frac.len() > 2
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let int: u32 = int.parse().ok()?;
        let frac: u32 = format!("{frac:0<2}").parse().ok()?;
        let bp = int * 100 + frac;
        (bp <= 10_000).then_some(Pct(bp))
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{int}"),
            n if n % 10 == 0 => write!(f, "{int}.{}", n / 10),
            n => write!(f, "{int}.{n:02}"),
        }
    }
}

impl Serialize for Pct {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The commission on a hammer price, in whole fen rounded half up (拍卖法 art. 56).
pub fn commission(price: Fen, pct: Pct) -> Fen {
    let fen = (i128::from(price.fen()) * i128::from(pct.bp()) + 5_000) / 10_000;
    Fen::from_fen(i64::try_from(fen).unwrap_or(i64::MAX)).unwrap_or(Fen::ZERO)
}

/// How a bidder is shown to others: `竞买人 07`. Numbers are given in registration order per
/// session ([`deposit::register_bidder`]); two digits at least.
pub fn masked_bidder(bidder_no: u32) -> String {
    format!("竞买人 {bidder_no:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    #[test]
    fn t3_rfc3339_times_read_with_their_offset_and_write_in_shanghai_time() {
        let t = parse_rfc3339("2026-12-10T14:00:00+08:00").unwrap();
        assert_eq!(t, 1_796_882_400);
        assert_eq!(parse_rfc3339("2026-12-10T06:00:00Z"), Some(t));
        assert_eq!(parse_rfc3339(" 2026-12-10T14:00:00.900+08:00 "), Some(t));
        assert_eq!(format_rfc3339(t), "2026-12-10T14:00:00+08:00");
        assert_eq!(format_rfc3339(t + 59), "2026-12-10T14:00:59+08:00");
        // No offset, or not a time at all.
        assert_eq!(parse_rfc3339("2026-12-10T14:00:00"), None);
        assert_eq!(parse_rfc3339("2026-12-10 14:00"), None);
        assert_eq!(parse_rfc3339("2026-13-10T14:00:00+08:00"), None);
    }

    #[test]
    fn t3_commission_is_integer_fen_rounded_half_up() {
        // The 2018 university auction: sold at 300 万, 5 % is 15 万.
        assert_eq!(commission(wan("300"), Pct::parse("5").unwrap()), wan("15"));
        // 0.000001 万 (1 fen) × 50 % = 0.5 fen → 1 fen; × 49.99 % → 0.4999 → 0.
        let one = Fen::from_fen(1).unwrap();
        assert_eq!(commission(one, Pct::from_bp(5_000)).fen(), 1);
        assert_eq!(commission(one, Pct::from_bp(4_999)).fen(), 0);
        // 3 fen × 4.75 % = 0.1425 → 0; 11 fen × 4.75 % = 0.5225 → 1.
        let p = Pct::parse("4.75").unwrap();
        assert_eq!(commission(Fen::from_fen(3).unwrap(), p).fen(), 0);
        assert_eq!(commission(Fen::from_fen(11).unwrap(), p).fen(), 1);
        assert_eq!(commission(max_amount(), Pct::from_bp(10_000)), max_amount());
        assert_eq!(commission(wan("280"), Pct::from_bp(0)), Fen::ZERO);
    }

    #[test]
    fn t3_percentages_have_at_most_two_decimals_and_at_most_100() {
        assert_eq!(Pct::parse("5"), Some(Pct::from_bp(500)));
        assert_eq!(Pct::parse(" 4.75% "), Some(Pct::from_bp(475)));
        assert_eq!(Pct::parse("0.5"), Some(Pct::from_bp(50)));
        assert_eq!(Pct::parse("100"), Some(Pct::from_bp(10_000)));
        for bad in ["", ".5", "5.", "4.755", "100.01", "-1", "五", "1e2", "1000"] {
            assert_eq!(Pct::parse(bad), None, "{bad}");
        }
        for s in ["5", "4.75", "0.5", "0", "12.05"] {
            assert_eq!(Pct::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(
            serde_json::to_string(&Pct::from_bp(450)).unwrap(),
            "\"4.5\""
        );
    }

    #[test]
    fn t3_bidders_are_masked_with_two_digit_numbers() {
        assert_eq!(masked_bidder(7), "竞买人 07");
        assert_eq!(masked_bidder(12), "竞买人 12");
        assert_eq!(masked_bidder(100), "竞买人 100");
    }

    #[test]
    fn t3_enums_round_trip_their_slugs() {
        for k in LotKind::ALL {
            assert_eq!(LotKind::parse(k.slug()), Some(k));
        }
        for s in LotStatus::ALL {
            assert_eq!(LotStatus::parse(s.slug()), Some(s));
        }
        for r in UnsoldRoute::ALL {
            assert_eq!(UnsoldRoute::parse(r.slug()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.slug())
            );
        }
        assert_eq!(LotKind::parse("licence"), None);
        assert_eq!(LotKind::ExclusiveLicence.label(), "独占许可");
        assert!(LotStatus::Unsold.is_closed() && !LotStatus::Open.is_closed());
    }
}
