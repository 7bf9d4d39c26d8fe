//! Events over HTTP (T3, T5, T7): an operator runs a matchmaking event: participants register
//! with their unavailable slots, the schedule is proposed from their matches, moved, printed,
//! outcomes recorded and a deal lead made.

use std::collections::HashMap;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::common;

use common::Api as T;

/// A listing of `kind` by `who`, published.
async fn published(t: &T, who: &str, kind: &str, title: &str, description: &str) -> i64 {
    let body = json!({"kind": kind, "title": title, "description": description,
        "field": "新能源与节能", "ipc": [], "modes": ["转让"], "price_wan": 50,
        "district_code": "310110", "contact_name": "张明", "contact_phone": "13812345678",
        "valid_until": (chrono::Utc::now() + chrono::Duration::days(365)).format("%Y-%m-%d").to_string(),
        "patents": [], "maturity": if kind == "supply" { Some("中试") } else { None }});
    t.published(who, body).await
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn t3_an_operator_runs_a_matchmaking_event_end_to_end() {
    let usc = |n| Some(common::uscc("310110", n));
    let (router, tokens, _) = common::fixture(vec![
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            usc(1),
        ),
        ("ent1", "enterprise", "电池企业", Some("310110"), usc(2)),
        ("ent2", "enterprise", "钢板企业", Some("310110"), usc(3)),
        ("ent3", "enterprise", "迟到企业", Some("310110"), usc(4)),
        ("uni1", "university", "电池大学", Some("310110"), None),
        ("uni2", "university", "视觉大学", Some("310110"), None),
        ("bank", "bank", "某银行", Some("310110"), usc(5)),
    ])
    .await;
    let t = T { router, tokens };
    let separator = published(
        &t,
        "uni1",
        "supply",
        "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
        "陶瓷涂覆隔膜，提高耐热性，降低电池鼓包和热失控风险。",
    )
    .await;
    published(
        &t,
        "uni2",
        "supply",
        "基于深度学习的带钢表面缺陷在线检测方法",
        "工业相机与卷积神经网络识别钢板表面划痕，替代人工目检。",
    )
    .await;
    let swelling = published(
        &t,
        "ent1",
        "demand",
        "锂电池鼓包客诉多",
        "夏天电池鼓包投诉多，想改进隔膜耐热性。",
    )
    .await;
    published(
        &t,
        "ent2",
        "demand",
        "钢板表面划痕人工目检漏检严重",
        "钢板表面缺陷靠人工看，漏检多，想用相机自动检测。",
    )
    .await;

    // Bad input: no place or link, the past, an enterprise organising.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    let event = json!({"kind": "matchmaking", "title": "新能源与智能制造技术对接会",
        "starts_at": format!("{tomorrow}T14:00"), "ends_at": format!("{tomorrow}T15:00"),
        "place": "杨浦区国定路 335 号", "capacity": 4, "slot_minutes": 20, "tables": 1,
        "theme_fields": ["新能源与节能"]});
    let mut no_place = event.clone();
    no_place["place"] = Value::Null;
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(no_place))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("place_or_link_required"), "{v}");
    let mut past = event.clone();
    past["starts_at"] = json!("2020-01-01T14:00");
    past["ends_at"] = json!("2020-01-01T15:00");
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(past))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("in_the_past"), "{v}");
    let (s, _) = t
        .call(
            Some("ent1"),
            Method::POST,
            "/api/v1/events",
            Some(event.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(event))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, v) = t
        .call(None, Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    assert_eq!(
        v["slots"],
        json!(["14:00–14:20", "14:20–14:40", "14:40–15:00"])
    );

    // Registration: the right roles, slots inside the event, once, up to capacity.
    let register = format!("/api/v1/events/{id}/register");
    let (s, _) = t.call(Some("bank"), Method::POST, &register, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .call(
            Some("uni2"),
            Method::POST,
            &register,
            Some(json!({"unavailable_slots": [5]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["errors"][0]["code"], "slot_outside_event", "{v}");
    for (who, unavailable) in [
        ("ent1", json!([0])),
        ("ent2", json!([])),
        ("uni1", json!([])),
        ("uni2", json!([])),
    ] {
        let (s, v) = t
            .call(
                Some(who),
                Method::POST,
                &register,
                Some(json!({"unavailable_slots": unavailable})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{who}: {v}");
    }
    let (s, v) = t.call(Some("ent1"), Method::POST, &register, None).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_registered"));
    let (s, v) = t.call(Some("ent3"), Method::POST, &register, None).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "event_full"));

    // Attendance by the organiser only.
    let attendance = format!("/api/v1/events/{id}/attendance");
    let (s, _) = t
        .call(
            Some("ent1"),
            Method::POST,
            &attendance,
            Some(json!({"org_id": 2, "attended": true})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The schedule: best pairs first, one table, nobody double-booked, ent1 not in slot 0.
    let schedule = format!("/api/v1/events/{id}/schedule");
    let (s, _) = t.call(Some("ent1"), Method::POST, &schedule, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t.call(Some("op"), Method::POST, &schedule, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let meetings = v["meetings"].as_array().unwrap().clone();
    assert!(!meetings.is_empty(), "{v}");
    let mut per_slot: HashMap<i64, usize> = HashMap::new();
    for m in &meetings {
        *per_slot.entry(m["slot"].as_i64().unwrap()).or_default() += 1;
        if m["demand_org"] == "电池企业" {
            assert_ne!(m["slot"], 0, "ent1 is not available in slot 0: {m}");
        }
    }
    assert!(per_slot.values().all(|&n| n == 1), "{per_slot:?}");
    let best = meetings
        .iter()
        .find(|m| m["demand_id"] == swelling && m["supply_id"] == separator)
        .unwrap_or_else(|| panic!("the best pair is placed: {v}"));
    let best_id = best["id"].as_i64().unwrap();
    // Both good pairs fit (3 slots, 1 table); anything else is listed with its reason.
    assert!(meetings.len() >= 2, "{v}");
    for u in v["unplaced"].as_array().unwrap() {
        assert!(!u["message"].as_str().unwrap().is_empty(), "{u}");
    }

    // A participant sees only its own meetings.
    let (_, mine) = t.call(Some("ent2"), Method::GET, &schedule, None).await;
    assert!(
        mine["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["demand_org"] == "钢板企业"),
        "{mine}"
    );
    assert_eq!(mine["unplaced"], json!([]));

    // Moving onto a taken table, or into ent1's unavailable slot, is refused.
    let action = |mid: i64, a: &str| format!("/api/v1/events/{id}/meetings/{mid}/{a}");
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &action(best_id, "move"),
            Some(json!({"slot": 0, "table": 1})),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "cannot_move"), "{v}");

    // Cancelling a meeting frees its slot; the best pair moves there if the enterprise is free then.
    let other = meetings
        .iter()
        .find(|m| m["id"] != best_id)
        .expect("a second meeting");
    let (other_id, other_slot) = (
        other["id"].as_i64().unwrap(),
        other["slot"].as_i64().unwrap(),
    );
    let (s, _) = t
        .call(Some("op"), Method::POST, &action(other_id, "remove"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = t.call(Some("op"), Method::GET, &schedule, None).await;
    assert!(
        v["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != other_id),
        "{v}"
    );
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &action(best_id, "move"),
            Some(json!({"slot": other_slot, "table": 1})),
        )
        .await;
    if other_slot == 0 {
        assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "cannot_move"), "{v}");
    } else {
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, v) = t.call(Some("op"), Method::GET, &schedule, None).await;
        let moved = v["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == best_id)
            .unwrap()
            .clone();
        assert_eq!(moved["slot"], other_slot);
    }

    // Outcomes and the deal lead.
    let (s, v) = t
        .call(Some("op"), Method::POST, &action(best_id, "lead"), None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "outcome_required"));
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &action(best_id, "outcome"),
            Some(json!({"outcome": "成交"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = t
        .call(
            Some("op"),
            Method::POST,
            &action(best_id, "outcome"),
            Some(json!({"outcome": "签订意向"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t
        .call(Some("op"), Method::POST, &action(best_id, "lead"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["lead_id"].as_i64().is_some());
    let (s, v) = t
        .call(Some("op"), Method::POST, &action(best_id, "lead"), None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "lead_exists"));
    let (_, v) = t.call(Some("op"), Method::GET, &schedule, None).await;
    let best = v["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == best_id)
        .unwrap();
    assert_eq!(best["outcome_label"], "签订意向");
    assert!(best["lead_id"].as_i64().is_some());

    // The printable agenda and the home page.
    let (s, headers, bytes) = t
        .raw(
            Some("ent1"),
            Method::GET,
            &format!("/events/{id}/agenda.xlsx"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let cells: Vec<String> = {
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("洽谈日程").unwrap();
        range.cells().map(|(_, _, d)| d.to_string()).collect()
    };
    assert!(cells.iter().any(|c| c == "电池大学"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "锂电池鼓包客诉多"), "{cells:?}");
    let (s, _, _) = t
        .raw(
            Some("ent1"),
            Method::GET,
            &format!("/events/{id}/agenda.xlsx?org_id=999"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, home) = t.call(Some("ent1"), Method::GET, "/home", None).await;
    let home = home.as_str().unwrap();
    assert!(
        home.contains("我的洽谈日程") && home.contains("与 电池大学"),
        "{home}"
    );
    // The participant's page offers its agenda; the organiser (no meetings of its own) prints
    // each participant's from the registrations instead.
    let event_page = format!("/events/{id}");
    let (_, mine) = t.call(Some("ent1"), Method::GET, &event_page, None).await;
    assert!(mine.as_str().unwrap().contains("下载我的洽谈日程"));
    let (_, organiser) = t.call(Some("op"), Method::GET, &event_page, None).await;
    let organiser = organiser.as_str().unwrap();
    assert!(!organiser.contains("下载我的洽谈日程"));
    assert!(organiser.contains(&format!("/events/{id}/agenda.xlsx?org_id=")));
    // The event's public page.
    let (s, page) = t
        .call(None, Method::GET, &format!("/events/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.as_str()
            .unwrap()
            .contains("新能源与智能制造技术对接会")
    );

    // A bank–enterprise event (T5): banks and enterprises register, universities do not; it has
    // no 1:1 schedule.
    let bank_event = json!({"kind": "bank_enterprise", "title": "知识产权质押融资银企对接会",
        "starts_at": format!("{tomorrow}T09:30"), "ends_at": format!("{tomorrow}T11:30"),
        "online_url": "https://meeting.example.cn/123", "capacity": 50});
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(bank_event))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let bank_id = v["id"].as_i64().unwrap();
    let register = format!("/api/v1/events/{bank_id}/register");
    assert_eq!(
        t.call(Some("bank"), Method::POST, &register, None).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        t.call(Some("ent3"), Method::POST, &register, None).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        t.call(Some("uni1"), Method::POST, &register, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, v) = t
        .call(
            Some("op"),
            Method::POST,
            &format!("/api/v1/events/{bank_id}/schedule"),
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "not_matchmaking"));
    let (s, _) = t
        .call(
            Some("op"),
            Method::POST,
            &format!("/api/v1/events/{bank_id}/attendance"),
            Some(json!({"org_id": 999, "attended": true})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "an organisation that did not register"
    );
}

/// Proposing the schedule again would delete the deal leads made of its meetings: once there is
/// one, the API and the page refuse (409 `schedule_has_leads`) and the page offers no button.
#[tokio::test]
async fn t3_a_schedule_with_deal_leads_is_not_proposed_again() {
    let usc = |n| Some(common::uscc("310110", n));
    let (router, tokens, _) = common::fixture(vec![
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            usc(1),
        ),
        ("ent1", "enterprise", "电池企业", Some("310110"), usc(2)),
        ("uni1", "university", "电池大学", Some("310110"), None),
    ])
    .await;
    let t = T { router, tokens };
    published(
        &t,
        "uni1",
        "supply",
        "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
        "陶瓷涂覆隔膜，提高耐热性，降低电池鼓包和热失控风险。",
    )
    .await;
    published(
        &t,
        "ent1",
        "demand",
        "锂电池鼓包客诉多",
        "夏天电池鼓包投诉多，想改进隔膜耐热性。",
    )
    .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    let event = json!({"kind": "matchmaking", "title": "电池技术对接会",
        "starts_at": format!("{tomorrow}T14:00"), "ends_at": format!("{tomorrow}T15:00"),
        "place": "杨浦区国定路 335 号", "capacity": 10, "tables": 2});
    let (s, v) = t
        .call(Some("op"), Method::POST, "/api/v1/events", Some(event))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    for who in ["ent1", "uni1"] {
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
    let schedule = format!("/api/v1/events/{id}/schedule");
    let (s, v) = t.call(Some("op"), Method::POST, &schedule, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mid = v["meetings"][0]["id"].as_i64().expect("a meeting");
    let page = format!("/events/{id}");
    let (_, html) = t.call(Some("op"), Method::GET, &page, None).await;
    assert!(
        html.as_str()
            .unwrap()
            .contains(&format!("action=\"/events/{id}/schedule\"")),
        "the organiser may propose again while there is no lead"
    );
    let action = |a: &str| format!("/api/v1/events/{id}/meetings/{mid}/{a}");
    let (s, _) = t
        .call(
            Some("op"),
            Method::POST,
            &action("outcome"),
            Some(json!({"outcome": "follow_up"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t
        .call(Some("op"), Method::POST, &action("lead"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let lead = v["lead_id"].as_i64().unwrap();

    // The API refuses …
    let (s, v) = t.call(Some("op"), Method::POST, &schedule, None).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "schedule_has_leads"),
        "{v}"
    );
    // … and so does the page's form, which no longer offers the button.
    let token = &t.tokens["op"];
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/events/{id}/schedule"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, body) = common::send(&t.router, req).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&body).contains("交易线索"));
    let (_, html) = t.call(Some("op"), Method::GET, &page, None).await;
    let html = html.as_str().unwrap();
    assert!(!html.contains(&format!("action=\"/events/{id}/schedule\"")));
    assert!(html.contains("不能再重新排定"));
    // The meeting and its lead are still there.
    let (_, v) = t.call(Some("op"), Method::GET, &schedule, None).await;
    assert_eq!(v["meetings"][0]["id"], mid);
    assert_eq!(v["meetings"][0]["lead_id"], lead);
}
