//! A deal as `POST /api/v1/deals` receives it (issue 12) and its check into a [`DealDraft`].

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fields::{self, hundredths};
use super::filing::licence_filing_due;
use super::{DealKind, ExchangeMode, LicenceType, Stage, Venue};
use crate::application::serde_json_number::Number;
use crate::ident::PatentApplicationNumber;
use crate::money::{Fen, WanText};
use crate::validation::{Errors, FieldError, text};

/// Patents one deal may carry (a portfolio transfer can be large; a body beyond this is hostile).
pub const MAX_PATENTS: usize = 1000;
/// Instalments of one payment plan (ten years monthly).
pub const MAX_INSTALMENTS: usize = 120;
pub const EXCHANGE_DEAL_NUMBER_MAX_CHARS: usize = 64;
pub const TERRITORY_MAX_CHARS: usize = 200;

/// One instalment of the payment plan as received.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct InstalmentInput {
    /// YYYY-MM-DD
    pub due_on: Option<String>,
    pub amount_wan: Option<WanText>,
}

/// The body of `POST /api/v1/deals`. Every field optional so that a missing one is a field error.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DealInput {
    /// transfer | licence | equity
    pub kind: Option<String>,
    /// exclusive | sole | ordinary | open; licences only.
    pub licence_type: Option<String>,
    /// The party giving the rights (转让方 / 许可方 / 出资方).
    pub from_org_id: Option<i64>,
    /// The party receiving them (受让方 / 被许可方 / 被投资企业).
    pub to_org_id: Option<i64>,
    /// Patent application numbers, any accepted spelling.
    pub patents: Vec<String>,
    /// sipex | stex | off_exchange
    pub venue: Option<String>,
    /// agreement | auction | tender | bidding; on an exchange only.
    pub exchange_mode: Option<String>,
    /// The exchange's deal number; on an exchange only.
    pub exchange_deal_number: Option<String>,
    /// 合同金额, 万元, a decimal string or a number.
    pub amount_wan: Option<WanText>,
    /// YYYY-MM-DD; present = the contract is signed.
    pub signed_on: Option<String>,
    /// YYYY-MM-DD; defaults to `signed_on`.
    pub effective_on: Option<String>,
    /// YYYY-MM-DD; licences only, required for them.
    pub term_until: Option<String>,
    pub lead_id: Option<i64>,
    pub agency_org_id: Option<i64>,
    pub listing_id: Option<i64>,
    /// Equity only: the appraised value of the contributed patents, 万元.
    pub valuation_wan: Option<WanText>,
    /// Equity only: the share of the company taken, percent, 0 < x ≤ 100, two decimals.
    pub share_pct: Option<Number>,
    /// The payment plan.
    pub instalments: Vec<InstalmentInput>,
    /// Licences only: 许可地域, free text.
    pub territory: Option<String>,
    /// Pledgees (org ids) whose consent to this deal is recorded (Civil Code art. 444).
    pub pledgee_consents: Vec<i64>,
    /// Co-owners (org ids) whose consent to this deal is recorded (Patent Law art. 14).
    pub co_owner_consents: Vec<i64>,
}

/// An equity contribution's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Equity {
    /// The appraised value of the contributed patents.
    pub valuation: Fen,
    /// The share taken, in hundredths of a percent: 3350 = 33.50 %.
    pub share_hundredths: u32,
}

