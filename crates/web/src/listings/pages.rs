//! Listing pages: the owner's list and form, the operator's review queue, one listing's page and
//! the 供需清单 download.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::district;
use zhiyun_domain::listing::{
    ListingAction, ListingInput, ListingKind, MATURITY, MODES, TECH_FIELDS,
};
use zhiyun_domain::policy;
use zhiyun_service::listings;
use zhiyun_service::{Kind, Principal};

use super::views::ListingView;
use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};
use crate::orgs::Choice;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings/mine", get(mine_page))
        .route("/listings/new", get(new_page).post(create_form))
        .route("/listings/review", get(review_page))
        .route("/listings/export.xlsx", get(export_xlsx))
        .route("/listings/{id}", get(detail_page))
        .route("/listings/{id}/{action}", post(action_form))
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "listings/mine.html")]
struct MinePage {
    layout: Layout,
    rows: Vec<ListingView>,
    can_demand: bool,
    can_supply: bool,
    stale: usize,
}

async fn mine_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let views: Vec<ListingView> = listings::mine(&state.svc, &user)
        .await?
        .into_iter()
        .map(ListingView::from)
        .collect();
    let actor = user.actor();
    Ok(page(&MinePage {
        layout: Layout::new(&state, Some(&user), "我的供需条目", "listings")
            .with_notice(q.notice.as_deref()),
        stale: views.iter().filter(|v| v.stale).count(),
        rows: views,
        can_demand: policy::can_post_listing(&actor, ListingKind::Demand),
        can_supply: policy::can_post_listing(&actor, ListingKind::Supply),
    }))
}

#[derive(Template)]
#[template(path = "listings/form.html")]
struct FormPage {
    layout: Layout,
    kind: &'static str,
    kind_label: &'static str,
    form: FormState,
    fields: Vec<&'static str>,
    modes: Vec<&'static str>,
    maturity: Vec<&'static str>,
    districts: Vec<Choice>,
}

fn render_form(
    state: &AppState,
    user: &Principal,
    kind: ListingKind,
    form: FormState,
    status: StatusCode,
) -> Response {
    page_with_status(
        status,
        &FormPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("发布{}", kind.label()),
                "listings",
            ),
            kind: kind.slug(),
            kind_label: kind.label(),
            form,
            fields: TECH_FIELDS.to_vec(),
            modes: MODES.to_vec(),
            maturity: MATURITY.to_vec(),
            districts: district::all()
                .map(|d| Choice {
                    value: d.code,
                    label: d.name,
                })
                .collect(),
        },
    )
}

