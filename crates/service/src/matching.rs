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
