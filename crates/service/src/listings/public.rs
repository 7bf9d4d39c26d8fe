//! The public disclosure site's reads (T2): the Chinese full-text search with facets, the search
//! results as the 供需清单, the feed of new listings and the sitemap. Only what is on the public
//! site on the context's date appears; the index may lag a moment behind a withdrawal, so the
//! database decides.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhiyun_domain::district;
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_search::Hit;
pub use zhiyun_search::{Facets, PriceBand, Query, Sort};
use zhiyun_store::listings::ListingFilter;

use super::{ListingRecord, Sheet, details, search_failed, sheet, visible};
use crate::{Ctx, Principal, Result};

/// One listing found, with what the public list shows of it.
#[derive(Debug, Clone)]
pub struct Found {
    pub id: i64,
    pub kind: ListingKind,
    pub title: String,
    pub field: String,
    pub modes: Vec<String>,
    pub owner_name: String,
    pub district_code: String,
    pub published_at: Option<i64>,
    pub score: f32,
    /// The title with matches in `<mark>`, HTML-escaped.
    pub title_html: String,
    /// The description around the first match, marked the same way.
    pub snippet_html: String,
}

/// A page of search results.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// No listing had every word: these have some of them.
    pub relaxed: bool,
    /// Relaxed to single characters: no longer word of the query is in any listing.
    pub single_chars: bool,
    pub facets: Facets,
    pub items: Vec<Found>,
    /// Every item on the first page with room to spare: listings related to the query without
    /// matching it (shown apart, after the items; not in `total`).
    pub related: Vec<Found>,
}

