//! Demand–supply matching (T3): for a demand, the supplies that may solve it, ranked and
//! explained; for a supply, the demands it may serve.
//!
//! SME managers write in shop-floor words (`锂电鼓包`, `叉车冬天掉电快`), supplies in patent
//! language (`锂离子电池`, `低温放电容量`). The text relevance fuses, by reciprocal rank (so no
//! signal's scale has to match another's), three rankings:
//! - BM25 over jieba words in search mode, each folded to its synonym group (`锂电`, `锂电池`,
//!   `锂离子电池` are one term), and Han bigrams weighted down;
//! - cosine over character (1–2)-gram TF-IDF vectors (sublinear tf): single characters and
//!   bigrams meet where segmentation cut the two sides differently; the text first gains the
//!   technical terms of its colloquial problem words (`掉电` → `自放电 漏电流`, from
//!   `data/problem_words.txt`, extensible by operators);
//! - the same cosine after pseudo-relevance feedback: the first ranking's best listings lend the
//!   query their n-grams, which bridges wording neither dictionary knows.
//!
//! The best text candidates are then scored by the domain's [`score_pair`] (IPC, field, modes,
//! price, district) for the reasons and the 0–100 score shown; whether that score or the text
//! alone orders them is [`Tuning::structured`], chosen by ablation on the evaluation sets. A
//! demand that names no field or IPC gets them inferred from its nearest supplies ([`infer`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jieba_rs::Jieba;
use rayon::prelude::*;
use zhiyun_domain::matching::{Neighbour, Reason, Side, TextEvidence, infer, score_pair};

use crate::chars::{
    BUILD_CHUNK, CharBm25, CharBm25Builder, CharTfIdf, CharTfIdfBuilder, TfPostings, bm25,
    normalise, top_k,
};
use crate::synonyms::Synonyms;
use crate::text::{is_cjk, is_word_char, normalize};
use crate::tokenizer::build_jieba;

/// A bigram counts this much of a word.
const GRAM_WEIGHT: f32 = 0.35;
/// Title terms count this many times.
const TITLE_REPEAT: u16 = 2;
/// Terms in more than this share of the set tell nothing and cost the most: skipped in queries.
const MAX_DF_SHARE: f64 = 0.2;
/// Text candidates scored in full per suggestion asked for (at least [`MIN_CANDIDATES`]).
const CANDIDATES_PER_RESULT: usize = 10;
const MIN_CANDIDATES: usize = 60;
/// Nearest supplies that vote on a demand's missing field and IPC.
const NEIGHBOURS: usize = 10;
/// Suggestions scoring less (0–100) are not shown.
const MIN_SCORE: f64 = 10.0;
/// Shared terms kept for the reasons.
const SHARED_TERMS: usize = 5;
/// Marks a bigram term, so it never meets a word term of the same text.
const GRAM: char = '\u{1}';

/// Words that say nothing about a technology (patent and listing boilerplate).
const STOP_WORDS: &[&str] = &[
    "一种",
    "方法",
    "及其",
    "本发明",
    "发明",
    "公开",
    "所述",
    "装置",
    "系统",
    "包括",
    "具有",
    "通过",
    "进行",
    "可以",
    "能够",
    "实现",
    "采用",
    "提供",
    "用于",
    "以及",
    "我们",
    "公司",
    "需要",
    "希望",
    "寻求",
    "目前",
    "问题",
    "技术",
    "相关",
    "其中",
    "一个",
    "以上",
    "以下",
    "左右",
    "万元",
    "合作",
    // Shop-floor and boilerplate words that name no technology.
    "设备",
    "产品",
    "方案",
    "解决",
    "解决方案",
    "客户",
    "投诉",
    "损失",
    "每月",
    "预算",
    "可谈",
    "引进",
    "高校",
    "我司",
    "显著",
    "提升",
    "适用",
    "适用于",
    "规模化",
];

/// Whether the query is a demand (looking for supplies) or a supply (looking for demands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    DemandToSupplies,
    SupplyToDemands,
}

/// One listing to match: its text and what the scorer weighs besides the text.
#[derive(Debug, Clone, Default)]
pub struct MatchItem {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub side: Side,
}

/// One ranked suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: i64,
    pub title: String,
    /// 0–100.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// A text's terms and their counts.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    words: Vec<(String, u16)>,
    grams: Vec<(String, u16)>,
}

