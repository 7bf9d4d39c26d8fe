//! Listing pages: the owner's list and form, the operator's review queue, and one listing's page.

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
    ListingInput, ListingKind, ListingStatus, MATURITY, MODES, TECH_FIELDS, check_listing,
};
use zhiyun_domain::policy;
use zhiyun_store::accounts::Principal;
use zhiyun_store::listings::ListingFilter;

use super::{ListingView, act, scope, view};
use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::today;
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
    let (_, rows) = state
        .db
        .listing_list(&ListingFilter {
            owner_org_id: Some(user.org_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let mut views = Vec::new();
    for r in &rows {
        views.push(
            view(&state, r, Some(&user))
                .await
                .map_err(PageError::from)?,
        );
    }
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
    if !policy::can_post_listing(&user.actor(), kind) {
        return Err(PageError::forbidden());
    }
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
    let listing = match check_listing(&input, today()) {
        Ok(l) => l,
        Err(errs) => {
            for e in &errs {
                let key = e.field.split('.').next().unwrap_or(&e.field).to_string();
                form.errors.entry(key).or_insert_with(|| e.message.clone());
            }
            return Ok(render_form(
                &state,
                &user,
                kind,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let body = serde_json::to_string(&input).unwrap_or_default();
    match state
        .db
        .listing_create(user.org_id, &listing, &body, &user.who())
        .await
    {
        Ok(row) => {
            super::index::index_listing(&state, &row).await;
            Ok(Redirect::to(&format!("/listings/{}?notice=created", row.id)).into_response())
        }
        Err(zhiyun_store::StoreError::Conflict { field, message, .. }) => {
            form.errors
                .insert(field.unwrap_or("title").to_string(), message);
            Ok(render_form(&state, &user, kind, form, StatusCode::CONFLICT))
        }
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
}

async fn detail_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let row = state.db.listing_get(id).await?;
    let actor = user.as_ref().map(Principal::actor);
    if !policy::can_read(actor.as_ref(), &scope(&row)) {
        return Err(PageError::not_found());
    }
    let owner = actor.as_ref().is_some_and(|a| a.org_id == row.owner_org_id);
    let moderator = actor
        .as_ref()
        .is_some_and(|a| policy::can_moderate_listing(a, &row.district_code));
    let l = view(&state, &row, user.as_ref())
        .await
        .map_err(PageError::from)?;
    let matches = match &actor {
        Some(a) if policy::can_see_matches(a, row.owner_org_id, &row.district_code) => Some(
            crate::matching::suggestions(&state, &row, crate::matching::DEFAULT_LIMIT)
                .await
                .map_err(PageError::from)?,
        ),
        _ => None,
    };
    Ok(page(&DetailPage {
        layout: Layout::new(&state, user.as_ref(), row.title.clone(), "listings")
            .with_notice(q.notice.as_deref()),
        l,
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
    let reason = f.get("reason").map(|r| r.trim()).filter(|r| !r.is_empty());
    act(&state, &user, id, &action, reason)
        .await
        .map_err(PageError::from)?;
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
    let actor = user.actor();
    if actor.role != zhiyun_domain::org::Role::Operator && !actor.admin {
        return Err(PageError::forbidden());
    }
    let (_, rows) = state
        .db
        .listing_list(&ListingFilter {
            status: Some(ListingStatus::Submitted),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let mut views = Vec::new();
    for r in rows
        .iter()
        .filter(|r| policy::can_moderate_listing(&actor, &r.district_code))
    {
        views.push(
            view(&state, r, Some(&user))
                .await
                .map_err(PageError::from)?,
        );
    }
    Ok(page(&ReviewPage {
        layout: Layout::new(&state, Some(&user), "供需条目审核", "listings_review")
            .with_notice(q.notice.as_deref()),
        rows: views,
    }))
}

#[derive(Deserialize)]
struct ExportQuery {
    kind: Option<String>,
}

/// The 供需清单 as XLSX (T2): the published, current listings the user oversees (all districts for the
/// municipal bureau, its district for a district bureau or operator), or the user's own organisation's.
async fn export_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    use zhiyun_domain::policy::DistrictView;
    let kind = q.kind.as_deref().and_then(ListingKind::parse);
    let view_of = policy::district_view(&user.actor());
    let filter = match &view_of {
        DistrictView::None => ListingFilter {
            owner_org_id: Some(user.org_id),
            limit: 1000,
            ..Default::default()
        },
        _ => ListingFilter {
            status: Some(ListingStatus::Published),
            limit: 1000,
            ..Default::default()
        },
    };
    let filter = ListingFilter {
        kind: kind.map(|k| k.slug().to_string()),
        ..filter
    };
    let (_, rows) = state.db.listing_list(&filter).await?;
    let mut lines = Vec::new();
    for r in rows.iter().filter(|r| match &view_of {
        DistrictView::All => super::visible(r),
        DistrictView::One(d) => super::visible(r) && &r.district_code == d,
        DistrictView::None => true,
    }) {
        let v = view(&state, r, Some(&user))
            .await
            .map_err(PageError::from)?;
        lines.push(line(v));
    }
    let scope_name = match &view_of {
        DistrictView::All => "上海市".to_string(),
        DistrictView::One(d) => format!(
            "上海市{}",
            district::by_code(d).map(|x| x.name).unwrap_or("")
        ),
        DistrictView::None => user.org_name.clone(),
    };
    let what = kind.map(ListingKind::label).unwrap_or("专利技术供需");
    let title = format!("{scope_name}{what}清单（{}）", today().format("%Y-%m-%d"));
    let bytes = zhiyun_reports::listings_xlsx(&title, &lines)
        .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{title}.xlsx"),
        bytes,
    ))
}

/// A listing as a row of the 供需清单.
pub(super) fn line(v: ListingView) -> zhiyun_reports::ListingLine {
    zhiyun_reports::ListingLine {
        id: v.id,
        kind: v.kind_label,
        title: v.title,
        field: v.field,
        modes: v.modes.join("、"),
        ipc: v.ipc.join("；"),
        price: v
            .price_wan
            .map(|p| format!("{p} 万元"))
            .unwrap_or_else(|| "面议".into()),
        owner: v.owner_name,
        district: v.district_name,
        contact: format!("{} {}", v.contact_name, v.contact_phone),
        valid_until: v.valid_until,
        patents: v
            .patents
            .iter()
            .map(|p| p.number.clone())
            .collect::<Vec<_>>()
            .join("；"),
        description: v.description,
    }
}
