//! Full-text search of 知运 listings (technology demands and patent supplies), in Chinese.
//!
//! tantivy with our own jieba tokenizer, plus Han character n-grams so a word is found inside any
//! compound (`隔膜` in `隔膜材料`); a synonym and acronym dictionary (`data/synonyms.txt`, extensible
//! by the operator) so `锂电`, `BMS`, `AGV` find `锂离子电池`, `电池管理系统`, `自动导引车`. Every query
//! word must match (any of its synonyms); when no listing has them all, the search falls back to
//! any word and says so ([`Results::relaxed`]). Filters and facets, relevance or date order,
//! pages, highlighted titles and snippets.
//!
//! The caller decides what is indexed ([`ListingDoc::visible`] marks what the public may see) and
//! where the index lives (RAM or a directory); no network I/O.
//!
//! ```
//! use zhiyun_search::{ListingDoc, Query, SearchIndex, Synonyms};
//!
//! let index = SearchIndex::in_ram(Synonyms::builtin())?;
//! index.upsert(&ListingDoc {
//!     id: 1,
//!     kind: "supply".into(),
//!     title: "一种锂离子电池隔膜材料及其制备方法".into(),
//!     description: "聚乙烯基膜与陶瓷涂层复合的隔膜。".into(),
//!     field: "新能源与节能".into(),
//!     modes: vec!["转让".into()],
//!     district_code: "310104".into(),
//!     owner_kind: "university".into(),
//!     owner_name: "某大学".into(),
//!     ipc: vec!["H01M 50/40".into()],
//!     price_fen: None,
//!     published_at: 1_767_225_600,
//!     updated_at: 1_767_225_600,
//!     visible: true,
//! })?;
//! let results = index.search(&Query::text("锂电池 隔膜"))?;
//! assert_eq!(results.hits[0].id, 1);
//! assert!(results.hits[0].title_html.contains("<mark>隔膜</mark>"));
//! # Ok::<(), zhiyun_search::SearchError>(())
//! ```

pub mod chars;
mod highlight;
mod index;
pub mod matcher;
mod query;
mod synonyms;
mod text;
mod tokenizer;

use std::path::PathBuf;

pub use index::SearchIndex;
pub use query::{MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_WORDS, PriceBand, Query, Sort};
pub use synonyms::Synonyms;

/// A listing as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingDoc {
    pub id: i64,
    /// `demand` | `supply`
    pub kind: String,
    pub title: String,
    pub description: String,
    /// One of the eight technical fields, e.g. `新材料`.
    pub field: String,
    /// e.g. `["转让", "许可"]`
    pub modes: Vec<String>,
    /// e.g. `310104`
    pub district_code: String,
    /// e.g. `university`, `enterprise`
    pub owner_kind: String,
    /// Searchable (a visitor may type a university's name).
    pub owner_name: String,
    /// Canonical IPC codes, e.g. `H01M 50/40`; searchable.
    pub ipc: Vec<String>,
    /// `None` = 面议 (negotiable).
    pub price_fen: Option<i64>,
    /// Unix seconds.
    pub published_at: i64,
    /// Unix seconds of the listing's last change. (What the index holds is counted in change
    /// numbers, not times: [`SearchIndex::synced_through`].)
    pub updated_at: i64,
    /// Published and not stale: only visible listings are returned unless
    /// [`Query::include_hidden`].
    pub visible: bool,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Matching listings in all pages.
    pub total: usize,
    /// The page returned (the query's, clamped to 1..=[`MAX_PAGE`]).
    pub page: usize,
    /// Hits per page (the query's, clamped to 1..=[`MAX_PER_PAGE`]).
    pub per_page: usize,
    /// Number of pages: `ceil(total / per_page)`.
    pub pages: usize,
    /// No listing contained every word of the query, so these are listings with at least one of
    /// them (a page should say so: "没有同时包含所有关键词的结果，以下为部分匹配").
    pub relaxed: bool,
    /// Relaxed further: these listings share only single characters with the query (no longer
    /// word of it is in any listing). A page should say so: "仅按单字匹配".
    pub single_chars: bool,
    pub hits: Vec<Hit>,
    /// When every hit is on the first page and leaves room: listings sharing character bigrams
    /// with the query (or its synonyms, or the technical terms of its colloquial words) without
    /// matching it, best first, up to the rest of the page. Not counted in `total`; a page shows them apart, as
    /// "相关结果".
    pub related: Vec<Hit>,
    pub facets: Facets,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    /// Relevance (higher is better); 0 when sorted by date.
    pub score: f32,
    /// The title, HTML-escaped, matches in `<mark>…</mark>`.
    pub title_html: String,
    /// Up to 120 characters of the description around the first match, HTML-escaped, matches in
    /// `<mark>…</mark>`, `…` where cut.
    pub snippet_html: String,
}

/// Counts of each value over the matching listings. A dimension with a filter set is counted as
/// if that one filter were off (the other filters apply), so a page can show what choosing another
/// value would give. Values by count, most first; price bands in band order; zero counts omitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `demand` / `supply`
    pub kind: Vec<(String, u64)>,
    pub field: Vec<(String, u64)>,
    pub mode: Vec<(String, u64)>,
    pub district: Vec<(String, u64)>,
    pub owner_kind: Vec<(String, u64)>,
    pub price_band: Vec<(PriceBand, u64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A line of a synonyms file that cannot be used.
    #[error("同义词文件第 {line} 行：{message}")]
    Synonyms { line: usize, message: String },
    #[error("无法打开检索索引目录 {path}：{message}")]
    Directory { path: PathBuf, message: String },
    /// The directory holds an index of another schema: delete it and run `zhiyun reindex`.
    #[error("检索索引目录 {path} 中的索引与当前版本不兼容：请删除该目录后执行 zhiyun reindex")]
    IncompatibleIndex { path: PathBuf },
    /// Another process (a running `zhiyun serve`) holds the index's writer lock.
    #[error("检索索引正被另一个进程使用（例如正在运行的 zhiyun serve）")]
    Locked,
    #[error("检索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
}