/// What the matcher ranks by; the defaults are the measured best (`zhiyun eval matching
/// --ablation` shows what each part adds on every evaluation set).
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// BM25 over jieba words (synonyms folded) and Han bigrams.
    pub words: bool,
    /// Cosine over character (1–2)-gram TF-IDF vectors.
    pub chars: bool,
    /// BM25 over character (1–2)-grams.
    pub char_bm25: bool,
    /// Add the technical terms of colloquial problem words (`data/problem_words.txt`).
    pub bridge: bool,
    /// Pseudo-relevance feedback: the first ranking's best this many listings add their
    /// character n-grams to the query (0 = off).
    pub feedback_docs: usize,
    /// Feedback terms kept (the heaviest of the expanded query).
    pub feedback_terms: usize,
    /// Weight of the feedback centroid against the query (Rocchio β; the query is 1).
    pub feedback_weight: f32,
    /// Character n-grams in more than this share of the listings are left out of queries (they
    /// tell little and, at a million listings, cost the most).
    pub char_max_df: f64,
    /// Reciprocal-rank fusion constant: a list's rank r adds 1 / (k + r).
    pub rrf_k: f32,
    /// Order by the domain's full score (text with IPC, field, modes, price, district) rather
    /// than by the fused text rank alone.
    pub structured: bool,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            words: true,
            chars: true,
            char_bm25: true,
            bridge: true,
            feedback_docs: 3,
            feedback_terms: 80,
            feedback_weight: 0.7,
            char_max_df: 0.2,
            rrf_k: 20.0,
            structured: false,
        }
    }
}

/// The analysis shared by both sides: jieba with the synonym terms, and the synonym groups.
#[derive(Clone)]
pub struct Matcher {
    jieba: Arc<Jieba>,
    synonyms: Synonyms,
    stop_words: Arc<HashSet<&'static str>>,
    tuning: Tuning,
}

impl Matcher {
    pub fn new(synonyms: Synonyms) -> Matcher {
        Matcher::with_tuning(synonyms, Tuning::default())
    }

    pub fn with_tuning(synonyms: Synonyms, tuning: Tuning) -> Matcher {
        Matcher {
            jieba: build_jieba(synonyms.terms()),
            synonyms,
            stop_words: Arc::new(STOP_WORDS.iter().copied().collect()),
            tuning,
        }
    }

    pub fn tuning(&self) -> &Tuning {
        &self.tuning
    }

    /// The text the character n-grams are taken from: title, description and the technical
    /// terms of its colloquial words.
    pub fn char_text(&self, title: &str, description: &str) -> String {
        let mut text = format!("{title} {description}");
        if self.tuning.bridge {
            let bridged = self.synonyms.bridge(&normalize(&text)).join(" ");
            text.push(' ');
            text.push_str(&bridged);
        }
        text
    }

    /// Words (synonyms folded) and bigrams of a title and description; title terms count double.
    pub fn terms(&self, title: &str, description: &str) -> Terms {
        let mut words: HashMap<String, u16> = HashMap::new();
        let mut grams: HashMap<String, u16> = HashMap::new();
        for (text, times) in [(title, TITLE_REPEAT), (description, 1)] {
            let text = normalize(text);
            for w in self.jieba.cut_for_search(&text, false) {
                let w = w.word.trim();
                let mut chars = w.chars();
                let one_char = chars.next().is_some() && chars.next().is_none();
                if one_char || !w.chars().any(is_word_char) || self.stop_words.contains(w) {
                    continue;
                }
                let term = self.synonyms.canonical(w).unwrap_or(w);
                *words.entry(term.to_string()).or_default() += times;
            }
            let han: Vec<char> = text.chars().collect();
            for pair in han.windows(2) {
                if is_cjk(pair[0]) && is_cjk(pair[1]) {
                    let gram: String = [GRAM, pair[0], pair[1]].into_iter().collect();
                    *grams.entry(gram).or_default() += times;
                }
            }
        }
        Terms {
            words: words.into_iter().collect(),
            grams: grams.into_iter().collect(),
        }
    }

