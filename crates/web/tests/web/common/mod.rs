//! The one harness of the web test binaries.
//!
//! [`TestApp`] starts the whole application in-process over a fresh database (a new SQLite file,
//! or a new schema on the Postgres server named by `ZHIYUN_TEST_POSTGRES_URL`) and holds what the
//! tests made: organisations and users (every user's password is [`PASSWORD`]), and bearer
//! tokens. Its client, [`Api`] (reached through the app), sends JSON requests, form posts and
//! page requests anonymously, with a session cookie, or as a user by name with its token;
//! `login` logs in through the API as a user would.
#![allow(dead_code)] // each test binary uses part of it

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_service::{Clock, Ctx};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};
use zhiyun_web::{AppState, Config, router};

/// Every test user's password.
pub const PASSWORD: &str = "password-123";

/// A valid USCC registered in `region`, different for each `n`.
pub fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

/// (user, organisation kind, organisation name, district, USCC): one organisation with one user.
pub type OrgSpec = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<String>,
);

// ---------- starting the application ----------

/// The application over a fresh database, and what the test made in it.
pub struct TestApp {
    /// The client (the app dereferences to it).
    pub api: Api,
    pub db: Db,
    /// The use cases' context the router runs on (its clock, for tests that move time).
    pub svc: Ctx,
    /// User ids by username.
    pub users: HashMap<&'static str, i64>,
    /// The organisation of each user, by username.
    pub org_of: HashMap<&'static str, i64>,
}

impl std::ops::Deref for TestApp {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl TestApp {
    /// The application, on the system clock, with no organisations or users yet.
    pub async fn start() -> TestApp {
        Self::start_with(Config::default(), Clock::system()).await
    }

    /// The application with this configuration and clock.
    pub async fn start_with(config: Config, clock: Clock) -> TestApp {
        let db = testing::fresh().await;
        let svc = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock);
        TestApp {
            api: Api {
                router: router(AppState::with_ctx(svc.clone(), config)),
                tokens: HashMap::new(),
            },
            db,
            svc,
            users: HashMap::new(),
            org_of: HashMap::new(),
        }
    }

    /// The application with one organisation per spec, and its user with a bearer token.
    pub async fn with_users(specs: Vec<OrgSpec>) -> TestApp {
        let mut app = Self::start().await;
        for (user, kind, name, district, code) in specs {
            let org = app
                .add_org(OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    uscc: code,
                    district_code: district.map(Into::into),
                    size_class: (kind == "enterprise").then(|| "small".into()),
                    ..Default::default()
                })
                .await;
            app.add_user(user, user, org, false).await;
            app.add_token(user).await;
        }
        app
    }

    /// Register an organisation (fixture data, written as the command line would); its id.
    pub async fn add_org(&self, input: OrgInput) -> i64 {
        let rec = check_org(&input).expect("a fixture organisation is valid");
        self.db
            .org_create(&rec, &Who::cli())
            .await
            .expect("a fixture organisation is created")
            .id
    }

    /// A user of `org_id` with the password [`PASSWORD`]; its id. Fixture usernames may be
    /// shorter than the username rule allows (`op`): they are data, not input.
    pub async fn add_user(
        &mut self,
        username: &'static str,
        display_name: &str,
        org_id: i64,
        is_admin: bool,
    ) -> i64 {
        let password_hash = Hasher::fast_for_tests().hash(PASSWORD);
        let u = self
            .db
            .user_create(
                &NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    org_id,
                    password_hash,
                    is_admin,
                },
                &Who::cli(),
            )
            .await
            .expect("a fixture user is created");
        self.users.insert(username, u.id);
        self.org_of.insert(username, org_id);
        u.id
    }

    /// A bearer token for `username`, used by the client's calls by name.
    pub async fn add_token(&mut self, username: &'static str) -> String {
        let (_, plain) = self
            .db
            .token_create(self.users[username], "t", &Who::cli())
            .await
            .expect("a fixture token is created");
        self.api.tokens.insert(username, plain.clone());
        plain
    }

    /// The router, the tokens by username and the database, for tests that take them apart.
    pub fn into_parts(self) -> (Router, HashMap<&'static str, String>, Db) {
        (self.api.router, self.api.tokens, self.db)
    }
}

/// [`TestApp::with_users`], taken apart (the shape the story tests destructure).
pub async fn fixture(orgs: Vec<OrgSpec>) -> (Router, HashMap<&'static str, String>, Db) {
    TestApp::with_users(orgs).await.into_parts()
}

// ---------- the client ----------

