//! Events (T3 技术对接会, T5 银企对接会, T7 培训宣传): public event pages, registration by the
//! right roles with unavailable slots, attendance, and for a matchmaking event the proposed 1:1
//! meetings (from the matches among registered participants, placed by the domain's
//! scheduler), moved or removed by the organiser, printed as XLSX agendas, their outcomes and the
//! deal leads made of them.

use std::collections::HashMap;
use zhiyun_domain::code::Code;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use zhiyun_domain::event::{
    EventInput, EventKind, Outcome, Proposal, Schedule, ScheduleInput, check_event, check_move,
    check_registration, check_unavailable, schedule, slots,
};
use zhiyun_domain::listing::{ListingKind, ListingStatus, TECH_FIELDS};
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_search::matcher::Direction;
use zhiyun_store::StoreError;
use zhiyun_store::accounts::Principal;
use zhiyun_store::events::{EventRow, MeetingRow, NewEvent, NewMeeting, Registration};
use zhiyun_store::listings::ListingFilter;

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::forms::FormState;
use crate::json::ApiJson;
use crate::layout::{Layout, now_beijing, page, page_with_status};

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
        .route("/events", get(list_page))
        .route("/events/new", get(new_page).post(create_form))
        .route("/events/{id}", get(detail_page))
        .route("/events/{id}/agenda.xlsx", get(agenda_xlsx))
        .route("/events/{id}/{action}", post(event_form))
        .route("/events/{id}/meetings/{mid}/{action}", post(meeting_form))
}

const TIME: &str = "%Y-%m-%dT%H:%M:%S";

fn time_of(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, TIME).unwrap_or_default()
}

fn kind_of(row: &EventRow) -> EventKind {
    EventKind::parse(&row.kind).unwrap_or(EventKind::Training)
}

/// The event's slots (matchmaking), as (start, end) `HH:MM`.
fn slot_labels(row: &EventRow) -> Vec<String> {
    slots(
        time_of(&row.starts_at),
        time_of(&row.ends_at),
        row.slot_minutes as u32,
    )
    .into_iter()
    .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
    .collect()
}

fn organiser(actor: &policy::Actor, row: &EventRow) -> bool {
    actor.admin || actor.org_id == row.organiser_org_id
}

fn conflict(code: Code, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

// ---------- views ----------

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    /// matchmaking | bank_enterprise | training
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub description: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub theme_fields: Vec<String>,
    pub capacity: i64,
    pub registered: i64,
    pub slot_minutes: i64,
    pub tables: i64,
    /// Matchmaking: the meeting slots, `HH:MM–HH:MM`.
    pub slots: Vec<String>,
    pub cancelled: bool,
}

async fn event_view(state: &AppState, row: &EventRow) -> Result<EventView, ApiError> {
    let registered = state.db.event_registrations(row.id).await?.len() as i64;
    let kind = kind_of(row);
    Ok(EventView {
        id: row.id,
        kind: kind.slug().into(),
        kind_label: kind.label().into(),
        title: row.title.clone(),
        description: row.description.clone(),
        starts_at: time_of(&row.starts_at).format("%Y-%m-%d %H:%M").to_string(),
        ends_at: time_of(&row.ends_at).format("%Y-%m-%d %H:%M").to_string(),
        place: row.place.clone(),
        online_url: row.online_url.clone(),
        theme_fields: serde_json::from_str(&row.theme_fields).unwrap_or_default(),
        capacity: row.capacity,
        registered,
        slot_minutes: row.slot_minutes,
        tables: row.tables,
        slots: if kind == EventKind::Matchmaking {
            slot_labels(row)
        } else {
            Vec::new()
        },
        cancelled: row.cancelled != 0,
    })
}

/// A meeting with the names of its parties and listings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub slot: i64,
    pub slot_label: String,
    pub table: i64,
    pub demand_org_id: i64,
    pub demand_org: String,
    pub supply_org_id: i64,
    pub supply_org: String,
    pub demand_id: i64,
    pub demand_title: String,
    pub supply_id: i64,
    pub supply_title: String,
    pub score: f64,
    /// no_interest | follow_up | intent_signed | deal
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    /// The deal lead made of it, if any.
    pub lead_id: Option<i64>,
}

