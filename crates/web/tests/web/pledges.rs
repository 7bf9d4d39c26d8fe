//! Pledge financing and IP insurance over HTTP (T5, issue 13): the contract (`POST
//! /api/v1/pledges` → 201 at `applied`, stage moves, `GET` with `stage`, `registered_on`,
//! `checks` and `cycle_days`, the list with its filters and `.xlsx`), every bad input of the issue
//! (pledgee not a bank, repayment before the start or after a patent's expiry, zero or three
//! decimals of 万元, a patent pledged twice at once, a skipped or reversed stage) with nothing
//! half-written, the checks before registration blocking until overruled, roles, products and
//! insurance policies. The clock stands at 2026-12-04 (Beijing).

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use zhiyun_service::Clock;
use zhiyun_web::Config;

use crate::common::{self, TestApp};

const XUHUI: &str = "310104";

/// `body` (12 digits) with its check character.
fn number(body: &str) -> String {
    let w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let r: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum::<u32>()
        % 11;
    format!(
        "{body}.{}",
        if r == 10 {
            'X'
        } else {
            char::from_digit(r, 10).unwrap()
        }
    )
}

async fn app() -> TestApp {
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let clock = Clock::fixed(zhiyun_domain::time::unix_of(noon));
    let mut app = TestApp::start_with(Config::default(), clock).await;
    let specs: [(&'static str, &str, &str, Option<&str>, u32); 9] = [
        ("ent", "enterprise", "徐汇甲科技有限公司", Some(XUHUI), 1),
        ("ent2", "enterprise", "徐汇乙科技有限公司", Some(XUHUI), 2),
        ("op", "park_operator", "徐汇园区运营", Some(XUHUI), 3),
        (
            "xuhui",
            "district_bureau",
            "徐汇区知识产权局",
            Some(XUHUI),
            0,
        ),
        (
            "minhang",
            "district_bureau",
            "闵行区知识产权局",
            Some("310112"),
            0,
        ),
        ("bank", "bank", "上海农商银行徐汇支行", Some(XUHUI), 4),
        ("bank2", "bank", "浦发银行漕河泾支行", Some(XUHUI), 5),
        ("insurer", "insurer", "人保财险上海分公司", Some(XUHUI), 6),
        ("city", "municipal_bureau", "上海市知识产权局", None, 0),
    ];
    for (user, kind, name, district, n) in specs {
        let org = app
            .add_org(zhiyun_domain::org::OrgInput {
                kind: Some(kind.into()),
                name: Some(name.into()),
                uscc: (n > 0).then(|| common::uscc(XUHUI, n)),
                district_code: district.map(Into::into),
                size_class: (kind == "enterprise").then(|| "small".into()),
                ..Default::default()
            })
            .await;
        app.add_user(user, user, org, false).await;
        app.add_token(user).await;
    }
    app
}

async fn call(
    t: &TestApp,
    who: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    t.call(Some(who), method, path, body).await
}

/// Register a granted patent of `owner` (filed on `filed`, fees paid until `fee_until`).
async fn patent(t: &TestApp, owner: &str, body: &str, filed: &str, fee_until: &str) -> String {
    let n = number(body);
    let (s, v) = call(
        t,
        owner,
        Method::POST,
        "/api/v1/patents",
        Some(json!({"number": n, "title": format!("一种测试装置{body}"),
            "owner_org_id": t.org_of[owner], "filed_on": filed, "granted_on": "2022-03-01",
            "legal_status": "granted", "fee_paid_until": fee_until})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    n
}

async fn product(t: &TestApp, bank: &str, appraisal: bool) -> i64 {
    let (s, v) = call(
        t,
        bank,
        Method::POST,
        "/api/v1/pledge-products?publish=true",
        Some(
            json!({"name": "科创知识产权贷", "collateral": "mixed", "amount_min_wan": "50",
            "amount_max_wan": "1000", "term_min_months": 6, "term_max_months": 36,
            "rate_min_pct": "3.45", "rate_max_pct": "4.5", "appraisal_required": appraisal,
            "eligible": ["high_tech"], "risk_sharing": [{"kind": "risk_fund", "share_pct": "50"}],
            "description": "以有效发明专利质押", "contact_name": "王经理",
            "contact_phone": "021-64001234"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

fn apply_body(t: &TestApp, patents: &[&str]) -> Value {
    json!({"kind": "patent", "pledgor_org_id": t.org_of["ent"], "pledgee_org_id": t.org_of["bank"],
        "patents": patents, "trademarks": [], "amount_wan": "500", "loan_start": "2026-12-01",
        "repay_by": "2027-11-30", "applied_on": "2026-10-25"})
}

async fn apply(t: &TestApp, who: &str, body: Value) -> i64 {
    let (s, v) = call(t, who, Method::POST, "/api/v1/pledges", Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn stage(t: &TestApp, who: &str, id: i64, body: Value) -> (StatusCode, Value) {
    call(
        t,
        who,
        Method::POST,
        &format!("/api/v1/pledges/{id}/stage"),
        Some(body),
    )
    .await
}

async fn ok_stage(t: &TestApp, who: &str, id: i64, body: Value) -> Value {
    let (s, v) = stage(t, who, id, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Through appraisal, due diligence and approval to registration on `reg_on`.
async fn to_registered(t: &TestApp, id: i64, reg_on: &str) -> Value {
    ok_stage(
        t,
        "bank",
        id,
        json!({"stage": "appraisal", "on": "2026-11-01",
        "appraisal": {"value_wan": "800", "appraiser": "上海某资产评估公司", "method": "income",
                      "standard": "gbt_42748"}}),
    )
    .await;
    ok_stage(
        t,
        "bank",
        id,
        json!({"stage": "due_diligence", "on": "2026-11-08"}),
    )
    .await;
    ok_stage(
        t,
        "bank",
        id,
        json!({"stage": "approved", "on": "2026-11-18", "amount_wan": "400"}),
    )
    .await;
    ok_stage(
        t,
        "bank",
        id,
        json!({"stage": "registered", "on": reg_on,
        "registration_number": "Y2026310000123"}),
    )
    .await
}

fn error(v: &Value) -> (&str, &str, &str) {
    (
        v["error"]["code"].as_str().unwrap_or(""),
        v["error"]["field"].as_str().unwrap_or(""),
        v["error"]["message"].as_str().unwrap_or(""),
    )
}

#[tokio::test]
async fn t5_contract_apply_move_read_list_and_k1() {
    let t = app().await;
    let p1 = patent(&t, "ent", "202110123456", "2021-03-01", "2027-03-01").await;
    let p2 = patent(&t, "ent", "202110654321", "2021-04-01", "2027-04-01").await;
    let product = product(&t, "bank", true).await;
    let mut body = apply_body(&t, &[&p1, &p2]);
    body["product_id"] = json!(product);
    let id = apply(&t, "ent", body).await;

    let (s, v) = call(
        &t,
        "ent",
        Method::GET,
        &format!("/api/v1/pledges/{id}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "applied");
    assert_eq!(v["registered_on"], Value::Null);
    assert_eq!(v["patents"], json!([p1, p2]));
    assert_eq!(v["amount_wan"], "500.00");
    let checks = v["checks"].as_array().unwrap();
    let rules: Vec<&str> = checks.iter().map(|c| c["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "owner",
            "in_force",
            "fee_paid",
            "repay_within_expiry",
            "not_pledged",
            "co_owner_consent"
        ]
    );
    for c in checks {
        assert_eq!(c["status"], "pass", "{c}");
        assert!(c["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(c["evidence"].as_array().unwrap().len(), 2, "{c}");
    }
    assert_eq!(v["cycle_days"], json!({}));

    // The product needs an appraisal: skipping it is 409 bad_stage naming the current stage.
    let (s, v) = stage(
        &t,
        "bank",
        id,
        json!({"stage": "due_diligence", "on": "2026-11-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (code, field, message) = error(&v);
    assert_eq!((code, field), ("bad_stage", "stage"));
    assert!(
        message.contains("已申请") && message.contains("applied"),
        "{message}"
    );
    // The enterprise does not move the bank's steps.
    let (s, _) = stage(
        &t,
        "ent",
        id,
        json!({"stage": "appraisal", "on": "2026-11-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let v = to_registered(&t, id, "2026-11-25").await;
    assert_eq!(v["stage"], "registered");
    assert_eq!(v["registered_on"], "2026-11-25");
    assert_eq!(v["registration_number"], "Y2026310000123");
    assert_eq!(v["cycle_days"]["applied_to_registered"], 31);
    assert_eq!(v["cycle_days"]["applied_to_appraisal"], 7);
    assert_eq!(v["cycle_days"]["approved_to_registered"], 7);
    assert_eq!(v["secured_amount_wan"], "400.00");

    // Reversed: back to approval is 409; a date before the previous step is 422.
    let (s, v) = stage(
        &t,
        "bank",
        id,
        json!({"stage": "approved", "on": "2026-11-30"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(error(&v).2.contains("已质押登记"), "{v}");
    let (s, v) = stage(
        &t,
        "bank",
        id,
        json!({"stage": "disbursed", "on": "2026-11-20", "amount_wan": "400"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error(&v).0, "date_before_previous");
    let v = ok_stage(
        &t,
        "bank",
        id,
        json!({"stage": "disbursed", "on": "2026-11-28", "amount_wan": "400"}),
    )
    .await;
    assert_eq!(v["stage"], "disbursed");
    assert_eq!(v["cycle_days"]["registered_to_disbursed"], 3);
    assert_eq!(v["history"].as_array().unwrap().len(), 6);

    // The register marks the patents as pledged to the bank.
    let facts = zhiyun_service::patents::facts::facts(&t.svc, std::slice::from_ref(&p1))
        .await
        .unwrap();
    assert_eq!(facts[&p1].live_pledges.len(), 1);
    assert_eq!(facts[&p1].live_pledges[0].pledge_id, id);

    // Lists with the filters, as the scope allows.
    let bank = t.org_of["bank"];
    let q = format!("/api/v1/pledges?district={XUHUI}&year=2026&bank={bank}");
    for who in ["ent", "bank", "op", "xuhui", "city"] {
        let (s, v) = call(&t, who, Method::GET, &q, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "{who}: {v}");
        assert_eq!(v["items"][0]["stage"], "disbursed");
    }
    for (who, q) in [
        ("minhang", "/api/v1/pledges".to_string()),
        ("ent2", "/api/v1/pledges".to_string()),
        ("bank2", "/api/v1/pledges".to_string()),
        ("city", "/api/v1/pledges?year=2025".to_string()),
        (
            "city",
            format!("/api/v1/pledges?bank={}", t.org_of["bank2"]),
        ),
    ] {
        let (_, v) = call(&t, who, Method::GET, &q, None).await;
        assert_eq!(v["total"], 0, "{who} {q}: {v}");
    }
    let (s, v) = call(&t, "city", Method::GET, "/api/v1/pledges?year=20x6", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, h, bytes) = t
        .raw(
            Some("op"),
            Method::GET,
            "/api/v1/pledges.xlsx?year=2026",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(bytes.starts_with(b"PK"));
    // Other readers: 404.
    for who in ["ent2", "bank2", "minhang"] {
        let (s, _) = call(&t, who, Method::GET, &format!("/api/v1/pledges/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
    }

    // K1/K2: counted in 2026 in Xuhui with the secured amount; released still counts.
    let k = zhiyun_service::pledges::k1_k2(&t.svc, 2026).await.unwrap();
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].district.as_deref(), Some(XUHUI));
    assert_eq!(
        (k[0].count, k[0].amount.to_wan_2dp()),
        (1, "400.00".to_string())
    );
    ok_stage(
        &t,
        "bank",
        id,
        json!({"stage": "repaid", "on": "2026-12-02"}),
    )
    .await;
    ok_stage(
        &t,
        "bank",
        id,
        json!({"stage": "released", "on": "2026-12-03"}),
    )
    .await;
    let k = zhiyun_service::pledges::k1_k2(&t.svc, 2026).await.unwrap();
    assert_eq!(k[0].count, 1);
    assert!(
        zhiyun_service::pledges::k1_k2(&t.svc, 2025)
            .await
            .unwrap()
            .is_empty()
    );
    // Released: no longer live in the register; further moves refused.
    let facts = zhiyun_service::patents::facts::facts(&t.svc, std::slice::from_ref(&p1))
        .await
        .unwrap();
    assert!(facts[&p1].live_pledges.is_empty());
    let (s, v) = stage(
        &t,
        "bank",
        id,
        json!({"stage": "defaulted", "on": "2026-12-04"}),
    )
    .await;
    assert_eq!((s, error(&v).0), (StatusCode::CONFLICT, "bad_stage"));
}

#[tokio::test]
async fn t5_bad_inputs_are_field_errors_or_409_and_nothing_is_written() {
    let t = app().await;
    let p1 = patent(&t, "ent", "202110123456", "2021-03-01", "2027-03-01").await;
    // A utility model filed 2016-12-10 expires 2026-12-09.
    let um = patent(&t, "ent", "201620123456", "2016-12-10", "2026-12-09").await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"pledgee_org_id": t.org_of["insurer"]}),
            "pledgee_not_bank",
            "pledgee_org_id",
        ),
        (
            json!({"pledgee_org_id": t.org_of["ent2"]}),
            "pledgee_not_bank",
            "pledgee_org_id",
        ),
        (
            json!({"repay_by": "2026-11-30"}),
            "ends_before_start",
            "repay_by",
        ),
        (
            json!({"patents": [&um], "repay_by": "2027-06-30"}),
            "after_patent_expiry",
            "repay_by",
        ),
        (json!({"amount_wan": "0"}), "out_of_range", "amount_wan"),
        (json!({"amount_wan": "12.345"}), "bad_amount", "amount_wan"),
        (json!({"amount_wan": "-5"}), "negative_amount", "amount_wan"),
        (json!({"patents": [&p1, &p1]}), "duplicate", "patents.1"),
        (
            json!({"patents": ["202110123456.0"]}),
            "bad_check_digit",
            "patents.0",
        ),
        (json!({"kind": "bond"}), "unknown_value", "kind"),
        (
            json!({"pledgee_org_id": 99999}),
            "unknown_org",
            "pledgee_org_id",
        ),
        (
            json!({"loan_start": "2026-13-01"}),
            "bad_date",
            "loan_start",
        ),
        (json!({"product_id": 4242}), "unknown_value", "product_id"),
    ];
    for (patch, code, field) in cases {
        let mut body = apply_body(&t, &[&p1]);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v) = call(&t, "ent", Method::POST, "/api/v1/pledges", Some(body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {v}");
        let (c, f, m) = error(&v);
        assert_eq!((c, f), (code, field), "{patch}: {v}");
        assert!(!m.is_empty());
    }
    // Not JSON at all: 400, never 500.
    let (s, _, _) = t
        .raw(
            Some("ent"),
            Method::POST,
            "/api/v1/pledges",
            Some(json!("x")),
        )
        .await;
    assert!(
        s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
        "{s}"
    );
    let (_, v) = call(&t, "ent", Method::GET, "/api/v1/pledges", None).await;
    assert_eq!(v["total"], 0, "nothing written: {v}");

    // A patent pledged twice at once: the second registration and a new application are refused.
    let a = apply(&t, "ent", apply_body(&t, &[&p1])).await;
    let b = apply(&t, "ent", apply_body(&t, &[&p1])).await;
    to_registered(&t, a, "2026-11-25").await;
    for who in ["bank"] {
        ok_stage(
            &t,
            who,
            b,
            json!({"stage": "appraisal", "on": "2026-11-01"}),
        )
        .await;
    }
    ok_stage(
        &t,
        "bank",
        b,
        json!({"stage": "due_diligence", "on": "2026-11-08",
        "appraisal": {"value_wan": "600", "appraiser": "评估公司", "method": "market"}}),
    )
    .await;
    ok_stage(
        &t,
        "bank",
        b,
        json!({"stage": "approved", "on": "2026-11-18"}),
    )
    .await;
    let (_, v) = call(
        &t,
        "bank",
        Method::GET,
        &format!("/api/v1/pledges/{b}"),
        None,
    )
    .await;
    let np = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "not_pledged")
        .unwrap()
        .clone();
    assert_eq!(np["status"], "fail", "{np}");
    assert!(
        np["evidence"][0]
            .as_str()
            .unwrap()
            .contains(&format!("#{a}")),
        "{np}"
    );
    assert_eq!(v["may_register"], false);
    let (s, v) = stage(
        &t,
        "bank",
        b,
        json!({"stage": "registered", "on": "2026-11-26",
        "registration_number": "Y2"}),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::CONFLICT, "checks_blocking"),
        "{v}"
    );
    let (s, v) = call(
        &t,
        "bank",
        Method::POST,
        &format!("/api/v1/pledges/{b}/checks/not_pledged/overrule"),
        Some(json!({"comment": "已核实"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = call(
        &t,
        "ent",
        Method::POST,
        "/api/v1/pledges",
        Some(apply_body(&t, &[&p1])),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::CONFLICT, "already_pledged"),
        "{v}"
    );
    let (_, v) = call(
        &t,
        "bank",
        Method::GET,
        &format!("/api/v1/pledges/{b}"),
        None,
    )
    .await;
    assert_eq!(v["stage"], "approved", "nothing half-written: {v}");
    assert_eq!(v["history"].as_array().unwrap().len(), 4);

    // Stage bodies: unknown stage, bad date, missing registration number, decline without reason.
    for (body, code) in [
        (
            json!({"stage": "flying", "on": "2026-11-30"}),
            "unknown_value",
        ),
        (
            json!({"stage": "withdrawn", "on": "30/11/2026"}),
            "bad_date",
        ),
        (json!({"stage": "withdrawn"}), "required"),
        (
            json!({"stage": "withdrawn", "on": "2027-01-01"}),
            "date_in_future",
        ),
    ] {
        let (s, v) = stage(&t, "ent", b, body.clone()).await;
        assert_eq!(
            (s, error(&v).0),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body}: {v}"
        );
    }
}

#[tokio::test]
async fn t5_failed_check_blocks_registration_until_overruled() {
    let t = app().await;
    let p1 = patent(&t, "ent", "202110123456", "2021-03-01", "2027-03-01").await;
    // Fees paid only until 2026-06-01: unpaid today.
    let p3 = patent(&t, "ent", "202110777777", "2021-05-01", "2026-06-01").await;
    let id = apply(&t, "ent", apply_body(&t, &[&p1, &p3])).await;
    ok_stage(
        &t,
        "bank",
        id,
        json!({"stage": "due_diligence", "on": "2026-11-08"}),
    )
    .await;
    let (s, v) = stage(
        &t,
        "bank",
        id,
        json!({"stage": "declined", "on": "2026-11-09"}),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::UNPROCESSABLE_ENTITY, "required"),
        "{v}"
    );
    ok_stage(
        &t,
        "bank",
        id,
        json!({"stage": "approved", "on": "2026-11-18"}),
    )
    .await;
    let (_, v) = call(
        &t,
        "ent",
        Method::GET,
        &format!("/api/v1/pledges/{id}"),
        None,
    )
    .await;
    let fee = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "fee_paid")
        .unwrap()
        .clone();
    assert_eq!(fee["status"], "fail", "{fee}");
    assert!(fee["evidence"].to_string().contains("2026-06-01"), "{fee}");
    assert_eq!(v["blocking"], json!(["fee_paid"]));
    let reg = json!({"stage": "registered", "on": "2026-11-25", "registration_number": "Y2026"});
    let (s, v) = stage(&t, "bank", id, reg.clone()).await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::CONFLICT, "checks_blocking"),
        "{v}"
    );
    assert!(error(&v).2.contains("年费"), "{v}");
    let path = format!("/api/v1/pledges/{id}/checks/fee_paid/overrule");
    let (s, _) = call(
        &t,
        "ent",
        Method::POST,
        &path,
        Some(json!({"comment": "已补缴"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(
        &t,
        "bank",
        Method::POST,
        &path,
        Some(json!({"comment": " "})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = call(
        &t,
        "bank",
        Method::POST,
        "/api/v1/pledges/{id}/checks/owner/overrule"
            .replace("{id}", &id.to_string())
            .as_str(),
        Some(json!({"comment": "x"})),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::CONFLICT, "nothing_to_overrule"),
        "{v}"
    );
    let (s, v) = call(
        &t,
        "bank",
        Method::POST,
        &path,
        Some(json!({"comment": "已核实企业于 2026-11-20 补缴年费及滞纳金"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["may_register"], true);
    let fee = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "fee_paid")
        .unwrap()
        .clone();
    assert!(fee["overruled"].as_str().unwrap().contains("补缴"), "{fee}");
    // Registration by the pledgor (jointly applied) is allowed too.
    let v = ok_stage(&t, "ent", id, reg).await;
    assert_eq!(v["stage"], "registered");
}

#[tokio::test]
async fn t5_roles_apply_on_behalf_and_offline() {
    let t = app().await;
    let p1 = patent(&t, "ent", "202110123456", "2021-03-01", "2027-03-01").await;
    // Another enterprise may not apply for ent; a bank may not record for another bank.
    let (s, _) = call(
        &t,
        "ent2",
        Method::POST,
        "/api/v1/pledges",
        Some(apply_body(&t, &[&p1])),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(
        &t,
        "bank2",
        Method::POST,
        "/api/v1/pledges",
        Some(apply_body(&t, &[&p1])),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(
        &t,
        "minhang",
        Method::POST,
        "/api/v1/pledges",
        Some(apply_body(&t, &[&p1])),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The district's operator on its behalf; the bank recording an offline application.
    let a = apply(&t, "op", apply_body(&t, &[&p1])).await;
    let b = apply(&t, "bank", apply_body(&t, &[&p1])).await;
    // Withdrawal: the pledgor or its operator, not the bank.
    let (s, _) = stage(
        &t,
        "bank",
        a,
        json!({"stage": "withdrawn", "on": "2026-11-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    ok_stage(
        &t,
        "op",
        a,
        json!({"stage": "withdrawn", "on": "2026-11-01"}),
    )
    .await;
    let v = ok_stage(
        &t,
        "bank",
        b,
        json!({"stage": "declined", "on": "2026-11-02", "reason": "credit"}),
    )
    .await;
    assert_eq!(v["moves"], json!([]));
    // Declined and withdrawn never count.
    assert!(
        zhiyun_service::pledges::k1_k2(&t.svc, 2026)
            .await
            .unwrap()
            .is_empty()
    );

    // Products: banks only; the public sees published ones, drafts stay with their bank.
    let (s, _) = call(
        &t,
        "ent",
        Method::POST,
        "/api/v1/pledge-products",
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(
        &t,
        "bank",
        Method::POST,
        "/api/v1/pledge-products",
        Some(json!({"name": "草稿产品", "collateral": "patent", "amount_max_wan": "0"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let published = product(&t, "bank", false).await;
    let (s, v) = call(&t, "bank2", Method::POST, "/api/v1/pledge-products",
        Some(json!({"name": "浦发知识产权贷", "collateral": "patent", "amount_max_wan": "500",
            "term_max_months": 12, "rate_negotiable": true, "contact_name": "李", "contact_phone": "021-50001234"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let draft = v["id"].as_i64().unwrap();
    let (s, v) = t
        .call(None, Method::GET, "/api/v1/pledge-products", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [published]);
    assert_eq!(v[0]["rate"], "3.45%–4.5%");
    let (s, _) = t
        .call(
            None,
            Method::GET,
            &format!("/api/v1/pledge-products/{draft}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Another bank's draft is not even visible to it.
    let (s, _) = call(
        &t,
        "bank",
        Method::POST,
        &format!("/api/v1/pledge-products/{draft}/publish"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(
        &t,
        "bank2",
        Method::POST,
        &format!("/api/v1/pledge-products/{draft}/publish"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["rate"], "面议");
    // Applying to another bank's product is refused on product_id.
    let mut body = apply_body(&t, &[&p1]);
    body["product_id"] = json!(draft);
    let (s, v) = call(&t, "ent", Method::POST, "/api/v1/pledges", Some(body)).await;
    assert_eq!(
        (s, error(&v).1),
        (StatusCode::UNPROCESSABLE_ENTITY, "product_id"),
        "{v}"
    );
}

#[tokio::test]
async fn t5_insurance_policies_and_claims() {
    let t = app().await;
    let p1 = patent(&t, "ent", "202110123456", "2021-03-01", "2027-03-01").await;
    let body = json!({"kind": "enforcement", "insurer_org_id": t.org_of["insurer"],
        "insured_org_id": t.org_of["ent"], "patents": [p1], "insured_amount_wan": "100",
        "premium_wan": "1.2", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "subsidy_wan": "0.6"});
    let (s, _) = call(
        &t,
        "ent",
        Method::POST,
        "/api/v1/insurance-policies",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut bad = body.clone();
    bad["insurer_org_id"] = json!(t.org_of["bank"]);
    let (s, v) = call(
        &t,
        "insurer",
        Method::POST,
        "/api/v1/insurance-policies",
        Some(bad),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_an_insurer"),
        "{v}"
    );
    let mut bad = body.clone();
    bad["premium_wan"] = json!("1.234");
    let (s, v) = call(
        &t,
        "insurer",
        Method::POST,
        "/api/v1/insurance-policies",
        Some(bad),
    )
    .await;
    assert_eq!(
        (s, error(&v).1),
        (StatusCode::UNPROCESSABLE_ENTITY, "premium_wan"),
        "{v}"
    );
    let (s, v) = call(
        &t,
        "insurer",
        Method::POST,
        "/api/v1/insurance-policies",
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let claims = format!("/api/v1/insurance-policies/{id}/claims");
    let (s, v) = call(
        &t,
        "insurer",
        Method::POST,
        &claims,
        Some(json!({"on": "2026-08-01", "amount_wan": "150", "outcome": "paid"})),
    )
    .await;
    assert_eq!(
        (s, error(&v).0),
        (StatusCode::UNPROCESSABLE_ENTITY, "above_insured_amount"),
        "{v}"
    );
    let (s, v) = call(
        &t,
        "insurer",
        Method::POST,
        &claims,
        Some(json!({"on": "2026-08-01", "amount_wan": "30", "outcome": "paid"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["claims"][0]["amount_wan"], "30.00");
    assert_eq!(v["kind_label"], "维权费用险");
    for who in ["ent", "op", "city"] {
        let (s, v) = call(&t, who, Method::GET, "/api/v1/insurance-policies", None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v.as_array().unwrap().len(), 1, "{who}");
    }
    let (_, v) = call(&t, "ent2", Method::GET, "/api/v1/insurance-policies", None).await;
    assert!(v.as_array().unwrap().is_empty());
    let (s, _) = call(
        &t,
        "ent2",
        Method::GET,
        &format!("/api/v1/insurance-policies/{id}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
