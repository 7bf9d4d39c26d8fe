//! The tantivy index: schema, writes (each committed and visible to the next search), and search
//! with filters, facets, sorting, pagination and highlights.
//!
//! Fields: `title`/`description` cut by jieba (word relevance; title weighs double); `title_ng`,
//! `body_ng`, `meta_ng` (owner name and IPC codes) as Han uni/bigrams and alphanumeric words
//! (substring recall, see [`crate::tokenizer`]); one facet field for every filter and facet
//! (`/kind/…`, `/field/…`, `/mode/…`, `/district/…`, `/owner/…`, `/price/…`); `visible`;
//! `published_at` for sorting.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use jieba_rs::Jieba;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TantivyQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::highlight::Highlighter;
use crate::query::{MAX_PAGE, MAX_PER_PAGE, PriceBand, Query, Sort, Word, analyze};
use crate::synonyms::Synonyms;
use crate::tokenizer::{
    JIEBA, JiebaTokenizer, NGRAM, NgramMode, NgramTokenizer, build_jieba, ngrams,
};
use crate::{Facets, Hit, ListingDoc, Results, SearchError};

/// The commit payload: `changes:N`, the listing change through which the index holds every change.
const PAYLOAD_PREFIX: &str = "changes:";
/// What the index holds is unknown (never built, or built before change numbers).
const UNKNOWN: i64 = -1;

/// How a write moves what the index holds.
enum Mark {
    Keep,
    /// Every change through N is now in.
    Raise(i64),
    /// A rebuild: exactly the changes through N.
    Set(i64),
    /// The listings of change N, written right after it (see [`SearchIndex::upsert_change`]).
    Next(i64),
}

/// Characters of description shown in a hit's snippet.
const SNIPPET_CHARS: usize = 120;
/// Indexing memory per writer thread.
const WRITER_BYTES_PER_THREAD: usize = 32_000_000;

// Weights of one term's matches: a title word counts double; the n-gram fields catch what jieba
// cut differently, a little below the word fields; a search-mode part matches at a third.
const TITLE_BOOST: f32 = 2.0;
const TITLE_NGRAM_BOOST: f32 = 1.0;
const BODY_NGRAM_BOOST: f32 = 0.5;
const META_NGRAM_BOOST: f32 = 0.5;
const PARTS_BOOST: f32 = 0.3;

/// A word found (as a jieba word, in title or description) in at least this many listings is
/// searched as that word only: the n-gram and part alternatives that rescue rare words add next
/// to nothing to a list this long, yet scoring them dominated the slowest queries (`合作开发`,
/// in 55 % of a million listings: p50 95 ms with them).
const FREQUENT_WORD_DOCS: u64 = 20_000;

const KIND: &str = "kind";
const FIELD: &str = "field";
const MODE: &str = "mode";
const DISTRICT: &str = "district";
const OWNER: &str = "owner";
const PRICE: &str = "price";
const DIMENSIONS: [&str; 6] = [KIND, FIELD, MODE, DISTRICT, OWNER, PRICE];

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    description: Field,
    title_ng: Field,
    body_ng: Field,
    meta_ng: Field,
    facets: Field,
    visible: Field,
    published_at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(JIEBA)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let grams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NGRAM)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", words.clone().set_stored()),
        description: b.add_text_field("description", words.set_stored()),
        title_ng: b.add_text_field("title_ng", grams.clone()),
        body_ng: b.add_text_field("body_ng", grams.clone()),
        meta_ng: b.add_text_field("meta_ng", grams),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        visible: b.add_bool_field("visible", INDEXED | FAST),
        published_at: b.add_i64_field("published_at", FAST),
    };
    (b.build(), fields)
}

/// The listings index. Cheap to clone (shared); safe to use from many threads; writes are
/// serialised by one writer and visible to searches as soon as the call returns.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    jieba: Arc<Jieba>,
    synonyms: Synonyms,
    /// The listing change through which this index holds every change (see
    /// [`SearchIndex::synced_through`]), saved as the commit's payload; -1: unknown.
    synced: AtomicI64,
    /// Results of recent searches, keyed by the query; emptied by every commit.
    cache: Mutex<std::collections::HashMap<String, Results>>,
    /// [`FREQUENT_WORD_DOCS`], lowered by tests.
    frequent_word_docs: std::sync::atomic::AtomicU64,
    // Keeps the index (and its tokenizers) alive with the reader and writer.
    _index: Index,
}

