//! The municipal review: the bureau confirms or overrules each check and decides; the district
//! bureau of the park's district may comment. How a review moves the application is the domain's
//! state machine (`AppStatus::after_review`), applied in the store's transaction.

use zhiyun_domain::application::review::{
    ReviewAsk, check_approval, check_credit_report, check_review, check_review_comment,
    needs_credit_report, review_ask,
};
use zhiyun_domain::application::{Part, ReviewAction, ReviewInput};
use zhiyun_domain::policy;
use zhiyun_store::applications::NewReview;

use super::{ReviewRecord, judge, load_for};
use crate::{Ctx, Error, Principal, Result};

/// Review application `id`.
#[derive(Debug, Clone)]
pub struct Review {
    pub id: i64,
    pub input: ReviewInput,
}

/// Record a check review, a decision or a comment. In order: 404 when the caller cannot read the
/// application; 422 for a comment too long or a check and a decision at once; 403 unless the
/// municipal bureau (checks, decisions) or a bureau that may comment; 422 for an unknown check,
/// status or decision; 409 `credit_report_missing` to confirm A6 without the credit report; 422
/// without the comment it needs; 409 `not_eligible` to approve while any check does not pass;
/// then the state machine's 409s (`not_submitted`, `already_decided`, `returned`).
pub async fn review(ctx: &Ctx, user: &Principal, cmd: Review) -> Result<ReviewRecord> {
    let r = load_for(ctx, user, cmd.id).await?;
    let actor = user.actor();
    let (ask, comment) = review_ask(&cmd.input).map_err(|e| Error::invalid(vec![e]))?;
    let allowed = match ask {
        ReviewAsk::Check | ReviewAsk::Decision => policy::can_review_application(&actor),
        ReviewAsk::Comment => policy::can_comment_application(&actor, &r.scope()),
    };
    if !allowed {
        return Err(Error::forbidden());
    }
    let action = check_review(ask, &cmd.input).map_err(|e| Error::invalid(vec![e]))?;
    if needs_credit_report(&action) {
        let attached = ctx.db.attachment_list(r.id).await?;
        check_credit_report(
            &action,
            attached.iter().any(|a| a.part == Part::CreditReport),
        )?;
    }
    check_review_comment(&action, &comment).map_err(|e| Error::invalid(vec![e]))?;
    if action == ReviewAction::Decision(zhiyun_domain::application::Decision::Approve) {
        let reviews = ctx.db.review_list(r.id).await?;
        check_approval(&judge(ctx, &r, &reviews).await?)?;
    }
    Ok(ctx
        .db
        .review_add(
            r.id,
            &NewReview {
                action,
                comment,
                org_name: user.org_name.clone(),
            },
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

/// An application's reviews and comments, oldest first.
pub async fn list(ctx: &Ctx, user: &Principal, id: i64) -> Result<Vec<ReviewRecord>> {
    load_for(ctx, user, id).await?;
    Ok(ctx.db.review_list(id).await?)
}
