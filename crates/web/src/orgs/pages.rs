//! The registry's pages: `/orgs` (search), the registration and edit forms, an organisation's
//! page with its practitioners.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::org::{OrgInput, OrgKind, PractitionerInput};
use zhiyun_domain::policy;
use zhiyun_service::Kind;
use zhiyun_service::Principal;
use zhiyun_service::orgs::Org;
use zhiyun_service::orgs::{self, FormChoices, OrgSearch};

use super::views::{
    Choice, OrgView, PractitionerView, district_choices, kind_choices, size_choices,
};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, fmt_time, page, page_with_status};

fn form_input(f: &FormState) -> OrgInput {
    OrgInput {
        kind: f.opt("kind"),
        name: f.opt("name"),
        uscc: f.opt("uscc"),
        district_code: f.opt("district_code"),
        address: f.opt("address"),
        size_class: f.opt("size_class"),
        hte_certificate: f.opt("hte_certificate"),
        employees: f.opt("employees"),
        revenue_wan: f.opt("revenue_wan"),
    }
}

fn form_of(org: &Org) -> FormState {
    let mut f = FormState::default();
    f.set("kind", org.kind.slug());
    f.set("name", &org.name);
    for (k, v) in [
        ("uscc", org.uscc.as_deref()),
        ("district_code", org.district_code.as_deref()),
        ("address", org.address.as_deref()),
        ("size_class", org.size_class.map(|s| s.slug())),
        ("hte_certificate", org.hte_certificate.as_deref()),
    ] {
        if let Some(v) = v {
            f.set(k, v);
        }
    }
    if let Some(e) = org.employees {
        f.set("employees", e.to_string());
    }
    if let Some(r) = org.revenue_fen {
        f.set("revenue_wan", r.to_wan_string());
    }
    f
}

// ---------- the list ----------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub district: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    layout: Layout,
    q: String,
    kind: String,
    district: String,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    total: i64,
    page: i64,
    pages: i64,
    rows: Vec<OrgView>,
    can_create: bool,
    error: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn page_href(q: &ListQuery, page: i64) -> String {
    use crate::auth::url_encode;
    format!(
        "/orgs?q={}&kind={}&district={}&page={page}",
        url_encode(q.q.as_deref().unwrap_or("")),
        url_encode(q.kind.as_deref().unwrap_or("")),
        url_encode(q.district.as_deref().unwrap_or("")),
    )
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let search = OrgSearch {
        q: q.q.clone(),
        kind: q.kind.clone(),
        district: q.district.clone(),
        page: q.page,
        per_page: q.per_page,
    };
    // A bad filter is said on the page, over the unfiltered first page.
    let (found, error) = match orgs::search(&state.svc, &user, search).await {
        Ok(found) => (found, None),
        Err(e) if e.kind == Kind::Invalid => (
            orgs::search(&state.svc, &user, OrgSearch::default()).await?,
            Some(e.message),
        ),
        Err(e) => return Err(e.into()),
    };
    let (page_no, pages) = (found.page, found.pages());
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "机构名录", "orgs"),
        q: q.q.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        district: q.district.clone().unwrap_or_default(),
        kinds: kind_choices(&OrgKind::ALL),
        districts: district_choices(),
        total: found.total,
        page: page_no,
        pages,
        rows: found.items.iter().map(OrgView::from).collect(),
        // Only whether to show the button; registering checks again.
        can_create: policy::may_register_orgs(&user.actor()),
        error,
        prev_href: (page_no > 1).then(|| page_href(&q, page_no - 1)),
        next_href: (page_no < pages).then(|| page_href(&q, page_no + 1)),
    }))
}

// ---------- the form ----------

#[derive(Template)]
#[template(path = "orgs/form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    form: FormState,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
    sizes: Vec<Choice>,
    kind_locked: bool,
}

fn render_form(
    state: &AppState,
    user: &Principal,
    status: StatusCode,
    existing: Option<&Org>,
    choices: FormChoices,
    form: FormState,
) -> Response {
    let (heading, action) = match existing {
        Some(o) => (format!("编辑：{}", o.name), format!("/orgs/{}", o.id)),
        None => ("登记新机构".to_string(), "/orgs".to_string()),
    };
    page_with_status(
        status,
        &FormPage {
            layout: Layout::new(state, Some(user), heading.clone(), "orgs"),
            heading,
            action,
            form,
            kinds: kind_choices(&choices.kinds),
            districts: district_choices(),
            sizes: size_choices(),
            kind_locked: choices.kind_locked,
        },
    )
}

