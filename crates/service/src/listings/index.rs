//! Keeping the search index in step with the listings (T2): one document per listing, its
//! `visible` flag from the domain's rule on the context's date. Every listing write in this crate
//! re-indexes what it changed; [`catch_up`] takes in what other processes wrote (other `zhiyun
//! serve` processes, `zhiyun import`), [`refresh_boundaries`] what went stale or expired with the
//! date alone, [`reindex`] rebuilds everything. A failure to index after a write is logged, never
//! fails the write that caused it.
//!
//! What an index holds is counted in listing changes, not times: every listing write takes the
//! next number of one counter as the last step of its transaction (`listings.change_seq`), so the
//! numbers commit in order, and each index remembers the number through which it holds every
//! change (`SearchIndex::synced_through`, kept in its commit). A write that started early and
//! committed late (a long import) still gets a number above everything indexed before it
//! committed.

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
        modes: zhiyun_domain::listing::browse_modes(&l.modes),
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
    if let Err(e) = ctx.search.upsert_change([&doc], l.change_seq) {
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

/// Index the listings with these ids, written by change `change` (an import), ten thousand per
/// commit.
pub(crate) async fn index_ids(ctx: &Ctx, ids: &[i64], change: i64) {
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
        if let Err(e) = ctx.search.upsert_change(&docs, change) {
            tracing::error!(error = %e, "indexing imported listings");
        }
    }
}

const PAGE: i64 = 2000;

/// Index every listing changed after the last change the index holds (what other processes,
/// such as `zhiyun import` or another `zhiyun serve`, wrote meanwhile); everything for an index
/// never built, or when the database is behind the index (restored from a backup). Cheap when
/// nothing changed (one read of the counter): run every few seconds. Returns how many.
pub async fn catch_up(ctx: &Ctx) -> Result<usize> {
    let Some(held) = ctx.search.synced_through() else {
        return reindex(ctx).await;
    };
    // Every change through `last` has committed: the pages below see all of them.
    let last = ctx.db.listings_last_change().await.map_err(failed)?;
    if last == held {
        return Ok(0);
    }
    if last < held {
        tracing::warn!(
            index = held,
            database = last,
            "the database is behind the search index (restored?): rebuilding the index"
        );
        return reindex(ctx).await;
    }
    let mut owners = Owners::default();
    let (mut after, mut n) = ((held, i64::MAX), 0);
    loop {
        let listings = ctx
            .db
            .listings_changed_after(after, PAGE)
            .await
            .map_err(failed)?;
        let Some(l) = listings.last() else { break };
        after = (l.change_seq, l.id);
        let docs = owners.docs(ctx, &listings).await;
        // Changes below the page's last are complete; the last may go on on the next page.
        n += ctx
            .search
            .upsert_through(&docs, l.change_seq - 1)
            .map_err(failed)?;
    }
    // Changes through `last` are in (a change whose rows were all rewritten since has none).
    ctx.search
        .upsert_through(std::iter::empty(), last)
        .map_err(failed)?;
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
    // Read before the pages: every change through it is in what they read (or newer); later
    // changes are caught up on.
    let through = ctx.db.listings_last_change().await.map_err(failed)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<ListingDoc, String>>(PAGE as usize);
    let search = ctx.search.clone();
    let writer = tokio::task::spawn_blocking(move || {
        search.try_rebuild(std::iter::from_fn(move || rx.blocking_recv()), through)
    });
    let mut owners = Owners::default();
    let mut after = 0;
    loop {
        let listings = match ctx.db.listings_scan(after, PAGE).await {
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