    /// Index a set of listings (the supplies a demand is matched against, or the demands).
    /// Listings are analysed [`BUILD_CHUNK`] at a time on every core and added in order, so the
    /// build holds one chunk's terms, not every listing's.
    pub fn index(&self, items: Vec<MatchItem>) -> MatchSet {
        let mut words = WordsBuilder::default();
        let mut chars = self.tuning.chars.then(|| CharTfIdf::builder(1, 2));
        // With the cosine on, its postings serve the n-gram BM25 too (one index, not two).
        let mut char_bm25 =
            (self.tuning.char_bm25 && !self.tuning.chars).then(|| CharBm25::builder(1, 2));
        let (want_tfidf, want_bm25) = (chars.is_some(), char_bm25.is_some());
        for chunk in items.chunks(BUILD_CHUNK) {
            let analysed: Vec<_> = chunk
                .par_iter()
                .map(|i| {
                    let terms = self.terms(&i.title, &i.description);
                    let text = if want_tfidf || want_bm25 {
                        self.char_text(&i.title, &i.description)
                    } else {
                        String::new()
                    };
                    let tfidf = want_tfidf.then(|| CharTfIdfBuilder::analyse(1, 2, &text));
                    let bm25 = want_bm25.then(|| CharBm25Builder::analyse(1, 2, &text));
                    (terms, tfidf, bm25)
                })
                .collect();
            for (terms, tfidf, bm25) in analysed {
                words.push(terms);
                if let (Some(b), Some(c)) = (chars.as_mut(), tfidf) {
                    b.push(c);
                }
                if let (Some(b), Some(c)) = (char_bm25.as_mut(), bm25) {
                    b.push(c);
                }
            }
        }
        MatchSet::build(
            items,
            words,
            chars.map(CharTfIdfBuilder::finish),
            char_bm25.map(CharBm25Builder::finish),
        )
    }
}

/// The word and bigram postings of a set, added one listing at a time.
#[derive(Default)]
struct WordsBuilder {
    postings: TfPostings,
    /// Per listing: (length in words, length in bigrams), title terms counted twice.
    lengths: Vec<(f32, f32)>,
}

impl WordsBuilder {
    fn push(&mut self, t: Terms) {
        let length = |t: &[(String, u16)]| t.iter().map(|(_, c)| f32::from(*c)).sum::<f32>();
        let doc = self.lengths.len() as u32;
        self.lengths.push((length(&t.words), length(&t.grams)));
        self.postings.add(
            doc,
            t.words
                .into_iter()
                .chain(t.grams)
                .map(|(term, c)| (term, u32::from(c))),
        );
    }
}

/// Listings indexed for matching: term counts, from which BM25 weights are computed as a query
/// adds them up.
pub struct MatchSet {
    items: Vec<MatchItem>,
    /// Word and bigram terms: per term, (listing, count).
    postings: TfPostings,
    /// Per term id: the term.
    names: Vec<String>,
    idf: Vec<f32>,
    /// Per term: a bigram (weighted [`GRAM_WEIGHT`], normalised by the bigram length).
    is_gram: Vec<bool>,
    /// Per listing: k1 · (1 − b + b · length / average) for its words and for its bigrams.
    length_norm: Vec<(f32, f32)>,
    by_id: HashMap<i64, u32>,
    /// Character n-gram TF-IDF of every listing (when the tuning uses it).
    chars: Option<CharTfIdf>,
    /// Character n-gram BM25 of every listing (when the tuning uses it).
    char_bm25: Option<CharBm25>,
}

