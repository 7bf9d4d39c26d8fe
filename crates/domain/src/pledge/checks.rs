//! The checks before a pledge is registered with CNIPA (T5; DOMAIN.md §4.2), from the patent
//! register, each with its evidence per patent. Never a silent pass: a patent the register does
//! not hold, an unknown fee status and every trademark (the platform keeps no trademark register)
//! are `needs_review`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::patent::LegalStatus;
use crate::precheck::{Check, CheckStatus, PatentFacts};

/// Rule ids, in the order the checks are shown.
pub const RULES: [&str; 6] = [
    "owner",
    "in_force",
    "fee_paid",
    "repay_within_expiry",
    "not_pledged",
    "co_owner_consent",
];

/// What the checks need of the pledge itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PledgeFacts {
    /// The pledge's own id once saved: its own registration is not another pledge.
    pub pledge_id: Option<i64>,
    pub pledgor_org_id: i64,
    pub pledgor_name: String,
    /// The debtor's repayment deadline.
    pub repay_by: NaiveDate,
    /// Canonical application numbers of the pledged patents.
    pub patents: Vec<String>,
    /// Registration numbers of the pledged trademarks.
    pub trademarks: Vec<String>,
    /// Organisations whose consent to this pledge is recorded (co-owners, or the owner when the
    /// pledgor is a co-owner).
    pub consents: Vec<i64>,
}

/// One item's verdict under one rule.
struct Item {
    status: CheckStatus,
    evidence: String,
}

fn pass(evidence: String) -> Item {
    Item {
        status: CheckStatus::Pass,
        evidence,
    }
}

fn fail(evidence: String) -> Item {
    Item {
        status: CheckStatus::Fail,
        evidence,
    }
}

fn review(evidence: String) -> Item {
    Item {
        status: CheckStatus::NeedsReview,
        evidence,
    }
}

/// The messages of a rule: all passed, `n` failed, `n` to review.
struct Messages {
    pass: &'static str,
    fail: &'static str,
    review: &'static str,
}

fn messages(rule: &str) -> Messages {
    match rule {
        "owner" => Messages {
            pass: "出质人是全部质押专利的专利权人（或共有人）",
            fail: "件专利的专利权人不是出质人",
            review: "件质押物的权利人无法从登记簿核实",
        },
        "in_force" => Messages {
            pass: "全部质押专利已授权且有效",
            fail: "件专利未授权、已失效、已届满或已被宣告无效",
            review: "件质押物的法律状态无法从登记簿核实",
        },
        "fee_paid" => Messages {
            pass: "全部质押专利的年费已缴纳",
            fail: "件专利欠缴年费",
            review: "件专利的年费缴纳情况未知",
        },
        "repay_within_expiry" => Messages {
            pass: "还款期限未超过任何质押专利的届满日",
            fail: "件专利在还款期限之前届满",
            review: "件质押物的届满日无法从登记簿核实",
        },
        "not_pledged" => Messages {
            pass: "质押专利均无其他有效质押",
            fail: "件专利已有其他有效质押",
            review: "件质押物的质押情况无法从登记簿核实",
        },
        _ => Messages {
            pass: "共有人均已同意（或无共有人）",
            fail: "件专利缺少共有人同意的记录",
            review: "件质押物的共有情况无法从登记簿核实",
        },
    }
}

/// Fold one rule's items into a check: any fail fails, else any review needs review, else pass.
fn fold(rule: &'static str, items: Vec<Item>) -> Check {
    let m = messages(rule);
    let count = |s: CheckStatus| items.iter().filter(|i| i.status == s).count();
    let (fails, reviews) = (count(CheckStatus::Fail), count(CheckStatus::NeedsReview));
    let (status, message) = if items.is_empty() {
        (
            CheckStatus::NeedsReview,
            "质押物清单为空，无法核实".to_string(),
        )
    } else if fails > 0 {
        (CheckStatus::Fail, format!("有 {fails} {}", m.fail))
    } else if reviews > 0 {
        (
            CheckStatus::NeedsReview,
            format!("有 {reviews} {}", m.review),
        )
    } else {
        (CheckStatus::Pass, m.pass.to_string())
    };
    Check {
        rule,
        status,
        message,
        evidence: items.into_iter().map(|i| i.evidence).collect(),
    }
}

fn owner(f: &PatentFacts, p: &PledgeFacts) -> Item {
    let head = format!("ZL{}《{}》", f.number, f.title);
    if f.owner_org_id == p.pledgor_org_id {
        pass(format!("{head} 专利权人：{}", f.owner_name))
    } else if f.co_owner_org_ids.contains(&p.pledgor_org_id) {
        pass(format!(
            "{head} 出质人{}为共有人（专利权人：{}）",
            p.pledgor_name, f.owner_name
        ))
    } else {
        fail(format!(
            "{head} 专利权人为{}，不是出质人{}",
            f.owner_name, p.pledgor_name
        ))
    }
}

fn in_force(f: &PatentFacts, today: NaiveDate) -> Item {
    let head = format!("ZL{}", f.number);
    match f.legal_status {
        LegalStatus::Granted if f.expires_on >= today => pass(format!(
            "{head} 有效（{}{}），届满日 {}",
            f.kind.label(),
            f.granted_on
                .map(|g| format!("，授权日 {g}"))
                .unwrap_or_default(),
            f.expires_on
        )),
        LegalStatus::Granted => fail(format!(
            "{head} 登记簿记为有效，但已于 {} 届满",
            f.expires_on
        )),
        LegalStatus::Pending => fail(format!("{head} 尚未授权（审查中），不能出质")),
        s => fail(format!("{head} 法律状态：{}", s.label())),
    }
}

