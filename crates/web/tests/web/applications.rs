//! Park applications over HTTP: the API contract of A1–A6, submission rules, the review, exports,
//! the operator's form pages. A fresh database per test (Postgres when `ZHIYUN_TEST_POSTGRES_URL` is set).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common;
use common::uscc;

/// The application with this file's organisations and users (the harness is `common`).
struct T {
    app: common::TestApp,
}

impl std::ops::Deref for T {
    type Target = common::TestApp;
    fn deref(&self) -> &common::TestApp {
        &self.app
    }
}

async fn spawn() -> T {
    let app = common::TestApp::with_users(vec![
        ("muni", "municipal_bureau", "上海市知识产权局", None, None),
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
        (
            "op1",
            "park_operator",
            "徐汇甲园区运营公司",
            Some("310104"),
            Some(uscc("310104", 1)),
        ),
        (
            "op2",
            "park_operator",
            "徐汇乙园区运营公司",
            Some("310104"),
            Some(uscc("310104", 2)),
        ),
        (
            "op3",
            "park_operator",
            "闵行丙园区运营公司",
            Some("310112"),
            Some(uscc("310112", 3)),
        ),
        (
            "ent",
            "enterprise",
            "某企业",
            Some("310104"),
            Some(uscc("310104", 4)),
        ),
    ])
    .await;
    T { app }
}

