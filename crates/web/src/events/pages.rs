//! The event pages: the list, the form to create one, an event's page with registration, the
//! organiser's schedule, meetings and attendance, and a participant's agenda as XLSX. Each
//! handler parses the request, calls one use case of `zhiyun_service::events` and renders.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::event::{EventInput, EventKind, Outcome};
use zhiyun_domain::listing::TECH_FIELDS;
use zhiyun_domain::policy;
use zhiyun_service::events::{self, Attendance, Register};
use zhiyun_service::{Kind, Principal};

use super::views::{EventView, MeetingView, RegistrationView, ScheduleView, UnplacedView};
use super::{MeetingAction, MeetingBody, meeting_action};
use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    layout: Layout,
    events: Vec<EventView>,
    may_create: bool,
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Response, PageError> {
    let events = events::list(&state.svc).await?;
    let may_create = user
        .as_ref()
        .is_some_and(|u| policy::can_organise_events(&u.actor()));
    Ok(page(&ListPage {
        layout: Layout::new(&state, user.as_ref(), "活动与对接会", "events"),
        events: events.iter().map(EventView::of).collect(),
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

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    events::may_create(&user).map_err(|_| PageError::forbidden())?;
    let mut form = FormState::default();
    form.set("kind", "matchmaking");
    form.set("slot_minutes", "20");
    form.set("tables", "10");
    form.set("capacity", "60");
    Ok(render_form(&state, &user, form, StatusCode::OK))
}

pub(super) async fn create_form(
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
    match events::create(&state.svc, &user, &input).await {
        Ok(event) => {
            Ok(Redirect::to(&format!("/events/{}?notice=created", event.id)).into_response())
        }
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
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
    /// The organiser may propose the schedule (again); false once a meeting became a deal lead.
    may_schedule: bool,
    registered: bool,
    registrations: Vec<RegistrationView>,
    meetings: Vec<MeetingView>,
    unplaced: Vec<UnplacedView>,
    outcomes: Vec<(&'static str, &'static str)>,
    /// T7: the participants' rating, from the survey linked to the event.
    rating: Option<crate::surveys::RatingView>,
    /// The organiser may build a rating survey for the event.
    may_rate: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let p = events::page(&state.svc, user.as_ref(), id).await?;
    let schedule = ScheduleView::of(&p.schedule);
    Ok(page(&DetailPage {
        layout: Layout::new(
            &state,
            user.as_ref(),
            p.summary.event.title.clone(),
            "events",
        )
        .with_notice(q.notice.as_deref()),
        e: EventView::of(&p.summary),
        organiser: p.organiser,
        may_register: p.may_register,
        may_schedule: p.may_schedule,
        registered: p.registered,
        registrations: p
            .registrations
            .iter()
            .map(|r| RegistrationView::of(r, &p.schedule.slots))
            .collect(),
        meetings: schedule.meetings,
        unplaced: schedule.unplaced,
        outcomes: Outcome::ALL.iter().map(|o| (o.slug(), o.label())).collect(),
        rating: p.rating.as_ref().map(crate::surveys::rating_view),
        may_rate: p.organiser
            && user
                .as_ref()
                .is_some_and(|u| zhiyun_service::surveys::may_create(u).is_ok()),
    }))
}

/// `register`, `schedule`, `attended`, `absent` from the event's page.
pub(super) async fn event_form(
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
            let cmd = Register {
                unavailable_slots: values
                    .iter()
                    .filter(|(k, _)| k == "unavailable")
                    .filter_map(|(_, v)| v.parse().ok())
                    .collect(),
            };
            events::register(&state.svc, &user, id, &cmd).await?;
            "event_registered"
        }
        "schedule" => {
            events::propose(&state.svc, &user, id).await?;
            "event_scheduled"
        }
        "attended" | "absent" => {
            let cmd = Attendance {
                org_id: get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0),
                attended: action == "attended",
            };
            events::set_attendance(&state.svc, &user, id, cmd).await?;
            "saved"
        }
        _ => return Err(PageError::not_found()),
    };
    Ok(Redirect::to(&format!("/events/{id}?notice={notice}")).into_response())
}

pub(super) async fn meeting_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, mid, action)): Path<(i64, i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let action = MeetingAction::parse(&action).ok_or_else(PageError::not_found)?;
    let num = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    // The outcome has no default: recording none chosen is refused.
    if action == MeetingAction::Outcome && f.get("outcome").is_none_or(|o| o.trim().is_empty()) {
        return Err(PageError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "请选择洽谈结果后再记录。",
        ));
    }
    let body = MeetingBody {
        slot: num("slot"),
        table: num("table"),
        outcome: f.get("outcome").cloned(),
    };
    meeting_action(&state, &user, id, mid, action, body).await?;
    Ok(Redirect::to(&format!("/events/{id}?notice=saved#meetings")).into_response())
}

/// A participant's printable agenda (the organiser may print anyone's: `?org_id=`).
pub(super) async fn agenda_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let org = q.get("org_id").and_then(|v| v.parse::<i64>().ok());
    let file = events::agenda_xlsx(&state.svc, &user, id, org).await?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &file.filename,
        file.bytes,
    ))
}
