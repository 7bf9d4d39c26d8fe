//! `/api/v1/users` (administrators) and `/api/v1/tokens` (my tokens).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zhiyun_service::accounts::{self, NewUserCmd};
use zhiyun_service::accounts::{ApiToken, User};

use super::{parse_action, user_action};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub username: String,
    pub display_name: Option<String>,
    pub org_id: i64,
    /// At least 8 characters; omit to have a one-time password generated and returned.
    pub password: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[schema(value_type = Object)]
    pub user: User,
    /// Only when no password was given: shown once, never stored in clear.
    pub one_time_password: Option<String>,
}

/// All users (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<Object>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_users(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(accounts::list_users(&state.svc, &me).await?))
}

/// Create a user (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserBody,
    responses((status = 201, body = CreatedUser), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_user_create(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    let cmd = NewUserCmd {
        display_name: b.display_name.unwrap_or_default(),
        username: b.username,
        org_id: Some(b.org_id),
        password: b.password,
        is_admin: b.is_admin,
    };
    let created = accounts::create_user(&state.svc, &me, cmd).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: created.user,
            one_time_password: created.one_time_password,
        }),
    )
        .into_response())
}

/// Disable or enable a user, or sign them out everywhere (administrators): disabling and signing
/// out end every session of the user and revoke every API token of theirs.
#[utoipa::path(post, path = "/api/v1/users/{username}/{action}", tag = "accounts",
    params(("username" = String, Path), ("action" = String, Path, description = "disable | enable | sign-out")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_user_state(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path((username, action)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let action = parse_action(&action).ok_or_else(ApiError::not_found)?;
    user_action(&state.svc, &me, &username, action).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My personal API tokens (without their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_tokens(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(accounts::my_tokens(&state.svc, &me).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenBody {
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    /// Use as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
}

/// Create a personal API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenBody,
    responses((status = 201, body = CreatedToken), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_token_create(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<TokenBody>,
) -> Result<Response, ApiError> {
    let (t, token) = accounts::create_token(&state.svc, &me, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: t.id,
            name: t.name,
            token,
        }),
    )
        .into_response())
}

/// Revoke one of my tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_token_revoke(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&state.svc, &me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
