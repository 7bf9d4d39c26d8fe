//! Surveys over HTTP (K6, T7): the issue's contract with its worked example (ratings
//! 5,5,4,4,4,3,5,2,4,5 of 120 invited → top-two 80.00, weighted 81.00, response rate 8.33), every
//! bad input answered with a clear code (never 500, nothing stored), one-time and cross-survey
//! tokens, a flood from one address slowed to 429, the DOCX report opened as a zip, the CSRF
//! guard around the public form, and the pages.

use std::io::Read;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common;

use common::{As, TestApp};

async fn app() -> TestApp {
    let usc = |n| Some(common::uscc("310104", n));
    TestApp::with_users(vec![
        (
            "op",
            "park_operator",
            "徐汇园区运营",
            Some("310104"),
            usc(1),
        ),
        (
            "xuhui",
            "district_bureau",
            "徐汇区知识产权局",
            Some("310104"),
            None,
        ),
        (
            "minhang",
            "district_bureau",
            "闵行区知识产权局",
            Some("310112"),
            None,
        ),
        ("ent", "enterprise", "徐汇甲公司", Some("310104"), usc(2)),
        ("ent2", "enterprise", "徐汇乙公司", Some("310104"), usc(3)),
    ])
    .await
}

/// The issue's body (with a second option, so the choice item is valid).
fn issue_body() -> Value {
    json!({"title": "2023年度徐汇区知识产权运营服务满意度调查", "year": 2023, "district_code": "310104",
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true},
                  {"kind": "choice", "text": "您参加过哪类活动", "options": ["技术对接会", "培训"]},
                  {"kind": "text", "text": "意见建议"}],
        "invited": 120})
}

async fn create(t: &TestApp, body: Value) -> i64 {
    let res = t
        .post("/api/v1/surveys", As::Bearer(&t.tokens["op"]), body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let v = res.json();
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["response_url"], format!("http://localhost/s/{id}"));
    id
}

