//! Contact requests between the owners of a suggested pair (T3, issue 18) on the web: the JSON
//! API, the accept / decline / make-a-lead forms, and the home card “对接请求”. The rules are
//! `zhiyun_service::match_contacts`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::time::fmt_time;
use zhiyun_service::Principal;
use zhiyun_service::match_contacts::{self as uc, ContactView, Direction, Party};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::json::ApiJson;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/matches/contact-requests",
            get(api_list).post(api_request),
        )
        .route(
            "/api/v1/matches/contact-requests/{id}/accept",
            post(api_accept),
        )
        .route(
            "/api/v1/matches/contact-requests/{id}/decline",
            post(api_decline),
        )
        .route("/api/v1/matches/contact-requests/{id}/lead", post(api_lead))
        .route(
            "/api/v1/matches/contact-requests/{id}/meeting",
            post(api_meeting),
        )
        .route("/matches/contact-requests/{id}/{action}", post(action_form))
        .route("/matches/pair-meeting", post(meeting_form))
}

/// One side of a pair: the listing, its owner, and the contact (masked until both agreed).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    pub org_id: i64,
    pub org_name: String,
    pub listing_id: i64,
    pub listing_title: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The contact reads `张**`, `138****5678`: not exchanged (yet) for the caller.
    pub masked: bool,
}

impl From<&Party> for PartyView {
    fn from(p: &Party) -> PartyView {
        PartyView {
            org_id: p.org_id,
            org_name: p.org_name.clone(),
            listing_id: p.listing_id,
            listing_title: p.listing_title.clone(),
            contact_name: p.contact_name.clone(),
            contact_phone: p.contact_phone.clone(),
            masked: p.masked,
        }
    }
}

/// The other side's contact person, once exchanged.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactPerson {
    pub org_name: String,
    pub name: String,
    pub phone: String,
}

/// A contact request as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactRequestView {
    pub id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    /// `requested`, `accepted` (contacts exchanged) or `declined`.
    pub state: String,
    pub state_label: String,
    /// `outgoing` (the caller's organisation asked), `incoming` (it was asked) or `overseen`
    /// (the district's operator).
    pub direction: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub requested_at: String,
    pub answered_at: Option<String>,
    /// Days since it was asked (waiting) or answered.
    pub age_days: i64,
    pub demand: PartyView,
    pub supply: PartyView,
    /// For a party: the other side's contact once both agreed (otherwise null).
    pub other_contact: Option<ContactPerson>,
    /// The deal lead the operator made of the pair.
    pub lead_id: Option<i64>,
    /// The caller may accept or decline it now.
    pub may_answer: bool,
    /// The caller may turn it into a deal lead now.
    pub may_make_lead: bool,
}

impl ContactRequestView {
    /// The state in words from the caller's side.
    pub fn shown_state(&self) -> &'static str {
        match (self.state.as_str(), self.direction.as_str()) {
            ("requested", "incoming") => "待我方回应",
            ("requested", _) => "待对方回应",
            ("accepted", _) => "已交换联系方式",
            ("declined", "incoming") => "已婉拒",
            _ => "对方已婉拒",
        }
    }

    pub fn of(v: &ContactView, viewer_org: i64) -> ContactRequestView {
        let other = (v.direction != Direction::Overseen).then(|| v.other(viewer_org));
        ContactRequestView {
            id: v.id,
            demand_id: v.demand.listing_id,
            supply_id: v.supply.listing_id,
            state: v.state.slug().to_string(),
            state_label: v.state.label().to_string(),
            direction: v.direction.slug().to_string(),
            requested_at: fmt_time(v.requested_at),
            answered_at: v.answered_at.map(fmt_time),
            age_days: v.age_days,
            demand: PartyView::from(&v.demand),
            supply: PartyView::from(&v.supply),
            other_contact: other.filter(|p| !p.masked).map(|p| ContactPerson {
                org_name: p.org_name.clone(),
                name: p.contact_name.clone(),
                phone: p.contact_phone.clone(),
            }),
            lead_id: v.lead_id,
            may_answer: v.may_answer,
            may_make_lead: v.may_make_lead,
        }
    }
}

