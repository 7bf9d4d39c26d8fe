//! The public front door (`/`): the latest published demands and supplies, the coming events and
//! the cluster's headline figures, all of it what a visitor may see.

use zhiyun_domain::listing::ListingKind;

use crate::events::EventRecord;
use crate::listings::public::{Found, Query, search};
use crate::{Ctx, Result};

/// How many of the latest demands and supplies, and of the coming events, are shown.
pub const LATEST: usize = 5;
pub const COMING_EVENTS: usize = 3;

#[derive(Debug, Clone)]
pub struct FrontDoor {
    pub demands: Vec<Found>,
    pub supplies: Vec<Found>,
    /// Events not yet over and not cancelled, soonest first.
    pub events: Vec<EventRecord>,
    /// Published, current listings of each side (what the 供需大厅 shows).
    pub demands_published: usize,
    pub supplies_published: usize,
    /// Matchmaking meetings held (an outcome recorded) and those that became deal leads.
    pub meetings_held: i64,
    pub deal_leads: i64,
}

async fn latest(ctx: &Ctx, kind: ListingKind) -> Result<(Vec<Found>, usize)> {
    let page = search(
        ctx,
        &Query {
            kind: Some(kind.slug().to_string()),
            per_page: LATEST,
            ..Query::default()
        },
    )
    .await?;
    Ok((page.items, page.total))
}

pub async fn front_door(ctx: &Ctx) -> Result<FrontDoor> {
    let (demands, demands_published) = latest(ctx, ListingKind::Demand).await?;
    let (supplies, supplies_published) = latest(ctx, ListingKind::Supply).await?;
    let now = ctx.clock.now_beijing();
    let mut events: Vec<EventRecord> = ctx
        .db
        .event_list(crate::events::LIST_LIMIT)
        .await?
        .into_iter()
        .filter(|e| !e.cancelled && e.ends_at >= now)
        .collect();
    events.sort_by_key(|e| e.starts_at);
    events.truncate(COMING_EVENTS);
    let (meetings_held, deal_leads) = ctx.db.meeting_figures().await?;
    Ok(FrontDoor {
        demands,
        supplies,
        events,
        demands_published,
        supplies_published,
        meetings_held,
        deal_leads,
    })
}
