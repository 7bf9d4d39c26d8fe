//! Pre-checks before signing and before filing a deal (T4; DOMAIN.md §4.1): what CNIPA refuses a
//! licence record filing or a transfer registration for, checked against the patent register.
//!
//! Every check lists its evidence per patent and is never silently passed: a patent the register
//! does not hold is `needs_review` ("未在专利库登记，请先登记") in every check that reads the register.
//! A failing check (or one needing review) blocks filing until a reviewer overrules it with a
//! comment ([`may_file`], [`check_overrule`]).

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DealKind, LicenceType};
use crate::ident::PatentApplicationNumber;
use crate::patent::LegalStatus;
use crate::precheck::{Check, CheckStatus, LicenceFact, PatentFacts};
use crate::validation::{Errors, FieldError, text};

/// The rule ids, in the order [`deal_checks`] answers them (issue 12's API contract).
pub const RULES: [&str; 7] = [
    "owner",
    "in_force",
    "fee_paid",
    "term_within_expiry",
    "pledge_consent",
    "co_owner_consent",
    "exclusive_overlap",
];

pub const OVERRULE_COMMENT_MAX_CHARS: usize = 500;

/// The Chinese name of a rule.
pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "owner" => "出让方为专利权人",
        "in_force" => "专利已授权且有效",
        "fee_paid" => "年费已缴纳",
        "term_within_expiry" => "许可期限不超过专利届满日",
        "pledge_consent" => "质押专利已获质权人同意",
        "co_owner_consent" => "共有人已同意",
        "exclusive_overlap" => "无期限重叠的独占或排他许可",
        _ => "未知预检",
    }
}

/// What the pre-checks need of the deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealFacts {
    /// The deal's own id, so that its own licence (already in the register's facts) does not
    /// overlap itself; None before the deal is stored.
    pub deal_id: Option<i64>,
    pub kind: DealKind,
    pub licence_type: Option<LicenceType>,
    pub from_org_id: i64,
    pub to_org_id: i64,
    /// The deal's patent numbers (canonical); those the register lacks are `needs_review`.
    pub patents: Vec<String>,
    pub effective_on: Option<NaiveDate>,
    pub term_until: Option<NaiveDate>,
    /// Pledgees whose consent is recorded on the deal.
    pub pledgee_consents: Vec<i64>,
    /// Co-owners whose consent is recorded on the deal.
    pub co_owner_consents: Vec<i64>,
}

