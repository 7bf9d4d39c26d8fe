//! What the survey API answers and the survey pages show, built from the use cases' records.

use serde::Serialize;
use zhiyun_domain::decimal::Dec2;
use zhiyun_domain::survey::{
    ItemKind, ItemResult, Method, RATING_LABELS, ResponseWindow, Satisfaction, SurveyItem,
};
use zhiyun_service::charts::BarChart;
use zhiyun_service::surveys::{EventRating, SurveyResults, SurveySummary, Theme};

fn dec(v: Option<Dec2>) -> Option<String> {
    v.map(|d| d.to_string())
}

/// A survey as listed and described.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub district_code: Option<String>,
    /// 徐汇区, or 全市.
    pub district_name: String,
    /// enterprises | universities | event_participants | everyone
    pub audience: String,
    pub audience_label: String,
    pub event_id: Option<i64>,
    pub owner_org_id: i64,
    pub owner_name: String,
    /// not_yet_open | open | closed
    pub status: String,
    pub status_label: String,
    pub closed: bool,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    /// The response rate's denominator: invited outside the platform plus invitations sent.
    pub invited: u32,
    pub invited_stated: Option<u32>,
    pub invitations: u32,
    pub invitations_used: u32,
    pub responses: u64,
    /// The public response form's path.
    pub response_path: String,
    pub items: Vec<ItemView>,
}

/// An item of a survey.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// From 1.
    pub number: usize,
    /// rating | choice | multi_choice | text
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub overall: bool,
    pub required: bool,
    pub options: Vec<String>,
}

impl ItemView {
    pub fn of(i: usize, it: &SurveyItem) -> ItemView {
        ItemView {
            number: i + 1,
            kind: it.kind.slug().into(),
            kind_label: it.kind.label().into(),
            text: it.text.clone(),
            overall: it.overall,
            required: it.required,
            options: it.options.clone(),
        }
    }
}

pub fn window_slug(w: ResponseWindow) -> &'static str {
    match w {
        ResponseWindow::NotYetOpen => "not_yet_open",
        ResponseWindow::Open => "open",
        ResponseWindow::Closed => "closed",
    }
}

impl SurveyView {
    pub fn of(s: &SurveySummary) -> SurveyView {
        let r = &s.survey;
        SurveyView {
            id: r.id,
            title: r.title.clone(),
            year: r.year,
            district_code: r.district_code.map(str::to_string),
            district_name: r.district_name().into(),
            audience: r.audience.slug().into(),
            audience_label: r.audience.label().into(),
            event_id: r.event_id,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name.clone(),
            status: window_slug(s.window).into(),
            status_label: s.window.label().into(),
            closed: r.closed,
            opens_on: r.opens_on.map(|d| d.to_string()),
            closes_on: r.closes_on.map(|d| d.to_string()),
            invited: r.invited(),
            invited_stated: r.invited_stated,
            invitations: r.invitations,
            invitations_used: r.invitations_used,
            responses: r.responses,
            response_path: format!("/s/{}", r.id),
            items: r
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| ItemView::of(i, it))
                .collect(),
        }
    }
}

/// Satisfaction by both methods, and the one the target is judged by.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SatisfactionView {
    /// Share of valid answers rated 5 or 4, percent, two places (`"80.00"`); null without answers.
    pub top_two_pct: Option<String>,
    /// Mean of 100/80/60/30/0 points, two places (`"81.00"`).
    pub weighted_score: Option<String>,
    /// top_two | weighted: the method `met` is judged by.
    pub method: String,
    pub method_label: String,
}

impl SatisfactionView {
    pub fn of(s: &Satisfaction) -> SatisfactionView {
        SatisfactionView {
            top_two_pct: dec(s.top_two_pct),
            weighted_score: dec(s.weighted_score),
            method: s.method.slug().into(),
            method_label: s.method.label().into(),
        }
    }
}

