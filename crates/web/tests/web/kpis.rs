//! Issue 16: K1–K6 counted from pledges, deals, the register and surveys through the API, the
//! contract's fields, the evidence behind a figure, who may see what, and the dashboard pages.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use zhiyun_service::Clock;
use zhiyun_web::Config;

use crate::common::{self, As, TestApp};

const XUHUI: &str = "310104";

fn number(body: &str) -> String {
    format!(
        "{body}.{}",
        zhiyun_domain::ident::patent_check_char(body).unwrap()
    )
}

async fn app() -> TestApp {
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let mut app = TestApp::start_with(
        Config::default(),
        Clock::fixed(zhiyun_domain::time::unix_of(noon)),
    )
    .await;
    type Spec = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        u32,
    );
    let specs: [Spec; 9] = [
        ("uni", "university", Some(XUHUI), None, 1),
        ("ent", "enterprise", Some(XUHUI), Some("small"), 2),
        ("ent2", "enterprise", Some(XUHUI), Some("micro"), 3),
        ("big", "enterprise", Some(XUHUI), Some("large"), 4),
        ("op", "park_operator", Some(XUHUI), None, 5),
        ("bank", "bank", Some(XUHUI), None, 6),
        ("minhang", "district_bureau", Some("310112"), None, 0),
        ("xuhui", "district_bureau", Some(XUHUI), None, 0),
        ("city", "municipal_bureau", None, None, 0),
    ];
    for (user, kind, district, size, n) in specs {
        let org = app
            .add_org(zhiyun_domain::org::OrgInput {
                kind: Some(kind.into()),
                name: Some(format!("{user} 机构")),
                uscc: (n > 0).then(|| common::uscc(XUHUI, n)),
                district_code: district.map(Into::into),
                size_class: size.map(Into::into),
                ..Default::default()
            })
            .await;
        app.add_user(user, user, org, false).await;
        app.add_token(user).await;
    }
    app
}

async fn ok(t: &TestApp, who: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let (s, v) = t.call(Some(who), method, path, body).await;
    assert!(s.is_success(), "{path}: {s} {v}");
    v
}

/// A granted invention patent of `owner`, fees paid well ahead.
async fn patent(t: &TestApp, owner: &str, body: &str) -> String {
    let n = number(body);
    ok(
        t,
        owner,
        Method::POST,
        "/api/v1/patents",
        Some(json!({"number": n, "title": format!("一种测试装置{body}"),
            "owner_org_id": t.org_of[owner], "filed_on": "2016-03-01", "granted_on": "2018-03-01",
            "legal_status": "granted", "fee_paid_until": "2027-03-01"})),
    )
    .await;
    n
}

/// A pledge of `patent` by `ent` to the bank, applied for 999 万元, approved for `wan` 万元 (the
/// secured amount K1 counts) and registered on `year`-03-01.
async fn registered_pledge(t: &TestApp, patent: &str, year: i32, wan: &str) -> i64 {
    let v = ok(
        t,
        "ent",
        Method::POST,
        "/api/v1/pledges",
        Some(json!({"kind": "patent", "pledgor_org_id": t.org_of["ent"],
            "pledgee_org_id": t.org_of["bank"], "patents": [patent], "trademarks": [],
            "amount_wan": "999", "loan_start": format!("{year}-03-10"),
            "repay_by": format!("{}-03-09", year + 1), "applied_on": format!("{year}-01-10")})),
    )
    .await;
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/pledges/{id}/stage");
    for body in [
        json!({"stage": "appraisal", "on": format!("{year}-01-20"),
            "appraisal": {"value_wan": "900", "appraiser": "上海某资产评估公司", "method": "income",
                          "standard": "gbt_42748"}}),
        json!({"stage": "due_diligence", "on": format!("{year}-02-01")}),
        json!({"stage": "approved", "on": format!("{year}-02-10"), "amount_wan": wan}),
        json!({"stage": "registered", "on": format!("{year}-03-01"),
            "registration_number": format!("Y{year}310000{id:03}")}),
    ] {
        ok(t, "bank", Method::POST, &path, Some(body)).await;
    }
    id
}

async fn deal(t: &TestApp, kind: &str, to: &str, patents: &[&str], signed: &str) -> i64 {
    let mut body = json!({"kind": kind, "from_org_id": t.org_of["uni"], "to_org_id": t.org_of[to],
        "patents": patents, "venue": "off_exchange", "amount_wan": "50", "signed_on": signed});
    if kind == "licence" {
        body["licence_type"] = json!("ordinary");
        body["effective_on"] = json!(signed);
        body["term_until"] = json!("2030-12-31");
    }
    ok(t, "op", Method::POST, "/api/v1/deals", Some(body)).await["id"]
        .as_i64()
        .unwrap()
}

