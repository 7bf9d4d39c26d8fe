//! Application rounds: the municipal bureau opens one per year with its deadline.

use std::collections::HashMap;

use zhiyun_domain::application::check_round;
use zhiyun_domain::policy;

use super::RoundRecord;
use crate::{Ctx, Error, Principal, Result};

/// Open the round of `year`, taking submissions through `deadline` (`YYYY-MM-DD`).
#[derive(Debug, Clone)]
pub struct OpenRound {
    pub year: i32,
    pub deadline: String,
}

/// Open a round (municipal bureau): 422 with every bad field, 409 `round_exists`.
pub async fn open(ctx: &Ctx, user: &Principal, cmd: OpenRound) -> Result<RoundRecord> {
    if !policy::can_open_rounds(&user.actor()) {
        return Err(Error::forbidden());
    }
    let deadline = check_round(cmd.year, &cmd.deadline)?;
    Ok(ctx
        .db
        .round_create(cmd.year, deadline, ctx.clock.now(), &user.who())
        .await?)
}

/// Every round, newest first (anyone logged in).
pub async fn list(ctx: &Ctx, _user: &Principal) -> Result<Vec<RoundRecord>> {
    Ok(ctx.db.round_list().await?)
}

/// A round with the number of applications submitted to it.
#[derive(Debug, Clone)]
pub struct RoundSummary {
    pub round: RoundRecord,
    /// Applications past the draft stage.
    pub submitted: i64,
}

/// The rounds as the bureau manages them (municipal bureau).
pub async fn summaries(ctx: &Ctx, user: &Principal) -> Result<Vec<RoundSummary>> {
    if !policy::can_open_rounds(&user.actor()) {
        return Err(Error::forbidden());
    }
    let counts: HashMap<i32, i64> = ctx
        .db
        .application_submitted_counts()
        .await?
        .into_iter()
        .collect();
    Ok(ctx
        .db
        .round_list()
        .await?
        .into_iter()
        .map(|round| RoundSummary {
            submitted: counts.get(&round.year).copied().unwrap_or(0),
            round,
        })
        .collect())
}
