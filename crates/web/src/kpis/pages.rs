//! The KPI dashboards and evidence pages (server-rendered, charts as inline SVG with a data table
//! beside each; no JavaScript).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use zhiyun_domain::kpi::{Indicator, KpiQueryInput, Scale};
use zhiyun_domain::policy::{self, DistrictView};
use zhiyun_service::kpis::{
    self, Evidence, EvidenceQuery, IndicatorFigures, KpiReport, PipelineStep,
};

use super::chart::{self, Bar, Tile};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, page};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashQuery {
    district: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// The indicator the map is coloured by.
    map: Option<String>,
}

/// One year's row of an indicator's table.
struct YearRow {
    year: i32,
    value: String,
    yoy: String,
    path: String,
    extra: String,
    base: bool,
    evidence: String,
}

/// One indicator's card.
struct Card {
    code: &'static str,
    label: &'static str,
    unit: &'static str,
    definition: &'static str,
    target: String,
    status: &'static str,
    status_label: &'static str,
    growth: String,
    note: Option<String>,
    svg: String,
    extra_head: &'static str,
    rows: Vec<YearRow>,
}

fn figure_text(i: Indicator, v: u128) -> String {
    i.figure(v).to_string()
}

fn plot_value(i: Indicator, v: u128) -> f64 {
    match i.scale() {
        Scale::Fen => v as f64 / 1_000_000.0,
        Scale::Count => v as f64,
        Scale::Hundredths => v as f64 / 100.0,
    }
}

fn query_string(district: Option<&str>, year: i32) -> String {
    match district {
        Some(d) => format!("?district={d}&year={year}"),
        None => format!("?year={year}"),
    }
}

fn card(r: &KpiReport, f: &IndicatorFigures) -> Card {
    let i = f.indicator;
    let j = &f.judgement;
    let years: Vec<i32> = (r.base_year..=r.to.min(r.as_of_year())).collect();
    let path = |y: i32| f.target_path.iter().find(|p| p.year == y).map(|p| p.value);
    let bars: Vec<Bar> = years
        .iter()
        .map(|y| {
            let v = f.values.get(y).copied();
            Bar {
                label: y.to_string(),
                value: v.map_or(0.0, |v| plot_value(i, v)),
                text: v.map_or("—".into(), |v| figure_text(i, v)),
                muted: *y == r.base_year || j.as_of.is_some_and(|_| *y == r.as_of_year()),
            }
        })
        .collect();
    let line: Vec<Option<f64>> = years
        .iter()
        .map(|y| path(*y).map(|v| plot_value(i, v)))
        .collect();
    let threshold = match i {
        Indicator::K6 => Some((90.0, "目标 90%")),
        _ => None,
    };
    let svg = chart::bars_svg(
        &format!("{} {}（{}）", i.code(), i.label(), r.district_name),
        i.unit(),
        &bars,
        &line,
        "目标路径（按目标增幅逐年所需值）",
        threshold,
    );
    let (extra_head, extra): (&'static str, Box<dyn Fn(i32) -> String>) = match i {
        Indicator::K3 => (
            "合同份数",
            Box::new(|y| f.contracts.get(&y).map_or("—".into(), |n| n.to_string())),
        ),
        Indicator::K5 => (
            "人口年份 / 海外申请",
            Box::new(|y| {
                format!(
                    "{} / {}",
                    f.population_year
                        .get(&y)
                        .map_or("—".into(), |p| format!("{p} 年")),
                    f.overseas_filings
                        .get(&y)
                        .map_or("—".into(), |n| n.to_string())
                )
            }),
        ),
        Indicator::K6 => (
            "有效回答",
            Box::new(|y| f.responses.get(&y).map_or("—".into(), |n| n.to_string())),
        ),
        _ => ("", Box::new(|_| String::new())),
    };
    let rows = years
        .iter()
        .map(|y| YearRow {
            year: *y,
            value: f.values.get(y).map_or("—".into(), |v| figure_text(i, *v)),
            yoy: j
                .yoy_pct
                .get(y)
                .map(|p| p.map_or("—".into(), |d| format!("{d}%")))
                .unwrap_or_default(),
            path: path(*y).map_or(String::new(), |v| figure_text(i, v)),
            extra: extra(*y),
            base: *y == r.base_year,
            evidence: format!(
                "/kpis/{}/evidence{}",
                i.code(),
                query_string(r.district_code, *y)
            ),
        })
        .collect();
    let growth = match (j.growth_pct, &j.growth_note) {
        (Some(g), _) => format!("年均增幅 {g}%"),
        (None, Some(n)) => format!("年均增幅：{n}"),
        (None, None) => String::new(),
    };
    Card {
        code: i.code(),
        label: i.label(),
        unit: i.unit(),
        definition: i.definition(),
        target: i.target().label(),
        status: j.status.slug(),
        status_label: j.status.label(),
        growth,
        note: j.note.clone(),
        svg,
        extra_head,
        rows,
    }
}

trait AsOfYear {
    fn as_of_year(&self) -> i32;
}

impl AsOfYear for KpiReport {
    fn as_of_year(&self) -> i32 {
        chrono::Datelike::year(&self.as_of)
    }
}

