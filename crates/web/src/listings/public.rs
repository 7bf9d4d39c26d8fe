//! The public disclosure site (T2): the list of published, current listings with Chinese full-text
//! search, facets, highlighted matches and pages, and the open-data API with the same rules.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::district;
use zhiyun_domain::listing::ListingKind;
use zhiyun_service::listings::public::{self as listings, Found};
use zhiyun_service::listings::public::{PriceBand, Query as SearchQuery, Sort};

use crate::AppState;
use crate::auth::MaybeUser;
use crate::error::{ApiError, PageError};
use crate::layout::{Layout, fmt_time, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings", get(list_page))
        .route("/listings/results.xlsx", get(results_xlsx))
        .route("/api/v1/listings", get(api_list))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text in Chinese or English; abbreviations such as 锂电、AGV、BMS are understood.
    pub q: Option<String>,
    /// demand | supply
    pub kind: Option<String>,
    /// One of the eight technical fields, e.g. 新材料.
    pub field: Option<String>,
    /// A cooperation mode, e.g. 转让.
    pub mode: Option<String>,
    /// District code, e.g. 310104.
    pub district: Option<String>,
    /// university | enterprise | …
    pub owner_kind: Option<String>,
    /// negotiable | under_10wan | 10_to_50wan | 50_to_200wan | over_200wan
    pub price: Option<String>,
    /// relevance | newest
    pub sort: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

fn blank(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl SearchParams {
    fn query(&self) -> SearchQuery {
        SearchQuery {
            text: self.q.clone().unwrap_or_default(),
            kind: blank(&self.kind),
            field: blank(&self.field),
            mode: blank(&self.mode),
            district: blank(&self.district),
            owner_kind: blank(&self.owner_kind),
            price_band: self.price.as_deref().and_then(PriceBand::parse),
            sort: self
                .sort
                .as_deref()
                .and_then(Sort::parse)
                .unwrap_or(Sort::Relevance),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(20),
            include_hidden: false,
        }
    }
}

/// One result of the open-data API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingItem {
    pub id: i64,
    pub kind: String,
    pub title: String,
    /// Plain text around the first match.
    pub summary: String,
    pub field: String,
    pub modes: Vec<String>,
    pub owner: String,
    pub district: String,
    pub published_at: Option<i64>,
    pub score: f32,
    /// The title with matches in `<mark>`, HTML-escaped.
    pub title_html: String,
    pub summary_html: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingPage {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// No listing had every word: these have some of them.
    pub relaxed: bool,
    /// Relaxed further: no longer word of the query is in any listing, so these share only single
    /// characters with it (the page says 仅按单字匹配).
    pub single_chars: bool,
    pub items: Vec<ListingItem>,
    /// When every item is on the first page with room to spare: listings sharing character
    /// bigrams with the query (or its synonyms, or the technical terms of its colloquial words)
    /// without matching it, best first. Not counted in `total`.
    pub related: Vec<ListingItem>,
}

fn strip_marks(html: &str) -> String {
    html.replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn item(f: Found) -> ListingItem {
    ListingItem {
        id: f.id,
        kind: f.kind.slug().to_string(),
        summary: strip_marks(&f.snippet_html),
        field: f.field,
        modes: f.modes,
        owner: f.owner_name,
        district: district::by_code(&f.district_code)
            .map(|d| d.name)
            .unwrap_or("")
            .to_string(),
        published_at: f.published_at,
        score: f.score,
        title: f.title,
        title_html: f.title_html,
        summary_html: f.snippet_html,
    }
}

/// Published, current listings (the same rules as the public pages), searched in Chinese.
#[utoipa::path(get, path = "/api/v1/listings", tag = "listings", params(SearchParams),
    responses((status = 200, body = ListingPage)))]
pub async fn api_list(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<ListingPage>, ApiError> {
    let r = listings::search(&state.svc, &p.query()).await?;
    Ok(Json(ListingPage {
        total: r.total,
        page: r.page,
        pages: r.pages,
        relaxed: r.relaxed,
        single_chars: r.single_chars,
        items: r.items.into_iter().map(item).collect(),
        related: r.related.into_iter().map(item).collect(),
    }))
}

pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub title: &'static str,
    pub links: Vec<FacetLink>,
}

pub struct ResultView {
    pub item: ListingItem,
    pub kind_label: &'static str,
    pub published: String,
}

#[derive(Template)]
#[template(path = "listings/public.html")]
struct PublicPage {
    layout: Layout,
    q: String,
    kind: String,
    sort: String,
    total: usize,
    page: usize,
    pages: usize,
    relaxed: bool,
    single_chars: bool,
    results: Vec<ResultView>,
    /// Shown apart after the results: related listings that do not match the query.
    related: Vec<ResultView>,
    facets: Vec<FacetGroup>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The same search and filters as the 供需清单 (XLSX).
    export_href: String,
}

/// The current filters as a query string, with one key changed (`None` removes it) and the page reset.
fn href_with(p: &SearchParams, key: &str, value: Option<&str>) -> String {
    use crate::auth::url_encode;
    let mut pairs: Vec<(&str, String)> = [
        ("q", blank(&p.q)),
        ("kind", blank(&p.kind)),
        ("field", blank(&p.field)),
        ("mode", blank(&p.mode)),
        ("district", blank(&p.district)),
        ("owner_kind", blank(&p.owner_kind)),
        ("price", blank(&p.price)),
        ("sort", blank(&p.sort)),
    ]
    .into_iter()
    .filter(|(k, _)| *k != key)
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    if let Some(v) = value {
        pairs.push((key, v.to_string()));
    }
    let qs: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    format!("/listings?{}", qs.join("&"))
}

/// The filtered list as the 供需清单 (XLSX): every result of the search and filters on the page,
/// in the same order, up to 5,000; contacts masked for visitors (T2).
async fn results_xlsx(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    let sheet = listings::export_results(&state.svc, user.as_ref(), &p.query()).await?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{}.xlsx", sheet.title),
        sheet.bytes,
    ))
}

