//! The patent register (T6, K5; DOMAIN.md §3.2; issue 11): the kind of a patent, its legal status,
//! the checked record ([`Patent`]) and the rules that act on it.
//!
//! - [`input`]: the API body of `POST /api/v1/patents` and [`check_patent`];
//! - [`term`]: expiry by kind and filing date, annual fees, grace periods, [`FeeState`];
//! - [`reminder`]: which patents need a fee or expiry reminder on the workbench;
//! - [`overseas`] and [`award`]: overseas family members (offices) and awards (the fixed lists);
//! - [`sei`]: CNIPA's strategic-emerging-industry ↔ IPC table (`reference/sei_ipc.csv`);
//! - [`high_value`]: the five categories of a high-value invention patent;
//! - [`indicator`]: K5 arithmetic (per 10,000 residents), overseas filings, population input;
//! - [`cultivation`]: T6 cultivation projects.

pub mod award;
pub mod cultivation;
pub mod high_value;
pub mod indicator;
pub mod input;
pub mod overseas;
pub mod reminder;
pub mod sei;
pub mod term;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ident::{PatentApplicationNumber, PatentType};
use crate::listing::IpcCode;

pub use award::{Award, AwardGrade, NationalAward};
pub use cultivation::{Cultivation, CultivationGoal, CultivationInput, check_cultivation};
pub use high_value::{
    CategoryMet, HighValue, HighValueCategory, HighValueFacts, HighValueProfile, HighValueRules,
    high_value, high_value_profile,
};
pub use indicator::{per_10k, year_end};
pub use input::{AwardInput, OverseasInput, PatentInput, check_patent};
pub use overseas::{OverseasMember, OverseasOffice};
pub use sei::{SeiIndustry, SeiTable, strategic_industry_of};
pub use term::{FeeFacts, FeeState, FeeStatus, expires_on, fee_status, in_force};

/// The kind of a Chinese patent. A PCT application entering China is an invention or a utility
/// model like any other (its type digit 8 or 9 says how it entered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatentKind {
    /// 发明
    Invention,
    /// 实用新型
    UtilityModel,
    /// 外观设计
    Design,
}

impl PatentKind {
    pub const ALL: [PatentKind; 3] = [
        PatentKind::Invention,
        PatentKind::UtilityModel,
        PatentKind::Design,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PatentKind::Invention => "invention",
            PatentKind::UtilityModel => "utility_model",
            PatentKind::Design => "design",
        }
    }

    pub fn parse(s: &str) -> Option<PatentKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PatentKind::Invention => "发明",
            PatentKind::UtilityModel => "实用新型",
            PatentKind::Design => "外观设计",
        }
    }

    /// The kind an application number's type digit stands for (ZC 0006-2003).
    pub fn of_type(t: PatentType) -> PatentKind {
        match t {
            PatentType::Invention | PatentType::PctInvention => PatentKind::Invention,
            PatentType::UtilityModel | PatentType::PctUtilityModel => PatentKind::UtilityModel,
            PatentType::Design => PatentKind::Design,
        }
    }
}

/// Legal status as the register records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// 审查中: filed, not (yet) granted.
    Pending,
    /// 有效: granted and in force.
    Granted,
    /// 失效: lapsed (annual fee not paid, abandoned).
    Lapsed,
    /// 届满: the statutory term ran out.
    Expired,
    /// 无效: declared invalid.
    Invalidated,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 5] = [
        LegalStatus::Pending,
        LegalStatus::Granted,
        LegalStatus::Lapsed,
        LegalStatus::Expired,
        LegalStatus::Invalidated,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LegalStatus::Pending => "pending",
            LegalStatus::Granted => "granted",
            LegalStatus::Lapsed => "lapsed",
            LegalStatus::Expired => "expired",
            LegalStatus::Invalidated => "invalidated",
        }
    }

    pub fn parse(s: &str) -> Option<LegalStatus> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            LegalStatus::Pending => "审查中",
            LegalStatus::Granted => "有效",
            LegalStatus::Lapsed => "失效",
            LegalStatus::Expired => "届满",
            LegalStatus::Invalidated => "已宣告无效",
        }
    }
}

/// What the platform has done with a patent (issue 11: "listed, licensed, pledged, auctioned"), as
/// the store reports it: the kind, the record and the day it happened. Reminders mark patents with
/// live engagements (a lapse kills a deal or a pledge); cultivation reads them to see what moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Engagement {
    pub kind: EngagementKind,
    pub record_id: i64,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementKind {
    /// 挂牌: on the published supply list (T1/T2).
    Listed,
    /// 转让
    Transferred,
    /// 许可
    Licensed,
    /// 作价入股
    EquityContribution,
    /// 质押
    Pledged,
    /// 拍卖
    Auctioned,
}

