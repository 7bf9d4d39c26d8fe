//! The synonym and acronym dictionary: visitors type `锂电`, `BMS`, `AGV` where listings say
//! `锂离子电池`, `电池管理系统`, `自动导引车`.
//!
//! File format (UTF-8): one group of equivalent terms per line, separated by spaces, tabs, `,`, `，`
//! or `、`; `#` at the start of a line or after a space starts a comment; blank lines are ignored.
//! Matching ignores case and full/half width. A term in several groups expands to the union of
//! those groups (not transitively). The terms are also added to jieba's dictionary, so a query
//! `钠电` is one word rather than two characters; after changing the file, run `zhiyun reindex`
//! so listings are segmented with the new words too (matching works before that, through the
//! character n-grams, but ranking is better after).

use std::collections::HashMap;

use crate::SearchError;
use crate::text::{is_word_char, normalize};

const BUILTIN: &str = include_str!("../data/synonyms.txt");
/// Colloquial problem and effect words and the technical terms they stand for.
const PROBLEM_WORDS: &str = include_str!("../data/problem_words.txt");

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// normalised term → the groups it appears in
    by_term: HashMap<String, Vec<usize>>,
    /// One-way rules `口语词 => 技术词 …` (a line with `=>`): a text with the left word also
    /// stands for the right ones (the matcher's bridge from shop-floor words to patent language).
    bridges: Vec<(String, Vec<String>)>,
}

impl Synonyms {
    /// Parse a dictionary; an error names the line (1-based) and says what is wrong, in Chinese.
    pub fn parse(text: &str) -> Result<Synonyms, SearchError> {
        let mut synonyms = Synonyms::default();
        for (n, raw) in text.lines().enumerate() {
            let line = strip_comment(raw.trim_start_matches('\u{feff}'));
            let terms: Vec<String> = line
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
                .filter(|t| !t.is_empty())
                .map(normalize)
                .collect();
            let err = |message: String| SearchError::Synonyms {
                line: n + 1,
                message,
            };
            if let Some((left, right)) = line.split_once("=>") {
                let left = normalize(left.trim());
                let right: Vec<String> = right
                    .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
                    .filter(|t| !t.is_empty())
                    .map(normalize)
                    .collect();
                if !left.chars().any(is_word_char) {
                    return Err(err("“=>”左边应是一个口语词".into()));
                }
                if right.is_empty() || right.iter().any(|t| !t.chars().any(is_word_char)) {
                    return Err(err(format!("“{left} =>”右边应是一个或多个技术词")));
                }
                synonyms.bridges.push((left, right));
                continue;
            }
            if terms.is_empty() {
                continue;
            }
            if let Some(bad) = terms.iter().find(|t| !t.chars().any(is_word_char)) {
                return Err(err(format!("“{bad}”不含文字或数字")));
            }
            let mut group: Vec<String> = Vec::with_capacity(terms.len());
            for t in terms {
                if !group.contains(&t) {
                    group.push(t);
                }
            }
            if group.len() < 2 {
                return Err(err(format!(
                    "只有一个词“{}”：同义词组至少要有两个词，用空格或逗号分隔",
                    group[0]
                )));
            }
            synonyms.push_group(group);
        }
        Ok(synonyms)
    }

    /// The dictionary shipped in `data/synonyms.txt`, with the problem words of
    /// `data/problem_words.txt`.
    pub fn builtin() -> Synonyms {
        let mut s = Synonyms::parse(BUILTIN).expect("data/synonyms.txt parses (checked by a test)");
        s.merge(
            Synonyms::parse(PROBLEM_WORDS)
                .expect("data/problem_words.txt parses (checked by a test)"),
        );
        s
    }

    /// The technical terms the colloquial words in `text` stand for (each once, in rule order);
    /// `text` is expected normalised.
    pub fn bridge(&self, text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (left, right) in &self.bridges {
            if text.contains(left.as_str()) {
                for t in right {
                    if !out.contains(&t.as_str()) {
                        out.push(t);
                    }
                }
            }
        }
        out
    }

    /// Number of one-way bridge rules.
    pub fn bridges(&self) -> usize {
        self.bridges.len()
    }