fn same_number(a: &str, b: &str) -> bool {
    match (
        PatentApplicationNumber::parse(a),
        PatentApplicationNumber::parse(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// One patent's verdict under one rule.
struct Item {
    number: String,
    status: CheckStatus,
    evidence: String,
}

/// Run `judge` over every patent of the deal; an unregistered one needs review.
fn per_patent(
    deal: &DealFacts,
    register: &[PatentFacts],
    judge: impl Fn(&PatentFacts) -> (CheckStatus, String),
) -> Vec<Item> {
    deal.patents
        .iter()
        .map(
            |n| match register.iter().find(|p| same_number(&p.number, n)) {
                None => Item {
                    number: n.clone(),
                    status: CheckStatus::NeedsReview,
                    evidence: format!("{n}：未在专利库登记，请先登记"),
                },
                Some(p) => {
                    let (status, what) = judge(p);
                    Item {
                        number: n.clone(),
                        status,
                        evidence: format!("{n}：{what}"),
                    }
                }
            },
        )
        .collect()
}

/// The check of a rule from its items: the worst status; a message naming the patents that fail
/// and those that need review.
fn combine(rule: &'static str, items: Vec<Item>, pass: String, fail: &str) -> Check {
    if items.is_empty() {
        return Check {
            rule,
            status: CheckStatus::NeedsReview,
            message: "交易未关联专利，无法核对".into(),
            evidence: vec![],
        };
    }
    let numbers = |s: CheckStatus| -> Vec<&str> {
        items
            .iter()
            .filter(|i| i.status == s)
            .map(|i| i.number.as_str())
            .collect()
    };
    let (failing, review) = (
        numbers(CheckStatus::Fail),
        numbers(CheckStatus::NeedsReview),
    );
    let mut parts = Vec::new();
    if !failing.is_empty() {
        parts.push(format!("{fail}：{}", failing.join("、")));
    }
    if !review.is_empty() {
        parts.push(format!("待核实：{}", review.join("、")));
    }
    let status = if !failing.is_empty() {
        CheckStatus::Fail
    } else if !review.is_empty() {
        CheckStatus::NeedsReview
    } else {
        CheckStatus::Pass
    };
    Check {
        rule,
        status,
        message: if parts.is_empty() {
            pass
        } else {
            parts.join("；")
        },
        evidence: items.into_iter().map(|i| i.evidence).collect(),
    }
}

/// The seven pre-checks of a deal, in the order of [`RULES`], as of `today`.
pub fn deal_checks(deal: &DealFacts, register: &[PatentFacts], today: NaiveDate) -> Vec<Check> {
    let n = deal.patents.len();
    let giver = deal.kind.giver_label();
    vec![
        combine(
            "owner",
            per_patent(deal, register, |p| owner(deal, p)),
            format!("{giver}是全部 {n} 件专利的权利人"),
            &format!("{giver}不是以下专利的权利人"),
        ),
        combine(
            "in_force",
            per_patent(deal, register, |p| in_force(deal, p, today)),
            format!("全部 {n} 件专利均已授权且在有效期内"),
            "以下专利未授权、已失效或已届满",
        ),
        combine(
            "fee_paid",
            per_patent(deal, register, |p| fee_paid(p, today)),
            format!("全部 {n} 件专利的年费均已缴纳"),
            "以下专利欠缴年费",
        ),
        term_within_expiry(deal, register),
        combine(
            "pledge_consent",
            per_patent(deal, register, |p| pledge_consent(deal, p)),
            "没有未经质权人同意的质押专利".into(),
            "以下专利已质押，未记录质权人同意（民法典第四百四十四条）",
        ),
        combine(
            "co_owner_consent",
            per_patent(deal, register, |p| co_owner_consent(deal, p)),
            "没有未经同意的共有人".into(),
            "以下专利的共有人未记录同意",
        ),
        exclusive_overlap(deal, register),
    ]
}

fn owner(deal: &DealFacts, p: &PatentFacts) -> (CheckStatus, String) {
    let giver = deal.kind.giver_label();
    if p.owner_org_id == deal.from_org_id {
        (CheckStatus::Pass, format!("权利人：{}", p.owner_name))
    } else if p.co_owner_org_ids.contains(&deal.from_org_id) {
        (
            CheckStatus::Pass,
            format!("权利人：{}；{giver}为共有人之一", p.owner_name),
        )
    } else {
        (
            CheckStatus::Fail,
            format!("权利人为 {}，不是{giver}", p.owner_name),
        )
    }
}

fn in_force(deal: &DealFacts, p: &PatentFacts, today: NaiveDate) -> (CheckStatus, String) {
    match p.legal_status {
        LegalStatus::Granted if today <= p.expires_on => {
            (CheckStatus::Pass, format!("有效，届满日 {}", p.expires_on))
        }
        LegalStatus::Granted => (CheckStatus::Fail, format!("已于 {} 届满", p.expires_on)),
        LegalStatus::Pending if deal.kind == DealKind::Licence => (
            CheckStatus::Fail,
            "审查中，尚未授权：未授权的专利申请不能办理许可合同备案".into(),
        ),
        LegalStatus::Pending => (
            CheckStatus::NeedsReview,
            "审查中，尚未授权：转让的是专利申请权，请核实".into(),
        ),
        s => (CheckStatus::Fail, format!("法律状态：{}", s.label())),
    }
}

fn fee_paid(p: &PatentFacts, today: NaiveDate) -> (CheckStatus, String) {
    match (p.legal_status, p.fee_paid_until) {
        (LegalStatus::Pending, _) => (CheckStatus::Pass, "尚未授权，授权前无年费".into()),
        (_, None) => (CheckStatus::NeedsReview, "年费缴纳情况未知，请核实".into()),
        (_, Some(u)) if today <= u => (CheckStatus::Pass, format!("年费已缴至 {u}")),
        (_, Some(u)) => (CheckStatus::Fail, format!("年费仅缴至 {u}，已欠费")),
    }
}

fn term_within_expiry(deal: &DealFacts, register: &[PatentFacts]) -> Check {
    const RULE: &str = "term_within_expiry";
    if deal.kind != DealKind::Licence {
        return Check {
            rule: RULE,
            status: CheckStatus::Pass,
            message: format!("不适用：{}不涉及许可期限", deal.kind.label()),
            evidence: vec![],
        };
    }
    let Some(term) = deal.term_until else {
        return Check {
            rule: RULE,
            status: CheckStatus::NeedsReview,
            message: "未填写许可期限截止日，无法核对".into(),
            evidence: vec![],
        };
    };
    combine(
        RULE,
        per_patent(deal, register, |p| {
            if term <= p.expires_on {
                (
                    CheckStatus::Pass,
                    format!("届满日 {}，许可期限至 {term}", p.expires_on),
                )
            } else {
                (
                    CheckStatus::Fail,
                    format!("届满日 {}，早于许可期限截止日 {term}", p.expires_on),
                )
            }
        }),
        format!("许可期限至 {term}，不超过任何一件专利的届满日"),
        "许可期限超过以下专利的届满日",
    )
}

fn pledge_consent(deal: &DealFacts, p: &PatentFacts) -> (CheckStatus, String) {
    if p.live_pledges.is_empty() {
        return (CheckStatus::Pass, "无有效质押".into());
    }
    let missing: Vec<&str> = p
        .live_pledges
        .iter()
        .filter(|q| !deal.pledgee_consents.contains(&q.pledgee_org_id))
        .map(|q| q.pledgee_name.as_str())
        .collect();
    let all: Vec<&str> = p
        .live_pledges
        .iter()
        .map(|q| q.pledgee_name.as_str())
        .collect();
    if missing.is_empty() {
        (
            CheckStatus::Pass,
            format!("已质押给 {}，质权人已同意", all.join("、")),
        )
    } else {
        (
            CheckStatus::Fail,
            format!("已质押给 {}，未记录质权人同意", missing.join("、")),
        )
    }
}

fn co_owner_consent(deal: &DealFacts, p: &PatentFacts) -> (CheckStatus, String) {
    let mut others: Vec<i64> = Vec::new();
    for o in std::iter::once(p.owner_org_id).chain(p.co_owner_org_ids.iter().copied()) {
        if o != deal.from_org_id && !others.contains(&o) {
            others.push(o);
        }
    }
    if others.is_empty() {
        return (CheckStatus::Pass, "无共有人".into());
    }
    let missing: Vec<String> = others
        .iter()
        .filter(|o| !deal.co_owner_consents.contains(o))
        .map(|o| format!("机构 #{o}"))
        .collect();
    if missing.is_empty() {
        return (
            CheckStatus::Pass,
            format!("{} 个共有人均已同意", others.len()),
        );
    }
    let who = missing.join("、");
    // Patent Law art. 14: a co-owner may grant an ordinary licence alone (sharing the fee); CNIPA
    // may still ask for the others' statement, so a person decides.
    let alone_allowed = deal.kind == DealKind::Licence
        && matches!(
            deal.licence_type,
            Some(LicenceType::Ordinary | LicenceType::Open)
        );
    if alone_allowed {
        (
            CheckStatus::NeedsReview,
            format!(
                "共有人 {who} 未记录同意：共有人可单独以普通许可方式许可他人实施（专利法第十四条），备案时可能仍需其同意，请核实"
            ),
        )
    } else {
        (CheckStatus::Fail, format!("共有人 {who} 未记录同意"))
    }
}

/// Do two periods overlap? `None` as an end is open-ended.
fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let end = |e: Option<NaiveDate>| e.unwrap_or(NaiveDate::MAX);
    a.0 <= end(b.1) && b.0 <= end(a.1)
}

fn describe(l: &LicenceFact) -> String {
    let kind = LicenceType::parse(&l.licence_type).map_or(l.licence_type.as_str(), |t| t.label());
    let until = l.until.map_or("长期".to_string(), |u| u.to_string());
    format!(
        "{kind}（交易 #{}，被许可方机构 #{}，{} 至 {until}）",
        l.deal_id, l.licensee_org_id, l.from
    )
}

fn exclusive_overlap(deal: &DealFacts, register: &[PatentFacts]) -> Check {
    const RULE: &str = "exclusive_overlap";
    let others = |p: &PatentFacts| -> Vec<LicenceFact> {
        p.licences
            .iter()
            .filter(|l| Some(l.deal_id) != deal.deal_id)
            .cloned()
            .collect()
    };
    if deal.kind != DealKind::Licence {
        // A transfer does not end existing licences (转让不破许可): shown, not judged.
        let evidence = register
            .iter()
            .filter(|p| deal.patents.iter().any(|n| same_number(&p.number, n)))
            .flat_map(|p| {
                others(p)
                    .iter()
                    .map(|l| format!("{}：已有{}", p.number, describe(l)))
                    .collect::<Vec<_>>()
            })
            .collect();
        return Check {
            rule: RULE,
            status: CheckStatus::Pass,
            message: format!(
                "不适用：{}不影响已有许可（转让不破许可），已有许可列于依据中",
                deal.kind.label()
            ),
            evidence,
        };
    }
    // An unknown type of this licence is treated as exclusive: the stricter reading.
    let this_excludes = deal.licence_type.is_none_or(LicenceType::excludes_others);
    let items = per_patent(deal, register, |p| {
        let mut fail = Vec::new();
        let mut review = Vec::new();
        for l in others(p) {
            let other = LicenceType::parse(&l.licence_type);
            let other_excludes = other.is_none_or(LicenceType::excludes_others);
            if !(this_excludes || other_excludes) {
                continue;
            }
            let Some(start) = deal.effective_on else {
                review.push(format!(
                    "{}，本次许可未填写生效日期，无法判断是否重叠",
                    describe(&l)
                ));
                continue;
            };
            if !overlaps((start, deal.term_until), (l.from, l.until)) {
                continue;
            }
            if l.licensee_org_id == deal.to_org_id {
                review.push(format!(
                    "同一被许可方已有期限重叠的{}，请核实是否重复备案",
                    describe(&l)
                ));
            } else if other.is_none() {
                review.push(format!("已有期限重叠的许可，类型不明：{}", describe(&l)));
            } else {
                fail.push(format!("已有期限重叠的{}", describe(&l)));
            }
        }
        if !fail.is_empty() {
            fail.extend(review);
            (CheckStatus::Fail, fail.join("；"))
        } else if !review.is_empty() {
            (CheckStatus::NeedsReview, review.join("；"))
        } else {
            (
                CheckStatus::Pass,
                format!("无冲突的许可（已有许可 {} 项）", others(p).len()),
            )
        }
    });
    combine(
        RULE,
        items,
        "没有期限重叠的独占或排他许可".into(),
        "以下专利已有期限重叠的独占或排他许可，或本次独占、排他许可与已有许可重叠",
    )
}

/// May the deal be filed? The rules of checks not passed and not overruled block it. A
/// `needs_review` check blocks like a failed one: "never silently passed" means a person confirms
/// it, and the overrule (with its comment) is that confirmation.
pub fn may_file(checks: &[Check], overruled: &[&str]) -> Result<(), Vec<&'static str>> {
    let mut blocking: Vec<&'static str> = Vec::new();
    for c in checks {
        if c.status != CheckStatus::Pass
            && !overruled.contains(&c.rule)
            && !blocking.contains(&c.rule)
        {
            blocking.push(c.rule);
        }
    }
    if blocking.is_empty() {
        Ok(())
    } else {
        Err(blocking)
    }
}

/// A reviewer's overrule of one check.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct OverruleInput {
    pub rule: Option<String>,
    pub comment: Option<String>,
}

