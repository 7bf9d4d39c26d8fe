//! A bank's IP pledge-loan product (T5): what it lends against, how much and how long, at what
//! rate, for whom, and who shares the risk. Banks publish them; enterprises and operators compare
//! them; the public may read them.

use crate::code::Code;
use serde::{Deserialize, Serialize};

use super::{bp_text, pct_field, wan_field};
use crate::application::serde_json_number::Number;
use crate::listing::parse_phone;
use crate::money::{Fen, WanText};
use crate::validation::{Errors, FieldError, text};

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
pub const ELIGIBLE_OTHER_MAX_CHARS: usize = 200;
pub const PARTNER_MAX_CHARS: usize = 100;
pub const CONTACT_NAME_MAX_CHARS: usize = 40;
/// Longest loan term a product may offer. IP pledge loans run one to three years, rarely five;
/// ten years only keeps out typos (a term in days typed as months).
pub const MAX_TERM_MONTHS: i64 = 120;
/// Highest annual rate accepted, in basis points (24 %: the old judicial cap on private lending;
/// bank IP loans run 3–6 %). It keeps out typos such as `345` for 3.45 %.
pub const MAX_RATE_BP: u32 = 2400;
/// 100 % in basis points: the most risk the sharing parties may cover together.
pub const FULL_SHARE_BP: u32 = 10_000;

/// What a product lends against, and a pledge's kind (`POST /api/v1/pledges` `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collateral {
    /// 专利权质押
    Patent,
    /// 商标专用权质押
    Trademark,
    /// 专利与商标混合质押
    Mixed,
}

impl Collateral {
    pub const ALL: [Collateral; 3] = [Collateral::Patent, Collateral::Trademark, Collateral::Mixed];

    pub fn slug(self) -> &'static str {
        match self {
            Collateral::Patent => "patent",
            Collateral::Trademark => "trademark",
            Collateral::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<Collateral> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Collateral::Patent => "专利权质押",
            Collateral::Trademark => "商标专用权质押",
            Collateral::Mixed => "专利商标混合质押",
        }
    }

    /// Does a product taking this collateral take a pledge of `kind`? A mixed product takes
    /// patents, trademarks or both; the others only their own kind.
    pub fn accepts(self, kind: Collateral) -> bool {
        self == Collateral::Mixed || self == kind
    }
}

/// Enterprises a product is meant for (a fixed list; anything else goes in `eligible_other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    HighTech,
    Specialised,
    LittleGiant,
    TechSme,
    InnovativeSme,
    Sme,
}

impl Eligibility {
    pub const ALL: [Eligibility; 6] = [
        Eligibility::HighTech,
        Eligibility::Specialised,
        Eligibility::LittleGiant,
        Eligibility::TechSme,
        Eligibility::InnovativeSme,
        Eligibility::Sme,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Eligibility::HighTech => "high_tech",
            Eligibility::Specialised => "specialised",
            Eligibility::LittleGiant => "little_giant",
            Eligibility::TechSme => "tech_sme",
            Eligibility::InnovativeSme => "innovative_sme",
            Eligibility::Sme => "sme",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Eligibility::HighTech => "高新技术企业",
            Eligibility::Specialised => "专精特新中小企业",
            Eligibility::LittleGiant => "专精特新“小巨人”企业",
            Eligibility::TechSme => "科技型中小企业",
            Eligibility::InnovativeSme => "创新型中小企业",
            Eligibility::Sme => "中小微企业",
        }
    }

    /// By slug or by label (forms send the label).
    pub fn parse(s: &str) -> Option<Eligibility> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|e| e.slug() == s || e.label() == s)
    }
}

/// Who shares the bank's loss on a pledge loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSharingKind {
    /// 区知识产权质押融资风险补偿资金（资金池）
    RiskFund,
    /// 融资担保公司
    Guarantee,
    /// 保险公司的保证保险
    Insurance,
}

impl RiskSharingKind {
    pub const ALL: [RiskSharingKind; 3] = [
        RiskSharingKind::RiskFund,
        RiskSharingKind::Guarantee,
        RiskSharingKind::Insurance,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RiskSharingKind::RiskFund => "risk_fund",
            RiskSharingKind::Guarantee => "guarantee",
            RiskSharingKind::Insurance => "insurance",
        }
    }

    pub fn parse(s: &str) -> Option<RiskSharingKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskSharingKind::RiskFund => "区风险补偿资金",
            RiskSharingKind::Guarantee => "融资担保公司",
            RiskSharingKind::Insurance => "保证保险",
        }
    }
}