impl Equity {
    /// The share as the API answers it: `"33.50"`.
    pub fn share_pct_2dp(&self) -> String {
        format!(
            "{}.{:02}",
            self.share_hundredths / 100,
            self.share_hundredths % 100
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Instalment {
    pub due_on: NaiveDate,
    pub amount: Fen,
}

/// A checked deal, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealDraft {
    pub kind: DealKind,
    pub licence_type: Option<LicenceType>,
    pub from_org_id: i64,
    pub to_org_id: i64,
    /// Canonical numbers, in the order given, no duplicates.
    pub patents: Vec<PatentApplicationNumber>,
    pub venue: Venue,
    pub exchange_mode: Option<ExchangeMode>,
    pub exchange_deal_number: Option<String>,
    /// 合同金额.
    pub amount: Fen,
    pub signed_on: Option<NaiveDate>,
    /// The given effective date, else the signing date (Civil Code art. 502: a contract takes
    /// effect when concluded unless agreed otherwise).
    pub effective_on: Option<NaiveDate>,
    pub term_until: Option<NaiveDate>,
    pub lead_id: Option<i64>,
    pub agency_org_id: Option<i64>,
    pub listing_id: Option<i64>,
    pub equity: Option<Equity>,
    /// Sorted by due date.
    pub instalments: Vec<Instalment>,
    pub territory: Option<String>,
    pub pledgee_consents: Vec<i64>,
    pub co_owner_consents: Vec<i64>,
    /// `signed` when signed_on was given, else `negotiating`.
    pub stage: Stage,
    /// Licences with an effective date: the CNIPA record filing deadline (DOMAIN.md §4.1).
    pub filing_due_on: Option<NaiveDate>,
}

impl DealDraft {
    /// The facts the pre-checks need, for a deal stored under `deal_id` (None before it is).
    pub fn facts(&self, deal_id: Option<i64>) -> super::DealFacts {
        super::DealFacts {
            deal_id,
            kind: self.kind,
            licence_type: self.licence_type,
            from_org_id: self.from_org_id,
            to_org_id: self.to_org_id,
            patents: self.patents.iter().map(|p| p.to_string()).collect(),
            effective_on: self.effective_on,
            term_until: self.term_until,
            pledgee_consents: self.pledgee_consents.clone(),
            co_owner_consents: self.co_owner_consents.clone(),
        }
    }
}

fn blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

/// A required choice from a vocabulary. Codes: `required`, `unknown_value`.
fn choice<T>(
    field: &str,
    label: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> String,
) -> Result<T, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Err(FieldError::required(field, label));
    }
    parse(v).ok_or_else(|| {
        FieldError::new(
            field,
            Code::UnknownValue,
            format!("{label}“{v}”不在可选范围内，应为：{}", choices()),
        )
    })
}

fn not_applicable(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, Code::NotApplicable, message)
}

