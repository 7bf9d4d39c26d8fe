//! The statutory term of a patent and its annual fees (T6, K5; DOMAIN.md §3.2; issue 11).
//!
//! Dates follow the Patent Law and the Examination Guidelines:
//! - Patent Law art. 42: invention 20 years, utility model 10, design 15 (10 for designs filed
//!   before 2021-06-01, when the 2020 amendment came into force), all counted from the filing date.
//!   The Guidelines' example (a utility model filed 1999-09-06 is protected 1999-09-06 to
//!   2009-09-05) makes the filing day the first day of the term, so the last day in force is the day
//!   before the anniversary: [`expires_on`].
//! - A period of years or months ends on the corresponding day of its last month, or on that month's
//!   last day when there is no corresponding day (Implementing Regulations, "期限的计算"). So a
//!   patent filed on 29 February has its anniversaries on 28 February in common years: [`anniversary`].
//! - Patent years run from the filing date (第一年度 = filing date to the day before the first
//!   anniversary); the fee of a year falls due on the anniversary that starts it. Unpaid, it may still
//!   be paid within six months with a surcharge (滞纳金) of 5 % of that year's fee for each full month
//!   late beyond the first; after that the patent ends as of the due date.
//! - A period ending on a public holiday is extended to the next working day; the platform has no
//!   holiday calendar and does not extend, so its deadlines are never later than the real ones.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::{LegalStatus, PatentKind};

/// Designs filed on or after this day are protected 15 years (Patent Law 2020, in force 2021-06-01).
pub const DESIGN_15_YEARS_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2021, 6, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Months of grace after an annual fee's due date (滞纳期).
pub const GRACE_MONTHS: u32 = 6;

/// Surcharge per full month late beyond the first, in percent of that year's fee.
pub const SURCHARGE_PCT_PER_MONTH: u32 = 5;

/// The workbench warns this many days before a fee falls due or a term ends.
pub const DEFAULT_DUE_SOON_DAYS: u32 = 90;

/// `date` plus `months` calendar months, on the corresponding day or the month's last day.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The `years`-th anniversary of `filed_on`; 29 February falls on 28 February in common years.
pub fn anniversary(filed_on: NaiveDate, years: u32) -> NaiveDate {
    add_months(filed_on, years.saturating_mul(12))
}

/// The statutory term in years of a patent of `kind` filed on `filed_on` (Patent Law art. 42).
pub fn term_years(kind: PatentKind, filed_on: NaiveDate) -> u32 {
    match kind {
        PatentKind::Invention => 20,
        PatentKind::UtilityModel => 10,
        PatentKind::Design if filed_on >= DESIGN_15_YEARS_FROM => 15,
        PatentKind::Design => 10,
    }
}

/// The last day of the statutory term: the day before the term's last anniversary.
/// Patent-term compensation (art. 42 ¶2–3) is added by [`super::Patent::expires_on`].
pub fn expires_on(kind: PatentKind, filed_on: NaiveDate) -> NaiveDate {
    day_before(anniversary(filed_on, term_years(kind, filed_on)))
}

