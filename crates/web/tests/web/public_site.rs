//! The public site beyond the list (T2): the Atom feed, the sitemap and robots.txt, and the 办事指南
//! page, all without login.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common;

fn uscc(n: u32) -> String {
    common::uscc("310110", n)
}

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
        ("uni", "university", "某大学", Some("310110"), None),
        ("ent", "enterprise", "某企业", Some("310110"), Some(uscc(1))),
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            Some(uscc(3)),
        ),
    ])
    .await;
    T { app }
}

/// A response's status, content type and body as text.
struct Got {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl T {
    async fn api(&self, who: &str, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, _, bytes) = self.raw(Some(who), method, path, body).await;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    /// Create a listing as `who`; a draft unless `publish`, then submitted and published by the operator.
    async fn listing(&self, who: &str, body: Value, publish: bool) -> i64 {
        let id = self
            .api(who, Method::POST, "/api/v1/listings", Some(body))
            .await["id"]
            .as_i64()
            .unwrap();
        if publish {
            let path = format!("/api/v1/listings/{id}");
            self.api(who, Method::POST, &format!("{path}/submit"), None)
                .await;
            self.api("op", Method::POST, &format!("{path}/publish"), None)
                .await;
        }
        id
    }

    /// GET `path` as a visitor (no login) or as `who`, with `Host: host`.
    async fn get(&self, who: Option<&str>, host: &str, path: &str) -> Got {
        let mut b = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::HOST, host);
        if let Some(w) = who {
            b = b.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[w]));
        }
        let (status, headers, bytes) =
            common::send(&self.router, b.body(Body::empty()).unwrap()).await;
        Got {
            status,
            content_type: headers
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default(),
            body: String::from_utf8(bytes).unwrap(),
        }
    }
}

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

fn supply(title: &str, patent: &str) -> Value {
    json!({"kind": "supply", "title": title,
           "description": "静电纺丝复合隔膜，耐热 180℃。".repeat(12), "field": "新材料",
           "ipc": ["H01M 50/40"], "modes": ["转让", "许可"], "price_wan": 50, "district_code": "310110",
           "contact_name": "张明", "contact_phone": "13812345678", "valid_until": in_a_year(),
           "patents": [patent], "maturity": "中试"})
}

fn demand(title: &str) -> Value {
    json!({"kind": "demand", "title": title, "description": "需要一种能在低温下保持容量的电池管理方法。",
           "field": "新能源与节能", "modes": ["许可"], "district_code": "310110",
           "contact_name": "李华", "contact_phone": "13900001111", "valid_until": in_a_year()})
}

#[tokio::test]
async fn t2_the_atom_feed_lists_published_listings_escaped_and_not_drafts() {
    let t = spawn().await;
    let separator = t
        .listing(
            "uni",
            supply("一种锂离子电池隔膜材料及其制备方法", "201710601862.3"),
            true,
        )
        .await;
    let tricky = t
        .listing(
            "uni",
            supply("耐高温<隔膜> & \"涂层\"工艺", "95115608.X"),
            true,
        )
        .await;
    let wanted = t.listing("ent", demand("低温电池管理技术需求"), true).await;
    t.listing(
        "uni",
        supply("一种锂电池隔膜涂层（草稿）", "200310100001.5"),
        false,
    )
    .await;

    let got = t
        .get(None, "zhiyun.example:8080", "/listings/feed.atom")
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(got.content_type, "application/atom+xml; charset=utf-8");
    let feed = &got.body;
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
    ));
    assert_eq!(feed.matches("<entry>").count(), 3, "{feed}");
    assert!(feed.contains("<title type=\"text\">一种锂离子电池隔膜材料及其制备方法</title>"));
    assert!(feed.contains("低温电池管理技术需求"));
    assert!(!feed.contains("草稿"), "a draft is not in the feed");
    // Markup in a title is text, not markup.
    assert!(
        feed.contains("<title type=\"text\">耐高温&lt;隔膜&gt; &amp; &quot;涂层&quot;工艺</title>"),
        "{feed}"
    );
    assert!(!feed.contains("<隔膜>") && !feed.contains("> & \""));
    // Absolute links from the request's host; the listing's field is its category.
    let url = format!("http://zhiyun.example:8080/listings/{separator}");
    assert!(feed.contains(&format!("<id>{url}</id>")));
    assert!(feed.contains(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
    )));
    assert!(feed.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"http://zhiyun.example:8080/listings/feed.atom\"/>"
    ));
    assert!(feed.contains("<category term=\"新材料\" label=\"新材料\"/>"));
    assert!(feed.contains("<author><name>某大学</name></author>"));
    // RFC 3339 timestamps; summaries cut at 120 characters.
    let updated = feed.split("<updated>").nth(2).unwrap();
    let updated = &updated[..updated.find("</updated>").unwrap()];
    assert!(
        chrono::DateTime::parse_from_rfc3339(updated).is_ok(),
        "{updated}"
    );
    let entry = feed
        .split("<entry>")
        .find(|e| e.contains(&format!("<id>{url}</id>")))
        .unwrap();
    let summary = entry.split("<summary type=\"text\">").nth(1).unwrap();
    let summary = &summary[..summary.find("</summary>").unwrap()];
    assert_eq!(summary.chars().count(), 121, "{summary}");
    assert!(summary.ends_with('…'));

    // One kind only.
    let got = t
        .get(None, "zhiyun.example", "/listings/feed.atom?kind=demand")
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body.matches("<entry>").count(), 1, "{}", got.body);
    assert!(
        got.body
            .contains(&format!("http://zhiyun.example/listings/{wanted}"))
    );
    assert!(got.body.contains("最新发布的技术需求"));
    let got = t
        .get(None, "zhiyun.example", "/listings/feed.atom?kind=offer")
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);

    // Withdrawn: out of the feed at once.
    t.api(
        "uni",
        Method::POST,
        &format!("/api/v1/listings/{tricky}/withdraw"),
        None,
    )
    .await;
    let feed = t
        .get(None, "zhiyun.example", "/listings/feed.atom")
        .await
        .body;
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(!feed.contains("涂层&quot;工艺"));
}

