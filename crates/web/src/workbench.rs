//! The workbench frame (issue 18): the JSON of `GET /api/v1/workbench` and what `/home` shows
//! above the detailed cards. The content is `zhiyun_service::workbench`; here it becomes JSON, or
//! views with a small server-drawn SVG chart per figure.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use zhiyun_service::workbench::{self as uc, Workbench};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::kpis::chart::{Bar, small_bars_svg};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/workbench", get(api_workbench))
}

/// Something waiting for the caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchTodo {
    /// Stable snake_case kind, e.g. `listing_review`, `contact_request`, `pledge_step`.
    pub kind: String,
    pub label: String,
    pub count: i64,
    /// Days the oldest item has waited.
    pub oldest_days: Option<i64>,
    /// The nearest due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    pub href: String,
}

/// A quick action the caller may take.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchAction {
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchRecordLine {
    pub label: String,
    pub state: String,
    pub href: String,
}

/// A few of the caller's records of one kind (`total` in all, `href` lists them).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchRecordGroup {
    pub title: String,
    pub href: String,
    pub items: Vec<WorkbenchRecordLine>,
    pub total: i64,
}

/// One point of a figure's series.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchPoint {
    /// A month (`YYYY-MM`, or `N月` of this year).
    pub label: String,
    pub value: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchFigure {
    pub label: String,
    pub value: String,
    pub series: Vec<WorkbenchPoint>,
    /// The small chart (inline SVG), for pages only.
    #[serde(skip)]
    pub svg: String,
}

/// The caller's workbench: to-dos most urgent first (only those with something waiting), quick
/// actions, figures with their series, records by kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkbenchView {
    pub todos: Vec<WorkbenchTodo>,
    pub actions: Vec<WorkbenchAction>,
    pub records: Vec<WorkbenchRecordGroup>,
    pub figures: Vec<WorkbenchFigure>,
}

/// `YYYY-MM` → `M月` for the chart's axis (the months are consecutive; the title says which).
fn short(label: &str) -> String {
    match label.split_once('-') {
        Some((_, m)) if label.len() == 7 => {
            format!("{}月", m.trim_start_matches('0'))
        }
        _ => label.to_string(),
    }
}

impl WorkbenchView {
    pub fn of(w: Workbench) -> WorkbenchView {
        WorkbenchView {
            todos: w
                .todos
                .into_iter()
                .map(|t| WorkbenchTodo {
                    kind: t.kind.to_string(),
                    label: t.label,
                    count: t.count,
                    oldest_days: t.oldest_days,
                    due: t.due,
                    href: t.href,
                })
                .collect(),
            actions: w
                .actions
                .into_iter()
                .map(|a| WorkbenchAction {
                    label: a.label,
                    href: a.href,
                })
                .collect(),
            records: w
                .records
                .into_iter()
                .map(|g| WorkbenchRecordGroup {
                    title: g.title,
                    href: g.href,
                    total: g.total,
                    items: g
                        .items
                        .into_iter()
                        .map(|l| WorkbenchRecordLine {
                            label: l.label,
                            state: l.state,
                            href: l.href,
                        })
                        .collect(),
                })
                .collect(),
            figures: w
                .figures
                .into_iter()
                .map(|f| {
                    let bars: Vec<Bar> = f
                        .series
                        .iter()
                        .map(|(l, v)| Bar {
                            label: short(l),
                            value: *v as f64,
                            text: if *v > 0 { v.to_string() } else { String::new() },
                            muted: false,
                        })
                        .collect();
                    WorkbenchFigure {
                        svg: small_bars_svg(&f.label, "", &bars),
                        series: f
                            .series
                            .into_iter()
                            .map(|(label, value)| WorkbenchPoint { label, value })
                            .collect(),
                        label: f.label,
                        value: f.value,
                    }
                })
                .collect(),
        }
    }
}

/// The caller's workbench for `/home`.
pub async fn of(
    state: &AppState,
    me: &zhiyun_service::Principal,
) -> zhiyun_service::Result<WorkbenchView> {
    Ok(WorkbenchView::of(uc::workbench(&state.svc, me).await?))
}

#[utoipa::path(get, path = "/api/v1/workbench", tag = "workbench",
    responses((status = 200, body = WorkbenchView), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_workbench(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<WorkbenchView>, ApiError> {
    Ok(Json(of(&state, &user).await?))
}