pub(crate) fn day_before(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

pub(crate) fn plus_days(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// In force as the register says today: granted and within its term. A past date's answer, which
/// needs the dates a patent lapsed, is [`super::Patent::in_force_on`].
pub fn in_force(status: LegalStatus, expires_on: NaiveDate, as_of: NaiveDate) -> bool {
    status == LegalStatus::Granted && as_of <= expires_on
}

/// The patent year (1 = the year starting on the filing date) that `date` falls in; 0 before filing.
pub fn patent_year(filed_on: NaiveDate, date: NaiveDate) -> u32 {
    if date < filed_on {
        return 0;
    }
    // Whole years elapsed are at least the difference of the calendar years less one.
    let mut k = u32::try_from(date.year() - filed_on.year())
        .unwrap_or(0)
        .saturating_sub(1);
    while anniversary(filed_on, k + 1) <= date {
        k += 1;
    }
    k + 1
}

// ---------- annual fees ----------

/// What the fee rules need to know of a patent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeFacts {
    pub legal_status: LegalStatus,
    pub filed_on: NaiveDate,
    /// The last day in force (compensation included).
    pub expires_on: NaiveDate,
    /// The day the paid period ends: the last day of the last paid patent year, or the anniversary
    /// that starts the first unpaid one (both spellings mean the same next due date).
    pub fee_paid_until: Option<NaiveDate>,
}

impl From<&crate::precheck::PatentFacts> for FeeFacts {
    /// The deal and pledge pre-checks (T4, T5) ask the same fee rules.
    fn from(f: &crate::precheck::PatentFacts) -> FeeFacts {
        FeeFacts {
            legal_status: f.legal_status,
            filed_on: f.filed_on,
            expires_on: f.expires_on,
            fee_paid_until: f.fee_paid_until,
        }
    }
}

/// The next annual fee: the patent year it is for and the day it falls due (the anniversary that
/// starts that year). `None` when the fees are paid to the end of the term.
pub fn next_fee_due(
    filed_on: NaiveDate,
    expires_on: NaiveDate,
    fee_paid_until: NaiveDate,
) -> Option<(u32, NaiveDate)> {
    // The first anniversary on or after the paid-until day.
    let mut k = patent_year(filed_on, fee_paid_until).max(1);
    if anniversary(filed_on, k - 1) >= fee_paid_until && k > 1 {
        k -= 1;
    }
    let due = anniversary(filed_on, k);
    (due <= expires_on).then_some((k + 1, due))
}

/// The last day an annual fee due on `due_on` may still be paid, with surcharge.
pub fn grace_ends_on(due_on: NaiveDate) -> NaiveDate {
    add_months(due_on, GRACE_MONTHS)
}

/// The surcharge, in percent of the year's fee, for paying a fee due on `due_on` on `paid_on`:
/// 0 on time and within the first month late, then 5 % for each further month begun; `None`
/// after the grace period (the patent has ended).
pub fn surcharge_pct(due_on: NaiveDate, paid_on: NaiveDate) -> Option<u32> {
    if paid_on <= due_on {
        return Some(0);
    }
    (1..=GRACE_MONTHS)
        .find(|m| paid_on <= add_months(due_on, *m))
        .map(|m| (m - 1) * SURCHARGE_PCT_PER_MONTH)
}

/// Where a patent stands with its annual fees on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeState {
    /// Paid, the next due date further away than the warning window.
    Paid,
    /// The next fee falls due within the warning window (due day included).
    DueSoon,
    /// Past the due date, within the six months of grace: payable with surcharge.
    InGrace,
    /// Past the grace period: the patent has ended as of the due date.
    Overdue,
    /// No annual fees: an application not yet granted, or a patent that has ended.
    NotApplicable,
    /// Granted, but the register does not know up to when fees are paid.
    Unknown,
}

impl FeeState {
    pub const ALL: [FeeState; 6] = [
        FeeState::Paid,
        FeeState::DueSoon,
        FeeState::InGrace,
        FeeState::Overdue,
        FeeState::NotApplicable,
        FeeState::Unknown,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            FeeState::Paid => "paid",
            FeeState::DueSoon => "due_soon",
            FeeState::InGrace => "in_grace",
            FeeState::Overdue => "overdue",
            FeeState::NotApplicable => "not_applicable",
            FeeState::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<FeeState> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            FeeState::Paid => "已缴费",
            FeeState::DueSoon => "即将到期",
            FeeState::InGrace => "滞纳期（需缴滞纳金）",
            FeeState::Overdue => "逾期未缴（专利权终止）",
            FeeState::NotApplicable => "无需缴纳",
            FeeState::Unknown => "缴费情况未知",
        }
    }
}