async fn meeting_views(state: &AppState, row: &EventRow) -> Result<Vec<MeetingView>, ApiError> {
    let meetings = state.db.event_meetings(row.id).await?;
    let labels = slot_labels(row);
    let leads: HashMap<i64, i64> = state
        .db
        .deal_leads_of_event(row.id)
        .await?
        .into_iter()
        .filter_map(|l| l.meeting_id.map(|m| (m, l.id)))
        .collect();
    let org_ids: Vec<i64> = meetings
        .iter()
        .flat_map(|m| [m.demand_org_id, m.supply_org_id])
        .collect();
    let orgs = state.db.org_names(&org_ids).await?;
    let listing_ids: Vec<i64> = meetings
        .iter()
        .flat_map(|m| [m.demand_id, m.supply_id])
        .collect();
    let titles: HashMap<i64, String> = state
        .db
        .listings_by_ids(&listing_ids)
        .await?
        .into_iter()
        .map(|l| (l.id, l.title))
        .collect();
    let name = |id: i64| orgs.get(&id).cloned().unwrap_or_default();
    let title = |id: i64| titles.get(&id).cloned().unwrap_or_default();
    Ok(meetings
        .iter()
        .map(|m| MeetingView {
            id: m.id,
            slot: m.slot,
            slot_label: labels.get(m.slot as usize).cloned().unwrap_or_default(),
            table: m.table_no,
            demand_org_id: m.demand_org_id,
            demand_org: name(m.demand_org_id),
            supply_org_id: m.supply_org_id,
            supply_org: name(m.supply_org_id),
            demand_id: m.demand_id,
            demand_title: title(m.demand_id),
            supply_id: m.supply_id,
            supply_title: title(m.supply_id),
            score: m.score,
            outcome: m.outcome.clone(),
            outcome_label: m
                .outcome
                .as_deref()
                .and_then(Outcome::parse)
                .map(|o| o.label().to_string()),
            lead_id: leads.get(&m.id).copied(),
        })
        .collect())
}

// ---------- operations shared by the API and the pages ----------

async fn create(
    state: &AppState,
    user: &Principal,
    input: &EventInput,
) -> Result<EventRow, ApiError> {
    if !policy::can_organise_events(&user.actor()) {
        return Err(ApiError::forbidden());
    }
    let e = check_event(input, now_beijing()).map_err(ApiError::invalid)?;
    Ok(state
        .db
        .event_create(
            &NewEvent {
                kind: e.kind.slug(),
                title: &e.title,
                description: &e.description,
                starts_at: e.starts_at.format(TIME).to_string(),
                ends_at: e.ends_at.format(TIME).to_string(),
                place: e.place.as_deref(),
                online_url: e.online_url.as_deref(),
                theme_fields: serde_json::to_string(&e.theme_fields)
                    .unwrap_or_else(|_| "[]".into()),
                capacity: i64::from(e.capacity),
                slot_minutes: i64::from(e.slot_minutes),
                tables: i64::from(e.tables),
                organiser_org_id: user.org_id,
            },
            &user.who(),
        )
        .await?)
}

async fn register(
    state: &AppState,
    user: &Principal,
    id: i64,
    unavailable: &[usize],
) -> Result<(), ApiError> {
    let row = state.db.event_get(id).await?;
    let kind = kind_of(&row);
    if !policy::can_register_event(&user.actor(), kind) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            format!("{}不在{}的报名范围内", user.role().label(), kind.label()),
        ));
    }
    let slot_count = slot_labels(&row).len();
    if kind == EventKind::Matchmaking
        && let Err(bad) = check_unavailable(unavailable, slot_count)
    {
        return Err(ApiError::invalid(vec![FieldError::new(
            "unavailable_slots",
            Code::SlotOutsideEvent,
            format!(
                "不可参加的时段 {:?} 不在活动的 {slot_count} 个时段之内（编号从 0 开始）",
                bad
            ),
        )]));
    }
    let (starts_at, cancelled, capacity) = (
        time_of(&row.starts_at),
        row.cancelled != 0,
        row.capacity as u32,
    );
    let now = now_beijing();
    let check = move |registered: u32, already: bool| -> zhiyun_store::Result<()> {
        check_registration(starts_at, cancelled, capacity, registered, already, now).map_err(|r| {
            StoreError::Conflict {
                code: r.code(),
                field: None,
                message: r.message().into(),
            }
        })
    };
    let unavailable: &[usize] = if kind == EventKind::Matchmaking {
        unavailable
    } else {
        &[]
    };
    state
        .db
        .event_register(id, user.org_id, unavailable, &check, &user.who())
        .await?;
    Ok(())
}

