//! Self-registration (issue 18): the public form `/register`, the approvers' list
//! `/registrations` with approve / reject, the home cards, and the API
//! (`/api/v1/registrations`). The use cases are `zhiyun_service::registrations`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::district;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_domain::registration::{Approval, RegistrationInput, SELF_REGISTERING_KINDS};
use zhiyun_service::registrations::{self, RegistrationRow};
use zhiyun_service::{Kind, Principal};

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::forms::FormState;
use crate::json::ApiJson;
use crate::layout::{Layout, fmt_time, page, page_with_status};
use crate::orgs::Choice;
use crate::surveys::ClientIp;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(register_page).post(register_form))
        .route("/registrations", get(list_page))
        .route("/registrations/{org_id}/approve", post(approve_form))
        .route("/registrations/{org_id}/reject", post(reject_form))
        .route("/api/v1/registrations", get(api_list).post(api_register))
        .route("/api/v1/registrations/{org_id}/approve", post(api_approve))
        .route("/api/v1/registrations/{org_id}/reject", post(api_reject))
}

// ---------- the public form ----------

/// The 16 districts in the official code order (310101 黄浦区 … 310151 崇明区).
fn districts_in_code_order() -> Vec<Choice> {
    let mut d: Vec<_> = district::all().collect();
    d.sort_by_key(|d| d.code);
    d.into_iter()
        .map(|d| Choice {
            value: d.code,
            label: d.name,
        })
        .collect()
}

fn kinds() -> Vec<Choice> {
    SELF_REGISTERING_KINDS
        .iter()
        .map(|k| Choice {
            value: k.slug(),
            label: k.label(),
        })
        .collect()
}

fn sizes() -> Vec<Choice> {
    SizeClass::ALL
        .iter()
        .map(|s| Choice {
            value: s.slug(),
            label: s.label(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "registrations/form.html")]
struct RegisterPage {
    layout: Layout,
    form: FormState,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    sizes: Vec<Choice>,
}

fn render_register(state: &AppState, status: StatusCode, form: FormState) -> Response {
    page_with_status(
        status,
        &RegisterPage {
            layout: Layout::new(state, None, "单位注册", "register"),
            form,
            kinds: kinds(),
            districts: districts_in_code_order(),
            sizes: sizes(),
        },
    )
}

async fn register_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    if user.is_some() {
        return Redirect::to("/home").into_response();
    }
    let mut form = FormState::default();
    form.set("kind", OrgKind::Enterprise.slug());
    render_register(&state, StatusCode::OK, form)
}

fn form_input(f: &FormState) -> RegistrationInput {
    RegistrationInput {
        name: f.opt("name"),
        kind: f.opt("kind"),
        uscc: f.opt("uscc"),
        district_code: f.opt("district_code"),
        // The size class belongs to enterprises only: another kind ignores what the form kept.
        size_class: f.opt("size_class").filter(|_| f.is("kind", "enterprise")),
        address: f.opt("address"),
        contact_name: f.opt("contact_name"),
        contact_phone: f.opt("contact_phone"),
        username: f.opt("username"),
        display_name: f.opt("display_name"),
        password: Some(f.v("password").to_string()).filter(|p| !p.is_empty()),
        confirm: Some(f.v("confirm").to_string()).filter(|p| !p.is_empty()),
    }
}

async fn register_form(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    match registrations::register(&state.svc, &form_input(&form), client).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/login?notice=registered&username={}",
            crate::auth::url_encode(&r.username)
        ))
        .into_response()),
        Err(e) if e.kind == Kind::Throttled => Err(e.into()),
        Err(e) => {
            let status = form.refused(e, "name")?;
            // Passwords are never sent back into the page.
            form.values.remove("password");
            form.values.remove("confirm");
            Ok(render_register(&state, status, form))
        }
    }
}

// ---------- the approvers' list ----------

/// A registration as the list shows it.
pub struct RegistrationView {
    pub org_id: i64,
    pub name: String,
    pub kind_label: &'static str,
    pub uscc: String,
    pub district: &'static str,
    pub size: &'static str,
    pub contact: String,
    pub username: String,
    pub registered: String,
    pub age_days: i64,
    pub approval: Approval,
    pub decided: String,
    pub comment: String,
}