/// The body of `POST /api/v1/matches/contact-requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ContactRequestBody {
    pub demand_id: i64,
    pub supply_id: i64,
}

/// Ask the other owner of a suggested pair for contact (the caller owns the demand or the
/// supply). 201 with the new request (`requested`); 200 when the other side had asked already
/// (both interested: `accepted`, the contacts exchanged). 409 `already_requested`,
/// `already_exchanged`, `request_declined` (a declined request is not re-sent), `same_party`;
/// 403 for an organisation owning neither listing; 404 for a listing the caller may not read.
#[utoipa::path(post, path = "/api/v1/matches/contact-requests", tag = "matching",
    request_body = ContactRequestBody,
    responses((status = 201, body = ContactRequestView), (status = 200, body = ContactRequestView),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<ContactRequestBody>,
) -> Result<Response, ApiError> {
    let (v, created) = uc::request(&state.svc, &user, body.demand_id, body.supply_id).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ContactRequestView::of(&v, user.org_id))).into_response())
}

/// The caller's contact requests, newest first: incoming and outgoing for listing owners (the
/// other side's contact once accepted), and for a cluster operator the exchanged pairs of its
/// district.
#[utoipa::path(get, path = "/api/v1/matches/contact-requests", tag = "matching",
    responses((status = 200, body = Vec<ContactRequestView>)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ContactRequestView>>, ApiError> {
    let all = uc::mine(&state.svc, &user).await?;
    Ok(Json(
        all.iter()
            .map(|v| ContactRequestView::of(v, user.org_id))
            .collect(),
    ))
}

async fn answer(
    state: &AppState,
    user: &Principal,
    id: i64,
    accept: bool,
) -> Result<Json<ContactRequestView>, ApiError> {
    let v = uc::answer(&state.svc, user, id, accept).await?;
    Ok(Json(ContactRequestView::of(&v, user.org_id)))
}

/// The side asked accepts: the contacts are exchanged for the pair. 403 for anyone else who
/// sees it, 404 for others, 409 `already_decided`.
#[utoipa::path(post, path = "/api/v1/matches/contact-requests/{id}/accept", tag = "matching",
    params(("id" = i64, Path)),
    responses((status = 200, body = ContactRequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_accept(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ContactRequestView>, ApiError> {
    answer(&state, &user, id, true).await
}

/// The side asked declines: the request is closed and not re-sent. 403 for anyone else who
/// sees it, 404 for others, 409 `already_decided`.
#[utoipa::path(post, path = "/api/v1/matches/contact-requests/{id}/decline", tag = "matching",
    params(("id" = i64, Path)),
    responses((status = 200, body = ContactRequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_decline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ContactRequestView>, ApiError> {
    answer(&state, &user, id, false).await
}

/// The new deal lead's id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadCreated {
    pub lead_id: i64,
}

/// The cluster operator of either party's district turns an exchanged pair into a deal lead
/// (a deal can then be created from it). 201 with its id; 403 for the parties and others who see
/// it, 404 for others, 409 `contacts_not_exchanged`, `lead_exists`.
#[utoipa::path(post, path = "/api/v1/matches/contact-requests/{id}/lead", tag = "matching",
    params(("id" = i64, Path)),
    responses((status = 201, body = LeadCreated), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_lead(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let lead_id = uc::make_lead(&state.svc, &user, id).await?;
    Ok((StatusCode::CREATED, Json(LeadCreated { lead_id })).into_response())
}

/// The body of `POST /api/v1/matches/contact-requests/{id}/meeting`.
#[derive(Debug, Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct MeetingBody {
    /// A matchmaking event the caller's organisation organises, not started yet.
    pub event_id: i64,
}

/// What putting the pair on the event's agenda did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingArranged {
    pub event_id: i64,
    pub event_title: String,
    /// The organisations registered for the event now, on their behalf (the others were).
    pub registered: Vec<String>,
    /// The event has a schedule already: propose it again to place the pair (agreed pairs are
    /// placed first).
    pub scheduled: bool,
}

/// The cluster operator of either party's district puts an exchanged pair on the agenda of a
/// matchmaking event it organises: both organisations are registered for it, and the event's
/// schedule places agreed pairs before all others. 403 for the parties and others who see it or
/// an event organised by someone else, 404 for others or no such event, 409
/// `contacts_not_exchanged`, `not_matchmaking`, and the event's registration refusals.
#[utoipa::path(post, path = "/api/v1/matches/contact-requests/{id}/meeting", tag = "matching",
    params(("id" = i64, Path)), request_body = MeetingBody,
    responses((status = 200, body = MeetingArranged), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_meeting(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MeetingBody>,
) -> Result<Json<MeetingArranged>, ApiError> {
    let t = uc::to_event(&state.svc, &user, id, body.event_id).await?;
    Ok(Json(MeetingArranged {
        event_id: t.event_id,
        event_title: t.event_title,
        registered: t.registered,
        scheduled: t.scheduled,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BackForm {
    /// Where to return: a local path (the listing page or the home).
    back: String,
}

#[derive(Deserialize)]
struct PairMeetingForm {
    pair: i64,
    event_id: i64,
}

/// The operator's “安排一对一洽谈” form on the home: the pair goes to the event's page, where
/// the organiser proposes (again) the schedule.
async fn meeting_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(f): Form<PairMeetingForm>,
) -> Result<Response, PageError> {
    let t = uc::to_event(&state.svc, &user, f.pair, f.event_id).await?;
    let notice = if t.scheduled {
        "pair_registered_reschedule"
    } else {
        "pair_registered"
    };
    Ok(Redirect::to(&format!("/events/{}?notice={notice}#meetings", t.event_id)).into_response())
}

fn local(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/home"
    }
}

/// The forms on the home and the listing page: accept, decline, lead.
async fn action_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<BackForm>,
) -> Result<Response, PageError> {
    let notice = match action.as_str() {
        "accept" => {
            uc::answer(&state.svc, &user, id, true).await?;
            "contact_accepted"
        }
        "decline" => {
            uc::answer(&state.svc, &user, id, false).await?;
            "contact_declined"
        }
        "lead" => {
            uc::make_lead(&state.svc, &user, id).await?;
            "contact_lead"
        }

        _ => return Err(PageError::not_found()),
    };
    let back = local(&f.back);
    let (path, anchor) = back.split_once('#').unwrap_or((back, ""));
    let sep = if path.contains('?') { '&' } else { '?' };
    let anchor = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    Ok(Redirect::to(&format!("{path}{sep}notice={notice}{anchor}")).into_response())
}

/// The home card “对接请求” (issue 18).
pub struct HomeCard {
    pub incoming: Vec<ContactRequestView>,
    pub outgoing: Vec<ContactRequestView>,
    pub exchanged: Vec<ContactRequestView>,
    pub oldest_incoming_days: i64,
    pub me: i64,
    /// For an operator: its upcoming matchmaking events (id, title, start), where an exchanged
    /// pair may be put.
    pub events: Vec<(i64, String, String)>,
}

impl HomeCard {
    pub fn is_empty(&self) -> bool {
        self.incoming.is_empty() && self.outgoing.is_empty() && self.exchanged.is_empty()
    }
}

/// The caller's card (empty when it has no requests; a failure leaves it empty, the home still
/// shows).
pub async fn home_card(state: &AppState, me: &Principal) -> HomeCard {
    let card = uc::home_card(&state.svc, me).await.unwrap_or_else(|e| {
        tracing::warn!("contact requests for the home: {e}");
        Default::default()
    });
    let views = |vs: &[ContactView]| {
        vs.iter()
            .map(|v| ContactRequestView::of(v, me.org_id))
            .collect()
    };
    let events = if card.exchanged.iter().any(|v| v.may_make_lead) {
        uc::events_for_pairs(&state.svc, me)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    HomeCard {
        events,
        incoming: views(&card.incoming),
        outgoing: views(&card.outgoing),
        exchanged: views(&card.exchanged),
        oldest_incoming_days: card.oldest_incoming_days,
        me: me.org_id,
    }
}
