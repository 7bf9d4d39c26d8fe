//! IP insurance (T5; seed: 专利/商标保险): policies insurers issue on patents, with premium,
//! term and the subsidy the insured received, and the claims made on them.

use crate::code::Code;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::stage::EARLIEST_DATE;
use super::{date_field, org_id_field, wan_field};
use crate::ident::PatentApplicationNumber;
use crate::money::{Fen, WanText};
use crate::org::OrgKind;
use crate::validation::{Errors, FieldError, text};

/// The longest policy term accepted (policies run a year, patent-life covers exist but are rare).
pub const MAX_POLICY_YEARS: u32 = 10;
/// Most patents one policy covers.
pub const MAX_PATENTS: usize = 500;
pub const POLICY_NUMBER_MAX_CHARS: usize = 50;

/// The kind of an IP insurance policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    Enforcement,
    InfringementLiability,
    PledgeGuarantee,
    Overseas,
    Other,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 5] = [
        PolicyKind::Enforcement,
        PolicyKind::InfringementLiability,
        PolicyKind::PledgeGuarantee,
        PolicyKind::Overseas,
        PolicyKind::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PolicyKind::Enforcement => "enforcement",
            PolicyKind::InfringementLiability => "infringement_liability",
            PolicyKind::PledgeGuarantee => "pledge_guarantee",
            PolicyKind::Overseas => "overseas",
            PolicyKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<PolicyKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Enforcement => "维权费用险",
            PolicyKind::InfringementLiability => "侵权责任险",
            PolicyKind::PledgeGuarantee => "质押融资保证保险",
            PolicyKind::Overseas => "海外侵权险",
            PolicyKind::Other => "其他",
        }
    }
}

/// The body of `POST /api/v1/insurance-policies`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct PolicyInput {
    pub kind: Option<String>,
    pub insurer_org_id: Option<i64>,
    pub insured_org_id: Option<i64>,
    pub patents: Vec<String>,
    pub insured_amount_wan: Option<WanText>,
    pub premium_wan: Option<WanText>,
    /// YYYY-MM-DD
    pub starts_on: Option<String>,
    /// YYYY-MM-DD, the last day covered.
    pub ends_on: Option<String>,
    /// The premium subsidy the insured received, 万元.
    pub subsidy_wan: Option<WanText>,
    /// The insurer's policy number.
    pub policy_number: Option<String>,
    /// A pledge-loan guarantee policy names the pledge it guarantees.
    pub pledge_id: Option<i64>,
}

/// A checked policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub kind: PolicyKind,
    pub insurer_org_id: i64,
    pub insured_org_id: i64,
    pub patents: Vec<PatentApplicationNumber>,
    pub insured_amount: Fen,
    pub premium: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub subsidy: Option<Fen>,
    pub policy_number: Option<String>,
    pub pledge_id: Option<i64>,
}