/// A method with its figure and how it is computed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MethodView {
    pub method: String,
    pub label: String,
    pub description: String,
    pub value: Option<String>,
    /// The figure the target is judged by.
    pub judged: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BarView {
    /// The rating (5 → 1) or the option's number (from 1).
    pub value: u16,
    pub label: String,
    pub count: u64,
    pub pct: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemResultView {
    pub number: usize,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub overall: bool,
    pub answered: u64,
    pub skipped: u64,
    pub bars: Vec<BarView>,
    /// Rating items only.
    pub satisfaction: Option<SatisfactionView>,
    /// Text items only: every answer in the order received.
    pub texts: Vec<String>,
    /// The bar chart as inline SVG (pages; not in the API).
    #[serde(skip)]
    pub chart_svg: Option<String>,
}

impl ItemResultView {
    pub fn of(i: &ItemResult) -> ItemResultView {
        ItemResultView {
            number: i.number,
            kind: i.kind.slug().into(),
            kind_label: i.kind.label().into(),
            text: i.text.clone(),
            overall: i.overall,
            answered: i.answered,
            skipped: i.skipped,
            bars: i
                .bars
                .iter()
                .map(|b| BarView {
                    value: b.value,
                    label: b.label.clone(),
                    count: b.count,
                    pct: dec(b.pct),
                })
                .collect(),
            satisfaction: i.satisfaction.as_ref().map(SatisfactionView::of),
            texts: i.texts.clone(),
            chart_svg: BarChart::of_item(i).map(|c| c.svg(640)),
        }
    }

    pub fn is_text(&self) -> bool {
        self.kind == ItemKind::Text.slug()
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TextAnswerView {
    /// The item (from 1).
    pub item: usize,
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThemeView {
    pub word: String,
    pub answers: usize,
    pub examples: Vec<String>,
}

impl ThemeView {
    fn of(t: &Theme) -> ThemeView {
        ThemeView {
            word: t.word.clone(),
            answers: t.answers,
            examples: t.examples.clone(),
        }
    }
}

/// `GET /api/v1/surveys/{id}/results`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultsView {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub status: String,
    /// Valid responses (their answers fit the items).
    pub valid: u64,
    pub invalid: u64,
    pub invited: u32,
    /// valid ÷ invited, percent, two places; null when nobody was invited.
    pub response_rate: Option<String>,
    pub satisfaction: SatisfactionView,
    /// Both methods with their figures and descriptions.
    pub methods: Vec<MethodView>,
    /// `"90"`.
    pub target_pct: String,
    /// The overall item's figure by `satisfaction.method` is at least the target; null without
    /// valid answers.
    pub met: Option<bool>,
    pub items: Vec<ItemResultView>,
    /// The free-text search (`?q=`), and the answers it found (all without one).
    pub q: Option<String>,
    pub texts: Vec<TextAnswerView>,
    pub texts_total: usize,
    pub themes: Vec<ThemeView>,
    pub by_invitation: u64,
    pub by_link: u64,
    /// Organisations respondents chose to name.
    pub named: Vec<String>,
}

impl ResultsView {
    pub fn of(r: &SurveyResults) -> ResultsView {
        let s = &r.result.satisfaction;
        ResultsView {
            id: r.survey.id,
            title: r.survey.title.clone(),
            year: r.survey.year,
            status: window_slug(r.window).into(),
            valid: r.result.valid,
            invalid: r.result.invalid,
            invited: r.result.invited,
            response_rate: dec(r.result.response_rate),
            satisfaction: SatisfactionView::of(s),
            methods: Method::ALL
                .iter()
                .map(|m| MethodView {
                    method: m.slug().into(),
                    label: m.label().into(),
                    description: m.description().into(),
                    value: dec(match m {
                        Method::TopTwo => s.top_two_pct,
                        Method::Weighted => s.weighted_score,
                    }),
                    judged: *m == s.method,
                })
                .collect(),
            target_pct: r.result.target_pct.clone(),
            met: r.result.met,
            items: r.result.items.iter().map(ItemResultView::of).collect(),
            q: r.q.clone(),
            texts: r
                .texts
                .iter()
                .map(|t| TextAnswerView {
                    item: t.item,
                    text: t.text.clone(),
                })
                .collect(),
            texts_total: r.texts_total,
            themes: r.themes.iter().map(ThemeView::of).collect(),
            by_invitation: r.by_invitation,
            by_link: r.by_link,
            named: r.named.clone(),
        }
    }
}

/// An event's rating as its page shows it.
#[derive(Debug, Clone)]
pub struct RatingView {
    pub survey_id: i64,
    pub title: String,
    pub valid: u64,
    pub top_two_pct: Option<String>,
    pub weighted_score: Option<String>,
    pub top_two_label: &'static str,
    pub weighted_label: &'static str,
    pub met: Option<bool>,
    pub target_pct: String,
    pub open: bool,
}

impl RatingView {
    pub fn of(r: &EventRating) -> RatingView {
        RatingView {
            survey_id: r.survey_id,
            title: r.title.clone(),
            valid: r.valid,
            top_two_pct: dec(r.satisfaction.top_two_pct),
            weighted_score: dec(r.satisfaction.weighted_score),
            top_two_label: Method::TopTwo.label(),
            weighted_label: Method::Weighted.label(),
            met: r.met,
            target_pct: r.target_pct.clone(),
            open: r.open,
        }
    }
}

/// The five points of the scale as the form shows them, best first.
pub fn rating_choices() -> Vec<(u8, &'static str)> {
    RATING_LABELS.to_vec()
}
