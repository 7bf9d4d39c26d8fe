//! K5 arithmetic (DOMAIN.md §3.2; issue 11): high-value invention patents per 10,000 residents,
//! the population year behind each figure, and the bureau's population input.
//!
//! 每万人口高价值发明专利拥有量 = high-value invention patents held at year end ÷ (resident
//! population ÷ 10,000), computed in integers and shown with two decimals, rounded half up.
//! The population's year is explicit: Shanghai publishes a year's figure with the previous year's
//! population (its 2022 value 40.9 uses the 2021 population), so the default is "the latest
//! population of the year before, or earlier"; every figure says which year it used.

use crate::code::Code;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validation::{Errors, FieldError};

/// The day K5 counts patents held "at year end".
pub fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// `count` per 10,000 of `residents`, two decimals rounded half up (`"0.19"`); `None` without
/// residents.
pub fn per_10k(count: u64, residents: u64) -> Option<String> {
    if residents == 0 {
        return None;
    }
    // count ÷ (residents ÷ 10⁴) in hundredths = count·10⁶ ÷ residents; half up: (2n + d) ÷ 2d.
    let n = u128::from(count) * 1_000_000;
    let d = u128::from(residents);
    let hundredths = (2 * n + d) / (2 * d);
    Some(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

/// Which population year a year's figure uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopulationYear {
    /// The previous year's population (Shanghai's published practice).
    Previous,
    /// The same year's.
    Same,
}

impl PopulationYear {
    pub const ALL: [PopulationYear; 2] = [PopulationYear::Previous, PopulationYear::Same];

    pub fn slug(self) -> &'static str {
        match self {
            PopulationYear::Previous => "previous",
            PopulationYear::Same => "same",
        }
    }

    pub fn parse(s: &str) -> Option<PopulationYear> {
        Self::ALL.into_iter().find(|c| c.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PopulationYear::Previous => "采用上一年末常住人口",
            PopulationYear::Same => "采用当年末常住人口",
        }
    }
}

/// The population to divide a year's count by: the latest year on or before the rule's target
/// year among those known (`(year, residents)`), or else the earliest known (e.g. only the 2020
/// census for the 2020 figure). `None` when none is known.
pub fn population_for(year: i32, rule: PopulationYear, known: &[(i32, u64)]) -> Option<(i32, u64)> {
    let target = match rule {
        PopulationYear::Previous => year - 1,
        PopulationYear::Same => year,
    };
    let usable = known.iter().filter(|(_, r)| *r > 0);
    usable
        .clone()
        .filter(|(y, _)| *y <= target)
        .max_by_key(|(y, _)| *y)
        .or_else(|| usable.min_by_key(|(y, _)| *y))
        .copied()
}

/// One K5 figure as the API answers it (`GET /api/v1/indicators/high-value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighValueFigure {
    /// `None` = city-wide.
    pub district_code: Option<String>,
    pub year: i32,
    pub count: u64,
    pub residents: u64,
    pub population_year: i32,
    /// `None` without a population.
    pub per_10k: Option<String>,
}

impl HighValueFigure {
    pub fn new(
        district_code: Option<&str>,
        year: i32,
        count: u64,
        population: (i32, u64),
    ) -> HighValueFigure {
        HighValueFigure {
            district_code: district_code.map(str::to_string),
            year,
            count,
            residents: population.1,
            population_year: population.0,
            per_10k: per_10k(count, population.1),
        }
    }
}

/// The body of `PUT /api/v1/districts/{code}/population/{year}`: `{"residents": 637921}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PopulationInput {
    pub residents: Option<i64>,
}

/// A district's or the city's resident population; Shanghai has about 25 million.
pub const MAX_RESIDENTS: i64 = 50_000_000;
/// Years the bureau may enter a population for: from the 2000 census to this year.
pub const EARLIEST_POPULATION_YEAR: i32 = 2000;

