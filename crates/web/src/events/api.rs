//! The event API (`/api/v1/events`): each handler parses the request, calls one use case of
//! `zhiyun_service::events` and answers JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zhiyun_domain::event::EventInput;
use zhiyun_service::events::{self, Attendance, Register};

use super::views::{EventView, ScheduleView};
use super::{MeetingAction, meeting_action};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Events, newest first (public).
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, body = Vec<EventView>)))]
pub async fn api_list(State(state): State<AppState>) -> Result<Json<Vec<EventView>>, ApiError> {
    let events = events::list(&state.svc).await?;
    Ok(Json(events.iter().map(EventView::of).collect()))
}

/// Create an event (cluster operators and IP bureaus). Times are Beijing local time
/// `YYYY-MM-DDTHH:MM`; a place or an online link is required.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = Object,
    responses((status = 201, body = crate::listings::Created), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<Response, ApiError> {
    let event = events::create(&state.svc, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::listings::Created { id: event.id }),
    )
        .into_response())
}

/// One event (public).
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EventView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(EventView::of(&events::get(&state.svc, id).await?)))
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RegisterBody {
    /// Matchmaking: the slot indexes (from 0) the organisation cannot attend.
    pub unavailable_slots: Vec<usize>,
}

/// Register the caller's organisation (matchmaking: enterprises and universities; bank–enterprise:
/// enterprises and banks; training: every role). 409 `event_past`, `event_full`,
/// `already_registered`, `event_cancelled`; 422 for slots outside the event.
#[utoipa::path(post, path = "/api/v1/events/{id}/register", tag = "events", params(("id" = i64, Path)),
    request_body = RegisterBody,
    responses((status = 201), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body: RegisterBody = if body.is_empty() {
        RegisterBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let cmd = Register {
        unavailable_slots: body.unavailable_slots,
    };
    events::register(&state.svc, &user, id, &cmd).await?;
    Ok(StatusCode::CREATED.into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AttendanceBody {
    pub org_id: i64,
    pub attended: bool,
}

/// Record whether a registered organisation attended (the organiser).
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "events", params(("id" = i64, Path)),
    request_body = AttendanceBody,
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_attendance(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> Result<StatusCode, ApiError> {
    let cmd = Attendance {
        org_id: body.org_id,
        attended: body.attended,
    };
    events::set_attendance(&state.svc, &user, id, cmd).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Propose the 1:1 meetings of a matchmaking event from the matches among its registered
/// participants (replacing any earlier schedule): best pairs first, nobody double-booked,
/// unavailable slots respected; what could not be placed is listed. 409 `not_matchmaking` for
/// another kind of event, `schedule_has_leads` once a meeting became a deal lead.
#[utoipa::path(post, path = "/api/v1/events/{id}/schedule", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = ScheduleView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_schedule(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScheduleView>, ApiError> {
    let schedule = events::propose(&state.svc, &user, id).await?;
    Ok(Json(ScheduleView::of(&schedule)))
}

/// The event's meetings: the organiser sees all; a participant its own.
#[utoipa::path(get, path = "/api/v1/events/{id}/schedule", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = ScheduleView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_meetings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScheduleView>, ApiError> {
    let schedule = events::schedule_of(&state.svc, &user, id).await?;
    Ok(Json(ScheduleView::of(&schedule)))
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingBody {
    /// move: the new slot (index from 0) and table (from 1).
    pub slot: Option<i64>,
    pub table: Option<i64>,
    /// outcome: no_interest | follow_up | intent_signed | deal (or 无意向 …)
    pub outcome: Option<String>,
}

/// Act on one meeting (the organiser): `move` `{slot, table}`, `remove`, `outcome` `{outcome}`,
/// `lead` (turn a followed-up, intent or deal outcome into a deal lead linking both listings).
#[utoipa::path(post, path = "/api/v1/events/{id}/meetings/{mid}/{action}", tag = "events",
    params(("id" = i64, Path), ("mid" = i64, Path), ("action" = String, Path, description = "move | remove | outcome | lead")),
    request_body = MeetingBody,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_meeting_action(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, mid, action)): Path<(i64, i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let action = MeetingAction::parse(&action).ok_or_else(ApiError::not_found)?;
    let body: MeetingBody = if body.is_empty() {
        MeetingBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let lead = meeting_action(&state, &user, id, mid, action, body).await?;
    Ok(Json(serde_json::json!({"ok": true, "lead_id": lead})))
}
