//! Listings over the API (T1, T2): drafts, the lifecycle, confirmation, and one listing as the
//! public (masked contacts) or a logged-in partner sees it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use zhiyun_domain::listing::{ListingAction, ListingInput};
use zhiyun_service::listings;

use super::views::ListingView;
use crate::AppState;
use crate::auth::{ApiUser, MaybeUser};
use crate::error::ApiError;
use crate::json::ApiJson;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/listings", post(api_create))
        .route("/api/v1/listings/{id}", get(api_get))
        .route("/api/v1/listings/{id}/{action}", post(api_action))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Create a draft listing for the caller's organisation (demands: enterprises; supplies: universities,
/// institutes and enterprises). Duplicates (same owner and title, or a patent already listed) are 409.
#[utoipa::path(post, path = "/api/v1/listings", tag = "listings", request_body = Object,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "duplicate_listing | patent_already_listed", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ListingInput>,
) -> Result<Response, ApiError> {
    let l = listings::create(&state.svc, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: l.id })).into_response())
}

/// One listing: anyone once published (contacts masked without login); the owner always; the
/// district's operator and bureaus once submitted.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings", params(("id" = i64, Path)),
    responses((status = 200, body = ListingView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Json<ListingView>, ApiError> {
    Ok(Json(
        listings::get(&state.svc, user.as_ref(), id).await?.into(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ActionBody {
    /// Why the operator returns a listing (required for `return`).
    pub reason: Option<String>,
}

/// Move a listing on: `submit`, `withdraw`, `fulfil`, `confirm` (owner); `publish`, `return` (the
/// cluster operator of the listing's district).
#[utoipa::path(post, path = "/api/v1/listings/{id}/{action}", tag = "listings",
    params(("id" = i64, Path), ("action" = String, Path, description = "submit | publish | return | withdraw | fulfil | confirm")),
    responses((status = 200, body = ListingView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, description = "bad_transition", body = crate::error::ErrorBody)))]
pub async fn api_action(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<ListingView>, ApiError> {
    // The body is optional: only `return` needs one (`{"reason": "…"}`).
    let body: ActionBody = if body.is_empty() {
        ActionBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let action = ListingAction::parse(&action).ok_or_else(ApiError::not_found)?;
    let l = listings::act(&state.svc, &user, id, action, body.reason.as_deref()).await?;
    Ok(Json(l.into()))
}
