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
    // Finding 9 (issue 19): what a logged-in caller sees (pages, JSON, files) is theirs alone and
    // must not be kept by a browser or a proxy; nor is a response that sets a cookie.
    let private = principal.is_some();
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
        res = Response::from_parts(parts, axum::body::Body::from(html));
    }
    if private || res.headers().contains_key(header::SET_COOKIE) {
        no_store(&mut res);
    }
    res
}

/// `Cache-Control: no-store` on a private response, whatever a handler said (static assets,
/// which are the same for everyone, keep their caching).
fn no_store(res: &mut Response) {
    let cached_asset = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public"));
    if !cached_asset {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
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
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
            // The full origin, scheme included (issue 19, finding 11): `http://host` is not
            // the origin of a site served as `https://host`.
            (Some(origin), Some(host)) => {
                !origin.eq_ignore_ascii_case(&own_origin(h, &state.config, host))
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

/// This site's origin as the browser sees it: `https` when a trusted proxy says so or cookies are
/// marked secure (served behind HTTPS), `http` otherwise.
fn own_origin(h: &axum::http::HeaderMap, config: &crate::Config, host: &str) -> String {
    let forwarded = config
        .trust_proxy
        .then(|| h.get("x-forwarded-proto"))
        .flatten()
        .and_then(|v| v.to_str().ok());
    let scheme = match forwarded {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        Some(p) if p.eq_ignore_ascii_case("http") => "http",
        _ if config.secure_cookies => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
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

/// Login throttling (issue 19, findings 1 and 7), by where the attempts come from so nobody can
/// lock an account out for everyone:
/// - a username from one address: after [`Throttle::MAX_FAILURES`] failures within the window
///   that pair is refused until the window has passed; the same account logs in from elsewhere;
/// - an address: after [`Throttle::MAX_ADDRESS_FAILURES`] failures (any usernames) it is refused
///   altogether, and it may have at most [`Throttle::MAX_IN_FLIGHT`] logins running at once.
///
/// The counts are in the database (`zhiyun_service::throttle`), so every server process on it
/// sees the same; each lockout is in the audit log. A database error lets the attempt through
/// (and is logged) rather than lock everyone out.
#[derive(Clone)]
pub struct Throttle {
    svc: zhiyun_service::Ctx,
    in_flight: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>,
}

/// A login running for an address; the address's count goes down when it is dropped.
pub struct InFlight {
    map: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>,
    addr: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.addr) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.addr);
            }
        }
    }
}

impl Throttle {
    /// Failures of one username from one address.
    pub const MAX_FAILURES: u32 = 5;
    /// Failures from one address, whatever the usernames.
    pub const MAX_ADDRESS_FAILURES: u32 = 50;
    /// Logins of one address running at once.
    pub const MAX_IN_FLIGHT: u32 = 4;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    pub fn new(svc: zhiyun_service::Ctx) -> Throttle {
        Throttle {
            svc,
            in_flight: Default::default(),
        }
    }

    fn pair_key(username: &str, addr: &str) -> String {
        format!("user:{username}@{addr}")
    }

    fn addr_key(addr: &str) -> String {
        format!("addr:{addr}")
    }

    /// A slot for one login from `addr`, or None when it has [`Self::MAX_IN_FLIGHT`] running.
    pub fn enter(&self, addr: &str) -> Option<InFlight> {
        let mut m = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(addr.to_string()).or_insert(0);
        if *n >= Self::MAX_IN_FLIGHT {
            return None;
        }
        *n += 1;
        Some(InFlight {
            map: self.in_flight.clone(),
            addr: addr.to_string(),
        })
    }

    /// Seconds to wait if `username` from `addr`, or `addr` itself, is locked out.
    pub async fn locked(&self, username: &str, addr: &str) -> Option<u64> {
        let pair = self
            .locked_key(&Self::pair_key(username, addr), Self::MAX_FAILURES)
            .await;
        let address = self
            .locked_key(&Self::addr_key(addr), Self::MAX_ADDRESS_FAILURES)
            .await;
        pair.max(address)
    }

    async fn locked_key(&self, key: &str, max: u32) -> Option<u64> {
        zhiyun_service::throttle::locked(&self.svc, key, max, Self::window_secs())
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "reading the login throttle");
                None
            })
    }

    pub async fn fail(&self, username: &str, addr: &str) {
        for (key, max) in [
            (Self::pair_key(username, addr), Self::MAX_FAILURES),
            (Self::addr_key(addr), Self::MAX_ADDRESS_FAILURES),
        ] {
            if let Err(e) =
                zhiyun_service::throttle::fail(&self.svc, &key, max, Self::window_secs()).await
            {
                tracing::error!(error = %e, "counting a failed login");
            }
        }
    }

    /// A success forgets the failures of this username from this address (not the address's:
    /// one good account must not reset an address that guesses others).
    pub async fn succeed(&self, username: &str, addr: &str) {
        let key = Self::pair_key(username, addr);
        if let Err(e) = zhiyun_service::throttle::succeed(&self.svc, &key).await {
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