/// Check a policy, reporting every bad field:
///
/// - `kind` one of [`PolicyKind`] (`required`, `unknown_value`);
/// - `insurer_org_id`, `insured_org_id` required positive ids, not the same (`same_party`);
/// - `patents.{i}` valid application numbers, none twice (`duplicate`), at most 500; may be
///   empty (a guarantee policy covers a loan, not patents);
/// - `insured_amount_wan` and `premium_wan` required, > 0, two decimals; the premium not above the
///   insured amount (`above_insured_amount`); `subsidy_wan` optional, not above the premium
///   (`above_premium`);
/// - `starts_on` from 2000 (`date_too_early`) to a year ahead (`date_too_far`); `ends_on` after it
///   (`ends_before_start`), at most 10 years after (`date_too_far`);
/// - `policy_number` ≤ 50 characters; `pledge_id` only on `pledge_guarantee` (`not_applicable`).
///
/// Whether the insurer is an insurer needs the registry: [`check_insurer_kind`].
pub fn check_policy(input: &PolicyInput, today: NaiveDate) -> Result<Policy, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        None => {
            errs.push(FieldError::required("kind", "险种"));
            None
        }
        Some(k) => errs.take(PolicyKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                Code::UnknownValue,
                format!(
                    "险种“{k}”应为：{}",
                    PolicyKind::ALL
                        .map(|k| format!("{}（{}）", k.slug(), k.label()))
                        .join("、")
                ),
            )
        })),
    };
    let insurer = errs.take(org_id_field(
        "insurer_org_id",
        "保险机构",
        input.insurer_org_id,
    ));
    let insured = errs.take(org_id_field(
        "insured_org_id",
        "被保险人",
        input.insured_org_id,
    ));
    if let (Some(a), Some(b)) = (insurer, insured)
        && a == b
    {
        errs.push(FieldError::new(
            "insured_org_id",
            Code::SameParty,
            "保险机构与被保险人不能是同一机构",
        ));
    }
    let mut patents: Vec<PatentApplicationNumber> = Vec::new();
    if input.patents.len() > MAX_PATENTS {
        errs.push(FieldError::new(
            "patents",
            Code::TooMany,
            format!(
                "承保专利最多 {MAX_PATENTS} 件，实为 {} 件",
                input.patents.len()
            ),
        ));
    } else {
        for (i, p) in input
            .patents
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.trim().is_empty())
        {
            match PatentApplicationNumber::parse(p) {
                Ok(n) if patents.contains(&n) => errs.push(FieldError::new(
                    format!("patents.{i}"),
                    Code::Duplicate,
                    format!("专利申请号“{n}”重复填写"),
                )),
                Ok(n) => patents.push(n),
                Err(e) => errs.push(FieldError::new(
                    format!("patents.{i}"),
                    e.code,
                    format!("专利申请号“{p}”：{}", e.message),
                )),
            }
        }
    }
    let insured_amount = errs
        .take(wan_field(
            "insured_amount_wan",
            "保险金额",
            input.insured_amount_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    let premium = errs
        .take(wan_field(
            "premium_wan",
            "保费",
            input.premium_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    if let (Some(p), Some(a)) = (premium, insured_amount)
        && p > a
    {
        errs.push(FieldError::new(
            "premium_wan",
            Code::AboveInsuredAmount,
            format!(
                "保费 {} 万元高于保险金额 {} 万元",
                p.to_wan_2dp(),
                a.to_wan_2dp()
            ),
        ));
    }
    let subsidy = errs
        .take(wan_field(
            "subsidy_wan",
            "保费补贴",
            input.subsidy_wan.as_ref(),
            false,
            false,
        ))
        .flatten();
    if let (Some(s), Some(p)) = (subsidy, premium)
        && s > p
    {
        errs.push(FieldError::new(
            "subsidy_wan",
            Code::AbovePremium,
            format!(
                "保费补贴 {} 万元高于保费 {} 万元",
                s.to_wan_2dp(),
                p.to_wan_2dp()
            ),
        ));
    }
    let starts_on = errs
        .take(
            date_field("starts_on", "保险起期", input.starts_on.as_deref(), true).and_then(|d| {
                match d {
                    Some(d) if d < EARLIEST_DATE => Err(FieldError::new(
                        "starts_on",
                        Code::DateTooEarly,
                        format!("保险起期 {d} 早于 {EARLIEST_DATE}，请核对"),
                    )),
                    Some(d) if (d - today).num_days() > 366 => Err(FieldError::new(
                        "starts_on",
                        Code::DateTooFar,
                        format!("保险起期 {d} 距今天（{today}）超过一年"),
                    )),
                    d => Ok(d),
                }
            }),
        )
        .flatten();
    let ends_on = errs
        .take(date_field(
            "ends_on",
            "保险止期",
            input.ends_on.as_deref(),
            true,
        ))
        .flatten();
    let ends_on = match (starts_on, ends_on) {
        (Some(s), Some(e)) if e <= s => {
            errs.push(FieldError::new(
                "ends_on",
                Code::EndsBeforeStart,
                format!("保险止期 {e} 应晚于保险起期 {s}"),
            ));
            None
        }
        (Some(s), Some(e))
            if s.checked_add_months(Months::new(12 * MAX_POLICY_YEARS))
                .is_some_and(|max| e > max) =>
        {
            errs.push(FieldError::new(
                "ends_on",
                Code::DateTooFar,
                format!("保险期间 {s} 至 {e} 超过 {MAX_POLICY_YEARS} 年"),
            ));
            None
        }
        (_, e) => e,
    };
    let policy_number = errs
        .take(text(
            "policy_number",
            "保单号",
            input.policy_number.as_deref(),
            false,
            POLICY_NUMBER_MAX_CHARS,
        ))
        .flatten();
    let pledge_id = match input.pledge_id {
        None => None,
        Some(_) if kind.is_some_and(|k| k != PolicyKind::PledgeGuarantee) => {
            errs.push(FieldError::new(
                "pledge_id",
                Code::NotApplicable,
                "只有质押融资保证保险关联质押",
            ));
            None
        }
        Some(id) => errs.take(org_id_field("pledge_id", "关联质押", Some(id))),
    };
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Policy {
        kind: kind.expect("checked"),
        insurer_org_id: insurer.expect("checked"),
        insured_org_id: insured.expect("checked"),
        patents,
        insured_amount: insured_amount.expect("checked"),
        premium: premium.expect("checked"),
        starts_on: starts_on.expect("checked"),
        ends_on: ends_on.expect("checked"),
        subsidy,
        policy_number,
        pledge_id,
    })
}

/// The insurer of a policy must be an insurer. Code: `not_an_insurer` on `insurer_org_id`.
pub fn check_insurer_kind(kind: OrgKind) -> Result<(), FieldError> {
    if kind == OrgKind::Insurer {
        return Ok(());
    }
    Err(FieldError::new(
        "insurer_org_id",
        Code::NotAnInsurer,
        format!("承保机构应为保险机构，所选机构是{}", kind.label()),
    ))
}

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimOutcome {
    Pending,
    Paid,
    Declined,
}

impl ClaimOutcome {
    pub const ALL: [ClaimOutcome; 3] = [
        ClaimOutcome::Pending,
        ClaimOutcome::Paid,
        ClaimOutcome::Declined,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ClaimOutcome::Pending => "pending",
            ClaimOutcome::Paid => "paid",
            ClaimOutcome::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimOutcome> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimOutcome::Pending => "处理中",
            ClaimOutcome::Paid => "已赔付",
            ClaimOutcome::Declined => "已拒赔",
        }
    }
}

/// A claim as the API gives it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ClaimInput {
    /// YYYY-MM-DD
    pub on: Option<String>,
    pub amount_wan: Option<WanText>,
    /// `pending` (when absent) | `paid` | `declined`
    pub outcome: Option<String>,
}

