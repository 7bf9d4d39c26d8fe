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

fn counts(grams: Vec<String>) -> HashMap<String, u32> {
    let mut c: HashMap<String, u32> = HashMap::new();
    for g in grams {
        *c.entry(g).or_default() += 1;
    }
    c
}

/// A term dictionary and postings of precomputed weights.
#[derive(Default)]
struct Postings {
    dict: HashMap<String, u32>,
    lists: Vec<Vec<(u32, f32)>>,
}

impl Postings {
    fn id(&mut self, term: String) -> u32 {
        let next = self.lists.len() as u32;
        *self.dict.entry(term).or_insert(next)
    }

    /// Sum of weights per document over `query` (term, query weight); the touched documents.
    fn accumulate(&self, query: &[(u32, f32)], acc: &mut [f32], touched: &mut Vec<u32>) {
        for &(t, qw) in query {
            for &(doc, w) in &self.lists[t as usize] {
                let a = &mut acc[doc as usize];
                if *a == 0.0 {
                    touched.push(doc);
                }
                *a += qw * w;
            }
        }
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

/// Cosine over character (`min..=max`)-gram TF-IDF vectors (sublinear tf, smoothed idf, L2).
pub struct CharTfIdf {
    min: usize,
    max: usize,
    n: usize,
    postings: Postings,
    idf: Vec<f32>,
    /// Per document: its normalised vector (for pseudo-relevance feedback), when kept.
    vectors: Option<Vec<Vec<(u32, f32)>>>,
}

fn sublinear(tf: u32) -> f32 {
    1.0 + (tf as f32).ln()
}

impl CharTfIdf {
    /// Index `texts` (document `i` is the `i`-th); `keep_vectors` keeps each document's vector
    /// for feedback.
    pub fn build(texts: &[String], min: usize, max: usize, keep_vectors: bool) -> CharTfIdf {
        let docs: Vec<HashMap<String, u32>> = texts
            .iter()
            .map(|t| counts(char_wb_grams(t, min, max)))
            .collect();
        let mut postings = Postings::default();
        let mut df: Vec<u32> = Vec::new();
        let mut raw: Vec<Vec<(u32, f32)>> = Vec::with_capacity(docs.len());
        for c in docs {
            let mut v = Vec::with_capacity(c.len());
            for (g, tf) in c {
                let id = postings.id(g);
                if id as usize == df.len() {
                    df.push(0);
                    postings.lists.push(Vec::new());
                }
                df[id as usize] += 1;
                v.push((id, sublinear(tf)));
            }
            raw.push(v);
        }
        let n = raw.len();
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + n as f32) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let mut vectors = keep_vectors.then(|| Vec::with_capacity(n));
        for (doc, mut v) in raw.into_iter().enumerate() {
            for (t, w) in v.iter_mut() {
                *w *= idf[*t as usize];
            }
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(1e-9);
            for (t, w) in v.iter_mut() {
                *w /= norm;
                postings.lists[*t as usize].push((doc as u32, *w));
            }
            if let Some(vs) = vectors.as_mut() {
                v.sort_unstable_by_key(|(t, _)| *t);
                vs.push(v);
            }
        }
        CharTfIdf {
            min,
            max,
            n,
            postings,
            idf,
            vectors,
        }
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
                let t = *self.postings.dict.get(&g)?;
                Some((t, sublinear(tf) * self.idf[t as usize]))
            })
            .collect();
        normalise(&mut v);
        v
    }

    /// The stored vector of document `doc` (when vectors are kept).
    pub fn doc_vector(&self, doc: u32) -> Option<&[(u32, f32)]> {
        self.vectors.as_ref().map(|v| v[doc as usize].as_slice())
    }

    /// Cosine of `query` (a normalised vector) with every document it touches, accumulated into
    /// `acc` (zeroed, one slot per document); returns the touched documents.
    pub fn scores(&self, query: &[(u32, f32)], acc: &mut [f32], touched: &mut Vec<u32>) {
        self.postings.accumulate(query, acc, touched);
    }

    /// The best `k` documents for a text: (document, cosine), best first.
    pub fn top(&self, text: &str, k: usize) -> Vec<(u32, f32)> {
        let mut acc = vec![0.0; self.n];
        let mut touched = Vec::new();
        self.scores(&self.vector(text), &mut acc, &mut touched);
        top_k(&acc, &touched, k)
    }

    /// The number of documents a term is in (from its idf).
    pub fn df(&self, term: u32) -> usize {
        self.postings.lists[term as usize].len()
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
    postings: Postings,
}

impl CharBm25 {
    pub fn build(texts: &[String], min: usize, max: usize) -> CharBm25 {
        const K1: f32 = 1.2;
        const B: f32 = 0.75;
        let docs: Vec<HashMap<String, u32>> = texts
            .iter()
            .map(|t| counts(word_char_grams(t, min, max)))
            .collect();
        let n = docs.len();
        let lengths: Vec<f32> = docs
            .iter()
            .map(|c| c.values().sum::<u32>() as f32)
            .collect();
        let avg = (lengths.iter().sum::<f32>() / n.max(1) as f32).max(1.0);
        let mut postings = Postings::default();
        let mut tfs: Vec<Vec<(u32, u32)>> = Vec::new();
        for (doc, c) in docs.into_iter().enumerate() {
            for (g, tf) in c {
                let id = postings.id(g);
                if id as usize == tfs.len() {
                    tfs.push(Vec::new());
                    postings.lists.push(Vec::new());
                }
                tfs[id as usize].push((doc as u32, tf));
            }
        }
        for (id, list) in tfs.into_iter().enumerate() {
            let df = list.len() as f32;
            let idf = (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln();
            postings.lists[id] = list
                .into_iter()
                .map(|(doc, tf)| {
                    let tf = tf as f32;
                    let norm = tf + K1 * (1.0 - B + B * lengths[doc as usize] / avg);
                    (doc, idf * tf * (K1 + 1.0) / norm)
                })
                .collect();
        }
        CharBm25 {
            min,
            max,
            n,
            postings,
        }
    }

    /// A text's n-grams this index knows (each once, weight 1), without those in more than
    /// `max_df` documents.
    pub fn query(&self, text: &str, max_df: usize) -> Vec<(u32, f32)> {
        counts(word_char_grams(text, self.min, self.max))
            .into_keys()
            .filter_map(|g| self.postings.dict.get(&g).map(|&t| (t, 1.0)))
            .filter(|&(t, _)| self.postings.lists[t as usize].len() <= max_df)
            .collect()
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
        self.postings.accumulate(query, acc, touched);
    }

    /// The best `k` documents for a text: (document, BM25), best first.
    pub fn top(&self, text: &str, k: usize) -> Vec<(u32, f32)> {
        let query = self.query(text, usize::MAX);
        let mut acc = vec![0.0; self.n];
        let mut touched = Vec::new();
        self.postings.accumulate(&query, &mut acc, &mut touched);
        top_k(&acc, &touched, k)
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
        let tfidf = CharTfIdf::build(&texts, 1, 2, true);
        let top = tfidf.top("叉车电池冬天放电快", 3);
        assert_eq!(top[0].0, 0);
        assert!(top[0].1 > 0.0 && top[0].1 <= 1.0 + 1e-5);
        let bm25 = CharBm25::build(&texts, 1, 2);
        assert_eq!(bm25.top("焊接跟踪", 3)[0].0, 1);
        assert!(tfidf.doc_vector(0).is_some());
    }
}
