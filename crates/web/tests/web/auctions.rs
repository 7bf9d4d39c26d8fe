//! The auctions' API contract (issue 14) over HTTP: create a session (201 `{"id", "lots": [{"id"}]}`),
//! register and confirm bidders, bid (201 `{"seq", "amount_wan", "ends_at"}`; 409 `bid_too_low`,
//! `lot_closed`, `not_started`, `not_confirmed`), the lot (`status`, `current_wan`,
//! `min_next_wan`, `ends_at`, `bids` masked, `winner_org_id` after the close to the operator and
//! the winner, `deal_id` after a sale), the reserve never in an answer, the SSE feed, the close by
//! the job, routing an unsold lot, and the pages. The clock stands at 2026-12-04 12:00 (Beijing).

use axum::http::StatusCode;
use serde_json::{Value, json};
use zhiyun_domain::auction::format_rfc3339;
use zhiyun_domain::org::OrgInput;
use zhiyun_service::Clock;
use zhiyun_web::Config;

use crate::common::{As, TestApp, uscc};

const XUHUI: &str = "310104";

fn number(body: &str) -> String {
    let w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let r: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum::<u32>()
        % 11;
    let c = if r == 10 {
        'X'
    } else {
        char::from_digit(r, 10).unwrap()
    };
    format!("{body}.{c}")
}

struct T {
    app: TestApp,
    clock: Clock,
    now: i64,
}

impl T {
    fn org(&self, user: &str) -> i64 {
        self.app.org_of[user]
    }

    async fn post(&self, who: &'static str, path: &str, body: Value) -> crate::common::Res {
        let t = self.app.api.tokens[who].clone();
        self.app.post(path, As::Bearer(&t), body).await
    }

    async fn get(&self, who: &'static str, path: &str) -> crate::common::Res {
        let t = self.app.api.tokens[who].clone();
        self.app.get(path, As::Bearer(&t)).await
    }

    async fn bid(&self, who: &'static str, lot: i64, amount: &str) -> crate::common::Res {
        self.post(
            who,
            &format!("/api/v1/lots/{lot}/bids"),
            json!({"amount_wan": amount}),
        )
        .await
    }
}