#[tokio::test]
async fn t2_a_host_header_that_is_not_a_host_name_is_not_echoed() {
    let t = spawn().await;
    let got = t
        .get(None, "evil\"><script>x</script>", "/listings/feed.atom")
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(!got.body.contains("evil") && !got.body.contains("<script>"));
    assert!(got.body.contains("http://localhost/listings/feed.atom"));
}

#[tokio::test]
async fn t2_the_sitemap_lists_public_pages_and_published_listings_only() {
    let t = spawn().await;
    let published = t
        .listing(
            "uni",
            supply("一种锂离子电池隔膜材料及其制备方法", "201710601862.3"),
            true,
        )
        .await;
    let draft = t
        .listing(
            "uni",
            supply("一种锂电池隔膜涂层（草稿）", "200310100001.5"),
            false,
        )
        .await;

    let got = t.get(None, "zhiyun.example", "/sitemap.xml").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.content_type, "application/xml; charset=utf-8");
    let map = &got.body;
    assert!(map.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for path in [
        "/",
        "/listings",
        "/listings?kind=demand",
        "/listings?kind=supply",
        "/guide",
    ] {
        assert!(
            map.contains(&format!("<loc>http://zhiyun.example{path}</loc>")),
            "{path} in {map}"
        );
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d");
    assert!(
        map.contains(&format!(
            "<url><loc>http://zhiyun.example/listings/{published}</loc><lastmod>{today}</lastmod></url>"
        )),
        "{map}"
    );
    assert!(!map.contains(&format!("/listings/{draft}<")), "no draft");
    assert_eq!(map.matches("<url>").count(), 6);

    let got = t.get(None, "zhiyun.example", "/robots.txt").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.content_type, "text/plain; charset=utf-8");
    assert!(
        got.body
            .contains("Sitemap: http://zhiyun.example/sitemap.xml"),
        "{}",
        got.body
    );
}

#[tokio::test]
async fn t2_the_list_page_links_its_feed() {
    let t = spawn().await;
    let html = t.get(None, "zhiyun.example", "/listings").await.body;
    assert!(html.contains(
        "rel=\"alternate\" type=\"application/atom+xml\" title=\"供需大厅最新发布（Atom 订阅）\" href=\"/listings/feed.atom\""
    ));
    let html = t
        .get(None, "zhiyun.example", "/listings?kind=supply")
        .await
        .body;
    assert!(html.contains("href=\"/listings/feed.atom?kind=supply\""));
}

#[tokio::test]
async fn the_guide_shows_where_to_file_to_visitors_and_users() {
    let t = spawn().await;
    let got = t.get(None, "zhiyun.example", "/guide").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.content_type, "text/html; charset=utf-8");
    let html = &got.body;
    for fact in [
        "国家知识产权局上海代办处",
        "上海市浦东新区世博村路340号",
        "021-23110892",
        "021-23110893",
        "021-23110865",
        "cpservice.cnipa.gov.cn",
        "cponline.cnipa.gov.cn",
        "上海知识产权交易中心",
        "上海技术交易所",
        "合同生效之日起 3 个月内",
    ] {
        assert!(html.contains(fact), "{fact}");
    }
    assert!(html.contains("href=\"tel:02123110893\""));
    assert!(html.contains("<h1>办事指南"));
    // In the navigation, marked current, for visitors and for users.
    assert!(
        html.contains("<a href=\"/guide\" aria-current=\"page\" class=\"active\">办事指南</a>")
    );
    let got = t.get(Some("ent"), "zhiyun.example", "/guide").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(
        got.body
            .contains("<a href=\"/guide\" aria-current=\"page\" class=\"active\">办事指南</a>")
    );
    let home = t.get(Some("ent"), "zhiyun.example", "/home").await.body;
    assert!(home.contains("<a href=\"/guide\">办事指南</a>"));

    // The public home page shows the same addresses and links the full guide.
    let home = t.get(None, "zhiyun.example", "/").await.body;
    for fact in [
        "上海市浦东新区世博村路340号",
        "021-23110865",
        "cpservice.cnipa.gov.cn",
        "href=\"/guide\"",
    ] {
        assert!(home.contains(fact), "{fact}");
    }
}
