//! Surveys (K6, T7) by their use cases: who builds and reads them, copying last year's,
//! invitations with one-time tokens, anonymous responses (token once, never another survey's),
//! the per-address rate limit moving with the clock, closing, results by both methods with the
//! worked example, free-text search, an event's rating, the report and K6's pooled ratings.

use std::net::IpAddr;

use chrono::NaiveDateTime;
use serde_json::json;
use zhiyun_domain::code::Code;
use zhiyun_domain::event::EventInput;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::survey::limits::RATE_MAX_PER_WINDOW;
use zhiyun_domain::survey::{AnswerValue, Method, ResponseWindow, SurveyInput};
use zhiyun_domain::time::unix_of;
use zhiyun_service::surveys::{self, Respond, ResultsQuery, TokenState};
use zhiyun_service::{Clock, Ctx, Kind, Principal, events};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

fn uscc(n: u32) -> String {
    let first17 = format!("91310104MA1{n:06}");
    format!(
        "{first17}{}",
        zhiyun_domain::ident::uscc_check_char(&first17).unwrap()
    )
}

async fn org(db: &Db, n: u32, kind: &str, name: &str, district: &str) -> i64 {
    db.org_create(
        &check_org(&OrgInput {
            kind: Some(kind.into()),
            name: Some(name.into()),
            uscc: (kind != "university" && !kind.ends_with("bureau")).then(|| uscc(n)),
            district_code: Some(district.into()),
            size_class: (kind == "enterprise").then(|| "small".into()),
            ..Default::default()
        })
        .unwrap(),
        &Who::cli(),
    )
    .await
    .unwrap()
    .id
}

async fn user(db: &Db, name: &str, org_id: i64) -> Principal {
    let u = db
        .user_create(
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                org_id,
                password_hash: "x".into(),
                is_admin: false,
            },
            &Who::cli(),
        )
        .await
        .unwrap();
    db.principal(u.id).await.unwrap().unwrap()
}

struct World {
    ctx: Ctx,
    clock: Clock,
    operator: Principal,
    bureau: Principal,
    other_bureau: Principal,
    municipal: Principal,
    enterprise: Principal,
}

/// Beijing 2024-06-01 10:00.
fn june() -> i64 {
    unix_of(NaiveDateTime::parse_from_str("2024-06-01 10:00", "%Y-%m-%d %H:%M").unwrap())
}

async fn world() -> World {
    let db = testing::fresh().await;
    let clock = Clock::fixed(june());
    let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone());
    let op = org(&db, 1, "park_operator", "徐汇园区运营", "310104").await;
    let xuhui = org(&db, 2, "district_bureau", "徐汇区知识产权局", "310104").await;
    let minhang = org(&db, 3, "district_bureau", "闵行区知识产权局", "310112").await;
    let ent = org(&db, 4, "enterprise", "徐汇甲公司", "310104").await;
    org(&db, 5, "enterprise", "徐汇乙公司", "310104").await;
    org(&db, 6, "enterprise", "闵行丙公司", "310112").await;
    org(&db, 7, "university", "徐汇大学", "310104").await;
    let city = org(&db, 8, "municipal_bureau", "上海市知识产权局", "310104").await;
    World {
        municipal: user(&db, "city", city).await,
        operator: user(&db, "op", op).await,
        bureau: user(&db, "xuhui", xuhui).await,
        other_bureau: user(&db, "minhang", minhang).await,
        enterprise: user(&db, "ent", ent).await,
        ctx,
        clock,
    }
}

fn yearly(year: i32, audience: &str) -> SurveyInput {
    serde_json::from_value(json!({
        "title": format!("{year}年度徐汇区知识产权运营服务满意度调查"), "year": year,
        "district_code": "310104", "audience": audience,
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true},
                  {"kind": "choice", "text": "您参加过哪类活动", "options": ["技术对接会", "培训"]},
                  {"kind": "text", "text": "意见建议"}],
        "invited": 120}))
    .unwrap()
}

fn answers(v: serde_json::Value) -> Option<Vec<AnswerValue>> {
    Some(serde_json::from_value(v).unwrap())
}

fn from(ip: &str, v: serde_json::Value) -> Respond {
    Respond {
        answers: answers(v),
        client: Some(ip.parse::<IpAddr>().unwrap()),
        ..Default::default()
    }
}

