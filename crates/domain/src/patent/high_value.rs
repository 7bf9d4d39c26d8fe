//! High-value invention patents (高价值发明专利; K5, T6; DOMAIN.md §3.2; issue 11).
//!
//! A patent is high-value on a date when it is a domestic invention patent in force that day
//! ([`Patent::in_force_on`]) and meets at least one of five categories; it counts once however many
//! it meets. "Domestic": the register holds Chinese patents owned by the organisations of the
//! platform, all of them domestic; PCT applications that entered China (type 8) are Chinese
//! invention patents like any other. A patent that is not an invention or not in force meets no
//! category ([`HighValue::why_not`] says why).

use chrono::NaiveDate;
use serde::Serialize;

use super::sei::SeiTable;
use super::term::anniversary;
use super::{Patent, PatentKind};
use crate::money::Fen;

/// Years a patent must have been kept in force (category 3: "more than 10 years").
pub const MAINTAINED_YEARS: u32 = 10;

/// The five categories of DOMAIN.md §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HighValueCategory {
    /// Its IPC is in the strategic-emerging-industry table.
    StrategicEmerging,
    /// A family member granted abroad (a PCT application alone is no grant).
    OverseasFamily,
    /// In force more than 10 years.
    Maintained10y,
    /// A pledge of at least the local threshold.
    HighPledge,
    /// A National Science and Technology Award or a China Patent Award.
    Award,
}

impl HighValueCategory {
    pub const ALL: [HighValueCategory; 5] = [
        HighValueCategory::StrategicEmerging,
        HighValueCategory::OverseasFamily,
        HighValueCategory::Maintained10y,
        HighValueCategory::HighPledge,
        HighValueCategory::Award,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            HighValueCategory::StrategicEmerging => "strategic_emerging",
            HighValueCategory::OverseasFamily => "overseas_family",
            HighValueCategory::Maintained10y => "maintained_10y",
            HighValueCategory::HighPledge => "high_pledge",
            HighValueCategory::Award => "award",
        }
    }

    pub fn parse(s: &str) -> Option<HighValueCategory> {
        Self::ALL.into_iter().find(|c| c.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            HighValueCategory::StrategicEmerging => "战略性新兴产业的发明专利",
            HighValueCategory::OverseasFamily => "在海外有同族专利权的发明专利",
            HighValueCategory::Maintained10y => "维持年限超过 10 年的发明专利",
            HighValueCategory::HighPledge => "实现较高质押融资金额的发明专利（本地口径）",
            HighValueCategory::Award => "获得国家科学技术奖或中国专利奖的发明专利",
        }
    }

    /// The category in a few characters, for tags in lists.
    pub fn short_label(self) -> &'static str {
        match self {
            HighValueCategory::StrategicEmerging => "战略性新兴产业",
            HighValueCategory::OverseasFamily => "海外同族",
            HighValueCategory::Maintained10y => "维持超10年",
            HighValueCategory::HighPledge => "高额质押",
            HighValueCategory::Award => "获奖",
        }
    }
}

impl Serialize for HighValueCategory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// Where "in force more than 10 years" counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintainedFrom {
    /// The filing date (default, as CNIPA counts 维持年限).
    Filing,
    /// The grant date.
    Grant,
}

impl MaintainedFrom {
    pub const ALL: [MaintainedFrom; 2] = [MaintainedFrom::Filing, MaintainedFrom::Grant];

    pub fn slug(self) -> &'static str {
        match self {
            MaintainedFrom::Filing => "filing",
            MaintainedFrom::Grant => "grant",
        }
    }

    pub fn parse(s: &str) -> Option<MaintainedFrom> {
        Self::ALL.into_iter().find(|c| c.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            MaintainedFrom::Filing => "自申请日起算",
            MaintainedFrom::Grant => "自授权公告日起算",
        }
    }
}

/// The settings of the high-value rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighValueRules {
    pub maintained_from: MaintainedFrom,
    /// Category 4's threshold. No official figure exists, so it is a local setting (本地口径), and
    /// off (`None`) until the bureau sets one: a figure invented here would quietly change K5.
    pub pledge_threshold: Option<Fen>,
    /// Category 1's table (the shipped extract, plus any extra entries).
    pub sei: SeiTable,
}

