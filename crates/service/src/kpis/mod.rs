//! K1–K6 (issue 16) counted from the platform's own records: pledges (K1, K2), deals (K3, K4),
//! the patent register and populations (K5), surveys (K6); judged against the notice's targets by
//! the domain ([`zhiyun_domain::kpi`]); and the records behind each figure ([`evidence`]).
//!
//! Who sees what: the municipal bureau every district and the city; a district bureau and a
//! cluster operator their own district; other roles nothing (`policy::can_read_kpis`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::kpi::deals::k3_k4_by_year;
use zhiyun_domain::kpi::{
    Indicator, Judgement, KpiQuery, KpiQueryInput, Target, TargetPoint, check_kpi_query, judge,
    per_10k_residents, target_path,
};
use zhiyun_domain::patent::indicator::{PopulationYear, population_for};
use zhiyun_domain::patent::year_end;
use zhiyun_domain::pledge::cycle::counts_for_k1;
use zhiyun_domain::policy;
use zhiyun_domain::survey::RatingCounts;
use zhiyun_store::kpi::{KpiDeal, KpiPatent};
use zhiyun_store::patent_stats::CITY_CODE;
use zhiyun_store::pledges::{PledgeFilter, PledgeRecord};

use crate::{Ctx, Error, Principal, Result};

pub mod evidence;
pub use evidence::{Evidence, EvidenceQuery, evidence};

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
    let q = check_kpi_query(q).map_err(Error::invalid)?;
    allowed(user, &q)?;
    compute(ctx, &q).await
}

/// 403 unless the user may read the query's district (or the city).
fn allowed(user: &Principal, q: &KpiQuery) -> Result<()> {
    if policy::can_read_kpis(&user.actor(), q.district.map(|d| d.code)) {
        Ok(())
    } else {
        Err(Error::forbidden_because(
            "绩效指标：市知识产权局可查看各区和全市，区知识产权局和集聚区运营方可查看本区",
        ))
    }
}

/// The years counted: the base year to the period's last year begun (none before it begins).
fn years(q: &KpiQuery, today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    (q.from - 1)..=q.to.min(today.year())
}

async fn compute(ctx: &Ctx, q: &KpiQuery) -> Result<KpiReport> {
    let today = ctx.clock.today();
    let district = q.district.map(|d| d.code);
    let years = years(q, today);
    let mut figures: Vec<IndicatorFigures> = Indicator::ALL
        .into_iter()
        .map(|indicator| IndicatorFigures {
            indicator,
            values: BTreeMap::new(),
            judgement: judge(indicator, &BTreeMap::new(), q.from, q.to, today),
            target_path: Vec::new(),
            contracts: BTreeMap::new(),
            population_year: BTreeMap::new(),
            overseas_filings: BTreeMap::new(),
            responses: BTreeMap::new(),
            method: (indicator == Indicator::K6).then_some("top_two"),
        })
        .collect();
    if !years.is_empty() {
        let (first, last) = (*years.start(), *years.end());
        // K1, K2: pledges registered in each year (each pledge's `counts_for_k1`, kept by its
        // writes), summed by the store for the period.
        let by_year = ctx.db.kpi_pledge_years(first, last, district).await?;
        for y in years.clone() {
            let (count, amount) = by_year.get(&y).copied().unwrap_or_default();
            figures[0]
                .values
                .insert(y, u128::try_from(amount.fen()).unwrap_or(0));
            figures[1].values.insert(y, u128::from(count));
        }
        // K3, K4: deals effective in the years, received in the district.
        let deals = ctx.db.kpi_deal_facts(first, last, district).await?;
        let by_year = k3_k4_by_year(deals.iter());
        for y in years.clone() {
            let f = by_year.get(&y).copied().unwrap_or_default();
            figures[2].values.insert(y, f.patents);
            figures[2].contracts.insert(y, f.contracts);
            figures[3].values.insert(y, f.smes_from_universities);
        }
        // K5: high-value invention patents per 10,000 residents at the end of each year.
        let pops = ctx.db.populations().await?;
        let known: Vec<(i32, u64)> = pops
            .iter()
            .filter(|p| p.code == district.unwrap_or(CITY_CODE))
            .map(|p| (p.year, p.residents))
            .collect();
        let counts = ctx
            .db
            .high_value_counts_at_year_ends(district, years.clone())
            .await?;
        let overseas = ctx.db.kpi_overseas_years(district, first, last).await?;
        for (y, count) in years.clone().zip(counts) {
            if let Some((pop_year, residents)) = population_for(y, PopulationYear::Previous, &known)
                && let Some(v) = per_10k_residents(u64::try_from(count).unwrap_or(0), residents)
            {
                figures[4]
                    .values
                    .insert(y, u128::try_from(v.hundredths()).unwrap_or(0));
                figures[4].population_year.insert(y, pop_year);
            }
            let o = overseas.get(&y).copied().unwrap_or_default();
            figures[4].overseas_filings.insert(y, o.pct + o.direct);
        }
        // K6: the pooled overall items of the years' surveys.
        let ratings = ctx.db.kpi_overall_ratings(district, first, last).await?;
        for y in years.clone() {
            let mut pooled = RatingCounts::default();
            for (rating, n) in ratings.get(&y).into_iter().flatten() {
                pooled.add_n(*rating, u64::try_from(*n).unwrap_or(0));
            }
            figures[5].responses.insert(y, pooled.total());
            if let Some(pct) = pooled.top_two_pct() {
                figures[5]
                    .values
                    .insert(y, u128::try_from(pct.hundredths()).unwrap_or(0));
            }
        }
    }
    for f in &mut figures {
        f.judgement = judge(f.indicator, &f.values, q.from, q.to, today);
        if let Target::AnnualGrowth { pct } = f.indicator.target()
            && let Some(base) = f.values.get(&(q.from - 1)).filter(|b| **b > 0)
        {
            f.target_path = target_path(*base, pct, q.from - 1, q.to);
        }
    }
    Ok(KpiReport {
        district_code: district,
        district_name: q.district.map_or("上海市", |d| d.name),
        from: q.from,
        to: q.to,
        base_year: q.from - 1,
        as_of: today,
        indicators: figures,
    })
}