/// Check a population entry for `year` (from the path). Codes `required`, `out_of_range`.
pub fn check_population(
    input: &PopulationInput,
    year: i32,
    today: NaiveDate,
) -> Result<u64, Vec<FieldError>> {
    let mut errs = Errors::default();
    if !(EARLIEST_POPULATION_YEAR..=today.year()).contains(&year) {
        errs.push(FieldError::new(
            "year",
            Code::OutOfRange,
            format!(
                "人口年份应在 {EARLIEST_POPULATION_YEAR}–{} 之间，而不是 {year}",
                today.year()
            ),
        ));
    }
    let residents = match input.residents {
        None => {
            errs.push(FieldError::required("residents", "常住人口"));
            None
        }
        Some(r) if !(1..=MAX_RESIDENTS).contains(&r) => {
            errs.push(FieldError::new(
                "residents",
                Code::OutOfRange,
                format!("常住人口应在 1–{MAX_RESIDENTS} 人之间，而不是 {r}"),
            ));
            None
        }
        Some(r) => u64::try_from(r).ok(),
    };
    errs.into_result(|| residents.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn k5_per_10k_in_integers_half_up() {
        // The example: 12 patents in Chongming (637,921 residents) → 0.188… → 0.19.
        assert_eq!(per_10k(12, 637_921).as_deref(), Some("0.19"));
        assert_eq!(per_10k(0, 637_921).as_deref(), Some("0.00"));
        assert_eq!(per_10k(5, 0), None);
        // Half up exactly: 1 per 40,000 = 0.25; 1 per 80,000 = 0.125 → 0.13.
        assert_eq!(per_10k(1, 40_000).as_deref(), Some("0.25"));
        assert_eq!(per_10k(1, 80_000).as_deref(), Some("0.13"));
        assert_eq!(per_10k(1, 80_001).as_deref(), Some("0.12"));
        assert!(per_10k(u64::MAX, 1).is_some());
    }

    #[test]
    fn k5_shanghai_published_figures_come_out_with_the_previous_years_population() {
        // 2022: 40.9 with the 2021 population 2489.43 万 → about 101,818 patents.
        assert_eq!(per_10k(101_818, 24_894_300).as_deref(), Some("40.90"));
        // 2023: 50.2 with the 2022 population 2475.89 万 → about 124,290 patents.
        assert_eq!(per_10k(124_290, 24_758_900).as_deref(), Some("50.20"));
        let known = [(2020, 24_870_895), (2021, 24_894_300), (2022, 24_758_900)];
        assert_eq!(
            population_for(2022, PopulationYear::Previous, &known),
            Some((2021, 24_894_300))
        );
        assert_eq!(
            population_for(2022, PopulationYear::Same, &known),
            Some((2022, 24_758_900))
        );
        // Only the census known: every year uses 2020, and says so.
        let census = [(2020, 637_921)];
        assert_eq!(
            population_for(2023, PopulationYear::Previous, &census),
            Some((2020, 637_921))
        );
        assert_eq!(
            population_for(2020, PopulationYear::Previous, &census),
            Some((2020, 637_921))
        );
        assert_eq!(population_for(2020, PopulationYear::Previous, &[]), None);
        let f = HighValueFigure::new(Some("310151"), 2023, 12, (2020, 637_921));
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            serde_json::json!({"district_code": "310151", "year": 2023, "count": 12,
                "residents": 637921, "population_year": 2020, "per_10k": "0.19"})
        );
    }

    #[test]
    fn k5_population_input_is_checked() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let ok = PopulationInput {
            residents: Some(637_921),
        };
        assert_eq!(check_population(&ok, 2024, today), Ok(637_921));
        let e = check_population(&PopulationInput { residents: Some(0) }, 2026, today).unwrap_err();
        let got: Vec<_> = e
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("year", "out_of_range"), ("residents", "out_of_range")]
        );
        let e = check_population(&PopulationInput::default(), 2020, today).unwrap_err();
        assert_eq!(e[0].code, "required");
    }

    proptest! {
        /// The figure is the exact quotient rounded half up: within half a hundredth of it.
        #[test]
        fn k5_per_10k_is_the_quotient_rounded_half_up(count in 0u64..10_000_000, residents in 1u64..60_000_000) {
            let s = per_10k(count, residents).unwrap();
            let (i, f) = s.split_once('.').unwrap();
            prop_assert_eq!(f.len(), 2);
            let shown = u128::from(i.parse::<u64>().unwrap()) * 100 + u128::from(f.parse::<u64>().unwrap());
            // |shown − count·10⁶/residents| ≤ ½, with ties going up: 2·shown·r − 2·count·10⁶ ∈ (−r, r].
            let lhs = 2 * shown * u128::from(residents);
            let exact2 = 2 * u128::from(count) * 1_000_000;
            prop_assert!(lhs + u128::from(residents) > exact2);
            prop_assert!(lhs <= exact2 + u128::from(residents));
        }
    }
}
