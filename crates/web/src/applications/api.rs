//! The JSON API of park applications: each handler parses the request, calls one use case and
//! answers JSON (or a file).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zhiyun_domain::application::{ApplicationInput, ReviewInput, Verdict};
use zhiyun_service::applications::{self as uc, attachments, editor, export, review, rounds};

use super::downloads::{DOCX, XLSX, download};
use super::views::{
    ApplicationSummary, ApplicationView, AttachmentView, Created, ReviewView, RoundView,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;

// ---------- rounds ----------

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RoundBody {
    pub year: i32,
    /// YYYY-MM-DD, the last day submissions are accepted.
    pub deadline: String,
}

/// Open an application round (municipal bureau).
#[utoipa::path(post, path = "/api/v1/rounds", tag = "applications", request_body = RoundBody,
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "round_exists", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_round_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(b): ApiJson<RoundBody>,
) -> Result<Response, ApiError> {
    let r = rounds::open(
        &state.svc,
        &user,
        rounds::OpenRound {
            year: b.year,
            deadline: b.deadline,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RoundView::from(&r))).into_response())
}

/// Application rounds, newest first.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "applications",
    responses((status = 200, body = Vec<Object>)))]
pub async fn api_rounds(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<RoundView>>, ApiError> {
    let all = rounds::list(&state.svc, &user).await?;
    Ok(Json(all.iter().map(RoundView::from).collect()))
}

// ---------- applications ----------

/// Create a draft (park operators).
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = Object,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, description = "unknown_round", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<Response, ApiError> {
    let r = editor::create(&state.svc, &user, editor::CreateApplication { input }).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.id })).into_response())
}

/// Replace a draft (or one returned for correction).
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    request_body = Object,
    responses((status = 200, body = ApplicationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, description = "not_editable", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<Json<ApplicationView>, ApiError> {
    let r = editor::save_draft(
        &state.svc,
        &user,
        editor::SaveDraft {
            id,
            change: editor::Change::Replace(Box::new(input)),
            fill_partners: false,
        },
    )
    .await?;
    Ok(Json(ApplicationView::from(&r)))
}

/// One application.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(ApplicationView::from(
        &uc::get(&state.svc, &user, id).await?,
    )))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub round_year: Option<i64>,
}

/// The applications the caller may see: an operator its own; the municipal bureau all submitted ones;
/// a district bureau the submitted ones of its district.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ListParams),
    responses((status = 200, body = Vec<ApplicationSummary>)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<ApplicationSummary>>, ApiError> {
    let round_year = match p.round_year.map(i32::try_from) {
        None => None,
        Some(Ok(y)) => Some(y),
        // No round has such a year.
        Some(Err(_)) => return Ok(Json(Vec::new())),
    };
    let rows = uc::list(&state.svc, &user, uc::ListApplications { round_year }).await?;
    Ok(Json(rows.iter().map(ApplicationSummary::from).collect()))
}

/// Submit: refused after the round's deadline (409 `deadline_passed`), when incomplete (422 `incomplete`),
/// or when an agency would join its third application of the round (409 `agency_cluster_limit`).
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationSummary), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "agency_cluster_limit | deadline_passed | not_editable", body = crate::error::ErrorBody),
              (status = 422, description = "incomplete", body = crate::error::ErrorBody)))]
pub async fn api_submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationSummary>, ApiError> {
    let r = editor::submit(&state.svc, &user, id).await?;
    Ok(Json(ApplicationSummary::from(&r)))
}

/// The A1–A6 checks with their evidence: `eligible` is false when any fails, true when all pass,
/// null while any needs review.
#[utoipa::path(get, path = "/api/v1/applications/{id}/checks", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_checks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Verdict>, ApiError> {
    Ok(Json(uc::checks(&state.svc, &user, id).await?))
}

// ---------- reviews ----------

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// A1 … A6: a decision on one check (with `status`).
    pub rule: Option<String>,
    /// pass | fail | needs_review: where the reviewer puts the check.
    pub status: Option<String>,
    /// approve | reject | return: a decision on the whole application.
    pub decision: Option<String>,
    #[serde(default)]
    pub comment: String,
}

/// A review: the municipal bureau confirms or overrules a check (`rule` + `status`) or decides
/// (`decision`); the district bureau of the park's district may comment (`comment` only).
#[utoipa::path(post, path = "/api/v1/applications/{id}/reviews", tag = "applications", params(("id" = i64, Path)),
    request_body = ReviewBody,
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "not_submitted | already_decided | not_eligible", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> Result<Response, ApiError> {
    let input = ReviewInput {
        rule: b.rule,
        status: b.status,
        decision: b.decision,
        comment: b.comment,
    };
    let r = review::review(&state.svc, &user, review::Review { id, input }).await?;
    Ok((StatusCode::CREATED, Json(ReviewView::from(&r))).into_response())
}

/// Reviews and comments, oldest first.
#[utoipa::path(get, path = "/api/v1/applications/{id}/reviews", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_reviews(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ReviewView>>, ApiError> {
    let all = review::list(&state.svc, &user, id).await?;
    Ok(Json(all.iter().map(ReviewView::from).collect()))
}

// ---------- exports ----------

/// The 申报书 as DOCX, with the checks and the evidence summary.
#[utoipa::path(get, path = "/api/v1/applications/{id}/docx", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, description = "DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_docx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let d = export::docx(&state.svc, &user, id).await?;
    Ok(download(DOCX, &d.filename, d.bytes))
}

/// Every submitted application of a round side by side, as XLSX (municipal bureau; a district bureau gets its district's).
#[utoipa::path(get, path = "/api/v1/rounds/{year}/applications.xlsx", tag = "applications", params(("year" = i64, Path)),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_round_xlsx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i64>,
) -> Result<Response, ApiError> {
    let year = i32::try_from(year).map_err(|_| ApiError::not_found())?;
    let d = export::round_xlsx(&state.svc, &user, year).await?;
    Ok(download(XLSX, &d.filename, d.bytes))
}

// ---------- attachments ----------

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// park | ip_office | partners | credit_report | enterprise_list | other
    pub part: String,
    /// The file's name, e.g. `信用报告.pdf`.
    pub filename: String,
}

/// Attach a supporting document (the operator, while the application is editable). The body is the
/// file itself (PDF, PNG or JPEG, recognised by its content; at most 10 MiB).
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "applications",
    params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 413, description = "payload_too_large", body = crate::error::ErrorBody),
              (status = 415, description = "unsupported_file_type", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_attachment_upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(p): Query<UploadParams>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let a = attachments::upload(
        &state.svc,
        &user,
        attachments::Upload {
            id,
            part: p.part,
            filename: p.filename,
            bytes: body.to_vec(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(AttachmentView::from(&a))).into_response())
}

/// The supporting documents of an application (without their bytes).
#[utoipa::path(get, path = "/api/v1/applications/{id}/attachments", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_attachments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AttachmentView>>, ApiError> {
    let all = attachments::list(&state.svc, &user, id).await?;
    Ok(Json(all.iter().map(AttachmentView::from).collect()))
}
