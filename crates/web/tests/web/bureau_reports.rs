//! Reports to the municipal bureau over HTTP (T8): the roles of every endpoint (403 for the
//! wrong one), the deadline, the operator's sections, the review (return with a comment,
//! resubmit, accept) with its conflicts, the package's files, and the two pages.
//!
//! A submitted package is set up through the store where the submission would need the KPI
//! computation; the submission itself is covered once the lead's `kpis::report` is merged.

use axum::http::StatusCode;
use serde_json::json;
use zhiyun_store::bureau_reports::{NewSubmission, PackageFile};

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
            "op2",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 2)),
        ),
        (
            "xuhui",
            "district_bureau",
            "徐汇区知识产权局",
            Some("310104"),
            None,
        ),
        ("city", "municipal_bureau", "上海市知识产权局", None, None),
        ("ent", "enterprise", "徐汇甲公司", Some("310104"), usc(3)),
    ])
    .await
}

async fn stored_submission(t: &TestApp) {
    let op = t.db.principal(t.users["op"]).await.unwrap().unwrap();
    t.db.bureau_submit(
        &NewSubmission {
            district_code: "310104",
            year: 2025,
            late: false,
            at: 1_767_000_000,
            snapshot_json: "{}",
            files: &[PackageFile {
                kind: "work_report".into(),
                filename: "徐汇区2025年度工作报告.docx".into(),
                bytes: b"PK-test".to_vec(),
            }],
        },
        &op.who(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn t8_each_endpoint_answers_403_to_the_wrong_role() {
    let t = app().await;
    let tok = |u: &str| t.tokens[u].clone();
    let (op, op2, xuhui, city, ent) =
        (tok("op"), tok("op2"), tok("xuhui"), tok("city"), tok("ent"));
    // Reading a district's year: its operator and bureau, the city; not another district, not an
    // enterprise.
    for who in [&op, &xuhui, &city] {
        let res = t
            .get("/api/v1/reports/2025?district=310104", As::Bearer(who))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    for who in [&op2, &ent] {
        t.get("/api/v1/reports/2025?district=310104", As::Bearer(who))
            .await
            .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.get(
            "/api/v1/reports/2025/statistics.xlsx?district=310104",
            As::Bearer(who),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.get(
            "/api/v1/reports/2025/work-report.docx?district=310104",
            As::Bearer(who),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    }
    // Writing and submitting: only the district's operator.
    let body = json!({"problems": "问题", "plan": "计划"});
    for who in [&xuhui, &city, &op2, &ent] {
        t.put(
            "/api/v1/reports/2025/sections?district=310104",
            As::Bearer(who),
            body.clone(),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.post(
            "/api/v1/reports/2025/submission?district=310104",
            As::Bearer(who),
            json!({}),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    }
    // The list, the deadline and the review: only the municipal bureau.
    for who in [&op, &xuhui, &ent] {
        t.get("/api/v1/reports/2025/submissions", As::Bearer(who))
            .await
            .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.put(
            "/api/v1/reports/2025/deadline",
            As::Bearer(who),
            json!({"due_on": "2026-01-31"}),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.post(
            "/api/v1/reports/2025/submissions/310104/accept",
            As::Bearer(who),
            json!({}),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
        t.post(
            "/api/v1/reports/2025/submissions/310104/return",
            As::Bearer(who),
            json!({"comment": "请补充"}),
        )
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    }
    t.get("/api/v1/reports/2025?district=310104", As::Anon)
        .await
        .api_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn t8_deadline_sections_return_resubmit_accept_over_the_api() {
    let t = app().await;
    let op = As::Bearer(&t.tokens["op"]);
    let city = As::Bearer(&t.tokens["city"]);
    t.put(
        "/api/v1/reports/2025/deadline",
        city,
        json!({"due_on": "2025-13-01"}),
    )
    .await
    .api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_date");
    let res = t
        .put(
            "/api/v1/reports/2025/deadline",
            city,
            json!({"due_on": "2099-01-31"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["due_on"], "2099-01-31");

    let res = t
        .put(
            "/api/v1/reports/2025/sections",
            op,
            json!({"problems": "一是规模偏小。\n二是覆盖不足。", "plan": "扩大覆盖。"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let v = t.get("/api/v1/reports/2025", op).await.json();
    assert_eq!(v["district_code"], "310104");
    assert_eq!(v["deadline"], "2099-01-31");
    assert_eq!(v["standing"], "missing");
    assert_eq!(v["problems"], "一是规模偏小。\n二是覆盖不足。");
    assert_eq!(v["may_submit"], true);

    // Nothing to review yet.
    t.post(
        "/api/v1/reports/2025/submissions/310104/accept",
        city,
        json!({}),
    )
    .await
    .api_error(StatusCode::CONFLICT, "package_not_submitted");

    stored_submission(&t).await;
    let l = t.get("/api/v1/reports/2025/submissions", city).await.json();
    let districts = l["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 16);
    let xuhui = districts
        .iter()
        .find(|d| d["district_code"] == "310104")
        .unwrap();
    assert_eq!(xuhui["standing"], "submitted");
    assert_eq!(xuhui["package"]["files"][0]["kind"], "work_report");
    assert!(
        districts
            .iter()
            .filter(|d| d["district_code"] != "310104")
            .all(|d| d["standing"] == "missing")
    );
    // The file as sent.
    let url = xuhui["package"]["files"][0]["url"].as_str().unwrap();
    let f = t.get(url, As::Bearer(&t.tokens["xuhui"])).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(&f.body[..], b"PK-test");
    t.get(url, As::Bearer(&t.tokens["op2"]))
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");

    // While submitted the operator cannot change or resubmit.
    t.put(
        "/api/v1/reports/2025/sections",
        op,
        json!({"problems": "改", "plan": "改"}),
    )
    .await
    .api_error(StatusCode::CONFLICT, "package_submitted");
    t.post("/api/v1/reports/2025/submission", op, json!({}))
        .await
        .api_error(StatusCode::CONFLICT, "package_submitted");

    // A return needs a comment.
    t.post(
        "/api/v1/reports/2025/submissions/310104/return",
        city,
        json!({}),
    )
    .await
    .api_error(StatusCode::UNPROCESSABLE_ENTITY, "required");
    let res = t
        .post(
            "/api/v1/reports/2025/submissions/310104/return",
            city,
            json!({"comment": "请补充典型案例。"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["status"], "returned");
    let v = t.get("/api/v1/reports/2025", op).await.json();
    assert_eq!(v["standing"], "returned");
    assert_eq!(v["package"]["review_comment"], "请补充典型案例。");
    assert_eq!(v["may_submit"], true);
    let res = t
        .put(
            "/api/v1/reports/2025/sections",
            op,
            json!({"problems": "一是规模偏小（附典型案例）。", "plan": "扩大覆盖。"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    // Resubmitted, then accepted without a body; accepted is final.
    stored_submission(&t).await;
    let res = t
        .send(
            axum::http::Request::post("/api/v1/reports/2025/submissions/310104/accept")
                .header("authorization", format!("Bearer {}", t.tokens["city"]))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let p = res.json();
    assert_eq!(
        (p["status"].as_str(), p["submissions"].as_u64()),
        (Some("accepted"), Some(2))
    );
    t.post(
        "/api/v1/reports/2025/submissions/310104/return",
        city,
        json!({"comment": "再改"}),
    )
    .await
    .api_error(StatusCode::CONFLICT, "package_accepted");
    t.put(
        "/api/v1/reports/2025/sections",
        op,
        json!({"problems": "改", "plan": "改"}),
    )
    .await
    .api_error(StatusCode::CONFLICT, "package_accepted");
}

#[tokio::test]
async fn t8_the_operator_and_bureau_pages() {
    let t = app().await;
    let cookie = t.login("op").await;
    let c = As::Cookie(&cookie);
    let res = t.get("/reports", c).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = t.get("/reports/2025", c).await.page(StatusCode::OK);
    assert!(page.contains("2025 年度报送 · 徐汇区") && page.contains("三、存在问题"));
    assert!(page.contains("/api/v1/reports/2025/work-report.docx?district=310104"));
    assert!(page.contains("年度报送"), "the navigation links the page");
    // Saving the sections from the form.
    let res = t
        .form(
            "/reports/2025/sections?district=310104",
            c,
            &[
                ("problems", "一是规模偏小。"),
                ("plan", "扩大覆盖。"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let page = t
        .get("/reports/2025?district=310104&notice=saved", c)
        .await
        .page(StatusCode::OK);
    assert!(page.contains("一是规模偏小。") && page.contains("已保存"));
    // Submitting without a plan re-renders with the error (before any figure is counted).
    let res = t
        .form(
            "/reports/2025/sections?district=310104",
            c,
            &[
                ("problems", "一是规模偏小。"),
                ("plan", ""),
                ("action", "submit"),
            ],
        )
        .await;
    let page = res.page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("下一年度工作计划不能为空"), "{page}");

    // The municipal bureau: the deadline and the list.
    let city = t.login("city").await;
    let b = As::Cookie(&city);
    let res = t.get("/reports", b).await;
    assert!(res.location().ends_with("/bureau"));
    let res = t
        .form("/reports/2025/deadline", b, &[("due_on", "2099-01-31")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    stored_submission(&t).await;
    let page = t.get("/reports/2025/bureau", b).await.page(StatusCode::OK);
    assert!(page.contains("2025 年度报送情况") && page.contains("2099-01-31"));
    assert!(page.contains("浦东新区") && page.contains("未报送 15"));
    assert!(page.contains("审核：徐汇区"));
    // A return without a comment re-renders with the error; with one it is recorded.
    let res = t
        .form("/reports/2025/review/310104/return", b, &[("comment", "")])
        .await;
    assert!(
        res.page(StatusCode::UNPROCESSABLE_ENTITY)
            .contains("审核意见不能为空")
    );
    let res = t
        .form(
            "/reports/2025/review/310104/return",
            b,
            &[("comment", "请补充典型案例。")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = t.get("/reports/2025/bureau", b).await.page(StatusCode::OK);
    assert!(page.contains("已退回 1") && page.contains("请补充典型案例。"));
    // Other roles: no bureau page; an enterprise no report page.
    t.get("/reports/2025/bureau", c)
        .await
        .page(StatusCode::FORBIDDEN);
    let ent = t.login("ent").await;
    t.get("/reports/2025", As::Cookie(&ent))
        .await
        .page(StatusCode::FORBIDDEN);
}
