//! K5 (DOMAIN.md §3.2; issue 11): high-value invention patents per 10,000 residents per district
//! and city-wide per year, the populations they use (the 2020 census shipped, other years entered
//! by the municipal bureau), and overseas filings per district and year.

use chrono::Datelike;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::patent::indicator::{
    HighValueFigure, PopulationInput, PopulationYear, check_population, population_for,
};
use zhiyun_domain::patent::input::EARLIEST_FILING;
use zhiyun_domain::patent::year_end;
use zhiyun_domain::policy::{self, DistrictView};
pub use zhiyun_store::patent_stats::{CITY_CODE, OverseasCounts, Population};

use crate::{Ctx, Error, Principal, Result};

/// 422 unless `code` is one of today's districts.
fn district_code(field: &str, code: &str) -> Result<&'static str> {
    district::current_by_code(code)
        .map(|d| d.code)
        .ok_or_else(|| {
            Error::field(
                field,
                Code::UnknownDistrict,
                format!("区划代码“{code}”不是上海市现行的区"),
            )
        })
}

/// 422 unless `year` is between the first patents and this year.
fn check_year(ctx: &Ctx, year: i32) -> Result<()> {
    let this = ctx.clock.this_year();
    if (EARLIEST_FILING.year()..=this).contains(&year) {
        Ok(())
    } else {
        Err(Error::field(
            "year",
            Code::OutOfRange,
            format!(
                "年份应在 {}–{this} 之间，而不是 {year}",
                EARLIEST_FILING.year()
            ),
        ))
    }
}

/// The known populations of one code (a district, or [`CITY_CODE`]) as `(year, residents)`.
fn known(all: &[Population], code: &str) -> Vec<(i32, u64)> {
    all.iter()
        .filter(|p| p.code == code)
        .map(|p| (p.year, p.residents))
        .collect()
}

fn figure(
    district: Option<&str>,
    year: i32,
    count: i64,
    rule: PopulationYear,
    pops: &[Population],
) -> Result<HighValueFigure> {
    let key = district.unwrap_or(CITY_CODE);
    let population = population_for(year, rule, &known(pops, key)).ok_or_else(|| {
        Error::conflict(
            Code::NotFound,
            format!(
                "没有{}的常住人口数据，无法计算每万人口指标",
                district.map_or("全市", |_| "该区")
            ),
        )
    })?;
    Ok(HighValueFigure::new(
        district,
        year,
        u64::try_from(count).unwrap_or(0),
        population,
    ))
}

/// K5 for one district (`None`: the whole city) and year: high-value invention patents in force
/// at the end of the year owned by organisations of the district, ÷ residents in 10,000s, with the
/// population year used. A district for its own overseers and the municipal bureau; city-wide for
/// those who see every district.
pub async fn high_value_figure(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
    rule: PopulationYear,
) -> Result<HighValueFigure> {
    let district = district.map(|d| district_code("district", d)).transpose()?;
    check_year(ctx, year)?;
    if !policy::can_read_kpis(&user.actor(), district) {
        return Err(Error::forbidden_because(
            "每万人口高价值发明专利拥有量：市知识产权局可查看各区和全市，区知识产权局和集聚区运营方可查看本区",
        ));
    }
    let count = ctx.db.high_value_count(district, year_end(year)).await?;
    let pops = ctx.db.populations().await?;
    figure(district, year, count, rule, &pops)
}

/// One district's (or the city's) K5 row for the bureau's page.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    /// `None` = city-wide.
    pub district_name: Option<&'static str>,
    pub figure: HighValueFigure,
    pub overseas: OverseasCounts,
}

/// K5 for every district the user may see, and the city when it sees all.
pub async fn high_value_table(
    ctx: &Ctx,
    user: &Principal,
    year: i32,
    rule: PopulationYear,
) -> Result<Vec<IndicatorRow>> {
    check_year(ctx, year)?;
    let only = match policy::district_view(&user.actor()) {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d),
        DistrictView::None => return Err(Error::forbidden()),
    };
    let counts = ctx.db.high_value_counts_by_district(year_end(year)).await?;
    let pops = ctx.db.populations().await?;
    let mut rows = Vec::new();
    for d in district::all().filter(|d| only.as_deref().is_none_or(|o| o == d.code)) {
        let count = counts
            .iter()
            .find(|(c, _)| c == d.code)
            .map_or(0, |(_, n)| *n);
        rows.push(IndicatorRow {
            district_name: Some(d.name),
            figure: figure(Some(d.code), year, count, rule, &pops)?,
            overseas: ctx.db.overseas_filings(Some(d.code), year).await?,
        });
    }
    if only.is_none() {
        let count = counts.iter().map(|(_, n)| n).sum();
        rows.push(IndicatorRow {
            district_name: None,
            figure: figure(None, year, count, rule, &pops)?,
            overseas: ctx.db.overseas_filings(None, year).await?,
        });
    }
    Ok(rows)
}

/// Overseas filings (PCT applications and direct foreign filings) per district and year.
#[derive(Debug, Clone, Serialize)]
pub struct OverseasFilings {
    /// `None` = city-wide.
    pub district_code: Option<String>,
    pub year: i32,
    pub pct: i64,
    pub direct: i64,
    pub total: i64,
}

pub async fn overseas_filings(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<OverseasFilings> {
    let district = district.map(|d| district_code("district", d)).transpose()?;
    check_year(ctx, year)?;
    if !policy::can_read_kpis(&user.actor(), district) {
        return Err(Error::forbidden());
    }
    let c = ctx.db.overseas_filings(district, year).await?;
    Ok(OverseasFilings {
        district_code: district.map(str::to_string),
        year,
        pct: c.pct,
        direct: c.direct,
        total: c.pct + c.direct,
    })
}

/// Enter (or correct) the resident population of a district, or of the city (`310000`), in a
/// year: the municipal bureau only.
pub async fn set_population(
    ctx: &Ctx,
    user: &Principal,
    code: &str,
    year: i32,
    input: PopulationInput,
) -> Result<Population> {
    if !policy::can_set_population(&user.actor()) {
        return Err(Error::forbidden_because("常住人口由市知识产权局录入"));
    }
    let code = if code == CITY_CODE {
        CITY_CODE
    } else {
        district_code("code", code)?
    };
    let residents = check_population(&input, year, ctx.clock.today())?;
    Ok(ctx
        .db
        .population_set(code, year, residents, ctx.clock.now(), &user.who())
        .await?)
}

/// Every known population, for those who see K5 figures.
pub async fn populations(ctx: &Ctx, user: &Principal) -> Result<Vec<Population>> {
    let only = match policy::district_view(&user.actor()) {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d),
        DistrictView::None => return Err(Error::forbidden()),
    };
    let mut all = ctx.db.populations().await?;
    if let Some(d) = only {
        all.retain(|p| p.code == d);
    }
    Ok(all)
}
