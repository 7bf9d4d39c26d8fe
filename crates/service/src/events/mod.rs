//! Events (T3 技术对接会, T5 银企对接会, T7 培训宣传): creating and reading events here;
//! registration and attendance ([`registration`]); the proposed 1:1 meetings of a matchmaking
//! event ([`schedule`]); moving, removing, outcomes and deal leads ([`meetings`]); the
//! participants' agendas ([`agenda`]).
//!
//! Who may do what is `zhiyun_domain::policy` (`can_organise_events`, `can_register_event`,
//! `can_manage_event`, `can_see_meeting`, `can_see_agenda`); the rules are
//! `zhiyun_domain::event`.

use zhiyun_domain::event::{EventInput, check_event, check_reschedule};
use zhiyun_domain::policy;

use crate::{Ctx, Error, Principal, Result};

pub mod agenda;
pub mod meetings;
pub mod registration;
pub mod schedule;

pub use agenda::{AgendaFile, AgendaLine, agenda_of, agenda_xlsx};
pub use meetings::{MoveMeeting, make_lead, move_meeting, record_outcome, remove_meeting};
pub use registration::{Attendance, Register, register, set_attendance};
pub use schedule::{EventSchedule, propose, schedule_of};
pub use zhiyun_store::events::{EventRecord, MeetingRecord, RegistrationRecord, UnplacedPair};

/// The most events a list shows.
pub const LIST_LIMIT: i64 = 200;

/// An event with the number of organisations registered for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSummary {
    pub event: EventRecord,
    pub registered: i64,
}

/// Events, latest start first, with their registration counts (public).
pub async fn list(ctx: &Ctx) -> Result<Vec<EventSummary>> {
    let events = ctx.db.event_list(LIST_LIMIT).await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let counts = ctx.db.event_registration_counts(&ids).await?;
    Ok(events
        .into_iter()
        .map(|event| EventSummary {
            registered: counts.get(&event.id).copied().unwrap_or(0),
            event,
        })
        .collect())
}

/// One event with its registration count (public).
pub async fn get(ctx: &Ctx, id: i64) -> Result<EventSummary> {
    let event = ctx.db.event_get(id).await?;
    let registered = ctx
        .db
        .event_registration_counts(&[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(EventSummary { event, registered })
}

/// May the caller create events (the form to create one is for those who may)? 403 otherwise.
pub fn may_create(user: &Principal) -> Result<()> {
    if policy::can_organise_events(&user.actor()) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Create an event (cluster operators and IP bureaus), organised by the caller's organisation.
/// It may not start in the past (Beijing time, by the context's clock).
pub async fn create(ctx: &Ctx, user: &Principal, input: &EventInput) -> Result<EventRecord> {
    may_create(user)?;
    let event = check_event(input, ctx.clock.now_beijing())?;
    Ok(ctx
        .db
        .event_create(&event, user.org_id, &user.who())
        .await?)
}

/// An event's page as the viewer may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub summary: EventSummary,
    /// The viewer manages the event (organiser or administrator).
    pub organiser: bool,
    /// The viewer's organisation is registered.
    pub registered: bool,
    /// The viewer's role may register for this kind of event.
    pub may_register: bool,
    /// The organiser may propose the 1:1 meetings (again): a matchmaking event none of whose
    /// meetings became a deal lead.
    pub may_schedule: bool,
    /// The registrations, for the organiser (empty for anyone else).
    pub registrations: Vec<RegistrationRecord>,
    /// The meetings the viewer may see, and (for the organiser) the pairs not placed.
    pub schedule: EventSchedule,
    /// T7: the participants' rating, from the survey linked to the event (if any).
    pub rating: Option<crate::surveys::EventRating>,
}

/// An event's page (public; what the viewer sees depends on who it is).
pub async fn page(ctx: &Ctx, viewer: Option<&Principal>, id: i64) -> Result<EventPage> {
    let event = ctx.db.event_get(id).await?;
    let registrations = ctx.db.event_registrations(id).await?;
    let meetings = ctx.db.event_meetings(id).await?;
    let actor = viewer.map(Principal::actor);
    let organiser = actor
        .as_ref()
        .is_some_and(|a| policy::can_manage_event(a, event.organiser_org_id));
    let leads = meetings.iter().filter(|m| m.lead_id.is_some()).count();
    let schedule = schedule::visible(&event, meetings, actor.as_ref());
    let rating = crate::surveys::event_rating(ctx, viewer, id).await?;
    Ok(EventPage {
        rating,
        organiser,
        registered: viewer.is_some_and(|u| registrations.iter().any(|r| r.org_id == u.org_id)),
        may_register: actor
            .as_ref()
            .is_some_and(|a| policy::can_register_event(a, event.kind)),
        may_schedule: organiser && check_reschedule(event.kind, leads).is_ok(),
        summary: EventSummary {
            registered: i64::try_from(registrations.len()).unwrap_or(i64::MAX),
            event,
        },
        registrations: if organiser { registrations } else { Vec::new() },
        schedule,
    })
}

/// The event if the caller manages it: 404 when there is none, 403 for anyone else.
pub(crate) async fn managed(ctx: &Ctx, user: &Principal, id: i64) -> Result<EventRecord> {
    let event = ctx.db.event_get(id).await?;
    if !policy::can_manage_event(&user.actor(), event.organiser_org_id) {
        return Err(Error::forbidden());
    }
    Ok(event)
}
