//! Self-registration (issue 18): the public form and its Chinese errors, the API's `{code,
//! field}` answers and duplicates, the pending organisation's refused submission, the
//! approvers' list, home cards and decisions.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, As, TestApp};

const XUHUI: &str = "310104";

async fn spawn() -> TestApp {
    TestApp::with_users(vec![
        (
            "op",
            "park_operator",
            "徐汇园区运营",
            Some(XUHUI),
            Some(common::uscc(XUHUI, 1)),
        ),
        (
            "op_mh",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 2)),
        ),
        ("muni", "municipal_bureau", "上海市知识产权局", None, None),
    ])
    .await
}

fn body(username: &str, n: u32) -> Value {
    json!({
        "name": format!("上海自注册科技有限公司{n}"),
        "kind": "enterprise",
        "uscc": common::uscc(XUHUI, 100 + n),
        "district_code": XUHUI,
        "size_class": "micro",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        "username": username,
        "display_name": "陈静",
        "password": "register-123",
        "confirm": "register-123"
    })
}

fn form(username: &str, n: u32) -> Vec<(String, String)> {
    body(username, n)
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

async fn post_form(app: &TestApp, pairs: &[(String, String)]) -> common::Res {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.form("/register", As::Anon, &pairs).await
}

#[tokio::test]
async fn issue18_the_register_page_lists_districts_in_code_order_and_self_registering_kinds() {
    let app = spawn().await;
    let html = app.get("/register", As::Anon).await.page(StatusCode::OK);
    assert!(html.contains("单位注册"));
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    // Official code order: 310112 闵行区 before 310115 浦东新区, 310101 黄浦区 first.
    assert!(at(">黄浦区<") < at(">徐汇区<"));
    assert!(at(">杨浦区<") < at(">闵行区<"));
    assert!(at(">闵行区<") < at(">浦东新区<"));
    assert!(at(">浦东新区<") < at(">崇明区<"));
    for kind in ["企业", "高校院所", "商业银行", "交易机构", "保险机构"] {
        assert!(html.contains(&format!(">{kind}<")), "{kind}");
    }
    assert!(!html.contains("园区运营方<"));
    assert!(!html.contains("value=\"municipal_bureau\""));
    // Linked from the login page and the front door.
    let login = app.get("/login", As::Anon).await.page(StatusCode::OK);
    assert!(login.contains("href=\"/register\""));
    let front = app.get("/", As::Anon).await.page(StatusCode::OK);
    assert!(front.contains("href=\"/register\""));
}

#[tokio::test]
async fn issue18_the_form_names_every_bad_field_in_chinese_and_keeps_no_password() {
    let app = spawn().await;
    let mut pairs = form("bad user", 1);
    for (k, v) in pairs.iter_mut() {
        match k.as_str() {
            "uscc" => *v = "91310104MA1K3BTP2C".into(),
            "confirm" => *v = "different-1".into(),
            "contact_phone" => *v = "12345".into(),
            _ => {}
        }
    }
    let html = post_form(&app, &pairs)
        .await
        .page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("统一社会信用代码"), "{html}");
    assert!(html.contains("联系电话"));
    assert!(html.contains("用户名只能包含"));
    assert!(html.contains("两次输入的密码不一致"));
    assert!(
        !html.contains("register-123"),
        "the password is not sent back"
    );
    assert!(
        html.contains("上海自注册科技有限公司1"),
        "typed values are kept"
    );
}