fn owner_kind_label(k: &str) -> String {
    zhiyun_domain::org::OrgKind::parse(k)
        .map(|o| o.label().to_string())
        .unwrap_or_else(|| k.to_string())
}

async fn list_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    let r = listings::search(&state.svc, &p.query()).await?;
    let f = &r.facets;
    let group = |title, key: &str, values: Vec<(String, String, u64)>, current: Option<String>| {
        FacetGroup {
            title,
            links: values
                .into_iter()
                .map(|(value, label, count)| FacetLink {
                    active: current.as_deref() == Some(value.as_str()),
                    href: if current.as_deref() == Some(value.as_str()) {
                        href_with(&p, key, None)
                    } else {
                        href_with(&p, key, Some(&value))
                    },
                    label,
                    count,
                })
                .collect(),
        }
    };
    let facets = vec![
        group(
            "类型",
            "kind",
            f.kind
                .iter()
                .map(|(k, n)| {
                    (
                        k.clone(),
                        ListingKind::parse(k)
                            .map(ListingKind::label)
                            .unwrap_or("")
                            .to_string(),
                        *n,
                    )
                })
                .collect(),
            blank(&p.kind),
        ),
        group(
            "技术领域",
            "field",
            f.field
                .iter()
                .map(|(k, n)| (k.clone(), k.clone(), *n))
                .collect(),
            blank(&p.field),
        ),
        group(
            "合作方式",
            "mode",
            f.mode
                .iter()
                .map(|(k, n)| {
                    let label = if k == "许可" {
                        "许可（各类许可）".to_string()
                    } else {
                        k.clone()
                    };
                    (k.clone(), label, *n)
                })
                .collect(),
            blank(&p.mode),
        ),
        group(
            "所在区",
            "district",
            f.district
                .iter()
                .map(|(k, n)| {
                    (
                        k.clone(),
                        district::by_code(k)
                            .map(|d| d.name)
                            .unwrap_or(k)
                            .to_string(),
                        *n,
                    )
                })
                .collect(),
            blank(&p.district),
        ),
        group(
            "发布机构",
            "owner_kind",
            f.owner_kind
                .iter()
                .map(|(k, n)| (k.clone(), owner_kind_label(k), *n))
                .collect(),
            blank(&p.owner_kind),
        ),
        group(
            "价格",
            "price",
            f.price_band
                .iter()
                .map(|(b, n)| (b.slug().to_string(), b.label().to_string(), *n))
                .collect(),
            blank(&p.price),
        ),
    ];
    let page_href = |n: usize| format!("{}&page={n}", href_with(&p, "page", None));
    let view = |f: Found| ResultView {
        kind_label: f.kind.label(),
        published: f.published_at.map(fmt_time).unwrap_or_default(),
        item: item(f),
    };
    Ok(page(&PublicPage {
        layout: Layout::new(&state, user.as_ref(), "供需大厅", "listings_public"),
        q: p.q.clone().unwrap_or_default(),
        kind: blank(&p.kind).unwrap_or_default(),
        sort: blank(&p.sort).unwrap_or_else(|| "relevance".into()),
        total: r.total,
        page: r.page,
        pages: r.pages.max(1),
        relaxed: r.relaxed,
        single_chars: r.single_chars,
        results: r.items.into_iter().map(view).collect(),
        related: r.related.into_iter().map(view).collect(),
        facets,
        export_href: href_with(&p, "page", None).replacen(
            "/listings?",
            "/listings/results.xlsx?",
            1,
        ),
        prev_href: (r.page > 1).then(|| page_href(r.page - 1)),
        next_href: (r.page < r.pages).then(|| page_href(r.page + 1)),
    }))
}