#[tokio::test]
async fn k6_the_worked_example_by_both_methods_and_free_text_search() {
    let w = world().await;
    let s = surveys::create(&w.ctx, &w.operator, &yearly(2024, "everyone"))
        .await
        .unwrap();
    let texts = [
        "多办技术对接会",
        "",
        "技术对接会很好",
        "",
        "",
        "",
        "",
        "",
        "",
        "质押太慢",
    ];
    for (i, (r, t)) in [5, 5, 4, 4, 4, 3, 5, 2, 4, 5].iter().zip(texts).enumerate() {
        let ip = format!("198.51.100.{i}");
        let text = if t.is_empty() { json!(null) } else { json!(t) };
        surveys::respond(&w.ctx, None, s.id, &from(&ip, json!([r, 1 + i % 2, text])))
            .await
            .unwrap();
    }
    let r = surveys::results(&w.ctx, &w.bureau, s.id, &ResultsQuery::default())
        .await
        .unwrap();
    assert_eq!((r.result.valid, r.result.invited), (10, 120));
    assert_eq!(r.result.response_rate.unwrap().to_string(), "8.33");
    assert_eq!(
        r.result.satisfaction.top_two_pct.unwrap().to_string(),
        "80.00"
    );
    assert_eq!(
        r.result.satisfaction.weighted_score.unwrap().to_string(),
        "81.00"
    );
    assert_eq!((r.method, r.result.met), (Method::TopTwo, Some(false)));
    assert_eq!((r.by_link, r.by_invitation, r.texts_total), (10, 0, 3));
    assert_eq!(r.themes[0].word, "技术对接会");
    // Judged by the weighted score instead: still below 90.
    let weighted = ResultsQuery {
        method: Some(Method::Weighted),
        q: Some("对接".into()),
    };
    let r = surveys::results(&w.ctx, &w.operator, s.id, &weighted)
        .await
        .unwrap();
    assert_eq!((r.method, r.result.met), (Method::Weighted, Some(false)));
    let found: Vec<&str> = r.texts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(found, ["多办技术对接会", "技术对接会很好"]);
    // Another district's bureau and an enterprise may not read the results.
    for who in [&w.other_bureau, &w.enterprise] {
        let e = surveys::results(&w.ctx, who, s.id, &ResultsQuery::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
    }
    let report = surveys::report_docx(&w.ctx, &w.bureau, s.id).await.unwrap();
    assert!(report.bytes.starts_with(b"PK") && report.filename.ends_with("调查报告.docx"));
}

#[tokio::test]
async fn t7_who_builds_surveys_and_copying_last_years() {
    let w = world().await;
    // An enterprise builds none; an operator only for its district.
    let e = surveys::create(&w.ctx, &w.enterprise, &yearly(2024, "everyone"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let mut minhang = yearly(2024, "everyone");
    minhang.district_code = Some("310112".into());
    let e = surveys::create(&w.ctx, &w.operator, &minhang)
        .await
        .unwrap_err();
    assert!(
        e.kind == Kind::Forbidden && e.message.contains("本机构所在区"),
        "{e}"
    );
    // Not exactly one overall item: every bad field named, nothing stored.
    let mut bad = yearly(2024, "everyone");
    bad.items[0].overall = Some(false);
    let e = surveys::create(&w.ctx, &w.operator, &bad)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::OverallCount));
    // An event that does not exist.
    let mut ev = yearly(2024, "event_participants");
    ev.event_id = Some(999);
    let e = surveys::create(&w.ctx, &w.operator, &ev).await.unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::NotFound, Some("event_id"))
    );

    let last = surveys::create(&w.ctx, &w.operator, &yearly(2023, "enterprises"))
        .await
        .unwrap();
    let copy = surveys::copy(&w.ctx, &w.operator, last.id, None)
        .await
        .unwrap();
    assert_eq!(copy.year, 2024);
    assert_eq!(copy.title, "2024年度徐汇区知识产权运营服务满意度调查");
    assert_eq!(
        (copy.items.clone(), copy.invited_stated),
        (last.items.clone(), None)
    );
    // The bureau oversees but does not own it: no copying, no closing.
    let e = surveys::copy(&w.ctx, &w.bureau, last.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let page = surveys::page(&w.ctx, &w.bureau, copy.id).await.unwrap();
    assert!(!page.manage);
    assert_eq!(page.previous.map(|p| p.id), Some(last.id));
    let list = surveys::list(&w.ctx, &w.bureau, Some(2024)).await.unwrap();
    assert_eq!(list.surveys.len(), 1);
    assert_eq!(list.years, [2024, 2023]);
    assert!(
        surveys::list(&w.ctx, &w.other_bureau, None)
            .await
            .unwrap()
            .surveys
            .is_empty()
    );
    assert_eq!(
        surveys::list(&w.ctx, &w.enterprise, None)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    let card = surveys::home_card(&w.ctx, &w.operator)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (card.open.len(), card.this_year, card.this_year_count),
        (2, 2024, 1)
    );
    assert!(
        surveys::home_card(&w.ctx, &w.enterprise)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn t7_invitation_tokens_are_used_once_and_only_for_their_survey() {
    let w = world().await;
    let s = surveys::create(&w.ctx, &w.operator, &yearly(2024, "enterprises"))
        .await
        .unwrap();
    let other = surveys::create(&w.ctx, &w.operator, &yearly(2024, "universities"))
        .await
        .unwrap();
    let inv = surveys::invite(&w.ctx, &w.operator, s.id).await.unwrap();
    let names: Vec<&str> = inv
        .invitations
        .iter()
        .map(|i| i.org_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["徐汇甲公司", "徐汇乙公司"],
        "the district's enterprises only"
    );
    assert_eq!(inv.invited, 122, "120 stated + 2 invited");
    // Inviting again invites nobody new.
    let again = surveys::invite(&w.ctx, &w.operator, s.id).await.unwrap();
    assert!(again.invitations.is_empty() && again.already == 2);
    assert_eq!(
        surveys::invite(&w.ctx, &w.bureau, s.id)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    let token = inv.invitations[0].token.clone();
    let form = surveys::form(&w.ctx, s.id, Some(&token)).await.unwrap();
    assert_eq!(form.token, Some(TokenState::Valid));
    let with = |t: &str| Respond {
        answers: answers(json!([4, 1, null])),
        token: Some(t.into()),
        org_name: Some("徐汇甲公司".into()),
        client: None,
    };
    // Another survey's token, an unknown one: refused, nothing stored.
    let e = surveys::respond(&w.ctx, None, other.id, &with(&token))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::TokenOtherSurvey));
    let e = surveys::respond(&w.ctx, None, s.id, &with("0123"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::InvalidToken, Some("token"))
    );
    surveys::respond(&w.ctx, None, s.id, &with(&token))
        .await
        .unwrap();
    let e = surveys::respond(&w.ctx, None, s.id, &with(&token))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::TokenUsed));
    assert_eq!(
        surveys::form(&w.ctx, s.id, Some(&token))
            .await
            .unwrap()
            .token,
        Some(TokenState::Used)
    );
    let r = surveys::results(&w.ctx, &w.operator, s.id, &ResultsQuery::default())
        .await
        .unwrap();
    assert_eq!((r.result.valid, r.by_invitation), (1, 1));
    assert_eq!(r.named, ["徐汇甲公司"]);
    let other_r = surveys::results(&w.ctx, &w.operator, other.id, &ResultsQuery::default())
        .await
        .unwrap();
    assert_eq!(other_r.result.valid, 0);
}

