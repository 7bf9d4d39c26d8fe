//! Pledge financing and IP insurance (T5; K1, K2; DOMAIN.md §4.2, §4.3): banks' IP pledge-loan
//! products, the pledge application and its pipeline from `applied` to `disposed`, the cycle times
//! between steps, the K1/K2 counting rule, the checks before CNIPA registration, and IP insurance
//! policies with their claims. Pure rules over plain data; storage, pages and reports live elsewhere.
//!
//! - [`product`]: a bank's product (`check_product`).
//! - [`input`]: `POST /api/v1/pledges` (`check_pledge`, `check_pledgee_kind`).
//! - [`stage`]: the pipeline (`move_stage`, `check_stage_input`).
//! - [`cycle`]: cycle times per step and their medians (`cycle_days`, `aggregate_cycles`), and
//!   the K1/K2 rule (`counts_for_k1`).
//! - [`checks`]: the checks before registration (`pledge_checks`, `may_register`).
//! - [`guidance`]: where to register (cpservice, the CNIPA Shanghai office's lines).
//! - [`insurance`]: `POST /api/v1/insurance-policies` (`check_policy`, `check_claim`).

use crate::code::Code;
pub mod checks;
pub mod cycle;
pub mod guidance;
pub mod input;
pub mod insurance;
pub mod product;
pub mod stage;

pub use checks::{PledgeFacts, blocking_checks, fee_due_soon, may_register, pledge_checks};
pub use cycle::{
    CycleSpan, Span, SpanStats, aggregate_cycles, counts_for_k1, cycle_days, cycle_days_map,
    k1_k2_by_year, secured_amount, slowest_step,
};
pub use input::{
    Pledge, PledgeInput, check_against_product, check_pledge, check_pledgee_kind, months_between,
};
pub use insurance::{
    Claim, ClaimContext, ClaimInput, ClaimOutcome, Policy, PolicyInput, PolicyKind, check_claim,
    check_insurer_kind, check_policy,
};
pub use product::{
    Collateral, Eligibility, Product, ProductInput, Rate, RiskShare, RiskShareInput,
    RiskSharingKind, check_product,
};
pub use stage::{
    Appraisal, AppraisalMethod, AppraisalStandard, DeclineReason, DisposalKind, MoveError, Stage,
    StageData, StageEntry, StageInput, check_stage_input, current_stage, move_stage,
};

use chrono::NaiveDate;

use crate::application::serde_json_number::Number;
use crate::money::{Fen, MoneyError, WanText};
use crate::validation::FieldError;

/// A required or optional date `YYYY-MM-DD`. Codes: `required`, `bad_date`.
fn date_field(
    field: &str,
    label: &str,
    value: Option<&str>,
    required: bool,
) -> Result<Option<NaiveDate>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None if required => Err(FieldError::required(field, label)),
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                FieldError::new(
                    field,
                    Code::BadDate,
                    format!("{label}“{v}”不是有效日期，应为 YYYY-MM-DD，如 2022-01-10"),
                )
            }),
    }
}

/// The code and message of a money error, for a field labelled `label` (in 万元).
fn money_error(field: &str, label: &str, e: MoneyError) -> FieldError {
    match e {
        MoneyError::Empty => FieldError::required(field, label),
        e => FieldError::new(field, e.code(), format!("{label}（万元）：{e}")),
    }
}

/// An amount in 万元 with at most two decimals (the 万元 to the hundred yuan every form here uses).
/// Zero is `out_of_range` when `positive`. Codes: `required`, `bad_amount`, `negative_amount`,
/// `amount_too_large`, `out_of_range`.
fn wan_field(
    field: &str,
    label: &str,
    value: Option<&WanText>,
    required: bool,
    positive: bool,
) -> Result<Option<Fen>, FieldError> {
    let Some(v) = value.filter(|v| !v.0.trim().is_empty()) else {
        return if required {
            Err(FieldError::required(field, label))
        } else {
            Ok(None)
        };
    };
    let fen = v.fen_2dp().map_err(|e| match e {
        // More than two decimals reads as malformed; say which rule it broke.
        MoneyError::Malformed(_) => FieldError::new(
            field,
            Code::BadAmount,
            format!(
                "{label}“{}”格式不正确：应为以万元计的数字，最多保留两位小数，如 500 或 120.50",
                v.0
            ),
        ),
        e => money_error(field, label, e),
    })?;
    if positive && fen == Fen::ZERO {
        return Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应大于 0 万元"),
        ));
    }
    Ok(Some(fen))
}

