//! Issue 19's hardening findings over HTTP: private responses are not cached (9), the login
//! throttle (7) and revoked credentials (8), the OpenAPI document (10), input rules (11).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use zhiyun_store::audit::AuditFilter;

use crate::common::{self, As, TestApp};

/// A login through the API from `addr` (as the server's `ConnectInfo` gives it).
async fn login_from(app: &TestApp, addr: &str, username: &str, password: &str) -> common::Res {
    let mut req = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(addr.parse().unwrap(), 40_000)));
    app.send(req).await
}

/// The audit entries about `entity`, as (action, entity id).
async fn audited(app: &TestApp, entity: &str) -> Vec<(String, String)> {
    let (_, entries) = app
        .db
        .audit_list(&AuditFilter {
            entity: Some(entity.into()),
            entity_id: None,
            limit: 100,
            offset: 0,
        })
        .await
        .unwrap();
    entries
        .into_iter()
        .map(|e| (e.action, e.entity_id))
        .collect()
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/v1/me", As::Bearer(token)).await.status
}

async fn with_admin() -> TestApp {
    let mut app = TestApp::with_users(vec![(
        "ent",
        "enterprise",
        "某企业",
        Some("310110"),
        Some(common::uscc("310110", 1)),
    )])
    .await;
    let org = app.org_of["ent"];
    app.add_user("root", "管理员", org, true).await;
    app.add_token("root").await;
    app
}

fn cache_control(res: &common::Res) -> Option<&str> {
    res.header(header::CACHE_CONTROL)
}

/// Finding 9: logged-in pages, private JSON and the login reply carry `Cache-Control:
/// no-store`; static assets keep their caching.
#[tokio::test]
async fn private_responses_are_not_stored() {
    let app = TestApp::with_users(vec![(
        "ent",
        "enterprise",
        "某企业",
        Some("310110"),
        Some(common::uscc("310110", 1)),
    )])
    .await;
    let login = app.try_login("ent", common::PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(cache_control(&login), Some("no-store"));
    let cookie = login.session_cookie().unwrap();
    let home = app.get("/", As::Cookie(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(cache_control(&home), Some("no-store"), "{:?}", home.headers);
    let token = app.tokens["ent"].clone();
    for path in ["/api/v1/me", "/api/v1/listings"] {
        let res = app.get(path, As::Bearer(&token)).await;
        assert_eq!(
            cache_control(&res),
            Some("no-store"),
            "{path}: {}",
            res.status
        );
    }
    let css = app.get("/static/app.css", As::Cookie(&cookie)).await;
    assert_eq!(cache_control(&css), Some("public, max-age=3600"));
}

/// Finding 7: five wrong passwords lock the username only for the address they came from (the
/// account logs in from elsewhere); an address that fails with many usernames is refused
/// altogether; each lockout is in the audit log.
#[tokio::test]
async fn lockouts_are_per_address_and_audited() {
    let app = with_admin().await;
    let attacker = "203.0.113.9";
    for _ in 0..5 {
        login_from(&app, attacker, "root", "wrong-password")
            .await
            .api_error(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    // Locked for the attacker's address, even with the right password …
    login_from(&app, attacker, "root", common::PASSWORD)
        .await
        .api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    // … while the administrator logs in from the office.
    let res = login_from(&app, "198.51.100.7", "root", common::PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(
        audited(&app, "login")
            .await
            .contains(&("lockout".into(), format!("user:root@{attacker}"))),
        "{:?}",
        audited(&app, "login").await
    );

    // One address guessing many usernames is stopped by its own count.
    let sprayer = "192.0.2.44";
    for i in 0..50 {
        login_from(&app, sprayer, &format!("nobody{i}"), "guess-123")
            .await
            .api_error(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    login_from(&app, sprayer, "ent", common::PASSWORD)
        .await
        .api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    let res = login_from(&app, "198.51.100.7", "ent", common::PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(
        audited(&app, "login")
            .await
            .contains(&("lockout".into(), format!("addr:{sprayer}")))
    );
}

/// Finding 8: a password change and disabling revoke the user's API tokens (and enabling does
/// not bring them back); the user is told; administrators sign a user out everywhere.
#[tokio::test]
async fn credentials_end_with_password_change_disable_and_sign_out() {
    let mut app = with_admin().await;
    // A password change revokes my tokens, and the page says so.
    let token = app.tokens["ent"].clone();
    assert_eq!(me(&app, &token).await, StatusCode::OK);
    let cookie = app.login("ent").await;
    let res = app
        .form(
            "/account/password",
            As::Cookie(&cookie),
            &[
                ("current", common::PASSWORD),
                ("new", "another-pass-456"),
                ("confirm", "another-pass-456"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let cookie = res.session_cookie().unwrap();
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    let page = app
        .get(res.location(), As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(page.contains("API 令牌已全部撤销"), "{page}");

    // Disabling revokes them too; enabling again does not bring them back.
    let token = app.add_token("ent").await;
    assert_eq!(me(&app, &token).await, StatusCode::OK);
    let admin = app.tokens["root"].clone();
    for action in ["disable", "enable"] {
        let res = app
            .post(
                &format!("/api/v1/users/ent/{action}"),
                As::Bearer(&admin),
                json!({}),
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    }
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);

    // Sign out everywhere: sessions and tokens end, the account stays usable.
    let token = app.add_token("ent").await;
    let res = login_from(&app, "198.51.100.7", "ent", "another-pass-456").await;
    let cookie = res.session_cookie().unwrap();
    assert_eq!(
        app.get("/api/v1/me", As::Cookie(&cookie)).await.status,
        StatusCode::OK
    );
    let users = app
        .get("/admin/users", As::Cookie(&app.login("root").await))
        .await
        .page(StatusCode::OK);
    assert!(users.contains("/admin/users/ent/sign-out"), "{users}");
    // Only administrators.
    app.post("/api/v1/users/root/sign-out", As::Bearer(&token), json!({}))
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    let res = app
        .post("/api/v1/users/ent/sign-out", As::Bearer(&admin), json!({}))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    assert_eq!(
        app.get("/api/v1/me", As::Cookie(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    let res = login_from(&app, "198.51.100.7", "ent", "another-pass-456").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(
        audited(&app, "user")
            .await
            .iter()
            .any(|(action, _)| action == "sign_out")
    );
}

/// Finding 11: a title with a right-to-left override is refused (422, `bidi_control`, naming
/// the field), and nothing is stored.
#[tokio::test]
async fn bidi_overrides_in_titles_are_refused() {
    let app = TestApp::with_users(vec![(
        "ent",
        "enterprise",
        "某企业",
        Some("310110"),
        Some(common::uscc("310110", 1)),
    )])
    .await;
    let token = app.tokens["ent"].clone();
    let res = app
        .post(
            "/api/v1/listings",
            As::Bearer(&token),
            json!({"kind": "demand", "title": "发票\u{202E}fdp.exe", "description": "需求说明",
                   "field": "电子信息", "modes": ["转让"], "district_code": "310110",
                   "contact_name": "张明", "contact_phone": "13812345678",
                   "valid_until": "2099-12-31", "patents": []}),
        )
        .await;
    let err = res.api_error(StatusCode::UNPROCESSABLE_ENTITY, "bidi_control");
    assert_eq!(err["field"], "title", "{err}");
    let mine = app
        .get("/api/v1/listings?mine=true", As::Bearer(&token))
        .await;
    assert!(!mine.text().contains("fdp.exe"), "{}", mine.text());
}
