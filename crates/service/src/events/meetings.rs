//! T3: the organiser's work on single meetings of the schedule: move one (checked against the
//! others and the parties' availability), remove one, record its outcome, make a deal lead of it.

use std::collections::HashMap;

use zhiyun_domain::code::Code;
use zhiyun_domain::event::{
    Meeting, Proposal, Schedule, ScheduleInput, check_lead, check_move, check_move_target,
    check_outcome,
};
use zhiyun_store::events::{EventRecord, MeetingRecord, RegistrationRecord};

use super::managed;
use crate::{Ctx, Error, Principal, Result};

/// The organiser's event and its meetings, with the index of meeting `meeting_id` among them
/// (404 when the event has no such meeting).
async fn with_meeting(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    meeting_id: i64,
) -> Result<(EventRecord, Vec<MeetingRecord>, usize)> {
    let event = managed(ctx, user, event_id).await?;
    let meetings = ctx.db.event_meetings(event_id).await?;
    let at = meetings
        .iter()
        .position(|m| m.id == meeting_id)
        .ok_or_else(Error::not_found)?;
    Ok((event, meetings, at))
}

/// Where to move a meeting: slot from 0, table from 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MoveMeeting {
    pub slot: Option<i64>,
    pub table: Option<i64>,
}

/// Move a meeting to another slot and table (the organiser): 422 without both or out of
/// numbering, 409 `cannot_move` where the table is taken, a party is busy or unavailable.
pub async fn move_meeting(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    meeting_id: i64,
    cmd: MoveMeeting,
) -> Result<()> {
    let (event, meetings, at) = with_meeting(ctx, user, event_id, meeting_id).await?;
    let (slot, table) =
        check_move_target(cmd.slot, cmd.table).map_err(|e| Error::invalid(vec![e]))?;
    let regs = ctx.db.event_registrations(event_id).await?;
    let (plan, input) = as_schedule(&event, &meetings, &regs);
    check_move(&plan, &input, at, slot, table).map_err(|m| Error::conflict(Code::CannotMove, m))?;
    // `check_move` kept the table below the event's (u32) number of tables.
    let table_no = table as u32 + 1;
    ctx.db
        .event_move_meeting(meeting_id, slot, table_no, &user.who())
        .await?;
    Ok(())
}

/// Remove a meeting (the organiser), with the deal lead made of it.
pub async fn remove_meeting(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    meeting_id: i64,
) -> Result<()> {
    with_meeting(ctx, user, event_id, meeting_id).await?;
    ctx.db.event_remove_meeting(meeting_id, &user.who()).await?;
    Ok(())
}

/// Record a meeting's outcome (the organiser), named by slug or label.
pub async fn record_outcome(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    meeting_id: i64,
    outcome: Option<&str>,
) -> Result<()> {
    with_meeting(ctx, user, event_id, meeting_id).await?;
    let outcome = check_outcome(outcome).map_err(|e| Error::invalid(vec![e]))?;
    ctx.db
        .event_set_outcome(meeting_id, outcome, &user.who())
        .await?;
    Ok(())
}

/// Make a deal lead of a meeting (the organiser) linking both listings; its id. 409
/// `outcome_required` before a promising outcome is recorded, `lead_exists` the second time.
pub async fn make_lead(ctx: &Ctx, user: &Principal, event_id: i64, meeting_id: i64) -> Result<i64> {
    let (_, meetings, at) = with_meeting(ctx, user, event_id, meeting_id).await?;
    let m = &meetings[at];
    check_lead(m.outcome, m.lead_id.is_some())
        .map_err(|r| Error::conflict(r.code(), r.message()))?;
    Ok(ctx.db.deal_lead_from_meeting(m, &user.who()).await?.id)
}

/// The stored meetings as the scheduler's schedule and input (for checking a move).
fn as_schedule(
    event: &EventRecord,
    meetings: &[MeetingRecord],
    regs: &[RegistrationRecord],
) -> (Schedule, ScheduleInput) {
    let index: HashMap<i64, usize> = regs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.org_id, i))
        .collect();
    let party = |org: i64| index.get(&org).copied().unwrap_or(usize::MAX);
    let proposals: Vec<Proposal> = meetings
        .iter()
        .map(|m| Proposal {
            a: party(m.demand_org_id),
            b: party(m.supply_org_id),
            score: m.score,
            key: (m.demand_id, m.supply_id),
        })
        .collect();
    let plan = Schedule {
        meetings: meetings
            .iter()
            .enumerate()
            .map(|(i, m)| Meeting {
                proposal: i,
                a: proposals[i].a,
                b: proposals[i].b,
                slot: m.slot,
                table: (m.table_no as usize).saturating_sub(1),
            })
            .collect(),
        unplaced: Vec::new(),
    };
    let input = ScheduleInput {
        slots: event.slot_labels().len(),
        tables: event.tables as usize,
        unavailable: regs.iter().map(|r| r.unavailable.clone()).collect(),
        proposals,
    };
    (plan, input)
}
