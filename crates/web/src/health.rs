//! `GET /healthz`: `{"status":"ok","database":"sqlite"|"postgres"}`, 503 when the database does not answer.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "服务与数据库正常", body = Object,
               example = json!({"status": "ok", "database": "sqlite"})),
              (status = 503, description = "数据库不可用")))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let health = zhiyun_service::system::health(&state.svc).await;
    let database = health.database;
    match health.error {
        None => axum::Json(json!({"status": "ok", "database": database})).into_response(),
        Some(message) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "error", "database": database, "message": message})),
        )
            .into_response(),
    }
}
