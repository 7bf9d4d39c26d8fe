//! Park applications (申报, A1–A6): rounds, the operator's drafts and submission, the checks, the
//! municipal review, supporting documents, the enterprise-list import and the exports.
//!
//! Every use case takes the caller: an application the caller may not read does not exist for it
//! (404); an action it may not take is 403; the domain's lifecycle
//! (`zhiyun_domain::application::lifecycle`) refuses what the application's status does not allow
//! (409). The rules are the domain's; dates come from the context's clock.
//!
//! - [`rounds`] — open a round, list them;
//! - [`editor`] — create a draft, save it (whole or one step of the form), submit it;
//! - [`review`] — check reviews, decisions, comments;
//! - [`attachments`] — supporting documents;
//! - [`enterprises`] — the enterprise list from a spreadsheet (dry run, then import);
//! - [`export`] — the 申报书 as DOCX, a round's summary as XLSX.
//!
//! Reading: [`get`], [`checks`], [`list`], [`board`] (the list with checks) and [`overview`].

use zhiyun_domain::application::{Context, Refusal, ReviewAction, RuleReview, Verdict, evaluate};
use zhiyun_domain::policy::{self, Actor};
use zhiyun_domain::time::date_of;
use zhiyun_store::applications::AppFilter;

use crate::{Ctx, Error, Principal, Result};

pub mod attachments;
pub mod editor;
pub mod enterprises;
pub mod export;
pub mod review;
pub mod rounds;

pub use zhiyun_store::applications::{
    ApplicationRecord, AttachmentRecord, ReviewRecord, RoundRecord,
};

/// The domain's refusal to move an application: a conflict the user can act on (409).
impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        let mut e = Error::conflict(r.code, r.message);
        e.field = r.field.map(str::to_string);
        e
    }
}

/// An application with its checks as they stand.
#[derive(Debug, Clone)]
pub struct Judged {
    pub record: ApplicationRecord,
    pub verdict: Verdict,
}

/// What the caller may do with an application now (access and status together), for showing the
/// right buttons; each use case still decides for itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actions {
    /// Change the body and submit.
    pub edit: bool,
    /// Review checks and decide.
    pub review: bool,
    pub comment: bool,
    pub attach: bool,
}

impl Actions {
    fn of(actor: &Actor, r: &ApplicationRecord) -> Actions {
        let scope = r.scope();
        let operator = policy::can_edit_application(actor, &scope);
        Actions {
            edit: operator && r.status.editable(),
            review: policy::can_review_application(actor) && r.status.awaits_review(),
            comment: policy::can_comment_application(actor, &scope),
            attach: operator && r.status.accepts_attachments(),
        }
    }
}

/// The application, if the caller may read it (others' drafts do not exist for them: 404).
pub(crate) async fn load_for(ctx: &Ctx, user: &Principal, id: i64) -> Result<ApplicationRecord> {
    let r = ctx.db.application_get(id).await?;
    if !policy::can_read_application(&user.actor(), &r.scope()) {
        return Err(Error::not_found());
    }
    Ok(r)
}

/// Run A1–A6 with what the store knows: the other applications naming the same agencies (A5)
/// and the reviewers' check reviews. Agreements are judged as of the submission day, or today
/// for a draft.
pub(crate) async fn judge(
    ctx: &Ctx,
    r: &ApplicationRecord,
    reviews: &[ReviewRecord],
) -> Result<Verdict> {
    let others = ctx.db.a5_other_applications(r.round_year, r.id).await?;
    let rule_reviews: Vec<RuleReview> = reviews
        .iter()
        .filter_map(|rv| match rv.action {
            ReviewAction::Check { rule, status } => Some(RuleReview {
                rule,
                status,
                comment: rv.comment.clone(),
            }),
            _ => None,
        })
        .collect();
    let as_of = r
        .submitted_at
        .map(date_of)
        .unwrap_or_else(|| ctx.clock.today());
    Ok(evaluate(
        &r.app,
        &Context {
            as_of,
            other_applications: &others,
            reviews: &rule_reviews,
        },
    ))
}

/// The application with its checks.
pub(crate) async fn judged(ctx: &Ctx, record: ApplicationRecord) -> Result<Judged> {
    let reviews = ctx.db.review_list(record.id).await?;
    let verdict = judge(ctx, &record, &reviews).await?;
    Ok(Judged { record, verdict })
}

/// One application.
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<ApplicationRecord> {
    load_for(ctx, user, id).await
}

/// The A1–A6 checks with their evidence: `eligible` is false when any fails, true when all pass,
/// none while any needs review.
pub async fn checks(ctx: &Ctx, user: &Principal, id: i64) -> Result<Verdict> {
    let r = load_for(ctx, user, id).await?;
    Ok(judged(ctx, r).await?.verdict)
}

/// Which applications to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListApplications {
    pub round_year: Option<i32>,
}

/// The applications the caller may see: an operator its own; the municipal bureau all submitted
/// ones; a district bureau the submitted ones of its district.
pub async fn list(
    ctx: &Ctx,
    user: &Principal,
    q: ListApplications,
) -> Result<Vec<ApplicationRecord>> {
    let actor = user.actor();
    let rows = ctx
        .db
        .application_list(&AppFilter {
            round_year: q.round_year,
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| policy::can_read_application(&actor, &r.scope()))
        .collect())
}

/// The application list as a person sees it: the rounds, those open for new applications today,
/// the round shown and its applications with their checks.
#[derive(Debug, Clone)]
pub struct Board {
    /// Every round, newest first.
    pub rounds: Vec<RoundRecord>,
    /// The rounds that take new applications today.
    pub open_rounds: Vec<RoundRecord>,
    /// The round shown: the one asked for; for the bureaus, the newest by default.
    pub year: Option<i32>,
    pub rows: Vec<Judged>,
    /// The caller prepares applications.
    pub may_apply: bool,
    /// The caller compares a round's applications (chooses the round, exports the summary).
    pub may_compare: bool,
}

pub async fn board(ctx: &Ctx, user: &Principal, round_year: Option<i32>) -> Result<Board> {
    let actor = user.actor();
    let rounds = ctx.db.round_list().await?;
    let today = ctx.clock.today();
    let may_compare = policy::can_compare_applications(&actor);
    let year = round_year.or_else(|| {
        may_compare
            .then(|| rounds.first().map(|r| r.year))
            .flatten()
    });
    let mut rows = Vec::new();
    for r in list(ctx, user, ListApplications { round_year: year }).await? {
        rows.push(judged(ctx, r).await?);
    }
    Ok(Board {
        open_rounds: rounds
            .iter()
            .filter(|r| zhiyun_domain::application::round_open(r.deadline, today))
            .cloned()
            .collect(),
        rounds,
        year,
        rows,
        may_apply: policy::can_apply(&actor),
        may_compare,
    })
}

/// An application with everything its page shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub judged: Judged,
    pub reviews: Vec<ReviewRecord>,
    pub attachments: Vec<AttachmentRecord>,
    pub may: Actions,
}

pub async fn overview(ctx: &Ctx, user: &Principal, id: i64) -> Result<Overview> {
    let record = load_for(ctx, user, id).await?;
    let reviews = ctx.db.review_list(id).await?;
    let verdict = judge(ctx, &record, &reviews).await?;
    let attachments = ctx.db.attachment_list(id).await?;
    Ok(Overview {
        may: Actions::of(&user.actor(), &record),
        judged: Judged { record, verdict },
        reviews,
        attachments,
    })
}