impl MatchSet {
    fn build(
        items: Vec<MatchItem>,
        words: WordsBuilder,
        chars: Option<CharTfIdf>,
        char_bm25: Option<CharBm25>,
    ) -> MatchSet {
        let WordsBuilder {
            mut postings,
            lengths,
        } = words;
        postings.shrink();
        let n = items.len();
        let avg = |f: &dyn Fn(&(f32, f32)) -> f32| {
            (lengths.iter().map(f).sum::<f32>() / n.max(1) as f32).max(1.0)
        };
        let (avg_words, avg_grams) = (avg(&|l| l.0), avg(&|l| l.1));
        let length_norm = lengths
            .iter()
            .map(|&(w, g)| {
                (
                    bm25::length_norm(w, avg_words),
                    bm25::length_norm(g, avg_grams),
                )
            })
            .collect();
        let mut names = vec![String::new(); postings.terms()];
        for (term, id) in postings.dict() {
            names[id as usize] = term.to_string();
        }
        let is_gram: Vec<bool> = names.iter().map(|t| t.starts_with(GRAM)).collect();
        let idf: Vec<f32> = (0..postings.terms() as u32)
            .map(|t| bm25::idf(n, postings.df(t)))
            .collect();
        let by_id = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.id, i as u32))
            .collect();
        MatchSet {
            items,
            postings,
            names,
            idf,
            is_gram,
            length_norm,
            by_id,
            chars,
            char_bm25,
        }
    }

    /// BM25 weight of term `t` with count `tf` in listing `doc`.
    fn weight(&self, t: u32, doc: u32, tf: u8) -> f32 {
        let (words, grams) = self.length_norm[doc as usize];
        let (norm, scale) = if self.is_gram[t as usize] {
            (grams, GRAM_WEIGHT)
        } else {
            (words, 1.0)
        };
        scale * bm25::weight(self.idf[t as usize], tf, norm)
    }

    /// Approximate heap bytes of the set: (listings, word postings, char TF-IDF, char BM25).
    pub fn heap_bytes(&self) -> (usize, usize, usize, usize) {
        let items = self
            .items
            .iter()
            .map(|i| {
                std::mem::size_of::<MatchItem>()
                    + i.title.capacity()
                    + i.description.capacity()
                    + i.side.ipc.iter().map(|s| s.capacity() + 24).sum::<usize>()
                    + i.side
                        .modes
                        .iter()
                        .map(|s| s.capacity() + 24)
                        .sum::<usize>()
            })
            .sum::<usize>()
            + self.by_id.capacity() * 16;
        let words = self.postings.heap_bytes()
            + self.names.iter().map(|n| n.capacity() + 24).sum::<usize>()
            + self.idf.len() * 5
            + self.length_norm.len() * 8;
        (
            items,
            words,
            self.chars.as_ref().map_or(0, CharTfIdf::heap_bytes),
            self.char_bm25.as_ref().map_or(0, CharBm25::heap_bytes),
        )
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, id: i64) -> Option<&MatchItem> {
        self.by_id.get(&id).map(|&i| &self.items[i as usize])
    }

    /// The query's terms known to this set, without the ones in too many listings.
    fn query_terms(&self, terms: &Terms) -> Vec<u32> {
        let max_df = ((self.items.len() as f64 * MAX_DF_SHARE) as usize).max(50);
        let mut ids: Vec<u32> = terms
            .words
            .iter()
            .chain(&terms.grams)
            .filter_map(|(t, _)| self.postings.id(t))
            .filter(|&id| self.postings.df(id) <= max_df)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The best `k` listings by text alone: (index, BM25), best first.
    fn text_top(
        &self,
        query: &[u32],
        k: usize,
        skip: &dyn Fn(u32) -> bool,
        scratch: &mut Scratch,
    ) -> Vec<(u32, f32)> {
        scratch.reset(self.items.len());
        let query: Vec<(u32, f32)> = query.iter().map(|&t| (t, 1.0)).collect();
        self.postings.accumulate(
            &query,
            |t, doc, tf| self.weight(t, doc, tf),
            &mut scratch.acc,
            &mut scratch.touched,
        );
        let mut hits: Vec<(u32, f32)> = scratch
            .touched
            .iter()
            .filter(|&&d| !skip(d))
            .map(|&d| (d, scratch.acc[d as usize]))
            .collect();
        let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if hits.len() > k {
            hits.select_nth_unstable_by(k, by_score);
            hits.truncate(k);
        }
        hits.sort_unstable_by(by_score);
        hits
    }

    /// Shared word terms of a query and a listing, rarest first (the listing's words are cut
    /// again here, for the few listings shown, rather than kept for every listing).
    fn shared_terms(&self, matcher: &Matcher, query: &[u32], doc: u32) -> Vec<String> {
        let item = &self.items[doc as usize];
        let mut words: Vec<u32> = matcher
            .terms(&item.title, &item.description)
            .words
            .iter()
            .filter_map(|(t, _)| self.postings.id(t))
            .collect();
        words.sort_unstable();
        let mut shared: Vec<u32> = query
            .iter()
            .copied()
            .filter(|t| words.binary_search(t).is_ok())
            .collect();
        shared.sort_by(|a, b| self.idf[*b as usize].total_cmp(&self.idf[*a as usize]));
        let names: Vec<&str> = shared
            .iter()
            .map(|&id| self.names[id as usize].as_str())
            .collect();
        // A search-mode part inside another shared word (`耐热` in `耐热性`) says nothing more.
        names
            .iter()
            .filter(|n| !names.iter().any(|m| m.len() > n.len() && m.contains(**n)))
            .take(SHARED_TERMS)
            .map(|n| n.to_string())
            .collect()
    }

    /// BM25 alone: the ids of the best `limit` listings for a text (the evaluation's baseline).
    pub fn text_only(&self, matcher: &Matcher, query: &MatchItem, limit: usize) -> Vec<i64> {
        let terms = self.query_terms(&matcher.terms(&query.title, &query.description));
        let mut scratch = Scratch::default();
        self.text_top(&terms, limit, &|_| false, &mut scratch)
            .into_iter()
            .map(|(d, _)| self.items[d as usize].id)
            .collect()
    }

    /// The best `limit` listings of this set for `query`, scored and explained; `skip` ids are
    /// never suggested (declined pairs, the query itself).
    pub fn suggest(
        &self,
        matcher: &Matcher,
        query: &MatchItem,
        direction: Direction,
        limit: usize,
        skip: &HashSet<i64>,
    ) -> Vec<Suggestion> {
        let terms = matcher.terms(&query.title, &query.description);
        self.suggest_terms(
            matcher,
            &terms,
            query,
            direction,
            limit,
            skip,
            &mut Scratch::default(),
        )
    }

    /// The fused text ranking of a query: (listing, relevance 0–1), best first, at most
    /// `wanted` of each signal's best.
    fn text_ranking(
        &self,
        matcher: &Matcher,
        terms: &[u32],
        query: &MatchItem,
        wanted: usize,
        skip: &dyn Fn(u32) -> bool,
        scratch: &mut Scratch,
    ) -> Vec<(u32, f32)> {
        let tuning = &matcher.tuning;
        let mut lists: Vec<Vec<(u32, f32)>> = Vec::new();
        if tuning.words || self.chars.is_none() {
            lists.push(self.text_top(terms, wanted, skip, scratch));
        }
        // The text both n-gram signals read (with its problem words' technical terms), cut once.
        let char_text = if self.chars.is_some() || self.char_bm25.is_some() {
            matcher.char_text(&query.title, &query.description)
        } else {
            String::new()
        };
        if let Some(chars) = &self.chars {
            let mut q = chars.vector(&char_text);
            self.prune(chars, &mut q, tuning.char_max_df);
            let first = self.cosine_top(chars, &q, wanted, skip, scratch);
            if tuning.feedback_docs > 0 {
                let seed = fuse(
                    &[lists.first().cloned().unwrap_or_default(), first.clone()],
                    tuning.rrf_k,
                );
                let texts: Vec<String> = seed
                    .iter()
                    .take(tuning.feedback_docs)
                    .map(|&(d, _)| {
                        let item = &self.items[d as usize];
                        matcher.char_text(&item.title, &item.description)
                    })
                    .collect();
                let expanded = feedback(chars, &q, &texts, tuning);
                lists.push(first);
                let mut q2 = expanded;
                self.prune(chars, &mut q2, tuning.char_max_df);
                lists.push(self.cosine_top(chars, &q2, wanted, skip, scratch));
            } else {
                lists.push(first);
            }
        }
        let max_df = ((self.items.len() as f64 * tuning.char_max_df) as usize).max(20);
        let shared_bm25 = self.chars.as_ref().filter(|_| tuning.char_bm25);
        if shared_bm25.is_some() || self.char_bm25.is_some() {
            scratch.reset(self.items.len());
            if let Some(chars) = shared_bm25 {
                let q = chars.bm25_query(&char_text, max_df);
                chars.bm25_scores(&q, &mut scratch.acc, &mut scratch.touched);
            } else if let Some(bm25) = &self.char_bm25 {
                let q = bm25.query(&char_text, max_df);
                bm25.scores(&q, &mut scratch.acc, &mut scratch.touched);
            }
            let kept: Vec<u32> = scratch
                .touched
                .iter()
                .copied()
                .filter(|&d| !skip(d))
                .collect();
            lists.push(top_k(&scratch.acc, &kept, wanted));
        }
        if lists.len() == 1 {
            let list = lists.pop().unwrap_or_default();
            let best = list.first().map(|h| h.1).unwrap_or(1.0).max(1e-9);
            return list.into_iter().map(|(d, s)| (d, s / best)).collect();
        }
        // The order is the fused ranks'; the relevance (for the score shown, the threshold and
        // the inference) keeps the magnitudes: the mean over the signals of the listing's score
        // relative to that signal's best (0 where it is not among a signal's best).
        let mut strength: HashMap<u32, f32> = HashMap::new();
        for list in &lists {
            let best = list.first().map(|h| h.1).unwrap_or(1.0).max(1e-9);
            for &(d, s) in list {
                *strength.entry(d).or_default() += s / best / lists.len() as f32;
            }
        }
        fuse(&lists, tuning.rrf_k)
            .into_iter()
            .map(|(d, _)| (d, strength.get(&d).copied().unwrap_or_default()))
            .collect()
    }

    /// Drop the query terms in too many listings (they cost the most and tell little).
    fn prune(&self, chars: &CharTfIdf, q: &mut Vec<(u32, f32)>, share: f64) {
        let max_df = ((chars.len() as f64 * share) as usize).max(20);
        q.retain(|&(t, _)| chars.df(t) <= max_df);
    }

    fn cosine_top(
        &self,
        chars: &CharTfIdf,
        q: &[(u32, f32)],
        k: usize,
        skip: &dyn Fn(u32) -> bool,
        scratch: &mut Scratch,
    ) -> Vec<(u32, f32)> {
        scratch.reset(self.items.len());
        chars.scores(q, &mut scratch.acc, &mut scratch.touched);
        // Skipped listings stay in `touched`, so the next reset clears their sums too.
        let kept: Vec<u32> = scratch
            .touched
            .iter()
            .copied()
            .filter(|&d| !skip(d))
            .collect();
        top_k(&scratch.acc, &kept, k)
    }

    #[allow(clippy::too_many_arguments)]
    fn suggest_terms(
        &self,
        matcher: &Matcher,
        terms: &Terms,
        query: &MatchItem,
        direction: Direction,
        limit: usize,
        skip: &HashSet<i64>,
        scratch: &mut Scratch,
    ) -> Vec<Suggestion> {
        let terms = self.query_terms(terms);
        let wanted = (limit * CANDIDATES_PER_RESULT).max(MIN_CANDIDATES);
        let skip_doc = |d: u32| skip.contains(&self.items[d as usize].id);
        let candidates = self.text_ranking(matcher, &terms, query, wanted, &skip_doc, scratch);
        if candidates.is_empty() {
            return Vec::new();
        }
        let best = candidates
            .iter()
            .map(|c| c.1)
            .fold(f32::MIN_POSITIVE, f32::max);
        let mut side = query.side.clone();
        if direction == Direction::DemandToSupplies && (side.field.is_none() || side.ipc.is_empty())
        {
            let neighbours: Vec<Neighbour> = candidates
                .iter()
                .take(NEIGHBOURS)
                .map(|&(d, s)| {
                    let item = &self.items[d as usize];
                    Neighbour {
                        relevance: f64::from(s / best),
                        field: item.side.field.as_deref(),
                        ipc: &item.side.ipc,
                    }
                })
                .collect();
            let inferred = infer(&neighbours);
            if side.field.is_none() && inferred.field.is_some() {
                side.field = inferred.field;
                side.field_inferred = true;
            }
            if side.ipc.is_empty() && !inferred.ipc_subclasses.is_empty() {
                side.ipc = inferred.ipc_subclasses;
                side.ipc_inferred = true;
            }
        }
        let mut scored: Vec<(u32, zhiyun_domain::matching::Scored)> = candidates
            .iter()
            .map(|&(d, s)| {
                let item = &self.items[d as usize];
                // Shared terms only name reasons; they do not change the score.
                let text = TextEvidence {
                    relevance: f64::from(s / best),
                    shared_terms: Vec::new(),
                };
                let scored = match direction {
                    Direction::DemandToSupplies => score_pair(&side, &item.side, &text),
                    Direction::SupplyToDemands => score_pair(&item.side, &side, &text),
                };
                (d, scored)
            })
            .collect();
        if !matcher.tuning.structured {
            // The text decides the order; the score shown still weighs the rest.
            let rank: HashMap<u32, usize> = candidates
                .iter()
                .enumerate()
                .map(|(r, &(d, _))| (d, r))
                .collect();
            scored.sort_by_key(|(d, _)| rank[d]);
        } else {
            scored.sort_by(|a, b| {
                b.1.score.total_cmp(&a.1.score).then(
                    self.items[a.0 as usize]
                        .id
                        .cmp(&self.items[b.0 as usize].id),
                )
            });
        }
        scored.truncate(limit);
        // A pair below this shares little more than a district or a mode: not worth a meeting.
        scored.retain(|(_, s)| s.score >= MIN_SCORE);
        scored
            .into_iter()
            .map(|(d, mut scored)| {
                let item = &self.items[d as usize];
                let shared = self.shared_terms(matcher, &terms, d);
                if !shared.is_empty() {
                    scored
                        .reasons
                        .insert(0, Reason::SharedTerms { terms: shared });
                }
                Suggestion {
                    id: item.id,
                    title: item.title.clone(),
                    score: scored.score,
                    reasons: scored.reasons,
                }
            })
            .collect()
    }

    /// Suggestions for many queries at once, on every core.
    pub fn suggest_all(
        &self,
        matcher: &Matcher,
        queries: &[MatchItem],
        direction: Direction,
        limit: usize,
    ) -> Vec<Vec<Suggestion>> {
        let none = HashSet::new();
        queries
            .par_iter()
            .map_init(Scratch::default, |scratch, q| {
                let terms = matcher.terms(&q.title, &q.description);
                self.suggest_terms(matcher, &terms, q, direction, limit, &none, scratch)
            })
            .collect()
    }
}

