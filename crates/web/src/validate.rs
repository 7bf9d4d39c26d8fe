//! Identifier checks for everyone: `POST /api/v1/validate/{kind}` and the page `/tools/validate`.
//! The rules are the domain's (`zhiyun_domain::ident`); forms call the same endpoint as the user types.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use zhiyun_domain::ident::{IdentKind, Validation, validate};

use crate::AppState;
use crate::auth::MaybeUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{Layout, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/validate/{kind}", post(api_validate))
        .route("/tools/validate", get(validate_page))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidateBody {
    /// The identifier as typed; spaces, full-width characters and `CN`/`ZL` prefixes are accepted.
    pub value: String,
}

fn kind_of(slug: &str) -> Result<IdentKind, ApiError> {
    IdentKind::from_slug(slug).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_kind",
            format!(
                "未知的编号类型“{slug}”，应为 patent-application、patent-publication、uscc、trademark 或 hte-certificate"
            ),
        )
        .with_field("kind")
    })
}

/// Check one identifier. Always 200 for a known kind: `valid` says whether it passed.
#[utoipa::path(post, path = "/api/v1/validate/{kind}", tag = "validate",
    params(("kind" = String, Path, description = "patent-application | patent-publication | uscc | trademark | hte-certificate")),
    request_body = ValidateBody,
    responses(
        (status = 200, description = "校验结果", body = Object, example = json!({
            "valid": true, "canonical": "201710601862.3",
            "detail": {"year": 2017, "type": "invention", "type_label": "发明", "format": "new", "check": "3"},
            "errors": [], "warnings": []})),
        (status = 404, description = "unknown_kind", body = crate::error::ErrorBody)))]
pub async fn api_validate(
    Path(kind): Path<String>,
    ApiJson(body): ApiJson<ValidateBody>,
) -> Result<Json<Validation>, ApiError> {
    let kind = kind_of(&kind)?;
    if body.value.chars().count() > 200 {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "too_long", "输入过长").with_field("value"));
    }
    Ok(Json(validate(kind, &body.value)))
}

#[derive(Template)]
#[template(path = "validate.html")]
struct ValidatePage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    value: String,
    result: Option<Validation>,
    detail_json: String,
}

#[derive(Deserialize)]
struct ValidateQuery {
    kind: Option<String>,
    value: Option<String>,
}

/// Works without JavaScript: the form submits by GET and the result is rendered here.
async fn validate_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ValidateQuery>,
) -> Response {
    let kind = q.kind.unwrap_or_else(|| "uscc".to_string());
    let value = q.value.unwrap_or_default();
    let result = IdentKind::from_slug(&kind)
        .filter(|_| !value.trim().is_empty())
        .map(|k| validate(k, &value));
    let detail_json = result
        .as_ref()
        .filter(|r| r.valid)
        .and_then(|r| serde_json::to_string_pretty(&r.detail).ok())
        .unwrap_or_default();
    page(&ValidatePage {
        layout: Layout::new(&state, user.as_ref(), "编号校验", "validate"),
        kinds: IdentKind::ALL.iter().map(|k| (k.slug(), k.label())).collect(),
        kind,
        value,
        result,
        detail_json,
    })
}
