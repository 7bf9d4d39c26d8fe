//! T8: the yearly package a cluster sends to the municipal bureau (issue 16) — the work report,
//! the statistics report and the survey report — and its review.
//!
//! A package is submitted once per district and year. The bureau sets a deadline per year;
//! a package sent after it is late. The bureau returns a package with comments or accepts it;
//! after a return the operator submits again. At each submission the KPI figures are frozen
//! (`frozen`), and later changes to the records show as differences against them ([`diff`]).
//!
//! The vocabulary: [`Status`] as stored, [`Standing`] as the bureau's list shows it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::kpi::Indicator;
use crate::validation::{Errors, FieldError, long_text, text};

/// Longest text of an operator's section (存在问题, 下一年度工作计划).
pub const MAX_SECTION_CHARS: usize = 20_000;
/// Longest review comment.
pub const MAX_COMMENT_CHARS: usize = 5_000;

/// A package's state as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent, waiting for the bureau.
    Submitted,
    /// Sent back with comments; the operator submits again.
    Returned,
    /// Accepted by the bureau: final.
    Accepted,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Submitted, Status::Returned, Status::Accepted];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|x| x.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "已报送",
            Status::Returned => "已退回",
            Status::Accepted => "已通过",
        }
    }
}

/// How a district's package stands in the bureau's list for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Nothing submitted, and the deadline (if any) not passed.
    Missing,
    /// Nothing submitted and the deadline passed.
    Overdue,
    /// Submitted by the deadline (or no deadline set).
    Submitted,
    /// Submitted after the deadline.
    Late,
    /// Returned with comments, waiting for the operator.
    Returned,
    /// Accepted.
    Accepted,
}

impl Standing {
    pub const ALL: [Standing; 6] = [
        Standing::Missing,
        Standing::Overdue,
        Standing::Submitted,
        Standing::Late,
        Standing::Returned,
        Standing::Accepted,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Standing::Missing => "missing",
            Standing::Overdue => "overdue",
            Standing::Submitted => "submitted",
            Standing::Late => "late",
            Standing::Returned => "returned",
            Standing::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Missing => "未报送",
            Standing::Overdue => "逾期未报送",
            Standing::Submitted => "已报送",
            Standing::Late => "逾期报送",
            Standing::Returned => "已退回",
            Standing::Accepted => "已通过",
        }
    }
}

/// Whether a package submitted on `submitted_on` (Beijing date) is late: after the deadline day.
pub fn is_late(submitted_on: NaiveDate, deadline: Option<NaiveDate>) -> bool {
    deadline.is_some_and(|d| submitted_on > d)
}

/// The standing of a district for a year: `package` is its stored status and whether its last
/// submission was late; `today` decides whether a missing package is overdue.
pub fn standing(
    package: Option<(Status, bool)>,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Standing {
    match package {
        None if is_late(today, deadline) => Standing::Overdue,
        None => Standing::Missing,
        Some((Status::Submitted, false)) => Standing::Submitted,
        Some((Status::Submitted, true)) => Standing::Late,
        Some((Status::Returned, _)) => Standing::Returned,
        Some((Status::Accepted, _)) => Standing::Accepted,
    }
}

/// May a package in state `current` (None: never submitted) be submitted now? Codes:
/// `package_submitted` (waiting for the bureau), `package_accepted` (final).
pub fn check_submit(current: Option<Status>) -> Result<(), Code> {
    match current {
        None | Some(Status::Returned) => Ok(()),
        Some(Status::Submitted) => Err(Code::PackageSubmitted),
        Some(Status::Accepted) => Err(Code::PackageAccepted),
    }
}

/// The bureau's decision on a submitted package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Return,
}

impl Decision {
    pub fn slug(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s.trim() {
            "accept" => Some(Decision::Accept),
            "return" => Some(Decision::Return),
            _ => None,
        }
    }

    /// The state after the decision.
    pub fn status(self) -> Status {
        match self {
            Decision::Accept => Status::Accepted,
            Decision::Return => Status::Returned,
        }
    }
}

/// May a package in state `current` be reviewed? Codes: `package_not_submitted` (nothing to
/// review: never sent, or returned and not sent again), `package_accepted` (final).
pub fn check_review(current: Option<Status>) -> Result<(), Code> {
    match current {
        Some(Status::Submitted) => Ok(()),
        None | Some(Status::Returned) => Err(Code::PackageNotSubmitted),
        Some(Status::Accepted) => Err(Code::PackageAccepted),
    }
}

/// The operator's sections of the work report, as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionsInput {
    /// 存在问题
    pub problems: Option<String>,
    /// 下一年度工作计划
    pub plan: Option<String>,
}

/// The sections checked: paragraphs kept, trimmed, empty = not written yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    pub problems: String,
    pub plan: String,
}

