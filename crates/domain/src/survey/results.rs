//! Results of a survey (issue 15, K6): per item the distribution, and for ratings the satisfaction
//! by both published methods, each named beside its figure. All figures are exact integer
//! arithmetic rounded half up to two places ([`Dec2`]).

use serde::Serialize;

use super::response::fits;
use super::{Answer, ItemKind, SurveyItem};
use crate::decimal::Dec2;

/// The five points of the scale, in the order the form shows them.
pub const RATING_LABELS: [(u8, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "一般"),
    (2, "不满意"),
    (1, "非常不满意"),
];

/// Points of the weighted score for ratings 1..=5 (非常不满意 0 … 非常满意 100).
pub const RATING_POINTS: [u64; 5] = [0, 30, 60, 80, 100];

/// K6: satisfaction of at least 90 %.
pub const TARGET_PCT: Dec2 = Dec2::from_int(90);

pub fn rating_label(rating: u8) -> Option<&'static str> {
    RATING_LABELS
        .iter()
        .find(|(v, _)| *v == rating)
        .map(|(_, l)| *l)
}

/// How satisfaction is computed. Both are published practice; K6 uses the top-two share by
/// default (DOMAIN.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    TopTwo,
    Weighted,
}

impl Method {
    pub const ALL: [Method; 2] = [Method::TopTwo, Method::Weighted];

    pub fn slug(self) -> &'static str {
        match self {
            Method::TopTwo => "top_two",
            Method::Weighted => "weighted",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::TopTwo => "满意率（前两项占比法）",
            Method::Weighted => "满意度得分（加权平均法）",
        }
    }

    /// One sentence shown beside the figure and in the report.
    pub fn description(self) -> &'static str {
        match self {
            Method::TopTwo => {
                "满意率 = 总体满意度题有效回答中选择“非常满意”或“满意”的份数 ÷ 有效回答份数 × 100%。"
            }
            Method::Weighted => {
                "满意度得分 = 各有效回答按“非常满意”100 分、“满意”80 分、“一般”60 分、“不满意”30 分、“非常不满意”0 分计分后的平均分。"
            }
        }
    }
}

/// How many answers gave each rating. Counts of several surveys add up ([`RatingCounts::merge`]):
/// K6 pools the overall items of a district's surveys of a year, one response one vote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RatingCounts {
    /// `counts[r − 1]` answers rated r.
    pub counts: [u64; 5],
}

impl RatingCounts {
    /// Count a rating; `false` (and nothing counted) outside 1–5.
    pub fn add(&mut self, rating: u8) -> bool {
        self.add_n(i64::from(rating), 1)
    }

    /// Count `n` answers of one rating (as a store counts them); `false` (and nothing counted)
    /// for a rating outside 1–5.
    pub fn add_n(&mut self, rating: i64, n: u64) -> bool {
        match rating {
            1..=5 => {
                self.counts[rating as usize - 1] += n;
                true
            }
            _ => false,
        }
    }

    pub fn merge(&mut self, other: &RatingCounts) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
    }

    pub fn count(&self, rating: u8) -> u64 {
        match rating {
            1..=5 => self.counts[usize::from(rating) - 1],
            _ => 0,
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Share of ratings that are 4 or 5, in percent; `None` without ratings.
    pub fn top_two_pct(&self) -> Option<Dec2> {
        Dec2::pct(
            u128::from(self.count(4) + self.count(5)),
            u128::from(self.total()),
        )
    }

    /// Mean of 100/80/60/30/0 points for ratings 5/4/3/2/1; `None` without ratings.
    pub fn weighted_score(&self) -> Option<Dec2> {
        let points: u128 = self
            .counts
            .iter()
            .zip(RATING_POINTS)
            .map(|(c, p)| u128::from(*c) * u128::from(p))
            .sum();
        Dec2::ratio(points, u128::from(self.total()))
    }

    pub fn figure(&self, method: Method) -> Option<Dec2> {
        match method {
            Method::TopTwo => self.top_two_pct(),
            Method::Weighted => self.weighted_score(),
        }
    }

    pub fn satisfaction(&self, method: Method) -> Satisfaction {
        Satisfaction {
            top_two_pct: self.top_two_pct(),
            weighted_score: self.weighted_score(),
            method,
        }
    }
}

/// Both figures, and the method that is judged against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Satisfaction {
    pub top_two_pct: Option<Dec2>,
    pub weighted_score: Option<Dec2>,
    pub method: Method,
}

/// Is the target met? Judged on the figure as published (two places), so the flag never
/// contradicts the number shown; `None` without a figure.
pub fn meets_target(figure: Option<Dec2>) -> Option<bool> {
    figure.map(|f| f >= TARGET_PCT)
}