async fn spawn() -> T {
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let now = zhiyun_domain::time::unix_of(noon);
    let clock = Clock::fixed(now);
    let mut app = TestApp::start_with(Config::default(), clock.clone()).await;
    let specs: [(&'static str, &str, Option<&str>); 5] = [
        ("uni", "university", None),
        ("ent", "enterprise", Some("small")),
        ("ent2", "enterprise", Some("small")),
        ("op", "park_operator", None),
        ("bank", "bank", None),
    ];
    for (i, (user, kind, size)) in specs.into_iter().enumerate() {
        let org = app
            .add_org(OrgInput {
                kind: Some(kind.into()),
                name: Some(format!("{user} 机构")),
                uscc: Some(uscc(XUHUI, i as u32 + 1)),
                district_code: Some(XUHUI.into()),
                size_class: size.map(Into::into),
                ..Default::default()
            })
            .await;
        app.add_user(user, user, org, false).await;
        app.add_token(user).await;
    }
    let t = T { app, clock, now };
    for n in ["201710123456", "201710654321"] {
        let r = t
            .post(
                "uni",
                "/api/v1/patents",
                json!({
                    "number": number(n), "title": "一种锂离子电池隔膜及其制备方法", "kind": "invention",
                    "owner_org_id": t.org("uni"), "ipc": ["H01M 50/409"],
                    "filed_on": "2017-07-20", "granted_on": "2020-03-10", "legal_status": "granted",
                    "fee_paid_until": "2027-07-20", "overseas": [], "awards": []
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    t
}

/// The contract's example body: two lots, the first with reserve 280.
fn session(starts: i64, ends: i64) -> Value {
    json!({
        "title": "2026 年冬季专利拍卖会", "starts_at": format_rfc3339(starts),
        "ends_at": format_rfc3339(ends), "soft_close_seconds": 300, "commission_pct": "5",
        "lots": [
            {"title": "锂电池隔膜专利", "patents": [number("201710123456")], "kind": "transfer",
             "start_price_wan": "250", "increment_wan": "10", "reserve_wan": "280", "deposit_wan": "20"},
            {"title": "电极专利", "patents": [number("201710654321")], "kind": "exclusive_licence",
             "start_price_wan": "100", "increment_wan": "5", "reserve_wan": "500", "deposit_wan": "10"}
        ]
    })
}

async fn create(t: &T, body: Value) -> (i64, Vec<i64>) {
    let r = t.post("op", "/api/v1/auctions", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    let lots = v["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    (v["id"].as_i64().unwrap(), lots)
}

#[tokio::test]
async fn auctions_contract_create_register_confirm_bid_view_close() {
    let t = spawn().await;
    // Bad input: 422 with the field; a bank may not create one.
    let mut bad = session(t.now, t.now + 3600);
    bad["lots"][0]["reserve_wan"] = json!("200");
    bad["starts_at"] = json!("2026-12-10 14:00");
    let r = t.post("op", "/api/v1/auctions", bad).await;
    r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_datetime");
    let r = t
        .post("bank", "/api/v1/auctions", session(t.now, t.now + 3600))
        .await;
    r.api_error(StatusCode::FORBIDDEN, "forbidden");

    let (id, lots) = create(&t, session(t.now, t.now + 3600)).await;
    let (sold, unsold) = (lots[0], lots[1]);
    // Register: 201 with the masked number; without a body; the seller may not.
    let r = t
        .post("ent", &format!("/api/v1/auctions/{id}/bidders"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["bidder"], "竞买人 01");
    let r = t
        .post("uni", &format!("/api/v1/auctions/{id}/bidders"), json!({}))
        .await;
    r.api_error(StatusCode::CONFLICT, "seller_cannot_bid");
    let r = t
        .post("bank", &format!("/api/v1/auctions/{id}/bidders"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    t.bid("ent", sold, "250")
        .await
        .api_error(StatusCode::CONFLICT, "not_confirmed");
    // Only the operator confirms.
    let confirm = |who: &'static str, org: i64| {
        let path = format!("/api/v1/auctions/{id}/bidders/{org}/confirm");
        let t = &t;
        async move { t.post(who, &path, json!({})).await }
    };
    assert_eq!(
        confirm("ent", t.org("ent")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(confirm("op", t.org("ent")).await.status, StatusCode::OK);
    t.post("ent2", &format!("/api/v1/auctions/{id}/bidders"), json!({}))
        .await;
    assert_eq!(confirm("op", t.org("ent2")).await.status, StatusCode::OK);

    // Bids.
    t.bid("ent", sold, "240")
        .await
        .api_error(StatusCode::CONFLICT, "bid_too_low");
    let r = t.bid("ent", sold, "250").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    assert_eq!(v["seq"], 1);
    assert_eq!(v["amount_wan"], "250");
    assert_eq!(v["ends_at"], format_rfc3339(t.now + 3600));
    t.bid("ent2", sold, "255")
        .await
        .api_error(StatusCode::CONFLICT, "bid_too_low");
    assert_eq!(t.bid("ent2", sold, "260").await.status, StatusCode::CREATED);
    // A late bid extends the end by the window.
    t.clock.set(t.now + 3500);
    let r = t.bid("ent", sold, "290").await;
    assert_eq!(r.json()["ends_at"], format_rfc3339(t.now + 3800));
    assert_eq!(
        t.bid("ent", unsold, "100").await.status,
        StatusCode::CREATED
    );

    // The lot: public, masked, never the reserve.
    let r = t.app.get(&format!("/api/v1/lots/{sold}"), As::Anon).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["status"], "open");
    assert_eq!(v["current_wan"], "290.00");
    assert_eq!(v["min_next_wan"], "300.00");
    assert_eq!(v["ends_at"], format_rfc3339(t.now + 3800));
    assert_eq!(v["bids"].as_array().unwrap().len(), 3);
    assert_eq!(v["bids"][1]["bidder"], "竞买人 02");
    assert_eq!(v["bids"][0]["seq"], 1);
    assert!(v["bids"][0]["at"].as_str().unwrap().ends_with("+08:00"));
    let text = r.text();
    assert!(!text.contains("280"), "{text}");
    assert!(v["winner_org_id"].is_null());
    let r = t.get("op", &format!("/api/v1/auctions/{id}")).await;
    assert!(!r.text().contains("280"), "{}", r.text());
    assert_eq!(r.json()["bidders"].as_array().unwrap().len(), 2);
    let r = t.app.get(&format!("/api/v1/auctions/{id}"), As::Anon).await;
    assert!(r.json()["bidders"].as_array().unwrap().is_empty());

    // After the end: lot_closed before the job runs; the job makes the sale a deal.
    t.clock.set(t.now + 3800);
    t.bid("ent2", sold, "400")
        .await
        .api_error(StatusCode::CONFLICT, "lot_closed");
    let r = t.get("ent", &format!("/api/v1/lots/{sold}")).await;
    assert_eq!(r.json()["status"], "sold");
    assert_eq!(r.json()["winner_org_id"], t.org("ent"));
    let r = t.get("ent2", &format!("/api/v1/lots/{sold}")).await;
    assert!(r.json()["winner_org_id"].is_null());
    zhiyun_service::auctions::close_ended(&t.app.svc)
        .await
        .unwrap();
    let v = t.get("op", &format!("/api/v1/lots/{sold}")).await.json();
    assert_eq!(v["status"], "sold");
    assert_eq!(v["winner_org_id"], t.org("ent"));
    let deal = v["deal_id"].as_i64().expect("deal_id");
    let d = t.get("ent", &format!("/api/v1/deals/{deal}")).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text());
    let v = t.get("op", &format!("/api/v1/lots/{unsold}")).await.json();
    assert_eq!(v["status"], "unsold");
    assert!(v["deal_id"].is_null());

    // Routing the unsold lot back to the supply list.
    let r = t
        .post(
            "op",
            &format!("/api/v1/lots/{unsold}/route"),
            json!({"route": "back_to_supply_list", "listing": {"field": "新材料",
                   "contact_name": "王老师", "contact_phone": "13800138000"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["listing_id"].as_i64().is_some());
    let r = t
        .post(
            "op",
            &format!("/api/v1/lots/{unsold}/route"),
            json!({"route": "later_session"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Pages.
    let page = t.app.get("/auctions", As::Anon).await.page(StatusCode::OK);
    assert!(page.contains("2026 年冬季专利拍卖会"), "{page}");
    let page = t
        .app
        .get(&format!("/lots/{sold}"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(
        page.contains("已成交") && page.contains("竞买人 01"),
        "{page}"
    );
    assert!(!page.contains("280.00"));
}

#[tokio::test]
async fn auctions_not_started_and_the_stream_sends_the_lot() {
    let t = spawn().await;
    let (id, lots) = create(&t, session(t.now + 600, t.now + 3600)).await;
    for who in ["ent", "ent2"] {
        t.post(who, &format!("/api/v1/auctions/{id}/bidders"), json!({}))
            .await;
        let org = t.org(who);
        t.post(
            "op",
            &format!("/api/v1/auctions/{id}/bidders/{org}/confirm"),
            json!({}),
        )
        .await;
    }
    t.bid("ent", lots[0], "250")
        .await
        .api_error(StatusCode::CONFLICT, "not_started");
    let v = t
        .app
        .get(&format!("/api/v1/lots/{}", lots[0]), As::Anon)
        .await
        .json();
    assert_eq!(v["status"], "upcoming");

    // The SSE feed's first event is the lot.
    use axum::body::Body;
    use axum::http::Request;
    use futures_util::StreamExt;
    use tower::ServiceExt;
    let res = t
        .app
        .api
        .router
        .clone()
        .oneshot(
            Request::get(format!("/api/v1/lots/{}/stream", lots[0]))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = res.into_body().into_data_stream();
    let frame = body.next().await.unwrap().unwrap();
    let chunk = String::from_utf8(frame.to_vec()).unwrap();
    assert!(chunk.starts_with("event: lot\ndata: {"), "{chunk}");
    assert!(chunk.contains("\"status\":\"upcoming\""), "{chunk}");
    let r = t.app.get("/api/v1/lots/999999/stream", As::Anon).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The owner's consent: the operator's form refuses a lot without it (ticked, and what it is),
/// stores it and shows it to the operator only; the API takes it optionally, at most 200 chars.
#[tokio::test]
async fn auctions_form_requires_the_owners_consent_and_stores_it() {
    let t = spawn().await;
    let cookie = t.app.login("op").await;
    let lot = [
        ("title", "寒假专利拍卖会"),
        ("starts_at", "2026-12-04T13:00"),
        ("ends_at", "2026-12-04T15:00"),
        ("soft_close_seconds", "300"),
        ("commission_pct", "5"),
        ("seller_commission_pct", "5"),
        ("lot1_title", "锂电池隔膜专利"),
        ("lot1_kind", "transfer"),
        ("lot1_start", "250"),
        ("lot1_increment", "10"),
        ("lot1_deposit", "20"),
    ];
    let patent = number("201710123456");
    let mut pairs: Vec<(&str, &str)> = lot.to_vec();
    pairs.push(("lot1_patents", &patent));
    let count = |v: Value| v.as_array().unwrap().len();
    let before = count(t.get("op", "/api/v1/auctions").await.json());

    // Not ticked, then ticked without saying what the consent is: refused, nothing created.
    let r = t
        .app
        .form("/auctions/new", As::Cookie(&cookie), &pairs)
        .await;
    let html = r.page(StatusCode::OK);
    assert!(
        html.contains("标的 1：请确认已取得专利权人（委托人）同意拍卖的书面授权并勾选"),
        "{html}"
    );
    assert!(html.contains("锂电池隔膜专利"), "the form keeps its values");
    pairs.push(("lot1_consent", "on"));
    let r = t
        .app
        .form("/auctions/new", As::Cookie(&cookie), &pairs)
        .await;
    let html = r.page(StatusCode::OK);
    assert!(html.contains("标的 1：请填写权利人同意的依据"), "{html}");
    assert_eq!(count(t.get("op", "/api/v1/auctions").await.json()), before);

    // Ticked and said: created, stored, shown to the operator, never to the public.
    pairs.push(("lot1_consent_text", " 权利人授权书 2026-11-30 "));
    let r = t
        .app
        .form("/auctions/new", As::Cookie(&cookie), &pairs)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id: i64 = r
        .location()
        .trim_start_matches("/auctions/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let s = t.get("op", &format!("/api/v1/auctions/{id}")).await.json();
    let lot_id = s["lots"][0]["id"].as_i64().unwrap();
    let v = t.get("op", &format!("/api/v1/lots/{lot_id}")).await.json();
    assert_eq!(v["owner_consent"], "权利人授权书 2026-11-30");
    let v = t.get("ent", &format!("/api/v1/lots/{lot_id}")).await.json();
    assert!(v.get("owner_consent").is_none(), "{v}");
    let page = t
        .app
        .get(&format!("/lots/{lot_id}"), As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(
        page.contains("id=\"owner-consent\">权利人授权书 2026-11-30<"),
        "{page}"
    );
    let page = t
        .app
        .get(&format!("/lots/{lot_id}"), As::Anon)
        .await
        .page(StatusCode::OK);
    assert!(!page.contains("权利人授权书"), "{page}");

    // The API: optional (the contract's body has none), at most 200 characters.
    let mut body = session(t.now + 60, t.now + 3600);
    body["lots"][1]["owner_consent"] = json!("权".repeat(201));
    let r = t.post("op", "/api/v1/auctions", body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["error"]["errors"].clone();
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "lots.1.owner_consent" && e["code"] == "too_long"),
        "{errors}"
    );
}