/// Published, current listings matching `q` (text, filters, order, page): the public list and the
/// open-data API. Hidden listings are never included, whatever `q` asks.
pub async fn search(ctx: &Ctx, q: &Query) -> Result<SearchPage> {
    let q = Query {
        include_hidden: false,
        ..q.clone()
    };
    let results = ctx.search.search(&q).map_err(search_failed)?;
    // Two queries for the page: the listings, then their owners' names.
    let ids: Vec<i64> = results
        .hits
        .iter()
        .chain(&results.related)
        .map(|h| h.id)
        .collect();
    let listings: HashMap<i64, ListingRecord> = ctx
        .db
        .listings_by_ids(&ids)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut owner_ids: Vec<i64> = listings.values().map(|l| l.owner_org_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners = ctx.db.org_names(&owner_ids).await?;
    let today = ctx.clock.today();
    let found = |hits: Vec<Hit>| -> Vec<Found> {
        let mut items = Vec::new();
        for h in hits {
            let Some(l) = listings.get(&h.id) else {
                continue;
            };
            if !visible(l, today) {
                continue;
            }
            items.push(Found {
                id: l.id,
                kind: l.kind,
                title: l.title.clone(),
                field: l.field.clone(),
                modes: l.modes.clone(),
                owner_name: owners.get(&l.owner_org_id).cloned().unwrap_or_default(),
                district_code: l.district_code.clone(),
                published_at: l.published_at,
                score: h.score,
                title_html: h.title_html,
                snippet_html: h.snippet_html,
            });
        }
        items
    };
    let items = found(results.hits);
    let related = found(results.related);
    Ok(SearchPage {
        total: results.total,
        page: results.page,
        pages: results.pages,
        relaxed: results.relaxed,
        single_chars: results.single_chars,
        facets: results.facets,
        items,
        related,
    })
}

/// At most this many results go into one exported list.
pub const EXPORT_MAX: usize = 5000;

/// The results of a search as the 供需清单 (XLSX): every result of `q`'s text and filters, in
/// the same order, up to [`EXPORT_MAX`]; contacts masked for visitors (T2).
pub async fn export_results(ctx: &Ctx, viewer: Option<&Principal>, q: &Query) -> Result<Sheet> {
    let mut q = Query {
        include_hidden: false,
        per_page: zhiyun_search::MAX_PER_PAGE,
        ..q.clone()
    };
    let mut ids = Vec::new();
    for page in 1.. {
        q.page = page;
        let r = ctx.search.search(&q).map_err(search_failed)?;
        ids.extend(r.hits.iter().map(|h| h.id));
        if page >= r.pages || ids.len() >= EXPORT_MAX {
            break;
        }
    }
    ids.truncate(EXPORT_MAX);
    let mut listings: HashMap<i64, ListingRecord> = ctx
        .db
        .listings_by_ids(&ids)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let today = ctx.clock.today();
    let in_order = ids
        .iter()
        .filter_map(|id| listings.remove(id))
        .filter(|l| visible(l, today))
        .collect();
    let actor = viewer.map(Principal::actor);
    let what = q
        .kind
        .as_deref()
        .and_then(ListingKind::parse)
        .map(ListingKind::label)
        .unwrap_or("专利技术供需");
    let blank = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let mut filters: Vec<String> = [Some(q.text.as_str()), q.field.as_deref(), q.mode.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(blank)
        .collect();
    if let Some(d) = q
        .district
        .as_deref()
        .and_then(blank)
        .and_then(|d| district::by_code(&d).map(|x| x.name))
    {
        filters.push(d.to_string());
    }
    let title = format!(
        "上海市{what}清单{}（{}）",
        if filters.is_empty() {
            String::new()
        } else {
            format!("·{}", filters.join("·"))
        },
        today.format("%Y-%m-%d")
    );
    sheet::build(title, details(ctx, in_order, actor.as_ref()).await?)
}

/// An entry of the feed of newly published listings.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub id: i64,
    pub title: String,
    pub field: String,
    pub description: String,
    pub owner_name: String,
    /// Unix seconds.
    pub published: i64,
}

#[derive(Debug, Clone)]
pub struct Feed {
    /// Newest first.
    pub entries: Vec<FeedEntry>,
    /// The newest entry's time, or now when there is none (unix seconds).
    pub updated: i64,
}

/// The newest published listings (of one kind or both), at most `limit`.
pub async fn feed(ctx: &Ctx, kind: Option<ListingKind>, limit: usize) -> Result<Feed> {
    let results = ctx
        .search
        .search(&Query {
            sort: Sort::Newest,
            per_page: limit,
            kind: kind.map(|k| k.slug().to_string()),
            ..Default::default()
        })
        .map_err(search_failed)?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let mut listings: HashMap<i64, ListingRecord> = ctx
        .db
        .listings_by_ids(&ids)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let today = ctx.clock.today();
    let in_order: Vec<ListingRecord> = ids
        .iter()
        .filter_map(|id| listings.remove(id))
        .filter(|l| visible(l, today))
        .collect();
    let mut owner_ids: Vec<i64> = in_order.iter().map(|l| l.owner_org_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners = ctx.db.org_names(&owner_ids).await?;
    let entries: Vec<FeedEntry> = in_order
        .into_iter()
        .map(|l| FeedEntry {
            id: l.id,
            owner_name: owners.get(&l.owner_org_id).cloned().unwrap_or_default(),
            published: l.published_at.unwrap_or(l.updated_at),
            title: l.title,
            field: l.field,
            description: l.description,
        })
        .collect();
    let newest = entries.iter().map(|e| e.published).max().unwrap_or(0);
    Ok(Feed {
        updated: if newest > 0 { newest } else { ctx.clock.now() },
        entries,
    })
}

/// A listing's page in the sitemap, with the date it last changed (Beijing).
#[derive(Debug, Clone, Copy)]
pub struct SitemapEntry {
    pub id: i64,
    pub lastmod: NaiveDate,
}

/// The listings on the public site, newest first, at most `limit`.
pub async fn sitemap(ctx: &Ctx, limit: usize) -> Result<Vec<SitemapEntry>> {
    let today = ctx.clock.today();
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let (_, listings) = ctx
            .db
            .listing_list(&ListingFilter {
                status: Some(ListingStatus::Published),
                limit: 1000,
                offset,
                ..Default::default()
            })
            .await?;
        if listings.is_empty() {
            return Ok(out);
        }
        offset += listings.len() as i64;
        for l in listings.iter().filter(|l| visible(l, today)) {
            if out.len() >= limit {
                return Ok(out);
            }
            out.push(SitemapEntry {
                id: l.id,
                lastmod: zhiyun_domain::time::date_of(l.updated_at.max(l.last_confirmed_at)),
            });
        }
    }
}
