//! 知运 web: the axum router, server-rendered Chinese pages and the JSON API (`/api/v1`).
//!
//! One module per feature; each exposes `routes()` with both its pages and its API endpoints.
//! Access decisions are made by `zhiyun_domain::policy`, never here.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;

mod accounts;
mod applications;
mod assets;
mod auctions;
mod audit;
mod auth;
mod deals;
mod error;
mod events;
mod forms;
mod front;
mod guide;
mod health;
mod home;
mod json;
mod kpis;
mod layout;
mod listings;
pub mod match_contacts;
pub mod matching;
mod notifications;
pub mod openapi;
mod orgs;
mod patents;
mod pledges;
mod registrations;
mod session;
mod surveys;
pub mod workbench;
// T8 reports to the municipal bureau.
mod bureau_reports;
mod validate;

pub use auth::Throttle;

/// Requests larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Config {
    /// Session lifetime in seconds.
    pub session_ttl_secs: i64,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The demo data set is loaded: pages show a banner.
    pub demo: bool,
    /// Behind a reverse proxy: the client's address is the last `X-Forwarded-For` entry and the
    /// scheme `X-Forwarded-Proto` (the public survey link's rate limit and its QR code read them).
    pub trust_proxy: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl_secs: 8 * 3600,
            secure_cookies: false,
            demo: false,
            trust_proxy: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    /// The use cases' context: every read and write goes through `zhiyun_service`; the web
    /// never reaches the store.
    pub svc: zhiyun_service::Ctx,
    pub config: Arc<Config>,
    /// The login throttle (its counts are in the database).
    pub throttle: Throttle,
}

impl AppState {
    /// The `Set-Cookie` value starting session `sid` under this deployment's settings.
    pub fn session_cookie(&self, sid: &str) -> String {
        auth::session_set_cookie(
            sid,
            self.config.session_ttl_secs,
            self.config.secure_cookies,
        )
    }

    /// Over a use-case context (tests pass one with a fixed clock).
    pub fn with_ctx(svc: zhiyun_service::Ctx, config: Config) -> AppState {
        AppState {
            throttle: Throttle::new(svc.clone()),
            svc,
            config: Arc::new(config),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(home::routes())
        .merge(guide::routes())
        .merge(session::routes())
        .merge(validate::routes())
        .merge(orgs::routes())
        .merge(applications::routes())
        .merge(listings::routes())
        .merge(matching::routes())
        .merge(match_contacts::routes())
        .merge(workbench::routes())
        .merge(events::routes())
        .merge(patents::routes())
        .merge(deals::routes())
        .merge(pledges::routes())
        .merge(surveys::routes())
        .merge(kpis::routes())
        .merge(auctions::routes())
        .merge(bureau_reports::routes())
        .merge(registrations::routes())
        .merge(accounts::routes())
        .merge(notifications::routes())
        .merge(audit::routes())
        .merge(health::routes())
        .merge(openapi::routes())
        .merge(assets::routes())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(axum::middleware::from_fn(error::api_errors_as_json))
        .layer(axum::middleware::from_fn(assets::security_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