/// The organiser's event, or 404 (403 for a logged-in non-organiser who may see it).
async fn organised(state: &AppState, user: &Principal, id: i64) -> Result<EventRow, ApiError> {
    let row = state.db.event_get(id).await?;
    if !organiser(&user.actor(), &row) {
        return Err(ApiError::forbidden());
    }
    Ok(row)
}

/// Propose and store a matchmaking event's 1:1 meetings: each registered enterprise's published
/// demands against the registered universities' published supplies; the best pair of each
/// enterprise–university couple is one proposal, placed by the scheduler.
async fn propose(state: &AppState, user: &Principal, id: i64) -> Result<Schedule, ApiError> {
    let row = organised(state, user, id).await?;
    if kind_of(&row) != EventKind::Matchmaking {
        return Err(conflict(
            Code::NotMatchmaking,
            "只有技术对接会需要排定一对一洽谈",
        ));
    }
    let regs = state.db.event_registrations(id).await?;
    let listings_of = |org: i64, kind: ListingKind| {
        let db = state.db.clone();
        async move {
            db.listing_list(&ListingFilter {
                owner_org_id: Some(org),
                status: Some(ListingStatus::Published),
                kind: Some(kind),
                limit: 500,
                offset: 0,
            })
            .await
            .map(|(_, rows)| rows)
        }
    };
    let mut supplies = Vec::new();
    let mut demands = Vec::new();
    for (i, r) in regs.iter().enumerate() {
        match r.org_kind.as_str() {
            "university" => {
                for l in listings_of(r.org_id, ListingKind::Supply).await? {
                    supplies.push((i, l));
                }
            }
            "enterprise" => {
                for l in listings_of(r.org_id, ListingKind::Demand).await? {
                    demands.push((i, l));
                }
            }
            _ => {}
        }
    }
    let supplier_of: HashMap<i64, usize> = supplies.iter().map(|(i, l)| (l.id, *i)).collect();
    let items = supplies
        .iter()
        .map(|(_, l)| zhiyun_service::matching::item_of(l))
        .collect();
    let m = zhiyun_service::matching::matcher(&state.svc).clone();
    let demand_items: Vec<(usize, zhiyun_search::matcher::MatchItem)> = demands
        .iter()
        .map(|(i, l)| (*i, zhiyun_service::matching::item_of(l)))
        .collect();
    let best = tokio::task::spawn_blocking(move || {
        let set = m.index(items);
        let none = std::collections::HashSet::new();
        let mut best: HashMap<(usize, usize), Proposal> = HashMap::new();
        for (a, d) in &demand_items {
            for s in set.suggest(&m, d, Direction::DemandToSupplies, 5, &none) {
                let Some(&b) = supplier_of.get(&s.id) else {
                    continue;
                };
                let p = Proposal {
                    a: *a,
                    b,
                    score: s.score,
                    key: (d.id, s.id),
                };
                match best.get(&(*a, b)) {
                    Some(q) if q.score >= p.score => {}
                    _ => {
                        best.insert((*a, b), p);
                    }
                }
            }
        }
        best
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            e.to_string(),
        )
    })?;
    let mut proposals: Vec<Proposal> = best.into_values().collect();
    proposals.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.key.cmp(&y.key)));
    let input = ScheduleInput {
        slots: slot_labels(&row).len(),
        tables: row.tables as usize,
        unavailable: regs.iter().map(Registration::unavailable_slots).collect(),
        proposals,
    };
    let plan = schedule(&input);
    let meetings: Vec<NewMeeting> = plan
        .meetings
        .iter()
        .map(|mt| {
            let p = &input.proposals[mt.proposal];
            NewMeeting {
                slot: mt.slot as i64,
                table_no: mt.table as i64 + 1,
                demand_org_id: regs[p.a].org_id,
                supply_org_id: regs[p.b].org_id,
                demand_id: p.key.0,
                supply_id: p.key.1,
                score: p.score,
            }
        })
        .collect();
    let unplaced: Vec<serde_json::Value> = plan
        .unplaced
        .iter()
        .map(|u| {
            let p = &input.proposals[u.proposal];
            serde_json::json!({
                "demand_org": regs[p.a].org_name, "supply_org": regs[p.b].org_name,
                "demand_id": p.key.0, "supply_id": p.key.1, "score": p.score,
                "reason": u.reason, "message": u.reason.message(),
            })
        })
        .collect();
    let unplaced_json = serde_json::to_string(&unplaced).unwrap_or_else(|_| "[]".into());
    state
        .db
        .event_replace_meetings(id, &meetings, &unplaced_json, &user.who())
        .await?;
    Ok(plan)
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