impl Sections {
    /// Both sections written (a package is submitted only then).
    pub fn complete(&self) -> bool {
        !self.problems.trim().is_empty() && !self.plan.trim().is_empty()
    }
}

/// Check the sections: `too_long`, `bad_character` per field (`problems`, `plan`).
pub fn check_sections(input: &SectionsInput) -> Result<Sections, Vec<FieldError>> {
    let mut errs = Errors::default();
    let problems = errs.take(long_text(
        "problems",
        "存在问题",
        input.problems.as_deref(),
        false,
        MAX_SECTION_CHARS,
    ));
    let plan = errs.take(long_text(
        "plan",
        "下一年度工作计划",
        input.plan.as_deref(),
        false,
        MAX_SECTION_CHARS,
    ));
    errs.into_result(|| Sections {
        problems: problems.flatten().unwrap_or_default(),
        plan: plan.flatten().unwrap_or_default(),
    })
}

/// Before a submission: both sections must be written (`required` on each missing one).
pub fn check_complete(s: &Sections) -> Result<(), Vec<FieldError>> {
    let mut errs = Errors::default();
    if s.problems.trim().is_empty() {
        errs.push(FieldError::required("problems", "存在问题"));
    }
    if s.plan.trim().is_empty() {
        errs.push(FieldError::required("plan", "下一年度工作计划"));
    }
    errs.into_result(|| ())
}

/// A review as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    pub comment: Option<String>,
}

/// Check a review's comment: required when returning (`required`), at most
/// [`MAX_COMMENT_CHARS`] (`too_long`).
pub fn check_review_comment(
    decision: Decision,
    input: &ReviewInput,
) -> Result<Option<String>, Vec<FieldError>> {
    long_text(
        "comment",
        "审核意见",
        input.comment.as_deref(),
        decision == Decision::Return,
        MAX_COMMENT_CHARS,
    )
    .map_err(|e| vec![e])
}

/// A deadline as entered: `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineInput {
    pub due_on: Option<String>,
}

/// Check a report year (2000–2100): `bad_year`.
pub fn check_year(field: &str, year: i32) -> Result<i32, FieldError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(FieldError::new(
            field,
            Code::BadYear,
            format!("年份 {year} 不在 2000–2100 之间"),
        ))
    }
}

/// Check a deadline for the reports of `year`: a date (`bad_date`) after the year began
/// (`out_of_range`: a deadline before the year it reports on).
pub fn check_deadline(year: i32, input: &DeadlineInput) -> Result<NaiveDate, Vec<FieldError>> {
    let raw = text("due_on", "报送截止日期", input.due_on.as_deref(), true, 10)
        .map_err(|e| vec![e])?
        .unwrap_or_default();
    let d = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
        vec![FieldError::new(
            "due_on",
            Code::BadDate,
            format!("“{raw}”不是日期（YYYY-MM-DD）"),
        )]
    })?;
    if d < NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(d) {
        return Err(vec![FieldError::new(
            "due_on",
            Code::OutOfRange,
            format!("{year} 年度报告的截止日期不能早于 {year} 年"),
        )]);
    }
    Ok(d)
}

/// The period a year's package reports on: the notice's period 2021–2023 up to the year for
/// 2021–2023, otherwise the three years ending with it. Its base year is the year before.
pub fn report_period(year: i32) -> (i32, i32) {
    if (2021..=2023).contains(&year) {
        (2021, year)
    } else {
        (year - 2, year)
    }
}

/// One figure that changed since the package was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FigureDiff {
    pub indicator: Indicator,
    pub year: i32,
    /// On the indicator's scale, as frozen at submission (`None`: no value then).
    pub frozen: Option<u128>,
    /// As the records count it now (`None`: no value now).
    pub now: Option<u128>,
}

/// Figures by indicator and year, on each indicator's scale.
pub type Figures = BTreeMap<(Indicator, i32), u128>;

