//! Demand–supply matching (T3): the in-memory match sets, one per kind of listing, and the
//! analyser they share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use zhiyun_search::matcher::{MatchSet, Matcher};

/// A kind's match set and the fingerprint of the listings it was built from.
pub type Versioned = ((i64, i64), Arc<MatchSet>);

/// The in-memory match sets, one per kind, and the analyser they share.
#[derive(Default)]
pub struct MatchCache {
    pub matcher: OnceLock<Matcher>,
    pub sets: Mutex<HashMap<&'static str, Versioned>>,
}

use zhiyun_domain::district;
use zhiyun_domain::matching::Side;
use zhiyun_domain::money::Fen;
use zhiyun_search::matcher::MatchItem;
use zhiyun_store::listings::ListingRow;

use crate::Ctx;

/// The analyser every match set and matchmaking proposal shares (built once, from the search
/// index's synonyms).
pub fn matcher(ctx: &Ctx) -> &Matcher {
    ctx.matching
        .matcher
        .get_or_init(|| Matcher::new(ctx.search.synonyms().clone()))
}

/// What the scorer weighs besides the text, from a stored listing.
pub fn side_of(row: &ListingRow) -> Side {
    Side {
        field: Some(row.field.clone()),
        field_inferred: false,
        ipc: row.ipc(),
        ipc_inferred: false,
        modes: row.modes(),
        price: row.price_fen.and_then(|f| Fen::from_fen(f).ok()),
        district_code: Some(row.district_code.clone()),
        district_name: district::by_code(&row.district_code).map(|d| d.name.to_string()),
    }
}

/// A stored listing as the matcher sees it.
pub fn item_of(row: &ListingRow) -> MatchItem {
    MatchItem {
        id: row.id,
        title: row.title.clone(),
        description: row.description.clone(),
        side: side_of(row),
    }
}