/// One risk-sharing party as a form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct RiskShareInput {
    /// `risk_fund` | `guarantee` | `insurance`
    pub kind: Option<String>,
    /// Share of the loss covered, in percent (`"50"`, `"30.5"`).
    pub share_pct: Option<Number>,
    /// The fund, guarantee company or insurer, by name (optional).
    pub partner: Option<String>,
}

/// A checked risk-sharing party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskShare {
    pub kind: RiskSharingKind,
    /// Share covered, in basis points (5000 = 50 %).
    pub share_bp: u32,
    pub partner: Option<String>,
}

/// Check the risk-sharing parties at `{prefix}.{i}.kind|share_pct|partner`: each kind once, each
/// share in (0, 100 %], together at most 100 % (`out_of_range` on `{prefix}`). Blank rows are
/// skipped. Codes: `required`, `unknown_value`, `duplicate`, `bad_percent`, `out_of_range`.
pub(super) fn check_risk_sharing(
    errs: &mut Errors,
    prefix: &str,
    rows: &[RiskShareInput],
) -> Vec<RiskShare> {
    let mut out: Vec<RiskShare> = Vec::new();
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|v| v.trim().is_empty());
    for (i, row) in rows.iter().enumerate() {
        if blank(&row.kind)
            && row.share_pct.as_ref().is_none_or(|n| n.0.trim().is_empty())
            && blank(&row.partner)
        {
            continue;
        }
        let n = i + 1;
        let path = |f: &str| format!("{prefix}.{i}.{f}");
        let kind = match row.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => {
                errs.push(FieldError::required(
                    path("kind"),
                    &format!("第 {n} 项风险分担方式"),
                ));
                None
            }
            Some(k) => match RiskSharingKind::parse(k) {
                Some(k) if out.iter().any(|r| r.kind == k) => {
                    errs.push(FieldError::new(
                        path("kind"),
                        Code::Duplicate,
                        format!("风险分担方式“{}”重复填写", k.label()),
                    ));
                    None
                }
                Some(k) => Some(k),
                None => {
                    errs.push(FieldError::new(
                        path("kind"),
                        Code::UnknownValue,
                        format!(
                            "风险分担方式“{k}”应为 risk_fund（区风险补偿资金）、guarantee（融资担保公司）或 insurance（保证保险）"
                        ),
                    ));
                    None
                }
            },
        };
        let label = format!("第 {n} 项风险分担比例");
        let share = match errs.take(pct_field(
            &path("share_pct"),
            &label,
            row.share_pct.as_ref(),
            FULL_SHARE_BP,
        )) {
            Some(None) => {
                errs.push(FieldError::required(path("share_pct"), &label));
                None
            }
            s => s.flatten(),
        };
        let partner = errs
            .take(text(
                &path("partner"),
                &format!("第 {n} 项风险分担机构名称"),
                row.partner.as_deref(),
                false,
                PARTNER_MAX_CHARS,
            ))
            .flatten();
        if let (Some(kind), Some(share_bp)) = (kind, share) {
            out.push(RiskShare {
                kind,
                share_bp,
                partner,
            });
        }
    }
    let total: u32 = out.iter().map(|r| r.share_bp).sum();
    if total > FULL_SHARE_BP {
        errs.push(FieldError::new(
            prefix,
            Code::OutOfRange,
            format!("各方分担比例合计 {}%，不能超过 100%", bp_text(total)),
        ));
    }
    out
}

/// The annual interest rate of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Rate {
    /// From `min_bp` to `max_bp` basis points a year (345 = 3.45 %); equal for a fixed rate.
    Range { min_bp: u32, max_bp: u32 },
    /// 面议
    Negotiable,
}

impl Rate {
    /// `3.45%–4.5%`, `3.85%` or `面议`.
    pub fn label(self) -> String {
        match self {
            Rate::Negotiable => "面议".to_string(),
            Rate::Range { min_bp, max_bp } if min_bp == max_bp => format!("{}%", bp_text(min_bp)),
            Rate::Range { min_bp, max_bp } => {
                format!("{}%–{}%", bp_text(min_bp), bp_text(max_bp))
            }
        }
    }
}

