//! Machine-readable views of the public disclosure site (T2): an Atom feed of newly published
//! listings, the sitemap and `robots.txt`. Only what the public list shows appears here (published,
//! confirmed recently enough, still valid); no login.
//!
//! There is no configured public URL: absolute links are built from the request's `Host` header
//! (checked to be a plain host name), `https` when the deployment marks cookies secure.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use zhiyun_domain::listing::ListingKind;
use zhiyun_service::listings::public as listings;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings/feed.atom", get(feed))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
}

/// Entries in the feed.
pub const FEED_ENTRIES: usize = 50;
/// The sitemaps.org limit for one file.
pub const SITEMAP_MAX_URLS: usize = 50_000;
/// Characters of the description in an entry's summary.
const SUMMARY_CHARS: usize = 120;

/// Text for XML content and attribute values: the five predefined entities escaped, and characters
/// XML 1.0 does not allow (most C0 controls, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF) dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `scheme://host` of this request (the `Host` header, or the URI's authority under HTTP/2). A host
/// that is not a plain host name with optional port is not echoed into the document.
fn base_url(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The first [`SUMMARY_CHARS`] characters of `text`, whitespace runs folded to one space, `…` where cut.
fn summary(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = folded.chars();
    let head: String = chars.by_ref().take(SUMMARY_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Unix seconds as RFC 3339 in UTC.
fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

fn plain_error(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

#[derive(Deserialize)]
struct FeedParams {
    kind: Option<String>,
}

async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(p): Query<FeedParams>,
) -> Response {
    let kind = match p.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => match ListingKind::parse(k) {
            Some(kind) => Some(kind),
            None => {
                return plain_error(StatusCode::BAD_REQUEST, "kind 只能是 demand 或 supply");
            }
        },
    };
    let feed = match listings::feed(&state.svc, kind, FEED_ENTRIES).await {
        Ok(f) => f,
        Err(_) => {
            return plain_error(StatusCode::INTERNAL_SERVER_ERROR, "检索出错，请稍后重试");
        }
    };
    let base = base_url(&state, &headers, &uri);
    let query = kind
        .map(|k| format!("?kind={}", k.slug()))
        .unwrap_or_default();
    let title = match kind {
        Some(k) => format!("知运 · 供需大厅最新发布的{}", k.label()),
        None => "知运 · 供需大厅最新发布".to_string(),
    };
    let mut entries = String::new();
    for e in &feed.entries {
        let url = format!("{base}/listings/{}", e.id);
        entries.push_str(&format!(
            "<entry>\n\
             <id>{url}</id>\n\
             <title type=\"text\">{title}</title>\n\
             <updated>{updated}</updated>\n\
             <published>{updated}</published>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <author><name>{owner}</name></author>\n\
             <category term=\"{field}\" label=\"{field}\"/>\n\
             <summary type=\"text\">{summary}</summary>\n\
             </entry>\n",
            url = xml_escape(&url),
            title = xml_escape(&e.title),
            updated = rfc3339(e.published),
            owner = xml_escape(if e.owner_name.is_empty() {
                "知运"
            } else {
                &e.owner_name
            }),
            field = xml_escape(&e.field),
            summary = xml_escape(&summary(&e.description)),
        ));
    }
    let updated = feed.updated;
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n\
         <id>{self_url}</id>\n\
         <title type=\"text\">{title}</title>\n\
         <subtitle type=\"text\">上海市知识产权运营服务集聚区平台公开的专利技术需求与供给</subtitle>\n\
         <updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{list_url}\"/>\n\
         <author><name>知运 · 上海市知识产权运营服务集聚区平台</name></author>\n\
         <generator>知运</generator>\n\
         {entries}</feed>\n",
        self_url = xml_escape(&format!("{base}/listings/feed.atom{query}")),
        list_url = xml_escape(&format!("{base}/listings{query}")),
        title = xml_escape(&title),
        updated = rfc3339(updated),
    );
    xml_response("application/atom+xml; charset=utf-8", body)
}

/// The public pages that are not listings.
const STATIC_PAGES: [&str; 5] = [
    "/",
    "/listings",
    "/listings?kind=demand",
    "/listings?kind=supply",
    "/guide",
];

async fn sitemap(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let base = base_url(&state, &headers, &uri);
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in STATIC_PAGES {
        body.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{path}"))
        ));
    }
    let listed = match listings::sitemap(&state.svc, SITEMAP_MAX_URLS - STATIC_PAGES.len()).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "sitemap listings");
            return plain_error(StatusCode::INTERNAL_SERVER_ERROR, "站点地图生成失败");
        }
    };
    for l in listed {
        body.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&format!("{base}/listings/{}", l.id)),
            l.lastmod.format("%Y-%m-%d"),
        ));
    }
    body.push_str("</urlset>\n");
    xml_response("application/xml; charset=utf-8", body)
}

async fn robots(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let base = base_url(&state, &headers, &uri);
    let body = format!(
        "User-agent: *\n\
         Allow: /\n\
         Disallow: /api/\n\
         Disallow: /login\n\
         Disallow: /home\n\
         Disallow: /account\n\
         Disallow: /admin/\n\
         \n\
         Sitemap: {base}/sitemap.xml\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
