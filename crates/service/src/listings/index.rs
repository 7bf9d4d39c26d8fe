//! Keeping the search index in step with the listings (T2): one document per listing, its
//! `visible` flag from the domain's rule on the context's date. Every listing write in this crate
//! re-indexes what it changed; [`catch_up`] takes in what other processes wrote, [`refresh_boundaries`]
//! what went stale or expired with the date alone, [`reindex`] rebuilds everything. A failure to
//! index after a write is logged, never fails the write that caused it.

use std::collections::HashMap;

use zhiyun_domain::listing::DEFAULT_STALE_AFTER_DAYS;
use zhiyun_domain::time;
use zhiyun_search::ListingDoc;

use super::{ListingRecord, visible};
use crate::{Ctx, Error, Kind, Result};

/// The index upkeep runs in the background and on the command line: its errors keep their detail.
fn failed(e: impl std::fmt::Display) -> Error {
    Error::new(
        Kind::Internal,
        zhiyun_domain::code::Code::Internal,
        format!("搜索索引出错：{e}"),
    )
}

fn doc(ctx: &Ctx, l: &ListingRecord, owner_kind: &str, owner_name: &str) -> ListingDoc {
    ListingDoc {
        id: l.id,
        kind: l.kind.slug().to_string(),
        title: l.title.clone(),
        description: l.description.clone(),
        field: l.field.clone(),
        modes: l.modes.clone(),
        district_code: l.district_code.clone(),
        owner_kind: owner_kind.to_string(),
        owner_name: owner_name.to_string(),
        ipc: l.ipc_strings(),
        price_fen: l.price.map(|p| p.fen()),
        published_at: l.published_at.unwrap_or(l.created_at),
        updated_at: l.updated_at,
        visible: visible(l, ctx.clock.today()),
    }
}

/// Index (or re-index) one listing after a write.
pub(crate) async fn index_listing(ctx: &Ctx, l: &ListingRecord) {
    let doc = Owners::default().doc(ctx, l).await;
    if let Err(e) = ctx.search.upsert(&doc) {
        tracing::error!(id = l.id, error = %e, "indexing a listing");
    }
}

/// Owner kind and name by organisation id, looked up once each.
#[derive(Default)]
struct Owners(HashMap<i64, (String, String)>);

impl Owners {
    async fn doc(&mut self, ctx: &Ctx, l: &ListingRecord) -> ListingDoc {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(l.owner_org_id) {
            let o = ctx.db.org_get(l.owner_org_id).await;
            slot.insert(
                o.map(|o| (o.kind.slug().to_string(), o.name))
                    .unwrap_or_default(),
            );
        }
        let (kind, name) = &self.0[&l.owner_org_id];
        doc(ctx, l, kind, name)
    }

    async fn docs(&mut self, ctx: &Ctx, listings: &[ListingRecord]) -> Vec<ListingDoc> {
        let mut docs = Vec::with_capacity(listings.len());
        for l in listings {
            docs.push(self.doc(ctx, l).await);
        }
        docs
    }
}

/// Index the listings with these ids (after an import), ten thousand per commit.
pub(crate) async fn index_ids(ctx: &Ctx, ids: &[i64]) {
    let mut owners = Owners::default();
    for chunk in ids.chunks(10_000) {
        let listings = match ctx.db.listings_by_ids(chunk).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "loading imported listings for the index");
                return;
            }
        };
        let docs = owners.docs(ctx, &listings).await;
        if let Err(e) = ctx.search.upsert_many(&docs) {
            tracing::error!(error = %e, "indexing imported listings");
        }
    }
}

const PAGE: i64 = 2000;

/// Index every listing changed since the newest change the index holds (what other processes,
/// such as `zhiyun import`, wrote meanwhile); everything for an index never written. `inclusive`
/// (at start) takes the watermark's own second again; the minute-by-minute catch-up takes only
/// later changes. Returns how many.
pub async fn catch_up(ctx: &Ctx, inclusive: bool) -> Result<usize> {
    let Some(watermark) = ctx.search.watermark() else {
        return reindex(ctx).await;
    };
    let since = if inclusive { watermark } else { watermark + 1 };
    let mut owners = Owners::default();
    let (mut after, mut n) = (0, 0);
    loop {
        let listings = ctx
            .db
            .listings_scan(since, after, PAGE)
            .await
            .map_err(failed)?;
        let Some(last) = listings.last() else { break };
        after = last.id;
        let docs = owners.docs(ctx, &listings).await;
        n += ctx.search.upsert_many(&docs).map_err(failed)?;
    }
    Ok(n)
}

/// Re-index the published listings that may have just gone stale or expired (visibility changes
/// with the date alone): run hourly, it looks two days back.
pub async fn refresh_boundaries(ctx: &Ctx) -> Result<usize> {
    let today = ctx.clock.today();
    let day = 86_400;
    let stale_cutoff = time::start_of_day(today - chrono::Duration::days(DEFAULT_STALE_AFTER_DAYS));
    let listings = ctx
        .db
        .listings_near_boundaries(
            today - chrono::Duration::days(2),
            today + chrono::Duration::days(1),
            stale_cutoff - 2 * day,
            stale_cutoff + day,
        )
        .await
        .map_err(failed)?;
    let docs = Owners::default().docs(ctx, &listings).await;
    ctx.search.upsert_many(&docs).map_err(failed)
}

/// Rebuild the whole index from the database in one commit (at first start, and by `zhiyun
/// reindex`): pages of listings stream into the index writer, so memory stays flat. Returns the
/// number of listings indexed; on failure the old index stays.
pub async fn reindex(ctx: &Ctx) -> Result<usize> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<ListingDoc, String>>(PAGE as usize);
    let search = ctx.search.clone();
    let writer = tokio::task::spawn_blocking(move || {
        search.try_rebuild(std::iter::from_fn(move || rx.blocking_recv()))
    });
    let mut owners = Owners::default();
    let mut after = 0;
    loop {
        let listings = match ctx.db.listings_scan(0, after, PAGE).await {
            Ok(rows) => rows,
            Err(e) => {
                // The writer abandons the rebuild; the old index stays.
                let _ = tx.send(Err(e.to_string())).await;
                break;
            }
        };
        let Some(last) = listings.last() else { break };
        after = last.id;
        for l in &listings {
            let d = owners.doc(ctx, l).await;
            if tx.send(Ok(d)).await.is_err() {
                break;
            }
        }
    }
    drop(tx);
    writer.await.map_err(failed)?.map_err(failed)
}
