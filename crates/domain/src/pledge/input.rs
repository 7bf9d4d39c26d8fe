//! A pledge application as `POST /api/v1/pledges` receives it (T5), and its check.

use crate::code::Code;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::product::{Collateral, Product, RiskShare, RiskShareInput, check_risk_sharing};
use super::stage::{EARLIEST_DATE, Stage, StageData, StageEntry};
use super::{date_field, org_id_field, wan_field};
use crate::ident::{PatentApplicationNumber, TrademarkNumber};
use crate::money::{Fen, WanText};
use crate::org::OrgKind;
use crate::validation::{Errors, FieldError};

/// Most patents or trademarks in one pledge (a patent bundle runs to a few hundred at most).
pub const MAX_ITEMS: usize = 500;
/// The longest loan: a patent's term is at most 20 years, and no bank lends longer on IP.
pub const MAX_LOAN_YEARS: u32 = 20;
/// A loan may start at most this many days ahead (an application for a planned loan).
pub const MAX_DAYS_AHEAD: i64 = 366;
/// `term_months` may differ from the months between the dates by this much (month ends).
pub const TERM_TOLERANCE_MONTHS: u32 = 1;

/// The body of `POST /api/v1/pledges`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct PledgeInput {
    /// `patent` | `trademark` | `mixed`
    pub kind: Option<String>,
    pub pledgor_org_id: Option<i64>,
    pub pledgee_org_id: Option<i64>,
    /// Patent application numbers (any accepted spelling).
    pub patents: Vec<String>,
    /// Trademark registration numbers.
    pub trademarks: Vec<String>,
    /// The secured amount applied for, 万元, at most two decimals.
    pub amount_wan: Option<WanText>,
    /// YYYY-MM-DD
    pub loan_start: Option<String>,
    /// The debtor's repayment deadline, YYYY-MM-DD.
    pub repay_by: Option<String>,
    pub product_id: Option<i64>,
    /// Derived from the dates when absent.
    pub term_months: Option<i64>,
    pub risk_sharing: Vec<RiskShareInput>,
    /// The day of the application, YYYY-MM-DD; today when absent. A back-filled pledge gives
    /// its real date, or its later steps (all dated after it) would be refused.
    pub applied_on: Option<String>,
}

/// A checked pledge application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pledge {
    pub kind: Collateral,
    pub pledgor_org_id: i64,
    pub pledgee_org_id: i64,
    pub patents: Vec<PatentApplicationNumber>,
    pub trademarks: Vec<TrademarkNumber>,
    pub amount: Fen,
    pub loan_start: NaiveDate,
    pub repay_by: NaiveDate,
    pub term_months: u32,
    pub product_id: Option<i64>,
    pub risk_sharing: Vec<RiskShare>,
    pub applied_on: NaiveDate,
}

impl Pledge {
    /// The first entry of its history: `applied`, on the day applied, with the amount.
    pub fn applied_entry(&self) -> StageEntry {
        StageEntry {
            stage: Stage::Applied,
            data: StageData {
                amount: Some(self.amount),
                ..StageData::on(self.applied_on)
            },
        }
    }
}

/// Whole months from `start` to the day after `repay_by` (a loan 2022-01-10 → 2024-01-09 is 24
/// months); at least 1.
pub fn months_between(start: NaiveDate, repay_by: NaiveDate) -> u32 {
    let end = repay_by.succ_opt().unwrap_or(repay_by);
    let mut m = 0;
    while start
        .checked_add_months(Months::new(m + 1))
        .is_some_and(|d| d <= end)
    {
        m += 1;
    }
    m.max(1)
}

/// Parse the numbers at `{field}.{i}`: blanks skipped, a repeated number is `duplicate`.
fn numbers<T: PartialEq>(
    errs: &mut Errors,
    field: &str,
    label: &str,
    values: &[String],
    parse: fn(&str) -> Result<T, crate::ident::IdentError>,
    canonical: fn(&T) -> &str,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    if values.len() > MAX_ITEMS {
        errs.push(FieldError::new(
            field,
            Code::TooMany,
            format!("{label}最多 {MAX_ITEMS} 件，实为 {} 件", values.len()),
        ));
        return out;
    }
    for (i, v) in values
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.trim().is_empty())
    {
        match parse(v) {
            Ok(n) if out.contains(&n) => errs.push(FieldError::new(
                format!("{field}.{i}"),
                Code::Duplicate,
                format!("{label}“{}”重复填写", canonical(&n)),
            )),
            Ok(n) => out.push(n),
            Err(e) => errs.push(FieldError::new(
                format!("{field}.{i}"),
                e.code,
                format!("{label}“{v}”：{}", e.message),
            )),
        }
    }
    out
}