/// The form, for those who may post the kind (the use case decides when it is sent).
async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let kind = q
        .kind
        .as_deref()
        .and_then(ListingKind::parse)
        .unwrap_or(ListingKind::Demand);
    if !policy::can_post_listing(&user.actor(), kind) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    if let Some(d) = &user.district_code {
        form.set("district_code", d);
    }
    Ok(render_form(&state, &user, kind, form, StatusCode::OK))
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', ',', '，', '、', ';', '；'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // Checkboxes repeat the `modes` key, so the form is read as pairs.
    let modes: Vec<String> = values
        .iter()
        .filter(|(k, _)| k == "modes")
        .map(|(_, v)| v.clone())
        .collect();
    let map: HashMap<String, String> = values.into_iter().filter(|(k, _)| k != "modes").collect();
    let mut form = FormState::with_values(map);
    for m in &modes {
        form.set(&format!("mode_{m}"), "on");
    }
    let kind = ListingKind::parse(form.v("kind")).unwrap_or(ListingKind::Demand);
    let input = ListingInput {
        kind: Some(kind.slug().into()),
        title: form.opt("title"),
        description: form.opt("description"),
        field: form.opt("field"),
        ipc: lines(form.v("ipc")),
        modes,
        price_wan: form
            .opt("price_wan")
            .map(zhiyun_domain::application::serde_json_number::Number),
        district_code: form.opt("district_code"),
        contact_name: form.opt("contact_name"),
        contact_phone: form.opt("contact_phone"),
        valid_until: form.opt("valid_until"),
        patents: lines(form.v("patents")),
        maturity: form.opt("maturity"),
    };
    match listings::create(&state.svc, &user, &input).await {
        Ok(l) => Ok(Redirect::to(&format!("/listings/{}?notice=created", l.id)).into_response()),
        Err(e) if e.kind == Kind::Invalid => {
            for fe in &e.errors {
                let key = fe.field.split('.').next().unwrap_or(&fe.field).to_string();
                form.errors.entry(key).or_insert_with(|| fe.message.clone());
            }
            Ok(render_form(
                &state,
                &user,
                kind,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) if e.kind == Kind::Conflict => {
            form.errors
                .insert(e.field.unwrap_or_else(|| "title".into()), e.message);
            Ok(render_form(&state, &user, kind, form, StatusCode::CONFLICT))
        }
        Err(e) if e.kind == Kind::Forbidden => Err(PageError::forbidden()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "listings/detail.html")]
struct DetailPage {
    layout: Layout,
    l: ListingView,
    owner: bool,
    moderator: bool,
    /// Suggestions for the owner and the district's operator (T3).
    matches: Option<Vec<crate::matching::MatchView>>,
    reasons: Vec<(&'static str, &'static str)>,
    /// The deals this listing led to that the viewer may read: (id, title, stage).
    deals: Vec<(i64, String, String)>,
    /// The contact requests about this listing the viewer may see (issue 18).
    contacts: Vec<crate::match_contacts::ContactRequestView>,
    /// Where the contact request forms return to.
    back: String,
}

async fn detail_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let d = match listings::get(&state.svc, user.as_ref(), id).await {
        Ok(d) => d,
        Err(e) if e.kind == Kind::NotFound => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let actor = user.as_ref().map(Principal::actor);
    // What the viewer may do decides which buttons show; the use cases enforce it.
    let may = |action| {
        actor
            .as_ref()
            .is_some_and(|a| policy::can_act_on_listing(a, &d.scope(), action))
    };
    let (owner, moderator) = (may(ListingAction::Submit), may(ListingAction::Publish));
    let shows_matches = actor
        .as_ref()
        .is_some_and(|a| policy::can_see_matches(a, &d.scope()));
    let matches = match &user {
        Some(u) if shows_matches => Some(
            zhiyun_service::matching::matches(&state.svc, u, id, None, None)
                .await?
                .into_iter()
                .map(|s| crate::matching::MatchView::of(s, u.org_id))
                .collect(),
        ),
        _ => None,
    };
    let deals = match &user {
        Some(u) => zhiyun_service::deals::of_listing(&state.svc, u, id)
            .await?
            .iter()
            .map(|s| {
                let k = s.record.deal.kind;
                (
                    s.record.id,
                    format!("{}：{} → {}", k.label(), s.from_name, s.to_name),
                    s.record.deal.stage.label_for(k).to_string(),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let contacts = match &user {
        Some(u) => zhiyun_service::match_contacts::of_listing(&state.svc, u, id)
            .await?
            .iter()
            .map(|v| crate::match_contacts::ContactRequestView::of(v, u.org_id))
            .collect(),
        None => Vec::new(),
    };
    let title = d.listing.title.clone();
    Ok(page(&DetailPage {
        deals,
        contacts,
        back: format!("/listings/{id}#contacts"),
        layout: Layout::new(&state, user.as_ref(), title, "listings")
            .with_notice(q.notice.as_deref()),
        l: d.into(),
        owner,
        moderator,
        matches,
        reasons: zhiyun_domain::matching::DeclineReason::ALL
            .iter()
            .map(|r| (r.slug(), r.label()))
            .collect(),
    }))
}

async fn action_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let act = ListingAction::parse(&action).ok_or_else(PageError::not_found)?;
    listings::act(
        &state.svc,
        &user,
        id,
        act,
        f.get("reason").map(String::as_str),
    )
    .await?;
    let back = f
        .get("back")
        .filter(|b| b.starts_with("/listings"))
        .cloned()
        .unwrap_or_else(|| format!("/listings/{id}"));
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}notice=listing_{action}")).into_response())
}

#[derive(Template)]
#[template(path = "listings/review.html")]
struct ReviewPage {
    layout: Layout,
    rows: Vec<ListingView>,
}

async fn review_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let rows = match listings::review_queue(&state.svc, &user).await {
        Ok(rows) => rows,
        Err(e) if e.kind == Kind::Forbidden => return Err(PageError::forbidden()),
        Err(e) => return Err(e.into()),
    };
    Ok(page(&ReviewPage {
        layout: Layout::new(&state, Some(&user), "供需条目审核", "listings_review")
            .with_notice(q.notice.as_deref()),
        rows: rows.into_iter().map(ListingView::from).collect(),
    }))
}

#[derive(Deserialize)]
struct ExportQuery {
    kind: Option<String>,
}

/// The 供需清单 as XLSX (T2): the published, current listings the user oversees, or the user's own
/// organisation's.
async fn export_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    let kind = q.kind.as_deref().and_then(ListingKind::parse);
    let sheet = listings::export(&state.svc, &user, kind).await?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{}.xlsx", sheet.title),
        sheet.bytes,
    ))
}