/// A required organisation id: a positive integer. Codes: `required`, `out_of_range`.
fn org_id_field(field: &str, label: &str, value: Option<i64>) -> Result<i64, FieldError> {
    match value {
        None => Err(FieldError::required(field, label)),
        Some(id) if id > 0 => Ok(id),
        Some(id) => Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应为正整数的机构编号，而不是 {id}"),
        )),
    }
}

/// A percentage as text or a JSON number with at most two decimals, in hundredths of a percent
/// (basis points): `"3.45"` → 345. A trailing `%` is accepted. `None` when malformed.
fn parse_bp(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s
        .strip_suffix('%')
        .or_else(|| s.strip_suffix('％'))
        .unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || int.len() > 6 || frac.len() > 2 || !digits(int) || !digits(frac) {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let frac: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u32>().ok()? * if frac.len() == 1 { 10 } else { 1 }
    };
    Some(int * 100 + frac)
}

/// A percentage in (0, `max_bp`] basis points. Codes: `required`, `bad_percent`, `out_of_range`.
fn pct_field(
    field: &str,
    label: &str,
    value: Option<&Number>,
    max_bp: u32,
) -> Result<Option<u32>, FieldError> {
    let Some(v) = value.map(|n| n.0.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let bp = parse_bp(v).ok_or_else(|| {
        FieldError::new(
            field,
            Code::BadPercent,
            format!("{label}“{v}”格式不正确：应为百分数的数值，最多两位小数，如 3.45"),
        )
    })?;
    if bp == 0 || bp > max_bp {
        return Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应大于 0 且不超过 {}%，而不是 {v}%", bp_text(max_bp)),
        ));
    }
    Ok(Some(bp))
}

/// Basis points as a percentage text without trailing zeros: 345 → `3.45`, 5000 → `50`.
pub fn bp_text(bp: u32) -> String {
    let (int, frac) = (bp / 100, bp % 100);
    match frac {
        0 => int.to_string(),
        f if f % 10 == 0 => format!("{int}.{}", f / 10),
        f => format!("{int}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t5_percentages_read_to_basis_points() {
        assert_eq!(parse_bp("3.45"), Some(345));
        assert_eq!(parse_bp("3.5%"), Some(350));
        assert_eq!(parse_bp("4"), Some(400));
        assert_eq!(parse_bp(" 100 "), Some(10_000));
        assert_eq!(parse_bp("3.456"), None);
        assert_eq!(parse_bp(".5"), None);
        assert_eq!(parse_bp("-1"), None);
        assert_eq!(parse_bp("面议"), None);
        assert_eq!(bp_text(345), "3.45");
        assert_eq!(bp_text(350), "3.5");
        assert_eq!(bp_text(5000), "50");
        assert_eq!(bp_text(5), "0.05");
    }

    #[test]
    fn t5_amounts_in_wan_zero_and_three_decimals_refused() {
        let w = |s: &str| WanText(s.to_string());
        assert_eq!(
            wan_field("amount_wan", "金额", Some(&w("500")), true, true),
            Ok(Some(Fen::parse_wan("500").unwrap()))
        );
        assert_eq!(
            wan_field("amount_wan", "金额", Some(&w("0.01")), true, true)
                .unwrap()
                .unwrap()
                .fen(),
            10_000
        );
        let code = |s: &str| {
            wan_field("amount_wan", "金额", Some(&w(s)), true, true)
                .unwrap_err()
                .code
        };
        assert_eq!(code("0"), "out_of_range");
        assert_eq!(code("0.00"), "out_of_range");
        assert_eq!(code("0.001"), "bad_amount");
        assert_eq!(code("12.345"), "bad_amount");
        assert_eq!(code("-5"), "negative_amount");
        assert_eq!(code(" "), "required");
        assert_eq!(
            wan_field("subsidy_wan", "补贴", Some(&w("0")), false, false),
            Ok(Some(Fen::ZERO))
        );
        assert_eq!(
            wan_field("subsidy_wan", "补贴", None, false, false),
            Ok(None)
        );
    }
}
