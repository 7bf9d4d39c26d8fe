//! The register's JSON API (issue 11): patents, their import, cultivation, K5 figures and
//! populations, trademarks. Each handler parses, calls one use case and renders.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::patent::indicator::{PopulationInput, PopulationYear};
use zhiyun_domain::patent::{CultivationInput, LegalStatus, PatentInput, PatentKind};
use zhiyun_domain::trademark::TrademarkInput;
use zhiyun_domain::validation::FieldError;
use zhiyun_service::patents::import::{Importer, parse_mode};
use zhiyun_service::patents::{
    self as uc, PatentQuery, cultivation, indicator, reminders, trademarks,
};

use super::views::{
    Created, CultivationItemView, CultivationView, FigureView, ImportReportView,
    OverseasFilingsView, PatentItem, PatentList, PatentRecordView, PopulationView, ReminderView,
    TrademarkList, TrademarkView,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Import files may be this large (a 200,000-row XLSX is about 30 MB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/patents", get(api_list).post(api_create))
        .route(
            "/api/v1/patents/import",
            post(api_import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/api/v1/patents/reminders", get(api_reminders))
        .route("/api/v1/patents/{id}", get(api_get).put(api_replace))
        .route(
            "/api/v1/patents/{id}/cultivation",
            put(api_cultivate).delete(api_uncultivate),
        )
        .route("/api/v1/cultivation", get(api_cultivation))
        .route("/api/v1/indicators/high-value", get(api_high_value))
        .route("/api/v1/indicators/overseas-filings", get(api_overseas))
        .route("/api/v1/populations", get(api_populations))
        .route(
            "/api/v1/districts/{code}/population/{year}",
            put(api_set_population),
        )
        .route("/api/v1/trademarks", get(api_tm_list).post(api_tm_create))
        .route(
            "/api/v1/trademarks/{id}",
            get(api_tm_get).put(api_tm_replace).delete(api_tm_delete),
        )
}

fn bad(field: &str, message: String) -> ApiError {
    ApiError::invalid(vec![FieldError::new(field, Code::UnknownValue, message)])
}

/// Register a patent for `owner_org_id`: its own users; for an enterprise also the district's
/// cluster operator and agencies. 403 for any other owner; 422 names every bad field (a wrong
/// check character, a grant before filing, a kind the number contradicts, an unknown status …);
/// 409 `duplicate_patent` when the number is registered already.
#[utoipa::path(post, path = "/api/v1/patents", tag = "patents", request_body = super::views::PatentBody,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "duplicate_patent", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<PatentInput>,
) -> Result<Response, ApiError> {
    let r = uc::create(&state.svc, &user, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.id })).into_response())
}

