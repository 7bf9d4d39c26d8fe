//! K1–K6 (issue 16): the JSON API (`/api/v1/kpis`, `/api/v1/kpis/{code}/evidence`), the
//! dashboards (`/kpis`: a district's indicators with yearly bars and the target path; for the
//! municipal bureau every district side by side and a map) and the evidence page behind each
//! figure. Each handler parses, calls one use case and renders.

pub(crate) mod chart;
mod pages;

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};
use zhiyun_domain::kpi::{Indicator, KpiQueryInput};
use zhiyun_service::kpis::{self, Evidence, EvidenceQuery, IndicatorFigures, KpiReport};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/kpis", get(api_kpis))
        .route("/api/v1/kpis/{code}/evidence", get(api_evidence))
        .route("/kpis", get(pages::dashboard))
        .route("/kpis/{code}/evidence", get(pages::evidence_page))
}

/// A year as a JSON object key.
fn by_year<T>(m: &BTreeMap<i32, T>, f: impl Fn(&T) -> Value) -> Value {
    Value::Object(m.iter().map(|(y, v)| (y.to_string(), f(v))).collect())
}

/// One indicator as the API answers it (issue 16's contract, extra fields beside).
pub(crate) fn indicator_json(f: &IndicatorFigures) -> Value {
    let i = f.indicator;
    let j = &f.judgement;
    let mut o = json!({
        "code": i.code(),
        "label": i.label(),
        "unit": i.unit(),
        "definition": i.definition(),
        "values": by_year(&f.values, |v| serde_json::to_value(i.figure(*v)).unwrap_or(Value::Null)),
        "yoy_pct": by_year(&j.yoy_pct, |v| v.map_or(Value::Null, |d| Value::String(d.to_string()))),
        "growth_pct": j.growth_pct.map(|d| d.to_string()),
        "growth_note": j.growth_note,
        "mean_yoy_pct": j.mean_yoy_pct.map(|d| d.to_string()),
        "target": i.target().label(),
        "target_pct": i.target().target_pct(),
        "met": j.met,
        "status": j.status.slug(),
        "status_label": j.status.label(),
        "as_of": j.as_of.map(|d| d.to_string()),
        "note": j.note,
    });
    let extra = match i {
        Indicator::K1 | Indicator::K2 | Indicator::K3 | Indicator::K4 => {
            let mut e = json!({
                "target_path": Value::Object(f.target_path.iter().map(|p| {
                    (p.year.to_string(), serde_json::to_value(i.figure(p.value)).unwrap_or(Value::Null))
                }).collect()),
            });
            if i == Indicator::K3 {
                e["contracts"] = by_year(&f.contracts, |n| json!(n));
            }
            e
        }
        Indicator::K5 => json!({
            "population_year": f.population_year.values().next_back(),
            "population_years": by_year(&f.population_year, |y| json!(y)),
            "rising": j.met,
            "overseas_filings": by_year(&f.overseas_filings, |n| json!(n)),
        }),
        Indicator::K6 => json!({
            "method": f.method,
            "responses": by_year(&f.responses, |n| json!(n)),
        }),
    };
    if let (Value::Object(o), Value::Object(e)) = (&mut o, extra) {
        o.extend(e);
    }
    o
}

pub(crate) fn report_json(r: &KpiReport) -> Value {
    json!({
        "district_code": r.district_code,
        "district_name": r.district_name,
        "from": r.from,
        "to": r.to,
        "base_year": r.base_year,
        "as_of": r.as_of.to_string(),
        "indicators": r.indicators.iter().map(indicator_json).collect::<Vec<_>>(),
    })
}

/// The figures as the contract shows them (`values` strings or integers by year).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct KpiIndicatorView {
    /// `K1` … `K6`.
    code: String,
    /// `万元`, `项`, `件`, `家`, `件/万人`, `%`.
    unit: String,
    definition: String,
    /// Year → value: a two-place decimal string (K1 万元, K5, K6) or an integer (K2–K4).
    #[schema(value_type = Object)]
    values: Value,
    /// Year → year-on-year rate in percent (two places), or null.
    #[schema(value_type = Object)]
    yoy_pct: Value,
    /// 年均增幅 by the level method from the base year, or null with `growth_note`.
    growth_pct: Option<String>,
    growth_note: Option<String>,
    target_pct: Option<String>,
    /// Null when the target cannot be judged (yet).
    met: Option<bool>,
    /// `met`, `on_track`, `at_risk`, `missed`, `unknown`.
    status: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct KpiReportView {
    /// Null: city-wide.
    district_code: Option<String>,
    from: i32,
    to: i32,
    base_year: i32,
    indicators: Vec<KpiIndicatorView>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[allow(dead_code)]
pub struct KpiParams {
    /// District code (GB/T 2260); absent: the whole city.
    district: Option<String>,
    /// First year of the period (default 2021).
    from: Option<String>,
    /// Last year of the period (default 2023).
    to: Option<String>,
}

/// K1–K6 of a district (or the city) over a period, with year-on-year rates, 年均增幅 by the
/// level method from the base year, targets and whether they are met. The municipal bureau sees
/// every district and the city; a district bureau or cluster operator its own district.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "kpis", params(KpiParams),
    responses((status = 200, body = KpiReportView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_kpis(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<KpiQueryInput>,
) -> Result<Json<Value>, ApiError> {
    let r = kpis::report(&state.svc, &user, &q).await?;
    Ok(Json(report_json(&r)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[allow(dead_code)]
pub struct EvidenceParams {
    /// District code; absent: the whole city.
    district: Option<String>,
    /// The year of the figure (default: last year).
    year: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct EvidenceView {
    code: String,
    district_code: Option<String>,
    year: i32,
    /// How many records count towards the figure.
    counted: usize,
    /// Records: `{"kind": "pledge|deal|patent|survey", "id", "href", "label", "party", "date",
    /// "amount_wan", "adds", "counted", "note"}`.
    #[schema(value_type = Vec<Object>)]
    items: Value,
}

/// The records behind one figure (pledges for K1/K2, deals for K3/K4 — those of the year left out
/// too, with the reason —, high-value patents for K5, surveys for K6).
#[utoipa::path(get, path = "/api/v1/kpis/{code}/evidence", tag = "kpis",
    params(("code" = String, Path, description = "K1 … K6"), EvidenceParams),
    responses((status = 200, body = EvidenceView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_evidence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<EvidenceQuery>,
) -> Result<Json<Evidence>, ApiError> {
    Ok(Json(kpis::evidence(&state.svc, &user, &code, &q).await?))
}
