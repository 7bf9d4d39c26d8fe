//! The patent register's API contract (issue 11): create, get with `expires_on` and `high_value`,
//! list, replace, the import in its three modes, the K5 indicator with its population year, the
//! population entry, trademarks; every status and code the issue names, the refusals per role, and
//! the "Done when" boundaries once end to end. The clock stands at 2026-12-04 (Beijing).

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_service::{Clock, Ctx};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};
use zhiyun_web::{AppState, Config, router};

const XUHUI: &str = "310104";
const CHONGMING: &str = "310151";

fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

/// `body` with its check character.
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

struct Api {
    router: Router,
    tokens: HashMap<&'static str, String>,
    orgs: HashMap<&'static str, i64>,
    usccs: HashMap<&'static str, String>,
}

impl Api {
    async fn raw(
        &self,
        who: Option<&str>,
        req: axum::http::request::Builder,
        body: Body,
    ) -> (StatusCode, Value) {
        use tower::ServiceExt;
        let req = match who {
            Some(w) => req.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[w])),
            None => req,
        };
        let res = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
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

    async fn call(
        &self,
        who: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder().method(method).uri(path);
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.raw(who, b, body).await
    }

    async fn import(&self, who: &str, mode: &str, csv: String) -> (StatusCode, Value) {
        let b = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/patents/import?mode={mode}&filename=p.csv"))
            .header(header::CONTENT_TYPE, "text/csv");
        self.raw(Some(who), b, Body::from(csv)).await
    }

    /// A granted invention of `owner` filed 2017-07-20, fees paid to 2027-07-20, in a strategic
    /// industry (H01M).
    fn body(&self, owner: &str, num: &str) -> Value {
        json!({
            "number": num, "title": "一种锂离子电池隔膜及其制备方法", "kind": "invention",
            "owner_org_id": self.orgs[owner], "ipc": ["H01M 50/409"],
            "filed_on": "2017-07-20", "granted_on": "2020-03-10", "legal_status": "granted",
            "fee_paid_until": "2027-07-20", "overseas": [], "awards": []
        })
    }

    async fn create(&self, who: &str, body: Value) -> i64 {
        let (s, v) = self
            .call(Some(who), Method::POST, "/api/v1/patents", Some(body))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }
}

async fn spawn() -> Api {
    let db = testing::fresh().await;
    let who = Who::cli();
    let hasher = Hasher::fast_for_tests();
    let mut tokens = HashMap::new();
    let mut orgs = HashMap::new();
    let mut usccs = HashMap::new();
    let specs: [(&str, &str, Option<&str>); 8] = [
        ("uni", "university", Some(XUHUI)),
        ("ent", "enterprise", Some(XUHUI)),
        ("ent_cm", "enterprise", Some(CHONGMING)),
        ("op", "park_operator", Some(XUHUI)),
        ("agency", "agency", Some(XUHUI)),
        ("municipal", "municipal_bureau", None),
        ("district", "district_bureau", Some(XUHUI)),
        ("bank", "bank", Some(XUHUI)),
    ];
    for (i, (user, kind, district)) in specs.into_iter().enumerate() {
        let code = uscc(district.unwrap_or("310000"), i as u32 + 1);
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(format!("{user} 机构")),
                    uscc: Some(code.clone()),
                    district_code: district.map(Into::into),
                    size_class: (kind == "enterprise").then(|| "small".into()),
                    ..Default::default()
                })
                .unwrap(),
                &who,
            )
            .await
            .unwrap();
        let u = db
            .user_create(
                &NewUser {
                    username: user.replace('_', "-"),
                    display_name: user.into(),
                    org_id: org.id,
                    password_hash: hasher.hash("password-123"),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        tokens.insert(user, db.token_create(u.id, "t", &who).await.unwrap().1);
        orgs.insert(user, org.id);
        usccs.insert(user, code);
    }
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let clock = Clock::fixed(zhiyun_domain::time::unix_of(noon));
    let ctx = Ctx::new(db, hasher).with_clock(clock);
    Api {
        router: router(AppState::with_ctx(ctx, Config::default())),
        tokens,
        orgs,
        usccs,
    }
}