/// Valid responses ÷ invited, in percent; `None` when nobody was invited. May exceed 100 when
/// the open link brought more responses than invitations.
pub fn response_rate(valid: u64, invited: u64) -> Option<Dec2> {
    Dec2::pct(u128::from(valid), u128::from(invited))
}

/// One bar of an item's chart: a rating value or an option number, its label, its count and its
/// share of the item's answers (for multiple choice the shares add up to more than 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub value: u16,
    pub label: String,
    pub count: u64,
    pub pct: Option<Dec2>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    /// From 1, as on the form.
    pub number: usize,
    pub kind: ItemKind,
    pub text: String,
    pub overall: bool,
    /// Valid responses that answered this item, and that skipped it.
    pub answered: u64,
    pub skipped: u64,
    /// Ratings 5 → 1, or the options in order; empty for text items.
    pub bars: Vec<Bar>,
    /// Rating items only.
    pub satisfaction: Option<Satisfaction>,
    /// Text items only: the answers in the order received.
    pub texts: Vec<String>,
}

/// `GET /api/v1/surveys/{id}/results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyResult {
    /// Responses whose answers fit the survey's items.
    pub valid: u64,
    /// Responses that no longer fit (the items changed after they came): not counted anywhere.
    pub invalid: u64,
    pub invited: u32,
    pub response_rate: Option<Dec2>,
    /// The overall item's figures.
    pub satisfaction: Satisfaction,
    /// `"90"`.
    pub target_pct: String,
    /// `None` when the overall item has no valid answer.
    pub met: Option<bool>,
    /// The overall item's ratings, for pooling into K6.
    pub overall: RatingCounts,
    pub items: Vec<ItemResult>,
}

/// The results of `responses` (each a checked answer list) to a survey with these items.
/// Satisfaction and `met` come from the overall item, judged by `method`.
pub fn survey_results(
    items: &[SurveyItem],
    responses: &[Vec<Answer>],
    invited: u32,
    method: Method,
) -> SurveyResult {
    let valid: Vec<&Vec<Answer>> = responses
        .iter()
        .filter(|r| r.len() == items.len() && items.iter().zip(r.iter()).all(|(i, a)| fits(i, a)))
        .collect();
    let item_results: Vec<(ItemResult, RatingCounts)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| item_result(i, item, valid.iter().map(|r| &r[i]), method))
        .collect();
    let overall = items
        .iter()
        .position(|i| i.overall)
        .map(|p| item_results[p].1)
        .unwrap_or_default();
    let satisfaction = overall.satisfaction(method);
    SurveyResult {
        valid: valid.len() as u64,
        invalid: (responses.len() - valid.len()) as u64,
        invited,
        response_rate: response_rate(valid.len() as u64, u64::from(invited)),
        satisfaction,
        target_pct: crate::kpi::Indicator::K6
            .target()
            .target_pct()
            .unwrap_or_default(),
        met: meets_target(overall.figure(method)),
        overall,
        items: item_results.into_iter().map(|(r, _)| r).collect(),
    }
}

fn item_result<'a>(
    i: usize,
    item: &SurveyItem,
    answers: impl Iterator<Item = &'a Answer>,
    method: Method,
) -> (ItemResult, RatingCounts) {
    let mut ratings = RatingCounts::default();
    let mut option_counts = vec![0u64; item.options.len()];
    let mut texts = Vec::new();
    let (mut answered, mut skipped) = (0u64, 0u64);
    for a in answers {
        match a {
            Answer::Skipped => {
                skipped += 1;
                continue;
            }
            Answer::Rating(v) => {
                ratings.add(*v);
            }
            Answer::Choice(p) => option_counts[usize::from(*p) - 1] += 1,
            Answer::Choices(ps) => {
                for p in ps {
                    option_counts[usize::from(*p) - 1] += 1;
                }
            }
            Answer::Text(t) => texts.push(t.clone()),
        }
        answered += 1;
    }
    let share = |c: u64| Dec2::pct(u128::from(c), u128::from(answered));
    let bars = match item.kind {
        ItemKind::Rating => RATING_LABELS
            .iter()
            .map(|(v, l)| Bar {
                value: u16::from(*v),
                label: l.to_string(),
                count: ratings.count(*v),
                pct: share(ratings.count(*v)),
            })
            .collect(),
        ItemKind::Choice | ItemKind::MultiChoice => item
            .options
            .iter()
            .zip(&option_counts)
            .enumerate()
            .map(|(j, (o, c))| Bar {
                value: j as u16 + 1,
                label: o.clone(),
                count: *c,
                pct: share(*c),
            })
            .collect(),
        ItemKind::Text => Vec::new(),
    };
    let result = ItemResult {
        number: i + 1,
        kind: item.kind,
        text: item.text.clone(),
        overall: item.overall,
        answered,
        skipped,
        bars,
        satisfaction: (item.kind == ItemKind::Rating).then(|| ratings.satisfaction(method)),
        texts,
    };
    (result, ratings)
}