/// The figures that differ between the snapshot and now, in indicator and year order.
pub fn diff(frozen: &Figures, now: &Figures) -> Vec<FigureDiff> {
    let keys: std::collections::BTreeSet<(Indicator, i32)> =
        frozen.keys().chain(now.keys()).copied().collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (frozen.get(&k).copied(), now.get(&k).copied());
            (a != b).then_some(FigureDiff {
                indicator: k.0,
                year: k.1,
                frozen: a,
                now: b,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn t8_a_package_after_the_deadline_day_is_late() {
        let due = Some(d(2026, 1, 31));
        assert!(!is_late(d(2026, 1, 31), due));
        assert!(is_late(d(2026, 2, 1), due));
        assert!(!is_late(d(2030, 1, 1), None));
    }

    #[test]
    fn t8_standing_shows_missing_overdue_submitted_late_returned_accepted() {
        let due = Some(d(2026, 1, 31));
        let before = d(2026, 1, 10);
        let after = d(2026, 2, 10);
        assert_eq!(standing(None, due, before), Standing::Missing);
        assert_eq!(standing(None, due, after), Standing::Overdue);
        assert_eq!(standing(None, None, after), Standing::Missing);
        let s = |st, late| standing(Some((st, late)), due, after);
        assert_eq!(s(Status::Submitted, false), Standing::Submitted);
        assert_eq!(s(Status::Submitted, true), Standing::Late);
        assert_eq!(s(Status::Returned, true), Standing::Returned);
        assert_eq!(s(Status::Accepted, true), Standing::Accepted);
        for st in Standing::ALL {
            assert!(!st.label().is_empty() && !st.slug().is_empty());
        }
    }

    #[test]
    fn t8_submit_once_until_returned_review_only_what_waits() {
        assert_eq!(check_submit(None), Ok(()));
        assert_eq!(check_submit(Some(Status::Returned)), Ok(()));
        assert_eq!(
            check_submit(Some(Status::Submitted)),
            Err(Code::PackageSubmitted)
        );
        assert_eq!(
            check_submit(Some(Status::Accepted)),
            Err(Code::PackageAccepted)
        );
        assert_eq!(check_review(Some(Status::Submitted)), Ok(()));
        assert_eq!(check_review(None), Err(Code::PackageNotSubmitted));
        assert_eq!(
            check_review(Some(Status::Returned)),
            Err(Code::PackageNotSubmitted)
        );
        assert_eq!(
            check_review(Some(Status::Accepted)),
            Err(Code::PackageAccepted)
        );
        assert_eq!(Decision::Return.status(), Status::Returned);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.slug()), Some(s));
        }
    }

    #[test]
    fn t8_a_return_needs_a_comment_an_acceptance_does_not() {
        let none = ReviewInput::default();
        let e = check_review_comment(Decision::Return, &none).unwrap_err();
        assert_eq!(e[0].code, Code::Required);
        assert_eq!(check_review_comment(Decision::Accept, &none), Ok(None));
        let long = ReviewInput {
            comment: Some("意".repeat(MAX_COMMENT_CHARS + 1)),
        };
        assert_eq!(
            check_review_comment(Decision::Accept, &long).unwrap_err()[0].code,
            Code::TooLong
        );
    }

    #[test]
    fn t8_sections_keep_paragraphs_and_both_are_needed_to_submit() {
        let s = check_sections(&SectionsInput {
            problems: Some(" 一是……\r\n二是……".into()),
            plan: None,
        })
        .unwrap();
        assert_eq!(s.problems, "一是……\n二是……");
        assert!(!s.complete());
        let e = check_complete(&s).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "plan");
        let e = check_sections(&SectionsInput {
            problems: Some("x".repeat(MAX_SECTION_CHARS + 1)),
            plan: Some("\u{7}".into()),
        })
        .unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn t8_deadline_is_a_date_not_before_its_year() {
        let i = |s: &str| DeadlineInput {
            due_on: Some(s.into()),
        };
        assert_eq!(check_deadline(2025, &i("2026-01-31")), Ok(d(2026, 1, 31)));
        assert_eq!(
            check_deadline(2025, &i("2026-13-01")).unwrap_err()[0].code,
            Code::BadDate
        );
        assert_eq!(
            check_deadline(2025, &i("2024-12-31")).unwrap_err()[0].code,
            Code::OutOfRange
        );
        assert_eq!(
            check_deadline(2025, &DeadlineInput::default()).unwrap_err()[0].code,
            Code::Required
        );
        assert!(check_year("year", 1999).is_err() && check_year("year", 2025).is_ok());
    }

    #[test]
    fn t8_report_period_is_the_notice_period_then_three_years() {
        assert_eq!(report_period(2022), (2021, 2022));
        assert_eq!(report_period(2023), (2021, 2023));
        assert_eq!(report_period(2025), (2023, 2025));
    }

    #[test]
    fn t8_snapshot_differences_list_changed_added_and_removed_figures() {
        let mut frozen = Figures::new();
        frozen.insert((Indicator::K1, 2025), 100);
        frozen.insert((Indicator::K2, 2025), 3);
        frozen.insert((Indicator::K6, 2025), 9000);
        let mut now = frozen.clone();
        now.insert((Indicator::K2, 2025), 4);
        now.remove(&(Indicator::K6, 2025));
        now.insert((Indicator::K3, 2025), 1);
        let d = diff(&frozen, &now);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0],
            FigureDiff {
                indicator: Indicator::K2,
                year: 2025,
                frozen: Some(3),
                now: Some(4)
            }
        );
        assert_eq!(
            (d[1].indicator, d[1].frozen, d[1].now),
            (Indicator::K3, None, Some(1))
        );
        assert_eq!((d[2].indicator, d[2].now), (Indicator::K6, None));
        assert!(diff(&frozen, &frozen).is_empty());
    }
}
