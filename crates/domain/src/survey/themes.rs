//! Frequent phrases of the free-text answers, for the “free-text themes” (意见建议归纳) section of
//! the survey report (issue 15). Deliberately small and deterministic, with no word segmenter:
//!
//! 1. each answer is cut into runs of Chinese characters at punctuation, Latin text and a short
//!    list of function characters (的、了、是 …); Latin words of two or more letters count as words;
//! 2. every two-character piece of a run is counted once per answer that has it;
//! 3. pieces found in at least two answers, most answers first, seed a phrase that grows left and
//!    right one character at a time while every answer with the phrase still has the longer one
//!    (so 知识产权 comes out whole rather than as 知识、识产、产权), up to eight characters;
//! 4. filler words (希望、建议、非常 …) do not seed a phrase.
//!
//! It finds repeated wording, not meaning: 服务及时 and 响应快 stay apart. The report shows the
//! phrases with their counts and a few answers each, and lists every answer anyway.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// Characters that end a run: function words that glue phrases together. Negations (不、没、无)
/// are kept on purpose: “不及时” must not become “及时”.
pub const STOP_CHARS: &str =
    "的了是也很都就我你他她它们这那个么吗呢吧啊哦呀嗯把被让给但并且其着最太些之";

/// Filler words that never seed a phrase.
pub const STOP_WORDS: [&str; 24] = [
    "希望", "建议", "可以", "没有", "非常", "比较", "一些", "觉得", "感觉", "目前", "能够", "已经",
    "还是", "因为", "所以", "如果", "然后", "以及", "其他", "什么", "时候", "满意", "一般", "总体",
];

/// A phrase must appear in at least this many answers.
pub const MIN_ANSWERS: usize = 2;
/// Longest phrase, in characters.
pub const MAX_PHRASE_CHARS: usize = 8;
/// Example answers kept per phrase.
pub const EXAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyword {
    pub word: String,
    /// Answers containing it.
    pub answers: usize,
    /// Indexes (into the given texts) of the first few answers containing it.
    pub examples: Vec<usize>,
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The Chinese runs and the Latin words of one answer.
fn tokens(text: &str) -> (Vec<Vec<char>>, Vec<String>) {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_cjk(c) && !STOP_CHARS.contains(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.retain(|w| w.len() >= 2 && !w.bytes().all(|b| b.is_ascii_digit()));
    (runs, words)
}

/// The most frequent phrases of `texts`, at most `max`, most answers first (then longer, then in
/// character order).
pub fn keywords<S: AsRef<str>>(texts: &[S], max: usize) -> Vec<Keyword> {
    let parsed: Vec<(Vec<String>, Vec<String>)> = texts
        .iter()
        .map(|t| {
            let (runs, words) = tokens(t.as_ref());
            (
                runs.into_iter().map(|r| r.into_iter().collect()).collect(),
                words,
            )
        })
        .collect();
    let containing = |phrase: &str| -> BTreeSet<usize> {
        parsed
            .iter()
            .enumerate()
            .filter(|(_, (runs, _))| runs.iter().any(|r| r.contains(phrase)))
            .map(|(i, _)| i)
            .collect()
    };
    // Seeds: bigrams and Latin words with the answers that have them.
    let mut seeds: BTreeMap<String, (BTreeSet<usize>, bool)> = BTreeMap::new();
    for (i, (runs, words)) in parsed.iter().enumerate() {
        for r in runs {
            let cs: Vec<char> = r.chars().collect();
            for w in cs.windows(2) {
                let s: String = w.iter().collect();
                seeds
                    .entry(s)
                    .or_insert_with(|| (BTreeSet::new(), true))
                    .0
                    .insert(i);
            }
        }
        for w in words {
            seeds
                .entry(w.clone())
                .or_insert_with(|| (BTreeSet::new(), false))
                .0
                .insert(i);
        }
    }
    let mut order: Vec<(&String, &BTreeSet<usize>, bool)> = seeds
        .iter()
        .filter(|(w, (set, _))| set.len() >= MIN_ANSWERS && !STOP_WORDS.contains(&w.as_str()))
        .map(|(w, (set, cjk))| (w, set, *cjk))
        .collect();
    order.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    let mut found: Vec<(String, BTreeSet<usize>)> = Vec::new();
    for (seed, set, cjk) in order {
        // Seeds come most-answers first, so a few times `max` phrases are enough to rank.
        if found.len() >= max.saturating_mul(4) {
            break;
        }
        if found
            .iter()
            .any(|(p, s)| p.contains(seed.as_str()) && s == set)
        {
            continue;
        }
        let phrase = if cjk {
            grow(seed, set, &parsed, &containing)
        } else {
            seed.clone()
        };
        if !found.iter().any(|(p, s)| p.contains(&phrase) && s == set) {
            found.push((phrase, set.clone()));
        }
    }
    found.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then_with(|| b.0.chars().count().cmp(&a.0.chars().count()))
            .then_with(|| a.0.cmp(&b.0))
    });
    found
        .into_iter()
        .take(max)
        .map(|(word, set)| Keyword {
            word,
            answers: set.len(),
            examples: set.iter().copied().take(EXAMPLES).collect(),
        })
        .collect()
}

