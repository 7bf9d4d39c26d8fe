//! Fee and expiry reminders for the home page (T6; issue 11): annual fees falling due within 90
//! days (or in their grace period) for patents that are listed, licensed or pledged — a lapse
//! kills the deal or the pledge — and patents whose term ends within 90 days. An enterprise or
//! university sees its own (owned or co-owned); a cluster operator those of its district.
//!
//! "Listed, licensed or pledged" are the patent's live engagements
//! (`Db::patent_engagements`): listings today; the deal and pledge ledgers add theirs there and
//! the reminders follow without change here.

use std::collections::HashMap;

use chrono::Days;
use zhiyun_domain::org::Role;
use zhiyun_domain::patent::reminder::{Reminder, ReminderReason, ReminderSubject, reminders};
use zhiyun_domain::patent::term::DEFAULT_DUE_SOON_DAYS;
use zhiyun_store::patents::{Holders, PatentRecord};

use super::private_to;
use crate::{Ctx, Principal, Result};

/// Whose patents `user`'s home reminds of, if any.
pub fn holders_of(user: &Principal) -> Option<Holders> {
    match user.role() {
        Role::Enterprise | Role::University => Some(Holders::Org(user.org_id)),
        Role::Operator => user.district_code.clone().map(Holders::District),
        _ => None,
    }
}

/// The reminders due today for `user`'s home, those at stake first (at most `limit`), and how many
/// there are in all.
pub async fn for_home(ctx: &Ctx, user: &Principal, limit: usize) -> Result<(Vec<Reminder>, usize)> {
    let Some(holders) = holders_of(user) else {
        return Ok((Vec::new(), 0));
    };
    let today = ctx.clock.today();
    let window = DEFAULT_DUE_SOON_DAYS;
    let until = today
        .checked_add_days(Days::new(u64::from(window)))
        .unwrap_or(today);
    let mut candidates: Vec<PatentRecord> = ctx.db.patents_engaged(&holders).await?;
    for r in ctx.db.patents_expiring(&holders, today, until).await? {
        if !candidates.iter().any(|c| c.id == r.id) {
            candidates.push(r);
        }
    }
    let owner_ids: Vec<i64> = candidates.iter().map(|c| c.patent.owner_org_id).collect();
    let orgs = ctx.db.org_briefs(&owner_ids).await?;
    candidates.retain(|c| private_to(user, &c.patent, orgs.get(&c.patent.owner_org_id)));
    let numbers: Vec<&str> = candidates
        .iter()
        .map(|c| c.patent.number.as_str())
        .collect();
    let engaged: HashMap<String, Vec<_>> = ctx.db.patent_engagements(&numbers).await?;
    let none = Vec::new();
    let subjects: Vec<ReminderSubject<'_>> = candidates
        .iter()
        .map(|c| ReminderSubject {
            patent_id: c.id,
            patent: &c.patent,
            engagements: engaged.get(c.patent.number.as_str()).unwrap_or(&none),
        })
        .collect();
    let mut all = reminders(&subjects, today, window);
    // Fees only where a lapse would hurt a live engagement; expiry always.
    all.retain(|r| r.reason == ReminderReason::ExpiringSoon || !r.at_stake.is_empty());
    let total = all.len();
    all.truncate(limit);
    Ok((all, total))
}