#[tokio::test]
async fn t7_a_flood_from_one_address_is_throttled_until_the_window_passes() {
    let w = world().await;
    let s = surveys::create(&w.ctx, &w.operator, &yearly(2024, "everyone"))
        .await
        .unwrap();
    // Bad answers count as attempts too (they cost work), and write nothing.
    for _ in 0..RATE_MAX_PER_WINDOW {
        let e = surveys::respond(
            &w.ctx,
            None,
            s.id,
            &from("203.0.113.7", json!([9, 1, null])),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, Code::OutOfRange);
    }
    let e = surveys::respond(
        &w.ctx,
        None,
        s.id,
        &from("203.0.113.7", json!([5, 1, null])),
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Throttled, Code::RateLimited));
    // Another address answers; the same address after ten minutes too.
    surveys::respond(
        &w.ctx,
        None,
        s.id,
        &from("203.0.113.8", json!([5, 1, null])),
    )
    .await
    .unwrap();
    w.clock.advance(600);
    surveys::respond(
        &w.ctx,
        None,
        s.id,
        &from("203.0.113.7", json!([5, 1, null])),
    )
    .await
    .unwrap();
    let r = surveys::results(&w.ctx, &w.operator, s.id, &ResultsQuery::default())
        .await
        .unwrap();
    assert_eq!(r.result.valid, 2);
}

