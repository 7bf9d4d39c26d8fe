//! Character n-gram indexes: the signal that holds between shop-floor wording and patent
//! language when word segmentation does not (`掉电快` and `低温放电容量` share `电`, `放电`).
//!
//! - [`CharTfIdf`]: cosine over character n-gram TF-IDF vectors with sublinear tf and smoothed
//!   idf, n-grams taken inside whitespace-separated chunks padded with a space (scikit-learn's
//!   `TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), sublinear_tf=True)`). It is the
//!   evaluation's first baseline and a signal of the full matcher.
//! - [`CharBm25`]: BM25 over character n-grams of letters, digits and Han characters (the second
//!   baseline).
//!
//! Both precompute one weight per posting, so a query only adds weights.

use std::collections::HashMap;

use crate::text::{is_word_char, normalize};

/// The character n-grams of a text as scikit-learn's `char_wb` analyser cuts them (orders
/// `min..=max`), after the search's normalisation (width, case).
pub fn char_wb_grams(text: &str, min: usize, max: usize) -> Vec<String> {
    let text = normalize(text);
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in min..=max {
            if n > padded.len() {
                break;
            }
            for window in padded.windows(n) {
                out.push(window.iter().collect());
            }
        }
    }
    out
}

/// Character n-grams (orders `min..=max`) of the runs of letters, digits and Han characters.
pub fn word_char_grams(text: &str, min: usize, max: usize) -> Vec<String> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for run in chars.split(|c| !is_word_char(*c)).filter(|r| !r.is_empty()) {
        for n in min..=max {
            for window in run.windows(n) {
                out.push(window.iter().collect());
            }
        }
    }
    out
}

/// Each n-gram of `grams` with its count.
pub fn counts(grams: Vec<String>) -> HashMap<String, u32> {
    let mut c: HashMap<String, u32> = HashMap::new();
    for g in grams {
        *c.entry(g).or_default() += 1;
    }
    c
}

/// A term dictionary and, per term, the documents holding it with the term's count there (at
/// most 255). Weights are computed from the counts when a query adds them up, so a posting costs
/// 5 bytes rather than 8 for a stored (document, weight), and nothing else is kept per posting.
#[derive(Default)]
pub(crate) struct TfPostings {
    dict: HashMap<String, u32>,
    docs: Vec<Vec<u32>>,
    tfs: Vec<Vec<u8>>,
}

impl TfPostings {
    /// Add document `doc`'s terms (documents are added in order).
    pub(crate) fn add(&mut self, doc: u32, terms: impl IntoIterator<Item = (String, u32)>) {
        for (term, tf) in terms {
            let next = self.docs.len() as u32;
            let id = *self.dict.entry(term).or_insert(next);
            if id == next {
                self.docs.push(Vec::new());
                self.tfs.push(Vec::new());
            }
            self.docs[id as usize].push(doc);
            self.tfs[id as usize].push(tf.min(255) as u8);
        }
    }

    /// Trim each list's spare capacity once every document is in.
    pub(crate) fn shrink(&mut self) {
        for (d, t) in self.docs.iter_mut().zip(self.tfs.iter_mut()) {
            d.shrink_to_fit();
            t.shrink_to_fit();
        }
        self.dict.shrink_to_fit();
    }

    pub(crate) fn id(&self, term: &str) -> Option<u32> {
        self.dict.get(term).copied()
    }

    pub(crate) fn terms(&self) -> usize {
        self.docs.len()
    }

    /// The number of documents holding term `t`.
    pub(crate) fn df(&self, t: u32) -> usize {
        self.docs[t as usize].len()
    }

    /// Every term with its id (in no order).
    pub(crate) fn dict(&self) -> impl Iterator<Item = (&str, u32)> {
        self.dict.iter().map(|(t, &id)| (t.as_str(), id))
    }

    /// The distinct `grams` this index knows, each with weight 1, without those in more than
    /// `max_df` documents (a BM25 query).
    pub(crate) fn flat_query(&self, grams: Vec<String>, max_df: usize) -> Vec<(u32, f32)> {
        counts(grams)
            .into_keys()
            .filter_map(|g| self.id(&g).map(|t| (t, 1.0)))
            .filter(|&(t, _)| self.df(t) <= max_df)
            .collect()
    }

