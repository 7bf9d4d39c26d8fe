//! The body of `POST /api/v1/auctions` and its check (T3, issue 14).

use crate::code::Code;
use std::collections::HashMap;

use serde::Deserialize;

use super::lot::LotTerms;
use super::{LotKind, MAX_AMOUNT_WAN, Pct, format_rfc3339, max_amount, parse_rfc3339};
use crate::application::serde_json_number::Number;
use crate::ident::PatentApplicationNumber;
use crate::money::{Fen, WanText};
use crate::validation::{Errors, FieldError, text};

pub const TITLE_MIN_CHARS: usize = 2;
pub const TITLE_MAX_CHARS: usize = 100;
pub const RULES_MAX_CHARS: usize = 10_000;
/// Soft-close window: 0 (none) to an hour, five minutes unless stated.
pub const SOFT_CLOSE_MAX_SECONDS: i64 = 3600;
pub const DEFAULT_SOFT_CLOSE_SECONDS: i64 = 300;
/// Lots per session and patents per lot.
pub const LOTS_MAX: usize = 100;
pub const PATENTS_PER_LOT_MAX: usize = 50;
/// The owner's consent as recorded (权利人授权书 2026-11-30): at most this many characters.
pub const OWNER_CONSENT_MAX_CHARS: usize = 200;
/// A start this long before `now` still counts as "now" (a client's clock and the request's
/// travel); earlier is a mistake.
pub const START_GRACE_SECONDS: i64 = 300;
/// A session is scheduled at most a year ahead and bids for at most 30 days.
pub const MAX_LEAD_DAYS: i64 = 366;
pub const MAX_DURATION_DAYS: i64 = 30;
/// With `commission_agreed`, a rate above the statutory 5 % up to this is accepted; more is
/// taken for a typing error.
pub const MAX_AGREED_COMMISSION_PCT: u32 = 20;

const DAY: i64 = 86_400;

/// An auction session as the API receives it. Every field may be missing so that a missing
/// field is a field error, not a parse error; unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct AuctionInput {
    pub title: Option<String>,
    /// 竞买须知 / 拍卖规则 (optional: the contract's example body has none).
    pub rules: Option<String>,
    /// RFC 3339 with an offset: `2026-12-10T14:00:00+08:00`.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub soft_close_seconds: Option<i64>,
    /// The buyer's commission in percent, `"5"` unless stated.
    pub commission_pct: Option<Number>,
    /// The seller's commission in percent, `"5"` unless stated.
    pub seller_commission_pct: Option<Number>,
    /// Both sides agreed in writing to a commission above 5 % (拍卖法 art. 56).
    pub commission_agreed: Option<bool>,
    /// The exchange or licensed auction house that conducts the auction.
    pub auctioneer_org_id: Option<i64>,
    pub lots: Vec<LotInput>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct LotInput {
    pub title: Option<String>,
    /// Patent application numbers, any accepted spelling.
    pub patents: Vec<String>,
    /// `transfer` | `exclusive_licence` | `ordinary_licence`
    pub kind: Option<String>,
    pub start_price_wan: Option<WanText>,
    pub increment_wan: Option<WanText>,
    /// Secret until the close.
    pub reserve_wan: Option<WanText>,
    pub deposit_wan: Option<WanText>,
    /// The patents' owner's consent to the sale as recorded by the operator (e.g.
    /// `权利人授权书 2026-11-30`), at most 200 characters. Optional in the API (the contract's
    /// body has none); the operator's form requires it.
    pub owner_consent: Option<String>,
}

/// A checked session: every field valid. Times are unix seconds. Not `Serialize`: its lots hold
/// the secret reserves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auction {
    pub title: String,
    /// Empty when none was given.
    pub rules: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub soft_close_seconds: i64,
    pub buyer_commission: Pct,
    pub seller_commission: Pct,
    pub commission_agreed: bool,
    pub auctioneer_org_id: i64,
    pub lots: Vec<Lot>,
}

