//! The operator's 年度报送 page (write the two sections, download the drafts, submit, read the
//! bureau's comments and the figures changed since submission) and the municipal bureau's
//! 报送情况 page (all districts with their standing, the deadline, the files, accept or return).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::bureau_report::{DeadlineInput, Decision, ReviewInput, SectionsInput};
use zhiyun_domain::org::Role;
use zhiyun_service::Kind;
use zhiyun_service::bureau_reports as reports;

use super::api::{DiffView, DistrictLineView, SubmissionsView, YearReportView};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page_with_status};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PageQuery {
    district: Option<String>,
    notice: Option<String>,
}

/// `/reports`: the municipal bureau's list of last year, everyone else their district's year.
pub(super) async fn index(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let year = state.svc.clock().this_year() - 1;
    let to = if user.role() == Role::Municipal {
        format!("/reports/{year}/bureau")
    } else {
        format!("/reports/{year}")
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template)]
#[template(path = "bureau_reports/year.html")]
struct YearPage {
    layout: Layout,
    v: YearReportView,
    query: String,
    form: FormState,
    diffs: Option<Vec<DiffView>>,
    diff_error: Option<String>,
}

async fn year_page(
    state: &AppState,
    user: &zhiyun_service::Principal,
    year: i32,
    district: Option<&str>,
    notice: Option<&str>,
    form: Option<FormState>,
) -> Result<Response, PageError> {
    let ctx = &state.svc;
    let v = reports::year_view(ctx, user, district, year).await?;
    let (diffs, diff_error) = if v.package.is_some() {
        match reports::differences(ctx, user, Some(v.district.code), year).await {
            Ok(d) => (d.map(|d| d.iter().map(DiffView::of).collect()), None),
            Err(e) => (None, Some(e.message)),
        }
    } else {
        (None, None)
    };
    let status = if form.as_ref().is_some_and(FormState::has_errors) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = YearReportView::of(&v);
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.set("problems", view.problems.clone());
        f.set("plan", view.plan.clone());
        f
    });
    Ok(page_with_status(
        status,
        &YearPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("{} 年度报送 · {}", year, v.district.name),
                "reports",
            )
            .with_notice(notice),
            query: format!("?district={}", v.district.code),
            v: view,
            form,
            diffs,
            diff_error,
        },
    ))
}

pub(super) async fn year(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(year): Path<i32>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    year_page(
        &state,
        &user,
        year,
        q.district.as_deref(),
        q.notice.as_deref(),
        None,
    )
    .await
}

fn back(year: i32, district: &str, notice: &str) -> Response {
    Redirect::to(&format!(
        "/reports/{year}?district={district}&notice={notice}"
    ))
    .into_response()
}

/// Save the sections; with `submit`, then submit the package.
pub(super) async fn sections_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(year): Path<i32>,
    Query(q): Query<PageQuery>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let ctx = &state.svc;
    let d = reports::district_for(&user, q.district.as_deref())?;
    let input = SectionsInput {
        problems: values.get("problems").cloned(),
        plan: values.get("plan").cloned(),
    };
    let submit = values.get("action").map(String::as_str) == Some("submit");
    let mut form = FormState::with_values(values);
    let saved = reports::save_sections(ctx, &user, Some(d.code), year, &input).await;
    let result = match saved {
        Ok(_) if submit => reports::submit(ctx, &user, Some(d.code), year)
            .await
            .map(|_| "package_submitted"),
        Ok(_) => Ok("saved"),
        Err(e) => Err(e),
    };
    match result {
        Ok(notice) => Ok(back(year, d.code, notice)),
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
            year_page(&state, &user, year, Some(d.code), None, Some(form)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "bureau_reports/bureau.html")]
struct BureauPage {
    layout: Layout,
    l: SubmissionsView,
    counts: Vec<(String, String, usize)>,
    error: Option<String>,
}

pub(super) async fn bureau(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(year): Path<i32>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    bureau_page(&state, &user, year, q.notice.as_deref(), None).await
}

async fn bureau_page(
    state: &AppState,
    user: &zhiyun_service::Principal,
    year: i32,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = reports::submissions(&state.svc, user, year).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(
        status,
        &BureauPage {
            layout: Layout::new(state, Some(user), format!("{year} 年度报送情况"), "reports")
                .with_notice(notice),
            counts: l
                .counts
                .iter()
                .map(|(s, n)| (s.slug().to_string(), s.label().to_string(), *n))
                .collect(),
            l: SubmissionsView::of(&l),
            error,
        },
    ))
}

pub(super) async fn deadline_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(year): Path<i32>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let input = DeadlineInput {
        due_on: values.get("due_on").cloned(),
    };
    match reports::set_deadline(&state.svc, &user, year, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{year}/bureau?notice=saved")).into_response()),
        Err(e) if e.kind == Kind::Invalid => {
            bureau_page(&state, &user, year, None, Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn review_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((year, district, decision)): Path<(i32, String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let decision = Decision::parse(&decision).ok_or_else(PageError::not_found)?;
    let input = ReviewInput {
        comment: values.get("comment").cloned(),
    };
    match reports::review(&state.svc, &user, &district, year, decision, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/reports/{year}/bureau?notice=reviewed")).into_response())
        }
        Err(e) if e.kind == Kind::Invalid => {
            bureau_page(&state, &user, year, None, Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

impl BureauPage {
    fn waiting(&self) -> Vec<&DistrictLineView> {
        self.l
            .districts
            .iter()
            .filter(|d| d.package.as_ref().is_some_and(|p| p.status == "submitted"))
            .collect()
    }
}
