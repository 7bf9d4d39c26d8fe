//! Pre-checks before a deal is filed with CNIPA or a pledge is registered (T4, T5; DOMAIN.md §4.1,
//! §4.2). Each check is shown with its evidence and is never silently passed: a check that cannot
//! be decided from the records is `needs_review`, not `pass`.
//!
//! The facts come from the patent register ([`PatentFacts`]); the rules that read them live with
//! the record they guard (`deal`, `pledge`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::patent::{LegalStatus, PatentKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    NeedsReview,
}

impl CheckStatus {
    pub fn slug(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::NeedsReview => "needs_review",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "通过",
            CheckStatus::Fail => "不通过",
            CheckStatus::NeedsReview => "待核实",
        }
    }
}

/// One check with its verdict, a Chinese message and the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable snake_case rule id, e.g. `owner`, `in_force`, `fee_paid`.
    pub rule: &'static str,
    pub status: CheckStatus,
    /// 中文说明: what was found.
    pub message: String,
    /// The records behind the verdict, e.g. `ZL202110123456.7 权利人：上海交通大学`.
    pub evidence: Vec<String>,
}

/// A live pledge on a patent, as the register knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PledgeFact {
    pub pledge_id: i64,
    pub pledgee_org_id: i64,
    pub pledgee_name: String,
}

/// A licence already granted on a patent (from the deal ledger).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceFact {
    pub deal_id: i64,
    /// `exclusive` | `sole` | `ordinary` | `open`
    pub licence_type: String,
    pub licensee_org_id: i64,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// What the register knows of one patent, for the pre-checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatentFacts {
    /// Canonical application number, e.g. `202110123456.7`.
    pub number: String,
    pub title: String,
    pub kind: PatentKind,
    /// The registered owner (patentee).
    pub owner_org_id: i64,
    pub owner_name: String,
    /// Co-owners (共有人), whose consent a licence, transfer or pledge needs.
    pub co_owner_org_ids: Vec<i64>,
    pub legal_status: LegalStatus,
    pub filed_on: NaiveDate,
    pub granted_on: Option<NaiveDate>,
    /// The last day of the statutory term.
    pub expires_on: NaiveDate,
    /// Annual fees paid up to this day (exclusive of the next year's fee), if known.
    pub fee_paid_until: Option<NaiveDate>,
    /// Live pledges (registered and not yet released).
    pub live_pledges: Vec<PledgeFact>,
    /// Licences already granted (signed or later, not cancelled).
    pub licences: Vec<LicenceFact>,
}