impl Default for HighValueRules {
    fn default() -> Self {
        HighValueRules {
            maintained_from: MaintainedFrom::Filing,
            pledge_threshold: None,
            sei: SeiTable::default(),
        }
    }
}

/// A pledge registered on a patent: its secured amount (the whole claim, not a share per patent:
/// CNIPA registers one amount per pledge) and the day it was registered. Released pledges count
/// too: the financing was secured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PledgeAmount {
    pub pledge_id: i64,
    pub amount: Fen,
    pub registered_on: NaiveDate,
}

/// What the rules read: the patent and the pledges registered on it.
#[derive(Debug, Clone, Copy)]
pub struct HighValueFacts<'a> {
    pub patent: &'a Patent,
    pub pledges: &'a [PledgeAmount],
}

/// One category met, with the evidence in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryMet {
    pub category: HighValueCategory,
    pub reason: String,
}

/// The verdict on one patent on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighValue {
    pub is: bool,
    /// The categories met, in the order of [`HighValueCategory::ALL`]; empty when not eligible.
    pub categories: Vec<CategoryMet>,
    /// When not high-value: why (not an invention, not in force, no category met).
    pub why_not: Option<String>,
}

impl HighValue {
    /// The categories met as the API lists them: `["strategic_emerging", "award"]`.
    pub fn slugs(&self) -> Vec<&'static str> {
        self.categories.iter().map(|c| c.category.slug()).collect()
    }
}

/// Is this patent high-value on `as_of` (a year end for K5, today for the register page)?
pub fn high_value(facts: &HighValueFacts, rules: &HighValueRules, as_of: NaiveDate) -> HighValue {
    let p = facts.patent;
    let not = |why: String| HighValue {
        is: false,
        categories: Vec::new(),
        why_not: Some(why),
    };
    if p.kind != PatentKind::Invention {
        return not(format!(
            "{}专利不计入高价值发明专利，只计发明专利",
            p.kind.label()
        ));
    }
    if !p.in_force_on(as_of) {
        return not(format!(
            "截至 {as_of} 不是有效的发明专利（法律状态：{}）",
            p.legal_status.label()
        ));
    }
    let mut met: Vec<CategoryMet> = Vec::new();
    let mut push = |category, reason: String| met.push(CategoryMet { category, reason });

    let sei: Vec<String> = p
        .ipc
        .iter()
        .filter_map(|c| {
            rules.sei.entry_for(c).map(|e| {
                let note = if e.note.is_empty() {
                    String::new()
                } else {
                    format!(" {}", e.note)
                };
                format!(
                    "IPC {c} 属于“{} {}”（参照关系表条目 {}{note}）",
                    e.industry.code(),
                    e.industry.label(),
                    e.ipc
                )
            })
        })
        .collect();
    if !sei.is_empty() {
        push(
            HighValueCategory::StrategicEmerging,
            format!("战略性新兴产业：{}", sei.join("；")),
        );
    }

    let abroad: Vec<String> = p
        .overseas
        .iter()
        .filter(|m| m.is_granted_abroad())
        .map(|m| m.describe())
        .collect();
    if !abroad.is_empty() {
        push(
            HighValueCategory::OverseasFamily,
            format!("海外同族已授权：{}", abroad.join("、")),
        );
    }

    let start = match rules.maintained_from {
        MaintainedFrom::Filing => Some(p.filed_on),
        MaintainedFrom::Grant => p.granted_on,
    };
    if let Some(start) = start {
        // Ten full years end the day before the tenth anniversary (the start day counts, as for
        // the term); from the anniversary on the patent is in its eleventh year: more than ten.
        let eleventh = anniversary(start, MAINTAINED_YEARS);
        if as_of >= eleventh {
            push(
                HighValueCategory::Maintained10y,
                format!(
                    "{}（{start}）起维持有效超过 {MAINTAINED_YEARS} 年：{eleventh} 起进入第 {} 年，截至 {as_of} 仍有效",
                    match rules.maintained_from {
                        MaintainedFrom::Filing => "自申请日",
                        MaintainedFrom::Grant => "自授权公告日",
                    },
                    MAINTAINED_YEARS + 1
                ),
            );
        }
    }

    if let Some(threshold) = rules.pledge_threshold
        && let Some(best) = facts
            .pledges
            .iter()
            .filter(|pl| pl.registered_on <= as_of && pl.amount >= threshold)
            .max_by_key(|pl| (pl.amount, std::cmp::Reverse(pl.pledge_id)))
    {
        push(
            HighValueCategory::HighPledge,
            format!(
                "质押融资金额 {} 万元（质押 #{}，{} 登记），达到本地口径门槛 {} 万元（非官方标准）",
                best.amount.to_wan_2dp(),
                best.pledge_id,
                best.registered_on,
                threshold.to_wan_2dp()
            ),
        );
    }

    let awards: Vec<String> = p
        .awards
        .iter()
        .filter(|a| a.is_national() && a.year <= chrono::Datelike::year(&as_of))
        .map(|a| format!("{} 年{}", a.year, a.name))
        .collect();
    if !awards.is_empty() {
        push(
            HighValueCategory::Award,
            format!("获奖：{}", awards.join("、")),
        );
    }

    let is = !met.is_empty();
    HighValue {
        is,
        why_not: (!is).then(|| "有效发明专利，但不满足五类高价值情形中的任何一类".to_string()),
        categories: met,
    }
}