/// Positive org ids, duplicates dropped. Code: `out_of_range` at `{field}.{i}`.
fn id_set(errs: &mut Errors, field: &str, label: &str, ids: &[i64]) -> Vec<i64> {
    let mut out = Vec::new();
    for (i, &n) in ids.iter().enumerate() {
        if let Some(Some(n)) = errs.take(fields::id(&format!("{field}.{i}"), label, Some(n)))
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out
}

/// Check a deal as a whole, reporting every bad field (issue 12, "Bad input"):
///
/// - `kind` required (`required`, `unknown_value`); `licence_type` required for a licence and
///   `not_applicable` to a transfer or equity contribution;
/// - `from_org_id`, `to_org_id` required positive ids, not the same organisation (`same_party`,
///   on `to_org_id`);
/// - `patents`: at least one (`required`), at most [`MAX_PATENTS`] (`too_many`), each a valid
///   application number (the identifier's code at `patents.N`), none twice (`duplicate`);
///   blank entries are skipped;
/// - `venue` required; `exchange_mode` and `exchange_deal_number` only on an exchange
///   (`not_applicable`);
/// - `amount_wan` required, ≥ 0 with at most two decimals; zero only for an open licence (a free
///   开放许可), otherwise `out_of_range`;
/// - dates `YYYY-MM-DD` (`bad_date`) between 1985-04-01 and 2100-12-31 (`out_of_range`);
///   `signed_on` not after `today` (`date_in_future`; past dates are normal, deals since 2020
///   are back-filled); `effective_on` not before `signed_on` (`effective_before_signed`);
/// - a licence needs `term_until` (`required`) after its effective date (`ends_before_start`);
///   a transfer or equity contribution has none (`not_applicable`); likewise `territory`;
/// - equity: `valuation_wan` > 0 and `share_pct` with 0 < x ≤ 100, two decimals (`required`,
///   `bad_number`, `out_of_range`); `not_applicable` to other kinds;
/// - `instalments.N.due_on` / `.amount_wan` required (amount > 0), at most [`MAX_INSTALMENTS`]
///   (`too_many`), together not above the amount (`instalments_exceed_amount`);
/// - ids (`lead_id`, `agency_org_id`, `listing_id`, consents) positive (`out_of_range`).
pub fn check_deal(input: &DealInput, today: NaiveDate) -> Result<DealDraft, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = errs.take(choice(
        "kind",
        "交易类型",
        input.kind.as_deref(),
        DealKind::parse,
        DealKind::choices,
    ));
    let giver = kind.map_or("提供方", DealKind::giver_label);
    let receiver = kind.map_or("接受方", DealKind::receiver_label);
    let is_licence = kind == Some(DealKind::Licence);

    // Licence type: only, and always, for a licence.
    let licence_type = match kind {
        Some(DealKind::Licence) => errs.take(choice(
            "licence_type",
            "许可类型",
            input.licence_type.as_deref(),
            LicenceType::parse,
            LicenceType::choices,
        )),
        Some(k) if !blank(input.licence_type.as_deref()) => {
            errs.push(not_applicable(
                "licence_type",
                format!("{}不区分许可类型，请勿填写许可类型", k.label()),
            ));
            None
        }
        _ => None,
    };

    // The parties.
    let party = |errs: &mut Errors, field: &str, label: &str, v: Option<i64>| match v {
        None => {
            errs.push(FieldError::required(field, label));
            None
        }
        v => errs.take(fields::id(field, label, v)).flatten(),
    };
    let from_org_id = party(&mut errs, "from_org_id", giver, input.from_org_id);
    let to_org_id = party(&mut errs, "to_org_id", receiver, input.to_org_id);
    if let (Some(a), Some(b)) = (from_org_id, to_org_id)
        && a == b
    {
        errs.push(FieldError::new(
            "to_org_id",
            Code::SameParty,
            format!("{receiver}与{giver}不能是同一机构"),
        ));
    }

    // Patents.
    let given: Vec<(usize, &String)> = input
        .patents
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.trim().is_empty())
        .collect();
    let mut patents: Vec<PatentApplicationNumber> = Vec::new();
    if given.is_empty() {
        errs.push(FieldError::new(
            "patents",
            Code::Required,
            "请至少填写一件专利的申请号",
        ));
    } else if given.len() > MAX_PATENTS {
        errs.push(FieldError::new(
            "patents",
            Code::TooMany,
            format!("一笔交易最多 {MAX_PATENTS} 件专利，实为 {} 件", given.len()),
        ));
    } else {
        let mut first_at: Vec<usize> = Vec::new();
        for (i, p) in given {
            match PatentApplicationNumber::parse(p) {
                Ok(n) => match patents.iter().position(|x| *x == n) {
                    Some(k) => errs.push(FieldError::new(
                        format!("patents.{i}"),
                        Code::Duplicate,
                        format!("专利 {n} 与第 {} 项重复", first_at[k] + 1),
                    )),
                    None => {
                        patents.push(n);
                        first_at.push(i);
                    }
                },
                Err(e) => errs.push(FieldError::new(
                    format!("patents.{i}"),
                    e.code,
                    format!("第 {} 项专利申请号“{}”：{}", i + 1, p.trim(), e.message),
                )),
            }
        }
    }

    // Venue and the exchange's particulars.
    let venue = errs.take(choice(
        "venue",
        "交易场所",
        input.venue.as_deref(),
        Venue::parse,
        Venue::choices,
    ));
    let off_exchange = venue == Some(Venue::OffExchange);
    let exchange_mode = match input.exchange_mode.as_deref() {
        v if blank(v) => None,
        _ if off_exchange => {
            errs.push(not_applicable(
                "exchange_mode",
                "场外交易没有交易方式，交易方式只适用于在交易所成交的交易",
            ));
            None
        }
        v => errs.take(choice(
            "exchange_mode",
            "交易方式",
            v,
            ExchangeMode::parse,
            ExchangeMode::choices,
        )),
    };
    let exchange_deal_number = match input.exchange_deal_number.as_deref() {
        v if blank(v) => None,
        _ if off_exchange => {
            errs.push(not_applicable(
                "exchange_deal_number",
                "场外交易没有交易所成交编号",
            ));
            None
        }
        v => errs
            .take(text(
                "exchange_deal_number",
                "交易所成交编号",
                v,
                false,
                EXCHANGE_DEAL_NUMBER_MAX_CHARS,
            ))
            .flatten(),
    };

    // The amount: zero only for a free open licence.
    let free_allowed = is_licence && licence_type == Some(LicenceType::Open);
    let amount = errs.take(
        fields::wan_2dp(
            "amount_wan",
            "合同金额（万元）",
            input.amount_wan.as_ref(),
            false,
        )
        .and_then(|a| {
            if a == Fen::ZERO && !free_allowed {
                Err(FieldError::new(
                    "amount_wan",
                    Code::OutOfRange,
                    "合同金额（万元）应大于 0（只有开放许可可以免费）",
                ))
            } else {
                Ok(a)
            }
        }),
    );

    // Dates.
    let signed_on = errs
        .take(fields::date(
            "signed_on",
            "签订日期",
            input.signed_on.as_deref(),
            Some(today),
        ))
        .flatten();
    let effective_given = errs
        .take(fields::date(
            "effective_on",
            "生效日期",
            input.effective_on.as_deref(),
            None,
        ))
        .flatten();
    let effective_on = match (effective_given, signed_on) {
        (Some(e), Some(s)) if e < s => {
            errs.push(FieldError::new(
                "effective_on",
                Code::EffectiveBeforeSigned,
                format!("生效日期 {e} 早于签订日期 {s}"),
            ));
            None
        }
        (Some(e), _) => Some(e),
        (None, s) => s,
    };
    let term_raw = input.term_until.as_deref();
    let term_until = match kind {
        Some(DealKind::Licence) => errs
            .take(fields::required_date(
                "term_until",
                "许可期限截止日",
                term_raw,
                None,
            ))
            .and_then(|t| {
                let start = effective_on.or(signed_on);
                match start {
                    Some(s) if t <= s => {
                        errs.push(FieldError::new(
                            "term_until",
                            Code::EndsBeforeStart,
                            format!("许可期限截止日 {t} 应晚于合同生效日期 {s}"),
                        ));
                        None
                    }
                    _ => Some(t),
                }
            }),
        Some(k) if !blank(term_raw) => {
            errs.push(not_applicable(
                "term_until",
                format!("{}没有许可期限，请勿填写许可期限截止日", k.label()),
            ));
            None
        }
        _ => None,
    };
    let territory = match kind {
        Some(k) if k != DealKind::Licence && !blank(input.territory.as_deref()) => {
            errs.push(not_applicable(
                "territory",
                format!("{}没有许可地域，请勿填写", k.label()),
            ));
            None
        }
        _ => errs
            .take(text(
                "territory",
                "许可地域",
                input.territory.as_deref(),
                false,
                TERRITORY_MAX_CHARS,
            ))
            .flatten(),
    };

    // Links to where the deal came from.
    let lead_id = errs
        .take(fields::id("lead_id", "对接意向", input.lead_id))
        .flatten();
    let agency_org_id = errs
        .take(fields::id("agency_org_id", "服务机构", input.agency_org_id))
        .flatten();
    let listing_id = errs
        .take(fields::id("listing_id", "供需条目", input.listing_id))
        .flatten();

    // Equity terms.
    let equity = check_equity(&mut errs, kind, input);

    // The payment plan.
    let mut instalments: Vec<Instalment> = Vec::new();
    let mut plan_ok = true;
    if input.instalments.len() > MAX_INSTALMENTS {
        plan_ok = false;
        errs.push(FieldError::new(
            "instalments",
            Code::TooMany,
            format!(
                "付款计划最多 {MAX_INSTALMENTS} 期，实为 {} 期",
                input.instalments.len()
            ),
        ));
    } else {
        for (i, p) in input.instalments.iter().enumerate() {
            let n = i + 1;
            let due = errs.take(fields::required_date(
                &format!("instalments.{i}.due_on"),
                &format!("第 {n} 期付款日"),
                p.due_on.as_deref(),
                None,
            ));
            let amount = errs.take(fields::wan_2dp(
                &format!("instalments.{i}.amount_wan"),
                &format!("第 {n} 期金额（万元）"),
                p.amount_wan.as_ref(),
                true,
            ));
            match (due, amount) {
                (Some(due_on), Some(amount)) => instalments.push(Instalment { due_on, amount }),
                _ => plan_ok = false,
            }
        }
    }
    if let Some(total) = amount
        && plan_ok
    {
        let planned = instalments
            .iter()
            .fold(Fen::ZERO, |s, p| s.checked_add(p.amount).unwrap_or(s));
        if planned > total {
            errs.push(FieldError::new(
                "instalments",
                Code::InstalmentsExceedAmount,
                format!(
                    "付款计划合计 {} 万元，超过合同金额 {} 万元",
                    planned.to_wan_2dp(),
                    total.to_wan_2dp()
                ),
            ));
        }
    }
    instalments.sort_by_key(|p| p.due_on);

    let pledgee_consents = id_set(
        &mut errs,
        "pledgee_consents",
        "质权人",
        &input.pledgee_consents,
    );
    let co_owner_consents = id_set(
        &mut errs,
        "co_owner_consents",
        "共有人",
        &input.co_owner_consents,
    );

    if !errs.is_empty() {
        return Err(errs.0);
    }
    let kind = kind.expect("checked");
    Ok(DealDraft {
        kind,
        licence_type,
        from_org_id: from_org_id.expect("checked"),
        to_org_id: to_org_id.expect("checked"),
        patents,
        venue: venue.expect("checked"),
        exchange_mode,
        exchange_deal_number,
        amount: amount.expect("checked"),
        signed_on,
        effective_on,
        term_until,
        lead_id,
        agency_org_id,
        listing_id,
        equity,
        instalments,
        territory,
        pledgee_consents,
        co_owner_consents,
        stage: if signed_on.is_some() {
            Stage::Signed
        } else {
            Stage::Negotiating
        },
        filing_due_on: if kind == DealKind::Licence {
            effective_on.map(licence_filing_due)
        } else {
            None
        },
    })
}