impl EngagementKind {
    pub const ALL: [EngagementKind; 6] = [
        EngagementKind::Listed,
        EngagementKind::Transferred,
        EngagementKind::Licensed,
        EngagementKind::EquityContribution,
        EngagementKind::Pledged,
        EngagementKind::Auctioned,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            EngagementKind::Listed => "listed",
            EngagementKind::Transferred => "transferred",
            EngagementKind::Licensed => "licensed",
            EngagementKind::EquityContribution => "equity_contribution",
            EngagementKind::Pledged => "pledged",
            EngagementKind::Auctioned => "auctioned",
        }
    }

    pub fn parse(s: &str) -> Option<EngagementKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            EngagementKind::Listed => "挂牌",
            EngagementKind::Transferred => "转让",
            EngagementKind::Licensed => "许可",
            EngagementKind::EquityContribution => "作价入股",
            EngagementKind::Pledged => "质押",
            EngagementKind::Auctioned => "拍卖",
        }
    }

    /// A transfer, licence, equity contribution or auction: the patent was put to use (转化).
    pub fn is_conversion(self) -> bool {
        !matches!(self, EngagementKind::Listed | EngagementKind::Pledged)
    }
}

/// A checked patent record: every field valid and consistent (see [`check_patent`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Patent {
    /// Canonical application number, e.g. `202110123456.7`.
    pub number: PatentApplicationNumber,
    /// From the number's type digit (a stated kind must agree).
    pub kind: PatentKind,
    pub title: String,
    pub owner_org_id: i64,
    /// 共有人: other owning organisations, never the owner, no duplicates.
    pub co_owner_org_ids: Vec<i64>,
    /// IPC codes, duplicates dropped, in the order given (the first is the main one).
    pub ipc: Vec<IpcCode>,
    /// 申请日: the date the term and the patent years count from (for a divisional application the
    /// parent's, for a PCT application entering China the international filing date).
    pub filed_on: NaiveDate,
    /// 授权公告日.
    pub granted_on: Option<NaiveDate>,
    pub legal_status: LegalStatus,
    /// Lapsed or invalidated: the day the lapse or invalidation took effect, when known.
    pub ended_on: Option<NaiveDate>,
    /// The day the paid annual-fee period ends (see [`FeeFacts::fee_paid_until`]).
    pub fee_paid_until: Option<NaiveDate>,
    /// 专利权期限补偿 (Patent Law art. 42 ¶2–3, inventions only), in days; 0 when none.
    pub term_extension_days: u32,
    pub overseas: Vec<OverseasMember>,
    pub awards: Vec<Award>,
}

impl Patent {
    /// The last day in force: the statutory term plus any compensation.
    pub fn expires_on(&self) -> NaiveDate {
        term::plus_days(
            term::expires_on(self.kind, self.filed_on),
            u64::from(self.term_extension_days),
        )
    }

    pub fn patent_type(&self) -> PatentType {
        self.number.patent_type()
    }

    pub fn fee_facts(&self) -> FeeFacts {
        FeeFacts {
            legal_status: self.legal_status,
            filed_on: self.filed_on,
            expires_on: self.expires_on(),
            fee_paid_until: self.fee_paid_until,
        }
    }

    pub fn fee_status(&self, as_of: NaiveDate, due_soon_days: u32) -> FeeStatus {
        fee_status(&self.fee_facts(), as_of, due_soon_days)
    }

    /// Was the patent in force on `as_of` (today or a past year end, K5)? Granted on or before
    /// that day and within its term, and:
    /// - not invalidated: an invalidated patent is deemed never to have existed (Patent Law art. 47);
    /// - lapsed: only before the day the lapse took effect ([`Patent::ended_on`], or else the due
    ///   date of the first unpaid annual fee); with neither known, never;
    /// - granted or expired: not when an annual fee went unpaid past its grace period by then
    ///   (the patent ended as of that fee's due date even if the register still says granted).
    pub fn in_force_on(&self, as_of: NaiveDate) -> bool {
        self.in_force_span()
            .is_some_and(|(from, until)| from <= as_of && as_of <= until)
    }

    /// The days the patent is in force, first and last included ([`Patent::in_force_on`] is true
    /// exactly on them); `None` when never. The register stores the span, so "in force at the end
    /// of year Y" is a range condition in SQL (K5 at 500,000 patents).
    pub fn in_force_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let granted = self.granted_on?;
        let expires = self.expires_on();
        let unpaid_due = self
            .fee_paid_until
            .and_then(|paid| term::next_fee_due(self.filed_on, expires, paid).map(|(_, due)| due));
        let last = match self.legal_status {
            LegalStatus::Pending | LegalStatus::Invalidated => return None,
            // In force before the day the lapse took effect.
            LegalStatus::Lapsed => self.ended_on.or(unpaid_due)?.pred_opt()?,
            LegalStatus::Granted | LegalStatus::Expired => {
                unpaid_due.map_or(expires, term::grace_ends_on)
            }
        };
        let last = last.min(expires);
        (granted <= last).then_some((granted, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t6_kind_follows_the_type_digit() {
        assert_eq!(
            PatentKind::of_type(PatentType::PctInvention),
            PatentKind::Invention
        );
        assert_eq!(
            PatentKind::of_type(PatentType::PctUtilityModel),
            PatentKind::UtilityModel
        );
        assert_eq!(PatentKind::of_type(PatentType::Design), PatentKind::Design);
        for k in PatentKind::ALL {
            assert_eq!(PatentKind::parse(k.slug()), Some(k));
        }
        for s in LegalStatus::ALL {
            assert_eq!(LegalStatus::parse(s.slug()), Some(s));
        }
        assert_eq!(LegalStatus::parse("valid"), None);
    }
}