fn indicator<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {r}"))
}

#[tokio::test]
async fn k1_to_k4_counted_from_pledges_and_deals_with_growth_targets_and_evidence() {
    let t = app().await;
    let mut next = 0;
    // K1/K2: 2020 one pledge of 100; 2021 two (100 + 160); 2022 three of 100.
    for (year, wan) in [
        (2020, "100"),
        (2021, "100"),
        (2021, "160"),
        (2022, "100"),
        (2022, "100"),
        (2022, "100"),
    ] {
        next += 1;
        let p = patent(&t, "ent", &format!("2016101{next:05}")).await;
        registered_pledge(&t, &p, year, wan).await;
    }
    // K3/K4: 2021 a licence of two patents from the university to a small enterprise; 2022 a
    // transfer of one to a micro enterprise and a licence of one to the first again; a licence to
    // a large enterprise never counts.
    let mut uni = Vec::new();
    for n in 0..5 {
        uni.push(patent(&t, "uni", &format!("2016102{n:05}")).await);
    }
    let [a, b, c, d, e] = &uni[..] else {
        unreachable!()
    };
    deal(&t, "licence", "ent", &[a, b], "2021-03-01").await;
    deal(&t, "transfer", "ent2", &[c], "2022-04-01").await;
    deal(&t, "licence", "ent", &[d], "2022-05-01").await;
    let large = deal(&t, "licence", "big", &[e], "2022-06-01").await;

    let r = ok(
        &t,
        "op",
        Method::GET,
        "/api/v1/kpis?district=310104&from=2021&to=2022",
        None,
    )
    .await;
    assert_eq!(
        (&r["district_code"], &r["from"], &r["to"], &r["base_year"]),
        (&json!(XUHUI), &json!(2021), &json!(2022), &json!(2020))
    );
    let k1 = indicator(&r, "K1");
    assert_eq!(k1["unit"], "万元");
    assert_eq!(
        k1["values"],
        json!({"2020": "100.00", "2021": "260.00", "2022": "300.00"})
    );
    assert_eq!(k1["yoy_pct"], json!({"2021": "160.00", "2022": "15.38"}));
    // (300 / 100)^(1/2) − 1 = 73.205 %.
    assert_eq!(
        (&k1["growth_pct"], &k1["target_pct"], &k1["met"]),
        (&json!("73.21"), &json!("30"), &json!(true))
    );
    let k2 = indicator(&r, "K2");
    assert_eq!(k2["values"], json!({"2020": 1, "2021": 2, "2022": 3}));
    assert_eq!(k2["growth_pct"], "73.21");
    let k3 = indicator(&r, "K3");
    assert_eq!(k3["values"], json!({"2020": 0, "2021": 2, "2022": 2}));
    assert_eq!(k3["contracts"], json!({"2020": 0, "2021": 1, "2022": 2}));
    // A zero base year gives no growth and says why; the target cannot be judged.
    assert_eq!(
        (&k3["growth_pct"], &k3["growth_note"], &k3["met"]),
        (&Value::Null, &json!("基期为零，无法计算"), &Value::Null)
    );
    let k4 = indicator(&r, "K4");
    assert_eq!(k4["values"], json!({"2020": 0, "2021": 1, "2022": 2}));
    let k5 = indicator(&r, "K5");
    assert_eq!(k5["population_year"], 2020);
    assert_eq!(k5["values"]["2022"], "0.00");
    let k6 = indicator(&r, "K6");
    assert_eq!(
        (&k6["values"], &k6["method"], &k6["target_pct"], &k6["met"]),
        (&json!({}), &json!("top_two"), &json!("90"), &Value::Null)
    );

    // The evidence of K3 in 2022: the two deals that count, the large enterprise's left out.
    let ev = ok(
        &t,
        "op",
        Method::GET,
        "/api/v1/kpis/K3/evidence?district=310104&year=2022",
        None,
    )
    .await;
    assert_eq!(ev["counted"], 2, "{ev}");
    let items = ev["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let left_out = items.iter().find(|i| i["id"] == large).unwrap();
    assert_eq!(left_out["counted"], false);
    assert!(
        left_out["note"].as_str().unwrap().contains("中小微企业"),
        "{left_out}"
    );
    let ev1 = ok(
        &t,
        "xuhui",
        Method::GET,
        "/api/v1/kpis/K1/evidence?district=310104&year=2021",
        None,
    )
    .await;
    let amounts: Vec<&str> = ev1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount_wan"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["100.00", "160.00"]);

    // City-wide for the municipal bureau gives the same (every record is in 徐汇).
    let city = ok(
        &t,
        "city",
        Method::GET,
        "/api/v1/kpis?from=2021&to=2022",
        None,
    )
    .await;
    assert_eq!(city["district_code"], Value::Null);
    assert_eq!(indicator(&city, "K1")["values"], k1["values"]);

    // The dashboard and the evidence page.
    let cookie = t.login("op").await;
    let res = t.get("/kpis?from=2021&to=2022", As::Cookie(&cookie)).await;
    let html = res.page(StatusCode::OK);
    assert!(
        html.contains("徐汇区") && html.contains("年均增幅 73.21%"),
        "{html}"
    );
    assert!(html.contains("<svg") && html.contains("目标路径"));
    // The pipeline of 2022: three deals signed with a party of 徐汇, three pledges registered.
    assert!(
        html.contains("签约交易</a></th><td class=\"num-col\">3</td>"),
        "{html}"
    );
    assert!(html.contains("已质押登记</th><td class=\"num-col\">3</td>"));
    assert!(
        html.contains("/kpis/K3/evidence?district=310104&#38;year=2022"),
        "{html}"
    );
    let res = t
        .get(
            "/kpis/K3/evidence?district=310104&year=2022",
            As::Cookie(&cookie),
        )
        .await;
    let html = res.page(StatusCode::OK);
    assert!(html.contains(&format!("/deals/{large}")) && html.contains("不计入"));
    let cookie = t.login("city").await;
    let html = t
        .get("/kpis?from=2021&to=2022", As::Cookie(&cookie))
        .await
        .page(StatusCode::OK);
    assert!(
        html.contains("各区对比") && html.contains("崇明区"),
        "{html}"
    );
}

#[tokio::test]
async fn k_figures_only_for_their_district_and_bad_queries_name_the_field() {
    let t = app().await;
    for (who, path, status) in [
        ("ent", "/api/v1/kpis?district=310104", StatusCode::FORBIDDEN),
        ("uni", "/api/v1/kpis", StatusCode::FORBIDDEN),
        (
            "minhang",
            "/api/v1/kpis?district=310104",
            StatusCode::FORBIDDEN,
        ),
        ("op", "/api/v1/kpis", StatusCode::FORBIDDEN),
        ("op", "/api/v1/kpis?district=310104", StatusCode::OK),
        ("minhang", "/api/v1/kpis?district=310112", StatusCode::OK),
        ("city", "/api/v1/kpis", StatusCode::OK),
        (
            "minhang",
            "/api/v1/kpis/K1/evidence?district=310104&year=2022",
            StatusCode::FORBIDDEN,
        ),
    ] {
        let (s, v) = t.call(Some(who), Method::GET, path, None).await;
        assert_eq!(s, status, "{who} {path}: {v}");
    }
    for (path, code, field) in [
        (
            "/api/v1/kpis?district=123456",
            "unknown_district",
            "district",
        ),
        ("/api/v1/kpis?from=abc", "bad_year", "from"),
        ("/api/v1/kpis?from=2023&to=2021", "ends_before_start", "to"),
        ("/api/v1/kpis/K1/evidence?year=20x", "bad_year", "year"),
    ] {
        let (s, v) = t.call(Some("city"), Method::GET, path, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        assert_eq!(
            (v["error"]["code"].as_str(), v["error"]["field"].as_str()),
            (Some(code), Some(field)),
            "{path}: {v}"
        );
    }
    let (s, v) = t
        .call(Some("city"), Method::GET, "/api/v1/kpis/K9/evidence", None)
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

/// Issue 16: deals recorded at once for one receiver keep its K3 figures whole (the kept sums
/// take turns per organisation; on PostgreSQL two writers once deadlocked on its row).
#[tokio::test]
async fn k3_deals_recorded_at_once_for_one_receiver_all_count() {
    let t = app().await;
    let mut uni = Vec::new();
    for n in 0..8 {
        uni.push(patent(&t, "uni", &format!("2016103{n:05}")).await);
    }
    let one: Vec<[&str; 1]> = uni.iter().map(|p| [p.as_str()]).collect();
    let calls = one
        .iter()
        .map(|p| deal(&t, "licence", "ent", p, "2022-05-01"));
    let ids = futures_util::future::join_all(calls).await;
    assert_eq!(ids.len(), 8);
    let r = ok(
        &t,
        "op",
        Method::GET,
        "/api/v1/kpis?district=310104&from=2022&to=2022",
        None,
    )
    .await;
    let k3 = indicator(&r, "K3");
    assert_eq!(k3["values"]["2022"], 8, "{k3}");
    assert_eq!(k3["contracts"]["2022"], 8, "{k3}");
    assert_eq!(indicator(&r, "K4")["values"]["2022"], 1);
}