/// A product as a bank's form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ProductInput {
    pub name: Option<String>,
    /// `patent` | `trademark` | `mixed`
    pub collateral: Option<String>,
    /// 万元; no minimum when absent.
    pub amount_min_wan: Option<WanText>,
    /// 万元; required.
    pub amount_max_wan: Option<WanText>,
    /// Months; 1 when absent.
    pub term_min_months: Option<i64>,
    /// Months; required.
    pub term_max_months: Option<i64>,
    /// Annual rate in percent (`"3.45"`); one of the two alone is a fixed rate. `"面议"` in
    /// either, or `rate_negotiable: true`, makes the rate negotiable.
    pub rate_min_pct: Option<Number>,
    pub rate_max_pct: Option<Number>,
    pub rate_negotiable: Option<bool>,
    /// Whether the bank requires an appraisal of the collateral; `true` when absent.
    pub appraisal_required: Option<bool>,
    /// Slugs or labels of [`Eligibility`]; empty = open to every enterprise.
    pub eligible: Vec<String>,
    /// Further conditions in the bank's words, e.g. `拥有有效发明专利 2 件以上`.
    pub eligible_other: Option<String>,
    pub risk_sharing: Vec<RiskShareInput>,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// A checked product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub name: String,
    pub collateral: Collateral,
    pub amount_min: Option<Fen>,
    pub amount_max: Fen,
    pub term_min_months: u32,
    pub term_max_months: u32,
    pub rate: Rate,
    pub appraisal_required: bool,
    pub eligible: Vec<Eligibility>,
    pub eligible_other: Option<String>,
    pub risk_sharing: Vec<RiskShare>,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
}

fn is_negotiable_word(n: Option<&Number>) -> bool {
    n.is_some_and(|n| matches!(n.0.trim(), "面议" | "negotiable"))
}

fn term_field(field: &str, label: &str, value: Option<i64>) -> Result<Option<u32>, FieldError> {
    match value {
        None => Ok(None),
        Some(m) if (1..=MAX_TERM_MONTHS).contains(&m) => {
            Ok(Some(u32::try_from(m).expect("bounded")))
        }
        Some(m) => Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应在 1–{MAX_TERM_MONTHS} 个月之间，而不是 {m}"),
        )),
    }
}

/// Check a product as a whole, reporting every bad field:
///
/// - `name` required, ≤ 100 characters; `collateral` one of [`Collateral`] (`unknown_value`);
/// - `amount_max_wan` required and > 0, `amount_min_wan` optional, both in 万元 with at most two
///   decimals; min ≤ max (`min_above_max` on the min);
/// - `term_max_months` required, `term_min_months` 1 by default, both 1–120 (`out_of_range`);
///   min ≤ max (`min_above_max`);
/// - the rate: negotiable (`rate_negotiable` or `面议`, then no figure: `not_applicable`), or
///   one or two percentages in (0, 24 %] (`bad_percent`, `out_of_range`), min ≤ max; neither is
///   `required` on `rate_min_pct`;
/// - `eligible.{i}` one of [`Eligibility`] (`unknown_value`), duplicates dropped;
///   `eligible_other` ≤ 200 characters;
/// - `risk_sharing.{i}`: see [`check_risk_sharing`];
/// - `contact_name` required ≤ 40, `contact_phone` required (`bad_phone`).
pub fn check_product(input: &ProductInput) -> Result<Product, Vec<FieldError>> {
    let mut errs = Errors::default();
    let name = errs
        .take(text(
            "name",
            "产品名称",
            input.name.as_deref(),
            true,
            NAME_MAX_CHARS,
        ))
        .flatten();
    let collateral = match input
        .collateral
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => {
            errs.push(FieldError::required("collateral", "质押物类型"));
            None
        }
        Some(c) => errs.take(Collateral::parse(c).ok_or_else(|| {
            FieldError::new(
                "collateral",
                Code::UnknownValue,
                format!(
                    "质押物类型“{c}”应为 patent（专利）、trademark（商标）或 mixed（专利商标混合）"
                ),
            )
        })),
    };
    let amount_min = errs
        .take(wan_field(
            "amount_min_wan",
            "最低贷款金额",
            input.amount_min_wan.as_ref(),
            false,
            false,
        ))
        .flatten();
    let amount_max = errs
        .take(wan_field(
            "amount_max_wan",
            "最高贷款金额",
            input.amount_max_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    if let (Some(min), Some(max)) = (amount_min, amount_max)
        && min > max
    {
        errs.push(FieldError::new(
            "amount_min_wan",
            Code::MinAboveMax,
            format!(
                "最低贷款金额 {} 万元高于最高贷款金额 {} 万元",
                min.to_wan_2dp(),
                max.to_wan_2dp()
            ),
        ));
    }
    let term_min = errs
        .take(term_field(
            "term_min_months",
            "最短期限",
            input.term_min_months,
        ))
        .map(|t| t.unwrap_or(1));
    let term_max = match errs.take(term_field(
        "term_max_months",
        "最长期限",
        input.term_max_months,
    )) {
        Some(None) => {
            errs.push(FieldError::required("term_max_months", "最长期限（月）"));
            None
        }
        t => t.flatten(),
    };
    if let (Some(min), Some(max)) = (term_min, term_max)
        && min > max
    {
        errs.push(FieldError::new(
            "term_min_months",
            Code::MinAboveMax,
            format!("最短期限 {min} 个月长于最长期限 {max} 个月"),
        ));
    }
    let rate = check_rate(&mut errs, input);
    let mut eligible: Vec<Eligibility> = Vec::new();
    for (i, e) in input
        .eligible
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.trim().is_empty())
    {
        match Eligibility::parse(e) {
            Some(e) if eligible.contains(&e) => {}
            Some(e) => eligible.push(e),
            None => errs.push(FieldError::new(
                format!("eligible.{i}"),
                Code::UnknownValue,
                format!(
                    "适用企业“{e}”不在可选范围内，应为：{}；其他条件请填在“其他适用条件”中",
                    Eligibility::ALL.map(Eligibility::label).join("、")
                ),
            )),
        }
    }
    let eligible_other = errs
        .take(text(
            "eligible_other",
            "其他适用条件",
            input.eligible_other.as_deref(),
            false,
            ELIGIBLE_OTHER_MAX_CHARS,
        ))
        .flatten();
    let risk_sharing = check_risk_sharing(&mut errs, "risk_sharing", &input.risk_sharing);
    let description = errs
        .take(text(
            "description",
            "产品介绍",
            input.description.as_deref(),
            false,
            DESCRIPTION_MAX_CHARS,
        ))
        .map(Option::unwrap_or_default);
    let contact_name = errs
        .take(text(
            "contact_name",
            "联系人",
            input.contact_name.as_deref(),
            true,
            CONTACT_NAME_MAX_CHARS,
        ))
        .flatten();
    let contact_phone = match input
        .contact_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => {
            errs.push(FieldError::required("contact_phone", "联系电话"));
            None
        }
        Some(p) => errs
            .take(parse_phone(p).map_err(|e| FieldError::new("contact_phone", e.code, e.message))),
    };
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Product {
        name: name.expect("checked"),
        collateral: collateral.expect("checked"),
        amount_min,
        amount_max: amount_max.expect("checked"),
        term_min_months: term_min.expect("checked"),
        term_max_months: term_max.expect("checked"),
        rate: rate.expect("checked"),
        // Absent means required: the cautious reading, which keeps the appraisal step in the
        // pipeline (see `stage::move_stage`).
        appraisal_required: input.appraisal_required.unwrap_or(true),
        eligible,
        eligible_other,
        risk_sharing,
        description: description.expect("checked"),
        contact_name: contact_name.expect("checked"),
        contact_phone: contact_phone.expect("checked"),
    })
}

