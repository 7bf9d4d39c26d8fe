//! Highlighted titles and snippets: HTML-escaped text with matches in `<mark>…</mark>`.
//!
//! Matches are found by substring over the normalised text (case and width folded), longest term
//! first, for every term the query could match (its words, their synonyms and parts). That marks
//! the same things the n-gram fields match, including `隔膜` inside `隔膜材料`. A term that starts
//! or ends with a Latin letter or digit must not be glued to another one (`IC` is not marked in
//! `electric`).

use crate::text::normalize_char;

pub(crate) struct Highlighter {
    /// Normalised terms, longest first.
    terms: Vec<Vec<char>>,
}

impl Highlighter {
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Highlighter {
        let mut out: Vec<Vec<char>> = Vec::new();
        for t in terms {
            let t: Vec<char> = t.chars().map(normalize_char).collect();
            if !t.is_empty() && !out.contains(&t) {
                out.push(t);
            }
        }
        out.sort_by_key(|t| std::cmp::Reverse(t.len()));
        Highlighter { terms: out }
    }

    /// Character ranges of the matches, in order, not overlapping.
    fn marks(&self, norm: &[char]) -> Vec<(usize, usize)> {
        let alnum = |c: char| c.is_ascii_alphanumeric();
        let mut marks = Vec::new();
        let mut i = 0;
        while i < norm.len() {
            let found = self.terms.iter().find(|t| {
                norm[i..].starts_with(t)
                    && !(alnum(t[0]) && i > 0 && alnum(norm[i - 1]))
                    && !(alnum(t[t.len() - 1]) && norm.get(i + t.len()).is_some_and(|&c| alnum(c)))
            });
            match found {
                Some(t) => {
                    marks.push((i, i + t.len()));
                    i += t.len();
                }
                None => i += 1,
            }
        }
        marks
    }

    /// The whole text, marked.
    pub fn whole(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let norm: Vec<char> = chars.iter().map(|&c| normalize_char(c)).collect();
        render(&chars, &self.marks(&norm), 0, chars.len())
    }

    /// At most `max_chars` characters around the first match (or from the start), marked, with `…`
    /// where text was cut. Line breaks become spaces.
    pub fn snippet(&self, text: &str, max_chars: usize) -> String {
        let chars: Vec<char> = text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let norm: Vec<char> = chars.iter().map(|&c| normalize_char(c)).collect();
        let marks = self.marks(&norm);
        let n = chars.len();
        if n <= max_chars {
            return render(&chars, &marks, 0, n);
        }
        let lead = max_chars / 5;
        let start = marks
            .first()
            .map_or(0, |&(s, _)| s.saturating_sub(lead))
            .min(n - max_chars);
        render(&chars, &marks, start, start + max_chars)
    }
}

fn render(chars: &[char], marks: &[(usize, usize)], start: usize, end: usize) -> String {
    let mut out = String::with_capacity((end - start) * 3 + 16);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in marks.iter().filter(|&&(s, e)| e > start && s < end) {
        let (s, e) = (s.max(start), e.min(end));
        escape_into(&mut out, &chars[at..s]);
        out.push_str("<mark>");
        escape_into(&mut out, &chars[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&mut out, &chars[at..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape_into(out: &mut String, chars: &[char]) {
    for &c in chars {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_longest_terms_and_escapes() {
        let h = Highlighter::new(["隔膜", "锂离子电池", "电池"]);
        assert_eq!(
            h.whole("一种锂离子电池隔膜<材料>"),
            "一种<mark>锂离子电池</mark><mark>隔膜</mark>&lt;材料&gt;"
        );
    }

    #[test]
    fn ascii_terms_fold_case_and_respect_word_edges() {
        let h = Highlighter::new(["ic", "5g"]);
        assert_eq!(
            h.whole("Electric IC，５Ｇ"),
            "Electric <mark>IC</mark>，<mark>５Ｇ</mark>"
        );
    }

    #[test]
    fn snippet_cuts_around_the_first_match() {
        let h = Highlighter::new(["隔膜"]);
        let text = format!("{}隔膜{}", "甲".repeat(100), "乙".repeat(100));
        let s = h.snippet(&text, 30);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>隔膜</mark>"), "{s}");
        assert_eq!(s.chars().filter(|&c| c == '甲').count(), 6);
        let short = h.snippet("无匹配\n的短文本", 30);
        assert_eq!(short, "无匹配 的短文本");
    }

    #[test]
    fn a_match_cut_by_the_window_is_still_closed() {
        let h = Highlighter::new(["乙乙乙乙"]);
        let text = format!("{}{}", "甲".repeat(10), "乙".repeat(4));
        let s = h.snippet(&text, 12);
        assert_eq!(s, "…甲甲甲甲甲甲甲甲<mark>乙乙乙乙</mark>");
        let s = render(&text.chars().collect::<Vec<_>>(), &[(10, 14)], 0, 12);
        assert_eq!(s, "甲甲甲甲甲甲甲甲甲甲<mark>乙乙</mark>…");
    }
}
