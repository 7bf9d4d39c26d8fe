//! Demand–supply matching (T3): how a text match between a demand and a supply becomes a score
//! with reasons in Chinese, how a demand's missing field and IPC are inferred from its nearest
//! supplies, the reason codes of feedback, and the measures of the evaluation set.
//!
//! The text relevance itself (BM25 over jieba words with synonyms and character bigrams) is the
//! search crate's; everything here is a pure function of what it found.

pub mod contact;

use crate::code::Code;
use serde::Serialize;

use crate::listing::modes_compatible;
use crate::money::Fen;

/// Weights of the parts of a score (they sum to 1; a perfect pair scores 100).
const TEXT_WEIGHT: f64 = 0.55;
const IPC_WEIGHT: f64 = 0.15;
const FIELD_WEIGHT: f64 = 0.10;
const MODE_WEIGHT: f64 = 0.10;
const PRICE_WEIGHT: f64 = 0.05;
const DISTRICT_WEIGHT: f64 = 0.05;
/// An IPC match on the subclass only (`H01M`) counts this much of a match on the main group
/// (`H01M 50`).
const SUBCLASS_SHARE: f64 = 0.6;
/// An inferred field or IPC counts this much of a stated one.
const INFERRED_SHARE: f64 = 0.7;
/// Shared key terms named in a reason.
const REASON_TERMS: usize = 5;

/// One side of a pair, as the scorer sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Side {
    /// One of the eight fields, stated or inferred.
    pub field: Option<String>,
    pub field_inferred: bool,
    /// Canonical IPC codes (`H01M 50/40`) or bare subclasses (`H01M`), stated or inferred.
    pub ipc: Vec<String>,
    pub ipc_inferred: bool,
    pub modes: Vec<String>,
    /// Budget (demand) or reference price (supply); `None` = 面议.
    pub price: Option<Fen>,
    pub district_code: Option<String>,
    /// The district's name for reasons, e.g. `徐汇区`.
    pub district_name: Option<String>,
}

/// What the text match found: relevance scaled to 0..=1 (1 = the best text match of this demand)
/// and the shared key terms, most telling first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextEvidence {
    pub relevance: f64,
    pub shared_terms: Vec<String>,
}

/// Why a pair is suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    SharedTerms {
        terms: Vec<String>,
    },
    SameIpcGroup {
        group: String,
        inferred: bool,
    },
    SameIpcSubclass {
        subclass: String,
        inferred: bool,
    },
    SameField {
        field: String,
        inferred: bool,
    },
    ModesFit {
        modes: Vec<String>,
    },
    PriceWithinBudget {
        price_wan: String,
        budget_wan: String,
    },
    PriceNegotiable,
    SameDistrict {
        district: String,
    },
}

impl Reason {
    /// The reason as a user reads it.
    pub fn text(&self) -> String {
        let guessed = |inferred: bool| {
            if inferred {
                "（据文本推断）"
            } else {
                ""
            }
        };
        match self {
            Reason::SharedTerms { terms } => format!("共同关键词：{}", terms.join("、")),
            Reason::SameIpcGroup { group, inferred } => {
                format!("IPC 同大组 {group}{}", guessed(*inferred))
            }
            Reason::SameIpcSubclass { subclass, inferred } => {
                format!("IPC 同小类 {subclass}{}", guessed(*inferred))
            }
            Reason::SameField { field, inferred } => {
                format!("技术领域相同：{field}{}", guessed(*inferred))
            }
            Reason::ModesFit { modes } => format!("合作方式相符：{}", modes.join("、")),
            Reason::PriceWithinBudget {
                price_wan,
                budget_wan,
            } => format!("参考价格 {price_wan} 万元在预算 {budget_wan} 万元以内"),
            Reason::PriceNegotiable => "价格面议，可协商".to_string(),
            Reason::SameDistrict { district } => format!("同在{district}"),
        }
    }

    /// The reason in a few characters, for one line of chips under a suggestion (issue 18);
    /// the full [`Reason::text`] goes in the chip's title.
    pub fn chip(&self) -> String {
        let guessed = |inferred: bool| if inferred { "≈" } else { "" };
        match self {
            Reason::SharedTerms { terms } => {
                let shown: Vec<&str> = terms.iter().take(3).map(String::as_str).collect();
                let more = if terms.len() > 3 { "…" } else { "" };
                format!("关键词 {}{more}", shown.join("·"))
            }
            Reason::SameIpcGroup { group, inferred } => {
                format!("{}IPC {group}", guessed(*inferred))
            }
            Reason::SameIpcSubclass { subclass, inferred } => {
                format!("{}IPC {subclass}", guessed(*inferred))
            }
            Reason::SameField { field, inferred } => format!("{}{field}", guessed(*inferred)),
            Reason::ModesFit { modes } => modes.join("/"),
            Reason::PriceWithinBudget { .. } => "价格在预算内".to_string(),
            Reason::PriceNegotiable => "价格面议".to_string(),
            Reason::SameDistrict { district } => format!("同在{district}"),
        }
    }
}

