//! Notifications (issue 18) on the web: the inbox page `/inbox` (the header shows the unread
//! count), the preferences form on `/account`, and the JSON API. The rules are
//! `zhiyun_service::notifications`; a user only ever sees their own.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::notify::NoticeKind;
use zhiyun_service::notifications::{self as uc, ChoiceInput, NotificationRecord, Preferences};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::json::ApiJson;
use crate::layout::{Layout, fmt_time, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route("/inbox/read-all", post(read_all_form))
        .route("/inbox/{id}", get(open_item))
        .route("/account/notifications", post(prefs_form))
        .route("/api/v1/notifications", get(api_list))
        .route("/api/v1/notifications/read-all", post(api_read_all))
        .route("/api/v1/notifications/{id}/read", post(api_read))
        .route(
            "/api/v1/notifications/preferences",
            get(api_prefs).put(api_prefs_put),
        )
}

// ---------- API ----------

/// One inbox item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// The kind's stable code, e.g. `contact_request`.
    pub kind: String,
    /// The kind in Chinese.
    pub kind_label: String,
    pub title: String,
    pub body: String,
    /// The page it is about (a path of this site).
    pub href: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub created_at: String,
    pub read: bool,
}

impl From<&NotificationRecord> for NotificationView {
    fn from(n: &NotificationRecord) -> NotificationView {
        NotificationView {
            id: n.id,
            kind: n.kind.code().into(),
            kind_label: n.kind.label().into(),
            title: n.title.clone(),
            body: n.body.clone(),
            href: n.href.clone(),
            created_at: fmt_time(n.created_at),
            read: n.read_at.is_some(),
        }
    }
}

/// The caller's inbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxView {
    pub unread_count: i64,
    /// Newest first (at most 200).
    pub items: Vec<NotificationView>,
}

/// The caller's unread count and newest notifications (newest first). Only one's own.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = InboxView), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<InboxView>, ApiError> {
    let inbox = uc::inbox(&state.svc, &user).await?;
    Ok(Json(InboxView {
        unread_count: inbox.unread,
        items: inbox.items.iter().map(NotificationView::from).collect(),
    }))
}

/// Mark one of the caller's notifications read; 404 for anyone else's.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 200, body = NotificationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_read(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<NotificationView>, ApiError> {
    let n = uc::open(&state.svc, &user, id).await?;
    Ok(Json(NotificationView::from(&n)))
}

/// How many were marked read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadAll {
    pub marked: u64,
}

/// Mark all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 200, body = ReadAll), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_read_all(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<ReadAll>, ApiError> {
    let marked = uc::read_all(&state.svc, &user).await?;
    Ok(Json(ReadAll { marked }))
}

/// One kind as the caller gets it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KindChoice {
    /// The kind's stable code, e.g. `contact_request`.
    pub kind: String,
    /// In the inbox.
    pub in_app: bool,
    /// By e-mail (sent only with an address and when the server sends mail).
    pub email: bool,
}

/// The caller's e-mail address and a choice for every kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreferencesView {
    pub email: Option<String>,
    pub kinds: Vec<KindChoiceView>,
}

/// A kind with its Chinese label.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindChoiceView {
    pub kind: String,
    pub label: String,
    pub in_app: bool,
    pub email: bool,
}

impl From<&Preferences> for PreferencesView {
    fn from(p: &Preferences) -> PreferencesView {
        PreferencesView {
            email: p.email.clone(),
            kinds: p
                .kinds
                .iter()
                .map(|c| KindChoiceView {
                    kind: c.kind.code().into(),
                    label: c.kind.label().into(),
                    in_app: c.in_app,
                    email: c.email,
                })
                .collect(),
        }
    }
}

/// The new choices: the kinds listed change, others keep theirs; `email` when given sets the
/// address (`""` clears it).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PreferencesBody {
    #[serde(default)]
    pub email: Option<String>,
    pub kinds: Vec<KindChoice>,
}