/// The form again after a refused write, with its errors.
async fn refused_form(
    state: &AppState,
    user: &Principal,
    existing: Option<i64>,
    mut form: FormState,
    e: zhiyun_service::Error,
) -> Result<Response, PageError> {
    let status = form.refused(e, if existing.is_some() { "kind" } else { "name" })?;
    let (org, choices) = orgs::form_choices_for(&state.svc, user, existing).await?;
    Ok(render_form(
        state,
        user,
        status,
        org.as_ref(),
        choices,
        form,
    ))
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let choices = orgs::new_form(&user)?;
    let mut form = FormState::default();
    if let Some(d) = &user.district_code {
        form.set("district_code", d);
    }
    form.set("kind", OrgKind::Enterprise.slug());
    Ok(render_form(
        &state,
        &user,
        StatusCode::OK,
        None,
        choices,
        form,
    ))
}

pub(super) async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    match orgs::create(&state.svc, &user, form_input(&form)).await {
        Ok(org) => {
            Ok(Redirect::to(&format!("/orgs/{}?notice=created", org.org.id)).into_response())
        }
        Err(e) => refused_form(&state, &user, None, form, e).await,
    }
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (org, choices) = orgs::edit_form(&state.svc, &user, id).await?;
    let form = form_of(&org);
    Ok(render_form(
        &state,
        &user,
        StatusCode::OK,
        Some(&org),
        choices,
        form,
    ))
}

pub(super) async fn update_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    match orgs::update(&state.svc, &user, id, form_input(&form)).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}?notice=saved")).into_response()),
        Err(e) => refused_form(&state, &user, Some(id), form, e).await,
    }
}

// ---------- an organisation ----------

#[derive(Template)]
#[template(path = "orgs/detail.html")]
struct DetailPage {
    layout: Layout,
    org: OrgView,
    can_edit: bool,
    is_agency: bool,
    practitioners: Vec<PractitionerView>,
    dual_count: usize,
    hte_valid_now: bool,
    this_year: i32,
    created: String,
    updated: String,
    pform: FormState,
    /// T8: the yearly figures, when the viewer may record them: (year, revenue, headcount,
    /// patent product revenue); `None` hides the form.
    annual: Option<Vec<(i32, String, u32, String)>>,
    /// Issue 18: a self-registered organisation not approved (yet): the state's label, and
    /// whether the viewer decides it.
    registration: Option<(&'static str, bool)>,
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

async fn render_detail(
    state: &AppState,
    user: &Principal,
    id: i64,
    notice: Option<&str>,
    pform: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let d = orgs::detail(&state.svc, user, id).await?;
    let org = &d.org.org;
    let may_annual = zhiyun_domain::policy::can_record_annual(
        &user.actor(),
        &zhiyun_domain::policy::OrgScope {
            id: org.id,
            kind: org.kind,
            district: org.district_code.as_deref(),
        },
    );
    let annual = if may_annual {
        Some(
            zhiyun_service::deals::ops::annual_of(&state.svc, user, id)
                .await?
                .iter()
                .map(|a| {
                    (
                        a.year,
                        a.revenue.to_wan_2dp(),
                        a.headcount,
                        a.patent_product_revenue.to_wan_2dp(),
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    let registration = zhiyun_service::registrations::state_of(&state.svc, user, id)
        .await?
        .map(|(a, decides)| (a.label(), decides));
    Ok(page_with_status(
        status,
        &DetailPage {
            registration,
            layout: Layout::new(state, Some(user), org.name.clone(), "orgs").with_notice(notice),
            can_edit: d.can_edit,
            is_agency: org.kind == OrgKind::Agency,
            dual_count: d.dual_certified(),
            practitioners: d.practitioners.iter().map(PractitionerView::from).collect(),
            hte_valid_now: d.hte_valid_now,
            this_year: d.year,
            created: fmt_time(org.created_at),
            updated: fmt_time(org.updated_at),
            org: OrgView::from(&d.org),
            pform,
            annual,
        },
    ))
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render_detail(
        &state,
        &user,
        id,
        q.notice.as_deref(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn practitioner_add_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let input = PractitionerInput {
        name: form.opt("name"),
        patent_attorney_cert: form.opt("patent_attorney_cert"),
        tech_broker_cert: form.opt("tech_broker_cert"),
    };
    match orgs::add_practitioner(&state.svc, &user, id, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/orgs/{id}?notice=created#practitioners")).into_response())
        }
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
            render_detail(
                &state,
                &user,
                id,
                None,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn practitioner_delete_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    orgs::remove_practitioner(&state.svc, &user, id, pid).await?;
    Ok(Redirect::to(&format!("/orgs/{id}?notice=removed#practitioners")).into_response())
}
