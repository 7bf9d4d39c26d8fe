//! T3: the proposed 1:1 meetings of a matchmaking event. The registered enterprises' published
//! demands are matched against the registered universities' published supplies
//! (`zhiyun_domain::event::pairing`), each couple's best pair is proposed, the domain's scheduler
//! places the proposals, and the placement is stored replacing any earlier one, unless a meeting
//! already became a deal lead.

use std::collections::HashMap;

use zhiyun_domain::event::{
    Brought, MeetingRefusal, Proposal, SUPPLIES_PER_DEMAND, ScheduleInput, agreed_first, brought,
    check_reschedule, schedule, unboosted,
};
use zhiyun_domain::listing::ListingKind;
use zhiyun_domain::policy::{self, Actor};
use zhiyun_search::matcher::Direction;
use zhiyun_store::StoreError;
use zhiyun_store::events::{EventRecord, MeetingRecord, NewMeeting, UnplacedPair};
use zhiyun_store::listings::ListingRecord;

use super::managed;
use crate::{Ctx, Error, Principal, Result, matching};

/// An event's meetings (by slot and table) and the proposed pairs the scheduler could not place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventSchedule {
    /// The event's slots, `HH:MM–HH:MM` (a meeting's `slot` indexes them).
    pub slots: Vec<String>,
    pub meetings: Vec<MeetingRecord>,
    pub unplaced: Vec<UnplacedPair>,
}

/// The schedule as `viewer` may see it: the organiser everything; a participant its own
/// meetings and nothing of the pairs not placed.
pub(crate) fn visible(
    event: &EventRecord,
    meetings: Vec<MeetingRecord>,
    viewer: Option<&Actor>,
) -> EventSchedule {
    let manager = viewer.is_some_and(|a| policy::can_manage_event(a, event.organiser_org_id));
    EventSchedule {
        slots: event.slot_labels(),
        meetings: meetings
            .into_iter()
            .filter(|m| {
                policy::can_see_meeting(
                    viewer,
                    event.organiser_org_id,
                    [m.demand_org_id, m.supply_org_id],
                )
            })
            .collect(),
        unplaced: if manager {
            event.unplaced.clone()
        } else {
            Vec::new()
        },
    }
}

/// An event's meetings as the caller may see them (404 for no such event).
pub async fn schedule_of(ctx: &Ctx, user: &Principal, event_id: i64) -> Result<EventSchedule> {
    let event = ctx.db.event_get(event_id).await?;
    let meetings = ctx.db.event_meetings(event_id).await?;
    Ok(visible(&event, meetings, Some(&user.actor())))
}

fn refused(r: MeetingRefusal) -> Error {
    Error::conflict(r.code(), r.message())
}

