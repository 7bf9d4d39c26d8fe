//! Bulk import of listings over the API (T1): the dry run writes nothing and names every bad cell,
//! all-or-nothing writes all or none, valid-rows-only writes exactly the good rows, duplicates
//! against what is stored are reported, and who may import for whom.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

use crate::common;

fn uscc(n: u32) -> String {
    common::uscc("310110", n)
}

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

const HEAD: &str = "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度";

fn supply_row(owner: &str, title: &str, patent: &str) -> String {
    format!(
        "{owner},{title},一种耐高温复合隔膜，热收缩率低,新材料,转让、许可,H01M 50/40,面议,杨浦区,张明,13812345678,{},{patent},中试",
        in_a_year()
    )
}

async fn import(router: &axum::Router, token: &str, query: &str, csv: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/listings/import?{query}&filename=a.csv"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_string()))
        .unwrap();
    let (status, _, bytes) = common::send(router, req).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn count(db: &zhiyun_store::Db) -> i64 {
    db.listing_list(&Default::default()).await.unwrap().0
}

async fn spawn() -> (
    axum::Router,
    std::collections::HashMap<&'static str, String>,
    zhiyun_store::Db,
) {
    common::TestApp::with_users(vec![
        ("uni", "university", "某大学", Some("310110"), Some(uscc(9))),
        ("ent", "enterprise", "某企业", Some("310110"), Some(uscc(1))),
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            Some(uscc(3)),
        ),
        (
            "op_mh",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(uscc(4)),
        ),
    ])
    .await
    .into_parts()
}

#[tokio::test]
async fn t1_dry_run_names_every_bad_cell_and_writes_nothing() {
    let (router, tokens, db) = spawn().await;
    let csv = format!(
        "{HEAD}\n{}\n{}\n\n{}\n",
        supply_row("", "隔膜甲", "201710601862.3"),
        supply_row("", "隔膜乙", "201710601862.4"),
        supply_row("", "", "").replace("新材料", "纳米"),
    );
    let (status, r) = import(&router, &tokens["uni"], "kind=supply", &csv).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["mode"], "dry_run");
    assert_eq!(r["total_rows"], 3);
    assert_eq!(r["valid_rows"], 1);
    assert_eq!(r["written"], false);
    let issues: Vec<(u64, &str, &str)> = r["issues"]
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
    // Row 3: the patent's check digit; row 5 (after a blank line): no title, unknown field.
    assert!(
        issues.contains(&(3, "关联专利申请号", "bad_check_digit")),
        "{issues:?}"
    );
    assert!(issues.contains(&(5, "标题", "required")), "{issues:?}");
    assert!(
        issues.contains(&(5, "技术领域", "unknown_value")),
        "{issues:?}"
    );
    let patent = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["row"] == 3)
        .unwrap();
    assert!(
        patent["message"].as_str().unwrap().contains("校验位"),
        "{patent}"
    );
    assert_eq!(count(&db).await, 0);
}