impl SearchIndex {
    /// An index in memory (tests, demos, or a server that rebuilds on start).
    pub fn in_ram(synonyms: Synonyms) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::with_index(Index::create_in_ram(schema), fields, synonyms)
    }

    /// The index in `dir` (created, with the directory, if missing). Only one process at a time
    /// may hold it: a second gets [`SearchError::Locked`].
    pub fn open_or_create(dir: &Path, synonyms: Synonyms) -> Result<SearchIndex, SearchError> {
        let directory_error = |message: String| SearchError::Directory {
            path: dir.to_path_buf(),
            message,
        };
        std::fs::create_dir_all(dir).map_err(|e| directory_error(e.to_string()))?;
        let directory = MmapDirectory::open(dir).map_err(|e| directory_error(e.to_string()))?;
        let (schema, fields) = schema();
        let index = Index::open_or_create(directory, schema).map_err(|e| match e {
            TantivyError::SchemaError(_) => SearchError::IncompatibleIndex {
                path: dir.to_path_buf(),
            },
            e => e.into(),
        })?;
        SearchIndex::with_index(index, fields, synonyms)
    }

    fn with_index(
        mut index: Index,
        fields: Fields,
        synonyms: Synonyms,
    ) -> Result<SearchIndex, SearchError> {
        // One jieba per index, shared by every tokenizer clone and by query analysis.
        let jieba = build_jieba(synonyms.terms());
        index.tokenizers().register(
            JIEBA,
            TextAnalyzer::builder(JiebaTokenizer::new(jieba.clone())).build(),
        );
        index
            .tokenizers()
            .register(NGRAM, NgramTokenizer::default());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        // Segments are searched in parallel: a query matching half a million listings is answered
        // by every core.
        index.set_multithread_executor(threads)?;
        let writer = index
            .writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => SearchError::Locked,
                e => e.into(),
            })?;
        // An index written before change numbers (its payload a time) is unknown: rebuilt.
        let synced = index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| p.strip_prefix(PAYLOAD_PREFIX)?.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .unwrap_or(UNKNOWN);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                reader,
                writer: Mutex::new(writer),
                fields,
                jieba,
                synonyms,
                synced: AtomicI64::new(synced),
                cache: Mutex::default(),
                frequent_word_docs: FREQUENT_WORD_DOCS.into(),
                _index: index,
            }),
        })
    }

    /// The synonym dictionary this index was built with (matching uses the same).
    pub fn synonyms(&self) -> &Synonyms {
        &self.inner.synonyms
    }

    /// Add a listing, or replace the one with the same id.
    pub fn upsert(&self, doc: &ListingDoc) -> Result<(), SearchError> {
        self.upsert_many(std::slice::from_ref(doc)).map(|_| ())
    }

    /// Add or replace several listings in one commit; returns how many. What the index holds
    /// ([`SearchIndex::synced_through`]) does not move.
    pub fn upsert_many<'a, I: IntoIterator<Item = &'a ListingDoc>>(
        &self,
        docs: I,
    ) -> Result<usize, SearchError> {
        self.write(Mark::Keep, |w| self.add_all(w, docs))
    }

    /// Index the listings written by change `change`, right after it (their content is as of
    /// that change or newer). When the index already holds every change through `change` (a
    /// catch-up came first) they are left out: it may hold newer content. When it holds every
    /// change before it, it now holds `change` too. Returns how many were written.
    pub fn upsert_change<'a, I: IntoIterator<Item = &'a ListingDoc>>(
        &self,
        docs: I,
        change: i64,
    ) -> Result<usize, SearchError> {
        self.write(Mark::Next(change), |w| self.add_all(w, docs))
    }

    /// Index listings read from the database, after which the index holds every change through
    /// `through` (a catch-up: every listing changed after what the index held, up to `through`).
    pub fn upsert_through<'a, I: IntoIterator<Item = &'a ListingDoc>>(
        &self,
        docs: I,
        through: i64,
    ) -> Result<usize, SearchError> {
        self.write(Mark::Raise(through), |w| self.add_all(w, docs))
    }

    fn add_all<'a, I: IntoIterator<Item = &'a ListingDoc>>(
        &self,
        w: &mut IndexWriter,
        docs: I,
    ) -> Result<usize, TantivyError> {
        let f = self.inner.fields;
        let mut n = 0;
        for doc in docs {
            w.delete_term(Term::from_field_i64(f.id, doc.id));
            w.add_document(self.document(doc))?;
            n += 1;
        }
        Ok(n)
    }

    /// Remove a listing (no error if it was not there).
    pub fn delete(&self, id: i64) -> Result<(), SearchError> {
        let f = self.inner.fields;
        self.write(Mark::Keep, |w| {
            w.delete_term(Term::from_field_i64(f.id, id));
            Ok(())
        })
    }

    /// Replace the whole index with these listings in one commit (tests, benchmarks); it then
    /// holds changes through 0. Until it returns, searches see the old index; if it fails, the
    /// old index stays.
    pub fn rebuild<I: IntoIterator<Item = ListingDoc>>(
        &self,
        docs: I,
    ) -> Result<usize, SearchError> {
        self.try_rebuild(docs.into_iter().map(Ok::<_, String>), 0)
    }

    /// [`SearchIndex::rebuild`] from a source that may fail (a database read), after which the
    /// index holds every change through `through` (the last change committed before the read
    /// began): the first `Err` abandons the rebuild and the old index stays.
    pub fn try_rebuild<E: std::fmt::Display, I: IntoIterator<Item = Result<ListingDoc, E>>>(
        &self,
        docs: I,
        through: i64,
    ) -> Result<usize, SearchError> {
        self.write(Mark::Set(through), |w| {
            w.delete_all_documents()?;
            let mut n = 0;
            for doc in docs {
                let doc = doc.map_err(|e| TantivyError::InternalError(e.to_string()))?;
                w.add_document(self.document(&doc))?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Number of listings in the index (visible or not) as searches see it.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// The listing change through which this index holds every change (kept across restarts of
    /// an index on disk): listings changed after it may be missing or old. `None` for an index
    /// never built, or built before change numbers: rebuild it.
    pub fn synced_through(&self) -> Option<i64> {
        Some(self.inner.synced.load(Ordering::SeqCst)).filter(|n| *n >= 0)
    }

    /// Run `ops` on the writer, then commit with what the index holds (`mark`) as payload and
    /// reload the reader; on any error, roll back.
    fn write<T: Default>(
        &self,
        mark: Mark,
        ops: impl FnOnce(&mut IndexWriter) -> Result<T, TantivyError>,
    ) -> Result<T, SearchError> {
        let mut w = self.writer();
        let old = self.inner.synced.load(Ordering::SeqCst);
        let new = match mark {
            Mark::Keep => old,
            Mark::Raise(n) => old.max(n),
            Mark::Set(n) => n,
            Mark::Next(n) if old >= n => return Ok(T::default()),
            // An index that does not know what it holds learns nothing from one change.
            Mark::Next(n) if old != UNKNOWN && old == n - 1 => n,
            Mark::Next(_) => old,
        };
        let committed = ops(&mut w).and_then(|out| {
            let mut prepared = w.prepare_commit()?;
            if new >= 0 {
                prepared.set_payload(&format!("{PAYLOAD_PREFIX}{new}"));
            }
            prepared.commit()?;
            Ok(out)
        });
        match committed {
            Ok(out) => {
                self.inner.synced.store(new, Ordering::SeqCst);
                self.inner.reader.reload()?;
                self.cache().clear();
                Ok(out)
            }
            Err(e) => {
                // Back to the last commit; the first error is the one to report.
                let _ = w.rollback();
                Err(e.into())
            }
        }
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves uncommitted operations at worst; the next
        // commit or rollback settles them.
        self.inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn document(&self, d: &ListingDoc) -> TantivyDocument {
        let f = self.inner.fields;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.id, d.id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.description, &d.description);
        doc.add_text(f.title_ng, &d.title);
        doc.add_text(f.body_ng, &d.description);
        doc.add_text(f.meta_ng, &d.owner_name);
        for code in &d.ipc {
            doc.add_text(f.meta_ng, code);
        }
        let mut facet = |dim: &str, value: &str| {
            if let Some(facet) = facet(dim, value) {
                doc.add_facet(f.facets, facet);
            }
        };
        facet(KIND, &d.kind);
        facet(FIELD, &d.field);
        for mode in &d.modes {
            facet(MODE, mode);
        }
        facet(DISTRICT, &d.district_code);
        facet(OWNER, &d.owner_kind);
        facet(PRICE, PriceBand::of(d.price_fen).slug());
        doc.add_bool(f.visible, d.visible);
        doc.add_i64(f.published_at, d.published_at);
        doc
    }

    fn cache(&self) -> MutexGuard<'_, std::collections::HashMap<String, Results>> {
        self.inner
            .cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Search, answering a query asked since the last commit from a cache (popular queries on a
    /// busy public site cost one lookup; any write empties it).
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        const CACHED_QUERIES: usize = 4096;
        let key = format!("{q:?}");
        if let Some(hit) = self.cache().get(&key) {
            return Ok(hit.clone());
        }
        let results = self.search_uncached(q)?;
        let mut cache = self.cache();
        if cache.len() >= CACHED_QUERIES {
            cache.clear();
        }
        cache.insert(key, results.clone());
        Ok(results)
    }

    /// Search without the cache (benchmarks measure this).
    pub fn search_uncached(&self, q: &Query) -> Result<Results, SearchError> {
        let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
        let page = q.page.clamp(1, MAX_PAGE);
        let words = analyze(&self.inner.jieba, &self.inner.synonyms, &q.text);
        // Without text every score is the same: newest first is the only useful order.
        let sort = if words.is_empty() {
            Sort::Newest
        } else {
            q.sort
        };
        let filters = self.filters(q);
        let searcher = self.inner.reader.searcher();

        let mut text_query = self.words_query(&searcher, &words, Occur::Must)?;
        let mut found = run(&searcher, &*text_query, &filters, sort, page, per_page)?;
        let mut relaxed = false;
        let mut single_chars = false;
        if found.total == 0 && words.len() >= 2 {
            // No listing has every word: show those with some of the longer ones, and say so.
            // A single Han character (`不` of `不存在`) alone is no match while a longer word
            // of the query may still be found.
            let (long, single): (Vec<Word>, Vec<Word>) =
                words.iter().cloned().partition(|w| !is_single_han(w));
            if !long.is_empty() {
                let any_word = self.words_query(&searcher, &long, Occur::Should)?;
                let retry = run(&searcher, &*any_word, &filters, sort, page, per_page)?;
                if retry.total > 0 {
                    (found, relaxed, text_query) = (retry, true, any_word);
                }
            }
            if found.total == 0 && !single.is_empty() {
                // The last resort: listings sharing single characters only, flagged as such.
                let any_char = self.words_query(&searcher, &words, Occur::Should)?;
                let retry = run(&searcher, &*any_char, &filters, sort, page, per_page)?;
                if retry.total > 0 {
                    (found, relaxed, text_query) = (retry, true, any_char);
                    single_chars = true;
                }
            }
        }

        // A dimension with a filter set is counted as if its own filter were off, so the page
        // can show what the other values would give.
        let mut facet_counts = vec![(found.open_dims, found.facet_counts)];
        for dim in filters.iter().filter_map(|f| f.dim) {
            let mut collector = FacetCollector::for_field("facets");
            collector.add_facet(Facet::from_path([dim]));
            let q = combine(&*text_query, &filters, Some(dim));
            facet_counts.push((vec![dim], searcher.search(&q, &collector)?));
        }
        let counts_of = |dim: &str| -> Vec<(String, u64)> {
            facet_counts
                .iter()
                .find(|(dims, _)| dims.contains(&dim))
                .map(|(_, counts)| facet_values(counts, dim))
                .unwrap_or_default()
        };
        let mut price_band: Vec<(PriceBand, u64)> = counts_of(PRICE)
            .into_iter()
            .filter_map(|(slug, n)| PriceBand::parse(&slug).map(|b| (b, n)))
            .collect();
        price_band.sort_by_key(|&(b, _)| b);
        let facets = Facets {
            kind: counts_of(KIND),
            field: counts_of(FIELD),
            mode: counts_of(MODE),
            district: counts_of(DISTRICT),
            owner_kind: counts_of(OWNER),
            price_band,
        };

        // Every hit on the first page with room to spare: listings sharing character bigrams
        // with the query, its synonyms or the technical terms of its colloquial words, after the
        // hits and apart. The hits are left out by address (all of them are on this page): a
        // `MustNot` of the text query made tantivy seek a finished phrase scorer, a debug
        // assertion that failed with some segment layouts.
        let mut related_top = Vec::new();
        let shown = found.top.len();
        if sort == Sort::Relevance
            && !single_chars
            && page == 1
            && found.total < per_page
            && let Some(any_gram) = self.related_query(&q.text, &words)
        {
            let q = combine(&*any_gram, &filters, None);
            related_top = searcher
                .search(&q, &TopDocs::with_limit(per_page).order_by_score())?
                .into_iter()
                .filter(|(_, address)| !found.top.iter().any(|(_, hit)| hit == address))
                .take(per_page - shown)
                .collect();
        }

        let highlighter = Highlighter::new(words.iter().flat_map(|w| {
            w.alternatives
                .iter()
                .chain(w.parts.iter().flatten())
                .map(String::as_str)
        }));
        let f = self.inner.fields;
        let hit = |(score, address): (f32, DocAddress)| -> Result<Hit, SearchError> {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            Ok(Hit {
                id: doc
                    .get_first(f.id)
                    .and_then(|v| v.as_i64())
                    .unwrap_or_default(),
                score,
                title_html: highlighter.whole(text(f.title)),
                snippet_html: highlighter.snippet(text(f.description), SNIPPET_CHARS),
            })
        };
        let hits = found
            .top
            .into_iter()
            .map(hit)
            .collect::<Result<Vec<_>, _>>()?;
        let related = related_top
            .into_iter()
            .map(hit)
            .collect::<Result<Vec<_>, _>>()?;
        let total = found.total;
        Ok(Results {
            related,
            total,
            page,
            per_page,
            pages: total.div_ceil(per_page),
            relaxed,
            single_chars,
            hits,
            facets,
        })
    }

    fn filters(&self, q: &Query) -> Vec<Filter> {
        let f = self.inner.fields;
        let mut filters = Vec::new();
        if !q.include_hidden {
            filters.push(Filter {
                dim: None,
                query: Box::new(TermQuery::new(
                    Term::from_field_bool(f.visible, true),
                    IndexRecordOption::Basic,
                )),
            });
        }
        let band = q.price_band.map(|b| b.slug().to_string());
        for (dim, value) in [
            (KIND, &q.kind),
            (FIELD, &q.field),
            (MODE, &q.mode),
            (DISTRICT, &q.district),
            (OWNER, &q.owner_kind),
            (PRICE, &band),
        ] {
            if let Some(facet) = value.as_deref().and_then(|v| facet(dim, v)) {
                filters.push(Filter {
                    dim: Some(dim),
                    query: Box::new(TermQuery::new(
                        Term::from_facet(f.facets, &facet),
                        IndexRecordOption::Basic,
                    )),
                });
            }
        }
        filters
    }

    /// Any character bigram (or run of letters and digits) of the query's words, their synonyms
    /// and the technical terms its colloquial words stand for (`data/problem_words.txt`), in the
    /// title or the description, ranked by BM25. Single Han characters are left out: they match
    /// nearly everything. `None` when there is no such n-gram.
    fn related_query(&self, text: &str, words: &[Word]) -> Option<Box<dyn TantivyQuery>> {
        let f = self.inner.fields;
        let normalized = crate::text::normalize(text);
        let bridged = self.inner.synonyms.bridge(&normalized);
        let mut grams: Vec<String> = Vec::new();
        let mut tokens = Vec::new();
        for term in words
            .iter()
            .flat_map(|w| &w.alternatives)
            .map(String::as_str)
            .chain(bridged)
        {
            tokens.clear();
            ngrams(term, NgramMode::Query, &mut tokens);
            for t in &tokens {
                let one_han =
                    t.text.chars().count() == 1 && t.text.chars().all(crate::text::is_cjk);
                if !one_han && !grams.contains(&t.text) {
                    grams.push(t.text.clone());
                }
            }
        }
        if grams.is_empty() {
            return None;
        }
        let mut any: Vec<Box<dyn TantivyQuery>> = Vec::with_capacity(grams.len() * 2);
        for g in &grams {
            for (field, boost) in [(f.title_ng, TITLE_BOOST), (f.body_ng, 1.0)] {
                any.push(Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, g),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost,
                )));
            }
        }
        Some(union(any))
    }

    /// Every word (`Must`) or any word (`Should`); no words: everything.
    fn words_query(
        &self,
        searcher: &Searcher,
        words: &[Word],
        occur: Occur,
    ) -> Result<Box<dyn TantivyQuery>, SearchError> {
        if words.is_empty() {
            return Ok(Box::new(AllQuery));
        }
        let mut clauses = Vec::with_capacity(words.len());
        for word in words {
            clauses.push((occur, self.word_query(searcher, word)?));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Any of the word's synonyms; or all of its parts, weighted down. A frequent word: the word
    /// and its synonyms as jieba words only (see [`FREQUENT_WORD_DOCS`]).
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &Word,
    ) -> Result<Box<dyn TantivyQuery>, SearchError> {
        let f = self.inner.fields;
        let whole = Term::from_field_text(f.description, &word.alternatives[0]);
        let title = Term::from_field_text(f.title, &word.alternatives[0]);
        let docs = searcher.doc_freq(&whole)?.max(searcher.doc_freq(&title)?);
        if docs >= self.inner.frequent_word_docs.load(Ordering::Relaxed) {
            return Ok(union(
                word.alternatives
                    .iter()
                    .map(|t| self.word_fields_query(t))
                    .collect(),
            ));
        }
        let mut alternatives: Vec<Box<dyn TantivyQuery>> = word
            .alternatives
            .iter()
            .map(|t| self.term_query(t))
            .collect();
        if !word.parts.is_empty() {
            let parts = word
                .parts
                .iter()
                .map(|p| union(p.iter().map(|t| self.term_query(t)).collect()))
                .collect();
            alternatives.push(Box::new(BoostQuery::new(
                Box::new(BooleanQuery::intersection(parts)),
                PARTS_BOOST,
            )));
        }
        Ok(union(alternatives))
    }

    /// One term (normalised) as a jieba word of the title or description.
    fn word_fields_query(&self, term: &str) -> Box<dyn TantivyQuery> {
        let f = self.inner.fields;
        let word = |field: Field| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            ))
        };
        union(vec![
            Box::new(BoostQuery::new(word(f.title), TITLE_BOOST)),
            word(f.description),
        ])
    }

    /// One term (normalised) anywhere in the title, description, owner name or IPC codes.
    fn term_query(&self, term: &str) -> Box<dyn TantivyQuery> {
        let f = self.inner.fields;
        let mut any: Vec<Box<dyn TantivyQuery>> = vec![self.word_fields_query(term)];
        for (field, boost) in [
            (f.title_ng, TITLE_NGRAM_BOOST),
            (f.body_ng, BODY_NGRAM_BOOST),
            (f.meta_ng, META_NGRAM_BOOST),
        ] {
            if let Some(q) = ngram_query(field, term) {
                any.push(Box::new(BoostQuery::new(q, boost)));
            }
        }
        union(any)
    }
}