/// One district's row in the side-by-side table.
struct DistrictRow {
    code: &'static str,
    name: &'static str,
    cells: Vec<(&'static str, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "kpis/dashboard.html")]
struct Dashboard {
    layout: Layout,
    report: KpiReport,
    cards: Vec<Card>,
    city: bool,
    can_pick: bool,
    districts: Vec<(&'static str, &'static str)>,
    rows: Vec<DistrictRow>,
    map_svg: String,
    map: &'static str,
    codes: Vec<&'static str>,
    /// The year the pipelines show, and its steps with a bar width (percent of the largest).
    pipeline_year: i32,
    work: Vec<(PipelineStep, u32)>,
    pledges: Vec<(PipelineStep, u32)>,
}

/// Each step with its bar's width in percent of the largest step.
fn widths(steps: Vec<PipelineStep>) -> Vec<(PipelineStep, u32)> {
    let max = steps.iter().map(|s| s.count).max().unwrap_or(0).max(1);
    steps
        .into_iter()
        .map(|s| {
            let w = u32::try_from(s.count * 100 / max).unwrap_or(0);
            (s, w)
        })
        .collect()
}

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let view = policy::district_view(&me.actor());
    let district = match (&view, q.district.as_deref().filter(|d| !d.is_empty())) {
        (DistrictView::One(own), None) => Some(own.clone()),
        (_, d) => d.map(str::to_string),
    };
    let input = KpiQueryInput {
        district: district.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
    };
    let report = kpis::report(&state.svc, &me, &input).await?;
    let city = report.district_code.is_none();
    let map = q
        .map
        .as_deref()
        .and_then(Indicator::parse)
        .unwrap_or(Indicator::K1);
    let (rows, map_svg) = if city && view == DistrictView::All {
        let all = kpis::all_districts(&state.svc, &me, &input).await?;
        side_by_side(&all, map)
    } else {
        (Vec::new(), String::new())
    };
    let cards = report.indicators.iter().map(|f| card(&report, f)).collect();
    let pipeline_year = report.to.min(report.as_of_year());
    let (work, pledges) =
        kpis::pipeline(&state.svc, &me, report.district_code, pipeline_year).await?;
    let title = format!(
        "绩效指标 · {} {}–{} 年",
        report.district_name, report.from, report.to
    );
    Ok(page(&Dashboard {
        layout: Layout::new(&state, Some(&me), title, "kpis"),
        cards,
        city,
        can_pick: view == DistrictView::All,
        districts: zhiyun_domain::district::all()
            .map(|d| (d.code, d.name))
            .collect(),
        rows,
        map_svg,
        map: map.code(),
        codes: Indicator::ALL.iter().map(|i| i.code()).collect(),
        pipeline_year,
        work: widths(work),
        pledges: widths(pledges),
        report,
    }))
}

fn side_by_side(all: &[KpiReport], map: Indicator) -> (Vec<DistrictRow>, String) {
    let rows: Vec<DistrictRow> = all
        .iter()
        .map(|r| DistrictRow {
            code: r.district_code.unwrap_or_default(),
            name: r.district_name,
            cells: r
                .indicators
                .iter()
                .map(|f| {
                    let s = f.judgement.status;
                    let last = f
                        .values
                        .iter()
                        .next_back()
                        .map(|(_, v)| figure_text(f.indicator, *v))
                        .unwrap_or_else(|| "—".into());
                    let shown = match (f.indicator, f.judgement.growth_pct) {
                        (Indicator::K5 | Indicator::K6, _) => last,
                        (_, Some(g)) => format!("{g}%"),
                        (_, None) => "—".into(),
                    };
                    (s.slug(), s.label(), shown)
                })
                .collect(),
        })
        .collect();
    let idx = Indicator::ALL.iter().position(|i| *i == map).unwrap_or(0);
    let tiles: Vec<Tile> = rows
        .iter()
        .map(|r| Tile {
            code: r.code,
            name: r.name,
            status: r.cells[idx].0,
            text: r.cells[idx].2.clone(),
            href: format!("/kpis?district={}", r.code),
        })
        .collect();
    let svg = chart::tile_map_svg(
        &format!("各区 {} {}：按目标完成情况着色", map.code(), map.label()),
        &tiles,
    );
    (rows, svg)
}

#[derive(Template)]
#[template(path = "kpis/evidence.html")]
struct EvidencePage {
    layout: Layout,
    e: Evidence,
    label: &'static str,
    back: String,
}

pub async fn evidence_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path(code): Path<String>,
    Query(q): Query<EvidenceQuery>,
) -> Result<Response, PageError> {
    let e = kpis::evidence(&state.svc, &me, &code, &q).await?;
    let label = Indicator::parse(e.code).map_or("", |i| i.label());
    let back = match e.district_code {
        Some(d) => format!("/kpis?district={d}"),
        None => "/kpis".into(),
    };
    Ok(page(&EvidencePage {
        layout: Layout::new(
            &state,
            Some(&me),
            format!("{} {} · {} 年 · 依据", e.code, label, e.year),
            "kpis",
        ),
        label,
        back,
        e,
    }))
}
