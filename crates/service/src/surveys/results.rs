//! A survey's results (the domain's `survey_results`: per item the distribution, satisfaction by
//! both methods, valid responses, response rate, the ≥ 90 % flag), its free-text answers with a
//! contains-search and their themes; an event's rating for its page; K6's pooled overall ratings
//! of a district's yearly surveys.

use zhiyun_domain::policy;
use zhiyun_domain::survey::response::fits;
use zhiyun_domain::survey::themes::keywords;
use zhiyun_domain::survey::{
    Answer, ItemKind, Method, RatingCounts, ResponseWindow, Satisfaction, SurveyResult,
    survey_results,
};
use zhiyun_store::surveys::{ResponseRecord, SurveyFilter, SurveyRecord, Via};

use super::{readable, window};
use crate::{Ctx, Error, Principal, Result};

/// Themes listed.
pub const THEMES_MAX: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultsQuery {
    /// The method `met` is judged by; default the top-two share (K6).
    pub method: Option<Method>,
    /// Only free-text answers containing this (case-insensitive).
    pub q: Option<String>,
}

/// A free-text answer and the item (from 1) it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextAnswer {
    pub item: usize,
    pub text: String,
}

/// A phrase repeated across free-text answers, with up to three of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub word: String,
    pub answers: usize,
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResults {
    pub survey: SurveyRecord,
    pub window: ResponseWindow,
    pub method: Method,
    pub result: SurveyResult,
    pub q: Option<String>,
    /// The free-text answers matching `q` (all without one), in the order received.
    pub texts: Vec<TextAnswer>,
    /// All free-text answers.
    pub texts_total: usize,
    pub themes: Vec<Theme>,
    /// Valid responses by invitation and by the public link.
    pub by_invitation: u64,
    pub by_link: u64,
    /// Organisations respondents chose to name (distinct, in the order received).
    pub named: Vec<String>,
}

/// The results of a survey and its stored responses, by `method`.
pub(crate) fn compute(
    s: &SurveyRecord,
    responses: &[ResponseRecord],
    method: Method,
) -> SurveyResult {
    let answers: Vec<Vec<Answer>> = responses.iter().map(|r| r.answers.clone()).collect();
    survey_results(&s.items, &answers, s.invited(), method)
}

fn is_valid(s: &SurveyRecord, r: &ResponseRecord) -> bool {
    r.answers.len() == s.items.len() && s.items.iter().zip(&r.answers).all(|(i, a)| fits(i, a))
}

/// The themes of every free-text answer of a result.
pub(crate) fn themes_of(result: &SurveyResult) -> Vec<Theme> {
    let all: Vec<&str> = result
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Text)
        .flat_map(|i| i.texts.iter().map(String::as_str))
        .collect();
    keywords(&all, THEMES_MAX)
        .into_iter()
        .map(|k| Theme {
            examples: k.examples.iter().map(|&i| all[i].to_string()).collect(),
            word: k.word,
            answers: k.answers,
        })
        .collect()
}

/// A survey's results for its owner and the overseers of its district (403 for others).
pub async fn results(
    ctx: &Ctx,
    user: &Principal,
    survey_id: i64,
    query: &ResultsQuery,
) -> Result<SurveyResults> {
    let survey = readable(ctx, user, survey_id).await?;
    let responses = ctx.db.survey_responses(survey_id).await?;
    let method = query.method.unwrap_or(Method::TopTwo);
    let result = compute(&survey, &responses, method);
    let valid: Vec<&ResponseRecord> = responses.iter().filter(|r| is_valid(&survey, r)).collect();
    let count = |via: Via| valid.iter().filter(|r| r.via == via).count() as u64;
    let mut named: Vec<String> = Vec::new();
    for r in &valid {
        if let Some(n) = &r.org_name
            && !named.contains(n)
        {
            named.push(n.clone());
        }
    }
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string);
    let needle = q.as_deref().map(str::to_lowercase);
    let all_texts: Vec<TextAnswer> = result
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Text)
        .flat_map(|i| {
            i.texts.iter().map(|t| TextAnswer {
                item: i.number,
                text: t.clone(),
            })
        })
        .collect();
    let texts_total = all_texts.len();
    let texts = all_texts
        .into_iter()
        .filter(|t| {
            needle
                .as_deref()
                .is_none_or(|n| t.text.to_lowercase().contains(n))
        })
        .collect();
    Ok(SurveyResults {
        window: window(ctx, &survey),
        themes: themes_of(&result),
        by_invitation: count(Via::Invitation),
        by_link: count(Via::Link),
        named,
        texts,
        texts_total,
        q,
        method,
        result,
        survey,
    })
}