#[tokio::test]
async fn issue18_register_log_in_pending_refused_approved_then_submits() {
    let app = spawn().await;
    let res = post_form(&app, &form("self-ent", 1)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(res.location(), "/login?notice=registered&username=self-ent");
    let login = app.get(res.location(), As::Anon).await.page(StatusCode::OK);
    assert!(login.contains("value=\"self-ent\""));
    assert!(login.contains("注册已提交"));

    let me = app.try_login("self-ent", "register-123").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    let cookie = me.session_cookie().unwrap();
    let home = app
        .get("/home", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(home.contains("待审核"), "{home}");
    // A draft is allowed; its submission is refused with the reason.
    let res = app
        .post(
            "/api/v1/listings",
            As::Cookie(&cookie),
            json!({"kind": "demand", "title": "求耐高温锂电池隔膜技术",
                "description": "动力电池隔膜高温收缩，求耐高温锂电池隔膜技术。",
                "field": "新材料", "modes": ["许可"], "district_code": XUHUI,
                "contact_name": "陈静", "contact_phone": "13912345678",
                "valid_until": "2027-06-30"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let id = res.json()["id"].as_i64().unwrap();
    let submit = format!("/api/v1/listings/{id}/submit");
    let err = app
        .post(&submit, As::Cookie(&cookie), json!({}))
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(err["message"], "本单位注册尚待审核，审核通过后方可提交");

    // The operator of 徐汇 has a card with the count, and the list with the age.
    let op = app.login("op").await;
    let home = app.get("/home", As::Cookie(&op)).await.page(StatusCode::OK);
    assert!(home.contains("单位注册待审核"), "{home}");
    assert!(home.contains("1 家"));
    let list = app
        .get("/registrations", As::Cookie(&op))
        .await
        .page(StatusCode::OK);
    assert!(list.contains("上海自注册科技有限公司1"));
    assert!(list.contains("13912345678"));
    // The operator of 闵行 and the enterprise do not see it.
    let (s, v) = app
        .call(
            Some("op_mh"),
            axum::http::Method::GET,
            "/api/v1/registrations?status=pending",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 0);
    app.get("/api/v1/registrations", As::Cookie(&cookie))
        .await
        .api_error(StatusCode::FORBIDDEN, "forbidden");
    let (s, v) = app
        .call(
            Some("op"),
            axum::http::Method::GET,
            "/api/v1/registrations?status=pending",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let org_id = v[0]["org_id"].as_i64().unwrap();
    assert_eq!(v[0]["status"], "pending");
    assert_eq!(v[0]["age_days"], 0);
    // The organisation's page says it is waiting; its approver gets a link, and the nav an entry.
    let org_page = app
        .get(&format!("/orgs/{org_id}"), As::Cookie(&op))
        .await
        .page(StatusCode::OK);
    assert!(
        org_page.contains("注册待审核") && org_page.contains("去审核"),
        "{org_page}"
    );
    let nav = |html: &str| {
        let from = html.find("class=\"mainnav\"").expect("a nav");
        html[from..from + html[from..].find("</nav>").unwrap()].to_string()
    };
    assert!(
        nav(&home).contains("注册审核"),
        "the nav leads to the registrations"
    );
    let own_page = app
        .get(&format!("/orgs/{org_id}"), As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(own_page.contains("注册待审核") && !own_page.contains("去审核"));
    assert!(!nav(&own_page).contains("注册审核"));

    // Rejecting without a reason is refused on the page; approving works.
    let res = app
        .form(
            &format!("/registrations/{org_id}/reject"),
            As::Cookie(&op),
            &[("comment", "")],
        )
        .await;
    assert!(
        res.location().starts_with("/registrations?error="),
        "{}",
        res.location()
    );
    let res = app
        .form(
            &format!("/registrations/{org_id}/approve"),
            As::Cookie(&op),
            &[("comment", "")],
        )
        .await;
    assert_eq!(
        res.location(),
        "/registrations?notice=registration_approved"
    );
    let res = app.post(&submit, As::Cookie(&cookie), json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let home = app
        .get("/home", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(!home.contains("id=\"my-registration\""));
    let org_page = app
        .get(&format!("/orgs/{org_id}"), As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(!org_page.contains("registration-state"));
}

#[tokio::test]
async fn issue18_the_api_answers_codes_naming_fields_and_refuses_duplicates() {
    let app = spawn().await;
    let anon = |b: Value| {
        let app = &app;
        async move { app.post("/api/v1/registrations", As::Anon, b).await }
    };
    let mut bad = body("x", 1);
    bad["uscc"] = json!("91310104MA1K3BTP2C");
    bad["district_code"] = json!("310103");
    let err = anon(bad)
        .await
        .api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad_check_digit");
    assert_eq!(err["field"], "uscc");
    let fields: Vec<&str> = err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["uscc", "district_code", "username"]);

    let res = anon(body("api-ent", 2)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let v = res.json();
    assert_eq!(v["status"], "pending");
    let org_id = v["org_id"].as_i64().unwrap();

    // The operator's USCC: 409 naming the existing organisation.
    let mut dup = body("other-ent", 3);
    dup["uscc"] = json!(common::uscc(XUHUI, 1));
    let err = anon(dup)
        .await
        .api_error(StatusCode::CONFLICT, "uscc_taken");
    assert_eq!(err["field"], "uscc");
    assert!(err["message"].as_str().unwrap().contains("徐汇园区运营"));
    let err = anon(body("api-ent", 4))
        .await
        .api_error(StatusCode::CONFLICT, "username_taken");
    assert_eq!(err["field"], "username");

    // Decisions: the bureau does not decide on an enterprise; a rejection needs a comment.
    let reject = format!("/api/v1/registrations/{org_id}/reject");
    let (s, _) = app
        .call(
            Some("muni"),
            axum::http::Method::POST,
            &reject,
            Some(json!({"comment": "不符"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app
        .call(
            Some("op"),
            axum::http::Method::POST,
            &reject,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (s, v) = app
        .call(
            Some("op"),
            axum::http::Method::POST,
            &reject,
            Some(json!({"comment": "营业执照信息不符"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "rejected");
    let (s, v) = app
        .call(
            Some("op"),
            axum::http::Method::POST,
            &format!("/api/v1/registrations/{org_id}/approve"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_decided"))
    );
    // The rejected organisation's user reads the reason on the home.
    let me = app
        .try_login("api-ent", "register-123")
        .await
        .session_cookie()
        .unwrap();
    let home = app.get("/home", As::Cookie(&me)).await.page(StatusCode::OK);
    assert!(home.contains("营业执照信息不符"), "{home}");
    assert!(home.contains("未通过"));
    // The decision is in the audit log.
    let audit: Vec<String> = app
        .db
        .audit_list(&zhiyun_store::audit::AuditFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .1
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.entity))
        .collect();
    assert!(
        audit.iter().any(|a| a == "reject registration"),
        "{audit:?}"
    );
    assert!(
        audit.iter().any(|a| a == "register organisation"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn issue18_the_public_registration_is_throttled_per_address() {
    let app = spawn().await;
    let mut last = StatusCode::OK;
    for _ in 0..11 {
        last = app
            .post("/api/v1/registrations", As::Anon, json!({}))
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let res = app.post("/api/v1/registrations", As::Anon, json!({})).await;
    res.api_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(res.header(axum::http::header::RETRY_AFTER).is_some());
}
