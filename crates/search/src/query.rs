//! What a visitor asks for ([`Query`]), and how its text becomes words to match.
//!
//! The text is cut by the same jieba as the index (the synonym terms are in its dictionary). Each
//! word must match (conjunction); a word matches through any term of its synonym groups. Search
//! mode's parts of a long word (`光伏逆变器` → `光伏` + `逆变器`) are an alternative, at a lower
//! weight, when they cover the whole word, so a listing that writes `光伏并网逆变器` is found too.
//! Runs of single characters jieba did not know (`氮` `化` `镓`) are joined back into one word,
//! and single-character function words (`的`, `和`) are dropped when there is anything else.

use jieba_rs::Jieba;

use crate::synonyms::Synonyms;
use crate::text::{Normalized, is_cjk, is_word_char};

/// A search as the public pages and the API ask it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Free text; empty matches everything (then sorted newest first).
    pub text: String,
    /// `demand` | `supply`
    pub kind: Option<String>,
    /// One of the eight technical fields.
    pub field: Option<String>,
    /// A cooperation mode, e.g. `转让`.
    pub mode: Option<String>,
    /// A district code, e.g. `310104`.
    pub district: Option<String>,
    /// e.g. `university`, `enterprise`.
    pub owner_kind: Option<String>,
    pub price_band: Option<PriceBand>,
    pub sort: Sort,
    /// 1-based; 0 is read as 1, and pages past [`MAX_PAGE`] as that page.
    pub page: usize,
    /// Clamped to 1..=[`MAX_PER_PAGE`].
    pub per_page: usize,
    /// Also return listings that are not public (drafts, stale): for staff pages only.
    pub include_hidden: bool,
}

pub const MAX_PER_PAGE: usize = 100;
pub const MAX_PAGE: usize = 1000;
/// Words beyond this many in one query are ignored.
pub const MAX_WORDS: usize = 16;
/// Query text beyond this many characters is ignored.
pub const MAX_QUERY_CHARS: usize = 256;

impl Default for Query {
    fn default() -> Query {
        Query {
            text: String::new(),
            kind: None,
            field: None,
            mode: None,
            district: None,
            owner_kind: None,
            price_band: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            include_hidden: false,
        }
    }
}

impl Query {
    /// A query for this text, with no filters, first page of 20.
    pub fn text(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    /// By `published_at`, newest first.
    Newest,
}

impl Sort {
    pub fn slug(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
        }
    }

    pub fn parse(slug: &str) -> Option<Sort> {
        match slug.trim() {
            "relevance" => Some(Sort::Relevance),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "相关度",
            Sort::Newest => "最新发布",
        }
    }
}

/// Price bands of the asking price, in fen (1 万元 = 1,000,000 fen). Lower bounds are inclusive:
/// exactly 10 万元 is `From10To50Wan`, exactly 200 万元 is `Over200Wan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriceBand {
    /// No price given (面议).
    Negotiable,
    /// Below 10 万元 (including 0, e.g. a free open licence).
    Under10Wan,
    From10To50Wan,
    From50To200Wan,
    Over200Wan,
}

const WAN: i64 = 1_000_000;

impl PriceBand {
    pub const ALL: [PriceBand; 5] = [
        PriceBand::Negotiable,
        PriceBand::Under10Wan,
        PriceBand::From10To50Wan,
        PriceBand::From50To200Wan,
        PriceBand::Over200Wan,
    ];

    pub fn of(price_fen: Option<i64>) -> PriceBand {
        match price_fen {
            None => PriceBand::Negotiable,
            Some(p) if p < 10 * WAN => PriceBand::Under10Wan,
            Some(p) if p < 50 * WAN => PriceBand::From10To50Wan,
            Some(p) if p < 200 * WAN => PriceBand::From50To200Wan,
            Some(_) => PriceBand::Over200Wan,
        }
    }

    /// Stable identifier for URLs and the API.
    pub fn slug(self) -> &'static str {
        match self {
            PriceBand::Negotiable => "negotiable",
            PriceBand::Under10Wan => "under_10wan",
            PriceBand::From10To50Wan => "10_to_50wan",
            PriceBand::From50To200Wan => "50_to_200wan",
            PriceBand::Over200Wan => "over_200wan",
        }
    }

    pub fn parse(slug: &str) -> Option<PriceBand> {
        PriceBand::ALL.into_iter().find(|b| b.slug() == slug.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PriceBand::Negotiable => "面议",
            PriceBand::Under10Wan => "10万元以下",
            PriceBand::From10To50Wan => "10万—50万元",
            PriceBand::From50To200Wan => "50万—200万元",
            PriceBand::Over200Wan => "200万元以上",
        }
    }
}

/// One word of the query, with everything it may match as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word (normalised) first, then its synonyms.
    pub alternatives: Vec<String>,
    /// Search-mode parts that together cover the word, each with its synonyms; empty if none.
    pub parts: Vec<Vec<String>>,
}

/// Single-character function words that would otherwise be required in every hit.
const STOP_CHARS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "等", "之", "其", "对", "于", "把", "被", "并",
    "且", "而", "也", "都", "用", "个", "种",
];