/// Propose and store the 1:1 meetings of a matchmaking event (the organiser), replacing any
/// earlier schedule: best pairs first, nobody double-booked, unavailable slots respected; what
/// could not be placed is kept with its reason. 409 `not_matchmaking` for another kind of event,
/// `schedule_has_leads` once a meeting became a deal lead (proposing would delete it).
pub async fn propose(ctx: &Ctx, user: &Principal, event_id: i64) -> Result<EventSchedule> {
    let event = managed(ctx, user, event_id).await?;
    let leads = ctx.db.event_lead_count(event_id).await?;
    check_reschedule(event.kind, leads).map_err(refused)?;
    let regs = ctx.db.event_registrations(event_id).await?;
    let participants: Vec<(i64, _)> = regs.iter().map(|r| (r.org_id, r.org_kind)).collect();
    let listings = ctx
        .db
        .event_listings(event_id)
        .await?
        .into_iter()
        .map(|l| (l.kind, l))
        .collect::<Vec<_>>();
    let brought = brought(&participants, listings, |(kind, l)| (l.owner_org_id, *kind));
    let candidates = suggestions(ctx, &brought, SUPPLIES_PER_DEMAND).await?;
    let agreed = agreed_pairs(ctx, &brought).await?;
    let input = ScheduleInput {
        slots: event.slot_labels().len(),
        tables: event.tables as usize,
        unavailable: regs.iter().map(|r| r.unavailable.clone()).collect(),
        proposals: agreed_first(candidates, &agreed),
    };
    let plan = schedule(&input);
    let meetings: Vec<NewMeeting> = plan
        .meetings
        .iter()
        .map(|mt| {
            let p = &input.proposals[mt.proposal];
            NewMeeting {
                slot: mt.slot,
                table_no: mt.table as u32 + 1,
                demand_org_id: regs[p.a].org_id,
                supply_org_id: regs[p.b].org_id,
                demand_id: p.key.0,
                supply_id: p.key.1,
                score: unboosted(p.score),
            }
        })
        .collect();
    let unplaced: Vec<UnplacedPair> = plan
        .unplaced
        .iter()
        .map(|u| {
            let p = &input.proposals[u.proposal];
            UnplacedPair {
                demand_org: regs[p.a].org_name.clone(),
                supply_org: regs[p.b].org_name.clone(),
                demand_id: p.key.0,
                supply_id: p.key.1,
                score: unboosted(p.score),
                reason: u.reason,
                message: u.reason.message().into(),
            }
        })
        .collect();
    let kind = event.kind;
    let check = move |leads: usize| -> zhiyun_store::Result<()> {
        check_reschedule(kind, leads).map_err(|r| StoreError::Conflict {
            code: r.code(),
            field: None,
            message: r.message().into(),
        })
    };
    let meetings = ctx
        .db
        .event_replace_meetings(event_id, &meetings, &unplaced, &check, &user.who())
        .await?;
    // Issue 18: both organisations of each meeting hear of it.
    let slots = event.slot_labels();
    let date = event.starts_at.date().format("%Y-%m-%d").to_string();
    let notices = meetings
        .iter()
        .map(|m| {
            let slot = slots.get(m.slot).map(String::as_str).unwrap_or("");
            zhiyun_domain::notify::meeting_scheduled(
                event_id,
                &event.title,
                [m.demand_org_id, m.supply_org_id],
                [m.demand_org.as_str(), m.supply_org.as_str()],
                &format!("{date} {slot}"),
                m.table_no,
            )
        })
        .collect();
    crate::notifications::emit(ctx, notices).await;
    Ok(EventSchedule {
        slots: event.slot_labels(),
        meetings,
        unplaced,
    })
}

/// Issue 18: the brought pairs whose owners agreed to exchange contacts (they meet first).
async fn agreed_pairs(
    ctx: &Ctx,
    brought: &Brought<(ListingKind, ListingRecord)>,
) -> Result<Vec<Proposal>> {
    let of = |side: &[(usize, (ListingKind, ListingRecord))]| -> HashMap<i64, usize> {
        side.iter().map(|(i, (_, l))| (l.id, *i)).collect()
    };
    let (demands, supplies) = (of(&brought.demands), of(&brought.supplies));
    if demands.is_empty() || supplies.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ctx
        .db
        .contacts_exchanged()
        .await?
        .iter()
        .filter_map(|r| {
            let (d, s) = (r.demand.listing_id, r.supply.listing_id);
            Some(Proposal {
                a: *demands.get(&d)?,
                b: *supplies.get(&s)?,
                score: 0.0,
                key: (d, s),
            })
        })
        .collect())
}

/// Each brought demand's best `limit` supplies among those brought, scored by the matcher, as
/// candidate pairs of participants (demand's `a`, supply's `b`, key (demand id, supply id)), demand
/// by demand, best first.
async fn suggestions(
    ctx: &Ctx,
    brought: &Brought<(ListingKind, ListingRecord)>,
    limit: usize,
) -> Result<Vec<Proposal>> {
    let supplier_of: HashMap<i64, usize> = brought
        .supplies
        .iter()
        .map(|(i, (_, l))| (l.id, *i))
        .collect();
    let supplies = brought
        .supplies
        .iter()
        .map(|(_, (_, l))| matching::item_of(l))
        .collect();
    let demands: Vec<_> = brought
        .demands
        .iter()
        .map(|(i, (_, l))| (*i, matching::item_of(l)))
        .collect();
    let m = matching::matcher(ctx).clone();
    tokio::task::spawn_blocking(move || {
        let set = m.index(supplies);
        let none = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (a, d) in &demands {
            for s in set.suggest(&m, d, Direction::DemandToSupplies, limit, &none) {
                if let Some(&b) = supplier_of.get(&s.id) {
                    out.push(Proposal {
                        a: *a,
                        b,
                        score: s.score,
                        key: (d.id, s.id),
                    });
                }
            }
        }
        out
    })
    .await
    .map_err(Error::internal)
}