/// A patent's high value over time, in two facts the register stores beside it so K5 counts in
/// SQL: the days it is in force ([`Patent::in_force_span`]) and the first day it meets a category
/// (strategic industry and overseas grant: from the start; more than ten years: the tenth
/// anniversary; an award: 1 January of its year; a pledge: the day it was registered).
/// `is_high_value_on(d) == high_value(facts, rules, d).is` for every day `d` (property-tested).
/// The profile depends on the rules: when a setting changes, every stored profile is recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HighValueProfile {
    /// First and last day in force; `None` when never.
    pub in_force: Option<(NaiveDate, NaiveDate)>,
    /// First day a category is met; `None` for a patent that is not an invention or meets none.
    pub since: Option<NaiveDate>,
}

impl HighValueProfile {
    pub fn is_high_value_on(&self, as_of: NaiveDate) -> bool {
        matches!((self.in_force, self.since),
            (Some((from, until)), Some(since)) if from <= as_of && as_of <= until && since <= as_of)
    }
}

/// The profile of one patent under `rules` (see [`HighValueProfile`]).
pub fn high_value_profile(facts: &HighValueFacts, rules: &HighValueRules) -> HighValueProfile {
    let p = facts.patent;
    let in_force = p.in_force_span();
    if p.kind != PatentKind::Invention {
        return HighValueProfile {
            in_force,
            since: None,
        };
    }
    let mut starts: Vec<NaiveDate> = Vec::new();
    if p.ipc.iter().any(|c| rules.sei.entry_for(c).is_some())
        || p.overseas.iter().any(|m| m.is_granted_abroad())
    {
        starts.push(NaiveDate::MIN);
    }
    let start = match rules.maintained_from {
        MaintainedFrom::Filing => Some(p.filed_on),
        MaintainedFrom::Grant => p.granted_on,
    };
    if let Some(start) = start {
        starts.push(anniversary(start, MAINTAINED_YEARS));
    }
    if let Some(threshold) = rules.pledge_threshold {
        starts.extend(
            facts
                .pledges
                .iter()
                .filter(|pl| pl.amount >= threshold)
                .map(|pl| pl.registered_on),
        );
    }
    starts.extend(
        p.awards
            .iter()
            .filter(|a| a.is_national())
            .filter_map(|a| NaiveDate::from_ymd_opt(a.year, 1, 1)),
    );
    HighValueProfile {
        in_force,
        since: starts.into_iter().min(),
    }
}

#[cfg(test)]
#[path = "high_value_tests.rs"]
mod tests;
