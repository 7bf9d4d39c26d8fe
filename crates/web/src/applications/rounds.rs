//! The municipal bureau's rounds page: the rounds with their submitted applications, and the form
//! opening a new one.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zhiyun_service::applications::rounds;
use zhiyun_service::{Kind, Principal};

use super::list::ListQuery;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page_with_status};

#[derive(Template)]
#[template(path = "applications/rounds.html")]
struct RoundsPage {
    layout: Layout,
    /// (year, deadline, submitted applications)
    rounds: Vec<(i32, String, i64)>,
    form: FormState,
}

async fn render_rounds(
    state: &AppState,
    user: &Principal,
    notice: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = rounds::summaries(&state.svc, user).await?;
    Ok(page_with_status(
        status,
        &RoundsPage {
            layout: Layout::new(state, Some(user), "申报轮次", "rounds").with_notice(notice),
            rounds: all
                .iter()
                .map(|s| {
                    (
                        s.round.year,
                        s.round.deadline.format("%Y-%m-%d").to_string(),
                        s.submitted,
                    )
                })
                .collect(),
            form,
        },
    ))
}

pub async fn rounds_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render_rounds(
        &state,
        &user,
        q.notice.as_deref(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn round_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let Ok(year) = form.v("year").trim().parse::<i32>() else {
        form.errors.insert("year".into(), "年度应为四位数字".into());
        return render_rounds(&state, &user, None, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let cmd = rounds::OpenRound {
        year,
        deadline: form.v("deadline").to_string(),
    };
    match rounds::open(&state.svc, &user, cmd).await {
        Ok(_) => Ok(Redirect::to("/rounds?notice=created").into_response()),
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
            render_rounds(&state, &user, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) if e.kind == Kind::Conflict => {
            let field = e.field.unwrap_or_else(|| "year".into());
            form.errors.insert(field, e.message);
            render_rounds(&state, &user, None, form, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