/// Check an overrule against the deal's current checks: `rule` one of [`RULES`] (`required`,
/// `unknown_value`) that is not passing (`nothing_to_overrule`); `comment` required, at most 500
/// characters.
pub fn check_overrule(
    input: &OverruleInput,
    checks: &[Check],
) -> Result<(&'static str, String), Vec<FieldError>> {
    let mut errs = Errors::default();
    let rule = match input.rule.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            errs.push(FieldError::required("rule", "预检规则"));
            None
        }
        r => match RULES.iter().copied().find(|x| *x == r) {
            None => {
                errs.push(FieldError::new(
                    "rule",
                    Code::UnknownValue,
                    format!("预检规则“{r}”不存在，应为：{}", RULES.join("、")),
                ));
                None
            }
            Some(r)
                if checks
                    .iter()
                    .any(|c| c.rule == r && c.status != CheckStatus::Pass) =>
            {
                Some(r)
            }
            Some(r) => {
                errs.push(FieldError::new(
                    "rule",
                    Code::NothingToOverrule,
                    format!("预检“{}”已通过，无需审核确认", rule_label(r)),
                ));
                None
            }
        },
    };
    let comment = errs
        .take(text(
            "comment",
            "审核意见",
            input.comment.as_deref(),
            true,
            OVERRULE_COMMENT_MAX_CHARS,
        ))
        .flatten();
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok((rule.expect("checked"), comment.expect("checked")))
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