/// Check a pledge application, reporting every bad field:
///
/// - `kind` required, `patent` | `trademark` | `mixed` (`unknown_value`); `patent` needs
///   `patents` and no `trademarks`, `trademark` the reverse, `mixed` both (`required` on the
///   missing list, `not_applicable` on the one that should be empty);
/// - `pledgor_org_id`, `pledgee_org_id` required positive ids, not the same (`same_party` on the
///   pledgee);
/// - `patents.{i}`, `trademarks.{i}`: valid numbers (the identifier's code, e.g.
///   `bad_check_digit`), none twice (`duplicate`), at most 500 (`too_many`);
/// - `amount_wan` required, > 0 (`out_of_range`), at most two decimals (`bad_amount`);
/// - `loan_start` required, from 2000 (`date_too_early`) to a year ahead (`date_too_far`);
///   `repay_by` required, after `loan_start` (`ends_before_start`), at most 20 years after it
///   (`date_too_far`); `repay_by` against the patents' expiry is the `repay_within_expiry` check;
/// - `term_months` optional, 1–240 (`out_of_range`), within a month of the dates
///   (`term_mismatch`); derived from the dates when absent;
/// - `product_id` optional positive; `risk_sharing.{i}` as for products;
/// - `applied_on` optional (today), not in the future (`date_in_future`), from 2000.
///
/// Whether the pledgee is a bank needs the registry: [`check_pledgee_kind`].
pub fn check_pledge(input: &PledgeInput, today: NaiveDate) -> Result<Pledge, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => {
            errs.push(FieldError::required("kind", "质押类型"));
            None
        }
        Some(k) => errs.take(Collateral::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                Code::UnknownValue,
                format!(
                    "质押类型“{k}”应为 patent（专利权质押）、trademark（商标专用权质押）或 mixed（混合质押）"
                ),
            )
        })),
    };
    let pledgor = errs.take(org_id_field(
        "pledgor_org_id",
        "出质人",
        input.pledgor_org_id,
    ));
    let pledgee = errs.take(org_id_field(
        "pledgee_org_id",
        "质权人",
        input.pledgee_org_id,
    ));
    if let (Some(a), Some(b)) = (pledgor, pledgee)
        && a == b
    {
        errs.push(FieldError::new(
            "pledgee_org_id",
            Code::SameParty,
            "出质人与质权人不能是同一机构",
        ));
    }
    let patents = numbers(
        &mut errs,
        "patents",
        "专利申请号",
        &input.patents,
        PatentApplicationNumber::parse,
        PatentApplicationNumber::as_str,
    );
    let trademarks = numbers(
        &mut errs,
        "trademarks",
        "商标注册号",
        &input.trademarks,
        TrademarkNumber::parse,
        TrademarkNumber::as_str,
    );
    if let Some(kind) = kind {
        let has = |v: &[String]| v.iter().any(|s| !s.trim().is_empty());
        let (want_p, want_t) = match kind {
            Collateral::Patent => (true, false),
            Collateral::Trademark => (false, true),
            Collateral::Mixed => (true, true),
        };
        for (field, label, want, given) in [
            ("patents", "专利", want_p, has(&input.patents)),
            ("trademarks", "商标", want_t, has(&input.trademarks)),
        ] {
            if want && !given {
                errs.push(FieldError::new(
                    field,
                    Code::Required,
                    format!("{}至少须有一件{label}", kind.label()),
                ));
            } else if !want && given {
                errs.push(FieldError::new(
                    field,
                    Code::NotApplicable,
                    format!(
                        "{}不应包含{label}；专利与商标一起质押请选 mixed（混合质押）",
                        kind.label()
                    ),
                ));
            }
        }
    }
    let amount = errs
        .take(wan_field(
            "amount_wan",
            "质押融资金额",
            input.amount_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    let loan_start = errs
        .take(
            date_field(
                "loan_start",
                "贷款起始日",
                input.loan_start.as_deref(),
                true,
            )
            .and_then(|d| match d {
                Some(d) if d < EARLIEST_DATE => Err(FieldError::new(
                    "loan_start",
                    Code::DateTooEarly,
                    format!("贷款起始日 {d} 早于 {EARLIEST_DATE}，请核对"),
                )),
                Some(d) if (d - today).num_days() > MAX_DAYS_AHEAD => Err(FieldError::new(
                    "loan_start",
                    Code::DateTooFar,
                    format!("贷款起始日 {d} 距今天（{today}）超过一年"),
                )),
                d => Ok(d),
            }),
        )
        .flatten();
    let repay_by = errs
        .take(date_field(
            "repay_by",
            "还款期限",
            input.repay_by.as_deref(),
            true,
        ))
        .flatten();
    let repay_by = match (loan_start, repay_by) {
        (Some(s), Some(r)) if r <= s => {
            errs.push(FieldError::new(
                "repay_by",
                Code::EndsBeforeStart,
                format!("还款期限 {r} 应晚于贷款起始日 {s}"),
            ));
            None
        }
        (Some(s), Some(r))
            if s.checked_add_months(Months::new(12 * MAX_LOAN_YEARS))
                .is_some_and(|max| r > max) =>
        {
            errs.push(FieldError::new(
                "repay_by",
                Code::DateTooFar,
                format!("还款期限 {r} 距贷款起始日 {s} 超过 {MAX_LOAN_YEARS} 年"),
            ));
            None
        }
        (_, r) => r,
    };
    let term = match input.term_months {
        None => None,
        Some(m) if (1..=i64::from(12 * MAX_LOAN_YEARS)).contains(&m) => {
            Some(u32::try_from(m).expect("bounded"))
        }
        Some(m) => {
            errs.push(FieldError::new(
                "term_months",
                Code::OutOfRange,
                format!(
                    "贷款期限应在 1–{} 个月之间，而不是 {m}",
                    12 * MAX_LOAN_YEARS
                ),
            ));
            None
        }
    };
    let derived = match (loan_start, repay_by) {
        (Some(s), Some(r)) => Some(months_between(s, r)),
        _ => None,
    };
    if let (Some(t), Some(dm), Some(s), Some(r)) = (term, derived, loan_start, repay_by)
        && t.abs_diff(dm) > TERM_TOLERANCE_MONTHS
    {
        errs.push(FieldError::new(
            "term_months",
            Code::TermMismatch,
            format!("贷款期限 {t} 个月与起止日期（{s} 至 {r}，约 {dm} 个月）不符"),
        ));
    }
    let product_id = match input.product_id {
        None => None,
        Some(id) => errs.take(org_id_field("product_id", "金融产品", Some(id))),
    };
    let risk_sharing = check_risk_sharing(&mut errs, "risk_sharing", &input.risk_sharing);
    let applied_on = errs.take(
        date_field("applied_on", "申请日期", input.applied_on.as_deref(), false).and_then(|d| {
            match d {
                Some(d) if d > today => Err(FieldError::new(
                    "applied_on",
                    Code::DateInFuture,
                    format!("申请日期 {d} 晚于今天（{today}）"),
                )),
                Some(d) if d < EARLIEST_DATE => Err(FieldError::new(
                    "applied_on",
                    Code::DateTooEarly,
                    format!("申请日期 {d} 早于 {EARLIEST_DATE}，请核对"),
                )),
                d => Ok(d.unwrap_or(today)),
            }
        }),
    );
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Pledge {
        kind: kind.expect("checked"),
        pledgor_org_id: pledgor.expect("checked"),
        pledgee_org_id: pledgee.expect("checked"),
        patents,
        trademarks,
        amount: amount.expect("checked"),
        loan_start: loan_start.expect("checked"),
        repay_by: repay_by.expect("checked"),
        term_months: term.or(derived).expect("checked"),
        product_id,
        risk_sharing,
        applied_on: applied_on.expect("checked"),
    })
}