struct Filter {
    /// The facet dimension it filters; `None` for the visibility filter, which always applies.
    dim: Option<&'static str>,
    query: Box<dyn TantivyQuery>,
}

struct Found {
    top: Vec<(f32, DocAddress)>,
    total: usize,
    /// The dimensions without a filter, which `facet_counts` counts.
    open_dims: Vec<&'static str>,
    facet_counts: FacetCounts,
}

/// One page of hits, the total, and the counts of the dimensions that have no filter set.
fn run(
    searcher: &Searcher,
    text_query: &dyn TantivyQuery,
    filters: &[Filter],
    sort: Sort,
    page: usize,
    per_page: usize,
) -> Result<Found, SearchError> {
    let q = combine(text_query, filters, None);
    let open_dims: Vec<&'static str> = DIMENSIONS
        .into_iter()
        .filter(|dim| !filters.iter().any(|f| f.dim == Some(dim)))
        .collect();
    let mut collector = FacetCollector::for_field("facets");
    for dim in &open_dims {
        collector.add_facet(Facet::from_path([*dim]));
    }
    let top_docs = TopDocs::with_limit(per_page).and_offset((page - 1) * per_page);
    let (top, total, facet_counts) = match sort {
        Sort::Relevance => searcher.search(&q, &(top_docs.order_by_score(), Count, collector))?,
        Sort::Newest => {
            let by_date = top_docs.order_by_fast_field::<i64>("published_at", Order::Desc);
            let (top, total, counts) = searcher.search(&q, &(by_date, Count, collector))?;
            // Ordered by date, a hit has no relevance score to report.
            let top = top.into_iter().map(|(_, a)| (0.0, a)).collect();
            (top, total, counts)
        }
    };
    Ok(Found {
        top,
        total,
        open_dims,
        facet_counts,
    })
}

