//! The IP insurance pages (T5): the policies the user may read with their claims; an insurer's
//! form for a new policy and for a claim.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::pledge::{ClaimInput, PolicyInput, PolicyKind};
use zhiyun_service::Principal;
use zhiyun_service::pledges::{self as uc, insurance};

use super::views::PolicyView;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/insurance", get(list_page).post(create))
        .route("/insurance/{id}/claims", post(claim))
}

#[derive(Template)]
#[template(path = "pledges/insurance.html")]
struct InsurancePage {
    layout: Layout,
    policies: Vec<PolicyView>,
    is_insurer: bool,
    form: FormState,
    kinds: Vec<(&'static str, &'static str)>,
    insured: Vec<(i64, String, bool)>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Principal,
    form: FormState,
    error: Option<String>,
    status: axum::http::StatusCode,
) -> Result<Response, PageError> {
    let policies = insurance::list(&state.svc, user, None).await?;
    let is_insurer = user.role() == Role::Insurer;
    let insured = if is_insurer {
        uc::orgs_of_kind(&state.svc, OrgKind::Enterprise)
            .await?
            .into_iter()
            .map(|(id, n, _)| (id, n, form.v("insured_org_id") == id.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(page_with_status(
        status,
        &InsurancePage {
            layout: Layout::new(state, Some(user), "知识产权保险", "insurance"),
            policies: policies.iter().map(Into::into).collect(),
            is_insurer,
            form,
            kinds: PolicyKind::ALL
                .iter()
                .map(|k| (k.slug(), k.label()))
                .collect(),
            insured,
            error,
        },
    ))
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let mut form = FormState::default();
    form.set("kind", "enforcement");
    render(&state, &user, form, None, axum::http::StatusCode::OK).await
}

fn split(s: &str) -> Vec<String> {
    s.split(['\n', ',', '，', ';', '；', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let input = PolicyInput {
        kind: form.opt("kind"),
        insurer_org_id: Some(user.org_id),
        insured_org_id: form.opt("insured_org_id").and_then(|s| s.parse().ok()),
        patents: split(form.v("patents")),
        insured_amount_wan: form.opt("insured_amount_wan").map(WanText),
        premium_wan: form.opt("premium_wan").map(WanText),
        starts_on: form.opt("starts_on"),
        ends_on: form.opt("ends_on"),
        subsidy_wan: form.opt("subsidy_wan").map(WanText),
        policy_number: form.opt("policy_number"),
        pledge_id: form.opt("pledge_id").and_then(|s| s.parse().ok()),
    };
    match insurance::create(&state.svc, &user, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/insurance#policy-{}", p.id)).into_response()),
        Err(e) => {
            let status = form.refused(e, "kind")?;
            let keys: Vec<String> = form.errors.keys().cloned().collect();
            for k in keys {
                if k.starts_with("patents.") {
                    let m = form.errors[&k].clone();
                    form.errors.entry("patents".into()).or_insert(m);
                }
            }
            render(&state, &user, form, None, status).await
        }
    }
}

async fn claim(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = ClaimInput {
        on: form.opt("on"),
        amount_wan: form.opt("amount_wan").map(WanText),
        outcome: form.opt("outcome"),
    };
    match insurance::claim(&state.svc, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/insurance#policy-{id}")).into_response()),
        Err(e) => {
            let status = match e.kind {
                zhiyun_service::Kind::Invalid => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                zhiyun_service::Kind::Forbidden => axum::http::StatusCode::FORBIDDEN,
                _ => return Err(e.into()),
            };
            let mut f = FormState::default();
            f.set("kind", "enforcement");
            render(
                &state,
                &user,
                f,
                Some(format!("理赔未登记：{}", e.message)),
                status,
            )
            .await
        }
    }
}
