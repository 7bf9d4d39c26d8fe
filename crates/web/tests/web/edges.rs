//! Issue 18, the rough edges a new user hits: codes in Chinese, paragraphs, amount errors that say
//! the unit and the rule, the 404 page, the 合作方式 facet, the meetings table, date inputs and
//! the public front door.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{self, As, TestApp};

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

async fn spawn() -> TestApp {
    let usc = |n| Some(common::uscc("310110", n));
    TestApp::with_users(vec![
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            usc(1),
        ),
        ("ent", "enterprise", "电池企业", Some("310110"), usc(2)),
        ("uni", "university", "电池大学", Some("310110"), None),
        ("muni", "municipal_bureau", "上海市知识产权局", None, None),
        (
            "op_hp",
            "park_operator",
            "黄浦园区运营",
            Some("310101"),
            Some(common::uscc("310101", 3)),
        ),
        (
            "ent_hp",
            "enterprise",
            "黄浦企业",
            Some("310101"),
            Some(common::uscc("310101", 4)),
        ),
    ])
    .await
}

fn listing(kind: &str, title: &str, description: &str, modes: &[&str]) -> Value {
    json!({"kind": kind, "title": title, "description": description, "field": "新能源与节能",
        "ipc": [], "modes": modes, "price_wan": 50, "district_code": "310110",
        "contact_name": "张明", "contact_phone": "13812345678", "valid_until": in_a_year(),
        "patents": [], "maturity": if kind == "supply" { Some("中试") } else { None }})
}

async fn page(t: &TestApp, path: &str, who: Option<&str>) -> (StatusCode, String) {
    let res = match who {
        Some(w) => t.get(path, As::Bearer(&t.tokens[w])).await,
        None => t.get(path, As::Anon).await,
    };
    (res.status, res.text())
}

