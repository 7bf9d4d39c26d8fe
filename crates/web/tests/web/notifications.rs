//! Notifications (issue 18) over HTTP: a listing submitted and published reaches the district's
//! operator and the owner; the header shows the unread count; `/inbox` lists them newest first,
//! opening one marks it read and goes to its page, 全部标为已读; the API answers one's own only;
//! `/account` sets the address and the choices per kind; an unknown kind is 400 `unknown_kind`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{self, As};

use common::Api as T;

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

fn supply(title: &str) -> Value {
    json!({"kind": "supply", "title": title, "description": "一种硫化物固态电解质的制备方法，室温离子电导率高。",
           "field": "新能源与节能", "ipc": ["H01M 10/0562"], "modes": ["转让"], "price_wan": 30,
           "district_code": "310112", "contact_name": "李教授", "contact_phone": "13812345678",
           "valid_until": in_a_year(), "patents": [], "maturity": "中试"})
}

#[tokio::test]
async fn issue18_the_inbox_the_header_count_the_api_and_the_preferences() {
    let (router, tokens, _) = common::fixture(vec![
        ("uni", "university", "闵行某大学", Some("310112"), None),
        (
            "op_mh",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 4)),
        ),
        (
            "op_pd",
            "park_operator",
            "浦东园区运营",
            Some("310115"),
            Some(common::uscc("310115", 5)),
        ),
    ])
    .await;
    let t = T { router, tokens };
    let id = t.published_by("uni", "op_mh", supply("固态电解质")).await;

    // The operator heard of the submission, the owner of the publication; not the far operator.
    let (s, v) = t
        .call(Some("op_mh"), Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["unread_count"], 1, "{v}");
    let item = &v["items"][0];
    assert_eq!(item["kind"], "listing_submitted");
    assert_eq!(item["title"], "供需条目待审核：固态电解质");
    assert_eq!(item["href"], format!("/listings/{id}"));
    assert_eq!(item["read"], false);
    let op_item = item["id"].as_i64().unwrap();
    let (_, v) = t
        .call(Some("uni"), Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(v["items"][0]["kind"], "listing_reviewed", "{v}");
    assert_eq!(v["items"][0]["title"], "供需条目已发布：固态电解质");
    let (_, v) = t
        .call(Some("op_pd"), Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(v["unread_count"], 0);

    // The header's count, the inbox page, opening an item.
    let cookie = t.login("op_mh").await;
    let home = t
        .get("/home", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(
        home.contains("id=\"unread-badge\">1<") && home.contains("href=\"/inbox\""),
        "the header shows the unread count"
    );
    let inbox = t
        .get("/inbox", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(inbox.contains("供需条目待审核：固态电解质"));
    assert!(inbox.contains("inbox-item unread"));
    assert!(inbox.contains("全部标为已读"));
    let res = t
        .get(&format!("/inbox/{op_item}"), As::Cookie(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), format!("/listings/{id}"));
    let inbox = t
        .get("/inbox", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(!inbox.contains("inbox-item unread"));
    assert!(!inbox.contains("unread-badge"));

    // One's own only: another user's item is not found, by page and API.
    let uni_cookie = t.login("uni").await;
    let res = t
        .get(&format!("/inbox/{op_item}"), As::Cookie(&uni_cookie))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (s, v) = t
        .call(
            Some("uni"),
            Method::POST,
            &format!("/api/v1/notifications/{op_item}/read"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = t
        .call(
            Some("uni"),
            Method::POST,
            "/api/v1/notifications/read-all",
            None,
        )
        .await;
    assert_eq!((s, v["marked"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    let res = t
        .form("/inbox/read-all", As::Cookie(&uni_cookie), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let (s, _) = t
        .call(None, Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Preferences over the API.
    let (s, v) = t
        .call(
            Some("uni"),
            Method::GET,
            "/api/v1/notifications/preferences",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["email"], Value::Null);
    let contact = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "contact_request")
        .unwrap()
        .clone();
    assert_eq!(
        (&contact["label"], &contact["in_app"], &contact["email"]),
        (&json!("对接请求"), &json!(true), &json!(true))
    );
    let (s, v) = t
        .call(
            Some("uni"),
            Method::PUT,
            "/api/v1/notifications/preferences",
            Some(json!({"kinds": [{"kind": "weather", "in_app": true, "email": false}]})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "unknown_kind");
    assert!(v["error"]["message"].as_str().unwrap().contains("weather"));
    assert_eq!(v["error"]["field"], "kinds.0.kind");
    let (s, v) = t
        .call(
            Some("uni"),
            Method::PUT,
            "/api/v1/notifications/preferences",
            Some(json!({"email": "li.jiaoshou", "kinds": []})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        (&v["error"]["code"], &v["error"]["field"]),
        (&json!("bad_format"), &json!("email"))
    );
    let (s, v) = t
        .call(
            Some("uni"),
            Method::PUT,
            "/api/v1/notifications/preferences",
            Some(json!({"email": "li@univ.example.com",
                        "kinds": [{"kind": "contact_request", "in_app": true, "email": false}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["email"], "li@univ.example.com");

    // The account page: the address and a row per kind; the form saves them.
    let page = t
        .get("/account", As::Cookie(&uni_cookie))
        .await
        .page(StatusCode::OK);
    assert!(page.contains("消息通知") && page.contains("value=\"li@univ.example.com\""));
    assert!(page.contains("name=\"in_app.contact_request\" value=\"1\" checked"));
    assert!(!page.contains("name=\"email.contact_request\" value=\"1\" checked"));
    assert!(page.contains("name=\"email.contact_exchanged\" value=\"1\" checked"));
    let res = t
        .form(
            "/account/notifications",
            As::Cookie(&uni_cookie),
            &[
                ("email", "wang@univ.example.com"),
                ("email.contact_request", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let (_, v) = t
        .call(
            Some("uni"),
            Method::GET,
            "/api/v1/notifications/preferences",
            None,
        )
        .await;
    assert_eq!(v["email"], "wang@univ.example.com");
    let kinds = v["kinds"].as_array().unwrap();
    let contact = kinds
        .iter()
        .find(|k| k["kind"] == "contact_request")
        .unwrap();
    assert_eq!(
        (&contact["in_app"], &contact["email"]),
        (&json!(false), &json!(true))
    );
    assert!(
        kinds
            .iter()
            .all(|k| k["kind"] == "contact_request" || k["in_app"] == false)
    );
    let res = t
        .form(
            "/account/notifications",
            As::Cookie(&uni_cookie),
            &[("email", "not an address")],
        )
        .await;
    let page = res.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("电子邮箱格式不正确"));
    assert!(page.contains("value=\"not an address\""));
}