/// What a claim is checked against: its policy and the claims already paid on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimContext {
    pub insured_amount: Fen,
    pub starts_on: NaiveDate,
    /// Paid on the policy's other claims.
    pub paid_so_far: Fen,
}

/// A checked claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub on: NaiveDate,
    pub amount: Fen,
    pub outcome: ClaimOutcome,
}

/// Check a claim: `on` required, not in the future (`date_in_future`), not before the policy
/// starts (`before_policy_start`); `amount_wan` required, > 0, not above the insured amount, and
/// a paid claim not above what is left of it after the claims paid so far (`above_insured_amount`);
/// `outcome` `pending` when absent (`unknown_value`).
pub fn check_claim(
    input: &ClaimInput,
    ctx: &ClaimContext,
    today: NaiveDate,
) -> Result<Claim, Vec<FieldError>> {
    let mut errs = Errors::default();
    let on = errs
        .take(
            date_field("on", "出险/报案日期", input.on.as_deref(), true).and_then(|d| match d {
                Some(d) if d > today => Err(FieldError::new(
                    "on",
                    Code::DateInFuture,
                    format!("日期 {d} 晚于今天（{today}）"),
                )),
                Some(d) if d < ctx.starts_on => Err(FieldError::new(
                    "on",
                    Code::BeforePolicyStart,
                    format!("日期 {d} 早于保险起期 {}", ctx.starts_on),
                )),
                d => Ok(d),
            }),
        )
        .flatten();
    let outcome = match input
        .outcome
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        None => Some(ClaimOutcome::Pending),
        Some(o) => errs.take(ClaimOutcome::parse(o).ok_or_else(|| {
            FieldError::new(
                "outcome",
                Code::UnknownValue,
                format!("理赔结果“{o}”应为 pending（处理中）、paid（已赔付）或 declined（已拒赔）"),
            )
        })),
    };
    let amount = errs
        .take(wan_field(
            "amount_wan",
            "理赔金额",
            input.amount_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    if let Some(a) = amount {
        let left = ctx.insured_amount.saturating_sub(ctx.paid_so_far);
        if a > ctx.insured_amount {
            errs.push(FieldError::new(
                "amount_wan",
                Code::AboveInsuredAmount,
                format!(
                    "理赔金额 {} 万元高于保险金额 {} 万元",
                    a.to_wan_2dp(),
                    ctx.insured_amount.to_wan_2dp()
                ),
            ));
        } else if outcome == Some(ClaimOutcome::Paid) && a > left {
            errs.push(FieldError::new(
                "amount_wan",
                Code::AboveInsuredAmount,
                format!(
                    "已赔付 {} 万元，保险金额 {} 万元仅余 {} 万元，本次赔付 {} 万元超出",
                    ctx.paid_so_far.to_wan_2dp(),
                    ctx.insured_amount.to_wan_2dp(),
                    left.to_wan_2dp(),
                    a.to_wan_2dp()
                ),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Claim {
        on: on.expect("checked"),
        amount: amount.expect("checked"),
        outcome: outcome.expect("checked"),
    })
}

#[cfg(test)]
#[path = "insurance_tests.rs"]
mod tests;
