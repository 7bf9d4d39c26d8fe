//! Accounts: my account (password, personal API tokens) and user administration, as pages and
//! API. The use cases are `zhiyun_service::accounts`.

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

mod api;
mod pages;

pub use api::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(pages::account_page))
        .route("/account/password", post(pages::password_form))
        .route("/account/tokens", post(pages::token_form))
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::token_revoke_form),
        )
        .route(
            "/admin/users",
            get(pages::users_page).post(pages::user_create_form),
        )
        .route(
            "/admin/users/{username}/{action}",
            post(pages::user_state_form),
        )
        .route("/api/v1/users", get(api_users).post(api_user_create))
        .route("/api/v1/users/{username}/{action}", post(api_user_state))
        .route("/api/v1/tokens", get(api_tokens).post(api_token_create))
        .route("/api/v1/tokens/{id}", delete(api_token_revoke))
}

/// `disable` → true, `enable` → false; anything else is no such path.
fn parse_action(action: &str) -> Option<bool> {
    match action {
        "disable" => Some(true),
        "enable" => Some(false),
        _ => None,
    }
}