fn fee_paid(f: &PatentFacts, today: NaiveDate) -> Item {
    let head = format!("ZL{}", f.number);
    match f.fee_paid_until {
        None => review(format!("{head} 登记簿无年费缴纳记录，请核实")),
        Some(u) if u >= today => pass(format!("{head} 年费已缴至 {u}")),
        Some(u) => fail(format!("{head} 年费仅缴至 {u}，今天（{today}）已欠费")),
    }
}

fn repay_within_expiry(f: &PatentFacts, p: &PledgeFacts) -> Item {
    let head = format!("ZL{}", f.number);
    if p.repay_by <= f.expires_on {
        pass(format!(
            "{head} 届满日 {}，不早于还款期限 {}",
            f.expires_on, p.repay_by
        ))
    } else {
        fail(format!(
            "{head} 届满日 {} 早于还款期限 {}",
            f.expires_on, p.repay_by
        ))
    }
}

fn not_pledged(f: &PatentFacts, p: &PledgeFacts) -> Item {
    let head = format!("ZL{}", f.number);
    let others: Vec<String> = f
        .live_pledges
        .iter()
        .filter(|l| Some(l.pledge_id) != p.pledge_id)
        .map(|l| format!("已质押给{}（质押 #{}）", l.pledgee_name, l.pledge_id))
        .collect();
    if others.is_empty() {
        pass(format!("{head} 无其他有效质押"))
    } else {
        fail(format!("{head} {}", others.join("；")))
    }
}

fn co_owner_consent(f: &PatentFacts, p: &PledgeFacts) -> Item {
    let head = format!("ZL{}", f.number);
    if f.co_owner_org_ids.is_empty() {
        return pass(format!("{head} 无共有人"));
    }
    // Every right holder other than the pledgor consents: the co-owners, and the registered
    // owner when the pledgor is itself a co-owner.
    let mut holders: Vec<i64> = Vec::new();
    for h in std::iter::once(&f.owner_org_id).chain(&f.co_owner_org_ids) {
        if *h != p.pledgor_org_id && !holders.contains(h) {
            holders.push(*h);
        }
    }
    let missing: Vec<String> = holders
        .iter()
        .filter(|h| !p.consents.contains(h))
        .map(|h| format!("机构 #{h}"))
        .collect();
    if missing.is_empty() {
        pass(format!(
            "{head} 共有人均已同意：{}",
            holders
                .iter()
                .map(|h| format!("机构 #{h}"))
                .collect::<Vec<_>>()
                .join("、")
        ))
    } else {
        fail(format!("{head} 未记录{}的同意", missing.join("、")))
    }
}

/// The six checks before registration, in [`RULES`] order, each with one evidence line per
/// pledged patent (and per trademark where the rule applies to trademarks).
///
/// - `owner`: the pledgor is the patentee or a co-owner of every patent.
/// - `in_force`: granted, in force, not past its expiry `today`.
/// - `fee_paid`: annual fees paid up to `today` or later (unknown: `needs_review`).
/// - `repay_within_expiry`: `repay_by` not after the patent's last day (the same day passes).
/// - `not_pledged`: no live pledge on the patent other than this one (`pledge_id`).
/// - `co_owner_consent`: every other right holder's consent recorded.
///
/// A pledged patent missing from `register` is `needs_review` under every rule; so is each
/// trademark (no trademark register here; trademarks pay no annual fee, so `fee_paid` skips them).
pub fn pledge_checks(
    facts: &PledgeFacts,
    register: &[PatentFacts],
    today: NaiveDate,
) -> Vec<Check> {
    RULES
        .into_iter()
        .map(|rule| {
            let mut items: Vec<Item> = facts
                .patents
                .iter()
                .map(|n| match register.iter().find(|f| &f.number == n) {
                    None => review(format!(
                        "ZL{n} 平台专利登记簿中无此专利，请先登记或人工核实"
                    )),
                    Some(f) => match rule {
                        "owner" => owner(f, facts),
                        "in_force" => in_force(f, today),
                        "fee_paid" => fee_paid(f, today),
                        "repay_within_expiry" => repay_within_expiry(f, facts),
                        "not_pledged" => not_pledged(f, facts),
                        _ => co_owner_consent(f, facts),
                    },
                })
                .collect();
            if rule != "fee_paid" {
                items.extend(facts.trademarks.iter().map(|t| {
                    review(format!(
                        "商标 {t} 平台无商标登记信息，请向商标局核实（商标质押 021-23110865）"
                    ))
                }));
            }
            fold(rule, items)
        })
        .collect()
}

/// The checks that block registration: every check that did not pass, unless a reviewer
/// overruled (or confirmed) its rule with a comment. `needs_review` blocks like `fail`: a check
/// nobody could decide is not a pass.
pub fn blocking_checks<'a>(checks: &'a [Check], overruled: &[&str]) -> Vec<&'a Check> {
    checks
        .iter()
        .filter(|c| c.status != CheckStatus::Pass && !overruled.contains(&c.rule))
        .collect()
}

/// May the pledge be registered: nothing blocks ([`blocking_checks`]).
pub fn may_register(checks: &[Check], overruled: &[&str]) -> bool {
    blocking_checks(checks, overruled).is_empty()
}

/// For the bank's workbench: the day a granted patent's annual fees are paid until, when that
/// falls within `within_days` of `today` or has passed (a lapse destroys the collateral). `None`
/// when not due, not granted, or unknown.
pub fn fee_due_soon(f: &PatentFacts, today: NaiveDate, within_days: i64) -> Option<NaiveDate> {
    let u = f.fee_paid_until?;
    (f.legal_status == LegalStatus::Granted && (u - today).num_days() <= within_days).then_some(u)
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
