//! Two tantivy tokenizers over normalised text (see [`crate::text`]):
//!
//! * [`JiebaTokenizer`]: jieba in search mode (`锂离子电池` gives `离子`, `锂离子`, `电池`, ...), for
//!   word-level relevance. Our own adapter (no cang-jie); the `Jieba` is built once per index and shared.
//! * [`NgramTokenizer`]: every Han character and every pair of adjacent Han characters, at the
//!   position of the first, and each run of letters or digits as one word. A phrase of bigrams is
//!   then an exact substring search, whatever jieba made of the text: `隔膜` inside `隔膜材料`, or a
//!   synonym such as `锂离子电池` in a title jieba cut differently.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{Normalized, is_cjk, is_word_char, normalize_char};

pub(crate) const JIEBA: &str = "zhiyun_jieba";
pub(crate) const NGRAM: &str = "zhiyun_ngram";

/// Longer tokens (base64 blobs, URLs without separators) are not worth indexing.
const MAX_TOKEN_BYTES: usize = 64;

/// Loading jieba's dictionary takes ~100 ms; cloning the loaded one ~10 ms.
fn base_jieba() -> &'static Jieba {
    static BASE: OnceLock<Jieba> = OnceLock::new();
    BASE.get_or_init(Jieba::new)
}

/// jieba's default dictionary plus the given words (the synonym terms), so that `钠电`, `电池管理系统`
/// or `自动导引车` come out as one token on both the index and the query side.
pub(crate) fn build_jieba<'a>(extra_words: impl IntoIterator<Item = &'a str>) -> Arc<Jieba> {
    let mut jieba = base_jieba().clone();
    for word in extra_words {
        if word.chars().any(is_cjk) && !jieba.has_word(word) {
            jieba.add_word(word, None, None);
        }
    }
    Arc::new(jieba)
}

/// Tokens of a finished analysis, handed to tantivy one by one.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// jieba (search mode, no HMM) over the normalised text; punctuation and spaces are dropped.
#[derive(Clone)]
pub struct JiebaTokenizer {
    jieba: Arc<Jieba>,
    tokens: Vec<Token>,
}

impl JiebaTokenizer {
    pub(crate) fn new(jieba: Arc<Jieba>) -> JiebaTokenizer {
        JiebaTokenizer {
            jieba,
            tokens: Vec::new(),
        }
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        let norm = Normalized::new(text);
        for t in self.jieba.cut_for_search(&norm.text, false) {
            if t.word.len() > MAX_TOKEN_BYTES || !t.word.chars().any(is_word_char) {
                continue;
            }
            self.tokens.push(Token {
                offset_from: norm.original_offset(t.byte_start),
                offset_to: norm.original_offset(t.byte_end),
                position: self.tokens.len(),
                text: t.word.to_string(),
                position_length: 1,
            });
        }
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// Han unigrams and bigrams plus alphanumeric words; see the module documentation.
#[derive(Clone, Default)]
pub struct NgramTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for NgramTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        ngrams(text, NgramMode::Index, &mut self.tokens);
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum NgramMode {
    /// Unigrams and bigrams of every Han run.
    Index,
    /// What a query phrase needs: bigrams only, or the single character of a one-character run.
    Query,
}

/// Positions: each Han character and each alphanumeric word takes one; other characters none, so
/// `5G 基站` and `5G基站` are the same phrase, while a bigram never spans punctuation.
pub(crate) fn ngrams(text: &str, mode: NgramMode, out: &mut Vec<Token>) {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .map(|(at, c)| (at, normalize_char(c)))
        .collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |&(at, _)| at);
    let push = |out: &mut Vec<Token>, from: usize, to: usize, position: usize, word: String| {
        if word.len() <= MAX_TOKEN_BYTES {
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: word,
                position_length: 1,
            });
        }
    };
    let mut position = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let run_end = |pred: &dyn Fn(char) -> bool| {
            let mut j = i;
            while j < chars.len() && pred(chars[j].1) {
                j += 1;
            }
            j
        };
        if is_cjk(c) {
            let j = run_end(&is_cjk);
            for k in i..j {
                if mode == NgramMode::Index || j - i == 1 {
                    push(
                        out,
                        chars[k].0,
                        end_of(k + 1),
                        position,
                        chars[k].1.to_string(),
                    );
                }
                if k + 1 < j {
                    let pair: String = [chars[k].1, chars[k + 1].1].iter().collect();
                    push(out, chars[k].0, end_of(k + 2), position, pair);
                }
                position += 1;
            }
            i = j;
        } else if c.is_alphanumeric() {
            let j = run_end(&|c| c.is_alphanumeric() && !is_cjk(c));
            let word: String = chars[i..j].iter().map(|&(_, c)| c).collect();
            push(out, chars[i].0, end_of(j), position, word);
            position += 1;
            i = j;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<(String, usize)> {
        tokens
            .iter()
            .map(|t| (t.text.clone(), t.position))
            .collect()
    }

    fn s(x: &str, p: usize) -> (String, usize) {
        (x.to_string(), p)
    }

    #[test]
    fn ngrams_index_mode() {
        let mut out = Vec::new();
        ngrams("５Ｇ基站，膜", NgramMode::Index, &mut out);
        assert_eq!(
            texts(&out),
            vec![s("5g", 0), s("基", 1), s("基站", 1), s("站", 2), s("膜", 3)]
        );
        // Offsets point into the original text.
        assert_eq!(
            &"５Ｇ基站，膜"[out[0].offset_from..out[0].offset_to],
            "５Ｇ"
        );
        assert_eq!(
            &"５Ｇ基站，膜"[out[2].offset_from..out[2].offset_to],
            "基站"
        );
    }

    #[test]
    fn ngrams_query_mode() {
        let mut out = Vec::new();
        ngrams("锂离子电池", NgramMode::Query, &mut out);
        assert_eq!(
            texts(&out),
            vec![s("锂离", 0), s("离子", 1), s("子电", 2), s("电池", 3)]
        );
        out.clear();
        ngrams("膜", NgramMode::Query, &mut out);
        assert_eq!(texts(&out), vec![s("膜", 0)]);
        out.clear();
        ngrams("CAR-T", NgramMode::Query, &mut out);
        assert_eq!(texts(&out), vec![s("car", 0), s("t", 1)]);
    }

    #[test]
    fn jieba_tokenizer_lowercases_and_drops_punctuation() {
        let mut t = JiebaTokenizer::new(build_jieba(["电池管理系统"]));
        let text = "BMS电池管理系统，５Ｇ";
        let mut stream = t.token_stream(text);
        let mut seen = Vec::new();
        while let Some(tok) = stream.next() {
            seen.push((
                tok.text.clone(),
                text[tok.offset_from..tok.offset_to].to_string(),
            ));
        }
        assert!(seen.contains(&("bms".into(), "BMS".into())), "{seen:?}");
        assert!(
            seen.contains(&("电池管理系统".into(), "电池管理系统".into())),
            "{seen:?}"
        );
        assert!(
            seen.iter().any(|(t, _)| t == "电池"),
            "search mode gives parts: {seen:?}"
        );
        assert!(seen.contains(&("5g".into(), "５Ｇ".into())), "{seen:?}");
        assert!(!seen.iter().any(|(t, _)| t == "，"), "{seen:?}");
    }
}