/// `move`, `remove`, `outcome` or `lead` on one meeting (the organiser).
async fn meeting_action(
    state: &AppState,
    user: &Principal,
    id: i64,
    mid: i64,
    action: &str,
    body: &MeetingBody,
) -> Result<Option<i64>, ApiError> {
    let row = organised(state, user, id).await?;
    let meetings = state.db.event_meetings(id).await?;
    let at = meetings
        .iter()
        .position(|m| m.id == mid)
        .ok_or_else(ApiError::not_found)?;
    let who = user.who();
    match action {
        "move" => {
            let (Some(slot), Some(table)) = (body.slot, body.table) else {
                return Err(ApiError::invalid(vec![FieldError::required(
                    "slot",
                    "时段和桌号",
                )]));
            };
            let regs = state.db.event_registrations(id).await?;
            let (plan, input) = as_schedule(&row, &meetings, &regs);
            if slot < 0 || table < 1 {
                return Err(ApiError::invalid(vec![FieldError::new(
                    "slot",
                    Code::OutOfRange,
                    "时段从 0、桌号从 1 开始编号",
                )]));
            }
            check_move(&plan, &input, at, slot as usize, table as usize - 1)
                .map_err(|m| ApiError::new(StatusCode::CONFLICT, Code::CannotMove, m))?;
            state.db.event_move_meeting(mid, slot, table, &who).await?;
            Ok(None)
        }
        "remove" => {
            state.db.event_remove_meeting(mid, &who).await?;
            Ok(None)
        }
        "outcome" => {
            let outcome = body
                .outcome
                .as_deref()
                .and_then(Outcome::parse)
                .ok_or_else(|| {
                    ApiError::invalid(vec![FieldError::new(
                        "outcome",
                        Code::UnknownValue,
                        format!(
                            "洽谈结果应为：{}",
                            Outcome::ALL.map(Outcome::label).join("、")
                        ),
                    )])
                })?;
            state
                .db
                .event_set_outcome(mid, outcome.slug(), &who)
                .await?;
            Ok(None)
        }
        "lead" => {
            let m: &MeetingRow = &meetings[at];
            match m.outcome.as_deref().and_then(Outcome::parse) {
                Some(o) if o.may_become_deal_lead() => {}
                _ => {
                    return Err(conflict(
                        Code::OutcomeRequired,
                        "先记录“继续跟进”“签订意向”或“达成交易”的洽谈结果，再转为交易线索",
                    ));
                }
            }
            Ok(Some(state.db.deal_lead_from_meeting(m, &who).await?.id))
        }
        _ => Err(ApiError::not_found()),
    }
}

/// The stored meetings as the scheduler's schedule and input (for checking a move).
fn as_schedule(
    row: &EventRow,
    meetings: &[MeetingRow],
    regs: &[Registration],
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
            .map(|(i, m)| zhiyun_domain::event::Meeting {
                proposal: i,
                a: proposals[i].a,
                b: proposals[i].b,
                slot: m.slot as usize,
                table: (m.table_no - 1).max(0) as usize,
            })
            .collect(),
        unplaced: Vec::new(),
    };
    let input = ScheduleInput {
        slots: slot_labels(row).len(),
        tables: row.tables as usize,
        unavailable: regs.iter().map(Registration::unavailable_slots).collect(),
        proposals,
    };
    (plan, input)
}

