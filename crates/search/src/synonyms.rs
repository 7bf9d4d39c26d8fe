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

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// normalised term → the groups it appears in
    by_term: HashMap<String, Vec<usize>>,
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
            if terms.is_empty() {
                continue;
            }
            let err = |message: String| SearchError::Synonyms {
                line: n + 1,
                message,
            };
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

    /// The dictionary shipped in `data/synonyms.txt`.
    pub fn builtin() -> Synonyms {
        Synonyms::parse(BUILTIN).expect("data/synonyms.txt parses (checked by a test)")
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
    fn merge_adds_groups() {
        let mut s = Synonyms::builtin();
        let n = s.len();
        s.merge(Synonyms::parse("钙钛矿电池 PSC").unwrap());
        assert_eq!(s.len(), n + 1);
        assert!(s.expand("psc").contains(&"钙钛矿电池".to_string()));
    }
}