/// A checked lot. Not `Serialize`: it holds the secret reserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub title: String,
    /// Canonical, without duplicates, in the order given.
    pub patents: Vec<PatentApplicationNumber>,
    pub kind: LotKind,
    pub start_price: Fen,
    pub increment: Fen,
    pub reserve: Option<Fen>,
    pub deposit: Fen,
    /// Trimmed; `None` when not given.
    pub owner_consent: Option<String>,
}

impl Auction {
    /// The terms of lot `i` (0-based), to build its [`super::LotState`].
    pub fn lot_terms(&self, i: usize) -> Option<LotTerms> {
        let lot = self.lots.get(i)?;
        Some(LotTerms {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            soft_close_seconds: self.soft_close_seconds,
            start_price: lot.start_price,
            increment: lot.increment,
            reserve: lot.reserve,
            deposit: lot.deposit,
            buyer_commission: self.buyer_commission,
            seller_commission: self.seller_commission,
        })
    }
}

/// An amount in 万元 with at most two decimals and at most [`MAX_AMOUNT_WAN`]: lot amounts, a
/// bid's `amount_wan`, a proxy's `max_wan`. Codes: `required`, the money codes (`bad_amount`,
/// `negative_amount`, `amount_too_large`).
pub fn amount_wan(field: &str, label: &str, value: Option<&WanText>) -> Result<Fen, FieldError> {
    let Some(v) = value.filter(|v| !v.0.trim().is_empty()) else {
        return Err(FieldError::required(field, label));
    };
    let f = v.fen_2dp().map_err(|e| {
        let reason = match e.code() {
            Code::BadAmount => "应为数字（万元），最多两位小数".to_string(),
            _ => e.to_string(),
        };
        FieldError::new(field, e.code(), format!("{label}“{}”：{reason}", v.0))
    })?;
    if f > max_amount() {
        return Err(FieldError::new(
            field,
            Code::AmountTooLarge,
            format!("{label}过大：最多 {MAX_AMOUNT_WAN} 万元"),
        ));
    }
    Ok(f)
}

fn time(field: &str, label: &str, value: Option<&str>) -> Result<i64, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Err(FieldError::required(field, label));
    }
    parse_rfc3339(v).ok_or_else(|| {
        FieldError::new(
            field,
            Code::BadDatetime,
            format!("{label}“{v}”无效：应为带时区的 RFC 3339 时间，如 2026-12-10T14:00:00+08:00"),
        )
    })
}

fn pct(field: &str, label: &str, value: Option<&Number>, agreed: bool) -> Result<Pct, FieldError> {
    let Some(v) = value.map(|n| n.0.trim()).filter(|v| !v.is_empty()) else {
        return Ok(Pct::STATUTORY_MAX);
    };
    let p = Pct::parse(v).ok_or_else(|| {
        FieldError::new(
            field,
            Code::BadPercent,
            format!("{label}“{v}”无效：应为 0–100 的百分数，最多两位小数"),
        )
    })?;
    if p > Pct::STATUTORY_MAX && !agreed {
        return Err(FieldError::new(
            field,
            Code::CommissionNeedsAgreement,
            format!(
                "{label} {p}% 超过 5%：依《拍卖法》第五十六条，超过 5% 须双方约定（commission_agreed）"
            ),
        ));
    }
    if p.bp() > MAX_AGREED_COMMISSION_PCT * 100 {
        return Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label} {p}% 过高：最多 {MAX_AGREED_COMMISSION_PCT}%"),
        ));
    }
    Ok(p)
}

fn title(field: &str, label: &str, value: Option<&str>) -> Result<String, FieldError> {
    match text(field, label, value, true, TITLE_MAX_CHARS)? {
        Some(t) if t.chars().count() < TITLE_MIN_CHARS => Err(FieldError::new(
            field,
            Code::TooShort,
            format!("{label}过短：至少 {TITLE_MIN_CHARS} 个字符"),
        )),
        t => Ok(t.unwrap_or_default()),
    }
}