/// A scored pair: 0–100 and its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// `H01M 50/40` → (`H01M`, `H01M 50`); a bare subclass `H01M` → (`H01M`, none).
fn ipc_parts(code: &str) -> (&str, Option<&str>) {
    let code = code.trim();
    let subclass = code.get(..4).unwrap_or(code);
    let group = code.split_once('/').map(|(g, _)| g.trim_end());
    (subclass, group.filter(|g| g.len() > 4))
}

/// The best IPC overlap of two code lists: 1 for a shared main group, [`SUBCLASS_SHARE`] for a
/// shared subclass, with the reason.
fn ipc_overlap(a: &[String], b: &[String], inferred: bool) -> Option<(f64, Reason)> {
    let mut best: Option<(f64, Reason)> = None;
    for x in a {
        let (xs, xg) = ipc_parts(x);
        for y in b {
            let (ys, yg) = ipc_parts(y);
            let found = match (xg, yg) {
                (Some(g), Some(h)) if g == h => Some((
                    1.0,
                    Reason::SameIpcGroup {
                        group: g.to_string(),
                        inferred,
                    },
                )),
                _ if xs == ys => Some((
                    SUBCLASS_SHARE,
                    Reason::SameIpcSubclass {
                        subclass: xs.to_string(),
                        inferred,
                    },
                )),
                _ => None,
            };
            if let Some(f) = found
                && best.as_ref().is_none_or(|b| f.0 > b.0)
            {
                best = Some(f);
            }
        }
    }
    best
}

/// T3: score a demand–supply pair from its text evidence and the two sides' fields, IPC codes,
/// modes, prices and districts. Text weighs 55 %, IPC 15 %, field 10 %, modes 10 %, price 5 %,
/// district 5 %; an inferred field or IPC counts 70 % of a stated one.
pub fn score_pair(demand: &Side, supply: &Side, text: &TextEvidence) -> Scored {
    let mut score = TEXT_WEIGHT * text.relevance.clamp(0.0, 1.0);
    let mut reasons = Vec::new();
    if !text.shared_terms.is_empty() {
        reasons.push(Reason::SharedTerms {
            terms: text
                .shared_terms
                .iter()
                .take(REASON_TERMS)
                .cloned()
                .collect(),
        });
    }
    let inferred = demand.ipc_inferred || supply.ipc_inferred;
    if let Some((overlap, reason)) = ipc_overlap(&demand.ipc, &supply.ipc, inferred) {
        let share = if inferred { INFERRED_SHARE } else { 1.0 };
        score += IPC_WEIGHT * overlap * share;
        reasons.push(reason);
    }
    if let (Some(a), Some(b)) = (&demand.field, &supply.field)
        && a == b
    {
        let inferred = demand.field_inferred || supply.field_inferred;
        score += FIELD_WEIGHT * if inferred { INFERRED_SHARE } else { 1.0 };
        reasons.push(Reason::SameField {
            field: a.clone(),
            inferred,
        });
    }
    // Modes: the demand's sought modes that some offered mode meets. A side that names none
    // is open to any.
    let fitting: Vec<String> = demand
        .modes
        .iter()
        .filter(|d| supply.modes.iter().any(|s| modes_compatible(d, s)))
        .cloned()
        .collect();
    if !fitting.is_empty() {
        score += MODE_WEIGHT;
        reasons.push(Reason::ModesFit { modes: fitting });
    } else if demand.modes.is_empty() || supply.modes.is_empty() {
        score += MODE_WEIGHT / 2.0;
    }
    match (demand.price, supply.price) {
        (Some(budget), Some(price)) if price <= budget => {
            score += PRICE_WEIGHT;
            reasons.push(Reason::PriceWithinBudget {
                price_wan: price.to_wan_string(),
                budget_wan: budget.to_wan_string(),
            });
        }
        (Some(_), Some(_)) => {}
        _ => {
            score += PRICE_WEIGHT / 2.0;
            reasons.push(Reason::PriceNegotiable);
        }
    }
    if let (Some(a), Some(b)) = (&demand.district_code, &supply.district_code)
        && a == b
    {
        score += DISTRICT_WEIGHT;
        reasons.push(Reason::SameDistrict {
            district: demand.district_name.clone().unwrap_or_else(|| a.clone()),
        });
    }
    Scored {
        score: (score * 100.0 * 10.0).round() / 10.0,
        reasons,
    }
}

