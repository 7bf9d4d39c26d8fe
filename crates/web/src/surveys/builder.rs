//! The survey builder: a plain form with numbered item rows (kind, text, options one per line,
//! required or not, one overall item chosen by a radio button) that works without JavaScript —
//! "add rows" posts the form back with three more. New surveys start from the standard yearly
//! questionnaire, or, for an event (`?event_id=`), from the event rating one.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::survey::{Audience, ITEMS_MAX, ItemKind, SurveyInput, SurveyItemInput};
use zhiyun_service::Kind;
use zhiyun_service::surveys::{self, Builder};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page_with_status};

/// One item row of the form.
pub struct Row {
    pub i: usize,
    pub kind: String,
    pub text: String,
    /// One option per line.
    pub options: String,
    /// "" (by kind), "yes", "no".
    pub req: String,
    pub overall: bool,
    pub errors: Vec<String>,
}

impl Row {
    fn blank(i: usize) -> Row {
        Row {
            i,
            kind: "rating".into(),
            text: String::new(),
            options: String::new(),
            req: String::new(),
            overall: false,
            errors: Vec::new(),
        }
    }

    fn of(i: usize, kind: ItemKind, text: &str, options: &[&str], overall: bool) -> Row {
        Row {
            kind: kind.slug().into(),
            text: text.into(),
            options: options.join("\n"),
            overall,
            ..Row::blank(i)
        }
    }
}

/// The standard yearly questionnaire (K6).
fn yearly_rows() -> Vec<Row> {
    use ItemKind::*;
    vec![
        Row::of(
            0,
            Rating,
            "总体而言，您对本集聚区知识产权运营服务的满意程度",
            &[],
            true,
        ),
        Row::of(1, Rating, "供需对接与技术转移服务", &[], false),
        Row::of(2, Rating, "知识产权质押融资服务", &[], false),
        Row::of(3, Rating, "培训与宣传活动", &[], false),
        Row::of(4, Rating, "服务人员的专业能力与态度", &[], false),
        Row::of(
            5,
            Choice,
            "您主要通过哪种渠道了解集聚区服务",
            &["平台网站", "活动现场", "微信公众号", "园区推荐"],
            false,
        ),
        Row::of(
            6,
            MultiChoice,
            "您希望加强哪些服务（可多选）",
            &[
                "专利转让许可对接",
                "质押融资",
                "知识产权保险",
                "培训",
                "维权援助",
            ],
            false,
        ),
        Row::of(7, Text, "您对集聚区运营服务的意见和建议", &[], false),
    ]
}

/// An event's rating questionnaire (T7).
fn event_rows() -> Vec<Row> {
    use ItemKind::*;
    vec![
        Row::of(0, Rating, "总体而言，您对本次活动的满意程度", &[], true),
        Row::of(1, Rating, "活动内容的实用性", &[], false),
        Row::of(2, Rating, "组织安排（时间、地点、流程）", &[], false),
        Row::of(3, Text, "您对今后活动的意见和建议", &[], false),
    ]
}

#[derive(Template)]
#[template(path = "surveys/form.html")]
struct FormPage {
    layout: Layout,
    form: FormState,
    rows: Vec<Row>,
    builder: Builder,
    audiences: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    items_error: Option<String>,
}