impl RegistrationView {
    fn of(r: &RegistrationRow, age_days: i64) -> RegistrationView {
        RegistrationView {
            org_id: r.org_id,
            name: r.name.clone(),
            kind_label: r.kind().map_or("", OrgKind::label),
            uscc: r.uscc.clone().unwrap_or_default(),
            district: r
                .district_code
                .as_deref()
                .and_then(district::by_code)
                .map_or("—", |d| d.name),
            size: r
                .size_class
                .as_deref()
                .and_then(SizeClass::parse)
                .map_or("", SizeClass::label),
            contact: format!("{} {}", r.contact_name, r.contact_phone),
            username: r.username.clone().unwrap_or_default(),
            registered: fmt_time(r.created_at),
            age_days,
            approval: r.approval(),
            decided: match (&r.decided_by_name, r.decided_at) {
                (Some(by), Some(at)) => format!("{by} · {}", fmt_time(at)),
                _ => String::new(),
            },
            comment: r.comment.clone().unwrap_or_default(),
        }
    }

    pub fn is_pending(&self) -> bool {
        self.approval == Approval::Pending
    }
}

#[derive(Template)]
#[template(path = "registrations/list.html")]
struct ListPage {
    layout: Layout,
    /// (status, label, is the one shown)
    tabs: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<RegistrationView>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let status = q.status.clone().unwrap_or_else(|| "pending".to_string());
    let status_arg = (status != "all").then_some(status.as_str());
    let rows = registrations::list(&state.svc, &me, status_arg).await?;
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&me), "单位注册审核", "registrations")
            .with_notice(q.notice.as_deref()),
        rows: rows
            .iter()
            .map(|r| RegistrationView::of(r, registrations::age_days(&state.svc, r)))
            .collect(),
        tabs: [
            ("pending", "待审核"),
            ("approved", "已通过"),
            ("rejected", "未通过"),
            ("all", "全部"),
        ]
        .into_iter()
        .map(|(s, l)| (s, l, s == status))
        .collect(),
        error: q.error,
    }))
}

#[derive(Deserialize, Default)]
struct DecisionForm {
    comment: Option<String>,
}