/// The pledgee must be a commercial bank (issue 13: refuse a pledgee that is not a bank).
/// Insurers and guarantee companies share the risk (`risk_sharing`); they do not take the
/// pledge. Code: `pledgee_not_bank` on `pledgee_org_id`.
pub fn check_pledgee_kind(kind: OrgKind) -> Result<(), FieldError> {
    if kind == OrgKind::Bank {
        return Ok(());
    }
    Err(FieldError::new(
        "pledgee_org_id",
        Code::PledgeeNotBank,
        format!(
            "质权人应为商业银行，所选机构是{}；保险机构或担保公司请填在风险分担中",
            kind.label()
        ),
    ))
}

/// An application to a product must fit it: the product takes the pledge's kind
/// (`collateral_not_accepted` on `kind`), the amount lies within its range and the term within its
/// terms (`out_of_range` on `amount_wan` / `term_months`, naming the product's bounds).
pub fn check_against_product(pledge: &Pledge, product: &Product) -> Result<(), Vec<FieldError>> {
    let mut errs = Errors::default();
    if !product.collateral.accepts(pledge.kind) {
        errs.push(FieldError::new(
            "kind",
            Code::CollateralNotAccepted,
            format!(
                "产品“{}”只接受{}，不接受{}",
                product.name,
                product.collateral.label(),
                pledge.kind.label()
            ),
        ));
    }
    let min = product.amount_min.unwrap_or(Fen::ZERO);
    if pledge.amount < min || pledge.amount > product.amount_max {
        errs.push(FieldError::new(
            "amount_wan",
            Code::OutOfRange,
            format!(
                "产品“{}”的贷款金额为 {}–{} 万元，申请金额 {} 万元不在其内",
                product.name,
                min.to_wan_2dp(),
                product.amount_max.to_wan_2dp(),
                pledge.amount.to_wan_2dp()
            ),
        ));
    }
    if !(product.term_min_months..=product.term_max_months).contains(&pledge.term_months) {
        errs.push(FieldError::new(
            "term_months",
            Code::OutOfRange,
            format!(
                "产品“{}”的贷款期限为 {}–{} 个月，申请期限 {} 个月不在其内",
                product.name, product.term_min_months, product.term_max_months, pledge.term_months
            ),
        ));
    }
    errs.into_result(|| ())
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