/// A response from `ip` (no login).
async fn answer_from(t: &TestApp, ip: &str, id: i64, body: Value) -> common::Res {
    let mut req = Request::post(format!("/api/v1/surveys/{id}/responses"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    t.send(req).await
}

async fn answer(t: &TestApp, id: i64, body: Value) -> common::Res {
    t.post(&format!("/api/v1/surveys/{id}/responses"), As::Anon, body)
        .await
}

async fn results(t: &TestApp, id: i64) -> Value {
    let res = t
        .get(
            &format!("/api/v1/surveys/{id}/results"),
            As::Bearer(&t.tokens["xuhui"]),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

#[tokio::test]
async fn k6_the_worked_example_through_the_api() {
    let t = app().await;
    let id = create(&t, issue_body()).await;
    for (i, r) in [5, 5, 4, 4, 4, 3, 5, 2, 4, 5].into_iter().enumerate() {
        let text = if i == 0 { json!("文字") } else { json!(null) };
        let res = answer(&t, id, json!({"answers": [r, 2, text]})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    let v = results(&t, id).await;
    assert_eq!(v["valid"], 10);
    assert_eq!(v["invited"], 120);
    assert_eq!(v["response_rate"], "8.33");
    assert_eq!(
        v["satisfaction"],
        json!({"top_two_pct": "80.00", "weighted_score": "81.00", "method": "top_two",
               "method_label": "满意率（前两项占比法）"})
    );
    assert_eq!(v["target_pct"], "90");
    assert_eq!(v["met"], false);
    let overall = &v["items"][0];
    assert_eq!(overall["overall"], true);
    let counts: Vec<(i64, i64)> = overall["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["value"].as_i64().unwrap(), b["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(counts, [(5, 4), (4, 4), (3, 1), (2, 1), (1, 0)]);
    assert_eq!(overall["bars"][0]["pct"], "40.00");
    assert_eq!(v["items"][1]["bars"][1]["count"], 10);
    assert_eq!(v["items"][2]["texts"], json!(["文字"]));
    let methods: Vec<&str> = v["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        ["满意率（前两项占比法）", "满意度得分（加权平均法）"]
    );
    // Judged by the weighted score: named so.
    let w = t
        .get(
            &format!("/api/v1/surveys/{id}/results?method=weighted&q=%E6%96%87"),
            As::Bearer(&t.tokens["op"]),
        )
        .await
        .json();
    assert_eq!(
        (w["satisfaction"]["method"].as_str(), &w["met"]),
        (Some("weighted"), &json!(false))
    );
    assert_eq!(w["texts"], json!([{"item": 3, "text": "文字"}]));
    let bad = t
        .get(
            &format!("/api/v1/surveys/{id}/results?method=median"),
            As::Bearer(&t.tokens["op"]),
        )
        .await;
    bad.api_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_value");
    // Results are for the owner and the district's overseers.
    for who in ["minhang", "ent"] {
        let res = t
            .get(
                &format!("/api/v1/surveys/{id}/results"),
                As::Bearer(&t.tokens[who]),
            )
            .await;
        res.api_error(StatusCode::FORBIDDEN, "forbidden");
    }
    t.get(&format!("/api/v1/surveys/{id}/results"), As::Anon)
        .await
        .api_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    // The report opens: a zip whose word/document.xml holds the figures, with the charts as PNG.
    let res = t
        .get(
            &format!("/api/v1/surveys/{id}/report.docx"),
            As::Bearer(&t.tokens["op"]),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header(header::CONTENT_TYPE)
            .unwrap()
            .contains("wordprocessingml")
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.body.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for needle in [
        "满意度调查报告",
        "80.00%",
        "81.00 分",
        "8.33%",
        "满意率（前两项占比法）",
        "满意度得分（加权平均法）",
        "未达标",
        "七、与上年比较",
    ] {
        assert!(xml.contains(needle), "{needle} in the report");
    }
    let pngs = (0..zip.len())
        .filter(|i| {
            let f = zip.by_index(*i).unwrap();
            let name = f.name().unwrap();
            name.starts_with("word/media/") && name.ends_with(".png")
        })
        .count();
    assert_eq!(pngs, 2, "the overall item's chart and the choice item's");
}

#[tokio::test]
async fn t7_bad_input_is_named_never_500_and_nothing_is_stored() {
    let t = app().await;
    // A survey without exactly one overall item.
    let mut none = issue_body();
    none["items"][0]["overall"] = json!(false);
    let res = t
        .post("/api/v1/surveys", As::Bearer(&t.tokens["op"]), none)
        .await;
    let e = res.api_error(StatusCode::UNPROCESSABLE_ENTITY, "overall_count");
    assert_eq!(e["field"], "items");
    let mut two = issue_body();
    two["items"][1] = json!({"kind": "rating", "text": "另一总体", "overall": true});
    t.post("/api/v1/surveys", As::Bearer(&t.tokens["op"]), two)
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "overall_count");
    // Not the operator's district; not an operator.
    let mut minhang = issue_body();
    minhang["district_code"] = json!("310112");
    t.post("/api/v1/surveys", As::Bearer(&t.tokens["op"]), minhang)
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    t.post(
        "/api/v1/surveys",
        As::Bearer(&t.tokens["ent"]),
        issue_body(),
    )
    .await
    .api_error(StatusCode::FORBIDDEN, "forbidden");
    t.post("/api/v1/surveys", As::Anon, issue_body())
        .await
        .api_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    let id = create(&t, issue_body()).await;
    let cases = [
        (
            json!({"answers": [6, 1, null]}),
            "out_of_range",
            "answers.0",
        ),
        (
            json!({"answers": [0, 1, null]}),
            "out_of_range",
            "answers.0",
        ),
        (json!({"answers": [5, 1]}), "wrong_length", "answers"),
        (
            json!({"answers": [5, 1, null, null]}),
            "wrong_length",
            "answers",
        ),
        (
            json!({"answers": ["很好", 1, null]}),
            "wrong_type",
            "answers.0",
        ),
        (
            json!({"answers": [4.5, 1, null]}),
            "wrong_type",
            "answers.0",
        ),
        (
            json!({"answers": [5, [1, 2], null]}),
            "wrong_type",
            "answers.1",
        ),
        (
            json!({"answers": [5, 3, null]}),
            "out_of_range",
            "answers.1",
        ),
        (json!({"answers": [5, 1, 7]}), "wrong_type", "answers.2"),
        (json!({"answers": [null, 1, null]}), "required", "answers.0"),
        (
            json!({"answers": [5, 1, "长".repeat(2001)]}),
            "too_long",
            "answers.2",
        ),
        (json!({}), "required", "answers"),
        (
            json!({"answers": [5, 1, null], "token": "nope"}),
            "invalid_token",
            "token",
        ),
        (
            json!({"answers": [5, 1, null], "org_name": "名".repeat(101)}),
            "too_long",
            "org_name",
        ),
    ];
    for (body, code, field) in cases {
        let res = answer(&t, id, body.clone()).await;
        let e = res.api_error(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(e["field"], field, "{body}");
    }
    // Not an array at all: a malformed body, named.
    let res = answer(&t, id, json!({"answers": "5,1"})).await;
    let e = res.api_error(StatusCode::BAD_REQUEST, "bad_json");
    assert_eq!(e["field"], "answers");
    // Every error at once when several answers are wrong.
    let res = answer(&t, id, json!({"answers": [9, "没有的选项", null]})).await;
    let e = res.api_error(StatusCode::UNPROCESSABLE_ENTITY, "out_of_range");
    assert_eq!(e["errors"].as_array().unwrap().len(), 2);
    assert_eq!(
        results(&t, id).await["valid"],
        0,
        "nothing stored from refusals"
    );
    t.post(
        "/api/v1/surveys/999/responses",
        As::Anon,
        json!({"answers": [5]}),
    )
    .await
    .api_error(StatusCode::NOT_FOUND, "not_found");

    // Closed: 409 survey_closed; reopened, it answers.
    let res = t
        .post(
            &format!("/api/v1/surveys/{id}/close"),
            As::Bearer(&t.tokens["op"]),
            json!({}),
        )
        .await;
    assert_eq!(res.json()["status"], "closed");
    answer(&t, id, json!({"answers": [5, 1, null]}))
        .await
        .api_error(StatusCode::CONFLICT, "survey_closed");
    t.post(
        &format!("/api/v1/surveys/{id}/open"),
        As::Bearer(&t.tokens["xuhui"]),
        json!({}),
    )
    .await
    .api_error(StatusCode::FORBIDDEN, "forbidden");
    t.post(
        &format!("/api/v1/surveys/{id}/open"),
        As::Bearer(&t.tokens["op"]),
        json!({}),
    )
    .await;
    let res = answer(&t, id, json!({"answers": [5, "培训", "  "]})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(results(&t, id).await["valid"], 1);
}

#[tokio::test]
async fn t7_invitation_tokens_work_once_and_for_their_own_survey_only() {
    let t = app().await;
    let mut body = issue_body();
    body["audience"] = json!("enterprises");
    let id = create(&t, body.clone()).await;
    let other = create(&t, body).await;
    let res = t
        .post(
            &format!("/api/v1/surveys/{id}/invitations"),
            As::Bearer(&t.tokens["op"]),
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let inv = res.json();
    assert_eq!(inv["invited"], 122);
    let list = inv["invitations"].as_array().unwrap();
    let names: Vec<&str> = list
        .iter()
        .map(|i| i["org_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["徐汇甲公司", "徐汇乙公司"]);
    let token = list[0]["token"].as_str().unwrap().to_string();
    assert_eq!(list[0]["url"], format!("http://localhost/s/{id}?t={token}"));
    // Another survey's token.
    let e = answer(&t, other, json!({"answers": [4, 1, null], "token": token}))
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "token_other_survey");
    assert_eq!(e["field"], "token");
    // Once, then used.
    let res = answer(&t, id, json!({"answers": [4, 1, null], "token": token})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    answer(&t, id, json!({"answers": [5, 1, null], "token": token}))
        .await
        .api_error(StatusCode::CONFLICT, "token_used");
    let v = results(&t, id).await;
    assert_eq!(
        (v["valid"].as_i64(), v["by_invitation"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(results(&t, other).await["valid"], 0);
    // The form says so too, without a 500.
    let page = t
        .get(&format!("/s/{id}?t={token}"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(page.contains("已提交过回答") && !page.contains("<form method=\"post\" action=\"/s/"));
}

#[tokio::test]
async fn t7_a_flood_from_one_address_gets_429_and_others_still_answer() {
    let t = app().await;
    let id = create(&t, issue_body()).await;
    let ok = json!({"answers": [5, 1, null]});
    for n in 0..60 {
        let res = answer_from(&t, "203.0.113.7", id, ok.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "attempt {n}: {}",
            res.text()
        );
    }
    let res = answer_from(&t, "203.0.113.7", id, ok.clone()).await;
    res.api_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: i64 = res.header(header::RETRY_AFTER).unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait));
    let res = answer_from(&t, "203.0.113.8", id, ok).await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(results(&t, id).await["valid"], 61);
}

#[tokio::test]
async fn t7_the_public_form_works_without_login_and_the_csrf_guard_stays() {
    let t = app().await;
    let id = create(&t, issue_body()).await;
    let page = t
        .get(&format!("/s/{id}"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(page.contains("非常满意") && page.contains("技术对接会"));
    assert!(page.contains("name=\"a0\"") && page.contains("name=\"org_name\""));
    // A same-origin form post (as the browser sends it) answers and thanks.
    let form = |site: &str| {
        Request::post(format!("/s/{id}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", site)
            .body(Body::from("a0=5&a1=2&a2=%E5%BE%88%E5%A5%BD&org_name="))
            .unwrap()
    };
    let res = t.send(form("same-origin")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(res.location(), format!("/s/{id}?done=1"));
    let thanks = t.get(res.location(), As::Anon).await.page(StatusCode::OK);
    assert!(thanks.contains("提交成功"));
    // A cross-site form post is refused before it reaches the survey.
    let res = t.send(form("cross-site")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // A bad form answer re-renders with the item marked, 422.
    let res = t
        .form(&format!("/s/{id}"), As::Anon, &[("a1", "1"), ("a2", "")])
        .await;
    let page = res.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("第 1 题为必答题") && page.contains("has-error"));
    assert_eq!(results(&t, id).await["valid"], 1);
    // The QR code is an SVG of the link, no outside service.
    let res = t.get(&format!("/s/{id}/qr.svg"), As::Anon).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(res.text().contains("<svg") && res.text().contains("<path"));
    let print = t
        .get(&format!("/surveys/{id}/qr"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(print.contains("class=\"qr\"") && print.contains(&format!("http://localhost/s/{id}")));
}

#[tokio::test]
async fn t7_the_operator_pages_show_both_methods_the_flag_and_the_texts() {
    let t = app().await;
    let cookie = t.login("op").await;
    let c = As::Cookie(&cookie);
    // The builder starts from the yearly questionnaire; a bad survey re-renders with the error.
    let builder = t.get("/surveys/new", c).await.page(StatusCode::OK);
    assert!(builder.contains("总体满意度题") && builder.contains("name=\"overall\""));
    let res = t
        .form(
            "/surveys/new",
            c,
            &[
                ("title", "2024年度徐汇区满意度调查"),
                ("year", "2024"),
                ("district_code", "310104"),
                ("audience", "everyone"),
                ("rows", "2"),
                ("kind_0", "rating"),
                ("text_0", "总体满意度"),
                ("kind_1", "choice"),
                ("text_1", "渠道"),
                ("options_1", "网站"),
            ],
        )
        .await;
    let page = res.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("须有且仅有一道总体满意度题") && page.contains("应有 2–20 个选项"));
    let res = t
        .form(
            "/surveys/new",
            c,
            &[
                ("title", "2024年度徐汇区满意度调查"),
                ("year", "2024"),
                ("district_code", "310104"),
                ("audience", "everyone"),
                ("invited", "20"),
                ("rows", "3"),
                ("kind_0", "rating"),
                ("text_0", "总体满意度"),
                ("overall", "0"),
                ("kind_1", "text"),
                ("text_1", "意见建议"),
                ("kind_2", "rating"),
                ("text_2", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let id: i64 = res
        .location()
        .trim_start_matches("/surveys/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let detail = t
        .get(&format!("/surveys/{id}"), c)
        .await
        .page(StatusCode::OK);
    assert!(detail.contains("class=\"qr\"") && detail.contains(&format!("/s/{id}")));
    for (r, text) in [(5, "多办对接会"), (5, "对接会很好"), (4, ""), (2, "太慢")] {
        let res = answer(&t, id, json!({"answers": [r, text]})).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    let page = t
        .get(&format!("/surveys/{id}/results"), c)
        .await
        .page(StatusCode::OK);
    assert!(page.contains("满意率（前两项占比法）") && page.contains("满意度得分（加权平均法）"));
    assert!(page.contains("75.00%") && page.contains("未达标") && page.contains("≥ 90%"));
    assert!(
        page.contains("<svg")
            && page.contains("回答份数（份）")
            && page.contains("<table class=\"chart-table\"")
    );
    assert!(page.contains("20.00%"), "response rate 4 of 20");
    let found = t
        .get(&format!("/surveys/{id}/results?q=%E5%AF%B9%E6%8E%A5"), c)
        .await
        .page(StatusCode::OK);
    assert!(found.contains("含“对接”的意见 2 条") && !found.contains("太慢</li>"));
    let home = t.get("/home", c).await.page(StatusCode::OK);
    assert!(home.contains("id=\"surveys\"") && home.contains("已收回答 4 份"));
    let list = t.get("/surveys?year=2024", c).await.page(StatusCode::OK);
    assert!(list.contains("2024年度徐汇区满意度调查"));
    // An enterprise sees no survey pages.
    let ent = t.login("ent").await;
    t.get("/surveys", As::Cookie(&ent))
        .await
        .page(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn t7_an_event_shows_its_rating() {
    let t = app().await;
    let starts = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT10:00");
    let ends = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT12:00");
    let res = t
        .post(
            "/api/v1/events",
            As::Bearer(&t.tokens["op"]),
            json!({"kind": "training", "title": "专利导航培训", "starts_at": starts.to_string(),
                   "ends_at": ends.to_string(), "place": "徐汇区虹漕路 88 号", "capacity": 40}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let event = res.json()["id"].as_i64().unwrap();
    let year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let id = create(
        &t,
        json!({"title": "专利导航培训评价", "year": year, "district_code": "310104",
               "audience": "event_participants", "event_id": event,
               "items": [{"kind": "rating", "text": "总体而言，您对本次活动的满意程度", "overall": true}]}),
    )
    .await;
    let res = t.get(&format!("/events/{event}/rate"), As::Anon).await;
    assert_eq!(res.location(), format!("/s/{id}"));
    for r in [5, 5, 4, 3] {
        answer(&t, id, json!({"answers": [r]})).await;
    }
    let page = t
        .get(&format!("/events/{event}"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(
        page.contains("参会评价")
            && page.contains("75.00%")
            && page.contains("满意率（前两项占比法）")
    );
    let (status, v) = t
        .call(None, Method::GET, &format!("/api/v1/surveys/{id}"), None)
        .await;
    assert_eq!(
        (status, v["event_id"].as_i64()),
        (StatusCode::OK, Some(event))
    );
}