/// Reciprocal-rank fusion of ranked lists: (listing, relevance 0–1 relative to the best), best
/// first.
fn fuse(lists: &[Vec<(u32, f32)>], k: f32) -> Vec<(u32, f32)> {
    let mut fused: HashMap<u32, f32> = HashMap::new();
    for list in lists {
        for (rank, &(d, _)) in list.iter().enumerate() {
            *fused.entry(d).or_default() += 1.0 / (k + rank as f32 + 1.0);
        }
    }
    let mut out: Vec<(u32, f32)> = fused.into_iter().collect();
    out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let best = out.first().map(|h| h.1).unwrap_or(1.0).max(1e-9);
    for h in &mut out {
        h.1 /= best;
    }
    out
}

/// Rocchio feedback: the query plus `feedback_weight` times the centroid of the vectors of the
/// best listings' texts, cut to the heaviest `feedback_terms`, unit length.
fn feedback(
    chars: &CharTfIdf,
    q: &[(u32, f32)],
    texts: &[String],
    tuning: &Tuning,
) -> Vec<(u32, f32)> {
    let mut v: HashMap<u32, f32> = q.iter().copied().collect();
    if texts.is_empty() {
        return q.to_vec();
    }
    let share = tuning.feedback_weight / texts.len() as f32;
    for text in texts {
        for (t, w) in chars.vector(text) {
            *v.entry(t).or_default() += share * w;
        }
    }
    let mut out: Vec<(u32, f32)> = v.into_iter().collect();
    out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(tuning.feedback_terms.max(q.len()));
    normalise(&mut out);
    out
}

