//! Keeping the search index in step with the listings: one document per listing, its `visible`
//! flag from the domain's rule. Indexing failures are logged, never fail the write that caused them.

use std::collections::HashMap;

use zhiyun_search::ListingDoc;
use zhiyun_store::listings::{ListingFilter, ListingRow};

use crate::AppState;

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
        visible: super::visible(row),
    }
}

/// Index (or re-index) one listing after a write.
pub async fn index_listing(state: &AppState, row: &ListingRow) {
    let (kind, name) = match state.db.org_get(row.owner_org_id).await {
        Ok(o) => (o.kind, o.name),
        Err(_) => (String::new(), String::new()),
    };
    if let Err(e) = state.search.upsert(&doc(row, &kind, &name)) {
        tracing::error!(id = row.id, error = %e, "indexing a listing");
    }
}

/// Rebuild the whole index from the database (at start, hourly, and by `zhiyun reindex`).
pub async fn reindex_all(state: &AppState) -> Result<usize, String> {
    let mut owners: HashMap<i64, (String, String)> = HashMap::new();
    let mut docs = Vec::new();
    let mut offset = 0;
    loop {
        let (_, rows) = state
            .db
            .listing_list(&ListingFilter {
                limit: 1000,
                offset,
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        if rows.is_empty() {
            break;
        }
        offset += rows.len() as i64;
        for row in &rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(row.owner_org_id)
            {
                let o = state
                    .db
                    .org_get(row.owner_org_id)
                    .await
                    .map_err(|e| e.to_string())?;
                slot.insert((o.kind, o.name));
            }
            let (kind, name) = &owners[&row.owner_org_id];
            docs.push(doc(row, kind, name));
        }
    }
    state.search.rebuild(docs).map_err(|e| e.to_string())
}
