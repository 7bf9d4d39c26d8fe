//! The public side of a survey, no login: the response form at `/s/{id}` (an invitation's link
//! adds `?t=TOKEN`), built for phones and working without JavaScript; the QR code as SVG and a
//! printable page with it for events; an event's rating link `/events/{id}/rate`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::survey::{AnswerValue, ItemKind, ResponseWindow};
use zhiyun_service::Kind;
use zhiyun_service::surveys::{self, PublicForm, Respond, TokenState};

use super::views::{ItemView, rating_choices};
use super::{ClientIp, Origin, qr_svg, response_url};
use crate::AppState;
use crate::auth::MaybeUser;
use crate::error::PageError;
use crate::layout::{Layout, page_with_status};

/// An item as the form shows it, with what was answered and its error.
struct FormItem {
    item: ItemView,
    /// The rating or option numbers chosen, as strings.
    chosen: Vec<String>,
    text: String,
    error: Option<String>,
}

impl FormItem {
    fn is(&self, v: &str) -> bool {
        self.chosen.iter().any(|c| c == v)
    }
}

#[derive(Template)]
#[template(path = "surveys/respond.html")]
struct RespondPage {
    layout: Layout,
    f: PublicForm,
    items: Vec<FormItem>,
    ratings: Vec<(u8, &'static str)>,
    token: String,
    org_name: String,
    /// Shown instead of the form.
    stop: Option<String>,
    done: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FormQuery {
    t: Option<String>,
    done: Option<String>,
}

fn stop_of(f: &PublicForm) -> Option<String> {
    match (f.window, f.token) {
        (ResponseWindow::Closed, _) => Some("问卷已截止，感谢您的关注。".into()),
        (ResponseWindow::NotYetOpen, _) => Some("问卷尚未开始，请在开始后再填写。".into()),
        (_, Some(TokenState::Used)) => {
            Some("该邀请链接已提交过回答，每份邀请只能提交一次。感谢您的参与！".into())
        }
        (_, Some(TokenState::Invalid)) => Some(
            "邀请链接无效（可能不完整，或属于另一份问卷）。请核对链接，或向组织单位索取本问卷的公开链接。"
                .into(),
        ),
        _ => None,
    }
}

fn items_of(f: &PublicForm) -> Vec<FormItem> {
    f.items
        .iter()
        .enumerate()
        .map(|(i, it)| FormItem {
            item: ItemView::of(i, it),
            chosen: Vec::new(),
            text: String::new(),
            error: None,
        })
        .collect()
}

pub(super) async fn form_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<FormQuery>,
) -> Result<Response, PageError> {
    let token = q.t.unwrap_or_default();
    let done = q.done.is_some();
    let f = surveys::form(&state.svc, id, (!done).then_some(token.as_str())).await?;
    let p = RespondPage {
        layout: Layout::new(&state, user.as_ref(), f.title.clone(), "survey_public"),
        items: items_of(&f),
        ratings: rating_choices(),
        stop: if done { None } else { stop_of(&f) },
        token: if done { String::new() } else { token },
        org_name: String::new(),
        done,
        error: None,
        f,
    };
    Ok(page_with_status(StatusCode::OK, &p))
}

/// The form's answers: `a{N}` (one value, or several for multiple choice), per item from 0.
fn answers_of(f: &PublicForm, values: &[(String, String)]) -> Vec<AnswerValue> {
    f.items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let key = format!("a{i}");
            let got: Vec<&str> = values
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .collect();
            match it.kind {
                ItemKind::Text => AnswerValue::Text(got.first().copied().unwrap_or("").to_string()),
                ItemKind::MultiChoice => AnswerValue::List(
                    got.iter()
                        .filter_map(|v| v.trim().parse::<i64>().ok())
                        .collect(),
                ),
                _ => match got.first().map(|v| v.trim()) {
                    None | Some("") => AnswerValue::Null,
                    Some(v) => v
                        .parse::<i64>()
                        .map(AnswerValue::Int)
                        .unwrap_or_else(|_| AnswerValue::Text(v.to_string())),
                },
            }
        })
        .collect()
}

pub(super) async fn submit_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientIp(client): ClientIp,
    Path(id): Path<i64>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let map: HashMap<&str, &str> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let token = map.get("t").copied().unwrap_or("").trim().to_string();
    let org_name = map.get("org_name").copied().unwrap_or("").to_string();
    let f = surveys::form(&state.svc, id, None).await?;
    let cmd = Respond {
        answers: Some(answers_of(&f, &values)),
        token: Some(token.clone()).filter(|t| !t.is_empty()),
        org_name: Some(org_name.clone()).filter(|o| !o.trim().is_empty()),
        client,
    };
    let e = match surveys::respond(&state.svc, user.as_ref(), id, &cmd).await {
        Ok(_) => return Ok(Redirect::to(&format!("/s/{id}?done=1")).into_response()),
        Err(e) => e,
    };
    let status = match e.kind {
        Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Throttled => StatusCode::TOO_MANY_REQUESTS,
        _ => return Err(PageError::from(e)),
    };
    let mut items = items_of(&f);
    for (i, it) in items.iter_mut().enumerate() {
        let key = format!("a{i}");
        let got: Vec<String> = values
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .collect();
        if it.item.kind == ItemKind::Text.slug() {
            it.text = got.first().cloned().unwrap_or_default();
        } else {
            it.chosen = got;
        }
        it.error = e
            .errors
            .iter()
            .find(|fe| fe.field == key.replacen('a', "answers.", 1))
            .map(|fe| fe.message.clone());
    }
    let p = RespondPage {
        layout: Layout::new(&state, user.as_ref(), f.title.clone(), "survey_public"),
        items,
        ratings: rating_choices(),
        stop: None,
        token,
        org_name,
        done: false,
        error: Some(if e.errors.len() > 1 {
            format!("有 {} 处需要修改，见下方标红的题目。", e.errors.len())
        } else {
            e.message.clone()
        }),
        f,
    };
    Ok(page_with_status(status, &p))
}

/// The QR code of the survey's public link, as an SVG file.
pub(super) async fn qr_file(
    State(state): State<AppState>,
    Origin(origin): Origin,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let s = surveys::get(&state.svc, id).await?;
    let svg = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        super::qr_svg(&response_url(&origin, s.survey.id))
    );
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        svg,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "surveys/print.html")]
struct PrintPage {
    layout: Layout,
    title: String,
    owner: String,
    url: String,
    qr: String,
}

/// A page to print or project at an event: the title, the QR code, the link.
pub(super) async fn print_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Origin(origin): Origin,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let s = surveys::get(&state.svc, id).await?;
    let url = response_url(&origin, id);
    Ok(page_with_status(
        StatusCode::OK,
        &PrintPage {
            layout: Layout::new(
                &state,
                user.as_ref(),
                s.survey.title.clone(),
                "survey_public",
            ),
            title: s.survey.title.clone(),
            owner: s.survey.owner_name.clone(),
            qr: qr_svg(&url),
            url,
        },
    ))
}

/// An event's rating link: to the survey its participants answer.
pub(super) async fn event_rate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let survey = surveys::event_survey_id(&state.svc, id).await?;
    Ok(Redirect::to(&format!("/s/{survey}")).into_response())
}