async fn decide_form(
    state: &AppState,
    me: &Principal,
    org_id: i64,
    approve: bool,
    comment: Option<String>,
) -> Result<Response, PageError> {
    match registrations::decide(&state.svc, me, org_id, approve, comment.as_deref()).await {
        Ok(_) => Ok(Redirect::to(if approve {
            "/registrations?notice=registration_approved"
        } else {
            "/registrations?notice=registration_rejected"
        })
        .into_response()),
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => Ok(Redirect::to(&format!(
            "/registrations?error={}",
            crate::auth::url_encode(&e.message)
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn approve_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path(org_id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    decide_form(&state, &me, org_id, true, f.comment).await
}

async fn reject_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path(org_id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, PageError> {
    decide_form(&state, &me, org_id, false, f.comment).await
}

// ---------- home cards ----------

/// The approvers' card (pending count and the oldest's age) and the registered organisation's
/// own state (pending, or rejected with the reason).
pub struct HomeCard {
    pub pending: Option<registrations::PendingCount>,
    pub mine: Option<RegistrationView>,
}

pub async fn home_card(state: &AppState, me: &Principal) -> HomeCard {
    let pending = registrations::pending_count(&state.svc, me)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e.message, "pending registrations for the home");
            None
        });
    let mine = match registrations::mine(&state.svc, me).await {
        Ok(Some(r)) if r.approval() != Approval::Approved => Some(RegistrationView::of(
            &r,
            registrations::age_days(&state.svc, &r),
        )),
        Ok(_) => None,
        Err(e) => {
            tracing::error!(error = %e.message, "own registration for the home");
            None
        }
    };
    HomeCard { pending, mine }
}

// ---------- API ----------

/// Body of a registration: the form's fields.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    pub name: Option<String>,
    /// enterprise | university | agency | bank | exchange | insurer
    pub kind: Option<String>,
    /// 18 characters, GB 32100-2015 check character.
    pub uscc: Option<String>,
    /// GB/T 2260 code of a current Shanghai district, e.g. `310104`.
    pub district_code: Option<String>,
    /// Enterprises only: large | medium | small | micro
    pub size_class: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub confirm: Option<String>,
}

impl From<RegistrationBody> for RegistrationInput {
    fn from(b: RegistrationBody) -> RegistrationInput {
        RegistrationInput {
            name: b.name,
            kind: b.kind,
            uscc: b.uscc,
            district_code: b.district_code,
            size_class: b.size_class,
            address: b.address,
            contact_name: b.contact_name,
            contact_phone: b.contact_phone,
            username: b.username,
            display_name: b.display_name,
            password: b.password,
            confirm: b.confirm,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RegisteredBody {
    pub org_id: i64,
    pub user_id: i64,
    pub username: String,
    /// `pending` until approved.
    pub status: String,
}

/// Register an organisation and its first user (no login). 201 `pending`; 422 with every bad
/// field (`{code, field}`); 409 `uscc_taken` on `uscc` (the message names the existing
/// organisation) or `username_taken` on `username`; 429 `rate_limited` (with `Retry-After`)
/// past 10 attempts from one address in ten minutes.
#[utoipa::path(post, path = "/api/v1/registrations", tag = "registrations", request_body = RegistrationBody,
    responses((status = 201, body = RegisteredBody), (status = 409, description = "uscc_taken, username_taken", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<RegistrationBody>,
) -> Result<Response, ApiError> {
    match registrations::register(&state.svc, &body.into(), client).await {
        Ok(r) => Ok((
            StatusCode::CREATED,
            Json(RegisteredBody {
                org_id: r.org_id,
                user_id: r.user_id,
                username: r.username,
                status: r.approval.slug().to_string(),
            }),
        )
            .into_response()),
        Err(e) if e.kind == Kind::Throttled => {
            let mut res = ApiError::from(e).into_response();
            let wait = zhiyun_domain::survey::limits::retry_after(state.svc.clock().now());
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// A registration as the API answers it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RegistrationJson {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub size_class: Option<String>,
    /// pending | approved | rejected
    pub status: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub username: Option<String>,
    /// Unix seconds.
    pub registered_at: i64,
    pub age_days: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

fn json_of(state: &AppState, r: RegistrationRow) -> RegistrationJson {
    RegistrationJson {
        age_days: registrations::age_days(&state.svc, &r),
        status: r.approval().slug().to_string(),
        org_id: r.org_id,
        name: r.name,
        kind: r.kind,
        uscc: r.uscc,
        district_code: r.district_code,
        size_class: r.size_class,
        contact_name: r.contact_name,
        contact_phone: r.contact_phone,
        username: r.username,
        registered_at: r.created_at,
        decided_by: r.decided_by_name,
        decided_at: r.decided_at,
        comment: r.comment,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationListParams {
    /// pending | approved | rejected; all when absent.
    pub status: Option<String>,
}

/// The registrations the caller approves (the district's cluster operator: enterprises,
/// universities and agencies of its district; the municipal bureau: banks, exchanges,
/// insurers), newest first. 403 for everyone else.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registrations", params(RegistrationListParams),
    responses((status = 200, body = Vec<RegistrationJson>), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(p): Query<RegistrationListParams>,
) -> Result<Json<Vec<RegistrationJson>>, ApiError> {
    let rows = registrations::list(&state.svc, &me, p.status.as_deref()).await?;
    Ok(Json(rows.into_iter().map(|r| json_of(&state, r)).collect()))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// Required to reject (the organisation reads it on its home).
    pub comment: Option<String>,
}

/// Approve a pending registration (its approver). 403 for others; 404 for an organisation
/// that did not register itself; 409 `already_decided`.
#[utoipa::path(post, path = "/api/v1/registrations/{org_id}/approve", tag = "registrations",
    params(("org_id" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = RegistrationJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_approve(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(org_id): Path<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<RegistrationJson>, ApiError> {
    let r = registrations::decide(&state.svc, &me, org_id, true, b.comment.as_deref()).await?;
    Ok(Json(json_of(&state, r)))
}

/// Reject a pending registration with a comment (required: 422 `reason_required`).
#[utoipa::path(post, path = "/api/v1/registrations/{org_id}/reject", tag = "registrations",
    params(("org_id" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = RegistrationJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_reject(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(org_id): Path<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<RegistrationJson>, ApiError> {
    let r = registrations::decide(&state.svc, &me, org_id, false, b.comment.as_deref()).await?;
    Ok(Json(json_of(&state, r)))
}
