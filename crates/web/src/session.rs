//! Login and logout, in the browser (`/login`) and for scripts (`/api/v1/session`).

use std::sync::OnceLock;
use zhiyun_domain::code::Code;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::{Deserialize, Serialize};
use zhiyun_store::accounts::Principal;

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser, safe_next, session_clear_cookie, session_cookie};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/api/v1/session", post(api_login).delete(api_logout))
        .route("/api/v1/me", get(api_me))
}

enum LoginError {
    Throttled(u64),
    BadCredentials,
    Store(zhiyun_store::StoreError),
}

impl LoginError {
    fn message(&self) -> String {
        match self {
            LoginError::Throttled(secs) => {
                format!("登录失败次数过多，请 {} 分钟后再试", secs.div_ceil(60))
            }
            LoginError::BadCredentials => "用户名或密码不正确".to_string(),
            LoginError::Store(_) => "服务器内部错误，请稍后重试".to_string(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> ApiError {
        match e {
            LoginError::Throttled(_) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Code::TooManyAttempts,
                e.message(),
            ),
            LoginError::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, Code::BadCredentials, e.message())
            }
            LoginError::Store(s) => ApiError::from(s),
        }
    }
}

/// Check a username and password, with throttling; on success start a session.
async fn login(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(Principal, String), LoginError> {
    let key = username.trim().to_lowercase();
    if let Some(secs) = state.throttle.locked(&key) {
        return Err(LoginError::Throttled(secs));
    }
    let stored = state
        .db
        .user_password_hash(&key)
        .await
        .map_err(LoginError::Store)?;
    // Unknown users cost the same hashing time as known ones.
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = match &stored {
        Some((_, h)) => h.clone(),
        None => DUMMY
            .get_or_init(|| state.hasher.hash("no such user"))
            .clone(),
    };
    let hasher = state.hasher.clone();
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || hasher.verify(&hash, &pw))
        .await
        .unwrap_or(false);
    let Some((user_id, _)) = stored.filter(|_| ok) else {
        state.throttle.fail(&key);
        return Err(LoginError::BadCredentials);
    };
    state.throttle.succeed(&key);
    let principal = state
        .db
        .principal(user_id)
        .await
        .map_err(LoginError::Store)?
        .ok_or(LoginError::BadCredentials)?;
    let sid = state
        .db
        .session_create(user_id, state.config.session_ttl_secs)
        .await
        .map_err(LoginError::Store)?;
    let _ = state.db.user_touch_login(user_id).await;
    Ok((principal, sid))
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
        username: String::new(),
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

async fn login_form(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    match login(&state, &f.username, &f.password).await {
        Ok((_, sid)) => (
            [(header::SET_COOKIE, state.session_cookie(&sid))],
            Redirect::to(&safe_next(f.next.as_deref())),
        )
            .into_response(),
        Err(e) => {
            let status = match e {
                LoginError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
                LoginError::BadCredentials => StatusCode::UNAUTHORIZED,
                LoginError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            page_with_status(
                status,
                &LoginPage {
                    layout: Layout::new(&state, None, "登录", "login"),
                    username: f.username,
                    next: safe_next(f.next.as_deref()),
                    error: Some(e.message()),
                },
            )
        }
    }
}

async fn logout_form(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(sid) = session_cookie(&headers) {
        let _ = state.db.session_delete(&sid).await;
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
            org_kind: p.org_kind.clone(),
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
    ApiJson(b): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let (principal, sid) = login(&state, &b.username, &b.password).await?;
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
    if let Some(sid) = session_cookie(&headers) {
        let _ = state.db.session_delete(&sid).await;
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