impl T {
    async fn call(
        &self,
        who: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, Vec<u8>) {
        let (status, _, bytes) = self.raw(Some(who), method, path, body).await;
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, json, bytes)
    }

    async fn round(&self, year: i32, deadline: &str) {
        let (s, v, _) = self
            .call(
                "muni",
                Method::POST,
                "/api/v1/rounds",
                Some(json!({"year": year, "deadline": deadline})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }

    async fn create(&self, who: &str, body: Value) -> i64 {
        let (s, v, _) = self
            .call(who, Method::POST, "/api/v1/applications", Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    async fn upload(
        &self,
        who: &str,
        id: i64,
        part: &str,
        filename: &str,
        bytes: &[u8],
    ) -> (StatusCode, Value) {
        let res = self
            .router
            .clone()
            .oneshot(
                Request::builder()
                    .method(Method::POST)
                    .uri(format!(
                        "/api/v1/applications/{id}/attachments?part={part}&filename={}",
                        filename
                            .bytes()
                            .map(|b| format!("%{b:02X}"))
                            .collect::<String>()
                    ))
                    .header(
                        header::AUTHORIZATION,
                        format!("Bearer {}", self.tokens[who]),
                    )
                    .header(header::CONTENT_TYPE, "application/octet-stream")
                    .body(Body::from(bytes.to_vec()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn checks(&self, who: &str, id: i64) -> Value {
        let (s, v, _) = self
            .call(
                who,
                Method::GET,
                &format!("/api/v1/applications/{id}/checks"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
}

fn check<'a>(v: &'a Value, rule: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule)
        .unwrap()
}

/// `hte` high-tech enterprises and `smes` SMEs (distinct: high-tech ones are large).
fn enterprises(region: &str, hte: u32, smes: u32) -> Vec<Value> {
    let mut v = Vec::new();
    for n in 0..hte {
        v.push(json!({"name": format!("高企{n}"), "uscc": uscc(region, 1000 + n), "size": "large", "hte_certificate": format!("GR202131{n:06}")}));
    }
    for n in 0..smes {
        v.push(json!({"name": format!("中小企业{n}"), "uscc": uscc(region, 5000 + n), "size": "small", "hte_certificate": null}));
    }
    v
}

fn agency(n: u32, name: &str) -> Value {
    json!({"kind": "agency", "name": name, "uscc": uscc("310104", 900 + n), "agreement_date": "2021-03-01",
           "practitioners": [
               {"name": "甲", "patent_attorney_cert": format!("PA{n}001"), "tech_broker_cert": format!("TB{n}001")},
               {"name": "乙", "patent_attorney_cert": format!("PA{n}002"), "tech_broker_cert": format!("TB{n}002")}]})
}

/// A complete application for a park in 徐汇 that meets every automatic check.
fn full(year: i32, park: &str, agencies: [(u32, &str); 2]) -> Value {
    json!({
        "round_year": year,
        "park": {"name": park, "district_code": "310104", "kind": "high_tech_zone", "level": "municipal",
                 "ip_park_status": "municipal_pilot", "leading_industries": ["集成电路"],
                 "management_body": {"name": format!("{park}管理公司"), "uscc": uscc("310104", 1)}},
        "enterprises": enterprises("310104", 20, 200),
        "ip_office": {"department": "知识产权服务中心", "staff": 3, "policies": ["专利资助办法"], "annual_budget_wan": 200, "serves_district": true},
        "partners": [
            {"kind": "exchange", "name": "上海技术交易所", "uscc": uscc("310106", 11), "agreement_date": "2021-03-01", "practitioners": []},
            {"kind": "bank", "name": "甲银行", "uscc": uscc("310101", 12), "agreement_date": "2021-03-01", "practitioners": []},
            {"kind": "bank", "name": "乙银行", "uscc": uscc("310101", 13), "agreement_date": "2021-03-01", "practitioners": []},
            {"kind": "insurer", "name": "丙保险", "uscc": uscc("310101", 14), "agreement_date": "2021-03-01", "practitioners": []},
            agency(agencies[0].0, agencies[0].1),
            agency(agencies[1].0, agencies[1].1)
        ],
        "declarations": {"bad_credit_last_3_years": false, "mass_infringement_cases": false}
    })
}

#[tokio::test]
async fn a1_to_a6_contract_submit_review_and_approve() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t
        .create(
            "op1",
            full(2021, "徐汇甲园区", [(1, "甲代理"), (2, "乙代理")]),
        )
        .await;
    let v = t.checks("op1", id).await;
    assert_eq!(v["checks"].as_array().unwrap().len(), 6);
    for (rule, status) in [
        ("A1", "pass"),
        ("A2", "pass"),
        ("A3", "needs_review"),
        ("A4", "pass"),
        ("A5", "pass"),
        ("A6", "needs_review"),
    ] {
        assert_eq!(check(&v, rule)["status"], status, "{rule}: {v}");
    }
    assert_eq!(v["eligible"], Value::Null);
    assert_eq!(v["priority"], true);
    let a2 = &check(&v, "A2")["evidence"];
    assert_eq!(
        (a2["high_tech"].as_u64(), a2["smes"].as_u64()),
        (Some(20), Some(200))
    );
    assert_eq!(
        (
            a2["high_tech_threshold"].as_u64(),
            a2["sme_threshold"].as_u64()
        ),
        (Some(20), Some(200))
    );

    // The bureau cannot see a draft; it can once submitted.
    let (s, _, _) = t
        .call(
            "muni",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v, _) = t
        .call(
            "op1",
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "submitted");
    // A submitted application is no longer editable.
    let (s, v, _) = t
        .call(
            "op1",
            Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(full(2021, "改名", [(1, "甲"), (2, "乙")])),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_editable"))
    );

    // Approving before the checks needing review are confirmed is refused.
    let (s, v, _) = t
        .call(
            "muni",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_eligible"))
    );
    // A district bureau may comment but not decide.
    let (s, _, _) = t
        .call(
            "xuhui",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"comment": "区局同意推荐"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = t
        .call(
            "xuhui",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"rule": "A3", "status": "pass", "comment": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = t
        .call(
            "minhang",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another district's bureau does not see it"
    );

    // A6 is confirmed only with the credit report attached.
    let (s, v, _) = t
        .call(
            "muni",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"rule": "A6", "status": "pass", "comment": "无不良记录"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("credit_report_missing"))
    );
    let (s, v) = t
        .upload("op1", id, "credit_report", "信用报告.pdf", b"%PDF-1.7\n")
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "信用报告.pdf");
    let (s, v) = t
        .upload("op1", id, "credit_report", "假.pdf", b"not a pdf")
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_file_type")
        )
    );
    let (s, _) = t
        .upload("op2", id, "credit_report", "x.pdf", b"%PDF-1.7")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another operator");
    let (_, v, _) = t
        .call(
            "muni",
            Method::GET,
            &format!("/api/v1/applications/{id}/attachments"),
            None,
        )
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    for rule in ["A3", "A6"] {
        let (s, v, _) = t
            .call(
                "muni",
                Method::POST,
                &format!("/api/v1/applications/{id}/reviews"),
                Some(json!({"rule": rule, "status": "pass", "comment": "材料核实无误"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let v = t.checks("muni", id).await;
    assert_eq!(v["eligible"], true, "{v}");
    let (s, _, _) = t
        .call(
            "muni",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"decision": "approve", "comment": "同意"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v, _) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(v["status"], "approved");
    let (s, v) = t.upload("op1", id, "other", "补充.pdf", b"%PDF-1.7").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_decided"))
    );

    // A reviewer overruling a check to fail makes the application ineligible.
    let id2 = t
        .create(
            "op2",
            full(2021, "徐汇乙园区", [(3, "丙代理"), (4, "丁代理")]),
        )
        .await;
    t.call(
        "op2",
        Method::POST,
        &format!("/api/v1/applications/{id2}/submit"),
        None,
    )
    .await;
    t.call(
        "muni",
        Method::POST,
        &format!("/api/v1/applications/{id2}/reviews"),
        Some(json!({"rule": "A4", "status": "fail", "comment": "协议未盖章"})),
    )
    .await;
    let v = t.checks("muni", id2).await;
    assert_eq!(v["eligible"], false);
    assert!(
        check(&v, "A4")["message"]
            .as_str()
            .unwrap()
            .contains("协议未盖章")
    );

    // Exports: the round table and the 申报书.
    let (s, _, bytes) = t
        .call(
            "muni",
            Method::GET,
            "/api/v1/rounds/2021/applications.xlsx",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
    let (s, _, bytes) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}/docx"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
    let (s, _, _) = t
        .call(
            "op1",
            Method::GET,
            "/api/v1/rounds/2021/applications.xlsx",
            None,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "operators do not get the round table"
    );
}

#[tokio::test]
async fn a2_thresholds_at_the_boundary_and_rows_that_do_not_count() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let mut body = full(2021, "徐汇甲园区", [(1, "甲"), (2, "乙")]);
    // 19 high-tech, 200 SMEs, plus an invalid and a duplicate row.
    let mut rows = enterprises("310104", 19, 200);
    rows.push(json!({"name": "坏代码", "uscc": "91310104MA1FL00000", "size": "small"}));
    rows.push(rows[0].clone());
    rows.push(json!({"name": "外省高企", "uscc": uscc("310104", 7777), "size": "large", "hte_certificate": "GR202111000001"}));
    body["enterprises"] = Value::Array(rows);
    let id = t.create("op1", body.clone()).await;
    let v = t.checks("op1", id).await;
    let a2 = check(&v, "A2");
    assert_eq!(a2["status"], "fail", "{a2}");
    assert_eq!(a2["evidence"]["high_tech"], 19);
    assert_eq!(a2["evidence"]["smes"], 200);
    let reasons: Vec<&str> = a2["evidence"]["not_counted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"invalid_uscc")
            && reasons.contains(&"duplicate_uscc")
            && reasons.contains(&"hte_not_shanghai"),
        "{reasons:?}"
    );
    assert_eq!(v["eligible"], false);

    // One more Shanghai high-tech enterprise: at the threshold, A2 passes.
    body["enterprises"].as_array_mut().unwrap().push(json!({"name": "新高企", "uscc": uscc("310104", 8888), "size": "large", "hte_certificate": "GR202031000009"}));
    let (s, v, _) = t
        .call(
            "op1",
            Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(check(&t.checks("op1", id).await, "A2")["status"], "pass");

    // The same counts in 闵行 (standard thresholds 50 / 300) fail.
    let mut mh = full(2021, "闵行丙园区", [(1, "甲"), (2, "乙")]);
    mh["park"]["district_code"] = json!("310112");
    let id = t.create("op3", mh).await;
    let a2 = check(&t.checks("op3", id).await, "A2").clone();
    assert_eq!(a2["status"], "fail");
    assert_eq!(
        (
            a2["evidence"]["high_tech_threshold"].as_u64(),
            a2["evidence"]["sme_threshold"].as_u64()
        ),
        (Some(50), Some(300))
    );
}

#[tokio::test]
async fn a5_an_agency_in_two_submitted_applications_blocks_a_third() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let shared = (7, "共享代理所");
    let a = t
        .create("op1", full(2021, "甲园区", [shared, (1, "甲")]))
        .await;
    let b = t
        .create("op2", full(2021, "乙园区", [shared, (2, "乙")]))
        .await;
    for (who, id) in [("op1", a), ("op2", b)] {
        let (s, v, _) = t
            .call(
                who,
                Method::POST,
                &format!("/api/v1/applications/{id}/submit"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let mut third = full(2021, "丙园区", [shared, (3, "丙")]);
    third["park"]["district_code"] = json!("310112");
    let c = t.create("op3", third).await;
    // The draft already shows A5 failing, naming the other two applications.
    let v = t.checks("op3", c).await;
    let a5 = check(&v, "A5");
    assert_eq!(a5["status"], "fail", "{a5}");
    let evidence = a5["evidence"].to_string();
    assert!(
        evidence.contains(&a.to_string())
            && evidence.contains(&b.to_string())
            && evidence.contains("共享代理所"),
        "{evidence}"
    );
    // Submitting is refused with 409, naming the agency and both applications.
    let (s, v, _) = t
        .call(
            "op3",
            Method::POST,
            &format!("/api/v1/applications/{c}/submit"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"]["code"], "agency_cluster_limit");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("共享代理所")
            && msg.contains(&format!("第 {a} 号"))
            && msg.contains(&format!("第 {b} 号")),
        "{msg}"
    );
    let (_, v, _) = t
        .call(
            "op3",
            Method::GET,
            &format!("/api/v1/applications/{c}"),
            None,
        )
        .await;
    assert_eq!(v["status"], "draft", "nothing half-written");
}

#[tokio::test]
async fn submission_is_refused_after_the_deadline_and_when_incomplete() {
    let t = spawn().await;
    t.round(2020, "2020-06-30").await;
    t.round(2021, "2099-12-31").await;
    let late = t
        .create("op1", full(2020, "甲园区", [(1, "甲"), (2, "乙")]))
        .await;
    let (s, v, _) = t
        .call(
            "op1",
            Method::POST,
            &format!("/api/v1/applications/{late}/submit"),
            None,
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("deadline_passed"))
    );

    // A draft may be incomplete; a submission may not.
    let id = t
        .create(
            "op1",
            json!({"round_year": 2021, "park": {"name": "只填了名字"}}),
        )
        .await;
    let (s, v, _) = t
        .call(
            "op1",
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "incomplete");
    let fields: Vec<&str> = v["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"park.district_code") && fields.contains(&"enterprises"),
        "{fields:?}"
    );

    // Applying to a round that was never opened.
    let (s, v, _) = t
        .call(
            "op1",
            Method::POST,
            "/api/v1/applications",
            Some(json!({"round_year": 2030})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("unknown_round"))
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    for (change, field, status) in [
        (
            json!({"park": {"level": "county"}}),
            "park.level",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"park": {"district_code": "310103"}}),
            "park.district_code",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"partners": [{"kind": "bank", "name": "甲银行", "uscc": "91310101MA1000001X", "agreement_date": "2021-03-01"}]}),
            "partners.0.uscc",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"partners": [{"kind": "bank", "name": "甲银行", "uscc": uscc("310101", 12), "agreement_date": "2021-02-30"}]}),
            "partners.0.agreement_date",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"partners": [{"kind": "broker", "name": "某", "uscc": uscc("310101", 12)}]}),
            "partners.0.kind",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"ip_office": {"staff": "three"}}),
            "ip_office.staff",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"round_year": "2021"}),
            "round_year",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let mut body = json!({"round_year": 2021});
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v, _) = t
            .call("op1", Method::POST, "/api/v1/applications", Some(body))
            .await;
        assert_eq!(s, status, "{field}: {v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    let (_, v, _) = t
        .call("op1", Method::GET, "/api/v1/applications", None)
        .await;
    assert_eq!(v.as_array().unwrap().len(), 0, "nothing stored");

    // The enterprise list is evidence: a bad row is stored and shown as not counting.
    let id = t.create("op1", json!({"round_year": 2021, "park": {"district_code": "310104"},
        "enterprises": [{"name": "坏", "uscc": "123", "size": "huge", "hte_certificate": "GR2021"}]})).await;
    let a2 = check(&t.checks("op1", id).await, "A2").clone();
    let not_counted = a2["evidence"]["not_counted"].as_array().unwrap();
    assert_eq!(
        (not_counted.len(), not_counted[0]["reason"].as_str()),
        (1, Some("invalid_uscc")),
        "{a2}"
    );
    assert_eq!(not_counted[0]["row"], 1);
}

#[tokio::test]
async fn only_operators_apply_and_drafts_stay_private() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let (s, _, _) = t
        .call(
            "ent",
            Method::POST,
            "/api/v1/applications",
            Some(json!({"round_year": 2021})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = t
        .call(
            "op1",
            Method::POST,
            "/api/v1/rounds",
            Some(json!({"year": 2022, "deadline": "2022-06-30"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "only the municipal bureau opens rounds"
    );
    let (s, v, _) = t
        .call(
            "muni",
            Method::POST,
            "/api/v1/rounds",
            Some(json!({"year": 2022, "deadline": "2022-13-01"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"))
    );
    let (s, v, _) = t
        .call(
            "muni",
            Method::POST,
            "/api/v1/rounds",
            Some(json!({"year": 2021, "deadline": "2021-06-30"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("round_exists"))
    );

    let id = t.create("op1", json!({"round_year": 2021})).await;
    // Others do not see a draft; the park's district bureau does (it guides the draft).
    for who in ["op2", "muni", "minhang"] {
        let (s, _, _) = t
            .call(
                who,
                Method::GET,
                &format!("/api/v1/applications/{id}/checks"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
    }
    let (s, _, _) = t
        .call(
            "op2",
            Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"round_year": 2021})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v, _) = t
        .call(
            "muni",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"comment": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
}

#[tokio::test]
async fn the_operator_fills_the_form_step_by_step_and_sees_the_checks() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t.create("op1", json!({"round_year": 2021})).await;
    let form = |path: String, body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["op1"]))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // Step 1 saved with a bad management-body USCC: re-rendered with the Chinese reason, nothing saved.
    let res = t.router.clone().oneshot(form(format!("/applications/{id}/edit?step=park"),
        "name=%E5%BE%90%E6%B1%87%E5%9B%AD&district_code=310104&level=municipal&kind=high_tech_zone&ip_park_status=none&mb_uscc=91310104MA1000001X&action=save")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8(
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("校验位"), "{html}");
    // A valid step saves and moves on; the checks follow the saved draft.
    let res = t.router.clone().oneshot(form(format!("/applications/{id}/edit?step=park"),
        "name=%E5%BE%90%E6%B1%87%E5%9B%AD&district_code=310104&level=municipal&kind=high_tech_zone&ip_park_status=none&action=next")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("/applications/{id}/edit?step=enterprises&notice=saved")
    );
    let v = t.checks("op1", id).await;
    assert_eq!(check(&v, "A1")["status"], "pass");
    // Pasting the enterprise list (tab-separated, as copied from Excel).
    let paste = format!(
        "甲公司\t{}\t小型\t\n乙公司\t{}\t微型\tGR202131000001",
        uscc("310104", 71),
        uscc("310104", 72)
    );
    let body = format!(
        "paste={}&mode=append&action=save",
        paste
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    );
    let res = t
        .router
        .clone()
        .oneshot(form(
            format!("/applications/{id}/edit?step=enterprises"),
            &body,
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let a2 = check(&t.checks("op1", id).await, "A2").clone();
    assert_eq!(
        (
            a2["evidence"]["smes"].as_u64(),
            a2["evidence"]["high_tech"].as_u64()
        ),
        (Some(2), Some(1)),
        "{a2}"
    );
    // The overview page shows the checks in Chinese.
    let res = t
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri(format!("/applications/{id}"))
                .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens["op1"]))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = String::from_utf8(
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(
        html.contains("资格自动审查")
            && html.contains("科技创新主体集中")
            && html.contains("不符合"),
        "overview"
    );
}

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "zhiyun-test-boundary";
    let mut body = Vec::new();
    for (name, filename, data) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl T {
    async fn post_raw(
        &self,
        who: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, String, Option<String>) {
        let res = self
            .router
            .clone()
            .oneshot(
                Request::builder()
                    .method(Method::POST)
                    .uri(path)
                    .header(
                        header::AUTHORIZATION,
                        format!("Bearer {}", self.tokens[who]),
                    )
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            String::from_utf8_lossy(&bytes).to_string(),
            location,
        )
    }
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_size() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t.create("op1", json!({"round_year": 2021})).await;
    let path = format!("/applications/{id}/attachments");
    // A PDF is accepted and listed.
    let (ct, body) = multipart(&[
        ("part", None, b"credit_report"),
        ("file", Some("信用报告.pdf"), b"%PDF-1.7\n% test\n"),
    ]);
    let (s, _, loc) = t.post_raw("op1", &path, &ct, body).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.unwrap().contains("notice=uploaded"));
    // A text file named .pdf is refused: the type is read from the bytes.
    let (ct, body) = multipart(&[
        ("part", None, b"other"),
        ("file", Some("fake.pdf"), b"hello"),
    ]);
    let (s, html, _) = t.post_raw("op1", &path, &ct, body).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(html.contains("不是 PDF"), "{html}");
    // Over 10 MiB: 413.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b'x');
    let (ct, body) = multipart(&[("part", None, b"other"), ("file", Some("big.pdf"), &big)]);
    let (s, html, _) = t.post_raw("op1", &path, &ct, body).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("最大 10 MB"), "{html}");
    // Through the API too, the message names the real limit (issue 19, finding 11).
    let (s, v) = t.upload("op1", id, "other", "big.pdf", &big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "payload_too_large", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("最大 10 MB"),
        "{v}"
    );
    // Another operator cannot attach to this draft.
    let (ct, body) = multipart(&[
        ("part", None, b"other"),
        ("file", Some("x.pdf"), b"%PDF-1.7"),
    ]);
    let (s, _, _) = t.post_raw("op2", &path, &ct, body).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The DOCX lists the attachment.
    let (s, _, bytes) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}/docx"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
}

#[tokio::test]
async fn the_enterprise_list_imports_with_a_dry_run_then_all_or_valid_rows() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t
        .create(
            "op1",
            json!({"round_year": 2021, "park": {"district_code": "310104"}}),
        )
        .await;
    let csv = format!(
        "企业名称,统一社会信用代码,企业规模,高新技术企业证书编号\n甲,{},小型,GR202131000001\n乙,91310104MA1000001X,微型,\n丙,{},中型,\n",
        uscc("310104", 61),
        uscc("310104", 62)
    );
    let (ct, body) = multipart(&[
        ("part", None, b"enterprise_list"),
        ("file", Some("名单.csv"), csv.as_bytes()),
    ]);
    let (s, html, _) = t
        .post_raw(
            "op1",
            &format!("/applications/{id}/enterprises/import"),
            &ct,
            body,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("共 3 行数据") && html.contains("<strong>2</strong> 行无问题"),
        "dry run report"
    );
    assert!(html.contains("统一社会信用代码"), "the bad cell is named");
    // Nothing imported by the dry run.
    let (_, v, _) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(v["body"]["enterprises"].as_array().unwrap().len(), 0);
    let aid = html
        .split(&format!("/applications/{id}/enterprises/import/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // Valid rows only.
    let (s, _, _) = t
        .post_raw(
            "op1",
            &format!("/applications/{id}/enterprises/import/{aid}"),
            "application/x-www-form-urlencoded",
            b"mode=valid&target=replace".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v, _) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(v["body"]["enterprises"].as_array().unwrap().len(), 2);
    // Everything, as evidence: the bad row is kept and A2 lists it.
    let (s, _, _) = t
        .post_raw(
            "op1",
            &format!("/applications/{id}/enterprises/import/{aid}"),
            "application/x-www-form-urlencoded",
            b"mode=all&target=replace".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let v = t.checks("op1", id).await;
    let a2 = check(&v, "A2");
    assert_eq!(a2["evidence"]["smes"], 2, "{a2}");
    assert_eq!(a2["evidence"]["high_tech"], 1);
    assert_eq!(a2["evidence"]["not_counted"][0]["row"], 2);
    // A file without the required headers is refused with the missing columns named.
    let (ct, body) = multipart(&[
        ("part", None, b"enterprise_list"),
        ("file", Some("x.csv"), "名称,代码\n甲,1\n".as_bytes()),
    ]);
    let (s, html, _) = t
        .post_raw(
            "op1",
            &format!("/applications/{id}/enterprises/import"),
            &ct,
            body,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("缺少表头列"), "{html}");
}

// ---------- issue 18: the rough edges of the application flow ----------

/// A form post as `who` (bearer: no CSRF question): status, `Location`, body.
async fn post_form(t: &T, who: &str, path: &str, body: &str) -> (StatusCode, String, String) {
    let res = t
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {}", t.tokens[who]))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        location,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

async fn page_of(t: &T, who: &str, path: &str) -> (StatusCode, String) {
    let (s, _, bytes) = t.call(who, Method::GET, path, None).await;
    (s, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn issue18_starting_twice_opens_the_prefilled_draft_whose_empty_checks_read_to_fill_in() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let (s, first, _) = post_form(&t, "op1", "/applications", "round_year=2021").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{first}");
    assert!(first.contains("notice=draft_prefilled"), "{first}");
    let (s, again, _) = post_form(&t, "op1", "/applications", "round_year=2021").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(again.contains("notice=draft_exists"), "{again}");
    let id_of = |l: &str| {
        l.trim_start_matches("/applications/")
            .split('/')
            .next()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    assert_eq!(id_of(&first), id_of(&again), "one draft per park and round");
    let (_, list, _) = t
        .call(
            "op1",
            Method::GET,
            "/api/v1/applications?round_year=2021",
            None,
        )
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let id = id_of(&first);
    // Prefilled from the registry: the operator organisation's district and identity.
    let (_, v, _) = t
        .call(
            "op1",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    let park = &v["body"]["park"];
    assert_eq!(park["district_code"], "310104", "{v}");
    assert_eq!(park["management_body"]["name"], "徐汇甲园区运营公司", "{v}");
    assert_eq!(park["management_body"]["uscc"], uscc("310104", 1), "{v}");
    // The opened draft says so, and its empty parts read 待填写, not 不符合.
    let (s, html) = page_of(&t, "op1", &again).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("本园区在该轮次已有申报书"), "{html}");
    assert!(html.matches(">待填写</span>").count() >= 4, "{html}");
    assert!(!html.contains(">不符合</span>"), "{html}");
    // The list: 结论 says what to do, the column headers have a legend.
    let (_, html) = page_of(&t, "op1", "/applications").await;
    assert!(html.contains("待填写完整"), "{html}");
    assert!(!html.contains("不符合申报条件"), "{html}");
    assert!(
        html.contains("<abbr title=\"申报对象：市级以上产业园区\">A1</abbr>"),
        "{html}"
    );
    assert!(
        html.contains("<strong>A6</strong> 信用记录与侵权案件"),
        "{html}"
    );
}

#[tokio::test]
async fn issue18_raw_codes_read_in_chinese_in_the_application_pages() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t
        .create(
            "op1",
            full(2021, "徐汇甲园区", [(1, "甲代理"), (2, "乙代理")]),
        )
        .await;
    let (html_s, html) = page_of(
        &t,
        "op1",
        &format!("/applications/{id}/edit?step=enterprises"),
    )
    .await;
    assert_eq!(html_s, StatusCode::OK);
    assert!(
        html.contains("<td>大型</td>") && html.contains("<td>小型</td>"),
        "{html}"
    );
    assert!(!html.contains("<td>large</td>") && !html.contains("<td>small</td>"));
    let (s, v) = t
        .upload(
            "op1",
            id,
            "credit_report",
            "信用报告.pdf",
            b"%PDF-1.4 report",
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, html) = page_of(&t, "op1", &format!("/applications/{id}")).await;
    assert!(html.contains("<td>信用报告</td>"), "{html}");
    assert!(!html.contains(">credit_report<"), "{html}");
}

#[tokio::test]
async fn issue18_the_district_bureau_guides_drafts_and_the_conclusion_follows_the_status() {
    let t = spawn().await;
    t.round(2021, "2099-12-31").await;
    let id = t
        .create(
            "op1",
            full(2021, "徐汇甲园区", [(1, "甲代理"), (2, "乙代理")]),
        )
        .await;
    // The district bureau reads its park's draft and comments on it; another district does not.
    let (s, _, _) = t
        .call(
            "xuhui",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v, _) = t
        .call(
            "xuhui",
            Method::POST,
            &format!("/api/v1/applications/{id}/reviews"),
            Some(json!({"comment": "请补充园区认定文件"})),
        )
        .await;
    assert!(s.is_success(), "{s} {v}");
    let (s, _, _) = t
        .call(
            "minhang",
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, html) = page_of(&t, "xuhui", "/applications").await;
    assert!(
        html.contains("徐汇甲园区"),
        "the bureau's list shows the draft: {html}"
    );
    let (_, html) = page_of(&t, "op1", &format!("/applications/{id}")).await;
    assert!(html.contains("请补充园区认定文件"), "{html}");

    // Submitted: the conclusion does not read 不符合申报条件 while nobody decided.
    t.upload(
        "op1",
        id,
        "credit_report",
        "信用报告.pdf",
        b"%PDF-1.4 report",
    )
    .await;
    let (s, v, _) = t
        .call(
            "op1",
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            None,
        )
        .await;
    assert!(s.is_success(), "{s} {v}");
    let (_, html) = page_of(&t, "muni", "/applications?round_year=2021").await;
    assert!(html.contains("已提交"), "{html}");
    assert!(!html.contains("不符合申报条件"), "{html}");
    assert!(html.contains("待审核"), "{html}");
    // The final decision has no default, and one sent without a choice is refused.
    let (_, html) = page_of(&t, "muni", &format!("/applications/{id}")).await;
    // Issue 18: every check has its own review form with 确认符合 / 改判不符合 / 待核实.
    for rule in ["A1", "A2", "A3", "A4", "A5", "A6"] {
        let at = html
            .find(&format!("id=\"check-{rule}\""))
            .unwrap_or_else(|| panic!("check {rule}: {html}"));
        let item = &html[at..at + html[at..].find("</li>\n").unwrap()];
        assert!(
            item.contains(&format!("name=\"rule\" value=\"{rule}\""))
                && item.contains("value=\"pass\">确认符合")
                && item.contains("value=\"fail\">改判不符合"),
            "{item}"
        );
    }
    assert!(
        html.contains("<select id=\"decision\" name=\"decision\" required><option value=\"\" selected>请选择</option>"),
        "{html}"
    );
    let (s, _, html) = post_form(
        &t,
        "muni",
        &format!("/applications/{id}/reviews"),
        "form=decision&decision=&comment=%E5%A5%BD",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请选择综合结论"), "{html}");
    let (_, v, _) = t
        .call(
            "muni",
            Method::GET,
            &format!("/api/v1/applications/{id}/reviews"),
            None,
        )
        .await;
    assert_eq!(v.as_array().map(Vec::len), Some(1), "nothing recorded: {v}");
}

#[tokio::test]
async fn issue18_an_enterprise_opening_applications_is_told_who_applies() {
    let t = spawn().await;
    let (s, html) = page_of(&t, "ent", "/applications").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("集聚区申报由园区运营方办理"), "{html}");
    assert!(!html.contains("<th scope=\"col\">结论</th>"), "{html}");
}
