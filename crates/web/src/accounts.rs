//! Accounts: my account (password, personal API tokens) and user administration.

use std::collections::HashMap;
use zhiyun_domain::code::Code;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_store::StoreError;
use zhiyun_store::accounts::{ApiToken, NewUser, Principal, User, check_username};
use zhiyun_store::orgs::OrgFilter;
use zhiyun_store::password::{check_new_password, random_password};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::forms::FormState;
use crate::json::ApiJson;
use crate::layout::{Layout, fmt_opt_time, fmt_time, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account_page))
        .route("/account/password", post(password_form))
        .route("/account/tokens", post(token_form))
        .route("/account/tokens/{id}/revoke", post(token_revoke_form))
        .route("/admin/users", get(users_page).post(user_create_form))
        .route("/admin/users/{username}/{action}", post(user_state_form))
        .route("/api/v1/users", get(api_users).post(api_user_create))
        .route("/api/v1/users/{username}/{action}", post(api_user_state))
        .route("/api/v1/tokens", get(api_tokens).post(api_token_create))
        .route("/api/v1/tokens/{id}", delete(api_token_revoke))
}

async fn hash(state: &AppState, password: String) -> String {
    let hasher = state.hasher.clone();
    tokio::task::spawn_blocking(move || hasher.hash(&password))
        .await
        .expect("hashing task")
}

// ---------- my account ----------

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    me: Principal,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    pw_form: FormState,
    token_form: FormState,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn render_account(
    state: &AppState,
    me: &Principal,
    notice: Option<&str>,
    new_token: Option<String>,
    pw_form: FormState,
    token_form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tokens = state
        .db
        .token_list(me.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: fmt_time(t.created_at),
            last_used: fmt_opt_time(&t.last_used_at),
            revoked: t.revoked,
        })
        .collect();
    Ok(page_with_status(
        status,
        &AccountPage {
            layout: Layout::new(state, Some(me), "我的账户", "account").with_notice(notice),
            me: me.clone(),
            tokens,
            new_token,
            pw_form,
            token_form,
        },
    ))
}