pub(crate) fn analyze(jieba: &Jieba, synonyms: &Synonyms, text: &str) -> Vec<Word> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let norm = Normalized::new(&text).text;
    let whole = jieba.cut(&norm, false);
    let search = jieba.cut_for_search(&norm, false);

    // (start, end, made only of single Han characters)
    let mut pieces: Vec<(usize, usize, bool)> = Vec::new();
    for t in whole.iter().filter(|t| t.word.chars().any(is_word_char)) {
        let mut cs = t.word.chars();
        let single = matches!((cs.next(), cs.next()), (Some(c), None) if is_cjk(c))
            && !STOP_CHARS.contains(&t.word);
        // Join adjacent single characters: jieba without HMM splits words it does not know.
        if let Some(last) = pieces.last_mut()
            && single
            && last.2
            && last.1 == t.byte_start
        {
            last.1 = t.byte_end;
            continue;
        }
        pieces.push((t.byte_start, t.byte_end, single));
    }

    let content = |&(a, b, _): &(usize, usize, bool)| !STOP_CHARS.contains(&&norm[a..b]);
    if pieces.iter().any(content) {
        pieces.retain(content);
    }

    let mut words: Vec<Word> = Vec::new();
    for (a, b, _) in pieces {
        let alternatives = synonyms.expand(&norm[a..b]);
        if words.iter().any(|w| w.alternatives[0] == alternatives[0]) {
            continue;
        }
        let inner: Vec<(usize, usize)> = search
            .iter()
            .filter(|t| t.byte_start >= a && t.byte_end <= b && t.byte_end - t.byte_start < b - a)
            .filter(|t| t.word.chars().any(is_word_char))
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        let covered = |at: usize| inner.iter().any(|&(s, e)| s <= at && at < e);
        let covers = inner.len() >= 2 && norm[a..b].char_indices().all(|(i, _)| covered(a + i));
        let mut parts: Vec<Vec<String>> = Vec::new();
        if covers {
            for &(s, e) in &inner {
                let p = synonyms.expand(&norm[s..e]);
                if !parts.contains(&p) {
                    parts.push(p);
                }
            }
        }
        words.push(Word {
            alternatives,
            parts,
        });
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::build_jieba;

    fn words(text: &str) -> Vec<Word> {
        let syn = Synonyms::builtin();
        let jieba = build_jieba(syn.terms());
        analyze(&jieba, &syn, text)
    }

    fn firsts(ws: &[Word]) -> Vec<&str> {
        ws.iter().map(|w| w.alternatives[0].as_str()).collect()
    }

    #[test]
    fn words_are_expanded_with_synonyms() {
        let ws = words("锂电池 隔膜");
        assert_eq!(firsts(&ws), vec!["锂电池", "隔膜"]);
        assert!(ws[0].alternatives.contains(&"锂离子电池".to_string()));
        assert!(ws[1].alternatives.contains(&"电池隔膜".to_string()));
    }

    #[test]
    fn ascii_is_lowercased_and_kept_whole() {
        assert_eq!(firsts(&words("5G 基站")), vec!["5g", "基站"]);
        assert_eq!(firsts(&words("ＰＣＴ")), vec!["pct"]);
        assert!(
            words("AGV")[0]
                .alternatives
                .contains(&"自动导引车".to_string())
        );
    }

    #[test]
    fn stop_characters_are_dropped_unless_alone() {
        assert_eq!(firsts(&words("锂电池的隔膜")), vec!["锂电池", "隔膜"]);
        assert_eq!(firsts(&words("的")), vec!["的"]);
        assert_eq!(firsts(&words("膜")), vec!["膜"]);
        assert!(words("，。！").is_empty());
    }

    #[test]
    fn long_words_get_covering_parts() {
        let ws = words("人工智能");
        assert_eq!(firsts(&ws), vec!["人工智能"]);
        assert!(ws[0].alternatives.contains(&"ai".to_string()));
        let ws = words("散热装置");
        assert_eq!(
            ws[0].parts,
            vec![vec!["散热".to_string()], vec!["装置".to_string()]]
        );
        // `锂离子` has the part `离子` only, which does not cover `锂`: no parts.
        let ws = words("锂离子");
        assert!(ws[0].parts.is_empty(), "{ws:?}");
    }

    #[test]
    fn price_bands() {
        assert_eq!(PriceBand::of(None), PriceBand::Negotiable);
        assert_eq!(PriceBand::of(Some(0)), PriceBand::Under10Wan);
        assert_eq!(PriceBand::of(Some(9_999_999)), PriceBand::Under10Wan);
        assert_eq!(PriceBand::of(Some(10_000_000)), PriceBand::From10To50Wan);
        assert_eq!(PriceBand::of(Some(50_000_000)), PriceBand::From50To200Wan);
        assert_eq!(PriceBand::of(Some(199_999_999)), PriceBand::From50To200Wan);
        assert_eq!(PriceBand::of(Some(200_000_000)), PriceBand::Over200Wan);
        for b in PriceBand::ALL {
            assert_eq!(PriceBand::parse(b.slug()), Some(b));
        }
        assert_eq!(PriceBand::parse("cheap"), None);
    }
}
