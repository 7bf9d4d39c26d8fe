//! The yearly figures of a benefiting SME (T8: the number of SMEs that benefited, with their revenue
//! and headcount): `PUT /api/v1/orgs/{id}/annual/{year}`.

use crate::code::Code;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::fields;
use crate::application::serde_json_number::Number;
use crate::money::{Fen, WanText};
use crate::validation::{Errors, FieldError};

pub const EARLIEST_YEAR: i32 = 2000;
pub const MAX_HEADCOUNT: i64 = 10_000_000;

/// The body of `PUT /api/v1/orgs/{id}/annual/{year}`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct AnnualInput {
    /// 年营业收入, 万元.
    pub revenue_wan: Option<WanText>,
    /// 从业人数 at year end, a number or a string of digits.
    pub headcount: Option<Number>,
    /// 专利产品收入: revenue of products using the received patents, 万元.
    pub patent_product_revenue_wan: Option<WanText>,
}

/// A checked year of an SME.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Annual {
    pub year: i32,
    pub revenue: Fen,
    pub headcount: u32,
    pub patent_product_revenue: Fen,
}

/// Check one year's figures, reporting every bad field: `year` within 2000..=next year
/// (`out_of_range`); `revenue_wan` and `patent_product_revenue_wan` required, ≥ 0, two decimals of
/// 万元; the product revenue not above the revenue (`exceeds_revenue`); `headcount` required, a
/// whole number 0..=10,000,000 (`bad_number`, `out_of_range`).
pub fn check_annual(
    input: &AnnualInput,
    year: i32,
    today: NaiveDate,
) -> Result<Annual, Vec<FieldError>> {
    let mut errs = Errors::default();
    let last = today.year() + 1;
    if !(EARLIEST_YEAR..=last).contains(&year) {
        errs.push(FieldError::new(
            "year",
            Code::OutOfRange,
            format!("年度应在 {EARLIEST_YEAR}–{last} 之间，而不是 {year}"),
        ));
    }
    let revenue = errs.take(fields::wan_2dp(
        "revenue_wan",
        "年营业收入（万元）",
        input.revenue_wan.as_ref(),
        false,
    ));
    let headcount = match input.headcount.as_ref().map(|n| n.0.trim()) {
        None | Some("") => Err(FieldError::required("headcount", "从业人数")),
        Some(v) => match v.parse::<i64>() {
            Err(_) => Err(FieldError::new(
                "headcount",
                Code::BadNumber,
                format!("从业人数应为整数，实为“{v}”"),
            )),
            Ok(n) if !(0..=MAX_HEADCOUNT).contains(&n) => Err(FieldError::new(
                "headcount",
                Code::OutOfRange,
                format!("从业人数应在 0–{MAX_HEADCOUNT} 之间，而不是 {n}"),
            )),
            Ok(n) => Ok(u32::try_from(n).expect("bounded")),
        },
    };
    let headcount = errs.take(headcount);
    let product = errs.take(fields::wan_2dp(
        "patent_product_revenue_wan",
        "专利产品收入（万元）",
        input.patent_product_revenue_wan.as_ref(),
        false,
    ));
    if let (Some(r), Some(p)) = (revenue, product)
        && p > r
    {
        errs.push(FieldError::new(
            "patent_product_revenue_wan",
            Code::ExceedsRevenue,
            format!(
                "专利产品收入 {} 万元超过年营业收入 {} 万元",
                p.to_wan_2dp(),
                r.to_wan_2dp()
            ),
        ));
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Annual {
        year,
        revenue: revenue.expect("checked"),
        headcount: headcount.expect("checked"),
        patent_product_revenue: product.expect("checked"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn codes(r: Result<Annual, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    fn body(json: &str) -> AnnualInput {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn t8_the_contract_example_is_accepted() {
        let a = check_annual(
            &body(
                r#"{"revenue_wan": "1200", "headcount": 85, "patent_product_revenue_wan": "300"}"#,
            ),
            2023,
            d("2024-06-01"),
        )
        .unwrap();
        assert_eq!(a.revenue, Fen::parse_wan("1200").unwrap());
        assert_eq!(a.headcount, 85);
        assert_eq!(a.patent_product_revenue, Fen::parse_wan("300").unwrap());
        // Numbers and strings both; zero revenue and headcount are real answers.
        let a = check_annual(
            &body(r#"{"revenue_wan": 0, "headcount": "0", "patent_product_revenue_wan": 0}"#),
            2000,
            d("2024-06-01"),
        )
        .unwrap();
        assert_eq!((a.revenue, a.headcount), (Fen::ZERO, 0));
    }

    #[test]
    fn t8_year_runs_from_2000_to_next_year() {
        let ok =
            body(r#"{"revenue_wan": "10", "headcount": 5, "patent_product_revenue_wan": "10"}"#);
        let today = d("2024-06-01");
        assert!(check_annual(&ok, 2025, today).is_ok());
        assert_eq!(
            codes(check_annual(&ok, 2026, today)),
            [("year".to_string(), "out_of_range")]
        );
        assert_eq!(
            codes(check_annual(&ok, 1999, today)),
            [("year".to_string(), "out_of_range")]
        );
    }

    #[test]
    fn t8_bad_annual_figures_name_every_field() {
        let today = d("2024-06-01");
        let c = |json: &str| codes(check_annual(&body(json), 2023, today));
        assert_eq!(
            c(r#"{"revenue_wan": "100", "headcount": 5, "patent_product_revenue_wan": "100.01"}"#),
            [("patent_product_revenue_wan".to_string(), "exceeds_revenue")]
        );
        assert_eq!(
            c(
                r#"{"revenue_wan": "-1", "headcount": 10000001, "patent_product_revenue_wan": "1.001"}"#
            ),
            [
                ("revenue_wan".to_string(), "negative_amount"),
                ("headcount".to_string(), "out_of_range"),
                ("patent_product_revenue_wan".to_string(), "bad_amount")
            ]
        );
        assert_eq!(
            c(r#"{"revenue_wan": "1", "headcount": 8.5, "patent_product_revenue_wan": "1"}"#),
            [("headcount".to_string(), "bad_number")]
        );
        assert_eq!(
            check_annual(
                &body(r#"{"revenue_wan": "1", "headcount": 10000000, "patent_product_revenue_wan": "1"}"#),
                2023,
                today
            )
            .unwrap()
            .headcount,
            10_000_000
        );
        assert_eq!(
            c("{}"),
            [
                ("revenue_wan".to_string(), "required"),
                ("headcount".to_string(), "required"),
                ("patent_product_revenue_wan".to_string(), "required")
            ]
        );
    }
}