/// One of the nearest supplies by text, for inference: its relevance, field and IPC codes.
#[derive(Debug, Clone, Copy)]
pub struct Neighbour<'a> {
    pub relevance: f64,
    pub field: Option<&'a str>,
    pub ipc: &'a [String],
}

/// What the nearest supplies say about a demand that states no field or IPC.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inferred {
    pub field: Option<String>,
    /// IPC subclasses, e.g. `H01M`.
    pub ipc_subclasses: Vec<String>,
}

/// Share of the neighbours' relevance a field needs to be inferred.
const FIELD_VOTE_SHARE: f64 = 0.5;
/// Share an IPC subclass needs.
const IPC_VOTE_SHARE: f64 = 0.35;

/// T3: infer a demand's field and IPC subclasses from its nearest supplies by text: each
/// neighbour votes with its relevance; a field needs half the votes, a subclass 35 % (at most two
/// subclasses). Too few or split votes infer nothing.
pub fn infer(neighbours: &[Neighbour]) -> Inferred {
    let total: f64 = neighbours.iter().map(|n| n.relevance.max(0.0)).sum();
    if total <= 0.0 || neighbours.len() < 2 {
        return Inferred::default();
    }
    let mut fields: Vec<(&str, f64)> = Vec::new();
    let mut subclasses: Vec<(&str, f64)> = Vec::new();
    for n in neighbours {
        let w = n.relevance.max(0.0);
        if let Some(f) = n.field {
            add_vote(&mut fields, f, w);
        }
        let mut seen: Vec<&str> = Vec::new();
        for code in n.ipc {
            let (subclass, _) = ipc_parts(code);
            if !seen.contains(&subclass) {
                seen.push(subclass);
                add_vote(&mut subclasses, subclass, w);
            }
        }
    }
    let by_votes = |v: &mut Vec<(&str, f64)>| {
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    };
    by_votes(&mut fields);
    by_votes(&mut subclasses);
    Inferred {
        field: fields
            .first()
            .filter(|(_, w)| w / total >= FIELD_VOTE_SHARE)
            .map(|(f, _)| f.to_string()),
        ipc_subclasses: subclasses
            .iter()
            .filter(|(_, w)| w / total >= IPC_VOTE_SHARE)
            .take(2)
            .map(|(s, _)| s.to_string())
            .collect(),
    }
}

fn add_vote<'a>(votes: &mut Vec<(&'a str, f64)>, key: &'a str, w: f64) {
    match votes.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v += w,
        None => votes.push((key, w)),
    }
}

/// Why an owner declines a suggestion (T3 feedback the supply side can act on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    TooEarly,
    WrongField,
    TooExpensive,
    UnclearBenefit,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::TooEarly,
        DeclineReason::WrongField,
        DeclineReason::TooExpensive,
        DeclineReason::UnclearBenefit,
        DeclineReason::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            DeclineReason::TooEarly => "too_early",
            DeclineReason::WrongField => "wrong_field",
            DeclineReason::TooExpensive => "too_expensive",
            DeclineReason::UnclearBenefit => "unclear_benefit",
            DeclineReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::TooEarly => "阶段太早",
            DeclineReason::WrongField => "领域不符",
            DeclineReason::TooExpensive => "价格过高",
            DeclineReason::UnclearBenefit => "效益不清",
            DeclineReason::Other => "其他",
        }
    }

    /// The slug or the Chinese label.
    pub fn parse(s: &str) -> Option<DeclineReason> {
        let s = s.trim();
        DeclineReason::ALL
            .into_iter()
            .find(|r| r.slug() == s || r.label() == s)
    }
}

/// An owner's verdict on a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Interested,
    NotRelevant(DeclineReason),
}

