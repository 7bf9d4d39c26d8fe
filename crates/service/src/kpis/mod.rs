//! K1–K6 (issue 16) counted from the platform's own records: pledges (K1, K2), deals (K3, K4),
//! the patent register and populations (K5), surveys (K6); judged against the notice's targets by
//! the domain ([`zhiyun_domain::kpi`]); and the records behind each figure ([`evidence`]).
//!
//! Who sees what: the municipal bureau every district and the city; a district bureau and a
//! cluster operator their own district; other roles nothing (`policy::can_read_kpis`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::kpi::{Indicator, Judgement, KpiQueryInput, TargetPoint};

use crate::{Ctx, Principal, Result};

/// One district's (or the city's) indicators over a period.
#[derive(Debug, Clone, Serialize)]
pub struct KpiReport {
    /// `None` = the whole city.
    pub district_code: Option<&'static str>,
    /// The district's name, or 上海市 for the city.
    pub district_name: &'static str,
    pub from: i32,
    pub to: i32,
    /// The year before the period (2020 for 2021–2023).
    pub base_year: i32,
    /// The day the figures were counted (Beijing time).
    pub as_of: NaiveDate,
    /// K1 … K6, in order.
    pub indicators: Vec<IndicatorFigures>,
}

/// One indicator's yearly values, its judgement and what the charts and the evidence need.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFigures {
    pub indicator: Indicator,
    /// Values on the indicator's scale (`Indicator::scale`: fen, counts or hundredths) for every
    /// year from the base year to the period's last year begun; a year without data has no entry
    /// (K5 without a population, K6 without a survey). Show them with `Indicator::figure`.
    pub values: BTreeMap<i32, u128>,
    pub judgement: Judgement,
    /// K1–K4: the value each year needs for the target growth from the base year (empty when the
    /// base year has no value, and for K5, K6).
    pub target_path: Vec<TargetPoint>,
    /// K3: the number of contracts (deals) per year beside the patent count.
    pub contracts: BTreeMap<i32, u64>,
    /// K5: the population year used for each year's figure.
    pub population_year: BTreeMap<i32, i32>,
    /// K5: overseas filings (PCT and direct) per year.
    pub overseas_filings: BTreeMap<i32, i64>,
    /// K6: valid responses to the overall item per year.
    pub responses: BTreeMap<i32, u64>,
    /// K6: the method named beside the figure (`top_two`).
    pub method: Option<&'static str>,
}

/// The indicators of a district (or the city) over a period, for those who may read them.
/// 422 for a bad query (codes of `check_kpi_query`), 403 for a district the user may not see.
pub async fn report(ctx: &Ctx, user: &Principal, q: &KpiQueryInput) -> Result<KpiReport> {
    let _ = (ctx, user, q);
    unimplemented!("lands with the KPI service")
}