    /// The (document, count) pairs of term `t`.
    pub(crate) fn list(&self, t: u32) -> impl Iterator<Item = (u32, u8)> + '_ {
        self.docs[t as usize]
            .iter()
            .copied()
            .zip(self.tfs[t as usize].iter().copied())
    }

    /// Add `qw · weight(t, doc, tf)` to each document of each query term; `touched` gets each
    /// document the first time its sum leaves 0.
    pub(crate) fn accumulate(
        &self,
        query: &[(u32, f32)],
        weight: impl Fn(u32, u32, u8) -> f32,
        acc: &mut [f32],
        touched: &mut Vec<u32>,
    ) {
        for &(t, qw) in query {
            for (doc, tf) in self.list(t) {
                let a = &mut acc[doc as usize];
                if *a == 0.0 {
                    touched.push(doc);
                }
                *a += qw * weight(t, doc, tf);
            }
        }
    }

    /// Approximate heap bytes (the evaluation's and the bench's memory breakdown).
    pub(crate) fn heap_bytes(&self) -> usize {
        let lists: usize = self
            .docs
            .iter()
            .zip(&self.tfs)
            .map(|(d, t)| d.capacity() * 4 + t.capacity() + 48)
            .sum();
        lists + self.dict.capacity() * 40 + self.dict.keys().map(String::capacity).sum::<usize>()
    }
}

/// The best `k` of accumulated scores, best first (ties by document order).
pub(crate) fn top_k(acc: &[f32], touched: &[u32], k: usize) -> Vec<(u32, f32)> {
    let mut hits: Vec<(u32, f32)> = touched
        .iter()
        .map(|&d| (d, acc[d as usize]))
        .filter(|h| h.1 > 0.0)
        .collect();
    let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if hits.len() > k {
        hits.select_nth_unstable_by(k, by_score);
        hits.truncate(k);
    }
    hits.sort_unstable_by(by_score);
    hits
}

/// `1 + ln tf` for every count a posting can hold.
fn sublinear_table() -> [f32; 256] {
    let mut t = [0.0; 256];
    for (tf, v) in t.iter_mut().enumerate().skip(1) {
        *v = 1.0 + (tf as f32).ln();
    }
    t
}

fn sublinear(tf: u32) -> f32 {
    1.0 + (tf as f32).ln()
}

/// Documents are analysed this many at a time (in parallel), then added in order: a build never
/// holds every document's n-gram counts at once.
pub const BUILD_CHUNK: usize = 8192;

/// BM25 (k1 = 1.2, b = 0.75): the one formula every BM25 of this crate computes.
pub(crate) mod bm25 {
    pub const K1: f32 = 1.2;
    pub const B: f32 = 0.75;

    /// The idf of a term in `df` of `n` documents.
    pub fn idf(n: usize, df: usize) -> f32 {
        (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
    }

    /// k1 · (1 − b + b · length / average length): a document's part of the denominator.
    pub fn length_norm(length: f32, average: f32) -> f32 {
        K1 * (1.0 - B + B * length / average)
    }

    /// A term's weight in a document from its count there.
    pub fn weight(idf: f32, tf: u8, length_norm: f32) -> f32 {
        let tf = f32::from(tf);
        idf * tf * (K1 + 1.0) / (tf + length_norm)
    }
}

/// BM25 weights over a [`TfPostings`]: per term its idf, per document its length norm.
struct Bm25Weights {
    idf: Vec<f32>,
    length_norm: Vec<f32>,
}

impl Bm25Weights {
    /// `lengths`: per document, the sum of its counts.
    fn new(postings: &TfPostings, lengths: &[u32]) -> Bm25Weights {
        let n = lengths.len();
        let avg =
            (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / n.max(1) as f64).max(1.0) as f32;
        Bm25Weights {
            idf: (0..postings.terms() as u32)
                .map(|t| bm25::idf(n, postings.df(t)))
                .collect(),
            length_norm: lengths
                .iter()
                .map(|&l| bm25::length_norm(l as f32, avg))
                .collect(),
        }
    }

    fn weight(&self, t: u32, doc: u32, tf: u8) -> f32 {
        bm25::weight(self.idf[t as usize], tf, self.length_norm[doc as usize])
    }

    fn heap_bytes(&self) -> usize {
        (self.idf.len() + self.length_norm.len()) * 4
    }
}

/// Cosine over character (`min..=max`)-gram TF-IDF vectors (sublinear tf, smoothed idf, L2).
pub struct CharTfIdf {
    min: usize,
    max: usize,
    n: usize,
    postings: TfPostings,
    idf: Vec<f32>,
    /// Per document: 1 / the length of its tf-idf vector.
    inv_norm: Vec<f32>,
    sublinear: [f32; 256],
    /// BM25 over the same postings ([`CharTfIdf::bm25_scores`]).
    bm25: Bm25Weights,
}

/// Adds documents one at a time; [`CharTfIdfBuilder::finish`] computes idf and lengths.
pub struct CharTfIdfBuilder {
    min: usize,
    max: usize,
    postings: TfPostings,
    /// Per document: the sum of its counts (for BM25).
    lengths: Vec<u32>,
}

impl CharTfIdfBuilder {
    /// The n-gram counts of a text as this index cuts them (free of the builder: run it on
    /// every core, then [`CharTfIdfBuilder::push`] in order).
    pub fn analyse(min: usize, max: usize, text: &str) -> HashMap<String, u32> {
        counts(char_wb_grams(text, min, max))
    }