fn check_rate(errs: &mut Errors, input: &ProductInput) -> Option<Rate> {
    let (min_in, max_in) = (input.rate_min_pct.as_ref(), input.rate_max_pct.as_ref());
    let negotiable = input.rate_negotiable == Some(true)
        || is_negotiable_word(min_in)
        || is_negotiable_word(max_in);
    if negotiable {
        let mut ok = true;
        for (field, v) in [("rate_min_pct", min_in), ("rate_max_pct", max_in)] {
            if let Some(v) = v.filter(|v| !v.0.trim().is_empty() && !is_negotiable_word(Some(v))) {
                ok = false;
                errs.push(FieldError::new(
                    field,
                    Code::NotApplicable,
                    format!("利率已选“面议”，不应再填写利率 {}", v.0.trim()),
                ));
            }
        }
        return ok.then_some(Rate::Negotiable);
    }
    let min = errs.take(pct_field("rate_min_pct", "最低年利率", min_in, MAX_RATE_BP));
    let max = errs.take(pct_field("rate_max_pct", "最高年利率", max_in, MAX_RATE_BP));
    match (min, max) {
        (Some(None), Some(None)) => {
            errs.push(FieldError::new(
                "rate_min_pct",
                Code::Required,
                "年利率不能为空：请填写利率区间（%），或选择“面议”",
            ));
            None
        }
        (Some(Some(a)), Some(Some(b))) if a > b => {
            errs.push(FieldError::new(
                "rate_min_pct",
                Code::MinAboveMax,
                format!("最低年利率 {}% 高于最高年利率 {}%", bp_text(a), bp_text(b)),
            ));
            None
        }
        (Some(a), Some(b)) => {
            let (lo, hi) = (a.or(b)?, b.or(a)?);
            Some(Rate::Range {
                min_bp: lo,
                max_bp: hi,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "product_tests.rs"]
mod tests;
