//! The park application (申报书) and its automatic eligibility checks A1–A6 (MISSION.md 申报条件).
//!
//! Input arrives as [`ApplicationInput`] (strings, as typed in a form or sent as JSON). [`check_input`]
//! turns it into an [`Application`]: structural fields (enums, district, dates, USCCs of the management
//! body and partners) must be valid or the field path is reported; the enterprise list is evidence and
//! is kept as given (invalid rows are listed by A2, not refused). A draft may be incomplete;
//! [`missing_for_submission`] says what a submission still lacks. [`evaluate`] runs the six rules.
//!
//! Beside the rules: the lifecycle and the review state machine ([`lifecycle`]), the reviewer's
//! input ([`review`]), rounds and their deadline ([`round`]), supporting documents
//! ([`attachment`]) and A5's limit across applications ([`cluster_limit`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::district::District;
use crate::ident::Uscc;
use crate::money::Fen;
use crate::org::PractitionerRecord;
use crate::validation::FieldError;

// ---------- input (as received) ----------

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ApplicationInput {
    pub round_year: Option<i32>,
    pub park: ParkInput,
    pub enterprises: Vec<EnterpriseInput>,
    pub ip_office: IpOfficeInput,
    pub partners: Vec<PartnerInput>,
    pub declarations: DeclarationsInput,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ParkInput {
    pub name: Option<String>,
    pub district_code: Option<String>,
    /// high_tech_zone | economic_development_zone | other
    pub kind: Option<String>,
    /// national | municipal | district
    pub level: Option<String>,
    /// national_demonstration | national_pilot | municipal_demonstration | municipal_pilot | none
    pub ip_park_status: Option<String>,
    pub leading_industries: Vec<String>,
    pub management_body: ManagementBodyInput,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ManagementBodyInput {
    pub name: Option<String>,
    pub uscc: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EnterpriseInput {
    pub name: Option<String>,
    pub uscc: Option<String>,
    /// large | medium | small | micro
    pub size: Option<String>,
    pub hte_certificate: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct IpOfficeInput {
    pub department: Option<String>,
    pub staff: Option<u32>,
    pub policies: Vec<String>,
    /// Yearly IP budget in 万元 (a JSON number; never a float in storage: converted to fen).
    pub annual_budget_wan: Option<serde_json_number::Number>,
    pub serves_district: Option<bool>,
}

/// A JSON number kept as its decimal text, so 万元 amounts convert to fen without floats.
pub mod serde_json_number {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Number(pub String);

    impl<'de> Deserialize<'de> for Number {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Raw {
                U(u64),
                I(i64),
                F(f64),
                S(String),
            }
            Ok(Number(match Raw::deserialize(d)? {
                Raw::U(u) => u.to_string(),
                Raw::I(i) => i.to_string(),
                // f64's shortest round-trip text, e.g. 200.5 → "200.5".
                Raw::F(f) => f.to_string(),
                Raw::S(s) => s,
            }))
        }
    }

    impl Serialize for Number {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.0)
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PartnerInput {
    /// exchange | bank | insurer | agency
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uscc: Option<String>,
    /// YYYY-MM-DD
    pub agreement_date: Option<String>,
    pub practitioners: Vec<PractitionerInputRow>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PractitionerInputRow {
    pub name: Option<String>,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct DeclarationsInput {
    pub bad_credit_last_3_years: Option<bool>,
    pub mass_infringement_cases: Option<bool>,
}

// ---------- checked ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkKind {
    HighTechZone,
    EconomicDevelopmentZone,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkLevel {
    National,
    Municipal,
    District,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IpParkStatus {
    NationalDemonstration,
    NationalPilot,
    MunicipalDemonstration,
    MunicipalPilot,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    Exchange,
    Bank,
    Insurer,
    Agency,
}

/// A checked application. Optional fields may be missing in a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub round_year: i32,
    pub park: Park,
    /// Evidence rows, as given (A2 judges each).
    pub enterprises: Vec<EnterpriseRow>,
    pub ip_office: IpOffice,
    pub partners: Vec<Partner>,
    pub declarations: Declarations,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Park {
    pub name: Option<String>,
    pub district: Option<&'static District>,
    pub kind: Option<ParkKind>,
    pub level: Option<ParkLevel>,
    pub ip_park_status: Option<IpParkStatus>,
    pub leading_industries: Vec<String>,
    pub management_body_name: Option<String>,
    pub management_body_uscc: Option<Uscc>,
}

/// One row of the park's enterprise list, kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterpriseRow {
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub size: Option<String>,
    pub hte_certificate: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IpOffice {
    pub department: Option<String>,
    pub staff: Option<u32>,
    pub policies: Vec<String>,
    pub annual_budget: Option<Fen>,
    pub serves_district: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub kind: PartnerKind,
    pub name: String,
    pub uscc: Uscc,
    pub agreement_date: Option<NaiveDate>,
    pub practitioners: Vec<PractitionerRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Declarations {
    pub bad_credit_last_3_years: Option<bool>,
    pub mass_infringement_cases: Option<bool>,
}

// ---------- checks ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    A1,
    A2,
    A3,
    A4,
    A5,
    A6,
}

impl Rule {
    pub const ALL: [Rule; 6] = [Rule::A1, Rule::A2, Rule::A3, Rule::A4, Rule::A5, Rule::A6];

    pub fn parse(s: &str) -> Option<Rule> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s.trim().to_uppercase())
    }

    pub fn code(self) -> &'static str {
        match self {
            Rule::A1 => "A1",
            Rule::A2 => "A2",
            Rule::A3 => "A3",
            Rule::A4 => "A4",
            Rule::A5 => "A5",
            Rule::A6 => "A6",
        }
    }

    /// The condition's heading in the notice.
    pub fn title(self) -> &'static str {
        match self {
            Rule::A1 => "申报对象：市级以上产业园区",
            Rule::A2 => "科技创新主体集中",
            Rule::A3 => "知识产权工作基础扎实",
            Rule::A4 => "知识产权运营生态良好",
            Rule::A5 => "服务机构资质与参与数量",
            Rule::A6 => "信用记录与侵权案件",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    NeedsReview,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim() {
            "pass" => Some(Status::Pass),
            "fail" => Some(Status::Fail),
            "needs_review" => Some(Status::NeedsReview),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NeedsReview => "needs_review",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "符合",
            Status::Fail => "不符合",
            Status::NeedsReview => "待人工审核",
        }
    }
}

/// The verdict of one rule, with a Chinese message and the evidence behind it (a JSON-ready value).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub rule: Rule,
    pub status: Status,
    pub message: String,
    pub evidence: Evidence,
}

/// Evidence per rule; serialises as a plain JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    A1 {
        level: Option<ParkLevel>,
        ip_park_status: Option<IpParkStatus>,
        priority: bool,
    },
    A2 {
        district: Option<String>,
        /// `lower` (中心城区 and 崇明区) or `standard`.
        threshold_group: Option<String>,
        high_tech: u32,
        smes: u32,
        high_tech_threshold: u32,
        sme_threshold: u32,
        /// Rows that did not count, with the reason.
        not_counted: Vec<NotCounted>,
    },
    A3 {
        missing: Vec<String>,
    },
    A4 {
        exchanges: Vec<String>,
        banks: Vec<String>,
        insurers: Vec<String>,
        agencies: Vec<String>,
        /// Agreements dated after the submission (or undated): not counted.
        not_counted: Vec<String>,
        as_of: String,
    },
    A5 {
        agencies: Vec<AgencyEvidence>,
    },
    A6 {
        bad_credit_last_3_years: Option<bool>,
        mass_infringement_cases: Option<bool>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCounted {
    /// 1-based row number in the enterprise list.
    pub row: usize,
    pub name: Option<String>,
    pub uscc: Option<String>,
    /// Stable code: invalid_uscc, duplicate_uscc, hte_malformed, hte_not_shanghai, hte_expired, unknown_size, large
    pub reason: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyEvidence {
    pub name: String,
    pub uscc: String,
    /// Distinct practitioners holding both certificates.
    pub dual_certified: u32,
    /// Other submitted applications of the same round this agency takes part in.
    pub other_applications: Vec<OtherApplication>,
}

/// Another submitted application of the same round that names an agency (for A5's cross-application limit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherApplication {
    pub id: i64,
    pub park_name: String,
    pub agency_uscc: String,
}

/// A reviewer's decision on one rule: the status it stands at, with a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReview {
    pub rule: Rule,
    pub status: Status,
    pub comment: String,
}

/// What the platform concludes: `eligible` false when any check fails, true when all pass,
/// null (None) while any needs review. `priority` from A1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub eligible: Option<bool>,
    pub priority: bool,
    pub checks: Vec<Check>,
}

impl Application {
    /// Whether the part of the form that `rule` judges is still empty: a draft shows such a
    /// check as 待填写 (to fill in), not 不符合.
    pub fn unfilled(&self, rule: Rule) -> bool {
        let o = &self.ip_office;
        let d = &self.declarations;
        match rule {
            Rule::A1 => self.park.level.is_none(),
            Rule::A2 => self.enterprises.is_empty(),
            Rule::A3 => {
                o.department.is_none()
                    && o.staff.is_none()
                    && o.policies.is_empty()
                    && o.annual_budget.is_none()
                    && o.serves_district.is_none()
            }
            Rule::A4 | Rule::A5 => self.partners.is_empty(),
            Rule::A6 => d.bad_credit_last_3_years.is_none() && d.mass_infringement_cases.is_none(),
        }
    }
}

/// The context the rules need beyond the application itself.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The day agreements are judged against: the submission date, or today for a draft.
    pub as_of: NaiveDate,
    /// Submitted applications of the same round, other than this one, with the agencies they name.
    pub other_applications: &'a [OtherApplication],
    /// Reviewers' latest decision per rule (a reviewer may confirm or overrule).
    pub reviews: &'a [RuleReview],
}

pub use attachment::Part;
pub use cluster_limit::{MAX_CLUSTER_PROJECTS, check_cluster_limit};
pub use input::{check_input, missing_for_submission};
pub use lifecycle::{AppStatus, Decision, OperatorAction, Refusal, ReviewAction};
pub use review::ReviewInput;
pub use round::{check_deadline, check_round, round_open};
pub use rules::evaluate;

pub mod attachment;
pub mod cluster_limit;
mod input;
pub mod lifecycle;
pub mod review;
pub mod round;
mod rules;
#[cfg(test)]
mod tests;
