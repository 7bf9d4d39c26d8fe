//! The deal ledger's JSON API (issue 12). Each handler parses, calls one use case and renders.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::deal::{
    AnnualInput, DealInput, DealKind, FilingInput, OverruleInput, PaymentInput, StageMoveInput,
};
use zhiyun_domain::validation::FieldError;
use zhiyun_service::deals::{self as uc, DealQuery, export, ops};

use super::views::{AnnualView, DealList, DealView};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::patents::views::Created;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/deals", get(api_list).post(api_create))
        .route("/api/v1/deals.xlsx", get(api_xlsx))
        .route("/api/v1/deals/{id}", get(api_get))
        .route("/api/v1/deals/{id}/payments", post(api_payment))
        .route("/api/v1/deals/{id}/filings", post(api_filing))
        .route("/api/v1/deals/{id}/stage", post(api_stage))
        .route("/api/v1/deals/{id}/overrules", post(api_overrule))
        .route("/api/v1/orgs/{id}/annual/{year}", put(api_annual))
}

/// Create a deal (directly, from a deal lead `lead_id` or a listing `listing_id`). Starts at
/// `signed` with `signed_on`, else `negotiating`. 403 for anyone but the parties, the agency
/// named and the parties' district operators; 422 names every bad field (`same_party`,
/// `required` licence_type, `not_applicable`, `effective_before_signed`, `unknown_patent`,
/// `term_past_expiry`, `unknown_org` …).
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", request_body = super::views::DealBody,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<Response, ApiError> {
    let r = uc::create(&state.svc, &user, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.id })).into_response())
}

/// One deal with `stage`, `contracted_wan`, `received_wan`, `filing_due_on` (licences) and the
/// pre-checks `checks` from the patent register. 404 unless the caller may read it.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", params(("id" = i64, Path)),
    responses((status = 200, body = DealView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    /// Either party in this district (code, e.g. 310104).
    pub district: Option<String>,
    /// Signed in this year.
    pub year: Option<String>,
    /// transfer | licence | equity
    pub kind: Option<String>,
}

impl ListParams {
    pub fn query(&self) -> Result<DealQuery, ApiError> {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let year = match nonblank(&self.year) {
            None => None,
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1985..=2100).contains(y))
                    .ok_or_else(|| {
                        ApiError::invalid(vec![FieldError::new(
                            "year",
                            Code::BadYear,
                            format!("年份“{y}”不是有效年份"),
                        )])
                    })?,
            ),
        };
        let kind = match nonblank(&self.kind) {
            None => None,
            Some(k) => Some(DealKind::parse(&k).ok_or_else(|| {
                ApiError::invalid(vec![FieldError::new(
                    "kind",
                    Code::UnknownValue,
                    format!("交易类型“{k}”不在可选范围内，应为：{}", DealKind::choices()),
                )])
            })?),
        };
        Ok(DealQuery {
            district: nonblank(&self.district),
            year,
            kind,
            listing_id: None,
        })
    }
}

/// The deals the caller may read, with contracted vs received totals and the benefiting SMEs
/// per year (T8).
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(ListParams),
    responses((status = 200, body = DealList), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<DealList>, ApiError> {
    Ok(Json(
        (&uc::list(&state.svc, &user, p.query()?).await?).into(),
    ))
}

/// The same list as XLSX.
#[utoipa::path(get, path = "/api/v1/deals.xlsx", tag = "deals", params(ListParams),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_xlsx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let (title, bytes) = export::ledger_xlsx(&state.svc, &user, p.query()?).await?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{title}.xlsx"),
        bytes,
    ))
}

/// Record a payment received. 422 `exceeds_contract` (with the figures) when received would
/// exceed contracted by more than a cent; 409 `deal_not_signed` before signing.
#[utoipa::path(post, path = "/api/v1/deals/{id}/payments", tag = "deals", params(("id" = i64, Path)),
    request_body = super::views::PaymentBody,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_payment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PaymentInput>,
) -> Result<Response, ApiError> {
    let pid = ops::add_payment(&state.svc, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: pid })).into_response())
}

/// Record a CNIPA filing (the kind the deal needs: `licence_record` for a licence,
/// `transfer_registration` for a transfer or equity contribution).
#[utoipa::path(post, path = "/api/v1/deals/{id}/filings", tag = "deals", params(("id" = i64, Path)),
    request_body = super::views::FilingBody,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_filing(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FilingInput>,
) -> Result<Response, ApiError> {
    let fid = ops::add_filing(&state.svc, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: fid })).into_response())
}

/// Move the deal to its next stage. 409 `bad_stage`, `filing_required`, `checks_blocking`
/// (failing pre-checks not overruled), `filing_not_accepted`.
#[utoipa::path(post, path = "/api/v1/deals/{id}/stage", tag = "deals", params(("id" = i64, Path)),
    request_body = super::views::StageBody,
    responses((status = 200, body = DealView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_stage(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<StageMoveInput>,
) -> Result<Json<DealView>, ApiError> {
    ops::move_to(&state.svc, &user, id, input).await?;
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

/// Let a failing pre-check pass with a comment (the district's operator).
#[utoipa::path(post, path = "/api/v1/deals/{id}/overrules", tag = "deals", params(("id" = i64, Path)),
    request_body = super::views::OverruleBody,
    responses((status = 200, body = DealView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_overrule(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OverruleInput>,
) -> Result<Json<DealView>, ApiError> {
    ops::overrule(&state.svc, &user, id, input).await?;
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

/// An enterprise's yearly figures (T8): the enterprise itself or its district's operator.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/annual/{year}", tag = "deals",
    params(("id" = i64, Path), ("year" = i32, Path)), request_body = super::views::AnnualBody,
    responses((status = 200, body = AnnualView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_annual(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, year)): Path<(i64, String)>,
    ApiJson(input): ApiJson<AnnualInput>,
) -> Result<Json<AnnualView>, ApiError> {
    let year: i32 = year.trim().parse().map_err(|_| {
        ApiError::invalid(vec![FieldError::new(
            "year",
            Code::BadYear,
            format!("年度“{year}”不是有效年份"),
        )])
    })?;
    let a = ops::put_annual(&state.svc, &user, id, year, input).await?;
    Ok(Json((&a).into()))
}
