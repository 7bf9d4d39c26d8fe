//! One application: its facts and checks, the reviews and documents, and the forms that act on
//! it (submit; the bureau's check reviews, decision and comments). A refused action shows the
//! page again with the reason.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::application::{Part, ReviewInput};
use zhiyun_service::applications::export::review_line;
use zhiyun_service::applications::{self as uc, editor, review};
use zhiyun_service::{Kind, Principal};

use super::views::{
    AttachmentView, CheckRow, check_rows, district_name, eligible_label, park_name, status_tag,
};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, fmt_time, page_with_status};

#[derive(Template)]
#[template(path = "applications/overview.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    round_year: i32,
    park_name: String,
    district: String,
    status_label: &'static str,
    status_tag: &'static str,
    submitted: String,
    can_edit: bool,
    can_review: bool,
    can_comment: bool,
    can_attach: bool,
    checks: Vec<CheckRow>,
    eligible: (&'static str, &'static str),
    priority: bool,
    enterprises: usize,
    partners: usize,
    reviews: Vec<String>,
    attachments: Vec<AttachmentView>,
    /// The parts a document may be uploaded for here (the enterprise list has its own import).
    parts: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    error_list: Vec<String>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The page, with `error` (a headline and its list) when an action was refused.
pub async fn render_overview(
    state: &AppState,
    user: &Principal,
    id: i64,
    notice: Option<&str>,
    error: Option<(String, Vec<String>)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let o = uc::overview(&state.svc, user, id).await?;
    let r = &o.judged.record;
    let v = &o.judged.verdict;
    let (error, error_list) = error
        .map(|(e, l)| (Some(e), l))
        .unwrap_or((None, Vec::new()));
    Ok(page_with_status(
        status,
        &OverviewPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("申报书 第 {id} 号"),
                "applications",
            )
            .with_notice(notice),
            id,
            round_year: r.round_year,
            park_name: park_name(r),
            district: district_name(r),
            status_label: r.status.label(),
            status_tag: status_tag(r.status),
            submitted: r.submitted_at.map(fmt_time).unwrap_or_else(|| "—".into()),
            can_edit: o.may.edit,
            can_review: o.may.review,
            can_comment: o.may.comment,
            can_attach: o.may.attach,
            checks: check_rows(v, r),
            eligible: eligible_label(v, r),
            priority: v.priority,
            enterprises: r.app.enterprises.len(),
            partners: r.app.partners.len(),
            reviews: o.reviews.iter().map(review_line).collect(),
            attachments: o.attachments.iter().map(AttachmentView::from).collect(),
            parts: Part::ALL
                .into_iter()
                .filter(|p| *p != Part::EnterpriseList)
                .map(|p| (p.slug(), p.label()))
                .collect(),
            error,
            error_list,
        },
    ))
}

/// Refusals shown on the page itself: anything the user can act on (not 403 or 404).
pub fn shown_on_page(e: &zhiyun_service::Error) -> bool {
    !matches!(
        e.kind,
        Kind::Forbidden | Kind::NotFound | Kind::Unauthenticated | Kind::Internal
    )
}

/// The status a refusal is answered with.
pub fn status_of(e: &zhiyun_service::Error) -> StatusCode {
    crate::error::ApiError::from(e.clone()).status
}

pub async fn overview_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render_overview(&state, &user, id, q.notice.as_deref(), None, StatusCode::OK).await
}

pub async fn submit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match editor::submit(&state.svc, &user, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?notice=submitted")).into_response()),
        Err(e) if shown_on_page(&e) => {
            let status = status_of(&e);
            let list = e.errors.iter().map(|f| f.message.clone()).collect();
            render_overview(&state, &user, id, None, Some((e.message, list)), status).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn review_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    // The decision has no default: a decision form sent without one is refused, not taken as a comment.
    if get("form").as_deref() == Some("decision") && get("decision").is_none() {
        return render_overview(
            &state,
            &user,
            id,
            None,
            Some((
                "请选择综合结论：批准、退回修改或不予批准".to_string(),
                Vec::new(),
            )),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = ReviewInput {
        rule: get("rule"),
        status: get("status"),
        decision: get("decision"),
        comment: get("comment").unwrap_or_default(),
    };
    // A check reviewed from its own form returns to that check.
    let anchor = input
        .rule
        .as_deref()
        .filter(|r| r.len() == 2 && r.starts_with('A') && r.as_bytes()[1].is_ascii_digit())
        .map_or_else(|| "reviews".to_string(), |r| format!("check-{r}"));
    match review::review(&state.svc, &user, review::Review { id, input }).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/applications/{id}?notice=reviewed#{anchor}")).into_response(),
        ),
        Err(e) if shown_on_page(&e) => {
            let status = status_of(&e);
            render_overview(
                &state,
                &user,
                id,
                None,
                Some((e.message, Vec::new())),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