/// Check a session as a whole at `now` (unix seconds), reporting every bad field. The rules:
///
/// - `title`: required, 2–100 characters; `rules`: optional, at most 10,000;
/// - `starts_at`, `ends_at`: RFC 3339 with an offset (`bad_datetime`); the start may be now but
///   not more than [`START_GRACE_SECONDS`] before it, nor more than a year ahead (`in_the_past`,
///   `date_too_far`); the end after the start (`ends_before_start`), in the future
///   (`in_the_past`) and at most 30 days after the start (`too_long_duration`);
/// - `soft_close_seconds`: 0–3600, 300 unless stated (`out_of_range`);
/// - `commission_pct` (buyer), `seller_commission_pct`: 0–5 with at most two decimals, `"5"`
///   unless stated (`bad_percent`); above 5 only with `commission_agreed: true`
///   (`commission_needs_agreement`), and never above 20 (`out_of_range`);
/// - `auctioneer_org_id`: required, positive (whether it is an exchange or a licensed auction
///   house is the store's check);
/// - `lots`: 1–100 (`required`, `too_many`); each `lots.N.title` 2–100 characters;
///   `lots.N.patents`: 1–50 (`required`, `too_many`), each `lots.N.patents.M` a valid application
///   number (the identifier codes), repeated within a lot dropped, the same patent in two lots
///   refused (`duplicate_patent`); `lots.N.kind` one of [`LotKind`] (`unknown_value`);
///   `lots.N.start_price_wan`, `increment_wan`: above zero (`out_of_range`);
///   `lots.N.reserve_wan`: optional, not below the start price (`reserve_below_start`);
///   `lots.N.deposit_wan`: required, zero allowed, not above the start price
///   (`deposit_above_start`, so a winner's deposit never exceeds its price). Every amount in
///   万元 with at most two decimals.
/// - `lots.N.owner_consent`: optional, at most 200 characters (`too_long`): the owner's consent
///   as recorded (the operator's form requires it).
pub fn check_auction(input: &AuctionInput, now: i64) -> Result<Auction, Vec<FieldError>> {
    let mut errs = Errors::default();
    let title_v = errs.take(title("title", "拍卖会名称", input.title.as_deref()));
    let rules = errs
        .take(text(
            "rules",
            "拍卖规则",
            input.rules.as_deref(),
            false,
            RULES_MAX_CHARS,
        ))
        .map(Option::unwrap_or_default);

    let starts_raw = errs.take(time("starts_at", "开始时间", input.starts_at.as_deref()));
    let starts_at = match starts_raw {
        Some(s) if s < now - START_GRACE_SECONDS => {
            errs.push(FieldError::new(
                "starts_at",
                Code::InThePast,
                format!(
                    "开始时间 {} 早于当前时间（{}）",
                    format_rfc3339(s),
                    format_rfc3339(now)
                ),
            ));
            None
        }
        Some(s) if s > now + MAX_LEAD_DAYS * DAY => {
            errs.push(FieldError::new(
                "starts_at",
                Code::DateTooFar,
                format!("开始时间 {} 超过一年以后", format_rfc3339(s)),
            ));
            None
        }
        s => s,
    };
    let ends_at = match (
        starts_raw,
        errs.take(time("ends_at", "结束时间", input.ends_at.as_deref())),
    ) {
        (_, Some(e)) if e <= now => {
            errs.push(FieldError::new(
                "ends_at",
                Code::InThePast,
                format!("结束时间 {} 已过", format_rfc3339(e)),
            ));
            None
        }
        (Some(s), Some(e)) if e <= s => {
            errs.push(FieldError::new(
                "ends_at",
                Code::EndsBeforeStart,
                "结束时间应晚于开始时间",
            ));
            None
        }
        (Some(s), Some(e)) if e - s > MAX_DURATION_DAYS * DAY => {
            errs.push(FieldError::new(
                "ends_at",
                Code::TooLongDuration,
                format!("竞价时长不能超过 {MAX_DURATION_DAYS} 天"),
            ));
            None
        }
        (_, e) => e,
    };
    let soft_close_seconds = match input.soft_close_seconds {
        None => Some(DEFAULT_SOFT_CLOSE_SECONDS),
        Some(n) if (0..=SOFT_CLOSE_MAX_SECONDS).contains(&n) => Some(n),
        Some(n) => {
            errs.push(FieldError::new(
                "soft_close_seconds",
                Code::OutOfRange,
                format!("延时周期应在 0–{SOFT_CLOSE_MAX_SECONDS} 秒之间，而不是 {n}"),
            ));
            None
        }
    };
    let agreed = input.commission_agreed.unwrap_or(false);
    let buyer_commission = errs.take(pct(
        "commission_pct",
        "买受人佣金比例",
        input.commission_pct.as_ref(),
        agreed,
    ));
    let seller_commission = errs.take(pct(
        "seller_commission_pct",
        "委托人佣金比例",
        input.seller_commission_pct.as_ref(),
        agreed,
    ));
    let auctioneer_org_id = match input.auctioneer_org_id {
        None => {
            errs.push(FieldError::required("auctioneer_org_id", "拍卖机构"));
            None
        }
        Some(id) if id <= 0 => {
            errs.push(FieldError::new(
                "auctioneer_org_id",
                Code::OutOfRange,
                format!("拍卖机构编号 {id} 无效"),
            ));
            None
        }
        id => id,
    };

    if input.lots.is_empty() {
        errs.push(FieldError::new(
            "lots",
            Code::Required,
            "至少需要一个拍卖标的",
        ));
    } else if input.lots.len() > LOTS_MAX {
        errs.push(FieldError::new(
            "lots",
            Code::TooMany,
            format!(
                "拍卖标的过多：{} 个，一场最多 {LOTS_MAX} 个",
                input.lots.len()
            ),
        ));
    }
    // Which lot first named each patent, to refuse it in a second lot.
    let mut seen: HashMap<PatentApplicationNumber, usize> = HashMap::new();
    let lots: Vec<Option<Lot>> = input
        .lots
        .iter()
        .take(LOTS_MAX)
        .enumerate()
        .map(|(i, l)| check_lot(i, l, &mut seen, &mut errs))
        .collect();

    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Auction {
        title: title_v.expect("checked"),
        rules: rules.expect("checked"),
        starts_at: starts_at.expect("checked"),
        ends_at: ends_at.expect("checked"),
        soft_close_seconds: soft_close_seconds.expect("checked"),
        buyer_commission: buyer_commission.expect("checked"),
        seller_commission: seller_commission.expect("checked"),
        commission_agreed: agreed,
        auctioneer_org_id: auctioneer_org_id.expect("checked"),
        lots: lots.into_iter().map(|l| l.expect("checked")).collect(),
    })
}