/// The score accumulator, reused across queries.
#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn reset(&mut self, n: usize) {
        if self.acc.len() != n {
            self.acc = vec![0.0; n];
        } else {
            for &d in &self.touched {
                self.acc[d as usize] = 0.0;
            }
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, title: &str, description: &str, field: &str, ipc: &[&str]) -> MatchItem {
        MatchItem {
            id,
            title: title.into(),
            description: description.into(),
            side: Side {
                field: (!field.is_empty()).then(|| field.to_string()),
                ipc: ipc.iter().map(|s| s.to_string()).collect(),
                modes: vec!["转让".into()],
                ..Side::default()
            },
        }
    }

    fn supplies() -> Vec<MatchItem> {
        vec![
            item(
                1,
                "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
                "在聚乙烯基膜表面涂覆氧化铝陶瓷层，提高隔膜耐热性，降低电池热失控和鼓包风险。",
                "新能源与节能",
                &["H01M 50/40"],
            ),
            item(
                2,
                "一种废旧锂离子电池正极材料回收方法",
                "通过湿法冶金回收钴、镍、锂，回收率高于95%。",
                "资源与环境",
                &["H01M 10/54"],
            ),
            item(
                3,
                "基于深度学习的带钢表面缺陷在线检测方法",
                "利用工业相机采集图像，卷积神经网络识别划痕、辊印等缺陷，替代人工目检。",
                "电子信息",
                &["G06T 7/00"],
            ),
            item(
                4,
                "一种自动导引车的激光导航定位方法",
                "激光雷达与二维码融合定位，定位精度±5毫米，适用于仓储物流搬运。",
                "先进制造与自动化",
                &["G05D 1/02"],
            ),
        ]
    }

    fn matcher() -> Matcher {
        Matcher::new(Synonyms::builtin())
    }

    /// T3: shop-floor words meet patent words through synonyms and bigrams.
    #[test]
    fn shop_floor_demands_find_patent_supplies() {
        let m = matcher();
        let set = m.index(supplies());
        let demand = item(
            100,
            "锂电池鼓包客诉多",
            "我们做锂电 pack，夏天电池鼓包、起火投诉多，想改进隔膜耐热。",
            "",
            &[],
        );
        let top = set.suggest(&m, &demand, Direction::DemandToSupplies, 3, &HashSet::new());
        assert_eq!(top[0].id, 1, "{top:?}");
        let why: Vec<String> = top[0].reasons.iter().map(Reason::text).collect();
        assert!(why[0].starts_with("共同关键词："), "{why:?}");
        assert!(why[0].contains("隔膜"), "{why:?}");
        let agv = item(
            101,
            "AGV 定位不准",
            "仓库里 AGV 小车经常停不准，偏差大。",
            "",
            &[],
        );
        let top = set.suggest(&m, &agv, Direction::DemandToSupplies, 3, &HashSet::new());
        assert_eq!(top[0].id, 4, "{top:?}");
        let inspection = item(
            102,
            "产线人工目检漏检严重",
            "钢板表面划痕靠人工看，漏检多。",
            "",
            &[],
        );
        let top = set.suggest(
            &m,
            &inspection,
            Direction::DemandToSupplies,
            3,
            &HashSet::new(),
        );
        assert_eq!(top[0].id, 3, "{top:?}");
    }

    /// T3: a skipped (declined) supply is never suggested; the other direction works too.
    #[test]
    fn declined_pairs_are_skipped_and_supplies_find_demands() {
        let m = matcher();
        let set = m.index(supplies());
        let demand = item(100, "锂电池隔膜耐热性差", "隔膜受热收缩导致短路。", "", &[]);
        let skip: HashSet<i64> = [1].into();
        let top = set.suggest(&m, &demand, Direction::DemandToSupplies, 3, &skip);
        assert!(top.iter().all(|s| s.id != 1), "{top:?}");
        let demands = m.index(vec![
            item(
                200,
                "锂电池隔膜耐热性差",
                "隔膜受热收缩导致短路。",
                "新能源与节能",
                &[],
            ),
            item(201, "仓储搬运自动化改造", "想用 AGV 替代叉车。", "", &[]),
        ]);
        let supply = &supplies()[0];
        let top = demands.suggest(&m, supply, Direction::SupplyToDemands, 2, &HashSet::new());
        assert_eq!(top[0].id, 200, "{top:?}");
        assert!(top[0].reasons.contains(&Reason::SameField {
            field: "新能源与节能".into(),
            inferred: false
        }));
    }

    /// T3: a demand without field or IPC has them inferred from its nearest supplies.
    #[test]
    fn missing_field_and_ipc_are_inferred() {
        let m = matcher();
        let mut list = supplies();
        list.push(item(
            5,
            "一种高耐热锂电池隔膜",
            "芳纶涂覆隔膜，热收缩率低。",
            "新能源与节能",
            &["H01M 50/44"],
        ));
        let set = m.index(list);
        let demand = item(100, "锂电池隔膜耐热性差", "隔膜受热收缩。", "", &[]);
        let top = set.suggest(&m, &demand, Direction::DemandToSupplies, 2, &HashSet::new());
        let reasons: Vec<String> = top[0].reasons.iter().map(Reason::text).collect();
        assert!(
            reasons.contains(&"IPC 同小类 H01M（据文本推断）".to_string()),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&"技术领域相同：新能源与节能（据文本推断）".to_string()),
            "{reasons:?}"
        );
    }

    /// T3: a pair that shares little text and nothing else scores well below one that solves
    /// the demand, though BM25 alone finds it too.
    #[test]
    fn weak_pairs_are_not_suggested() {
        let m = matcher();
        let mut weak = item(
            2,
            "一种城市污水处理用曝气装置",
            "曝气头防堵塞，适用于污水厂，兼顾隔膜曝气。",
            "资源与环境",
            &["C02F 3/20"],
        );
        weak.side.modes = vec!["技术服务".into()];
        weak.side.district_code = Some("310115".into());
        let set = m.index(vec![supplies().remove(0), weak]);
        let demand = MatchItem {
            side: Side {
                modes: vec!["转让".into()],
                price: None,
                district_code: Some("310104".into()),
                ..Side::default()
            },
            ..item(
                100,
                "锂离子电池陶瓷涂覆隔膜耐热性差",
                "锂离子电池隔膜受热收缩导致短路，想要陶瓷涂覆隔膜。",
                "",
                &[],
            )
        };
        assert!(
            set.text_only(&m, &demand, 5).contains(&2),
            "a text candidate"
        );
        let top = set.suggest(&m, &demand, Direction::DemandToSupplies, 5, &HashSet::new());
        // Issue 17: the character n-gram signals see the shared 隔膜 too, so the weak pair may
        // pass the threshold now; it stays well below the pair that solves the demand.
        assert_eq!(top[0].id, 1, "{top:?}");
        assert!(
            top.iter()
                .skip(1)
                .all(|s| s.id == 2 && s.score < top[0].score * 0.8),
            "{top:?}"
        );
    }

    /// T3: words that name no technology (设备, 客户, 投诉) never appear as shared key terms.
    #[test]
    fn boilerplate_words_are_not_key_terms() {
        let m = matcher();
        let set = m.index(vec![item(
            1,
            "一种锂电池隔膜涂覆设备",
            "设备用于隔膜涂覆，客户投诉少。",
            "新能源与节能",
            &[],
        )]);
        let demand = item(
            100,
            "隔膜涂覆设备老化",
            "设备老化，客户投诉多，隔膜涂覆不均。",
            "",
            &[],
        );
        let top = set.suggest(&m, &demand, Direction::DemandToSupplies, 1, &HashSet::new());
        let Some(Reason::SharedTerms { terms }) = top[0].reasons.first() else {
            panic!("{top:?}");
        };
        assert!(terms.iter().any(|t| t.contains("隔膜")), "{terms:?}");
        for word in ["设备", "客户", "投诉"] {
            assert!(!terms.iter().any(|t| t == word), "{terms:?}");
        }
    }
}