/// The text query with every filter (except the one on `except`) as a score-free requirement.
fn combine(text: &dyn TantivyQuery, filters: &[Filter], except: Option<&str>) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(Occur::Must, text.box_clone())];
    for filter in filters
        .iter()
        .filter(|f| f.dim.is_none() || f.dim != except)
    {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter.query.box_clone(), 0.0)),
        ));
    }
    BooleanQuery::new(clauses)
}

fn union(mut queries: Vec<Box<dyn TantivyQuery>>) -> Box<dyn TantivyQuery> {
    if queries.len() == 1 {
        return queries.pop().expect("one query");
    }
    Box::new(BooleanQuery::union(queries))
}

/// A query word that is one Han character (with no synonym longer than that).
fn is_single_han(w: &Word) -> bool {
    w.alternatives.iter().all(|t| {
        let mut cs = t.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if crate::text::is_cjk(c))
    })
}

/// The term as an n-gram phrase (a substring match), or a single n-gram term.
fn ngram_query(field: Field, term: &str) -> Option<Box<dyn TantivyQuery>> {
    let mut tokens = Vec::new();
    ngrams(term, NgramMode::Query, &mut tokens);
    match tokens.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &tokens[0].text),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(
            tokens
                .iter()
                .map(|t| (t.position, Term::from_field_text(field, &t.text)))
                .collect(),
        ))),
    }
}