    pub fn push(&mut self, counts: HashMap<String, u32>) {
        let doc = self.lengths.len() as u32;
        self.lengths.push(counts.values().sum());
        self.postings.add(doc, counts);
    }

    pub fn finish(mut self) -> CharTfIdf {
        self.postings.shrink();
        let n = self.lengths.len();
        let idf: Vec<f32> = (0..self.postings.terms() as u32)
            .map(|t| ((1.0 + n as f32) / (1.0 + self.postings.df(t) as f32)).ln() + 1.0)
            .collect();
        let sublinear = sublinear_table();
        let mut norm2 = vec![0.0f32; n];
        for (t, &idf_t) in idf.iter().enumerate() {
            for (doc, tf) in self.postings.list(t as u32) {
                let w = sublinear[tf as usize] * idf_t;
                norm2[doc as usize] += w * w;
            }
        }
        let inv_norm = norm2
            .into_iter()
            .map(|s| 1.0 / s.sqrt().max(1e-9))
            .collect();
        let bm25 = Bm25Weights::new(&self.postings, &self.lengths);
        CharTfIdf {
            bm25,
            min: self.min,
            max: self.max,
            n,
            postings: self.postings,
            idf,
            inv_norm,
            sublinear,
        }
    }
}

impl CharTfIdf {
    pub fn builder(min: usize, max: usize) -> CharTfIdfBuilder {
        CharTfIdfBuilder {
            min,
            max,
            postings: TfPostings::default(),
            lengths: Vec::new(),
        }
    }

