//! Fixtures shared by the `applications` and `listings` test binaries: a fresh database with
//! organisations, one user and one bearer token each, and the router over it.

use std::collections::HashMap;

use axum::Router;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};
use zhiyun_web::{AppState, Config, router};

/// A valid USCC registered in `region`, different for each `n`.
pub fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

/// (user, organisation kind, organisation name, district, USCC)
pub type OrgSpec = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<String>,
);

/// A fresh database (Postgres when `ZHIYUN_TEST_POSTGRES_URL` is set) holding `orgs`, and the router.
pub async fn fixture(orgs: Vec<OrgSpec>) -> (Router, HashMap<&'static str, String>, Db) {
    let db = testing::fresh().await;
    let who = Who::cli();
    let hasher = Hasher::fast_for_tests();
    let mut tokens = HashMap::new();
    for (user, kind, name, district, code) in orgs {
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    uscc: code,
                    district_code: district.map(Into::into),
                    size_class: (kind == "enterprise").then(|| "small".into()),
                    ..Default::default()
                })
                .unwrap(),
                &who,
            )
            .await
            .unwrap();
        let u = db
            .user_create(
                &NewUser {
                    username: user.into(),
                    display_name: user.into(),
                    org_id: org.id,
                    password_hash: hasher.hash("password-123"),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        tokens.insert(user, db.token_create(u.id, "t", &who).await.unwrap().1);
    }
    let router = router(AppState::new(db.clone(), hasher, Config::default()));
    (router, tokens, db)
}

/// A request with an optional bearer token and an optional JSON body.
pub fn json_request(
    token: Option<&str>,
    method: axum::http::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> axum::http::Request<axum::body::Body> {
    use axum::http::header;
    let mut b = axum::http::Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(v.to_string())),
        None => b.body(axum::body::Body::empty()),
    }
    .unwrap()
}

/// Run one request through the router: status, headers and body bytes.
pub async fn send(
    router: &Router,
    req: axum::http::Request<axum::body::Body>,
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let res = router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (parts.status, parts.headers, bytes)
}

/// The router called as a user of the fixture (by name), for the binaries that drive whole
/// stories (`matching`, `events`).
#[allow(dead_code)] // not every test binary uses it
pub struct Api {
    pub router: Router,
    pub tokens: HashMap<&'static str, String>,
}

#[allow(dead_code)]
impl Api {
    /// Status and body: JSON, or a page's HTML as a JSON string.
    pub async fn call(
        &self,
        who: Option<&str>,
        method: axum::http::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (axum::http::StatusCode, serde_json::Value) {
        let (status, _, bytes) = self.raw(who, method, path, body).await;
        let v = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
        });
        (status, v)
    }

    pub async fn raw(
        &self,
        who: Option<&str>,
        method: axum::http::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let token = who.map(|w| self.tokens[w].as_str());
        send(&self.router, json_request(token, method, path, body)).await
    }

    /// Post a listing as `who`, submit it and have the user `op` publish it; its id.
    pub async fn published(&self, who: &str, body: serde_json::Value) -> i64 {
        use axum::http::{Method, StatusCode};
        let (s, v) = self
            .call(Some(who), Method::POST, "/api/v1/listings", Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        for (actor, action) in [(who, "submit"), ("op", "publish")] {
            let path = format!("/api/v1/listings/{id}/{action}");
            let (s, v) = self.call(Some(actor), Method::POST, &path, None).await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
        }
        id
    }
}
