//! The application list (with each application's checks) and starting a new draft.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::application::Rule;
use zhiyun_service::applications::{self as uc, editor};
use zhiyun_service::{Kind, Principal};

use super::views::{district_name, eligible_label, park_name, shown_status, status_tag};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, fmt_time, page_with_status};

pub struct ListRow {
    pub id: i64,
    pub round_year: i32,
    pub park_name: String,
    pub district: String,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    pub submitted: String,
    pub checks: Vec<(&'static str, &'static str)>,
    pub eligible: (&'static str, &'static str),
}

#[derive(Template)]
#[template(path = "applications/list.html")]
struct ListPage {
    layout: Layout,
    is_operator: bool,
    is_bureau: bool,
    open_rounds: Vec<(i32, String)>,
    rounds: Vec<i32>,
    year: Option<i32>,
    rows: Vec<ListRow>,
    error: Option<String>,
    /// What A1–A6 stand for, under the table.
    legend: Vec<(&'static str, &'static str)>,
    /// Neither prepares nor oversees applications (an enterprise, a bank…): a page that says so.
    outsider: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    round_year: Option<i32>,
    pub notice: Option<String>,
}

async fn render_list(
    state: &AppState,
    user: &Principal,
    year: Option<i32>,
    notice: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let board = uc::board(&state.svc, user, year).await?;
    let rows = board
        .rows
        .iter()
        .map(|j| {
            let r = &j.record;
            ListRow {
                id: r.id,
                round_year: r.round_year,
                park_name: park_name(r),
                district: district_name(r),
                status_label: r.status.label(),
                status_tag: status_tag(r.status),
                submitted: r.submitted_at.map(fmt_time).unwrap_or_else(|| "—".into()),
                checks: j
                    .verdict
                    .checks
                    .iter()
                    .map(|c| shown_status(c, r))
                    .collect(),
                eligible: eligible_label(&j.verdict, r),
            }
        })
        .collect();
    Ok(page_with_status(
        status,
        &ListPage {
            layout: Layout::new(state, Some(user), "集聚区申报", "applications")
                .with_notice(notice),
            is_operator: board.may_apply,
            is_bureau: board.may_compare,
            open_rounds: board
                .open_rounds
                .iter()
                .map(|r| (r.year, r.deadline.format("%Y-%m-%d").to_string()))
                .collect(),
            rounds: board.rounds.iter().map(|r| r.year).collect(),
            year: board.year,
            rows,
            error,
            legend: Rule::ALL
                .into_iter()
                .map(|r| (r.code(), r.title()))
                .collect(),
            outsider: !board.may_apply && !board.may_compare,
        },
    ))
}

pub async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render_list(
        &state,
        &user,
        q.round_year,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Start a draft for the round chosen; on success, the form's first step.
pub async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let year = f.get("round_year").and_then(|y| y.parse().ok());
    match editor::start(&state.svc, &user, year).await {
        Ok(s) if s.created => Ok(Redirect::to(&format!(
            "/applications/{}/edit?step=park&notice=draft_prefilled",
            s.record.id
        ))
        .into_response()),
        Ok(s) => Ok(Redirect::to(&format!(
            "/applications/{}/edit?step=park&notice=draft_exists",
            s.record.id
        ))
        .into_response()),
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => {
            let status = if e.kind == Kind::Invalid {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            render_list(&state, &user, None, None, Some(e.message), status).await
        }
        Err(e) => Err(e.into()),
    }
}