/// Who sends a request.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Anon,
    /// A `Cookie` header value, e.g. `zhiyun_session=…`.
    Cookie(&'a str),
    /// A bearer token.
    Bearer(&'a str),
}

/// A response: status, headers, body.
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Res {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text()))
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> &str {
        self.header(header::LOCATION).unwrap_or("")
    }

    /// The `zhiyun_session=…` pair of `Set-Cookie`, ready to send back as `Cookie`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|kv| kv.starts_with("zhiyun_session=") && kv.len() > "zhiyun_session=".len())
            .map(str::to_string)
    }

    /// Asserts an API error of this status and code; returns `error`.
    #[track_caller]
    pub fn api_error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.header(header::CONTENT_TYPE)
                .is_some_and(|ct| ct.starts_with("application/json")),
            "error is JSON: {:?}",
            self.headers
        );
        let body = self.json();
        let err = body["error"].clone();
        assert_eq!(err["code"], code, "{body}");
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        err
    }

    /// Asserts an HTML page of this status; returns its text.
    #[track_caller]
    pub fn page(&self, status: StatusCode) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.header(header::CONTENT_TYPE)
                .is_some_and(|ct| ct.starts_with("text/html")),
            "page is HTML: {:?}",
            self.headers
        );
        self.text()
    }
}

fn with_auth(b: axum::http::request::Builder, who: As) -> axum::http::request::Builder {
    match who {
        As::Anon => b,
        As::Cookie(c) => b.header(header::COOKIE, c),
        As::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
    }
}

/// `application/x-www-form-urlencoded` encoding.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A request with an optional bearer token and an optional JSON body.
pub fn json_request(
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .unwrap()
}

/// Run one request through the router: status, headers and body bytes.
pub async fn send(router: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (parts.status, parts.headers, bytes)
}

/// The client: the router, and the bearer token of each user made with one.
pub struct Api {
    pub router: Router,
    pub tokens: HashMap<&'static str, String>,
}

impl Api {
    /// Run one request.
    pub async fn send(&self, req: Request<Body>) -> Res {
        let (status, headers, body) = send(&self.router, req).await;
        Res {
            status,
            headers,
            body: body.into(),
        }
    }

    /// GET a page or an API path.
    pub async fn get(&self, uri: &str, who: As<'_>) -> Res {
        let req = with_auth(Request::get(uri), who)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// A JSON request.
    pub async fn json(&self, method: Method, uri: &str, who: As<'_>, body: Value) -> Res {
        let req = with_auth(Request::builder().method(method).uri(uri), who)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&self, uri: &str, who: As<'_>, body: Value) -> Res {
        self.json(Method::POST, uri, who, body).await
    }

    pub async fn put(&self, uri: &str, who: As<'_>, body: Value) -> Res {
        self.json(Method::PUT, uri, who, body).await
    }

    /// A form post, as a browser sends it.
    pub async fn form(&self, uri: &str, who: As<'_>, pairs: &[(&str, &str)]) -> Res {
        let req = with_auth(Request::post(uri), who)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_encode(pairs)))
            .unwrap();
        self.send(req).await
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Res {
        self.post(
            "/api/v1/session",
            As::Anon,
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// Log in through the API with [`PASSWORD`]; returns the `Cookie` header value.
    pub async fn login(&self, username: &str) -> String {
        let res = self.try_login(username, PASSWORD).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.session_cookie().expect("login sets the session cookie")
    }

    /// As a user by name (its bearer token) or anonymously: status and body (JSON, or a
    /// page's HTML as a JSON string).
    pub async fn call(
        &self,
        who: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, _, bytes) = self.raw(who, method, path, body).await;
        let v = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, v)
    }

    pub async fn raw(
        &self,
        who: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let token = who.map(|w| self.tokens[w].as_str());
        send(&self.router, json_request(token, method, path, body)).await
    }

    /// Post a listing as `who`, submit it and have the user `op` publish it; its id.
    pub async fn published(&self, who: &str, body: Value) -> i64 {
        self.published_by(who, "op", body).await
    }

    /// Post a listing as `who`, submit it and have the user `publisher` publish it; its id.
    pub async fn published_by(&self, who: &str, publisher: &str, body: Value) -> i64 {
        let (s, v) = self
            .call(Some(who), Method::POST, "/api/v1/listings", Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        for (actor, action) in [(who, "submit"), (publisher, "publish")] {
            let path = format!("/api/v1/listings/{id}/{action}");
            let (s, v) = self.call(Some(actor), Method::POST, &path, None).await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
        }
        id
    }
}