// ---------- API ----------

/// Events, newest first (public).
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, body = Vec<EventView>)))]
pub async fn api_list(State(state): State<AppState>) -> Result<Json<Vec<EventView>>, ApiError> {
    let mut out = Vec::new();
    for row in state.db.event_list(200).await? {
        out.push(event_view(&state, &row).await?);
    }
    Ok(Json(out))
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
    let row = create(&state, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::listings::Created { id: row.id }),
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
    let row = state.db.event_get(id).await?;
    Ok(Json(event_view(&state, &row).await?))
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
    register(&state, &user, id, &body.unavailable_slots).await?;
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
    organised(&state, &user, id).await?;
    state
        .db
        .event_set_attended(id, body.org_id, body.attended, &user.who())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    pub meetings: Vec<MeetingView>,
    /// Pairs that could not be placed, with the reason.
    #[schema(value_type = Vec<Object>)]
    pub unplaced: Vec<serde_json::Value>,
}

async fn schedule_view(state: &AppState, row: &EventRow) -> Result<ScheduleView, ApiError> {
    Ok(ScheduleView {
        meetings: meeting_views(state, row).await?,
        unplaced: serde_json::from_str(&row.unplaced_json).unwrap_or_default(),
    })
}

/// Propose the 1:1 meetings of a matchmaking event from the matches among its registered
/// participants (replacing any earlier schedule): best pairs first, nobody double-booked,
/// unavailable slots respected; what could not be placed is listed.
#[utoipa::path(post, path = "/api/v1/events/{id}/schedule", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = ScheduleView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_schedule(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScheduleView>, ApiError> {
    propose(&state, &user, id).await?;
    let row = state.db.event_get(id).await?;
    Ok(Json(schedule_view(&state, &row).await?))
}

/// The event's meetings: the organiser sees all; a participant its own.
#[utoipa::path(get, path = "/api/v1/events/{id}/schedule", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = ScheduleView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_meetings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ScheduleView>, ApiError> {
    let row = state.db.event_get(id).await?;
    let mut view = schedule_view(&state, &row).await?;
    if !organiser(&user.actor(), &row) {
        view.meetings
            .retain(|m| m.demand_org_id == user.org_id || m.supply_org_id == user.org_id);
        view.unplaced.clear();
    }
    Ok(Json(view))
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
    let body: MeetingBody = if body.is_empty() {
        MeetingBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let lead = meeting_action(&state, &user, id, mid, &action, &body).await?;
    Ok(Json(serde_json::json!({"ok": true, "lead_id": lead})))
}

// ---------- pages ----------

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    layout: Layout,
    events: Vec<EventView>,
    may_create: bool,
}

async fn list_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Response, PageError> {
    let mut events = Vec::new();
    for row in state.db.event_list(200).await? {
        events.push(event_view(&state, &row).await.map_err(PageError::from)?);
    }
    let may_create = user
        .as_ref()
        .is_some_and(|u| policy::can_organise_events(&u.actor()));
    Ok(page(&ListPage {
        layout: Layout::new(&state, user.as_ref(), "活动与对接会", "events"),
        events,
        may_create,
    }))
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    layout: Layout,
    form: FormState,
    kinds: Vec<(&'static str, &'static str)>,
    fields: Vec<&'static str>,
}