impl Verdict {
    /// `interested`, or `not_relevant` with a reason (required).
    pub fn parse(verdict: &str, reason: Option<&str>) -> Result<Verdict, Code> {
        match verdict.trim() {
            "interested" | "感兴趣" => Ok(Verdict::Interested),
            "not_relevant" | "不相关" => match reason.map(str::trim).filter(|r| !r.is_empty()) {
                None => Err(Code::ReasonRequired),
                Some(r) => DeclineReason::parse(r)
                    .map(Verdict::NotRelevant)
                    .ok_or(Code::UnknownReason),
            },
            _ => Err(Code::UnknownVerdict),
        }
    }
}

/// recall@k: the share of the judged-relevant items (grade ≥ 1) found in the first k.
pub fn recall_at(k: usize, ranked: &[&str], grades: &[(&str, u8)]) -> f64 {
    let relevant: Vec<&str> = grades
        .iter()
        .filter(|(_, g)| *g >= 1)
        .map(|(id, _)| *id)
        .collect();
    if relevant.is_empty() {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| relevant.contains(id))
        .count();
    found as f64 / relevant.len() as f64
}

/// nDCG@k with gain 2^grade − 1 and discount log2(rank + 1), over the ideal order of the grades.
pub fn ndcg_at(k: usize, ranked: &[&str], grades: &[(&str, u8)]) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let grade = |id: &str| grades.iter().find(|(j, _)| *j == id).map_or(0, |(_, g)| *g);
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(grade(id)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = grades.iter().map(|(_, g)| *g).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(field: &str, ipc: &[&str], modes: &[&str], wan: Option<i64>, district: &str) -> Side {
        Side {
            field: Some(field.into()),
            field_inferred: false,
            ipc: ipc.iter().map(|s| s.to_string()).collect(),
            ipc_inferred: false,
            modes: modes.iter().map(|s| s.to_string()).collect(),
            price: wan.map(|w| Fen::from_fen(w * 1_000_000).unwrap()),
            district_code: Some(district.into()),
            district_name: Some("徐汇区".into()),
        }
    }

    fn text(relevance: f64, terms: &[&str]) -> TextEvidence {
        TextEvidence {
            relevance,
            shared_terms: terms.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// T3: every part of the score and its reason in Chinese.
    #[test]
    fn a_perfect_pair_scores_100_with_every_reason() {
        let d = side("新材料", &["H01M 50/40"], &["许可"], Some(80), "310104");
        let s = side("新材料", &["H01M 50/44"], &["独占许可"], Some(50), "310104");
        let scored = score_pair(&d, &s, &text(1.0, &["隔膜", "涂覆"]));
        assert_eq!(scored.score, 100.0);
        let texts: Vec<String> = scored.reasons.iter().map(Reason::text).collect();
        assert_eq!(
            texts,
            [
                "共同关键词：隔膜、涂覆",
                "IPC 同大组 H01M 50",
                "技术领域相同：新材料",
                "合作方式相符：许可",
                "参考价格 50 万元在预算 80 万元以内",
                "同在徐汇区",
            ]
        );
    }

    /// T3: each mismatch costs exactly its weight.
    #[test]
    fn mismatches_cost_their_weights() {
        let d = side("新材料", &["H01M 50/40"], &["转让"], Some(30), "310104");
        let s = side(
            "电子信息",
            &["G06T 7/00"],
            &["技术服务"],
            Some(50),
            "310115",
        );
        let scored = score_pair(&d, &s, &text(0.5, &[]));
        assert_eq!(scored.score, 27.5);
        assert!(scored.reasons.is_empty(), "{:?}", scored.reasons);
        // Same subclass only: 60 % of the IPC weight.
        let s2 = side(
            "电子信息",
            &["H01M 10/0525"],
            &["技术服务"],
            Some(50),
            "310115",
        );
        let scored = score_pair(&d, &s2, &text(0.5, &[]));
        assert_eq!(scored.score, 27.5 + 9.0);
        assert_eq!(
            scored.reasons[0].text(),
            "IPC 同小类 H01M",
            "{:?}",
            scored.reasons
        );
        // 面议 on either side: half the price weight, and said so.
        let s3 = side("电子信息", &["G06T 7/00"], &["技术服务"], None, "310115");
        let scored = score_pair(&d, &s3, &text(0.5, &[]));
        assert_eq!(scored.score, 30.0);
        assert_eq!(scored.reasons, [Reason::PriceNegotiable]);
    }

    /// T3: an inferred field or IPC counts less and says it was inferred.
    #[test]
    fn inferred_field_and_ipc_count_less_and_say_so() {
        let mut d = side("新材料", &["H01M"], &["转让"], Some(30), "310104");
        d.ipc_inferred = true;
        d.field_inferred = true;
        let s = side("新材料", &["H01M 50/40"], &["技术服务"], Some(50), "310115");
        let scored = score_pair(&d, &s, &text(0.0, &[]));
        // IPC subclass 15 × 0.6 × 0.7 = 6.3, field 10 × 0.7 = 7.
        assert_eq!(scored.score, 13.3);
        assert_eq!(
            scored.reasons.iter().map(Reason::text).collect::<Vec<_>>(),
            [
                "IPC 同小类 H01M（据文本推断）",
                "技术领域相同：新材料（据文本推断）"
            ]
        );
    }

    /// T3: field and IPC are inferred from the nearest supplies' votes, or not at all.
    #[test]
    fn inference_needs_a_clear_majority() {
        let battery = ["H01M 50/40".to_string(), "H01M 10/0525".to_string()];
        let vision = ["G06T 7/00".to_string()];
        let n = |relevance, field, ipc| Neighbour {
            relevance,
            field: Some(field),
            ipc,
        };
        let clear = infer(&[
            n(1.0, "新能源与节能", &battery),
            n(0.8, "新能源与节能", &battery),
            n(0.3, "电子信息", &vision),
        ]);
        assert_eq!(clear.field.as_deref(), Some("新能源与节能"));
        assert_eq!(clear.ipc_subclasses, ["H01M"]);
        let split = infer(&[
            n(1.0, "新能源与节能", &battery),
            n(1.0, "电子信息", &vision),
            n(1.0, "新材料", &[]),
        ]);
        assert_eq!(split, Inferred::default());
        assert_eq!(infer(&[n(1.0, "新材料", &vision)]), Inferred::default());
    }

    /// T3: feedback reason codes, by slug or label; declining needs a reason.
    #[test]
    fn verdicts_and_reason_codes() {
        assert_eq!(Verdict::parse("interested", None), Ok(Verdict::Interested));
        assert_eq!(
            Verdict::parse("not_relevant", Some("价格过高")),
            Ok(Verdict::NotRelevant(DeclineReason::TooExpensive))
        );
        assert_eq!(
            Verdict::parse("not_relevant", Some("too_early")),
            Ok(Verdict::NotRelevant(DeclineReason::TooEarly))
        );
        assert_eq!(
            Verdict::parse("not_relevant", None),
            Err(Code::ReasonRequired)
        );
        assert_eq!(
            Verdict::parse("not_relevant", Some("太贵")),
            Err(Code::UnknownReason)
        );
        assert_eq!(Verdict::parse("maybe", None), Err(Code::UnknownVerdict));
    }

    /// T3 (evaluation): recall@k and nDCG@k as defined in the eval README.
    #[test]
    fn recall_and_ndcg() {
        let grades = [("S1", 2), ("S2", 1), ("S3", 1)];
        assert_eq!(recall_at(10, &["S9", "S1", "S3"], &grades), 2.0 / 3.0);
        assert_eq!(recall_at(1, &["S9", "S1", "S3"], &grades), 0.0);
        assert_eq!(ndcg_at(10, &["S1", "S2", "S3"], &grades), 1.0);
        // S1 at rank 2 instead of 1: DCG = 3/log2(3), IDCG = 3 + 1/log2(3) + 1/2.
        let dcg = 3.0 / 3f64.log2();
        let idcg = 3.0 + 1.0 / 3f64.log2() + 0.5;
        let got = ndcg_at(10, &["S9", "S1"], &grades);
        assert!((got - dcg / idcg).abs() < 1e-12, "{got}");
        assert_eq!(ndcg_at(10, &["S9"], &[]), 0.0);
    }

    #[test]
    fn issue18_t3_reasons_fit_on_one_line_of_chips() {
        let terms = Reason::SharedTerms {
            terms: ["锂电池", "隔膜", "涂覆", "陶瓷"]
                .map(String::from)
                .to_vec(),
        };
        assert_eq!(terms.chip(), "关键词 锂电池·隔膜·涂覆…");
        assert_eq!(
            Reason::SameIpcSubclass {
                subclass: "H01M".into(),
                inferred: true
            }
            .chip(),
            "≈IPC H01M"
        );
        assert_eq!(
            Reason::PriceWithinBudget {
                price_wan: "80".into(),
                budget_wan: "100".into()
            }
            .chip(),
            "价格在预算内"
        );
        assert_eq!(
            Reason::ModesFit {
                modes: vec!["许可".into(), "转让".into()]
            }
            .chip(),
            "许可/转让"
        );
    }
}