async fn account_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render_account(
        &state,
        &me,
        q.notice.as_deref(),
        None,
        FormState::default(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

async fn password_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let (_, stored) = state
        .db
        .user_password_hash(&me.username)
        .await?
        .ok_or_else(PageError::forbidden)?;
    let current = form.v("current").to_string();
    let hasher = state.hasher.clone();
    let ok = tokio::task::spawn_blocking(move || hasher.verify(&stored, &current))
        .await
        .unwrap_or(false);
    if !ok {
        form.errors
            .insert("current".into(), "当前密码不正确".into());
    }
    if let Err(msg) = check_new_password(form.v("new")) {
        form.errors.insert("new".into(), msg);
    } else if form.v("new") != form.v("confirm") {
        form.errors
            .insert("confirm".into(), "两次输入的新密码不一致".into());
    }
    if form.has_errors() {
        form.values.clear();
        return render_account(
            &state,
            &me,
            None,
            None,
            form,
            FormState::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let h = hash(&state, form.v("new").to_string()).await;
    state
        .db
        .user_set_password(&me.username, &h, &me.who())
        .await?;
    // Every session ended with the change; this browser gets a new one.
    let sid = state
        .db
        .session_create(me.id, state.config.session_ttl_secs)
        .await?;
    Ok((
        [(header::SET_COOKIE, state.session_cookie(&sid))],
        Redirect::to("/account?notice=password"),
    )
        .into_response())
}

fn token_name(name: &str) -> Result<String, FieldError> {
    zhiyun_domain::validation::text("name", "令牌名称", Some(name), true, 60)
        .map(|n| n.unwrap_or_default())
}

async fn token_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    match token_name(form.v("name")) {
        Ok(name) => {
            let (_, plain) = state.db.token_create(me.id, &name, &me.who()).await?;
            render_account(
                &state,
                &me,
                None,
                Some(plain),
                FormState::default(),
                FormState::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            form.add_errors(&[e]);
            render_account(
                &state,
                &me,
                None,
                None,
                FormState::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn token_revoke_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.db.token_revoke(me.id, id, &me.who()).await?;
    Ok(Redirect::to("/account?notice=revoked").into_response())
}

// ---------- user administration (admins) ----------

pub struct UserRow {
    pub user: User,
    pub org_name: String,
    pub created: String,
    pub last_login: String,
}

pub struct OrgOption {
    pub id: i64,
    pub label: String,
}

pub struct OrgGroup {
    pub label: &'static str,
    pub orgs: Vec<OrgOption>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    groups: Vec<OrgGroup>,
    form: FormState,
    one_time_password: Option<(String, String)>,
    me_name: String,
}

async fn render_users(
    state: &AppState,
    me: &Principal,
    notice: Option<&str>,
    form: FormState,
    one_time_password: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let users = state.db.user_list().await?;
    let (_, orgs) = state
        .db
        .org_list(&OrgFilter {
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let groups = OrgKind::ALL
        .iter()
        .map(|k| OrgGroup {
            label: k.label(),
            orgs: orgs
                .iter()
                .filter(|o| o.kind() == *k)
                .map(|o| OrgOption {
                    id: o.id,
                    label: o.name.clone(),
                })
                .collect(),
        })
        .filter(|g| !g.orgs.is_empty())
        .collect();
    let users = users
        .into_iter()
        .map(|u| UserRow {
            org_name: names.get(&u.org_id).cloned().unwrap_or_default(),
            created: fmt_time(u.created_at),
            last_login: fmt_opt_time(&u.last_login_at),
            user: u,
        })
        .collect();
    Ok(page_with_status(
        status,
        &UsersPage {
            layout: Layout::new(state, Some(me), "用户管理", "users").with_notice(notice),
            users,
            groups,
            form,
            one_time_password,
            me_name: me.username.clone(),
        },
    ))
}

async fn users_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    if !policy::can_administer(&me.actor()) {
        return Err(PageError::forbidden());
    }
    render_users(
        &state,
        &me,
        q.notice.as_deref(),
        FormState::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// What creating a user needs, from a form or the API.
struct UserRequest {
    username: String,
    display_name: String,
    org_id: Option<i64>,
    password: Option<String>,
    is_admin: bool,
}

/// Check and create; returns the user and, when no password was given, the one-time password made for it.
async fn create_user(
    state: &AppState,
    me: &Principal,
    req: UserRequest,
) -> Result<(User, Option<String>), Vec<FieldError>> {
    let mut errs = Vec::new();
    let username = check_username(&req.username)
        .map_err(|m| errs.push(FieldError::new("username", Code::BadUsername, m)))
        .ok();
    let display_name =
        zhiyun_domain::validation::text("display_name", "姓名", Some(&req.display_name), false, 40)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
    if req.org_id.is_none() {
        errs.push(FieldError::required("org_id", "所属机构"));
    }
    let generated = req
        .password
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .is_none();
    let password = if generated {
        random_password()
    } else {
        req.password.clone().unwrap_or_default()
    };
    if let Err(m) = check_new_password(&password) {
        errs.push(FieldError::new("password", Code::WeakPassword, m));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let username = username.expect("checked");
    let new = NewUser {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        org_id: req.org_id.expect("checked"),
        password_hash: hash(state, password.clone()).await,
        is_admin: req.is_admin,
    };
    match state.db.user_create(&new, &me.who()).await {
        Ok(u) => Ok((u, generated.then_some(password))),
        Err(StoreError::Conflict {
            code,
            field,
            message,
        }) => Err(vec![FieldError::new(
            field.unwrap_or("username"),
            code,
            message,
        )]),
        Err(e) => {
            tracing::error!(error = %e, "user create");
            Err(vec![FieldError::new(
                "",
                Code::Internal,
                "服务器内部错误，请稍后重试",
            )])
        }
    }
}

async fn user_create_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !policy::can_administer(&me.actor()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::with_values(values);
    let req = UserRequest {
        username: form.v("username").to_string(),
        display_name: form.v("display_name").to_string(),
        org_id: form.v("org_id").parse().ok(),
        password: form.opt("password"),
        is_admin: form.v("is_admin") == "on",
    };
    match create_user(&state, &me, req).await {
        Ok((u, otp)) => match otp {
            Some(p) => {
                render_users(
                    &state,
                    &me,
                    Some("user_created"),
                    FormState::default(),
                    Some((u.username, p)),
                    StatusCode::CREATED,
                )
                .await
            }
            None => Ok(Redirect::to("/admin/users?notice=user_created").into_response()),
        },
        Err(errs) => {
            form.values.remove("password");
            form.add_errors(&errs);
            render_users(
                &state,
                &me,
                None,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn parse_action(action: &str) -> Option<bool> {
    match action {
        "disable" => Some(true),
        "enable" => Some(false),
        _ => None,
    }
}

async fn user_state_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path((username, action)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if !policy::can_administer(&me.actor()) {
        return Err(PageError::forbidden());
    }
    let disabled = parse_action(&action).ok_or_else(PageError::not_found)?;
    if disabled && username.trim().to_lowercase() == me.username {
        return Err(PageError::new(StatusCode::CONFLICT, "不能停用自己的账号。"));
    }
    state
        .db
        .user_set_disabled(&username, disabled, &me.who())
        .await?;
    Ok(Redirect::to("/admin/users?notice=user_updated").into_response())
}

// ---------- API ----------

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub username: String,
    pub display_name: Option<String>,
    pub org_id: i64,
    /// At least 8 characters; omit to have a one-time password generated and returned.
    pub password: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[schema(value_type = Object)]
    pub user: User,
    /// Only when no password was given: shown once, never stored in clear.
    pub one_time_password: Option<String>,
}

/// All users (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<Object>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_users(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
) -> Result<Json<Vec<User>>, ApiError> {
    if !policy::can_administer(&me.actor()) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(state.db.user_list().await?))
}

/// Create a user (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserBody,
    responses((status = 201, body = CreatedUser), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_user_create(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    if !policy::can_administer(&me.actor()) {
        return Err(ApiError::forbidden());
    }
    let req = UserRequest {
        display_name: b.display_name.unwrap_or_default(),
        username: b.username,
        org_id: Some(b.org_id),
        password: b.password,
        is_admin: b.is_admin,
    };
    match create_user(&state, &me, req).await {
        Ok((user, one_time_password)) => Ok((
            StatusCode::CREATED,
            Json(CreatedUser {
                user,
                one_time_password,
            }),
        )
            .into_response()),
        Err(errs) => {
            let conflict = errs
                .iter()
                .any(|e| e.code.as_str().ends_with("_taken") || e.code == "unknown_organisation");
            let mut err = ApiError::invalid(errs);
            if conflict {
                err.status = StatusCode::CONFLICT;
            }
            Err(err)
        }
    }
}

/// Disable or enable a user (administrators); disabling ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{username}/{action}", tag = "accounts",
    params(("username" = String, Path), ("action" = String, Path, description = "disable | enable")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_user_state(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path((username, action)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if !policy::can_administer(&me.actor()) {
        return Err(ApiError::forbidden());
    }
    let disabled = parse_action(&action).ok_or_else(ApiError::not_found)?;
    if disabled && username.trim().to_lowercase() == me.username {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Code::CannotDisableSelf,
            "不能停用自己的账号",
        ));
    }
    state
        .db
        .user_set_disabled(&username, disabled, &me.who())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My personal API tokens (without their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_tokens(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(state.db.token_list(me.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenBody {
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    /// Use as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
}

/// Create a personal API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenBody,
    responses((status = 201, body = CreatedToken), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_token_create(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    ApiJson(b): ApiJson<TokenBody>,
) -> Result<Response, ApiError> {
    let name = token_name(&b.name).map_err(|e| ApiError::invalid(vec![e]))?;
    let (t, token) = state.db.token_create(me.id, &name, &me.who()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: t.id,
            name: t.name,
            token,
        }),
    )
        .into_response())
}

/// Revoke one of my tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_token_revoke(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.db.token_revoke(me.id, id, &me.who()).await?;
    Ok(StatusCode::NO_CONTENT)
}