fn check_lot(
    i: usize,
    l: &LotInput,
    seen: &mut HashMap<PatentApplicationNumber, usize>,
    errs: &mut Errors,
) -> Option<Lot> {
    let f = |name: &str| format!("lots.{i}.{name}");
    let n = i + 1;
    let title_v = errs.take(title(
        &f("title"),
        &format!("标的 {n} 名称"),
        l.title.as_deref(),
    ));

    let mut patents: Vec<PatentApplicationNumber> = Vec::new();
    let given: Vec<(usize, &String)> = l
        .patents
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.trim().is_empty())
        .collect();
    if given.is_empty() {
        errs.push(FieldError::new(
            f("patents"),
            Code::Required,
            format!("标的 {n} 至少需要一件专利"),
        ));
    } else if given.len() > PATENTS_PER_LOT_MAX {
        errs.push(FieldError::new(
            f("patents"),
            Code::TooMany,
            format!("标的 {n} 的专利过多：最多 {PATENTS_PER_LOT_MAX} 件"),
        ));
    }
    for (m, p) in given.into_iter().take(PATENTS_PER_LOT_MAX) {
        let field = format!("lots.{i}.patents.{m}");
        match PatentApplicationNumber::parse(p) {
            Err(e) => errs.push(FieldError::new(
                field,
                e.code,
                format!("标的 {n} 的专利申请号“{p}”：{}", e.message),
            )),
            Ok(num) => match seen.get(&num) {
                Some(&lot) if lot == i => {}
                Some(&lot) => errs.push(FieldError::new(
                    field,
                    Code::DuplicatePatent,
                    format!(
                        "专利 {num} 已在标的 {} 中，同一专利不能分属两个标的",
                        lot + 1
                    ),
                )),
                None => {
                    seen.insert(num.clone(), i);
                    patents.push(num);
                }
            },
        }
    }

    let kind = match l.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => {
            errs.push(FieldError::required(f("kind"), &format!("标的 {n} 类型")));
            None
        }
        Some(k) => errs.take(LotKind::parse(k).ok_or_else(|| {
            FieldError::new(
                f("kind"),
                Code::UnknownValue,
                format!(
                    "标的 {n} 类型“{k}”应为 transfer（转让）、exclusive_licence（独占许可）或 ordinary_licence（普通许可）"
                ),
            )
        })),
    };
    let positive = |name: &str, label: &str, v: Option<&WanText>| {
        amount_wan(&f(name), label, v).and_then(|a| {
            if a > Fen::ZERO {
                Ok(a)
            } else {
                Err(FieldError::new(
                    f(name),
                    Code::OutOfRange,
                    format!("{label}应大于零"),
                ))
            }
        })
    };
    let start = errs.take(positive(
        "start_price_wan",
        &format!("标的 {n} 起拍价"),
        l.start_price_wan.as_ref(),
    ));
    let increment = errs.take(positive(
        "increment_wan",
        &format!("标的 {n} 加价幅度"),
        l.increment_wan.as_ref(),
    ));
    let reserve = match &l.reserve_wan {
        Some(r) if !r.0.trim().is_empty() => {
            match errs.take(amount_wan(
                &f("reserve_wan"),
                &format!("标的 {n} 保留价"),
                Some(r),
            )) {
                Some(r) if start.is_some_and(|s| r < s) => {
                    errs.push(FieldError::new(
                        f("reserve_wan"),
                        Code::ReserveBelowStart,
                        format!("标的 {n} 保留价不能低于起拍价"),
                    ));
                    None
                }
                r => r.map(Some),
            }
        }
        _ => Some(None),
    };
    let deposit = match errs.take(amount_wan(
        &f("deposit_wan"),
        &format!("标的 {n} 保证金"),
        l.deposit_wan.as_ref(),
    )) {
        Some(d) if start.is_some_and(|s| d > s) => {
            errs.push(FieldError::new(
                f("deposit_wan"),
                Code::DepositAboveStart,
                format!("标的 {n} 保证金不能高于起拍价"),
            ));
            None
        }
        d => d,
    };
    let owner_consent = errs.take(text(
        &f("owner_consent"),
        &format!("标的 {n} 权利人同意"),
        l.owner_consent.as_deref(),
        false,
        OWNER_CONSENT_MAX_CHARS,
    ));
    Some(Lot {
        title: title_v?,
        patents,
        kind: kind?,
        start_price: start?,
        increment: increment?,
        reserve: reserve?,
        deposit: deposit?,
        owner_consent: owner_consent?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-01T10:00:00+08:00
    const NOW: i64 = 1_796_090_400;

    fn wt(s: &str) -> Option<WanText> {
        Some(WanText(s.into()))
    }

    fn lot(patent: &str) -> LotInput {
        LotInput {
            title: Some("一种锂电池正极材料专利包".into()),
            patents: vec![patent.into()],
            kind: Some("transfer".into()),
            start_price_wan: wt("250"),
            increment_wan: wt("10"),
            reserve_wan: wt("280"),
            deposit_wan: wt("20"),
            owner_consent: None,
        }
    }

    fn input() -> AuctionInput {
        AuctionInput {
            title: Some("2026 高校专利拍卖会".into()),
            rules: Some("竞买人须先交纳保证金。".into()),
            starts_at: Some("2026-12-10T14:00:00+08:00".into()),
            ends_at: Some("2026-12-10T16:00:00+08:00".into()),
            soft_close_seconds: None,
            commission_pct: None,
            seller_commission_pct: None,
            commission_agreed: None,
            auctioneer_org_id: Some(42),
            lots: vec![lot("ZL 2017 1 0601862.3"), lot("95115608.X")],
        }
    }

    fn errs_of(i: &AuctionInput, now: i64) -> Vec<(String, &'static str)> {
        check_auction(i, now)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
        vec![(field.to_string(), code)]
    }

    #[test]
    fn t3_the_contract_body_parses_with_defaults() {
        let body = r#"{"title": "2026 高校专利拍卖会", "starts_at": "2026-12-10T14:00:00+08:00",
            "ends_at": "2026-12-10T16:00:00+08:00", "soft_close_seconds": 300, "commission_pct": "5",
            "auctioneer_org_id": 42, "extra": true,
            "lots": [{"title": "专利包 A", "patents": ["201710601862.3"], "kind": "transfer",
              "start_price_wan": "250", "increment_wan": 10, "reserve_wan": "280", "deposit_wan": "20"}]}"#;
        let i: AuctionInput = serde_json::from_str(body).unwrap();
        let a = check_auction(&i, NOW).unwrap();
        assert_eq!(a.starts_at, 1_796_882_400);
        assert_eq!(a.ends_at - a.starts_at, 7200);
        assert_eq!(a.soft_close_seconds, 300);
        assert_eq!(
            (a.buyer_commission.bp(), a.seller_commission.bp()),
            (500, 500)
        );
        assert_eq!(a.rules, "");
        let l = &a.lots[0];
        assert_eq!(l.patents[0].as_str(), "201710601862.3");
        assert_eq!(l.kind, LotKind::Transfer);
        assert_eq!(
            (l.start_price, l.increment, l.reserve, l.deposit),
            (
                Fen::parse_wan("250").unwrap(),
                Fen::parse_wan("10").unwrap(),
                Some(Fen::parse_wan("280").unwrap()),
                Fen::parse_wan("20").unwrap()
            )
        );
        let t = a.lot_terms(0).unwrap();
        assert_eq!(
            (t.starts_at, t.ends_at, t.soft_close_seconds),
            (a.starts_at, a.ends_at, 300)
        );
        assert!(a.lot_terms(1).is_none());
        // Missing fields are field errors, not parse errors.
        let empty: AuctionInput = serde_json::from_str("{}").unwrap();
        let e = errs_of(&empty, NOW);
        for f in ["title", "starts_at", "ends_at", "auctioneer_org_id", "lots"] {
            assert!(e.contains(&(f.to_string(), "required")), "{f}: {e:?}");
        }
    }

    #[test]
    fn t3_a_session_may_start_now_but_not_end_in_the_past() {
        let mut i = input();
        // Starts now (tests run in seconds), and a little before now (a slow request).
        i.starts_at = Some(format_rfc3339(NOW));
        i.ends_at = Some(format_rfc3339(NOW + 5));
        assert!(check_auction(&i, NOW).is_ok());
        i.ends_at = Some(format_rfc3339(NOW + 3600));
        assert!(check_auction(&i, NOW + START_GRACE_SECONDS).is_ok());
        i.starts_at = Some(format_rfc3339(NOW - START_GRACE_SECONDS - 1));
        assert_eq!(errs_of(&i, NOW), one("starts_at", "in_the_past"));
        i.starts_at = Some(format_rfc3339(NOW - 60));
        i.ends_at = Some(format_rfc3339(NOW));
        assert_eq!(errs_of(&i, NOW), one("ends_at", "in_the_past"));
        i.starts_at = Some("2026-12-10T14:00:00+08:00".into());
        i.ends_at = Some("2026-12-10T14:00:00+08:00".into());
        assert_eq!(errs_of(&i, NOW), one("ends_at", "ends_before_start"));
        i.ends_at = Some("2027-01-09T14:00:01+08:00".into());
        assert_eq!(errs_of(&i, NOW), one("ends_at", "too_long_duration"));
        i.ends_at = Some("2027-01-09T14:00:00+08:00".into());
        assert!(check_auction(&i, NOW).is_ok(), "exactly 30 days");
        i.starts_at = Some("2026-12-10 14:00".into());
        assert_eq!(errs_of(&i, NOW), one("starts_at", "bad_datetime"));
        i.starts_at = Some("2028-12-10T14:00:00+08:00".into());
        i.ends_at = Some("2028-12-10T16:00:00+08:00".into());
        assert_eq!(errs_of(&i, NOW), one("starts_at", "date_too_far"));
    }

    #[test]
    fn t3_soft_close_and_commission_bounds() {
        let mut i = input();
        i.soft_close_seconds = Some(0);
        assert_eq!(check_auction(&i, NOW).unwrap().soft_close_seconds, 0);
        i.soft_close_seconds = Some(3600);
        assert!(check_auction(&i, NOW).is_ok());
        i.soft_close_seconds = Some(3601);
        assert_eq!(errs_of(&i, NOW), one("soft_close_seconds", "out_of_range"));
        i.soft_close_seconds = Some(-1);
        assert_eq!(errs_of(&i, NOW), one("soft_close_seconds", "out_of_range"));

        // 拍卖法 art. 56: 5 % from each side at most, unless agreed.
        let mut i = input();
        i.commission_pct = Some(Number("4.5".into()));
        i.seller_commission_pct = Some(Number("0".into()));
        let a = check_auction(&i, NOW).unwrap();
        assert_eq!(
            (a.buyer_commission.bp(), a.seller_commission.bp()),
            (450, 0)
        );
        i.commission_pct = Some(Number("5.01".into()));
        assert_eq!(
            errs_of(&i, NOW),
            one("commission_pct", "commission_needs_agreement")
        );
        i.commission_agreed = Some(true);
        assert_eq!(check_auction(&i, NOW).unwrap().buyer_commission.bp(), 501);
        i.seller_commission_pct = Some(Number("20.01".into()));
        assert_eq!(
            errs_of(&i, NOW),
            one("seller_commission_pct", "out_of_range")
        );
        i.seller_commission_pct = Some(Number("五".into()));
        assert_eq!(
            errs_of(&i, NOW),
            one("seller_commission_pct", "bad_percent")
        );
    }

    #[test]
    fn t3_lot_amounts_are_checked_each_in_its_field() {
        let mut i = input();
        i.lots[0].start_price_wan = wt("0");
        i.lots[0].increment_wan = wt("10.001");
        i.lots[0].deposit_wan = None;
        i.lots[1].reserve_wan = wt("249.99");
        i.lots[1].deposit_wan = wt("250.01");
        i.lots[1].increment_wan = wt("-1");
        assert_eq!(
            errs_of(&i, NOW),
            vec![
                ("lots.0.start_price_wan".to_string(), "out_of_range"),
                ("lots.0.increment_wan".to_string(), "bad_amount"),
                ("lots.0.deposit_wan".to_string(), "required"),
                ("lots.1.increment_wan".to_string(), "negative_amount"),
                ("lots.1.reserve_wan".to_string(), "reserve_below_start"),
                ("lots.1.deposit_wan".to_string(), "deposit_above_start"),
            ]
        );
        // Boundaries: reserve equal to the start, deposit equal to it or zero, no reserve.
        let mut i = input();
        i.lots[0].reserve_wan = wt("250");
        i.lots[0].deposit_wan = wt("250");
        i.lots[1].reserve_wan = None;
        i.lots[1].deposit_wan = wt("0");
        let a = check_auction(&i, NOW).unwrap();
        assert_eq!(a.lots[0].reserve, Some(a.lots[0].start_price));
        assert_eq!((a.lots[1].reserve, a.lots[1].deposit), (None, Fen::ZERO));
        i.lots[0].start_price_wan = wt("10000000.01");
        assert_eq!(
            errs_of(&i, NOW),
            vec![("lots.0.start_price_wan".to_string(), "amount_too_large")]
        );
    }

    #[test]
    fn t3_lots_patents_and_kinds() {
        let mut i = input();
        i.lots[0].patents = vec![
            "201710601862.3".into(),
            "ZL201710601862.3".into(),
            "202310100002.X".into(),
        ];
        i.lots[1].patents = vec!["95115608.X".into(), "CN201710601862.3".into()];
        i.lots[1].kind = Some("licence".into());
        i.lots[1].title = Some("包".into());
        assert_eq!(
            errs_of(&i, NOW),
            vec![
                ("lots.0.patents.2".to_string(), "bad_check_digit"),
                ("lots.1.title".to_string(), "too_short"),
                ("lots.1.patents.1".to_string(), "duplicate_patent"),
                ("lots.1.kind".to_string(), "unknown_value"),
            ]
        );
        let mut i = input();
        i.lots[0].patents = vec!["201710601862.3".into(), " 201710601862.3".into()];
        i.lots[1].kind = Some("ordinary_licence".into());
        let a = check_auction(&i, NOW).unwrap();
        assert_eq!(a.lots[0].patents.len(), 1, "repeated within a lot: dropped");
        assert_eq!(a.lots[1].kind, LotKind::OrdinaryLicence);
        i.lots[1].patents = vec![" ".into()];
        assert_eq!(errs_of(&i, NOW), one("lots.1.patents", "required"));
        i.lots[1].patents = vec!["95115608.X".into(); PATENTS_PER_LOT_MAX + 1];
        assert_eq!(errs_of(&i, NOW), one("lots.1.patents", "too_many"));
        // 1–100 lots, each with its own patent.
        let mut i = input();
        i.lots = (0..LOTS_MAX)
            .map(|k| {
                let digits = format!("2020101{k:05}");
                let check = crate::ident::patent_check_char(&digits).unwrap();
                lot(&format!("{digits}.{check}"))
            })
            .collect();
        assert_eq!(check_auction(&i, NOW).unwrap().lots.len(), LOTS_MAX);
        i.lots.push(lot("95115608.X"));
        assert_eq!(errs_of(&i, NOW), one("lots", "too_many"));
        i.lots.clear();
        assert_eq!(errs_of(&i, NOW), one("lots", "required"));
    }

    #[test]
    fn t3_bid_amounts_are_wan_with_two_decimals() {
        let ok = |s: &str| amount_wan("amount_wan", "出价", Some(&WanText(s.into())));
        assert_eq!(ok("260").unwrap(), Fen::parse_wan("260").unwrap());
        assert_eq!(ok("260.05").unwrap().fen(), 260_050_000);
        assert_eq!(ok("260.001").unwrap_err().code, "bad_amount");
        assert_eq!(ok("abc").unwrap_err().code, "bad_amount");
        assert_eq!(ok("").unwrap_err().code, "required");
        assert_eq!(ok("10000000").unwrap(), max_amount());
        assert_eq!(ok("10000000.01").unwrap_err().code, "amount_too_large");
        assert_eq!(
            amount_wan("amount_wan", "出价", None).unwrap_err().code,
            "required"
        );
        let e = ok("1.234").unwrap_err();
        assert_eq!(e.field, "amount_wan");
        assert!(e.message.contains("最多两位小数"), "{}", e.message);
    }
}