fn render_form(
    state: &AppState,
    user: &Principal,
    form: FormState,
    status: StatusCode,
) -> Response {
    page_with_status(
        status,
        &FormPage {
            layout: Layout::new(state, Some(user), "新建活动", "events"),
            form,
            kinds: EventKind::ALL
                .iter()
                .map(|k| (k.slug(), k.label()))
                .collect(),
            fields: TECH_FIELDS.to_vec(),
        },
    )
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if !policy::can_organise_events(&user.actor()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    form.set("kind", "matchmaking");
    form.set("slot_minutes", "20");
    form.set("tables", "10");
    form.set("capacity", "60");
    Ok(render_form(&state, &user, form, StatusCode::OK))
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let theme_fields: Vec<String> = values
        .iter()
        .filter(|(k, _)| k == "theme_fields")
        .map(|(_, v)| v.clone())
        .collect();
    let map: HashMap<String, String> = values
        .into_iter()
        .filter(|(k, _)| k != "theme_fields")
        .collect();
    let mut form = FormState::with_values(map);
    for f in &theme_fields {
        form.set(&format!("field_{f}"), "on");
    }
    let number = |k: &str| form.opt(k).map(|v| v.parse::<i64>().unwrap_or(-1));
    let input = EventInput {
        kind: form.opt("kind"),
        title: form.opt("title"),
        description: form.opt("description"),
        starts_at: form.opt("starts_at"),
        ends_at: form.opt("ends_at"),
        place: form.opt("place"),
        online_url: form.opt("online_url"),
        theme_fields,
        capacity: number("capacity"),
        slot_minutes: number("slot_minutes"),
        tables: number("tables"),
    };
    match create(&state, &user, &input).await {
        Ok(row) => Ok(Redirect::to(&format!("/events/{}?notice=created", row.id)).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            form.add_errors(&e.detail.errors);
            Ok(render_form(
                &state,
                &user,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(PageError::from(e)),
    }
}

#[derive(Template)]
#[template(path = "events/detail.html")]
struct DetailPage {
    layout: Layout,
    e: EventView,
    organiser: bool,
    may_register: bool,
    registered: bool,
    registrations: Vec<RegistrationView>,
    meetings: Vec<MeetingView>,
    unplaced: Vec<serde_json::Value>,
    outcomes: Vec<(&'static str, &'static str)>,
}

/// A registration as the organiser's page lists it.
struct RegistrationView {
    org_id: i64,
    org_name: String,
    kind_label: String,
    /// The slots it cannot attend, `14:00–14:20、…`, or `—`.
    unavailable: String,
    attended: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn detail_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let row = state.db.event_get(id).await?;
    let e = event_view(&state, &row).await.map_err(PageError::from)?;
    let actor = user.as_ref().map(Principal::actor);
    let is_organiser = actor.as_ref().is_some_and(|a| organiser(a, &row));
    let regs = state.db.event_registrations(id).await?;
    let registered = user
        .as_ref()
        .is_some_and(|u| regs.iter().any(|r| r.org_id == u.org_id));
    let may_register = actor
        .as_ref()
        .is_some_and(|a| policy::can_register_event(a, kind_of(&row)));
    let mut view = schedule_view(&state, &row).await.map_err(PageError::from)?;
    if !is_organiser {
        let me = user.as_ref().map_or(-1, |u| u.org_id);
        view.meetings
            .retain(|m| m.demand_org_id == me || m.supply_org_id == me);
        view.unplaced.clear();
    }
    Ok(page(&DetailPage {
        layout: Layout::new(&state, user.as_ref(), row.title.clone(), "events")
            .with_notice(q.notice.as_deref()),
        e,
        organiser: is_organiser,
        may_register,
        registered,
        registrations: if is_organiser {
            let labels = slot_labels(&row);
            regs.iter()
                .map(|r| RegistrationView {
                    org_id: r.org_id,
                    org_name: r.org_name.clone(),
                    kind_label: zhiyun_domain::org::OrgKind::parse(&r.org_kind)
                        .map_or(r.org_kind.clone(), |k| k.label().to_string()),
                    unavailable: {
                        let slots: Vec<String> = r
                            .unavailable_slots()
                            .iter()
                            .filter_map(|&i| labels.get(i).cloned())
                            .collect();
                        if slots.is_empty() {
                            "—".into()
                        } else {
                            slots.join("、")
                        }
                    },
                    attended: r.attended != 0,
                })
                .collect()
        } else {
            Vec::new()
        },
        meetings: view.meetings,
        unplaced: view.unplaced,
        outcomes: Outcome::ALL.iter().map(|o| (o.slug(), o.label())).collect(),
    }))
}

/// `register`, `schedule`, `attended`, `absent` from the event's page.
async fn event_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, action)): Path<(i64, String)>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        values
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let notice = match action.as_str() {
        "register" => {
            let unavailable: Vec<usize> = values
                .iter()
                .filter(|(k, _)| k == "unavailable")
                .filter_map(|(_, v)| v.parse().ok())
                .collect();
            register(&state, &user, id, &unavailable)
                .await
                .map_err(PageError::from)?;
            "event_registered"
        }
        "schedule" => {
            propose(&state, &user, id).await.map_err(PageError::from)?;
            "event_scheduled"
        }
        "attended" | "absent" => {
            organised(&state, &user, id)
                .await
                .map_err(PageError::from)?;
            let org = get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0);
            state
                .db
                .event_set_attended(id, org, action == "attended", &user.who())
                .await?;
            "saved"
        }
        _ => return Err(PageError::not_found()),
    };
    Ok(Redirect::to(&format!("/events/{id}?notice={notice}")).into_response())
}