#[tokio::test]
async fn t1_all_or_nothing_writes_all_or_none_and_valid_rows_only_writes_exactly_the_good_rows() {
    let (router, tokens, db) = spawn().await;
    let csv = format!(
        "{HEAD}\n{}\n{}\n{}\n",
        supply_row("", "隔膜甲", "201710601862.3"),
        supply_row("", "隔膜乙", "201710601862.4"),
        supply_row("", "隔膜丙", ""),
    );
    let (status, r) = import(
        &router,
        &tokens["uni"],
        "kind=supply&mode=all_or_nothing",
        &csv,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["error"]["code"], "import_has_errors");
    assert_eq!(r["report"]["written"], false);
    assert_eq!(count(&db).await, 0);

    let (status, r) = import(
        &router,
        &tokens["uni"],
        "kind=supply&mode=valid_rows_only",
        &csv,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["imported"], 2);
    assert_eq!(count(&db).await, 2);
    let ids: Vec<i64> = r["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let first = db.listing_get(ids[0]).await.unwrap();
    assert_eq!(first.title, "隔膜甲");
    assert_eq!(first.status, "draft");
    assert_eq!(
        db.listing_patents(ids[0]).await.unwrap()[0].0,
        "201710601862.3"
    );

    // The same file again: every row is now a duplicate (same title, or a patent already listed).
    let good = format!(
        "{HEAD}\n{}\n{}\n",
        supply_row("", "隔膜甲", ""),
        supply_row("", "隔膜丁", "201710601862.3")
    );
    let (status, r) = import(
        &router,
        &tokens["uni"],
        "kind=supply&mode=all_or_nothing",
        &good,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let codes: Vec<&str> = r["report"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["duplicate_listing", "patent_already_listed"]);
    assert_eq!(count(&db).await, 2);
}

#[tokio::test]
async fn t1_t2_the_operator_imports_for_registered_organisations_of_its_district_and_publishes() {
    let (router, tokens, db) = spawn().await;
    let csv = format!(
        "{HEAD}\n{}\n{}\n{}\n",
        supply_row(&uscc(9), "一种锂离子电池隔膜材料及其制备方法", ""),
        supply_row(&uscc(77), "未登记机构的条目", ""),
        supply_row(&uscc(1), "企业的供给", ""),
    );
    // Another district's operator may not enter these (the listings are in 杨浦区).
    let (_, r) = import(&router, &tokens["op_mh"], "kind=supply", &csv).await;
    let codes: Vec<&str> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["forbidden_owner", "unknown_org", "forbidden_owner"],
        "{r}"
    );
    // An enterprise may not import for a university.
    let (_, r) = import(&router, &tokens["ent"], "kind=supply", &csv).await;
    assert_eq!(r["issues"][0]["code"], "forbidden_owner");
    // Only operators may publish straight away.
    let (status, r) = import(
        &router,
        &tokens["ent"],
        "kind=supply&status=published",
        &csv,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");

    let (status, r) = import(
        &router,
        &tokens["op"],
        "kind=supply&mode=valid_rows_only&status=published",
        &csv,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["imported"], 2);
    assert_eq!(r["issues"][0]["code"], "unknown_org");
    assert_eq!(count(&db).await, 2);
    // Published and found by a visitor's Chinese query at once.
    let (_, _, bytes) = common::send(
        &router,
        common::json_request(
            None,
            Method::GET,
            "/api/v1/listings?q=%E9%94%82%E7%94%B5%20%E9%9A%94%E8%86%9C",
            None,
        ),
    )
    .await;
    let found: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        found["items"][0]["title"],
        "一种锂离子电池隔膜材料及其制备方法"
    );
}

#[tokio::test]
async fn t1_a_bad_file_is_a_clear_error() {
    let (router, tokens, _) = spawn().await;
    let (status, r) = import(&router, &tokens["uni"], "kind=supply", "标题,描述\n甲,乙\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r["error"]["code"], "missing_columns");
    assert!(r["error"]["message"].as_str().unwrap().contains("技术领域"));
    let (status, r) = import(&router, &tokens["uni"], "kind=patents", "x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r["error"]["field"], "kind");
}

#[tokio::test]
async fn t1_the_xlsx_template_imports_its_example_row() {
    let (router, tokens, db) = spawn().await;
    let bytes = zhiyun_reports::listing_import::listing_template_xlsx(
        zhiyun_domain::listing::ListingKind::Demand,
    )
    .unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/listings/import?kind=demand&mode=all_or_nothing&filename=%E6%A8%A1%E6%9D%BF.xlsx")
        .header(header::AUTHORIZATION, format!("Bearer {}", tokens["ent"]))
        .body(Body::from(bytes))
        .unwrap();
    let (status, _, body) = common::send(&router, req).await;
    let r: Value = serde_json::from_slice(&body).unwrap();
    // The example names an organisation that is not the enterprise's own: reported, none written.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["report"]["issues"][0]["column"], "机构统一社会信用代码");
    assert_eq!(count(&db).await, 0);
}
