//! Two server processes on one database, as behind a load balancer (issue 19): each test runs a
//! second application (its own use-case context, search index and memory) over the first one's
//! database. A login lockout counted by one holds on the other; an upload checked by one is
//! shown and imported through the other, and what it wrote is found through the first.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use zhiyun_service::Ctx;
use zhiyun_store::password::Hasher;
use zhiyun_web::{AppState, Config, router};

use crate::common::{Api, As, PASSWORD, TestApp, uscc};

/// Another process on the application's database.
fn second(app: &TestApp) -> Api {
    Api {
        router: router(AppState::with_ctx(
            Ctx::new(app.db.clone(), Hasher::fast_for_tests()),
            Config::default(),
        )),
        tokens: app.tokens.clone(),
    }
}

async fn two() -> (TestApp, Api) {
    let app = TestApp::with_users(vec![
        (
            "ent",
            "enterprise",
            "徐汇某企业",
            Some("310104"),
            Some(uscc("310104", 1)),
        ),
        (
            "op",
            "park_operator",
            "徐汇园区运营",
            Some("310104"),
            Some(uscc("310104", 2)),
        ),
    ])
    .await;
    let other = second(&app);
    (app, other)
}

#[tokio::test]
async fn a_lockout_counted_by_one_process_holds_on_the_other() {
    let (app, other) = two().await;
    for i in 0..5 {
        let api = if i % 2 == 0 { &app.api } else { &other };
        api.try_login("ent", &format!("wrong-{i}"))
            .await
            .api_error(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    other
        .try_login("ent", PASSWORD)
        .await
        .api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    app.try_login("ent", PASSWORD)
        .await
        .api_error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    other.login("op").await;
}

/// A multipart upload of the import page.
async fn upload(api: &Api, cookie: &str, kind: &str, filename: &str, bytes: &[u8]) -> String {
    const B: &str = "zhiyun-test-boundary";
    let mut body = format!(
        "--{B}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    let res = api
        .send(
            Request::post("/listings/import")
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={B}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    res.location().to_string()
}

/// How many public listings the search finds for 钠离子 through `api`.
async fn found(api: &Api) -> serde_json::Value {
    api.get("/api/v1/listings?q=%E9%92%A0%E7%A6%BB%E5%AD%90", As::Anon)
        .await
        .json()["total"]
        .clone()
}

/// The job page once its run has finished.
async fn finished(api: &Api, cookie: &str, page: &str) -> String {
    for _ in 0..200 {
        let html = api.get(page, As::Cookie(cookie)).await.page(StatusCode::OK);
        if !html.contains("http-equiv=\"refresh\"") {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import at {page} did not finish");
}

#[tokio::test]
async fn t1_an_upload_checked_by_one_process_is_imported_through_the_other() {
    let (app, other) = two().await;
    let cookie = app.login("op").await;
    let valid_until = app.svc.clock().today() + chrono::Duration::days(365);
    let csv = format!(
        "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n\
         {u},钠离子电池正极材料,层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,徐汇区,张明,13812345678,{valid_until},,中试\n",
        u = uscc("310104", 1)
    );
    let page = upload(&app.api, &cookie, "supply", "s.csv", csv.as_bytes()).await;
    assert!(page.starts_with("/listings/import/"), "{page}");
    // The dry run's report, shown by the other process (the session is in the database too).
    let html = finished(&other, &cookie, &page).await;
    assert!(html.contains("<strong>1</strong> 行可以导入"), "{html}");
    let res = other
        .form(
            &format!("{page}/commit"),
            As::Cookie(&cookie),
            &[("mode", "all_or_nothing"), ("status", "published")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = finished(&app.api, &cookie, &page).await;
    assert!(html.contains("已导入 1 条"), "{html}");
    // Written once: a second confirmation through either process is refused.
    let again = app
        .form(
            &format!("{page}/commit"),
            As::Cookie(&cookie),
            &[("mode", "all_or_nothing"), ("status", "published")],
        )
        .await;
    assert!(again.page(StatusCode::CONFLICT).contains("已导入"));
    // The other process indexed what it wrote; the first takes it in by its catch-up.
    assert_eq!(found(&other).await, 1);
    assert_eq!(found(&app.api).await, 0);
    zhiyun_service::listings::index::catch_up(&app.svc)
        .await
        .unwrap();
    assert_eq!(found(&app.api).await, 1);
    // Another user does not see the upload.
    let ent = app.login("ent").await;
    other
        .get(&page, As::Cookie(&ent))
        .await
        .page(StatusCode::NOT_FOUND);
}