async fn meeting_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, mid, action)): Path<(i64, i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let num = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let body = MeetingBody {
        slot: num("slot"),
        table: num("table"),
        outcome: f.get("outcome").cloned(),
    };
    meeting_action(&state, &user, id, mid, &action, &body)
        .await
        .map_err(PageError::from)?;
    Ok(Redirect::to(&format!("/events/{id}?notice=saved#meetings")).into_response())
}

/// A participant's printable agenda (the organiser may print anyone's: `?org_id=`).
async fn agenda_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let row = state.db.event_get(id).await?;
    let org = match q.get("org_id").and_then(|v| v.parse::<i64>().ok()) {
        Some(o) if o != user.org_id => {
            if !organiser(&user.actor(), &row) {
                return Err(PageError::forbidden());
            }
            o
        }
        _ => user.org_id,
    };
    let meetings = meeting_views(&state, &row).await.map_err(PageError::from)?;
    let lines: Vec<Vec<String>> = meetings
        .iter()
        .filter(|m| m.demand_org_id == org || m.supply_org_id == org)
        .map(|m| {
            let (other, mine, theirs) = if m.demand_org_id == org {
                (&m.supply_org, &m.demand_title, &m.supply_title)
            } else {
                (&m.demand_org, &m.supply_title, &m.demand_title)
            };
            vec![
                m.slot_label.clone(),
                format!("{} 号桌", m.table),
                other.clone(),
                mine.clone(),
                theirs.clone(),
                format!("{:.1}", m.score),
            ]
        })
        .collect();
    let name = state
        .db
        .org_names(&[org])
        .await?
        .remove(&org)
        .unwrap_or_default();
    let bytes = zhiyun_reports::sheet::table_xlsx(
        "洽谈日程",
        &["时段", "桌号", "洽谈对象", "本方条目", "对方条目", "匹配度"],
        &lines,
    )
    .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let date = time_of(&row.starts_at).format("%Y-%m-%d");
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{}（{date}）{name}洽谈日程.xlsx", row.title),
        bytes,
    ))
}

/// A participant's upcoming meetings for the home page.
#[derive(Debug, Clone)]
pub struct AgendaLine {
    pub event_id: i64,
    pub event_title: String,
    pub when: String,
    pub table: i64,
    pub other: String,
}

pub async fn agenda_of(state: &AppState, org_id: i64) -> Result<Vec<AgendaLine>, ApiError> {
    let mut out = Vec::new();
    let meetings = state.db.meetings_of_org(org_id).await?;
    let mut events: HashMap<i64, EventRow> = HashMap::new();
    for m in &meetings {
        if let std::collections::hash_map::Entry::Vacant(slot) = events.entry(m.event_id) {
            slot.insert(state.db.event_get(m.event_id).await?);
        }
    }
    let others: Vec<i64> = meetings
        .iter()
        .map(|m| {
            if m.demand_org_id == org_id {
                m.supply_org_id
            } else {
                m.demand_org_id
            }
        })
        .collect();
    let names = state.db.org_names(&others).await?;
    let now = now_beijing();
    for (m, other) in meetings.iter().zip(others) {
        let e = &events[&m.event_id];
        if time_of(&e.ends_at) < now {
            continue;
        }
        let labels = slot_labels(e);
        out.push(AgendaLine {
            event_id: e.id,
            event_title: e.title.clone(),
            when: format!(
                "{} {}",
                time_of(&e.starts_at).format("%Y-%m-%d"),
                labels.get(m.slot as usize).cloned().unwrap_or_default()
            ),
            table: m.table_no,
            other: names.get(&other).cloned().unwrap_or_default(),
        });
    }
    Ok(out)
}
