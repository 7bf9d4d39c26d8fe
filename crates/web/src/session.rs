//! Login and logout, in the browser (`/login`) and for scripts (`/api/v1/session`).

use zhiyun_domain::code::Code;
use zhiyun_service::sessions;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::{Deserialize, Serialize};
use zhiyun_service::Principal;

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser, safe_next, session_clear_cookie, session_cookie};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{Layout, page, page_with_status};
use crate::surveys::ClientIp;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/api/v1/session", post(api_login).delete(api_logout))
        .route("/api/v1/me", get(api_me))
}

/// The throttle's name for a client address (`local` when unknown: in-process tests).
fn address(ip: Option<std::net::IpAddr>) -> String {
    ip.map_or_else(|| "local".to_string(), |ip| ip.to_string())
}

/// Log in through the use case, with the throttle (shared by every process on the database): a
/// locked username-and-address or address is refused before the password is looked at; failures
/// and successes are counted.
async fn login(
    state: &AppState,
    addr: &str,
    username: &str,
    password: &str,
) -> Result<(Principal, String), zhiyun_service::Error> {
    let key = username.trim().to_lowercase();
    let too_many = |secs: u64| {
        zhiyun_service::Error::new(
            zhiyun_service::Kind::Throttled,
            Code::TooManyAttempts,
            format!("登录失败次数过多，请 {} 分钟后再试", secs.div_ceil(60)),
        )
    };
    let Some(_slot) = state.throttle.enter(addr) else {
        return Err(too_many(60));
    };
    if let Some(secs) = state.throttle.locked(&key, addr).await {
        return Err(too_many(secs));
    }
    let got = sessions::login(&state.svc, &key, password, state.config.session_ttl_secs).await;
    match &got {
        Ok(_) => state.throttle.succeed(&key, addr).await,
        Err(e) if e.code == Code::BadCredentials => state.throttle.fail(&key, addr).await,
        Err(_) => {}
    }
    got
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
    /// Filled in after a self-registration.
    username: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<NextQuery>,
) -> Response {
    if user.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    page(&LoginPage {
        layout: Layout::new(&state, None, "登录", "login").with_notice(q.notice.as_deref()),
        username: q.username.unwrap_or_default(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> Response {
    match login(&state, &address(ip), &f.username, &f.password).await {
        Ok((_, sid)) => (
            [(header::SET_COOKIE, state.session_cookie(&sid))],
            Redirect::to(&safe_next(f.next.as_deref())),
        )
            .into_response(),
        Err(e) => {
            let e = ApiError::from(e);
            page_with_status(
                e.status,
                &LoginPage {
                    layout: Layout::new(&state, None, "登录", "login"),
                    username: f.username,
                    next: safe_next(f.next.as_deref()),
                    error: Some(e.detail.message),
                },
            )
        }
    }
}

async fn logout_form(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(sid) = session_cookie(&headers)
        && let Err(e) = sessions::logout(&state.svc, &sid).await
    {
        tracing::warn!(error = %e, "logout");
    }
    (
        [(header::SET_COOKIE, session_clear_cookie())],
        Redirect::to("/login?notice=logged_out"),
    )
        .into_response()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

/// The logged-in user as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `municipal`, `district`, `operator`, `agency`, `exchange`, `bank`, `insurer`, `enterprise`, `university`
    pub role: String,
    pub role_label: String,
    pub is_admin: bool,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub district_code: Option<String>,
}

impl From<&Principal> for Me {
    fn from(p: &Principal) -> Me {
        Me {
            id: p.id,
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            role: p.role().slug().to_string(),
            role_label: p.role().label().to_string(),
            is_admin: p.is_admin,
            org_id: p.org_id,
            org_name: p.org_name.clone(),
            org_kind: p.org_kind.slug().to_string(),
            district_code: p.district_code.clone(),
        }
    }
}

/// Log in: sets the session cookie (HttpOnly, SameSite=Lax).
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, description = "已登录，Set-Cookie 带会话", body = Me),
              (status = 401, description = "bad_credentials", body = crate::error::ErrorBody),
              (status = 429, description = "too_many_attempts", body = crate::error::ErrorBody)))]
pub async fn api_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let (principal, sid) = login(&state, &address(ip), &b.username, &b.password).await?;
    Ok((
        [(header::SET_COOKIE, state.session_cookie(&sid))],
        axum::Json(Me::from(&principal)),
    )
        .into_response())
}

/// Log out: ends the session of the cookie sent.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "已退出")))]
pub async fn api_logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(sid) = session_cookie(&headers)
        && let Err(e) = sessions::logout(&state.svc, &sid).await
    {
        tracing::warn!(error = %e, "logout");
    }
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_clear_cookie())],
    )
        .into_response()
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_me(ApiUser(p): ApiUser) -> axum::Json<Me> {
    axum::Json(Me::from(&p))
}