fn year_start(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The pledges that count for K1/K2 in `year` with a pledgor in `district` (`None`: anywhere).
async fn pledges_counted(
    ctx: &Ctx,
    district: Option<&str>,
    year: i32,
) -> Result<Vec<PledgeRecord>> {
    let all = ctx
        .db
        .pledge_list(&PledgeFilter {
            district: district.map(str::to_string),
            registered_year: Some(year),
            ..Default::default()
        })
        .await?;
    Ok(all
        .into_iter()
        .filter(|r| counts_for_k1(&r.history).is_some_and(|(y, _)| y == year))
        .collect())
}

/// The deals behind K3/K4 of one district (or the city) and year.
async fn deals_counted(ctx: &Ctx, district: Option<&str>, year: i32) -> Result<Vec<KpiDeal>> {
    ctx.db
        .kpi_deals(year_start(year), year_end(year), district)
        .await
        .map_err(Into::into)
}

/// The high-value patents behind K5 (at most `limit`).
async fn patents_counted(
    ctx: &Ctx,
    district: Option<&str>,
    year: i32,
    limit: i64,
) -> Result<Vec<KpiPatent>> {
    ctx.db
        .kpi_high_value_patents(district, year_end(year), limit)
        .await
        .map_err(Into::into)
}

/// 422 `out_of_range` for a year outside the query years.
fn check_year(year: i32) -> Result<()> {
    if zhiyun_domain::kpi::YEARS.contains(&year) {
        Ok(())
    } else {
        Err(Error::field(
            "year",
            Code::BadYear,
            format!("年份“{year}”应为 2000–2100 之间的年份"),
        ))
    }
}

/// Every district's indicators over the period, side by side (the municipal bureau's dashboard):
/// 403 for anyone who does not see all districts.
pub async fn all_districts(
    ctx: &Ctx,
    user: &Principal,
    q: &KpiQueryInput,
) -> Result<Vec<KpiReport>> {
    let q = check_kpi_query(&KpiQueryInput {
        district: None,
        ..q.clone()
    })
    .map_err(Error::invalid)?;
    if policy::district_view(&user.actor()) != policy::DistrictView::All {
        return Err(Error::forbidden_because("各区指标对比仅市知识产权局可查看"));
    }
    let mut out = Vec::new();
    for d in zhiyun_domain::district::all() {
        let dq = KpiQuery {
            district: Some(d),
            ..q.clone()
        };
        out.push(compute(ctx, &dq).await?);
    }
    Ok(out)
}

/// One step of a pipeline, in the order work flows.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineStep {
    pub label: String,
    pub count: i64,
    /// The page listing the records, where there is one.
    pub href: Option<String>,
}

/// What fed the indicators in `year` in a district (or the city): listings → matches → meetings
/// → leads → deals → filings, and pledges by step. Same visibility as the figures.
pub async fn pipeline(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<(Vec<PipelineStep>, Vec<PipelineStep>)> {
    check_year(year)?;
    let q = check_kpi_query(&KpiQueryInput {
        district: district.map(str::to_string),
        from: Some(year.to_string()),
        to: Some(year.to_string()),
    })
    .map_err(Error::invalid)?;
    allowed(user, &q)?;
    let district = q.district.map(|d| d.code);
    let from = zhiyun_domain::time::start_of_day(year_start(year));
    let to = zhiyun_domain::time::start_of_day(year_start(year + 1)) - 1;
    let p = ctx.db.kpi_pipeline(district, year, from, to).await?;
    let deals_href = format!(
        "/deals?year={year}{}",
        district.map_or(String::new(), |d| format!("&district={d}"))
    );
    let step = |label: &str, count: i64, href: Option<String>| PipelineStep {
        label: label.to_string(),
        count,
        href,
    };
    let work = vec![
        step("发布供需条目", p.listings, None),
        step("匹配推荐“感兴趣”", p.interested, None),
        step("对接会一对一洽谈", p.meetings, Some("/events".into())),
        step("形成交易线索", p.leads, None),
        step("签约交易", p.deals, Some(deals_href)),
        step("完成备案/登记", p.filed, None),
    ];
    let mut stages = zhiyun_domain::pledge::Stage::ALL;
    stages.sort_by_key(|s| s.order());
    let pledges = stages
        .iter()
        .map(|s| {
            let n = p
                .pledges_by_stage
                .iter()
                .find(|(k, _)| k == s.slug())
                .map_or(0, |(_, n)| *n);
            step(s.label(), n, None)
        })
        .collect();
    Ok((work, pledges))
}
