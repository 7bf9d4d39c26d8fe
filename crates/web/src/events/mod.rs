//! Events (T3 技术对接会, T5 银企对接会, T7 培训宣传) on the web: the JSON API ([`api`]), the
//! pages with their forms and the agenda download ([`pages`]) and what both show ([`views`]).
//! Every handler parses the request, calls one use case of `zhiyun_service::events` and renders
//! the result; the rules and the access decisions are the domain's.

use axum::Router;
use axum::routing::{get, post};
use zhiyun_service::Principal;
use zhiyun_service::events::{self, MoveMeeting};

use crate::AppState;

mod api;
mod pages;
mod views;

pub use api::*;
pub use zhiyun_service::events::AgendaLine;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(api_list).post(api_create))
        .route("/api/v1/events/{id}", get(api_get))
        .route("/api/v1/events/{id}/register", post(api_register))
        .route("/api/v1/events/{id}/attendance", post(api_attendance))
        .route(
            "/api/v1/events/{id}/schedule",
            post(api_schedule).get(api_meetings),
        )
        .route(
            "/api/v1/events/{id}/meetings/{mid}/{action}",
            post(api_meeting_action),
        )
        .route("/events", get(pages::list_page))
        .route("/events/new", get(pages::new_page).post(pages::create_form))
        .route("/events/{id}", get(pages::detail_page))
        .route("/events/{id}/agenda.xlsx", get(pages::agenda_xlsx))
        .route("/events/{id}/{action}", post(pages::event_form))
        .route(
            "/events/{id}/meetings/{mid}/{action}",
            post(pages::meeting_form),
        )
}

/// What the organiser does to one meeting, as named in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MeetingAction {
    Move,
    Remove,
    Outcome,
    Lead,
}

impl MeetingAction {
    fn parse(s: &str) -> Option<MeetingAction> {
        match s {
            "move" => Some(MeetingAction::Move),
            "remove" => Some(MeetingAction::Remove),
            "outcome" => Some(MeetingAction::Outcome),
            "lead" => Some(MeetingAction::Lead),
            _ => None,
        }
    }
}

/// The use case behind a meeting action (API and page alike); the deal lead's id for `lead`.
async fn meeting_action(
    state: &AppState,
    user: &Principal,
    id: i64,
    mid: i64,
    action: MeetingAction,
    body: MeetingBody,
) -> zhiyun_service::Result<Option<i64>> {
    let ctx = &state.svc;
    match action {
        MeetingAction::Move => {
            let cmd = MoveMeeting {
                slot: body.slot,
                table: body.table,
            };
            events::move_meeting(ctx, user, id, mid, cmd).await?;
        }
        MeetingAction::Remove => events::remove_meeting(ctx, user, id, mid).await?,
        MeetingAction::Outcome => {
            events::record_outcome(ctx, user, id, mid, body.outcome.as_deref()).await?;
        }
        MeetingAction::Lead => return Ok(Some(events::make_lead(ctx, user, id, mid).await?)),
    }
    Ok(None)
}

/// The caller's upcoming meetings, for the home page.
pub async fn agenda_of(
    state: &AppState,
    user: &Principal,
) -> zhiyun_service::Result<Vec<AgendaLine>> {
    events::agenda_of(&state.svc, user).await
}
