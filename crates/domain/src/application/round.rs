//! Application rounds: one per year, each with the last day submissions are accepted.

use chrono::NaiveDate;

use super::Refusal;
use super::input::ROUND_YEARS;
use crate::code::Code;
use crate::validation::FieldError;

/// A new round's year and deadline (`YYYY-MM-DD`), every bad field at once.
pub fn check_round(year: i32, deadline: &str) -> Result<NaiveDate, Vec<FieldError>> {
    let mut errs = Vec::new();
    if !ROUND_YEARS.contains(&year) {
        errs.push(FieldError::new(
            "year",
            Code::BadYear,
            format!(
                "年度应在 {}—{} 之间，实为 {year}",
                ROUND_YEARS.start(),
                ROUND_YEARS.end()
            ),
        ));
    }
    let d = NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errs.push(FieldError::new(
            "deadline",
            Code::BadDate,
            format!("截止日期“{deadline}”不是有效日期，应为 YYYY-MM-DD"),
        ));
    }
    match d {
        Some(d) if errs.is_empty() => Ok(d),
        _ => Err(errs),
    }
}

/// A round takes submissions (and new applications are offered for it) through its deadline day,
/// in Beijing.
pub fn round_open(deadline: NaiveDate, today: NaiveDate) -> bool {
    today <= deadline
}

/// Submitting on `today` to the round of `year` closing on `deadline`.
pub fn check_deadline(year: i32, deadline: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    if round_open(deadline, today) {
        Ok(())
    } else {
        Err(Refusal::new(
            Code::DeadlinePassed,
            format!(
                "{year} 年度申报已于 {} 截止，不能再提交",
                deadline.format("%Y-%m-%d")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_round_needs_a_year_in_range_and_a_real_date() {
        assert_eq!(check_round(2021, " 2021-06-30 "), Ok(d("2021-06-30")));
        let codes: Vec<Code> = check_round(1999, "2021-02-30")
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, [Code::BadYear, Code::BadDate]);
        assert_eq!(
            check_round(2101, "x").unwrap_err()[0].message,
            "年度应在 2000—2100 之间，实为 2101"
        );
    }

    #[test]
    fn the_deadline_day_itself_is_still_open() {
        let deadline = d("2021-06-30");
        assert!(check_deadline(2021, deadline, d("2021-06-30")).is_ok());
        let e = check_deadline(2021, deadline, d("2021-07-01")).unwrap_err();
        assert_eq!(e.code, Code::DeadlinePassed);
        assert_eq!(e.message, "2021 年度申报已于 2021-06-30 截止，不能再提交");
    }
}
