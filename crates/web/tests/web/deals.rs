//! The deal ledger's API contract (issue 12): create (201 `{"id"}`, amounts as string or number,
//! stage from `signed_on`), get with `contracted_wan`/`received_wan`/`filing_due_on` and the seven
//! `checks`, list with filters and the XLSX export, payments, filings, stage moves, overrules,
//! yearly figures; every bad input the issue lists (field + code, nothing written), the refusals
//! per role (403/404), and the pages. The clock stands at 2026-12-04 (Beijing).

use axum::http::StatusCode;
use serde_json::{Value, json};
use zhiyun_domain::org::OrgInput;
use zhiyun_service::Clock;
use zhiyun_web::Config;

use crate::common::{As, TestApp, uscc};

const XUHUI: &str = "310104";
const CHONGMING: &str = "310151";

/// `body` (12 digits) with its check character.
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
    /// Granted, owned by `uni`, expires 2037-07-19.
    p_ok: String,
    /// Lapsed (2024-07-20), owned by `uni`.
    p_lapsed: String,
    /// Granted, owned by `ent_cm`.
    p_other: String,
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

    /// A licence from `uni` to `ent` of `p_ok`, signed 2026-09-01, effective 2026-09-15.
    fn licence(&self) -> Value {
        json!({
            "kind": "licence", "licence_type": "exclusive",
            "from_org_id": self.org("uni"), "to_org_id": self.org("ent"),
            "patents": [self.p_ok], "venue": "off_exchange", "amount_wan": "120.50",
            "signed_on": "2026-09-01", "effective_on": "2026-09-15", "term_until": "2030-09-14"
        })
    }

    async fn create(&self, who: &'static str, body: Value) -> i64 {
        let r = self.post(who, "/api/v1/deals", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["id"]);
        v["id"].as_i64().unwrap()
    }

    async fn deal(&self, who: &'static str, id: i64) -> Value {
        let r = self.get(who, &format!("/api/v1/deals/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }

    async fn count(&self) -> usize {
        self.get("admin", "/api/v1/deals").await.json()["items"]
            .as_array()
            .unwrap()
            .len()
    }
}

async fn spawn() -> T {
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let clock = Clock::fixed(zhiyun_domain::time::unix_of(noon));
    let mut app = TestApp::start_with(Config::default(), clock).await;
    let specs: [(&'static str, &str, Option<&str>, Option<&str>); 8] = [
        ("uni", "university", Some(XUHUI), None),
        ("ent", "enterprise", Some(XUHUI), Some("small")),
        ("ent_cm", "enterprise", Some(CHONGMING), Some("micro")),
        ("op", "park_operator", Some(XUHUI), None),
        ("op_cm", "park_operator", Some(CHONGMING), None),
        ("agency", "agency", Some(XUHUI), None),
        ("bank", "bank", Some(XUHUI), None),
        ("admin", "municipal_bureau", None, None),
    ];
    for (i, (user, kind, district, size)) in specs.into_iter().enumerate() {
        let org = app
            .add_org(OrgInput {
                kind: Some(kind.into()),
                name: Some(format!("{user} 机构")),
                uscc: Some(uscc(district.unwrap_or("310000"), i as u32 + 1)),
                district_code: district.map(Into::into),
                size_class: size.map(Into::into),
                ..Default::default()
            })
            .await;
        app.add_user(user, user, org, user == "admin").await;
        app.add_token(user).await;
    }
    let t = T {
        p_ok: number("201710123456"),
        p_lapsed: number("201710654321"),
        p_other: number("201810111111"),
        app,
    };
    for (owner, n, lapsed) in [
        ("uni", t.p_ok.clone(), false),
        ("uni", t.p_lapsed.clone(), true),
        ("ent_cm", t.p_other.clone(), false),
    ] {
        let mut body = json!({
            "number": n, "title": "一种锂离子电池隔膜及其制备方法", "kind": "invention",
            "owner_org_id": t.org(owner), "ipc": ["H01M 50/409"],
            "filed_on": "2017-07-20", "granted_on": "2020-03-10", "legal_status": "granted",
            "fee_paid_until": "2027-07-20", "overseas": [], "awards": []
        });
        if n.starts_with("2018") {
            body["filed_on"] = json!("2018-07-20");
            body["fee_paid_until"] = json!("2027-07-20");
        }
        if lapsed {
            body["legal_status"] = json!("lapsed");
            body["fee_paid_until"] = json!("2024-07-20");
        }
        let r = t.post(owner, "/api/v1/patents", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    t
}

fn check<'a>(deal: &'a Value, rule: &str) -> &'a Value {
    deal["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule)
        .unwrap_or_else(|| panic!("no check {rule}: {deal}"))
}

#[tokio::test]
async fn t4_create_and_get_as_the_contract_says() {
    let t = spawn().await;
    let id = t.create("uni", t.licence()).await;
    let d = t.deal("uni", id).await;
    assert_eq!(d["stage"], "signed");
    assert_eq!(d["kind"], "licence");
    assert_eq!(d["licence_type"], "exclusive");
    assert_eq!(d["contracted_wan"], "120.50");
    assert_eq!(d["received_wan"], "0.00");
    assert_eq!(d["filing_due_on"], "2026-12-15");
    assert_eq!(d["patents"], json!([t.p_ok]));
    let rules: Vec<&str> = d["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "owner",
            "in_force",
            "fee_paid",
            "term_within_expiry",
            "pledge_consent",
            "co_owner_consent",
            "exclusive_overlap"
        ]
    );
    for c in d["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "pass", "{c}");
        assert!(!c["message"].as_str().unwrap().is_empty());
    }
    // The reminder: due within 30 days (11 days left).
    assert_eq!(d["reminder"]["level"], "due_in_30");
    assert_eq!(d["reminder"]["days_left"], 11);

    // An amount as a number; without signed_on the deal is negotiating; a transfer has no due date.
    let mut b = t.licence();
    b["amount_wan"] = json!(80.5);
    b["signed_on"] = Value::Null;
    b["effective_on"] = Value::Null;
    b["licence_type"] = json!("ordinary");
    let id2 = t.create("ent", b).await;
    let d2 = t.deal("ent", id2).await;
    assert_eq!(d2["stage"], "negotiating");
    assert_eq!(d2["contracted_wan"], "80.50");
    assert_eq!(d2["filing_due_on"], Value::Null);
    let transfer = json!({
        "kind": "transfer", "from_org_id": t.org("uni"), "to_org_id": t.org("ent"),
        "patents": [t.p_ok], "venue": "sipex", "exchange_mode": "agreement",
        "amount_wan": "300", "signed_on": "2020-05-06"
    });
    let id3 = t.create("op", transfer).await;
    let d3 = t.deal("op", id3).await;
    assert_eq!(
        (d3["stage"].as_str(), d3["filing_due_on"].as_null()),
        (Some("signed"), Some(()))
    );
    assert_eq!(check(&d3, "term_within_expiry")["status"], "pass");
    // The licence shows on the patent's facts: a second exclusive licence overlapping fails.
    let mut b = t.licence();
    b["to_org_id"] = json!(t.org("ent_cm"));
    let id4 = t.create("uni", b).await;
    let d4 = t.deal("uni", id4).await;
    assert_eq!(check(&d4, "exclusive_overlap")["status"], "fail", "{d4}");
    assert!(
        check(&d4, "exclusive_overlap")["message"]
            .as_str()
            .unwrap()
            .contains(&t.p_ok)
    );
}

#[tokio::test]
async fn t4_bad_input_names_the_field_and_writes_nothing() {
    let t = spawn().await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "same party",
            json!({"to_org_id": t.org("uni")}),
            "to_org_id",
            "same_party",
        ),
        (
            "licence without type",
            json!({"licence_type": null}),
            "licence_type",
            "required",
        ),
        (
            "transfer with a type",
            json!({"kind": "transfer", "term_until": null}),
            "licence_type",
            "not_applicable",
        ),
        (
            "effective before signing",
            json!({"effective_on": "2026-08-01"}),
            "effective_on",
            "effective_before_signed",
        ),
        (
            "patent not in the register",
            json!({"patents": [number("202010999999")]}),
            "patents.0",
            "unknown_patent",
        ),
        (
            "term past expiry",
            json!({"term_until": "2040-01-01"}),
            "term_until",
            "term_past_expiry",
        ),
        (
            "bad amount",
            json!({"amount_wan": "12.345"}),
            "amount_wan",
            "bad_amount",
        ),
        (
            "unknown kind",
            json!({"kind": "lease"}),
            "kind",
            "unknown_value",
        ),
        (
            "unknown org",
            json!({"to_org_id": 99999}),
            "to_org_id",
            "unknown_org",
        ),
    ];
    for (what, patch, field, code) in cases {
        let mut b = t.licence();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let r = t.post("uni", "/api/v1/deals", b).await;
        let e = r.api_error(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(e["field"], field, "{what}: {e}");
    }
    // Not JSON, and a wrong type: 400, never 500.
    let r = t
        .post("uni", "/api/v1/deals", json!({"from_org_id": "three"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(t.count().await, 0, "nothing half-written");

    // A patent not owned by the giving party is a failing check, not a refusal.
    let mut b = t.licence();
    b["patents"] = json!([t.p_other]);
    let id = t.create("uni", b).await;
    let d = t.deal("uni", id).await;
    assert_eq!(check(&d, "owner")["status"], "fail");
    assert!(
        check(&d, "owner")["message"]
            .as_str()
            .unwrap()
            .contains(&t.p_other)
    );
}

#[tokio::test]
async fn t8_payments_up_to_the_contract_and_refused_beyond_it() {
    let t = spawn().await;
    let id = t.create("uni", t.licence()).await;
    let path = format!("/api/v1/deals/{id}/payments");
    let r = t
        .post(
            "ent",
            &path,
            json!({"amount_wan": "40", "received_on": "2026-10-30"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(r.json()["id"].as_i64().is_some());
    let r = t
        .post(
            "op",
            &path,
            json!({"amount_wan": 80.5, "received_on": "2026-11-30"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let d = t.deal("uni", id).await;
    assert_eq!(
        (d["contracted_wan"].as_str(), d["received_wan"].as_str()),
        (Some("120.50"), Some("120.50"))
    );
    let r = t
        .post(
            "uni",
            &path,
            json!({"amount_wan": "0.01", "received_on": "2026-12-01"}),
        )
        .await;
    let e = r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "exceeds_contract");
    assert_eq!(e["field"], "amount_wan");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("120.50") && m.contains("0.01"), "{m}");
    let r = t
        .post(
            "uni",
            &path,
            json!({"amount_wan": "1", "received_on": "2027-01-01"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "date_in_future")["field"],
        "received_on"
    );
    // Roles: the agency may not record money; a stranger does not see the deal.
    let r = t
        .post(
            "agency",
            &path,
            json!({"amount_wan": "1", "received_on": "2026-12-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = t
        .post(
            "ent_cm",
            &path,
            json!({"amount_wan": "1", "received_on": "2026-12-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.deal("uni", id).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A negotiating deal takes no money.
    let mut b = t.licence();
    b["signed_on"] = Value::Null;
    b["effective_on"] = Value::Null;
    let id2 = t.create("uni", b).await;
    let r = t
        .post(
            "uni",
            &format!("/api/v1/deals/{id2}/payments"),
            json!({"amount_wan": "1", "received_on": "2026-12-01"}),
        )
        .await;
    r.api_error(StatusCode::CONFLICT, "deal_not_signed");
}

#[tokio::test]
async fn t4_a_failing_check_blocks_filing_until_the_operator_overrules_it() {
    let t = spawn().await;
    let mut b = t.licence();
    b["patents"] = json!([t.p_ok, t.p_lapsed]);
    b["term_until"] = json!("2030-09-14");
    let id = t.create("uni", b).await;
    let d = t.deal("uni", id).await;
    assert_eq!(check(&d, "in_force")["status"], "fail");
    assert!(
        check(&d, "in_force")["message"]
            .as_str()
            .unwrap()
            .contains(&t.p_lapsed)
    );
    assert_eq!(d["blocking_checks"], json!(["in_force", "fee_paid"]));
    let stage = format!("/api/v1/deals/{id}/stage");
    // Filing first needs a filing recorded.
    let r = t
        .post("uni", &stage, json!({"stage": "filed", "on": "2026-11-20"}))
        .await;
    r.api_error(StatusCode::CONFLICT, "filing_required");
    let filings = format!("/api/v1/deals/{id}/filings");
    let r = t
        .post(
            "uni",
            &filings,
            json!({"kind": "transfer_registration", "filed_on": "2026-11-20", "status": "filed"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "wrong_filing_kind")["field"],
        "kind"
    );
    let r = t
        .post(
            "uni",
            &filings,
            json!({"kind": "licence_record", "filed_on": "2026-11-20", "status": "accepted"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "required")["field"],
        "number"
    );
    let r = t
        .post(
            "agency",
            &filings,
            json!({"kind": "licence_record", "filed_on": "2026-11-20", "status": "filed"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the agency is not named on this deal"
    );
    let r = t
        .post(
            "uni",
            &filings,
            json!({"kind": "licence_record", "filed_on": "2026-11-20", "status": "filed"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = t
        .post("uni", &stage, json!({"stage": "filed", "on": "2026-11-20"}))
        .await;
    let e = r.api_error(StatusCode::CONFLICT, "checks_blocking");
    assert!(
        e["message"].as_str().unwrap().contains("专利已授权且有效"),
        "{e}"
    );
    // Only the district's operator overrules, with a comment.
    let over = format!("/api/v1/deals/{id}/overrules");
    let r = t
        .post("uni", &over, json!({"rule": "in_force", "comment": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post("op", &over, json!({"rule": "in_force"})).await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "required")["field"],
        "comment"
    );
    let r = t
        .post("op", &over, json!({"rule": "owner", "comment": "x"}))
        .await;
    r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_overrule");
    for rule in ["in_force", "fee_paid"] {
        let r = t
            .post(
                "op",
                &over,
                json!({"rule": rule, "comment": "失效专利不在许可范围内，合同已补充说明"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let r = t
        .post("uni", &stage, json!({"stage": "filed", "on": "2026-11-20"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["stage"], "filed");
    // Completing needs the filing accepted.
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "completed", "on": "2026-11-25"}),
        )
        .await;
    r.api_error(StatusCode::CONFLICT, "filing_not_accepted");
    let r = t.post("uni", &filings, json!({"kind": "licence_record", "filed_on": "2026-11-21", "status": "accepted", "number": "2026310000123"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = t
        .post(
            "ent",
            &stage,
            json!({"stage": "completed", "on": "2026-11-25"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = t.deal("uni", id).await;
    assert_eq!(d["stage"], "completed");
    let stages: Vec<&str> = d["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["signed", "filed", "completed"]);
    assert_eq!(d["reminder"], Value::Null);
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "cancelled", "on": "2026-11-26", "reason": "x"}),
        )
        .await;
    r.api_error(StatusCode::CONFLICT, "bad_stage");
}

#[tokio::test]
async fn t4_stage_moves_follow_the_pipeline_and_the_policy() {
    let t = spawn().await;
    let mut b = t.licence();
    b["signed_on"] = Value::Null;
    b["effective_on"] = Value::Null;
    let id = t.create("uni", b).await;
    let stage = format!("/api/v1/deals/{id}/stage");
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "dancing", "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_value")["field"],
        "stage"
    );
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "signed", "on": "2027-01-01"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "date_in_future")["field"],
        "on"
    );
    let r = t
        .post(
            "ent_cm",
            &stage,
            json!({"stage": "signed", "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .post(
            "agency",
            &stage,
            json!({"stage": "signed", "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Signing sets the dates and the filing deadline (2026-11-30 → 2027-02-28).
    let r = t
        .post(
            "ent",
            &stage,
            json!({"stage": "signed", "on": "2026-11-30"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = r.json();
    assert_eq!(
        (d["signed_on"].as_str(), d["filing_due_on"].as_str()),
        (Some("2026-11-30"), Some("2027-02-28"))
    );
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "cancelled", "on": "2026-12-01"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "reason_required")["field"],
        "reason"
    );
    let r = t
        .post(
            "uni",
            &stage,
            json!({"stage": "settled", "on": "2026-12-01"}),
        )
        .await;
    r.api_error(StatusCode::CONFLICT, "bad_stage");
    let r = t
        .post(
            "op",
            &stage,
            json!({"stage": "cancelled", "on": "2026-12-01", "reason": "被许可方资金未到位"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["cancel_reason"], "被许可方资金未到位");
}

#[tokio::test]
async fn t4_reading_and_creating_follow_the_policy() {
    let t = spawn().await;
    let id = t.create("uni", t.licence()).await;
    let path = format!("/api/v1/deals/{id}");
    for who in ["uni", "ent", "op", "admin"] {
        assert_eq!(t.get(who, &path).await.status, StatusCode::OK, "{who}");
    }
    for who in ["ent_cm", "op_cm", "agency", "bank"] {
        let r = t.get(who, &path).await;
        r.api_error(StatusCode::NOT_FOUND, "not_found");
    }
    assert_eq!(
        t.app.get(&path, As::Anon).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A stranger may not create a deal between others.
    let r = t.post("ent_cm", "/api/v1/deals", t.licence()).await;
    r.api_error(StatusCode::FORBIDDEN, "forbidden");
    let r = t.post("bank", "/api/v1/deals", t.licence()).await;
    r.api_error(StatusCode::FORBIDDEN, "forbidden");
    // Lists show only what the caller reads.
    let n = |v: Value| v["items"].as_array().unwrap().len();
    assert_eq!(n(t.get("ent", "/api/v1/deals").await.json()), 1);
    assert_eq!(n(t.get("ent_cm", "/api/v1/deals").await.json()), 0);
}

#[tokio::test]
async fn t8_list_filters_totals_export_and_benefiting_smes() {
    let t = spawn().await;
    let id = t.create("uni", t.licence()).await;
    let transfer = json!({
        "kind": "transfer", "from_org_id": t.org("uni"), "to_org_id": t.org("ent_cm"),
        "patents": [t.p_ok], "venue": "off_exchange", "amount_wan": "50", "signed_on": "2025-03-01"
    });
    t.create("uni", transfer).await;
    t.post(
        "ent",
        &format!("/api/v1/deals/{id}/payments"),
        json!({"amount_wan": "20.25", "received_on": "2026-10-01"}),
    )
    .await;
    let v = t.get("uni", "/api/v1/deals").await.json();
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["totals"]["contracted_wan"], "170.50");
    assert_eq!(v["totals"]["received_wan"], "20.25");
    let v = t
        .get("uni", "/api/v1/deals?year=2026&kind=licence")
        .await
        .json();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["id"], id);
    let v = t
        .get("uni", &format!("/api/v1/deals?district={CHONGMING}"))
        .await
        .json();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["kind"], "transfer");
    t.get("uni", "/api/v1/deals?year=20x6")
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_year");
    t.get("uni", "/api/v1/deals?kind=lease")
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_value");
    t.get("uni", "/api/v1/deals?district=999999")
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown_district");
    let r = t.get("uni", "/api/v1/deals.xlsx?year=2026").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header(axum::http::header::CONTENT_TYPE)
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(r.body.starts_with(b"PK"));

    // T8: the enterprise records its figures; the ledger sums them per year.
    let annual = format!("/api/v1/orgs/{}/annual/2026", t.org("ent"));
    let body = json!({"revenue_wan": "1200", "headcount": 85, "patent_product_revenue_wan": "300"});
    let r = t
        .app
        .put(
            &annual,
            As::Bearer(&t.app.api.tokens["ent"].clone()),
            body.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["revenue_wan"], "1200.00");
    let r = t
        .app
        .put(
            &annual,
            As::Bearer(&t.app.api.tokens["uni"].clone()),
            body.clone(),
        )
        .await;
    r.api_error(StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .app
        .put(
            &annual,
            As::Bearer(&t.app.api.tokens["op"].clone()),
            json!({"revenue_wan": "100", "headcount": 3, "patent_product_revenue_wan": "300"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "exceeds_revenue")["field"],
        "patent_product_revenue_wan"
    );
    let r = t
        .app
        .put(
            &format!("/api/v1/orgs/{}/annual/2026", t.org("ent")),
            As::Bearer(&t.app.api.tokens["op"].clone()),
            json!({"revenue_wan": "1300", "headcount": "x", "patent_product_revenue_wan": "300"}),
        )
        .await;
    assert_eq!(
        r.api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_number")["field"],
        "headcount"
    );
    let r = t
        .app
        .put(
            "/api/v1/orgs/99999/annual/2026",
            As::Bearer(&t.app.api.tokens["op"].clone()),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let v = t.get("uni", "/api/v1/deals").await.json();
    assert_eq!(
        v["smes"],
        json!([
            {"year": 2026, "smes": 1, "reported": 1, "revenue_wan": "1200.00", "headcount": 85, "patent_product_revenue_wan": "300.00"},
            {"year": 2025, "smes": 1, "reported": 0, "revenue_wan": "0.00", "headcount": 0, "patent_product_revenue_wan": "0.00"}
        ])
    );
}

#[tokio::test]
async fn t4_pages_show_the_ledger_the_deal_and_the_filing_sheet() {
    let t = spawn().await;
    let id = t.create("uni", t.licence()).await;
    let cookie = t.app.login("uni").await;
    let html = t
        .app
        .get("/deals", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(
        html.contains("专利交易台账") && html.contains("120.50"),
        "{html}"
    );
    let html = t
        .app
        .get(&format!("/deals/{id}"), As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    for s in [
        "2026-12-15",
        "出让方为专利权人",
        "cpservice.cnipa.gov.cn",
        "登记到账",
        "30 天内到期",
    ] {
        assert!(html.contains(s), "{s}");
    }
    // A refused payment shows on the form, in Chinese, naming the figures.
    let r = t
        .app
        .form(
            &format!("/deals/{id}/payments"),
            As::Cookie(&cookie),
            &[("amount_wan", "200"), ("received_on", "2026-12-01")],
        )
        .await;
    let html = r.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("到账合计将超过合同金额"), "{html}");
    let r = t
        .app
        .form(
            &format!("/deals/{id}/payments"),
            As::Cookie(&cookie),
            &[("amount_wan", "20"), ("received_on", "2026-12-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = t
        .app
        .get(
            &format!("/deals/{id}/filing-sheet.docx"),
            As::Cookie(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
    let html = t
        .app
        .get("/deals/new", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(html.contains("登记交易"));
    let r = t
        .app
        .form(
            "/deals/new",
            As::Cookie(&cookie),
            &[
                ("kind", "licence"),
                ("from_org_id", &t.org("uni").to_string()),
                ("to_org_id", &t.org("uni").to_string()),
                ("patents", &t.p_ok),
                ("venue", "off_exchange"),
                ("amount_wan", "10"),
            ],
        )
        .await;
    let html = r.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能是同一机构"), "{html}");
    let other = t.app.login("ent_cm").await;
    assert_eq!(
        t.app
            .get(&format!("/deals/{id}"), As::Cookie(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