/// `/dim/value`, or nothing for an empty value. NUL separates a facet's levels, so it cannot be
/// part of a value.
fn facet(dim: &str, value: &str) -> Option<Facet> {
    let value = value.replace('\0', "");
    let value = value.trim();
    (!value.is_empty()).then(|| Facet::from_path([dim, value]))
}

/// A dimension's values and counts, most frequent first (ties by value).
fn facet_values(counts: &FacetCounts, dim: &str) -> Vec<(String, u64)> {
    let mut values: Vec<(String, u64)> = counts
        .get(Facet::from_path([dim]))
        .filter_map(|(facet, n)| facet.to_path().last().map(|v| (v.to_string(), n)))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_of_another_schema_is_reported_as_incompatible() {
        let dir = std::env::temp_dir().join(format!("zhiyun-search-schema-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut other = Schema::builder();
        other.add_text_field("title", tantivy::schema::TEXT);
        drop(Index::create_in_dir(&dir, other.build()).unwrap());
        let err = SearchIndex::open_or_create(&dir, Synonyms::default()).err();
        assert!(
            matches!(err, Some(SearchError::IncompatibleIndex { .. })),
            "{err:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn listing(id: i64, title: &str, description: &str) -> ListingDoc {
        ListingDoc {
            id,
            kind: "supply".into(),
            title: title.into(),
            description: description.into(),
            field: "电子信息".into(),
            modes: vec!["合作开发".into()],
            district_code: "310104".into(),
            owner_kind: "university".into(),
            owner_name: "某大学".into(),
            ipc: vec![],
            price_fen: None,
            published_at: id,
            updated_at: id,
            visible: true,
        }
    }

    /// T2 (search at a million listings): a frequent word is searched as itself only, so the
    /// long list of a word in half the corpus is not scored through its n-grams and parts.
    #[test]
    fn a_frequent_word_is_searched_as_the_word_only() {
        let index = SearchIndex::in_ram(Synonyms::default()).unwrap();
        index
            .rebuild([
                listing(1, "合作开发新型传感器", "与企业合作开发。"),
                listing(2, "传感器联合开发", "产学研合作，共同开发样机。"),
            ])
            .unwrap();
        let ids = |index: &SearchIndex| -> Vec<i64> {
            let mut ids: Vec<i64> = index
                .search_uncached(&Query::text("合作开发"))
                .unwrap()
                .hits
                .iter()
                .map(|h| h.id)
                .collect();
            ids.sort();
            ids
        };
        // Rare: the parts 合作 + 开发 also find listing 2.
        assert_eq!(ids(&index), vec![1, 2]);
        // Frequent (here: in one listing or more): only the word itself.
        index.inner.frequent_word_docs.store(1, Ordering::Relaxed);
        assert_eq!(ids(&index), vec![1]);
    }

    #[test]
    fn facet_values_cannot_hold_the_level_separator() {
        assert_eq!(
            facet("field", " 新材料 "),
            Some(Facet::from_path(["field", "新材料"]))
        );
        assert_eq!(
            facet("field", "新\0材料"),
            Some(Facet::from_path(["field", "新材料"]))
        );
        assert_eq!(facet("field", "  "), None);
    }
}