/// The caller's notification preferences (a kind never chosen shows its default).
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "notifications",
    responses((status = 200, body = PreferencesView), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_prefs(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<PreferencesView>, ApiError> {
    let p = uc::preferences(&state.svc, &user).await?;
    Ok(Json(PreferencesView::from(&p)))
}

/// Set the caller's choices (and address). 400 `unknown_kind` naming an unknown kind; 422
/// `bad_format` on `email`.
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "notifications",
    request_body = PreferencesBody,
    responses((status = 200, body = PreferencesView), (status = 400, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_prefs_put(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<PreferencesBody>,
) -> Result<Json<PreferencesView>, ApiError> {
    let choices: Vec<ChoiceInput> = body
        .kinds
        .iter()
        .map(|k| ChoiceInput {
            kind: k.kind.clone(),
            in_app: k.in_app,
            email: k.email,
        })
        .collect();
    let p = uc::set_preferences(&state.svc, &user, &choices, body.email.as_deref())
        .await
        .map_err(|e| {
            let unknown = e.code == Code::UnknownKind;
            let mut e = ApiError::from(e);
            if unknown {
                e.status = StatusCode::BAD_REQUEST;
                e.detail.field = e.detail.field.map(|f| format!("kinds.{f}"));
            }
            e
        })?;
    Ok(Json(PreferencesView::from(&p)))
}

// ---------- pages ----------

pub struct ItemRow {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub created: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    unread: i64,
    items: Vec<ItemRow>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn inbox_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let inbox = uc::inbox(&state.svc, &user).await?;
    let items = inbox
        .items
        .iter()
        .map(|n| ItemRow {
            id: n.id,
            kind: n.kind.label(),
            title: n.title.clone(),
            body: n.body.clone(),
            created: fmt_time(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(page(&InboxPage {
        layout: Layout::new(&state, Some(&user), "消息", "inbox").with_notice(q.notice.as_deref()),
        unread: inbox.unread,
        items,
    }))
}

/// Opening an item marks it read and goes to its page.
async fn open_item(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let n = uc::open(&state.svc, &user, id).await?;
    let href = if n.href.starts_with('/') && !n.href.starts_with("//") {
        n.href
    } else {
        "/inbox".into()
    };
    Ok(Redirect::to(&href).into_response())
}

async fn read_all_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    uc::read_all(&state.svc, &user).await?;
    Ok(Redirect::to("/inbox?notice=inbox_read").into_response())
}

/// The preferences form on `/account`: `email`, and a checkbox `in_app.<kind>` / `email.<kind>`
/// per kind (a box left unticked is absent).
async fn prefs_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let choices: Vec<ChoiceInput> = NoticeKind::ALL
        .iter()
        .map(|k| ChoiceInput {
            kind: k.code().into(),
            in_app: f.contains_key(&format!("in_app.{}", k.code())),
            email: f.contains_key(&format!("email.{}", k.code())),
        })
        .collect();
    let email = f.get("email").map(String::as_str).unwrap_or("");
    match uc::set_preferences(&state.svc, &user, &choices, Some(email)).await {
        Ok(_) => Ok(Redirect::to("/account?notice=notify_saved#notifications").into_response()),
        Err(e) if e.kind == zhiyun_service::Kind::Invalid => {
            let message = e
                .errors
                .first()
                .map(|f| f.message.clone())
                .unwrap_or(e.message);
            crate::accounts::render_account_notify_error(&state, &user, email, message).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The notifications section of `/account`.
pub struct PrefsSection {
    pub email: String,
    pub rows: Vec<PrefRow>,
    pub error: Option<String>,
    /// Whether this server sends mail at all.
    pub mail_on: bool,
}

pub struct PrefRow {
    pub code: &'static str,
    pub label: &'static str,
    pub in_app: bool,
    pub email: bool,
}

/// The caller's section (a failure to read it leaves the defaults shown and is logged).
pub async fn prefs_section(
    state: &AppState,
    me: &zhiyun_service::Principal,
    typed_email: Option<&str>,
    error: Option<String>,
) -> PrefsSection {
    let p = uc::preferences(&state.svc, me).await.unwrap_or_else(|e| {
        tracing::warn!("notification preferences: {e}");
        Preferences {
            email: None,
            kinds: Vec::new(),
        }
    });
    PrefsSection {
        email: typed_email
            .map(str::to_string)
            .or(p.email)
            .unwrap_or_default(),
        rows: p
            .kinds
            .iter()
            .map(|c| PrefRow {
                code: c.kind.code(),
                label: c.kind.label(),
                in_app: c.in_app,
                email: c.email,
            })
            .collect(),
        error,
        mail_on: state.svc.mail_on(),
    }
}
