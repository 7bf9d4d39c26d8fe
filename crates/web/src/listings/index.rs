//! Keeping the search index in step with the listings: one document per listing, its `visible`
//! flag from the domain's rule. Indexing failures are logged, never fail the write that caused them.

use std::collections::HashMap;

use zhiyun_search::ListingDoc;
use zhiyun_store::listings::ListingRow;

use zhiyun_domain::listing::DEFAULT_STALE_AFTER_DAYS;

use crate::AppState;
use crate::layout::today;

fn doc(row: &ListingRow, owner_kind: &str, owner_name: &str) -> ListingDoc {
    ListingDoc {
        id: row.id,
        kind: row.kind.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        field: row.field.clone(),
        modes: row.modes(),
        district_code: row.district_code.clone(),
        owner_kind: owner_kind.to_string(),
        owner_name: owner_name.to_string(),
        ipc: row.ipc(),
        price_fen: row.price_fen,
        published_at: row.published_at.unwrap_or(row.created_at),
        updated_at: row.updated_at,
        visible: super::visible(row),
    }
}

/// Index (or re-index) one listing after a write.
pub async fn index_listing(state: &AppState, row: &ListingRow) {
    let (kind, name) = match state.db.org_get(row.owner_org_id).await {
        Ok(o) => (o.kind.slug().to_string(), o.name),
        Err(_) => (String::new(), String::new()),
    };
    if let Err(e) = state.search.upsert(&doc(row, &kind, &name)) {
        tracing::error!(id = row.id, error = %e, "indexing a listing");
    }
}

/// Owner kind and name by organisation id, looked up once each.
#[derive(Default)]
struct Owners(HashMap<i64, (String, String)>);

impl Owners {
    async fn doc(&mut self, state: &AppState, row: &ListingRow) -> ListingDoc {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(row.owner_org_id) {
            let o = state.db.org_get(row.owner_org_id).await;
            slot.insert(
                o.map(|o| (o.kind.slug().to_string(), o.name))
                    .unwrap_or_default(),
            );
        }
        let (kind, name) = &self.0[&row.owner_org_id];
        doc(row, kind, name)
    }

    async fn docs(&mut self, state: &AppState, rows: &[ListingRow]) -> Vec<ListingDoc> {
        let mut docs = Vec::with_capacity(rows.len());
        for row in rows {
            docs.push(self.doc(state, row).await);
        }
        docs
    }
}

/// Index the listings with these ids (after an import), ten thousand per commit.
pub async fn index_ids(state: &AppState, ids: &[i64]) {
    let mut owners = Owners::default();
    for chunk in ids.chunks(10_000) {
        let rows = match state.db.listings_by_ids(chunk).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "loading imported listings for the index");
                return;
            }
        };
        let docs = owners.docs(state, &rows).await;
        if let Err(e) = state.search.upsert_many(&docs) {
            tracing::error!(error = %e, "indexing imported listings");
        }
    }
}

const PAGE: i64 = 2000;

/// Index every listing changed since the newest change the index holds (what other processes,
/// such as `zhiyun import`, wrote meanwhile). `inclusive` (at start) takes the watermark's own
/// second again; the minute-by-minute catch-up takes only later changes. Returns how many.
pub async fn catch_up(state: &AppState, inclusive: bool) -> Result<usize, String> {
    let Some(watermark) = state.search.watermark() else {
        return reindex_all(state).await;
    };
    let since = if inclusive { watermark } else { watermark + 1 };
    let mut owners = Owners::default();
    let (mut after, mut n) = (0, 0);
    loop {
        let rows = state
            .db
            .listings_scan(since, after, PAGE)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let docs = owners.docs(state, &rows).await;
        n += state.search.upsert_many(&docs).map_err(|e| e.to_string())?;
    }
    Ok(n)
}

/// Re-index the published listings that may have just gone stale or expired (visibility changes
/// with the date alone): run hourly, it looks two days back.
pub async fn refresh_boundaries(state: &AppState) -> Result<usize, String> {
    let today = today();
    let stale_cutoff = (today - chrono::Duration::days(DEFAULT_STALE_AFTER_DAYS))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp() - 8 * 3600)
        .unwrap_or_default();
    let day = 86_400;
    let rows = state
        .db
        .listings_near_boundaries(
            &(today - chrono::Duration::days(2))
                .format("%Y-%m-%d")
                .to_string(),
            &(today + chrono::Duration::days(1))
                .format("%Y-%m-%d")
                .to_string(),
            stale_cutoff - 2 * day,
            stale_cutoff + day,
        )
        .await
        .map_err(|e| e.to_string())?;
    let docs = Owners::default().docs(state, &rows).await;
    state.search.upsert_many(&docs).map_err(|e| e.to_string())
}

/// Rebuild the whole index from the database in one commit (at first start, and by `zhiyun
/// reindex`): pages of listings stream into the index writer, so memory stays flat.
pub async fn reindex_all(state: &AppState) -> Result<usize, String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<ListingDoc, String>>(PAGE as usize);
    let search = state.search.clone();
    let writer = tokio::task::spawn_blocking(move || {
        search.try_rebuild(std::iter::from_fn(move || rx.blocking_recv()))
    });
    let mut owners = Owners::default();
    let mut after = 0;
    loop {
        let rows = match state.db.listings_scan(0, after, PAGE).await {
            Ok(rows) => rows,
            Err(e) => {
                // The writer abandons the rebuild; the old index stays.
                let _ = tx.send(Err(e.to_string())).await;
                break;
            }
        };
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            let d = owners.doc(state, row).await;
            if tx.send(Ok(d)).await.is_err() {
                break;
            }
        }
    }
    drop(tx);
    writer
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}