#[tokio::test]
async fn t6_create_get_list_replace_as_the_contract_says() {
    let api = spawn().await;
    let mut body = api.body("uni", "202110123456.7");
    body["filed_on"] = json!("2021-07-01");
    body["granted_on"] = json!("2023-05-02");
    body["fee_paid_until"] = json!("2026-07-01");
    body["overseas"] = json!([{"office": "US", "number": "US11223344B2", "granted": true}]);
    body["awards"] = json!([{"name": "中国专利银奖", "year": 2022}]);
    let id = api.create("uni", body).await;
    let (s, v) = api
        .call(
            Some("uni"),
            Method::GET,
            &format!("/api/v1/patents/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["number"], "202110123456.7");
    assert_eq!(v["kind"], "invention");
    assert_eq!(v["expires_on"], "2041-06-30");
    assert_eq!(v["high_value"]["is"], true);
    assert_eq!(
        v["high_value"]["categories"],
        json!(["strategic_emerging", "overseas_family", "award"])
    );
    assert!(
        v["high_value"]["reasons"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("US11223344B2")
    );
    assert_eq!(v["overseas"][0]["office"], "US");
    assert_eq!(
        v["awards"][0],
        json!({"name": "中国专利银奖", "year": 2022, "national": true})
    );
    // Fees (internal): the fee due 2026-07-01 is unpaid, in its six months' grace with a surcharge.
    assert_eq!(v["fee_paid_until"], "2026-07-01");
    assert_eq!(v["fee"]["state"], "in_grace");
    assert_eq!(v["fee"]["next_due_on"], "2026-07-01");
    assert_eq!(v["fee"]["grace_ends_on"], "2027-01-01");
    assert_eq!(v["fee"]["surcharge_pct"], 25);
    // A bank reads the public facts only.
    let (_, pub_view) = api
        .call(
            Some("bank"),
            Method::GET,
            &format!("/api/v1/patents/{id}"),
            None,
        )
        .await;
    assert!(
        pub_view.get("fee").is_none() && pub_view.get("fee_paid_until").is_none(),
        "{pub_view}"
    );
    assert_eq!(pub_view["high_value"]["is"], true);
    // Without login: 401.
    let (s, v) = api
        .call(None, Method::GET, &format!("/api/v1/patents/{id}"), None)
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    // PUT replaces; the list finds it by owner and text.
    let mut again = api.body("uni", "ZL 2021 1 0123456.7");
    again["filed_on"] = json!("2021-07-01");
    again["granted_on"] = json!("2023-05-02");
    again["fee_paid_until"] = json!("2027-07-01");
    again["title"] = json!("一种复合隔膜");
    let (s, v) = api
        .call(
            Some("uni"),
            Method::PUT,
            &format!("/api/v1/patents/{id}"),
            Some(again),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["title"].as_str(), v["fee"]["state"].as_str()),
        (Some("一种复合隔膜"), Some("paid"))
    );
    assert_eq!(v["high_value"]["categories"], json!(["strategic_emerging"]));
    let path = format!(
        "/api/v1/patents?owner_org_id={}&q=%E5%A4%8D%E5%90%88",
        api.orgs["uni"]
    );
    let (s, v) = api.call(Some("bank"), Method::GET, &path, None).await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    assert_eq!(v["items"][0]["high_value"]["is"], true);
    let (_, v) = api
        .call(
            Some("bank"),
            Method::GET,
            "/api/v1/patents?q=202110123456",
            None,
        )
        .await;
    assert_eq!(v["total"], 1);
    let (s, v) = api
        .call(
            Some("bank"),
            Method::GET,
            "/api/v1/patents?kind=plant",
            None,
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("kind"))
    );
}

#[tokio::test]
async fn t6_bad_input_is_named_by_field_duplicates_conflict_and_others_are_refused() {
    let api = spawn().await;
    let num = number("201710601862");
    api.create("uni", api.body("uni", &num)).await;
    let (s, v) = api
        .call(
            Some("uni"),
            Method::POST,
            "/api/v1/patents",
            Some(api.body("uni", &num)),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate_patent")),
        "{v}"
    );
    for (field, value, code, at) in [
        (
            "number",
            json!("201710601862.4"),
            "bad_check_digit",
            "number",
        ),
        (
            "granted_on",
            json!("2016-01-01"),
            "granted_before_filed",
            "granted_on",
        ),
        ("kind", json!("utility_model"), "kind_mismatch", "kind"),
        (
            "legal_status",
            json!("valid"),
            "unknown_value",
            "legal_status",
        ),
        (
            "granted_on",
            json!("2027-01-01"),
            "date_in_future",
            "granted_on",
        ),
        ("ipc", json!(["H01M50"]), "bad_ipc", "ipc.0"),
        (
            "overseas",
            json!([{"office": "ZZ", "number": "1"}]),
            "unknown_value",
            "overseas.0.office",
        ),
        (
            "owner_org_id",
            json!(999_999),
            "unknown_org",
            "owner_org_id",
        ),
    ] {
        let mut b = api.body("uni", &number("201810000001"));
        b[field] = value;
        let (s, v) = api
            .call(Some("uni"), Method::POST, "/api/v1/patents", Some(b))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        let errors = v["error"]["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["field"] == at && e["code"] == code),
            "{field}: {v}"
        );
    }
    // A wrong type is a 400 naming the field, never a 500.
    let mut b = api.body("uni", &number("201810000001"));
    b["owner_org_id"] = json!("上海交通大学");
    let (s, v) = api
        .call(Some("uni"), Method::POST, "/api/v1/patents", Some(b))
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("owner_org_id")),
        "{v}"
    );
    // Owners the user may not act for: 403.
    for (who, owner) in [
        ("ent", "uni"),
        ("op", "uni"),
        ("district", "ent"),
        ("bank", "ent"),
        ("ent_cm", "ent"),
    ] {
        let (s, v) = api
            .call(
                Some(who),
                Method::POST,
                "/api/v1/patents",
                Some(api.body(owner, &number("201810000002"))),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{who} for {owner}"
        );
    }
    // The district's operator and agency act for its enterprise.
    api.create("op", api.body("ent", &number("201810000003")))
        .await;
    api.create("agency", api.body("ent", &number("201810000004")))
        .await;
    // Replacing another's patent is refused too.
    let id = api
        .create("ent", api.body("ent", &number("201810000005")))
        .await;
    let (s, _) = api
        .call(
            Some("uni"),
            Method::PUT,
            &format!("/api/v1/patents/{id}"),
            Some(api.body("ent", &number("201810000005"))),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = api
        .call(Some("uni"), Method::GET, "/api/v1/patents/999999", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn t6_k5_done_when_boundaries_end_to_end() {
    let api = spawn().await;
    // More than ten years from filing: filed 2016-12-04, the tenth anniversary is today (2026-12-04);
    // filed a day later, not yet. A47J is in no strategic industry.
    let plain = |num: &str, filed: &str| {
        let mut b = api.body("ent_cm", num);
        b["ipc"] = json!(["A47J 27/00"]);
        b["filed_on"] = json!(filed);
        b["granted_on"] = json!("2019-01-10");
        b["fee_paid_until"] = json!("2027-12-04");
        b
    };
    let on = api
        .create("ent_cm", plain(&number("201610000001"), "2016-12-04"))
        .await;
    let mut before = plain(&number("201610000002"), "2016-12-05");
    before["fee_paid_until"] = json!("2027-12-05");
    let off = api.create("ent_cm", before).await;
    let hv = |v: &Value| v["high_value"]["categories"].clone();
    let (_, v) = api
        .call(
            Some("ent_cm"),
            Method::GET,
            &format!("/api/v1/patents/{on}"),
            None,
        )
        .await;
    assert_eq!(hv(&v), json!(["maintained_10y"]), "{v}");
    let (_, v) = api
        .call(
            Some("ent_cm"),
            Method::GET,
            &format!("/api/v1/patents/{off}"),
            None,
        )
        .await;
    assert_eq!(
        (v["high_value"]["is"].as_bool(), hv(&v)),
        (Some(false), json!([])),
        "{v}"
    );
    // Designs: 10 years when filed 2021-05-31, 15 when filed 2021-06-01.
    for (body, filed, expires) in [
        ("202130000001", "2021-05-31", "2031-05-30"),
        ("202130000002", "2021-06-01", "2036-05-31"),
    ] {
        let d = json!({"number": number(body), "title": "包装盒", "owner_org_id": api.orgs["ent_cm"],
                       "filed_on": filed, "granted_on": "2021-12-01", "legal_status": "granted"});
        let id = api.create("ent_cm", d).await;
        let (_, v) = api
            .call(
                Some("ent_cm"),
                Method::GET,
                &format!("/api/v1/patents/{id}"),
                None,
            )
            .await;
        assert_eq!(
            (v["kind"].as_str(), v["expires_on"].as_str()),
            (Some("design"), Some(expires))
        );
        assert_eq!(v["high_value"]["is"], false);
    }
    // A lapsed invention meeting categories is not high-value.
    let mut lapsed = api.body("ent_cm", &number("201710000003"));
    lapsed["legal_status"] = json!("lapsed");
    lapsed["ended_on"] = json!("2025-01-01");
    let id = api.create("ent_cm", lapsed).await;
    let (_, v) = api
        .call(
            Some("ent_cm"),
            Method::GET,
            &format!("/api/v1/patents/{id}"),
            None,
        )
        .await;
    assert_eq!(
        (v["in_force"].as_bool(), v["high_value"]["is"].as_bool()),
        (Some(false), Some(false))
    );
    // A utility model with a granted overseas member is not: only inventions count.
    let mut um = api.body("ent_cm", &number("201720000004"));
    um["kind"] = json!("utility_model");
    um["fee_paid_until"] = json!("2027-07-20");
    um["overseas"] = json!([{"office": "US", "number": "US10000001B2", "granted": true}]);
    let id = api.create("ent_cm", um).await;
    let (_, v) = api
        .call(
            Some("ent_cm"),
            Method::GET,
            &format!("/api/v1/patents/{id}"),
            None,
        )
        .await;
    assert_eq!(v["high_value"]["is"], false, "{v}");
    assert!(
        v["high_value"]["why_not"]
            .as_str()
            .unwrap()
            .contains("实用新型")
    );
    // Two categories, counted once: a strategic-industry invention with an award.
    let mut two = api.body("ent_cm", &number("201710000005"));
    two["awards"] = json!([{"name": "中国专利金奖", "year": 2021}]);
    let id = api.create("ent_cm", two).await;
    let (_, v) = api
        .call(
            Some("ent_cm"),
            Method::GET,
            &format!("/api/v1/patents/{id}"),
            None,
        )
        .await;
    assert_eq!(hv(&v), json!(["strategic_emerging", "award"]));
    // 崇明 at the end of 2026 holds three high-value inventions, each counted once: this one and
    // both ten-year ones (the second turns ten on 2026-12-05, before the year ends).
    let (s, v) = api
        .call(
            Some("municipal"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310151&year=2026",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({"district_code": "310151", "year": 2026, "count": 3, "residents": 637921,
               "population_year": 2020, "per_10k": "0.05"})
    );
    let (_, v) = api
        .call(
            Some("municipal"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310151&year=2025",
            None,
        )
        .await;
    assert_eq!(
        v["count"], 1,
        "at the end of 2025 neither has been kept ten years"
    );
}

#[tokio::test]
async fn k5_indicator_and_population_with_refusals_per_role() {
    let api = spawn().await;
    api.create("op", api.body("ent", &number("201710601862")))
        .await;
    let (s, v) = api
        .call(
            Some("municipal"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310104&year=2023",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["count"].as_u64(),
            v["residents"].as_u64(),
            v["population_year"].as_i64()
        ),
        (Some(1), Some(1_113_078), Some(2020))
    );
    assert_eq!(v["per_10k"], "0.01");
    // The bureau enters the city's 2022 population; the city-wide 2023 figure uses it.
    let (s, v) = api
        .call(
            Some("municipal"),
            Method::PUT,
            "/api/v1/districts/310000/population/2022",
            Some(json!({"residents": 24_758_900})),
        )
        .await;
    assert_eq!(
        (s, v["residents"].as_u64()),
        (StatusCode::OK, Some(24_758_900)),
        "{v}"
    );
    let (s, v) = api
        .call(
            Some("municipal"),
            Method::GET,
            "/api/v1/indicators/high-value?year=2023",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v,
        json!({"district_code": null, "year": 2023, "count": 1, "residents": 24758900,
               "population_year": 2022, "per_10k": "0.00"})
    );
    // A district's own population, entered: its next year's figure says so.
    let (s, _) = api
        .call(
            Some("municipal"),
            Method::PUT,
            "/api/v1/districts/310104/population/2023",
            Some(json!({"residents": 1_100_000})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = api
        .call(
            Some("district"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310104&year=2024",
            None,
        )
        .await;
    assert_eq!(
        (v["population_year"].as_i64(), v["residents"].as_u64()),
        (Some(2023), Some(1_100_000))
    );
    let (_, v) = api
        .call(
            Some("district"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310104&year=2024&population=same",
            None,
        )
        .await;
    assert_eq!(
        v["population_year"], 2023,
        "the latest known on or before 2024"
    );
    // Refusals: the city for a district bureau, another district, enterprises and banks.
    for (who, q) in [
        ("district", "year=2023"),
        ("district", "district=310151&year=2023"),
        ("op", "district=310151&year=2023"),
        ("ent", "district=310104&year=2023"),
        ("bank", "year=2023"),
    ] {
        let (s, v) = api
            .call(
                Some(who),
                Method::GET,
                &format!("/api/v1/indicators/high-value?{q}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who} {q}: {v}");
    }
    let (s, v) = api
        .call(
            Some("op"),
            Method::GET,
            "/api/v1/indicators/high-value?district=310104&year=2023",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for (q, field) in [
        ("district=310103&year=2023", "district"),
        ("year=1900", "year"),
        ("year=2023&population=both", "population"),
    ] {
        let (s, v) = api
            .call(
                Some("municipal"),
                Method::GET,
                &format!("/api/v1/indicators/high-value?{q}"),
                None,
            )
            .await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{q}: {v}"
        );
    }
    // Populations: the municipal bureau only; bad values named.
    for who in ["district", "op", "ent"] {
        let (s, _) = api
            .call(
                Some(who),
                Method::PUT,
                "/api/v1/districts/310104/population/2022",
                Some(json!({"residents": 1})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    for (path, body, field) in [
        (
            "/api/v1/districts/310104/population/2022",
            json!({"residents": 0}),
            "residents",
        ),
        (
            "/api/v1/districts/310104/population/2022",
            json!({}),
            "residents",
        ),
        (
            "/api/v1/districts/310104/population/2031",
            json!({"residents": 5}),
            "year",
        ),
        (
            "/api/v1/districts/310999/population/2022",
            json!({"residents": 5}),
            "code",
        ),
    ] {
        let (s, v) = api
            .call(Some("municipal"), Method::PUT, path, Some(body))
            .await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{path}: {v}"
        );
    }
    let (s, v) = api
        .call(Some("municipal"), Method::GET, "/api/v1/populations", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "310151" && p["source"] == "census")
    );
    let (s, v) = api
        .call(
            Some("municipal"),
            Method::GET,
            "/api/v1/indicators/overseas-filings?year=2023",
            None,
        )
        .await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
}

fn csv_rows(rows: &[String]) -> String {
    let head = "专利申请号,专利名称,专利类型,专利权人,专利权人统一社会信用代码,共有人统一社会信用代码,IPC分类号,申请日,授权公告日,法律状态,失效日,年费缴至,期限补偿天数,海外同族,获奖";
    format!("{head}\n{}\n", rows.join("\n"))
}

fn row(number: &str, owner: &str, overseas: &str) -> String {
    format!(
        "{number},一种隔膜,,,{owner},,H01M 50/409,2017-07-20,2020-03-10,有效,,2027-07-20,,{overseas},"
    )
}

#[tokio::test]
async fn t6_import_dry_run_all_or_nothing_valid_rows_only() {
    let api = spawn().await;
    let file = csv_rows(&[
        row(&number("201810000001"), "", "US US11223344B2 已授权"),
        row(&number("201810000002"), "", ""),
        row("201810000003.0", "", ""),
        row(&number("201810000004"), &api.usccs["ent"], ""),
        row(&number("201810000005"), "", "ZZ 123"),
    ]);
    let (s, v) = api.import("uni", "dry_run", file.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["total_rows"].as_u64(),
            v["valid_rows"].as_u64(),
            v["written"].as_bool()
        ),
        (Some(5), Some(2), Some(false))
    );
    let issues: Vec<(u64, &str, &str)> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["row"].as_u64().unwrap(),
                i["column"].as_str().unwrap(),
                i["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            (4, "专利申请号", "bad_check_digit"),
            (5, "专利权人统一社会信用代码", "forbidden_owner"),
            (6, "海外同族", "unknown_value"),
        ]
    );
    assert!(v["issues"][2]["message"].as_str().unwrap().contains("ZZ"));
    let (_, v) = api
        .call(Some("uni"), Method::GET, "/api/v1/patents", None)
        .await;
    assert_eq!(v["total"], 0, "a dry run writes nothing");
    let (s, v) = api.import("uni", "all_or_nothing", file.clone()).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("import_has_errors")),
        "{v}"
    );
    assert_eq!(v["report"]["imported"], 0);
    let (_, v) = api
        .call(Some("uni"), Method::GET, "/api/v1/patents", None)
        .await;
    assert_eq!(v["total"], 0, "nothing half-written");
    let (s, v) = api.import("uni", "valid_rows_only", file.clone()).await;
    assert_eq!(
        (s, v["imported"].as_u64(), v["written"].as_bool()),
        (StatusCode::OK, Some(2), Some(true)),
        "{v}"
    );
    let (_, v) = api
        .call(
            Some("uni"),
            Method::GET,
            "/api/v1/patents?high_value=true",
            None,
        )
        .await;
    assert_eq!(v["total"], 2);
    // Again: the two are registered now.
    let (_, v) = api.import("uni", "dry_run", file).await;
    assert_eq!(v["issues"][0]["code"], "duplicate_patent", "{v}");
    // A good file all-or-nothing; a bad mode; a file that is no patents table.
    let (s, v) = api
        .import(
            "op",
            "all_or_nothing",
            csv_rows(&[row(&number("201910000001"), &api.usccs["ent"], "")]),
        )
        .await;
    assert_eq!(
        (s, v["imported"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{v}"
    );
    let (s, v) = api.import("uni", "some", String::new()).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("mode"))
    );
    let (s, v) = api.import("uni", "dry_run", "a,b\n1,2\n".into()).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_columns")),
        "{v}"
    );
}

#[tokio::test]
async fn t6_trademarks_and_cultivation_over_the_api() {
    let api = spawn().await;
    let tm = |class: u32| {
        json!({"number": "12345678", "name": "知运", "nice_class": class, "owner_org_id": api.orgs["ent"],
               "valid_until": "2031-05-06", "registered_on": "2021-05-07"})
    };
    let (s, v) = api
        .call(Some("op"), Method::POST, "/api/v1/trademarks", Some(tm(9)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = api
        .call(Some("ent"), Method::POST, "/api/v1/trademarks", Some(tm(9)))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate_trademark"))
    );
    let (s, v) = api
        .call(
            Some("ent"),
            Method::POST,
            "/api/v1/trademarks",
            Some(tm(46)),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("nice_class"))
    );
    let (s, _) = api
        .call(
            Some("uni"),
            Method::POST,
            "/api/v1/trademarks",
            Some(tm(35)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = api
        .call(
            Some("ent"),
            Method::PUT,
            &format!("/api/v1/trademarks/{id}"),
            Some(tm(42)),
        )
        .await;
    assert_eq!(
        (s, v["nice_class"].as_u64()),
        (StatusCode::OK, Some(42)),
        "{v}"
    );
    let (_, v) = api
        .call(
            Some("bank"),
            Method::GET,
            &format!("/api/v1/trademarks?owner_org_id={}", api.orgs["ent"]),
            None,
        )
        .await;
    assert_eq!(v["total"], 1);
    let (s, _) = api
        .call(
            Some("bank"),
            Method::DELETE,
            &format!("/api/v1/trademarks/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = api
        .call(
            Some("ent"),
            Method::DELETE,
            &format!("/api/v1/trademarks/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // Cultivation: the district's operator marks; the owner sees it; others may not mark.
    let pid = api
        .create("ent", api.body("ent", &number("201710601862")))
        .await;
    let goal = json!({"goal": "convert", "notes": "拟许可给本区企业", "target_date": "2027-06-30"});
    for who in ["ent", "district", "agency"] {
        let (s, _) = api
            .call(
                Some(who),
                Method::PUT,
                &format!("/api/v1/patents/{pid}/cultivation"),
                Some(goal.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (s, v) = api
        .call(
            Some("op"),
            Method::PUT,
            &format!("/api/v1/patents/{pid}/cultivation"),
            Some(goal),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("in_progress")),
        "{v}"
    );
    let (_, v) = api
        .call(
            Some("ent"),
            Method::GET,
            &format!("/api/v1/patents/{pid}"),
            None,
        )
        .await;
    assert_eq!(v["cultivation"]["goal"], "convert");
    let (_, v) = api
        .call(Some("district"), Method::GET, "/api/v1/cultivation", None)
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (s, v) = api
        .call(
            Some("op"),
            Method::PUT,
            &format!("/api/v1/patents/{pid}/cultivation"),
            Some(json!({"goal": "sell"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("goal"))
    );
    let (s, _) = api
        .call(
            Some("op"),
            Method::DELETE,
            &format!("/api/v1/patents/{pid}/cultivation"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = api
        .call(Some("ent"), Method::GET, "/api/v1/patents/reminders", None)
        .await;
    assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
}