    /// Index `texts` (document `i` is the `i`-th).
    pub fn build(texts: &[String], min: usize, max: usize) -> CharTfIdf {
        use rayon::prelude::*;
        let mut b = CharTfIdf::builder(min, max);
        for chunk in texts.chunks(BUILD_CHUNK) {
            let counted: Vec<_> = chunk
                .par_iter()
                .map(|t| CharTfIdfBuilder::analyse(min, max, t))
                .collect();
            counted.into_iter().for_each(|c| b.push(c));
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// A text's normalised vector over the terms this index knows.
    pub fn vector(&self, text: &str) -> Vec<(u32, f32)> {
        let mut v: Vec<(u32, f32)> = counts(char_wb_grams(text, self.min, self.max))
            .into_iter()
            .filter_map(|(g, tf)| {
                let t = self.postings.id(&g)?;
                Some((t, sublinear(tf) * self.idf[t as usize]))
            })
            .collect();
        normalise(&mut v);
        v.sort_unstable_by_key(|(t, _)| *t);
        v
    }

    /// Cosine of `query` (a normalised vector) with every document it touches, accumulated into
    /// `acc` (zeroed, one slot per document); returns the touched documents.
    pub fn scores(&self, query: &[(u32, f32)], acc: &mut [f32], touched: &mut Vec<u32>) {
        self.postings.accumulate(
            query,
            |t, doc, tf| {
                self.sublinear[tf as usize] * self.idf[t as usize] * self.inv_norm[doc as usize]
            },
            acc,
            touched,
        );
    }

    /// The best `k` documents for a text: (document, cosine), best first.
    pub fn top(&self, text: &str, k: usize) -> Vec<(u32, f32)> {
        let mut acc = vec![0.0; self.n];
        let mut touched = Vec::new();
        self.scores(&self.vector(text), &mut acc, &mut touched);
        top_k(&acc, &touched, k)
    }

    /// The number of documents a term is in.
    pub fn df(&self, term: u32) -> usize {
        self.postings.df(term)
    }

    /// A text's n-grams this index knows (each once, weight 1), without those in more than
    /// `max_df` documents: a query for [`CharTfIdf::bm25_scores`].
    pub fn bm25_query(&self, text: &str, max_df: usize) -> Vec<(u32, f32)> {
        self.postings
            .flat_query(char_wb_grams(text, self.min, self.max), max_df)
    }

    /// BM25 over the same n-gram postings as the cosine (one index serves both signals).
    pub fn bm25_scores(&self, query: &[(u32, f32)], acc: &mut [f32], touched: &mut Vec<u32>) {
        self.postings.accumulate(
            query,
            |t, doc, tf| self.bm25.weight(t, doc, tf),
            acc,
            touched,
        );
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.postings.heap_bytes()
            + self.idf.len() * 4
            + self.inv_norm.len() * 4
            + self.bm25.heap_bytes()
    }
}

/// Scale a sparse vector to unit length.
pub fn normalise(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

/// BM25 over character (`min..=max`)-grams of letters, digits and Han characters.
pub struct CharBm25 {
    min: usize,
    max: usize,
    n: usize,
    postings: TfPostings,
    weights: Bm25Weights,
}

/// Adds documents one at a time; [`CharBm25Builder::finish`] computes idf and length norms.
pub struct CharBm25Builder {
    min: usize,
    max: usize,
    postings: TfPostings,
    lengths: Vec<u32>,
}

impl CharBm25Builder {
    pub fn analyse(min: usize, max: usize, text: &str) -> HashMap<String, u32> {
        counts(word_char_grams(text, min, max))
    }

    pub fn push(&mut self, counts: HashMap<String, u32>) {
        let doc = self.lengths.len() as u32;
        self.lengths.push(counts.values().sum());
        self.postings.add(doc, counts);
    }

    pub fn finish(mut self) -> CharBm25 {
        self.postings.shrink();
        CharBm25 {
            min: self.min,
            max: self.max,
            n: self.lengths.len(),
            weights: Bm25Weights::new(&self.postings, &self.lengths),
            postings: self.postings,
        }
    }
}

impl CharBm25 {
    pub fn builder(min: usize, max: usize) -> CharBm25Builder {
        CharBm25Builder {
            min,
            max,
            postings: TfPostings::default(),
            lengths: Vec::new(),
        }
    }

    pub fn build(texts: &[String], min: usize, max: usize) -> CharBm25 {
        use rayon::prelude::*;
        let mut b = CharBm25::builder(min, max);
        for chunk in texts.chunks(BUILD_CHUNK) {
            let counted: Vec<_> = chunk
                .par_iter()
                .map(|t| CharBm25Builder::analyse(min, max, t))
                .collect();
            counted.into_iter().for_each(|c| b.push(c));
        }
        b.finish()
    }

    /// A text's n-grams this index knows (each once, weight 1), without those in more than
    /// `max_df` documents.
    pub fn query(&self, text: &str, max_df: usize) -> Vec<(u32, f32)> {
        self.postings
            .flat_query(word_char_grams(text, self.min, self.max), max_df)
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// BM25 of `query` with every document it touches, accumulated into `acc` (zeroed, one slot
    /// per document).
    pub fn scores(&self, query: &[(u32, f32)], acc: &mut [f32], touched: &mut Vec<u32>) {
        self.postings.accumulate(
            query,
            |t, doc, tf| self.weights.weight(t, doc, tf),
            acc,
            touched,
        );
    }

    /// The best `k` documents for a text: (document, BM25), best first.
    pub fn top(&self, text: &str, k: usize) -> Vec<(u32, f32)> {
        let query = self.query(text, usize::MAX);
        let mut acc = vec![0.0; self.n];
        let mut touched = Vec::new();
        self.scores(&query, &mut acc, &mut touched);
        top_k(&acc, &touched, k)
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.postings.heap_bytes() + self.weights.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_cut_as_char_wb_does() {
        assert_eq!(
            char_wb_grams("AB 掉电", 1, 2),
            vec![
                " ", "a", "b", " ", " a", "ab", "b ", " ", "掉", "电", " ", " 掉", "掉电", "电 "
            ]
        );
        assert_eq!(word_char_grams("掉电，AB", 2, 2), vec!["掉电", "ab"]);
    }

    #[test]
    fn cosine_and_bm25_find_the_text_that_shares_most() {
        let texts: Vec<String> = [
            "锂离子电池低温放电容量保持",
            "焊缝跟踪激光视觉传感器",
            "污水处理曝气",
        ]
        .map(String::from)
        .to_vec();
        let tfidf = CharTfIdf::build(&texts, 1, 2);
        let top = tfidf.top("叉车电池冬天放电快", 3);
        assert_eq!(top[0].0, 0);
        assert!(top[0].1 > 0.0 && top[0].1 <= 1.0 + 1e-5);
        let bm25 = CharBm25::build(&texts, 1, 2);
        assert_eq!(bm25.top("焊接跟踪", 3)[0].0, 1);
        // A stored document's own vector scores 1 against it (weights computed from the counts).
        let own = tfidf.vector(&texts[1]);
        let mut acc = vec![0.0; 3];
        let mut touched = Vec::new();
        tfidf.scores(&own, &mut acc, &mut touched);
        assert!((acc[1] - 1.0).abs() < 1e-4, "{acc:?}");
    }
}