fn render(
    state: &AppState,
    user: &zhiyun_service::Principal,
    form: FormState,
    rows: Vec<Row>,
    builder: Builder,
    status: StatusCode,
) -> Response {
    let items_error = form.e("items").map(str::to_string);
    page_with_status(
        status,
        &FormPage {
            layout: Layout::new(state, Some(user), "新建满意度问卷", "surveys"),
            form,
            rows,
            builder,
            audiences: Audience::ALL
                .iter()
                .map(|a| (a.slug(), a.label()))
                .collect(),
            kinds: ItemKind::ALL
                .iter()
                .map(|k| (k.slug(), k.label()))
                .collect(),
            items_error,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NewQuery {
    event_id: Option<i64>,
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let builder = surveys::builder(&state.svc, &user).await?;
    let mut form = FormState::default();
    form.set("year", builder.this_year.to_string());
    if let Some((code, _)) = builder.districts.iter().find(|(c, _)| c.is_some()) {
        form.set("district_code", code.unwrap_or_default());
    }
    if let Some(d) = user.district_code.as_deref() {
        form.set("district_code", d);
    }
    let rows = match q
        .event_id
        .and_then(|id| builder.events.iter().find(|(e, _, _)| *e == id))
    {
        Some((id, title, _)) => {
            form.set("event_id", id.to_string());
            form.set("audience", Audience::EventParticipants.slug());
            form.set("title", format!("“{title}”参会评价"));
            event_rows()
        }
        None => {
            let place = user
                .district_code
                .as_deref()
                .and_then(|d| builder.districts.iter().find(|(c, _)| *c == Some(d)))
                .map(|(_, name)| *name)
                .unwrap_or("");
            form.set("audience", Audience::Everyone.slug());
            form.set(
                "title",
                format!("{}年度{place}知识产权运营服务满意度调查", builder.this_year),
            );
            yearly_rows()
        }
    };
    Ok(render(&state, &user, form, rows, builder, StatusCode::OK))
}

/// The rows as posted; blank rows (no text, no options) are kept for the form but not sent.
fn rows_of(map: &HashMap<String, String>) -> Vec<Row> {
    let n = map
        .get("rows")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(8)
        .clamp(1, ITEMS_MAX);
    let overall = map.get("overall").and_then(|v| v.parse::<usize>().ok());
    (0..n)
        .map(|i| {
            let get = |k: &str| map.get(&format!("{k}_{i}")).cloned().unwrap_or_default();
            Row {
                i,
                kind: get("kind"),
                text: get("text"),
                options: get("options"),
                req: get("req"),
                overall: overall == Some(i),
                errors: Vec::new(),
            }
        })
        .collect()
}

fn is_blank(r: &Row) -> bool {
    r.text.trim().is_empty() && r.options.trim().is_empty() && !r.overall
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let map: HashMap<String, String> = values.into_iter().collect();
    let more = map.contains_key("more");
    let mut rows = rows_of(&map);
    let mut form = FormState::with_values(map);
    if more {
        let builder = surveys::builder(&state.svc, &user).await?;
        let n = rows.len();
        rows.extend((n..(n + 3).min(ITEMS_MAX)).map(Row::blank));
        return Ok(render(&state, &user, form, rows, builder, StatusCode::OK));
    }
    let sent: Vec<usize> = rows.iter().filter(|r| !is_blank(r)).map(|r| r.i).collect();
    let items = sent
        .iter()
        .map(|&i| {
            let r = &rows[i];
            SurveyItemInput {
                kind: Some(r.kind.clone()),
                text: Some(r.text.clone()),
                overall: Some(r.overall),
                options: r
                    .options
                    .lines()
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect(),
                required: match r.req.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
            }
        })
        .collect();
    let number = |k: &str| form.opt(k).map(|v| v.parse::<i64>().unwrap_or(-1));
    let input = SurveyInput {
        title: form.opt("title"),
        year: number("year"),
        district_code: form.opt("district_code"),
        audience: form.opt("audience"),
        event_id: number("event_id"),
        items,
        invited: number("invited"),
        opens_on: form.opt("opens_on"),
        closes_on: form.opt("closes_on"),
    };
    match surveys::create(&state.svc, &user, &input).await {
        Ok(s) => Ok(Redirect::to(&format!("/surveys/{}?notice=created", s.id)).into_response()),
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Forbidden) && !e.is_plain_forbidden() => {
            let status = if e.kind == Kind::Invalid {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::FORBIDDEN
            };
            if e.errors.is_empty() {
                form.errors.insert(
                    e.field.clone().unwrap_or_else(|| "district_code".into()),
                    e.message.clone(),
                );
            }
            for fe in &e.errors {
                // `items.K.…` names the K-th item sent: show it on its row.
                let mut parts = fe.field.splitn(3, '.');
                if let (Some("items"), Some(k)) = (parts.next(), parts.next())
                    && let Some(row) = k.parse::<usize>().ok().and_then(|k| sent.get(k))
                {
                    rows[*row].errors.push(fe.message.clone());
                    form.errors
                        .insert(format!("row.{row}.{}", fe.field), fe.message.clone());
                } else {
                    form.errors.insert(fe.field.clone(), fe.message.clone());
                }
            }
            let builder = surveys::builder(&state.svc, &user).await?;
            Ok(render(&state, &user, form, rows, builder, status))
        }
        Err(e) => Err(PageError::from(e)),
    }
}
