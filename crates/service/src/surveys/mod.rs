//! Satisfaction surveys (K6, T7): creating a survey (or copying last year's), listing, opening and
//! closing here; invitations with one-time tokens ([`invite`]); answering without a login, by
//! token or through the public link with a per-address rate limit ([`respond`]); the results by
//! both methods, free-text search, themes and an event's rating ([`results`]); the yearly report
//! as DOCX ([`report`]).
//!
//! Who may do what is `zhiyun_domain::policy` (`can_create_survey`, `can_manage_survey`,
//! `can_read_survey_results`, `can_answer_survey`, `can_read_event_rating`); the rules are
//! `zhiyun_domain::survey`.

use zhiyun_domain::code::Code;
use zhiyun_domain::policy::{self, DistrictView};
use zhiyun_domain::survey::{ResponseWindow, SurveyInput, check_survey, copy_to_year};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::StoreError;
use zhiyun_store::surveys::SurveyFilter;

use crate::{Ctx, Error, Principal, Result};

pub mod invite;
pub mod report;
pub mod respond;
pub mod results;

pub use invite::{Invited, IssuedInvitation, invite};
pub use report::{ReportFile, report_docx};
pub use respond::{PublicForm, Respond, TokenState, event_survey_id, form, respond};
pub use results::{
    EventRating, K6Survey, ResultsQuery, SurveyResults, TextAnswer, Theme, event_rating,
    k6_overall, k6_surveys, results,
};
pub use zhiyun_store::surveys::{InvitationRow, SurveyRecord, Via};

/// A survey and whether it takes responses today.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveySummary {
    pub survey: SurveyRecord,
    pub window: ResponseWindow,
}

impl SurveySummary {
    fn of(ctx: &Ctx, survey: SurveyRecord) -> SurveySummary {
        SurveySummary {
            window: window(ctx, &survey),
            survey,
        }
    }
}

/// Whether `s` takes responses today (closed by hand, or by its dates).
pub fn window(ctx: &Ctx, s: &SurveyRecord) -> ResponseWindow {
    ResponseWindow::of_survey(s.closed, s.opens_on, s.closes_on, ctx.clock.today())
}