#[tokio::test]
async fn t7_closing_and_dates_refuse_responses_and_an_event_shows_its_rating() {
    let w = world().await;
    let event = events::create(
        &w.ctx,
        &w.operator,
        &EventInput {
            kind: Some("training".into()),
            title: Some("专利质押融资培训".into()),
            starts_at: Some("2024-06-10T14:00".into()),
            ends_at: Some("2024-06-10T16:00".into()),
            place: Some("徐汇区虹漕路 88 号".into()),
            capacity: Some(50),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut input = yearly(2024, "event_participants");
    input.event_id = Some(event.id);
    input.title = Some("专利质押融资培训评价".into());
    input.opens_on = Some("2024-06-10".into());
    input.invited = None;
    let s = surveys::create(&w.ctx, &w.operator, &input).await.unwrap();
    let ok = json!([5, 2, "讲得清楚"]);
    let e = surveys::respond(&w.ctx, None, s.id, &from("192.0.2.1", ok.clone()))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::SurveyNotOpen));
    w.clock.advance(10 * 86_400);
    assert_eq!(
        surveys::event_survey_id(&w.ctx, event.id).await.unwrap(),
        s.id
    );
    for (i, r) in [5, 4, 5, 3].iter().enumerate() {
        let ip = format!("192.0.2.{i}");
        surveys::respond(&w.ctx, None, s.id, &from(&ip, json!([r, 1, null])))
            .await
            .unwrap();
    }
    let page = events::page(&w.ctx, None, event.id).await.unwrap();
    let rating = page.rating.expect("the event's rating");
    assert_eq!(
        (rating.survey_id, rating.valid, rating.open),
        (s.id, 4, true)
    );
    assert_eq!(
        rating.satisfaction.top_two_pct.unwrap().to_string(),
        "75.00"
    );
    assert_eq!(rating.met, Some(false));
    // Closed by hand: 409 survey_closed; opened again, it answers.
    let closed = surveys::set_open(&w.ctx, &w.operator, s.id, false)
        .await
        .unwrap();
    assert_eq!(closed.window, ResponseWindow::Closed);
    let e = surveys::respond(&w.ctx, None, s.id, &from("192.0.2.9", ok.clone()))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::SurveyClosed));
    assert_eq!(
        surveys::invite(&w.ctx, &w.operator, s.id)
            .await
            .unwrap_err()
            .code,
        Code::SurveyClosed
    );
    surveys::set_open(&w.ctx, &w.operator, s.id, true)
        .await
        .unwrap();
    surveys::respond(&w.ctx, None, s.id, &from("192.0.2.9", ok))
        .await
        .unwrap();
    // K6 pools the district's yearly surveys only: this one rates an event.
    let k6 = surveys::k6_overall(&w.ctx, &w.bureau, Some("310104"), 2024)
        .await
        .unwrap();
    assert_eq!(k6.total(), 0);
    let yearly_s = surveys::create(&w.ctx, &w.operator, &yearly(2024, "everyone"))
        .await
        .unwrap();
    surveys::respond(
        &w.ctx,
        None,
        yearly_s.id,
        &from("192.0.2.50", json!([4, 1, null])),
    )
    .await
    .unwrap();
    let k6 = surveys::k6_overall(&w.ctx, &w.bureau, Some("310104"), 2024)
        .await
        .unwrap();
    assert_eq!((k6.total(), k6.count(4)), (1, 1));
    // K6 for the city pools every district's yearly surveys (the event's still left out).
    let city = surveys::k6_overall(&w.ctx, &w.municipal, None, 2024)
        .await
        .unwrap();
    assert_eq!((city.total(), city.count(4)), (1, 1));
    assert_eq!(
        surveys::k6_overall(&w.ctx, &w.other_bureau, Some("310104"), 2024)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
}