/// Replace a patent as a whole (same body and rules as creating it).
#[utoipa::path(put, path = "/api/v1/patents/{id}", tag = "patents", params(("id" = i64, Path)),
    request_body = super::views::PatentBody,
    responses((status = 200, body = PatentRecordView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, description = "duplicate_patent", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_replace(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PatentInput>,
) -> Result<Json<PatentRecordView>, ApiError> {
    uc::replace(&state.svc, &user, id, input).await?;
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

/// One patent with `expires_on`, `in_force` and `high_value` (`{"is", "categories", "reasons"}`,
/// only the categories met); the fee state and the cultivation project for owners, co-owners,
/// whoever manages it and the district's overseers.
#[utoipa::path(get, path = "/api/v1/patents/{id}", tag = "patents", params(("id" = i64, Path)),
    responses((status = 200, body = PatentRecordView), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PatentRecordView>, ApiError> {
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    /// Owned or co-owned by this organisation.
    pub owner_org_id: Option<i64>,
    /// Owned by organisations of this district (code).
    pub district: Option<String>,
    /// Part of the title, or a number.
    pub q: Option<String>,
    /// invention | utility_model | design
    pub kind: Option<String>,
    /// pending | granted | lapsed | expired | invalidated
    pub legal_status: Option<String>,
    /// `true`: only patents high-value today.
    pub high_value: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ListParams {
    pub fn query(&self) -> Result<PatentQuery, ApiError> {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let kind = match nonblank(&self.kind) {
            None => None,
            Some(k) => Some(PatentKind::parse(&k).ok_or_else(|| {
                bad(
                    "kind",
                    format!("专利类型“{k}”应为 invention、utility_model 或 design"),
                )
            })?),
        };
        let legal_status = match nonblank(&self.legal_status) {
            None => None,
            Some(s) => Some(LegalStatus::parse(&s).ok_or_else(|| {
                bad(
                    "legal_status",
                    format!("法律状态“{s}”应为 pending、granted、lapsed、expired 或 invalidated"),
                )
            })?),
        };
        Ok(PatentQuery {
            org_id: self.owner_org_id,
            district: nonblank(&self.district),
            q: nonblank(&self.q),
            kind,
            legal_status,
            high_value_only: self.high_value.unwrap_or(false),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
        })
    }
}

/// The register, newest first, for any logged-in user.
#[utoipa::path(get, path = "/api/v1/patents", tag = "patents", params(ListParams),
    responses((status = 200, body = PatentList), (status = 401, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PatentList>, ApiError> {
    let page = uc::list(&state.svc, &user, p.query()?).await?;
    Ok(Json(PatentList {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.iter().map(PatentItem::from).collect(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// dry_run (default) | all_or_nothing | valid_rows_only
    pub mode: Option<String>,
    /// The file's name; its extension (.xlsx or .csv) decides the format. Without it the
    /// Content-Type decides (text/csv, or the XLSX type).
    pub filename: Option<String>,
}

/// Import patents from an XLSX or CSV file sent as the request body (at most 64 MiB, 200,000
/// rows; CSV in UTF-8 or GBK; the template is at `/patents/import/template.xlsx`). `dry_run`
/// writes nothing and reports every bad cell and every number already registered;
/// `all_or_nothing` writes every row or, if any row has an issue, none (422 with the report);
/// `valid_rows_only` writes the rows without issues. Rows name their owner by USCC (blank: the
/// importer's own organisation).
#[utoipa::path(post, path = "/api/v1/patents/import", tag = "patents", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReportView),
              (status = 422, description = "a bad file (missing_columns, unreadable, empty, too_many_rows, unsupported_type), or all_or_nothing refused: `{\"error\": …, \"report\": …}`", body = crate::error::ErrorBody)))]
pub async fn api_import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ImportParams>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mode = q.mode.as_deref().unwrap_or("dry_run");
    let write = parse_mode(mode).ok_or_else(|| {
        bad(
            "mode",
            format!("导入方式“{mode}”应为 dry_run、all_or_nothing 或 valid_rows_only"),
        )
    })?;
    let filename = q.filename.clone().unwrap_or_else(|| {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if ct.starts_with("text/csv") {
            "upload.csv".into()
        } else {
            "upload.xlsx".into()
        }
    });
    let report = zhiyun_service::patents::import::import(
        &state.svc,
        &Importer::of(&user),
        &filename,
        Arc::new(body.to_vec()),
        write,
        &|_| {},
    )
    .await?;
    let view = ImportReportView::from(&report);
    if write == zhiyun_service::patents::import::ImportWrite::AllOrNothing && !report.written {
        let err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::ImportHasErrors,
            format!(
                "有 {} 处问题，按“全部导入”的要求未导入任何专利",
                report.issues.len()
            ),
        );
        return Ok((
            err.status,
            Json(serde_json::json!({"error": err.detail, "report": view})),
        )
            .into_response());
    }
    Ok(Json(view).into_response())
}

/// Fee reminders (patents listed, licensed or pledged whose annual fee falls due within 90 days or
/// is in its grace period) and expiry reminders (the term ends within 90 days): an enterprise's
/// or university's own patents, a cluster operator's district's.
#[utoipa::path(get, path = "/api/v1/patents/reminders", tag = "patents",
    responses((status = 200, body = Vec<ReminderView>)))]
pub async fn api_reminders(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ReminderView>>, ApiError> {
    let (list, _) = reminders::for_home(&state.svc, &user, 500).await?;
    Ok(Json(list.iter().map(ReminderView::from).collect()))
}

/// Mark a patent as a cultivation project (T6), or change it: `{"goal": "file_abroad" | "convert"
/// | "license", "notes": "…", "target_date": "2027-06-30"}`. The owner's district's cluster
/// operator only.
#[utoipa::path(put, path = "/api/v1/patents/{id}/cultivation", tag = "patents", params(("id" = i64, Path)),
    request_body = Object,
    responses((status = 200, body = CultivationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_cultivate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CultivationInput>,
) -> Result<Json<CultivationView>, ApiError> {
    cultivation::mark(&state.svc, &user, id, input).await?;
    let detail = uc::get(&state.svc, &user, id).await?;
    let c = detail
        .private
        .and_then(|p| p.cultivation)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CultivationView::of(&c.0, &c.1)))
}

/// End a cultivation project.
#[utoipa::path(delete, path = "/api/v1/patents/{id}/cultivation", tag = "patents", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_uncultivate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    cultivation::unmark(&state.svc, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DistrictParams {
    /// District code; absent: every district the caller sees.
    pub district: Option<String>,
}

/// The cultivation projects of a district, with what moved (overseas filings, listings, deals).
#[utoipa::path(get, path = "/api/v1/cultivation", tag = "patents", params(DistrictParams),
    responses((status = 200, body = Vec<CultivationItemView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_cultivation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<DistrictParams>,
) -> Result<Json<Vec<CultivationItemView>>, ApiError> {
    let district = q.district.filter(|d| !d.trim().is_empty());
    let items = cultivation::list(&state.svc, &user, district).await?;
    Ok(Json(items.iter().map(CultivationItemView::from).collect()))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FigureParams {
    /// District code, e.g. 310151; absent: city-wide.
    pub district: Option<String>,
    /// Default: last year.
    pub year: Option<i32>,
    /// Which year's population: `previous` (default, Shanghai's published practice: the 2022 figure
    /// uses the 2021 population) or `same`; the latest known on or before it is used.
    pub population: Option<String>,
}

impl FigureParams {
    fn parts(&self, this_year: i32) -> Result<(Option<String>, i32, PopulationYear), ApiError> {
        let rule = match self
            .population
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => PopulationYear::Previous,
            Some(s) => PopulationYear::parse(s).ok_or_else(|| {
                bad(
                    "population",
                    format!("人口年份口径“{s}”应为 previous 或 same"),
                )
            })?,
        };
        Ok((
            self.district.clone().filter(|d| !d.trim().is_empty()),
            self.year.unwrap_or(this_year - 1),
            rule,
        ))
    }
}

/// K5: high-value invention patents per 10,000 residents (patents in force at the end of the year
/// owned by organisations of the district ÷ residents in 10,000s) with the population year used.
/// A district for its bureau, its cluster operator and the municipal bureau; city-wide for the
/// municipal bureau.
#[utoipa::path(get, path = "/api/v1/indicators/high-value", tag = "patents", params(FigureParams),
    responses((status = 200, body = FigureView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_high_value(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<FigureParams>,
) -> Result<Json<FigureView>, ApiError> {
    let (district, year, rule) = q.parts(state.svc.clock().this_year())?;
    let f =
        indicator::high_value_figure(&state.svc, &user, district.as_deref(), year, rule).await?;
    Ok(Json((&f).into()))
}

/// Overseas filings (PCT applications and direct foreign filings, by filing year) by the owners of
/// a district, or city-wide.
#[utoipa::path(get, path = "/api/v1/indicators/overseas-filings", tag = "patents", params(FigureParams),
    responses((status = 200, body = OverseasFilingsView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_overseas(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<FigureParams>,
) -> Result<Json<OverseasFilingsView>, ApiError> {
    let (district, year, _) = q.parts(state.svc.clock().this_year())?;
    let o = indicator::overseas_filings(&state.svc, &user, district.as_deref(), year).await?;
    Ok(Json((&o).into()))
}

/// Every known resident population: the 2020 census (shipped) and the bureau's entries.
#[utoipa::path(get, path = "/api/v1/populations", tag = "patents",
    responses((status = 200, body = Vec<PopulationView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_populations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<PopulationView>>, ApiError> {
    let all = indicator::populations(&state.svc, &user).await?;
    Ok(Json(all.iter().map(PopulationView::from).collect()))
}

/// Enter the resident population of a district (or of the city: code 310000) in a year:
/// `{"residents": 637921}`. The municipal bureau only.
#[utoipa::path(put, path = "/api/v1/districts/{code}/population/{year}", tag = "patents",
    params(("code" = String, Path), ("year" = i32, Path)), request_body = Object,
    responses((status = 200, body = PopulationView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_set_population(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((code, year)): Path<(String, i32)>,
    ApiJson(input): ApiJson<PopulationInput>,
) -> Result<Json<PopulationView>, ApiError> {
    let p = indicator::set_population(&state.svc, &user, &code, year, input).await?;
    Ok(Json((&p).into()))
}

// ---------- trademarks ----------

/// Register a trademark: `{"number": "12345678", "name": "知运", "nice_class": 42,
/// "owner_org_id": 12, "valid_until": "2031-05-06", "registered_on": "2021-05-07"}`. The same
/// people as for patents; 409 `duplicate_trademark` for a number already registered in the class.
#[utoipa::path(post, path = "/api/v1/trademarks", tag = "patents", request_body = Object,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "duplicate_trademark", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_tm_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<TrademarkInput>,
) -> Result<Response, ApiError> {
    let r = trademarks::create(&state.svc, &user, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.id })).into_response())
}

#[utoipa::path(put, path = "/api/v1/trademarks/{id}", tag = "patents", params(("id" = i64, Path)),
    request_body = Object,
    responses((status = 200, body = TrademarkView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_tm_replace(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TrademarkInput>,
) -> Result<Json<TrademarkView>, ApiError> {
    trademarks::replace(&state.svc, &user, id, input).await?;
    Ok(Json(
        (&trademarks::get(&state.svc, &user, id).await?).into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/trademarks/{id}", tag = "patents", params(("id" = i64, Path)),
    responses((status = 200, body = TrademarkView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_tm_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TrademarkView>, ApiError> {
    Ok(Json(
        (&trademarks::get(&state.svc, &user, id).await?).into(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/trademarks/{id}", tag = "patents", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_tm_delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    trademarks::delete(&state.svc, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TmParams {
    pub owner_org_id: Option<i64>,
    pub district: Option<String>,
    /// Part of the number or of the name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/trademarks", tag = "patents", params(TmParams),
    responses((status = 200, body = TrademarkList)))]
pub async fn api_tm_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<TmParams>,
) -> Result<Json<TrademarkList>, ApiError> {
    let (total, items) = trademarks::list(
        &state.svc,
        &user,
        trademarks::TrademarkQuery {
            owner_org_id: q.owner_org_id,
            district: q.district.filter(|d| !d.trim().is_empty()),
            q: q.q,
            page: q.page.unwrap_or(1),
            per_page: q.per_page.unwrap_or(50),
        },
    )
    .await?;
    Ok(Json(TrademarkList {
        total,
        items: items.iter().map(TrademarkView::from).collect(),
    }))
}
