//! `/account` (my password and tokens) and `/admin/users` (administrators).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::org::OrgKind;
use zhiyun_service::Kind;
use zhiyun_service::Principal;
use zhiyun_service::accounts::User;
use zhiyun_service::accounts::{self, ChangePassword, NewUserCmd};

use super::{parse_action, user_action};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, fmt_opt_time, fmt_time, page_with_status};

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
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
    /// E-mail address and notification preferences (issue 18).
    notify: crate::notifications::PrefsSection,
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
    let notify = crate::notifications::prefs_section(state, me, None, None).await;
    render_account_with(
        state, me, notice, new_token, pw_form, token_form, notify, status,
    )
    .await
}

/// The account page after a refused notification form: the address as typed, the error.
pub(crate) async fn render_account_notify_error(
    state: &AppState,
    me: &Principal,
    typed_email: &str,
    error: String,
) -> Result<Response, PageError> {
    let notify =
        crate::notifications::prefs_section(state, me, Some(typed_email), Some(error)).await;
    render_account_with(
        state,
        me,
        None,
        None,
        FormState::default(),
        FormState::default(),
        notify,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_account_with(
    state: &AppState,
    me: &Principal,
    notice: Option<&str>,
    new_token: Option<String>,
    pw_form: FormState,
    token_form: FormState,
    notify: crate::notifications::PrefsSection,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tokens = accounts::my_tokens(&state.svc, me)
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
            notify,
        },
    ))
}

pub(super) async fn account_page(
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

pub(super) async fn password_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let cmd = ChangePassword {
        current: form.v("current").to_string(),
        new: form.v("new").to_string(),
        confirm: form.v("confirm").to_string(),
        session_ttl_secs: state.config.session_ttl_secs,
    };
    match accounts::change_password(&state.svc, &me, cmd).await {
        // Every session ended with the change; this browser gets the new one.
        Ok(sid) => Ok((
            [(header::SET_COOKIE, state.session_cookie(&sid))],
            Redirect::to("/account?notice=password"),
        )
            .into_response()),
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
            form.values.clear();
            render_account(
                &state,
                &me,
                None,
                None,
                form,
                FormState::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn token_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    match accounts::create_token(&state.svc, &me, form.v("name")).await {
        Ok((_, plain)) => {
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
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
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
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn token_revoke_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    accounts::revoke_token(&state.svc, &me, id).await?;
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
    let overview = accounts::users_overview(&state.svc, me).await?;
    let groups = OrgKind::ALL
        .iter()
        .map(|k| OrgGroup {
            label: k.label(),
            orgs: overview
                .orgs
                .iter()
                .filter(|o| o.kind == *k)
                .map(|o| OrgOption {
                    id: o.id,
                    label: o.name.clone(),
                })
                .collect(),
        })
        .filter(|g| !g.orgs.is_empty())
        .collect();
    let users = overview
        .users
        .into_iter()
        .map(|(u, org_name)| UserRow {
            org_name,
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

pub(super) async fn users_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
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

pub(super) async fn user_create_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let cmd = NewUserCmd {
        username: form.v("username").to_string(),
        display_name: form.v("display_name").to_string(),
        org_id: form.v("org_id").parse().ok(),
        password: form.opt("password"),
        is_admin: form.v("is_admin") == "on",
    };
    match accounts::create_user(&state.svc, &me, cmd).await {
        Ok(created) => match created.one_time_password {
            Some(p) => {
                render_users(
                    &state,
                    &me,
                    Some("user_created"),
                    FormState::default(),
                    Some((created.user.username, p)),
                    StatusCode::CREATED,
                )
                .await
            }
            None => Ok(Redirect::to("/admin/users?notice=user_created").into_response()),
        },
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => {
            form.values.remove("password");
            form.add_errors(&e.errors);
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
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn user_state_form(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Path((username, action)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let action = parse_action(&action).ok_or_else(PageError::not_found)?;
    let notice = user_action(&state.svc, &me, &username, action).await?;
    Ok(Redirect::to(&format!("/admin/users?notice={notice}")).into_response())
}
