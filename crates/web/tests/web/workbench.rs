//! The workbench (issue 18) over HTTP: `GET /api/v1/workbench` answers the caller's to-dos,
//! actions, records and figures (401 without login); `/home` shows the same frame first.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::{self, As};

use common::Api as T;

#[tokio::test]
async fn issue18_workbench_api_and_home_show_the_operators_review_todo() {
    let (router, tokens, _) = common::fixture(vec![
        ("uni", "university", "闵行某大学", Some("310112"), None),
        (
            "op",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 1)),
        ),
        (
            "op_pd",
            "park_operator",
            "浦东园区运营",
            Some("310115"),
            Some(common::uscc("310115", 2)),
        ),
    ])
    .await;
    let t = T { router, tokens };
    let valid_until = (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let (s, v) = t
        .call(
            Some("uni"),
            Method::POST,
            "/api/v1/listings",
            Some(json!({"kind": "supply", "title": "一种固态电解质的制备方法",
                "description": "硫化物固态电解质的低成本制备工艺，适用于动力电池。", "field": "新能源与节能",
                "ipc": [], "modes": ["许可"], "price_wan": 30, "district_code": "310112",
                "contact_name": "李教授", "contact_phone": "13812345678",
                "valid_until": valid_until, "patents": [], "maturity": "中试"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, _) = t
        .call(
            Some("uni"),
            Method::POST,
            &format!("/api/v1/listings/{id}/submit"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Without login: 401.
    let (s, v) = t.call(None, Method::GET, "/api/v1/workbench", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "unauthenticated");

    let (s, v) = t
        .call(Some("op"), Method::GET, "/api/v1/workbench", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let review = v["todos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "listing_review")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(review["count"], 1);
    assert_eq!(review["oldest_days"], 0);
    assert_eq!(review["label"], "待审核的供需条目");
    assert_eq!(review["href"], "/listings/review");
    assert!(review["due"].is_null());
    assert!(
        v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["label"] == "新建活动" && a["href"] == "/events/new")
    );
    let fig = &v["figures"][0];
    assert_eq!(fig["series"].as_array().unwrap().len(), 12, "{fig}");
    assert!(fig.get("svg").is_none(), "the chart is for pages");
    // Another district's operator has nothing to review.
    let (_, far) = t
        .call(Some("op_pd"), Method::GET, "/api/v1/workbench", None)
        .await;
    assert!(
        !far["todos"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "listing_review"),
        "{far}"
    );
    // The owner sees it among its records.
    let (_, uni) = t
        .call(Some("uni"), Method::GET, "/api/v1/workbench", None)
        .await;
    let g = uni["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "我的供需条目")
        .unwrap_or_else(|| panic!("{uni}"));
    assert_eq!(g["total"], 1);
    assert_eq!(g["items"][0]["state"], "待审核");

    // The home shows the frame first: the to-do card, the actions, the chart.
    let cookie = t.login("op").await;
    let home = t
        .get("/home", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    let frame = home.find("id=\"workbench\"").expect("the frame");
    let card = home
        .find("data-kind=\"listing_review\"")
        .expect("the review to-do");
    assert!(frame < card);
    assert!(home.contains(
        "<span class=\"wb-count\">1</span><span class=\"wb-label\">待审核的供需条目</span>"
    ));
    assert!(home.contains("href=\"/events/new\">新建活动</a>"));
    assert!(home.contains("<svg"), "a small chart");
    let cookie = t.login("op_pd").await;
    let home = t
        .get("/home", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(!home.contains("data-kind=\"listing_review\""));
}