/// The fee state of one patent on one day, with the dates behind it and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeStatus {
    pub state: FeeState,
    /// The patent year whose fee is due next.
    pub fee_year: Option<u32>,
    pub next_due_on: Option<NaiveDate>,
    pub grace_ends_on: Option<NaiveDate>,
    /// In grace: the surcharge in percent of that year's fee if paid on the day asked.
    pub surcharge_pct: Option<u32>,
    pub message: String,
}

/// The fee state on `as_of`, warning `due_soon_days` ahead (90 on the workbench).
pub fn fee_status(facts: &FeeFacts, as_of: NaiveDate, due_soon_days: u32) -> FeeStatus {
    let none = |state: FeeState, message: String| FeeStatus {
        state,
        fee_year: None,
        next_due_on: None,
        grace_ends_on: None,
        surcharge_pct: None,
        message,
    };
    match facts.legal_status {
        LegalStatus::Granted => {}
        LegalStatus::Pending => {
            return none(
                FeeState::NotApplicable,
                "申请尚未授权，自授权当年起缴纳年费".into(),
            );
        }
        s => {
            return none(
                FeeState::NotApplicable,
                format!("专利权已{}，无需缴纳年费", s.label()),
            );
        }
    }
    let Some(paid) = facts.fee_paid_until else {
        return none(
            FeeState::Unknown,
            "未登记年费缴至日期，无法判断缴费状态".into(),
        );
    };
    let Some((year, due)) = next_fee_due(facts.filed_on, facts.expires_on, paid) else {
        return none(
            FeeState::Paid,
            format!("年费已缴至保护期届满（{}）", facts.expires_on),
        );
    };
    let grace = grace_ends_on(due);
    let days_left = (due - as_of).num_days();
    let (state, surcharge, message) = if as_of > grace {
        (
            FeeState::Overdue,
            None,
            format!(
                "第 {year} 年度年费应于 {due} 缴纳，六个月滞纳期已于 {grace} 届满仍未缴纳，专利权自 {due} 起终止"
            ),
        )
    } else if as_of > due {
        let pct = surcharge_pct(due, as_of).unwrap_or(0);
        let fee = if pct == 0 {
            "超期不足一个月，暂不加收滞纳金".to_string()
        } else {
            format!("现在缴纳须加收当年年费 {pct}% 的滞纳金")
        };
        (
            FeeState::InGrace,
            Some(pct),
            format!("第 {year} 年度年费已于 {due} 到期未缴，滞纳期至 {grace}；{fee}"),
        )
    } else if days_left <= i64::from(due_soon_days) {
        (
            FeeState::DueSoon,
            None,
            format!("第 {year} 年度年费最迟应于 {due} 缴纳，还有 {days_left} 天"),
        )
    } else {
        (
            FeeState::Paid,
            None,
            format!("年费已缴至 {paid}，第 {year} 年度年费于 {due} 到期"),
        )
    };
    FeeStatus {
        state,
        fee_year: Some(year),
        next_due_on: Some(due),
        grace_ends_on: Some(grace),
        surcharge_pct: surcharge,
        message,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn granted(filed: &str, kind: PatentKind, paid: Option<&str>) -> FeeFacts {
        FeeFacts {
            legal_status: LegalStatus::Granted,
            filed_on: d(filed),
            expires_on: expires_on(kind, d(filed)),
            fee_paid_until: paid.map(d),
        }
    }

    #[test]
    fn t6_term_counts_from_filing_and_ends_the_day_before_the_anniversary() {
        // The Examination Guidelines' example: a utility model filed 1999-09-06 runs to 2009-09-05.
        assert_eq!(
            expires_on(PatentKind::UtilityModel, d("1999-09-06")),
            d("2009-09-05")
        );
        assert_eq!(
            expires_on(PatentKind::Invention, d("2021-03-01")),
            d("2041-02-28")
        );
    }

    #[test]
    fn t6_design_filed_2021_05_31_gets_10_years_and_2021_06_01_gets_15() {
        assert_eq!(term_years(PatentKind::Design, d("2021-05-31")), 10);
        assert_eq!(
            expires_on(PatentKind::Design, d("2021-05-31")),
            d("2031-05-30")
        );
        assert_eq!(term_years(PatentKind::Design, d("2021-06-01")), 15);
        assert_eq!(
            expires_on(PatentKind::Design, d("2021-06-01")),
            d("2036-05-31")
        );
        // The amendment changed designs only.
        assert_eq!(term_years(PatentKind::UtilityModel, d("2021-06-01")), 10);
    }

    #[test]
    fn t6_february_29_filings_have_anniversaries_on_february_28_in_common_years() {
        let f = d("2020-02-29");
        assert_eq!(anniversary(f, 1), d("2021-02-28"));
        assert_eq!(anniversary(f, 4), d("2024-02-29"));
        // 2030 is a common year: the term of a utility model ends on 2030-02-27.
        assert_eq!(expires_on(PatentKind::UtilityModel, f), d("2030-02-27"));
        // 2040 is a leap year: an invention runs to 2040-02-28.
        assert_eq!(expires_on(PatentKind::Invention, f), d("2040-02-28"));
        assert_eq!(patent_year(f, d("2021-02-27")), 1);
        assert_eq!(patent_year(f, d("2021-02-28")), 2);
    }

    #[test]
    fn t6_patent_year_counts_from_the_filing_date() {
        // The Guidelines: filed 1999-06-01, year 1 is 1999-06-01..2000-05-31.
        let f = d("1999-06-01");
        assert_eq!(patent_year(f, d("1999-05-31")), 0);
        assert_eq!(patent_year(f, d("1999-06-01")), 1);
        assert_eq!(patent_year(f, d("2000-05-31")), 1);
        assert_eq!(patent_year(f, d("2000-06-01")), 2);
        assert_eq!(patent_year(f, d("2019-05-31")), 20);
    }

    #[test]
    fn t6_in_force_only_when_granted_and_within_the_term() {
        let exp = d("2041-02-28");
        assert!(in_force(LegalStatus::Granted, exp, exp));
        assert!(!in_force(LegalStatus::Granted, exp, d("2041-03-01")));
        for s in [
            LegalStatus::Pending,
            LegalStatus::Lapsed,
            LegalStatus::Expired,
            LegalStatus::Invalidated,
        ] {
            assert!(!in_force(s, exp, d("2030-01-01")), "{s:?}");
        }
    }

    #[test]
    fn t6_next_fee_is_due_on_the_anniversary_after_the_paid_period() {
        let f = d("2021-03-01");
        let exp = expires_on(PatentKind::Invention, f);
        // The example: paid until 2026-03-01 → year 6 due 2026-03-01.
        assert_eq!(
            next_fee_due(f, exp, d("2026-03-01")),
            Some((6, d("2026-03-01")))
        );
        // The same written as the last covered day.
        assert_eq!(
            next_fee_due(f, exp, d("2026-02-28")),
            Some((6, d("2026-03-01")))
        );
        // A day into year 6 means year 6 is paid.
        assert_eq!(
            next_fee_due(f, exp, d("2026-03-02")),
            Some((7, d("2027-03-01")))
        );
        // Paid to the end of the term: nothing more is due.
        assert_eq!(next_fee_due(f, exp, d("2041-02-28")), None);
        assert_eq!(next_fee_due(f, exp, d("2041-03-01")), None);
        assert_eq!(
            next_fee_due(f, exp, d("2040-03-01")),
            Some((20, d("2040-03-01")))
        );
    }

    #[test]
    fn t6_fee_states_at_their_boundaries() {
        let p = granted("2021-03-01", PatentKind::Invention, Some("2026-03-01"));
        let at = |s: &str| fee_status(&p, d(s), 90);
        // 2026-03-01 minus 90 days is 2025-12-01.
        assert_eq!(at("2025-11-30").state, FeeState::Paid);
        assert_eq!(at("2025-12-01").state, FeeState::DueSoon);
        let due = at("2026-03-01");
        assert_eq!(due.state, FeeState::DueSoon);
        assert_eq!(due.fee_year, Some(6));
        assert_eq!(due.grace_ends_on, Some(d("2026-09-01")));
        assert!(due.message.contains("还有 0 天"), "{}", due.message);
        let late = at("2026-03-02");
        assert_eq!(late.state, FeeState::InGrace);
        assert_eq!(late.surcharge_pct, Some(0));
        assert_eq!(at("2026-04-02").surcharge_pct, Some(5));
        let last = at("2026-09-01");
        assert_eq!(last.state, FeeState::InGrace);
        assert_eq!(last.surcharge_pct, Some(25));
        assert!(last.message.contains("25%"), "{}", last.message);
        let over = at("2026-09-02");
        assert_eq!(over.state, FeeState::Overdue);
        assert!(
            over.message.contains("自 2026-03-01 起终止"),
            "{}",
            over.message
        );
    }

    #[test]
    fn t6_fees_do_not_apply_to_applications_or_ended_patents_and_unknown_is_said() {
        let mut p = granted("2021-03-01", PatentKind::Invention, None);
        assert_eq!(fee_status(&p, d("2024-01-01"), 90).state, FeeState::Unknown);
        for s in [
            LegalStatus::Pending,
            LegalStatus::Lapsed,
            LegalStatus::Expired,
            LegalStatus::Invalidated,
        ] {
            p.legal_status = s;
            p.fee_paid_until = Some(d("2022-03-01"));
            assert_eq!(
                fee_status(&p, d("2024-01-01"), 90).state,
                FeeState::NotApplicable,
                "{s:?}"
            );
        }
        let done = granted("2021-03-01", PatentKind::Design, Some("2031-03-01"));
        let s = fee_status(&done, d("2031-02-01"), 90);
        assert_eq!((s.state, s.next_due_on), (FeeState::Paid, None));
    }

    #[test]
    fn t6_surcharge_steps_by_month_within_six_months() {
        let due = d("2022-08-31");
        assert_eq!(surcharge_pct(due, d("2022-08-31")), Some(0));
        // A month later is 2022-09-30 (no 31 September).
        assert_eq!(surcharge_pct(due, d("2022-09-30")), Some(0));
        assert_eq!(surcharge_pct(due, d("2022-10-01")), Some(5));
        assert_eq!(grace_ends_on(due), d("2023-02-28"));
        assert_eq!(surcharge_pct(due, d("2023-02-28")), Some(25));
        assert_eq!(surcharge_pct(due, d("2023-03-01")), None);
    }

    proptest! {
        /// The term covers whole patent years: its last day is in the last year, the next day is not.
        #[test]
        fn t6_expiry_is_the_last_day_of_the_last_patent_year(days in 0i64..20_000, k in 0usize..3) {
            let filed = d("1985-04-01") + chrono::Duration::days(days);
            let kind = PatentKind::ALL[k];
            let exp = expires_on(kind, filed);
            let years = term_years(kind, filed);
            prop_assert_eq!(patent_year(filed, exp), years);
            prop_assert_eq!(patent_year(filed, exp + chrono::Duration::days(1)), years + 1);
        }

        /// The next due date is an anniversary after the paid period, and there is no anniversary
        /// between the paid-until day and it.
        #[test]
        fn t6_next_due_is_the_first_anniversary_not_before_paid_until(days in 0i64..15_000, paid in 0i64..8_000) {
            let filed = d("1990-01-01") + chrono::Duration::days(days);
            let exp = expires_on(PatentKind::Invention, filed);
            let paid = filed + chrono::Duration::days(paid);
            match next_fee_due(filed, exp, paid) {
                Some((year, due)) => {
                    prop_assert!(due >= paid);
                    prop_assert_eq!(due, anniversary(filed, year - 1));
                    prop_assert!(year >= 2);
                    prop_assert!(year == 2 || anniversary(filed, year - 2) < paid);
                    prop_assert_eq!(patent_year(filed, due), year);
                }
                None => prop_assert!(anniversary(filed, 19) < paid),
            }
        }
    }
}
