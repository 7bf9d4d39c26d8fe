//! Accounts: my account (password, personal API tokens) and user administration, as pages and
//! API. The use cases are `zhiyun_service::accounts`.

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

mod api;
mod pages;
pub(crate) use pages::render_account_notify_error;

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

/// What an administrator does to a user at `/…/users/{username}/{action}`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UserAction {
    Disable,
    Enable,
    /// End every session and revoke every API token (the account stays usable).
    SignOut,
}

/// `disable`, `enable`, `sign-out`; anything else is no such path.
fn parse_action(action: &str) -> Option<UserAction> {
    match action {
        "disable" => Some(UserAction::Disable),
        "enable" => Some(UserAction::Enable),
        "sign-out" => Some(UserAction::SignOut),
        _ => None,
    }
}

/// Do `action` to `username` as `me`; the notice code for the page.
async fn user_action(
    svc: &zhiyun_service::Ctx,
    me: &zhiyun_service::Principal,
    username: &str,
    action: UserAction,
) -> Result<&'static str, zhiyun_service::Error> {
    use zhiyun_service::accounts;
    match action {
        UserAction::SignOut => {
            accounts::sign_out_everywhere(svc, me, username).await?;
            Ok("signed_out")
        }
        a => {
            let disabled = a == UserAction::Disable;
            accounts::set_user_disabled(svc, me, username, disabled).await?;
            Ok(if disabled {
                "user_disabled"
            } else {
                "user_updated"
            })
        }
    }
}