/// An event's rating: the overall item of the newest survey linked to the event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRating {
    pub survey_id: i64,
    pub title: String,
    pub valid: u64,
    pub satisfaction: Satisfaction,
    pub met: Option<bool>,
    pub target_pct: String,
    /// The survey takes responses now (the page offers the link).
    pub open: bool,
}

/// The rating shown on an event's page (public), `None` when no survey is linked to the event.
pub async fn event_rating(
    ctx: &Ctx,
    viewer: Option<&Principal>,
    event_id: i64,
) -> Result<Option<EventRating>> {
    if !policy::can_read_event_rating(viewer.map(Principal::actor).as_ref()) {
        return Ok(None);
    }
    let linked = ctx
        .db
        .survey_list(&SurveyFilter {
            event_id: Some(event_id),
            ..Default::default()
        })
        .await?;
    let Some(s) = linked.into_iter().max_by_key(|s| s.id) else {
        return Ok(None);
    };
    let responses = ctx.db.survey_responses(s.id).await?;
    let result = compute(&s, &responses, Method::TopTwo);
    Ok(Some(EventRating {
        open: window(ctx, &s) == ResponseWindow::Open,
        survey_id: s.id,
        title: s.title,
        valid: result.valid,
        satisfaction: result.satisfaction,
        met: result.met,
        target_pct: result.target_pct,
    }))
}

/// One survey behind a K6 figure, with its overall item's ratings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct K6Survey {
    pub id: i64,
    pub title: String,
    pub owner_name: String,
    pub overall: RatingCounts,
}

/// The surveys K6 pools for a district (or, `None`, the city) and year: that year's surveys of the
/// district not linked to an event; for the city, every district's and the city-wide ones. For
/// those who may read the district's KPIs (403 otherwise).
pub async fn k6_surveys(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<Vec<K6Survey>> {
    if !policy::can_read_kpis(&user.actor(), district) {
        return Err(Error::forbidden());
    }
    let surveys = ctx
        .db
        .survey_list(&SurveyFilter {
            year: Some(year),
            district: district.map(|d| Some(d.to_string())),
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for s in surveys.into_iter().filter(|s| s.event_id.is_none()) {
        // The overall item's ratings, counted by the store (a city's year holds tens of
        // thousands of responses); the same counts `compute` gives, as every stored response
        // was checked against the survey's fixed items when it came.
        let mut overall = RatingCounts::default();
        if let Some(item) = s.items.iter().position(|i| i.overall) {
            for (rating, n) in ctx.db.survey_item_ratings(s.id, item).await? {
                overall.add_n(rating, u64::try_from(n).unwrap_or(0));
            }
        }
        out.push(K6Survey {
            id: s.id,
            title: s.title,
            owner_name: s.owner_name,
            overall,
        });
    }
    Ok(out)
}

/// K6's ratings for a district (or, `None`, the city: all districts' and the city-wide surveys)
/// and year: the overall items of that year's surveys not linked to an event, pooled one
/// response one vote. For
/// those who may read the district's KPIs (403 otherwise).
pub async fn k6_overall(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<RatingCounts> {
    let mut pooled = RatingCounts::default();
    for s in k6_surveys(ctx, user, district, year).await? {
        pooled.merge(&s.overall);
    }
    Ok(pooled)
}
