//! Who is asking: a session cookie or a bearer token, resolved once per request by [`authenticate`].
//! Also the CSRF guard and the login throttle.

use std::time::Duration;
use zhiyun_domain::code::Code;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use zhiyun_service::Principal;
use zhiyun_service::sessions;

use crate::AppState;
use crate::error::{ApiError, PageError};

pub const SESSION_COOKIE: &str = "zhiyun_session";

/// The request's principal, if any (inserted by [`authenticate`]).
#[derive(Clone, Debug, Default)]
pub struct Auth(pub Option<Principal>);

/// Resolve the principal from `Authorization: Bearer …` or the session cookie.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let principal = if let Some(token) = bearer(req.headers()) {
        match sessions::by_token(&state.svc, token).await {
            Ok(p) => Some(p),
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(sid) = session_cookie(req.headers()) {
        sessions::by_session(&state.svc, &sid).await.ok().flatten()
    } else {
        None
    };
    req.extensions_mut().insert(Auth(principal.clone()));
    let mut res = next.run(req).await;
    // An error page gets the normal navigation of whoever is asking.
    if let Some(info) = res.extensions_mut().remove::<crate::layout::ErrorInfo>() {
        let html = crate::layout::render_framed_error(
            &state,
            principal.as_ref(),
            info.status,
            &info.message,
        );
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::from(html));
    }
    res
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

pub fn session_set_cookie(id: &str, ttl_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={ttl_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn session_clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Cross-site writes are refused: browsers tell where a request comes from (`Sec-Fetch-Site`,
/// `Origin`). Bearer-token requests carry no ambient credentials and pass. Cookies are also `SameSite=Lax`.
pub async fn csrf_guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || bearer(req.headers()).is_some() {
        return next.run(req).await;
    }
    let h = req.headers();
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross = match fetch_site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => match (
            h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            h.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(origin), Some(host)) => {
                origin == "null" || origin.split("://").nth(1).unwrap_or(origin) != host
            }
            // Neither header: not a browser (curl, scripts).
            _ => false,
        },
    };
    if cross {
        let msg = "跨站请求已被拒绝（CSRF 防护）";
        return if req.uri().path().starts_with("/api/") {
            ApiError::new(StatusCode::FORBIDDEN, Code::CsrfRejected, msg).into_response()
        } else {
            PageError::new(StatusCode::FORBIDDEN, msg).into_response()
        };
    }
    next.run(req).await
}

/// The API's logged-in user; 401 JSON otherwise.
pub struct ApiUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.extensions.get::<Auth>() {
            Some(Auth(Some(p))) => Ok(ApiUser(p.clone())),
            _ => Err(ApiError::unauthenticated()),
        }
    }
}

/// A page's logged-in user; a redirect to the login page otherwise.
pub struct PageUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Auth>() {
            Some(Auth(Some(p))) => Ok(PageUser(p.clone())),
            _ => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/home");
                Err(Redirect::to(&format!("/login?next={}", url_encode(next))).into_response())
            }
        }
    }
}

/// The principal if logged in, for public pages.
pub struct MaybeUser(pub Option<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(
            parts.extensions.get::<Auth>().and_then(|a| a.0.clone()),
        ))
    }
}

/// Percent-encode for a query value.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only same-site relative paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && n.parse::<axum::http::uri::PathAndQuery>().is_ok() =>
        {
            n.to_string()
        }
        _ => "/home".to_string(),
    }
}

/// Login throttling: after [`Throttle::MAX_FAILURES`] failures for one key within the window,
/// further attempts are refused until the window has passed. The counts are in the database
/// (`zhiyun_service::throttle`), so every server process on it sees the same; a database error
/// lets the attempt through (and is logged) rather than lock everyone out.
#[derive(Clone)]
pub struct Throttle {
    svc: zhiyun_service::Ctx,
}

impl Throttle {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    pub fn new(svc: zhiyun_service::Ctx) -> Throttle {
        Throttle { svc }
    }

    /// Seconds to wait if `key` is locked out.
    pub async fn locked(&self, key: &str) -> Option<u64> {
        zhiyun_service::throttle::locked(&self.svc, key, Self::MAX_FAILURES, Self::window_secs())
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "reading the login throttle");
                None
            })
    }

    pub async fn fail(&self, key: &str) {
        if let Err(e) = zhiyun_service::throttle::fail(&self.svc, key, Self::window_secs()).await {
            tracing::error!(error = %e, "counting a failed login");
        }
    }

    pub async fn succeed(&self, key: &str) {
        if let Err(e) = zhiyun_service::throttle::succeed(&self.svc, key).await {
            tracing::error!(error = %e, "clearing the login throttle");
        }
    }

    fn window_secs() -> i64 {
        Self::WINDOW.as_secs() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_never_an_open_redirect() {
        assert_eq!(safe_next(Some("/orgs?q=1")), "/orgs?q=1");
        assert_eq!(safe_next(Some("//evil.example")), "/home");
        assert_eq!(safe_next(Some("https://evil.example")), "/home");
        assert_eq!(safe_next(None), "/home");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/home");
        assert_eq!(safe_next(Some("/a\nb")), "/home");
    }
}