#[tokio::test]
async fn issue18_a_linked_patent_shows_its_kind_in_chinese() {
    let t = spawn().await;
    let mut body = listing(
        "supply",
        "一种锂离子电池隔膜材料及其制备方法",
        "陶瓷涂覆隔膜。",
        &["转让"],
    );
    body["patents"] = json!(["ZL201710601862.3"]);
    let id = t.published("uni", body).await;
    let (s, html) = page(&t, &format!("/listings/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("（发明）"), "{html}");
    assert!(
        !html.contains("(invention)") && !html.contains("（invention）"),
        "{html}"
    );
    // The API keeps its code.
    let (_, v) = t
        .call(None, Method::GET, &format!("/api/v1/listings/{id}"), None)
        .await;
    assert_eq!(v["patents"][0]["patent_type"], "invention", "{v}");
}

#[tokio::test]
async fn issue18_descriptions_keep_their_paragraphs_other_control_characters_are_refused() {
    let t = spawn().await;
    let text = "第一段：夏天电池鼓包投诉多。\r\n\r\n第二段：希望改进隔膜耐热性。";
    let id = t
        .published(
            "ent",
            listing("demand", "锂电池鼓包客诉多", text, &["转让"]),
        )
        .await;
    let (_, v) = t
        .call(None, Method::GET, &format!("/api/v1/listings/{id}"), None)
        .await;
    assert_eq!(
        v["description"],
        "第一段：夏天电池鼓包投诉多。\n\n第二段：希望改进隔膜耐热性。"
    );
    let (_, html) = page(&t, &format!("/listings/{id}"), None).await;
    assert!(
        html.contains("<p>第一段：夏天电池鼓包投诉多。</p><p>第二段：希望改进隔膜耐热性。</p>"),
        "{html}"
    );
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            "/api/v1/listings",
            Some(listing(
                "demand",
                "锂电池鼓包客诉多二",
                "响铃\u{7}字符",
                &["转让"],
            )),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "bad_character", "{v}");
    assert_eq!(v["error"]["field"], "description", "{v}");
}

#[tokio::test]
async fn issue18_an_amount_error_says_the_unit_and_the_real_rule() {
    let t = spawn().await;
    let mut body = listing("supply", "一种电池隔膜", "陶瓷涂覆隔膜。", &["转让"]);
    body["price_wan"] = json!("12.5x");
    let (s, v) = t
        .call(Some("uni"), Method::POST, "/api/v1/listings", Some(body))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let m = v["error"]["message"].as_str().unwrap();
    assert_eq!(
        m,
        "参考价格“12.5x”格式不正确：应为以万元为单位的数字，如 120 或 35.5，最多保留 6 位小数"
    );
    assert!(!m.contains("两位元"), "{m}");
    // The operator's home reads as a sentence.
    let (_, html) = page(&t, "/home", Some("op")).await;
    assert!(
        html.contains("集聚区运营方：负责集聚区日常运营，"),
        "{html}"
    );
    assert!(!html.contains("：运营集聚区："), "{html}");
}

#[tokio::test]
async fn issue18_the_404_page_has_the_navigation_and_leads_a_visitor_home() {
    let t = spawn().await;
    let (s, html) = page(&t, "/no-such-page", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在（404）"), "{html}");
    assert!(
        html.contains(r#"<a class="btn" href="/">返回首页</a>"#),
        "{html}"
    );
    assert!(!html.contains("返回工作台"), "{html}");
    assert!(
        html.contains(r#"<a href="/listings">供需大厅</a>"#),
        "nav: {html}"
    );
    let (s, html) = page(&t, "/no-such-page", Some("ent")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        html.contains(r#"<a class="btn" href="/home">返回工作台</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="/listings/mine">供需条目</a>"#),
        "nav: {html}"
    );
    // An error raised by a page (a listing that does not exist) is framed the same way.
    let (s, html) = page(&t, "/listings/999999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains(r#"<a href="/events">活动</a>"#), "{html}");
    // The API keeps answering JSON.
    let res = t.get("/api/v1/no-such", As::Anon).await;
    assert_eq!(res.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn issue18_the_mode_facet_does_not_split_licences() {
    let t = spawn().await;
    t.published(
        "uni",
        listing("supply", "一种锂电池隔膜", "陶瓷涂覆隔膜。", &["普通许可"]),
    )
    .await;
    t.published(
        "uni",
        listing("supply", "一种光伏逆变器", "组串式逆变器。", &["许可"]),
    )
    .await;
    t.published(
        "uni",
        listing("supply", "一种带钢检测方法", "相机检测划痕。", &["转让"]),
    )
    .await;
    let (s, html) = page(&t, "/listings?mode=%E8%AE%B8%E5%8F%AF", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("锂电池隔膜") && html.contains("光伏逆变器"),
        "{html}"
    );
    assert!(!html.contains("带钢检测"), "{html}");
    assert!(html.contains("许可（各类许可）"), "{html}");
    // The listing keeps the mode it names.
    let (_, v) = t
        .call(
            None,
            Method::GET,
            "/api/v1/listings?mode=%E6%99%AE%E9%80%9A%E8%AE%B8%E5%8F%AF",
            None,
        )
        .await;
    assert!(v.to_string().contains("锂电池隔膜"), "{v}");
}

#[tokio::test]
async fn issue18_the_district_table_is_in_official_code_order() {
    let t = spawn().await;
    // 黄浦区 (310101) comes before 杨浦区 (310110) by code, after it by character.
    t.published(
        "uni",
        listing("supply", "一种锂电池隔膜", "陶瓷涂覆隔膜。", &["转让"]),
    )
    .await;
    let mut hp = listing("demand", "黄浦企业的电池需求", "电池鼓包。", &["转让"]);
    hp["district_code"] = json!("310101");
    let (s, v) = t
        .call(Some("ent_hp"), Method::POST, "/api/v1/listings", Some(hp))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    for (who, action) in [("ent_hp", "submit"), ("op_hp", "publish")] {
        let (s, v) = t
            .call(
                Some(who),
                Method::POST,
                &format!("/api/v1/listings/{id}/{action}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
    }
    let (_, html) = page(&t, "/home", Some("muni")).await;
    let table = &html[html.find("<h3>按区</h3>").expect("the 按区 table")..];
    let (hp, yp) = (table.find("黄浦区").unwrap(), table.find("杨浦区").unwrap());
    assert!(hp < yp, "黄浦区 before 杨浦区: {table}");
}

#[tokio::test]
async fn issue18_date_inputs_are_styled_like_the_others() {
    let t = spawn().await;
    let css = t.get("/static/app.css", As::Anon).await.text();
    let rule = css
        .lines()
        .find(|l| l.starts_with("input[type=text]"))
        .unwrap();
    assert!(
        rule.contains("input[type=date]") && rule.contains("select"),
        "{rule}"
    );
}

/// An event starting tomorrow with both sides registered and a schedule made; its id and the
/// meetings as the API answers them.
async fn scheduled_event(t: &TestApp) -> (i64, Vec<Value>) {
    t.published(
        "uni",
        listing(
            "supply",
            "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
            "陶瓷涂覆隔膜，提高耐热性，降低电池鼓包和热失控风险。",
            &["转让"],
        ),
    )
    .await;
    t.published(
        "ent",
        listing(
            "demand",
            "锂电池鼓包客诉多",
            "夏天电池鼓包投诉多，想改进隔膜耐热性。",
            &["转让"],
        ),
    )
    .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    let event = json!({"kind": "matchmaking", "title": "新能源技术对接会",
        "starts_at": format!("{tomorrow}T14:00"), "ends_at": format!("{tomorrow}T15:00"),
        "place": "杨浦区国定路 335 号", "capacity": 10, "slot_minutes": 20, "tables": 2,
        "theme_fields": ["新能源与节能"]});
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(event))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    for who in ["ent", "uni"] {
        let (s, v) = t
            .call(
                Some(who),
                Method::POST,
                &format!("/api/v1/events/{id}/register"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{who}: {v}");
    }
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &format!("/api/v1/events/{id}/schedule"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (id, v["meetings"].as_array().unwrap().clone())
}

#[tokio::test]
async fn issue18_a_meeting_outcome_has_no_default_and_the_cell_forms_are_laid_out() {
    let t = spawn().await;
    let (id, meetings) = scheduled_event(&t).await;
    assert_eq!(meetings.len(), 1, "{meetings:?}");
    let mid = meetings[0]["id"].as_i64().unwrap();
    let (_, html) = page(&t, &format!("/events/{id}"), Some("op")).await;
    assert!(
        html.contains(&format!(
            r#"<select id="o-{mid}" name="outcome" required><option value="" selected>请选择</option>"#
        )),
        "{html}"
    );
    assert!(html.contains(r#"<td class="cell-forms">"#), "{html}");
    assert!(html.contains("取消这场洽谈"), "{html}");
    let res = t
        .form(
            &format!("/events/{id}/meetings/{mid}/outcome"),
            As::Bearer(&t.tokens["op"]),
            &[("outcome", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("请选择洽谈结果"));
    let (_, v) = t
        .call(
            Some("op"),
            Method::GET,
            &format!("/api/v1/events/{id}/schedule"),
            None,
        )
        .await;
    assert_eq!(
        v["meetings"][0]["outcome"],
        Value::Null,
        "nothing recorded: {v}"
    );
}

#[tokio::test]
async fn issue18_the_front_door_searches_and_shows_the_latest_events_and_figures() {
    let t = spawn().await;
    let (_, html) = page(&t, "/", None).await;
    assert!(html.contains("暂无已发布的技术需求"), "{html}");
    let (id, meetings) = scheduled_event(&t).await;
    let mid = meetings[0]["id"].as_i64().unwrap();
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &format!("/api/v1/events/{id}/meetings/{mid}/outcome"),
            Some(json!({"outcome": "follow_up"})),
        )
        .await;
    assert!(s.is_success(), "{s} {v}");
    let (s, html) = page(&t, "/", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(
            r#"<form class="hero-search" method="get" action="/listings" role="search">"#
        ) && html.contains(r#"name="q""#),
        "{html}"
    );
    let latest_demands = &html[html.find(r#"id="latest-demands""#).unwrap()..];
    assert!(latest_demands.contains("锂电池鼓包客诉多"), "{html}");
    let latest_supplies = &html[html.find(r#"id="latest-supplies""#).unwrap()..];
    assert!(latest_supplies.contains("陶瓷涂覆隔膜"), "{html}");
    let coming = &html[html.find(r#"id="coming-events""#).unwrap()..];
    assert!(coming.contains("新能源技术对接会"), "{html}");
    for figure in [
        r#"<div class="num">1</div><div class="label">已发布的技术需求</div>"#,
        r#"<div class="num">1</div><div class="label">已发布的专利供给</div>"#,
        r#"<div class="num">1</div><div class="label">已举行的一对一洽谈</div>"#,
    ] {
        assert!(html.contains(figure), "{figure}: {html}");
    }
    assert!(html.contains(r#"<a class="btn secondary" href="/guide">办事指南</a>"#));
    assert!(
        html.contains(r#"<a href="/listings">供需大厅</a>"#),
        "public nav"
    );
}