/// Equity only: the valuation (> 0) and the share (0 < x ≤ 100, two decimals), both required.
fn check_equity(errs: &mut Errors, kind: Option<DealKind>, input: &DealInput) -> Option<Equity> {
    let share_given = input
        .share_pct
        .as_ref()
        .is_some_and(|n| !n.0.trim().is_empty());
    match kind {
        Some(DealKind::Equity) => {}
        Some(k) => {
            if input.valuation_wan.is_some() {
                errs.push(not_applicable(
                    "valuation_wan",
                    format!("{}没有作价评估价值，只有作价入股需要填写", k.label()),
                ));
            }
            if share_given {
                errs.push(not_applicable(
                    "share_pct",
                    format!("{}没有持股比例，只有作价入股需要填写", k.label()),
                ));
            }
            return None;
        }
        None => return None,
    }
    let valuation = errs.take(fields::wan_2dp(
        "valuation_wan",
        "评估价值（万元）",
        input.valuation_wan.as_ref(),
        true,
    ));
    let share = match input.share_pct.as_ref().map(|n| n.0.trim()) {
        None | Some("") => Err(FieldError::required("share_pct", "持股比例（%）")),
        Some(v) => match hundredths(v) {
            None => Err(FieldError::new(
                "share_pct",
                Code::BadNumber,
                format!("持股比例“{v}”不是有效数字，应为百分数，最多两位小数，如 33.5"),
            )),
            Some(h) if h <= 0 || h > 10_000 => Err(FieldError::new(
                "share_pct",
                Code::OutOfRange,
                format!("持股比例应大于 0 且不超过 100，而不是 {v}"),
            )),
            Some(h) => Ok(u32::try_from(h).expect("within 1..=10000")),
        },
    };
    let share = errs.take(share);
    Some(Equity {
        valuation: valuation?,
        share_hundredths: share?,
    })
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
