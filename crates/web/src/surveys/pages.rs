//! The operator's and the bureaus' survey pages: the list by year, a survey's page (QR code,
//! links, invitations, open/close, copy), the invitations just made, the results with an SVG
//! chart and a data table per item, both methods named beside each figure, the target flag and
//! the free-text answers with a search box; the report download.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_service::surveys::{self, InvitationRow};

use super::api::{InvitedView, ResultsParams, invited_view};
use super::views::{ResultsView, SurveyView};
use super::{Origin, qr_svg, response_url};
use crate::AppState;
use crate::applications::downloads::{DOCX, download};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, fmt_time, page};

#[derive(Template)]
#[template(path = "surveys/list.html")]
struct ListPage {
    layout: Layout,
    year: Option<i32>,
    years: Vec<i32>,
    surveys: Vec<SurveyView>,
    may_create: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListQuery {
    year: Option<String>,
    notice: Option<String>,
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    let l = surveys::list(&state.svc, &user, year).await?;
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "满意度调查", "surveys")
            .with_notice(q.notice.as_deref()),
        year: l.year,
        years: l.years,
        surveys: l.surveys.iter().map(SurveyView::of).collect(),
        may_create: l.may_create,
    }))
}

struct InvitationLine {
    org_name: String,
    when: String,
}

#[derive(Template)]
#[template(path = "surveys/detail.html")]
struct DetailPage {
    layout: Layout,
    s: SurveyView,
    manage: bool,
    url: String,
    qr: String,
    invitations: Vec<InvitationLine>,
    previous: Option<(i64, String)>,
    next_year: i32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Origin(origin): Origin,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let p = surveys::page(&state.svc, &user, id).await?;
    let url = response_url(&origin, id);
    let s = SurveyView::of(&p.summary);
    Ok(page(&DetailPage {
        layout: Layout::new(&state, Some(&user), s.title.clone(), "surveys")
            .with_notice(q.notice.as_deref()),
        qr: qr_svg(&url),
        url,
        manage: p.manage,
        invitations: p
            .invitations
            .iter()
            .map(|i: &InvitationRow| InvitationLine {
                org_name: i.org_name.clone(),
                when: fmt_time(i.created_at),
            })
            .collect(),
        previous: p.previous.map(|p| (p.id, p.title)),
        next_year: s.year + 1,
        s,
    }))
}

#[derive(Template)]
#[template(path = "surveys/invited.html")]
struct InvitedPage {
    layout: Layout,
    id: i64,
    title: String,
    inv: InvitedView,
}

/// `open`, `close`, `copy`, `invite` from a survey's page.
pub(super) async fn survey_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Origin(origin): Origin,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let ctx = &state.svc;
    match action.as_str() {
        "open" | "close" => {
            surveys::set_open(ctx, &user, id, action == "open").await?;
            Ok(Redirect::to(&format!("/surveys/{id}?notice=saved")).into_response())
        }
        "copy" => {
            let s = surveys::copy(ctx, &user, id, None).await?;
            Ok(Redirect::to(&format!("/surveys/{}?notice=survey_copied", s.id)).into_response())
        }
        "invite" => {
            let inv = surveys::invite(ctx, &user, id).await?;
            Ok(page(&InvitedPage {
                layout: Layout::new(&state, Some(&user), "邀请链接", "surveys"),
                id,
                title: inv.title.clone(),
                inv: invited_view(&origin, id, &inv),
            }))
        }
        _ => Err(PageError::not_found()),
    }
}

#[derive(Template)]
#[template(path = "surveys/results.html")]
struct ResultsPage {
    layout: Layout,
    r: ResultsView,
    target_label: String,
    judged_label: String,
    query: String,
}

pub(super) async fn results_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(params): Query<ResultsParams>,
) -> Result<Response, PageError> {
    let query = params.query()?;
    let r = surveys::results(&state.svc, &user, id, &query).await?;
    let view = ResultsView::of(&r);
    Ok(page(&ResultsPage {
        layout: Layout::new(
            &state,
            Some(&user),
            format!("{} · 结果", view.title),
            "surveys",
        ),
        target_label: format!("≥ {}%", view.target_pct),
        judged_label: r.method.label().to_string(),
        query: params.q.unwrap_or_default(),
        r: view,
    }))
}

pub(super) async fn report_docx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let f = surveys::report_docx(&state.svc, &user, id).await?;
    Ok(download(DOCX, &f.filename, f.bytes))
}