/// May the caller build surveys at all (the builder is for those who may)? 403 otherwise.
pub fn may_create(user: &Principal) -> Result<()> {
    let actor = user.actor();
    if policy::can_create_survey(&actor, actor.district.as_deref()) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Create a survey owned by the caller's organisation (cluster operators and district bureaus
/// for their district, the municipal bureau for any district or the whole city). A linked event
/// must exist. Responses are taken from creation (within its dates) until it is closed.
pub async fn create(ctx: &Ctx, user: &Principal, input: &SurveyInput) -> Result<SurveyRecord> {
    let s = check_survey(input, ctx.clock.today())?;
    let actor = user.actor();
    if !policy::can_create_survey(&actor, s.district_code) {
        return Err(Error::forbidden_because(match s.district_code {
            Some(_) => "只能为本机构所在区创建问卷",
            None => "全市范围的问卷由市知识产权局创建",
        }));
    }
    if let Some(event_id) = s.event_id {
        match ctx.db.event_get(event_id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(Error::invalid(vec![FieldError::new(
                    "event_id",
                    Code::NotFound,
                    format!("活动 {event_id} 不存在"),
                )]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ctx.db.survey_create(&s, user.org_id, &user.who()).await?)
}

/// Copy a survey as another year's (default: the next year): the same items, district and
/// audience, the year in the title replaced; no event, invitations or dates. The copy is the
/// caller's own; only the owner of the original copies it.
pub async fn copy(ctx: &Ctx, user: &Principal, id: i64, year: Option<i32>) -> Result<SurveyRecord> {
    let original = managed(ctx, user, id).await?;
    let input = copy_to_year(&original.survey(), year.unwrap_or(original.year + 1));
    create(ctx, user, &input).await
}

/// Surveys the caller may read the results of, in a year or all years (operators and bureaus;
/// 403 for roles that oversee no district).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyList {
    pub year: Option<i32>,
    /// Years with surveys the caller sees, newest first.
    pub years: Vec<i32>,
    pub surveys: Vec<SurveySummary>,
    /// The caller may build surveys.
    pub may_create: bool,
}

pub async fn list(ctx: &Ctx, user: &Principal, year: Option<i32>) -> Result<SurveyList> {
    let actor = user.actor();
    if !actor.admin && policy::district_view(&actor) == DistrictView::None {
        return Err(Error::forbidden());
    }
    let all = ctx.db.survey_list(&SurveyFilter::default()).await?;
    let readable: Vec<SurveyRecord> = all
        .into_iter()
        .filter(|s| policy::can_read_survey_results(&actor, s.owner_org_id, s.district_code))
        .collect();
    let mut years: Vec<i32> = readable.iter().map(|s| s.year).collect();
    years.dedup();
    Ok(SurveyList {
        year,
        years,
        surveys: readable
            .into_iter()
            .filter(|s| year.is_none_or(|y| s.year == y))
            .map(|s| SurveySummary::of(ctx, s))
            .collect(),
        may_create: may_create(user).is_ok(),
    })
}

/// A survey's page for the operator and its overseers: the survey, whom it invited, last year's
/// survey of the same district (to compare and to copy from).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyPage {
    pub summary: SurveySummary,
    /// The caller owns it: opens, closes, invites, copies.
    pub manage: bool,
    /// The organisations invited through the platform (whether each answered is not shown:
    /// responses are anonymous).
    pub invitations: Vec<InvitationRow>,
    pub previous: Option<SurveyRecord>,
}

pub async fn page(ctx: &Ctx, user: &Principal, id: i64) -> Result<SurveyPage> {
    let survey = readable(ctx, user, id).await?;
    let invitations = ctx.db.survey_invitations(id).await?;
    let previous = previous_year(ctx, &survey).await?;
    Ok(SurveyPage {
        manage: policy::can_manage_survey(&user.actor(), survey.owner_org_id),
        summary: SurveySummary::of(ctx, survey),
        invitations,
        previous,
    })
}

/// One survey as the API describes it (its items; public, as the response form is).
pub async fn get(ctx: &Ctx, id: i64) -> Result<SurveySummary> {
    let survey = ctx.db.survey_get(id).await?;
    Ok(SurveySummary::of(ctx, survey))
}

/// Close a survey (no more responses), or open it again — when its closing date has passed,
/// opening drops that date. The owner only.
pub async fn set_open(ctx: &Ctx, user: &Principal, id: i64, open: bool) -> Result<SurveySummary> {
    let s = managed(ctx, user, id).await?;
    let past_close = s.closes_on.is_some_and(|c| c < ctx.clock.today());
    let s = ctx
        .db
        .survey_set_closed(id, !open, open && past_close, &user.who())
        .await?;
    Ok(SurveySummary::of(ctx, s))
}

/// Last year's survey of the same district and audience (not an event's), if any: the newest.
pub(crate) async fn previous_year(ctx: &Ctx, s: &SurveyRecord) -> Result<Option<SurveyRecord>> {
    let candidates = ctx
        .db
        .survey_list(&SurveyFilter {
            year: Some(s.year - 1),
            district: Some(s.district_code.map(str::to_string)),
            ..Default::default()
        })
        .await?;
    let yearly = |c: &&SurveyRecord| c.event_id.is_none() && c.id != s.id;
    Ok(candidates
        .iter()
        .filter(yearly)
        .find(|c| c.audience == s.audience)
        .or_else(|| candidates.iter().find(yearly))
        .cloned())
}

/// The survey if the caller may read its results: 404 when there is none, 403 otherwise.
pub(crate) async fn readable(ctx: &Ctx, user: &Principal, id: i64) -> Result<SurveyRecord> {
    let s = ctx.db.survey_get(id).await?;
    if !policy::can_read_survey_results(&user.actor(), s.owner_org_id, s.district_code) {
        return Err(Error::forbidden());
    }
    Ok(s)
}

/// The survey if the caller owns it: 404 when there is none, 403 otherwise.
pub(crate) async fn managed(ctx: &Ctx, user: &Principal, id: i64) -> Result<SurveyRecord> {
    let s = ctx.db.survey_get(id).await?;
    if !policy::can_manage_survey(&user.actor(), s.owner_org_id) {
        return Err(Error::forbidden());
    }
    Ok(s)
}

/// The home page's card: the surveys taking responses now that the caller may read, with the
/// responses so far. `None` for roles that oversee no district.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyCard {
    pub open: Vec<SurveySummary>,
    pub this_year: i32,
    /// Surveys of this year (open or not).
    pub this_year_count: usize,
}

pub async fn home_card(ctx: &Ctx, user: &Principal) -> Result<Option<SurveyCard>> {
    let this_year = ctx.clock.this_year();
    match list(ctx, user, None).await {
        Ok(l) => Ok(Some(SurveyCard {
            this_year,
            this_year_count: l
                .surveys
                .iter()
                .filter(|s| s.survey.year == this_year)
                .count(),
            open: l
                .surveys
                .into_iter()
                .filter(|s| s.window == ResponseWindow::Open)
                .collect(),
        })),
        Err(e) if e.kind == crate::Kind::Forbidden => Ok(None),
        Err(e) => Err(e),
    }
}

/// What the survey builder offers the caller: this year, the districts it may build for (`None`
/// in the list = city-wide) and the events its organisation runs (to rate one).
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    pub this_year: i32,
    pub districts: Vec<(Option<&'static str>, &'static str)>,
    /// (id, title, start date) of the caller's events, newest first.
    pub events: Vec<(i64, String, String)>,
}

/// The builder's choices (403 for those who build no surveys).
pub async fn builder(ctx: &Ctx, user: &Principal) -> Result<Builder> {
    may_create(user)?;
    let actor = user.actor();
    let mut districts: Vec<(Option<&'static str>, &'static str)> = Vec::new();
    if policy::can_create_survey(&actor, None) {
        districts.push((None, "全市"));
    }
    districts.extend(
        zhiyun_domain::district::all()
            .filter(|d| policy::can_create_survey(&actor, Some(d.code)))
            .map(|d| (Some(d.code), d.name)),
    );
    let events = ctx
        .db
        .event_list(crate::events::LIST_LIMIT)
        .await?
        .into_iter()
        .filter(|e| policy::can_manage_event(&actor, e.organiser_org_id))
        .map(|e| (e.id, e.title, e.starts_at.date().to_string()))
        .collect();
    Ok(Builder {
        this_year: ctx.clock.this_year(),
        districts,
        events,
    })
}