/// Extend `seed` left and right while every answer that has it has the longer phrase too. The
/// neighbour tried is the one at the first occurrence in the first such answer.
fn grow(
    seed: &str,
    set: &BTreeSet<usize>,
    parsed: &[(Vec<String>, Vec<String>)],
    containing: &dyn Fn(&str) -> BTreeSet<usize>,
) -> String {
    let mut phrase: Vec<char> = seed.chars().collect();
    let first = *set.iter().next().expect("a seed has answers");
    loop {
        if phrase.len() >= MAX_PHRASE_CHARS {
            break;
        }
        let p: String = phrase.iter().collect();
        let Some(run) = parsed[first].0.iter().find(|r| r.contains(&p)) else {
            break;
        };
        let run: Vec<char> = run.chars().collect();
        let at = run
            .windows(phrase.len())
            .position(|w| w == phrase.as_slice())
            .expect("the run contains the phrase");
        let right = run.get(at + phrase.len()).map(|c| {
            let mut v = phrase.clone();
            v.push(*c);
            v
        });
        let left = at.checked_sub(1).map(|l| {
            let mut v = vec![run[l]];
            v.extend(&phrase);
            v
        });
        let longer = [right, left]
            .into_iter()
            .flatten()
            .find(|v| containing(&v.iter().collect::<String>()) == *set);
        match longer {
            Some(v) => phrase = v,
            None => break,
        }
    }
    phrase.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t7_repeated_phrases_come_out_whole_with_their_answers() {
        let texts = [
            "希望多举办技术对接会，知识产权质押流程再简化",
            "技术对接会很有收获",
            "质押流程太慢，希望简化",
            "知识产权质押融资额度偏低",
            "服务不及时",
            "答复不及时，电话难打通",
            "OK",
        ];
        let k = keywords(&texts, 10);
        let words: Vec<(&str, usize)> = k.iter().map(|k| (k.word.as_str(), k.answers)).collect();
        assert_eq!(
            words,
            [
                // 质押 is in three answers, and in two of them as part of a longer phrase.
                ("质押", 3),
                ("知识产权质押", 2),
                ("技术对接会", 2),
                ("质押流程", 2),
                ("不及时", 2),
                ("简化", 2),
            ]
        );
        assert_eq!(k[0].examples, [0, 2, 3]);
        assert_eq!(k[2].examples, [0, 1]);
        // Filler and function words never appear on their own.
        assert!(k.iter().all(|k| k.word != "希望" && !k.word.contains('的')));
    }

    #[test]
    fn t7_themes_are_deterministic_and_bounded() {
        let texts: Vec<String> = (0..50)
            .map(|i| format!("第{i}场培训讲得好，课件下载方便，APP 使用顺畅"))
            .collect();
        let a = keywords(&texts, 3);
        assert_eq!(a, keywords(&texts, 3));
        assert_eq!(a.len(), 3);
        assert!(a.iter().all(|k| k.answers == 50 && k.examples == [0, 1, 2]));
        assert!(a.iter().all(|k| k.word.chars().count() <= MAX_PHRASE_CHARS));
        assert!(keywords(&["只有一条意见"], 5).is_empty());
        assert!(keywords::<&str>(&[], 5).is_empty());
        let latin = keywords(&["APP 卡顿", "app 闪退"], 5);
        assert_eq!(latin[0].word, "app");
    }
}