    /// The text of `data/synonyms.txt`, for an operator to start an extended file from.
    pub fn builtin_text() -> &'static str {
        BUILTIN
    }

    /// Add the groups of another dictionary (an operator's file on top of the builtin one).
    pub fn merge(&mut self, other: Synonyms) {
        for group in other.groups {
            self.push_group(group);
        }
        self.bridges.extend(other.bridges);
    }

    fn push_group(&mut self, group: Vec<String>) {
        let id = self.groups.len();
        for t in &group {
            let ids = self.by_term.entry(t.clone()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        self.groups.push(group);
    }

    /// The term itself (normalised) first, then every term that shares a group with it.
    pub fn expand(&self, term: &str) -> Vec<String> {
        let term = normalize(term);
        let mut out = vec![term.clone()];
        for &id in self
            .by_term
            .get(&term)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            for t in &self.groups[id] {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
        }
        out
    }

    /// The one term a term's (first) group is known by, for matching: `锂电` → the group's first
    /// term. `None` for a term in no group. The term is expected normalised.
    pub fn canonical(&self, term: &str) -> Option<&str> {
        let group = *self.by_term.get(term)?.first()?;
        self.groups[group].first().map(String::as_str)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every distinct term (normalised).
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.by_term.keys().map(String::as_str)
    }
}

/// `#` starts a comment at the start of a line or after whitespace (so a term like `C#` survives).
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (at, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..at];
        }
        prev_space = c.is_whitespace();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_with_enough_groups() {
        let s = Synonyms::builtin();
        assert!(s.len() >= 40, "{} groups", s.len());
        assert!(s.expand("锂电").contains(&"锂离子电池".to_string()));
        assert!(s.expand("AGV").contains(&"自动导引车".to_string()));
        assert!(s.expand("BMS").contains(&"电池管理系统".to_string()));
        assert!(s.expand("钠电").contains(&"钠离子电池".to_string()));
    }

    #[test]
    fn comments_blank_lines_and_separators() {
        let s = Synonyms::parse(
            "# 注释行\n\n锂离子电池 锂电池,锂电  # 行尾注释\n自动光学检测，AOI、自动光学检查\n\tC# c井\n",
        )
        .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.expand("锂电"), vec!["锂电", "锂离子电池", "锂电池"]);
        assert_eq!(
            s.expand("ＡＯＩ"),
            vec!["aoi", "自动光学检测", "自动光学检查"]
        );
        assert_eq!(s.expand("c#"), vec!["c#", "c井"]);
        assert_eq!(s.expand("未收录"), vec!["未收录"]);
    }

    #[test]
    fn a_term_in_two_groups_expands_to_both_but_not_transitively() {
        let s = Synonyms::parse("甲 乙\n乙 丙\n丙 丁").unwrap();
        assert_eq!(s.expand("乙"), vec!["乙", "甲", "丙"]);
        assert_eq!(s.expand("甲"), vec!["甲", "乙"]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Synonyms::parse("锂电 锂电池\n锂电池/锂电\n").unwrap_err();
        assert!(matches!(e, SearchError::Synonyms { line: 2, .. }), "{e}");
        assert!(e.to_string().contains("第 2 行"), "{e}");
        let e = Synonyms::parse("锂电 ——").unwrap_err();
        assert!(matches!(e, SearchError::Synonyms { line: 1, .. }), "{e}");
    }

    #[test]
    fn bridge_rules_are_one_way() {
        let s = Synonyms::parse("掉电 => 自放电、漏电流\n锂电 锂电池\n").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.bridges(), 1);
        assert_eq!(s.bridge("电池掉电快"), vec!["自放电", "漏电流"]);
        assert!(s.bridge("自放电").is_empty());
        let e = Synonyms::parse("锂电 锂电池\n掉电 =>\n").unwrap_err();
        assert!(matches!(e, SearchError::Synonyms { line: 2, .. }), "{e}");
        let b = Synonyms::builtin();
        assert!(b.bridges() >= 100, "{}", b.bridges());
        assert!(b.bridge("发黄").contains(&"黄变"));
        assert!(b.bridge("卡料").contains(&"堵塞"));
    }

    #[test]
    fn merge_adds_groups() {
        let mut s = Synonyms::builtin();
        let n = s.len();
        s.merge(Synonyms::parse("钙钛矿电池 PSC").unwrap());
        assert_eq!(s.len(), n + 1);
        assert!(s.expand("psc").contains(&"钙钛矿电池".to_string()));
    }
}
