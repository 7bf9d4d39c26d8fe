//! The organisation registry: pages (`/orgs`) and API (`/api/v1/orgs`), with agencies' practitioners.

use std::collections::HashMap;
use zhiyun_domain::code::Code;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::district;
use zhiyun_domain::ident::HteCertificate;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::{
    OrgInput, OrgKind, OrgRecord, PractitionerInput, SizeClass, check_org, check_practitioner,
};
use zhiyun_domain::policy::{self, Actor};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::accounts::Principal;
use zhiyun_store::orgs::{Org, OrgFilter, Practitioner};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::forms::FormState;
use crate::json::ApiJson;
use crate::layout::{Layout, fmt_time, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list_page).post(create_form))
        .route("/orgs/new", get(new_page))
        .route("/orgs/{id}", get(detail_page).post(update_form))
        .route("/orgs/{id}/edit", get(edit_page))
        .route("/orgs/{id}/practitioners", post(practitioner_add_form))
        .route(
            "/orgs/{id}/practitioners/{pid}/delete",
            post(practitioner_delete_form),
        )
        .route("/api/v1/orgs", get(api_list).post(api_create))
        .route("/api/v1/orgs/{id}", get(api_get).put(api_update))
        .route(
            "/api/v1/orgs/{id}/practitioners",
            get(api_practitioners).post(api_practitioner_add),
        )
        .route(
            "/api/v1/orgs/{id}/practitioners/{pid}",
            delete(api_practitioner_delete),
        )
        .route("/api/v1/districts", get(api_districts))
}

// ---------- views ----------

/// An organisation as the API and pages show it. Employees and revenue are private
/// (`private_visible` false: they are null).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgView {
    pub id: i64,
    /// municipal_bureau | district_bureau | park_operator | agency | exchange | bank | insurer | enterprise | university
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub address: Option<String>,
    /// large | medium | small | micro (enterprises)
    pub size_class: Option<String>,
    pub size_label: Option<String>,
    /// 中小微企业 (medium, small or micro)
    pub is_sme: Option<bool>,
    pub hte_certificate: Option<String>,
    pub hte_issue_year: Option<i64>,
    /// Last year the high-tech certificate counts (issue year + 2).
    pub hte_valid_until: Option<i64>,
    pub employees: Option<i64>,
    /// Yearly revenue in 万元, as a decimal string (money is never a float).
    pub revenue_wan: Option<String>,
    pub private_visible: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl OrgView {
    pub fn of(org: &Org, actor: Option<&Actor>) -> OrgView {
        let private = actor.is_some_and(|a| policy::can_read_org_private(a, &org.scope()));
        let size = org.size_class.as_deref().and_then(SizeClass::parse);
        OrgView {
            id: org.id,
            kind: org.kind.clone(),
            kind_label: org.kind().label().to_string(),
            name: org.name.clone(),
            uscc: org.uscc.clone(),
            district_code: org.district_code.clone(),
            district_name: org.district_name().map(str::to_string),
            address: org.address.clone(),
            size_class: size.map(|s| s.slug().to_string()),
            size_label: size.map(|s| s.label().to_string()),
            is_sme: size.map(SizeClass::is_sme),
            hte_certificate: org.hte_certificate.clone(),
            hte_issue_year: org.hte_issue_year,
            hte_valid_until: org.hte_issue_year.map(|y| y + 2),
            employees: org.employees.filter(|_| private),
            revenue_wan: org
                .revenue_fen
                .filter(|_| private)
                .and_then(|f| Fen::from_fen(f).ok())
                .map(Fen::to_wan_string),
            private_visible: private,
            created_at: org.created_at,
            updated_at: org.updated_at,
        }
    }

    /// A2: a Shanghai-issued certificate valid in `year`.
    pub fn hte_valid_in(&self, year: i32) -> bool {
        self.hte_certificate
            .as_deref()
            .and_then(|c| HteCertificate::parse(c).ok())
            .is_some_and(|c| c.is_shanghai() && c.valid_in(year))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PractitionerView {
    pub id: i64,
    pub name: String,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
    /// A5: holds both the 专利代理师 and the 技术经纪人 certificate.
    pub dual_certified: bool,
}

impl From<&Practitioner> for PractitionerView {
    fn from(p: &Practitioner) -> Self {
        PractitionerView {
            id: p.id,
            name: p.name.clone(),
            patent_attorney_cert: p.patent_attorney_cert.clone(),
            tech_broker_cert: p.tech_broker_cert.clone(),
            dual_certified: p.holds_both_certificates(),
        }
    }
}

// ---------- shared checks ----------

/// The policy's answer for creating `rec`, as the field error a user can act on.
fn create_refusal(actor: &Actor, rec: &OrgRecord) -> Option<FieldError> {
    let d = rec.district.map(|d| d.code);
    (!policy::can_create_org(actor, rec.kind, d)).then(|| {
        FieldError::new(
            "kind",
            Code::Forbidden,
            format!(
                "您无权在{}登记“{}”类机构",
                rec.district.map(|d| d.name).unwrap_or("该区"),
                rec.kind.label()
            ),
        )
    })
}

/// Editing may not move an organisation to a kind or district the actor could not create,
/// unless it stays as it was (an enterprise editing its own profile keeps its kind).
fn update_refusal(actor: &Actor, current: &Org, rec: &OrgRecord) -> Option<FieldError> {
    if !policy::can_edit_org(actor, &current.scope()) {
        return Some(FieldError::new("", Code::Forbidden, "您无权修改该机构"));
    }
    let moved = rec.kind != current.kind()
        || rec.district.map(|d| d.code) != current.district_code.as_deref();
    if moved {
        create_refusal(actor, rec)
    } else {
        None
    }
}

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
    f.set("kind", &org.kind);
    f.set("name", &org.name);
    for (k, v) in [
        ("uscc", &org.uscc),
        ("district_code", &org.district_code),
        ("address", &org.address),
        ("size_class", &org.size_class),
        ("hte_certificate", &org.hte_certificate),
    ] {
        if let Some(v) = v {
            f.set(k, v);
        }
    }
    if let Some(e) = org.employees {
        f.set("employees", e.to_string());
    }
    if let Some(r) = org.revenue_fen.and_then(|f| Fen::from_fen(f).ok()) {
        f.set("revenue_wan", r.to_wan_string());
    }
    f
}

async fn load_org(state: &AppState, id: i64) -> Result<Org, PageError> {
    state.db.org_get(id).await.map_err(PageError::from)
}

// ---------- pages ----------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub district: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> Result<(OrgFilter, i64, i64), FieldError> {
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
                FieldError::new("kind", Code::UnknownKind, format!("未知的机构类型“{k}”"))
            })?),
        };
        let district_code = match self.district.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(
                district::current_by_code(d)
                    .ok_or_else(|| {
                        FieldError::new(
                            "district",
                            Code::UnknownDistrict,
                            format!("“{d}”不是上海市现行的区代码"),
                        )
                    })?
                    .code
                    .to_string(),
            ),
        };
        let page = self.page.unwrap_or(1).clamp(1, 1_000_000);
        let per_page = self.per_page.unwrap_or(50).clamp(1, 200);
        Ok((
            OrgFilter {
                q: self.q.clone(),
                kind,
                district_code,
                limit: per_page,
                offset: (page - 1) * per_page,
            },
            page,
            per_page,
        ))
    }
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

fn kind_choices() -> Vec<Choice> {
    OrgKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.slug(),
            label: k.label(),
        })
        .collect()
}

fn district_choices() -> Vec<Choice> {
    district::all()
        .map(|d| Choice {
            value: d.code,
            label: d.name,
        })
        .collect()
}

fn size_choices() -> Vec<Choice> {
    SizeClass::ALL
        .iter()
        .map(|s| Choice {
            value: s.slug(),
            label: s.label(),
        })
        .collect()
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

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let (filter, page_no, per_page, error) = match q.filter() {
        Ok((f, p, pp)) => (f, p, pp, None),
        Err(e) => (
            OrgFilter {
                limit: 50,
                ..Default::default()
            },
            1,
            50,
            Some(e.message),
        ),
    };
    let (total, orgs) = state.db.org_list(&filter).await?;
    let pages = ((total + per_page - 1) / per_page).max(1);
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "机构名录", "orgs"),
        q: q.q.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        district: q.district.clone().unwrap_or_default(),
        kinds: kind_choices(),
        districts: district_choices(),
        total,
        page: page_no,
        pages,
        rows: orgs.iter().map(|o| OrgView::of(o, Some(&actor))).collect(),
        can_create: policy::may_register_orgs(&actor),
        error,
        prev_href: (page_no > 1).then(|| page_href(&q, page_no - 1)),
        next_href: (page_no < pages).then(|| page_href(&q, page_no + 1)),
    }))
}

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
    form: FormState,
) -> Response {
    let actor = user.actor();
    let kinds = kind_choices()
        .into_iter()
        .filter(|c| {
            existing.is_some_and(|o| o.kind == c.value)
                || OrgKind::parse(c.value)
                    .is_some_and(|k| policy::can_create_org(&actor, k, actor.district.as_deref()))
        })
        .collect();
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
            kinds,
            districts: district_choices(),
            sizes: size_choices(),
            kind_locked: existing.is_some_and(|o| {
                !policy::can_create_org(&actor, o.kind(), o.district_code.as_deref())
            }),
        },
    )
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if !policy::may_register_orgs(&user.actor()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    if let Some(d) = &user.district_code {
        form.set("district_code", d);
    }
    form.set("kind", "enterprise");
    Ok(render_form(&state, &user, StatusCode::OK, None, form))
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let mut form = FormState::with_values(values);
    let rec = match check_org(&form_input(&form)) {
        Ok(r) => r,
        Err(errs) => {
            form.add_errors(&errs);
            return Ok(render_form(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                form,
            ));
        }
    };
    if let Some(e) = create_refusal(&actor, &rec) {
        form.add_errors(&[e]);
        return Ok(render_form(
            &state,
            &user,
            StatusCode::FORBIDDEN,
            None,
            form,
        ));
    }
    match state.db.org_create(&rec, &user.who()).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}?notice=created", org.id)).into_response()),
        Err(zhiyun_store::StoreError::Conflict { field, message, .. }) => {
            form.errors
                .insert(field.unwrap_or("name").to_string(), message);
            Ok(render_form(&state, &user, StatusCode::CONFLICT, None, form))
        }
        Err(e) => Err(e.into()),
    }
}

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
}

#[derive(Deserialize)]
struct NoticeQuery {
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
    let org = load_org(state, id).await?;
    let actor = user.actor();
    let practitioners: Vec<PractitionerView> = if org.kind() == OrgKind::Agency {
        state
            .db
            .practitioner_list(id)
            .await?
            .iter()
            .map(PractitionerView::from)
            .collect()
    } else {
        Vec::new()
    };
    let view = OrgView::of(&org, Some(&actor));
    let this_year = crate::layout::this_year();
    Ok(page_with_status(
        status,
        &DetailPage {
            layout: Layout::new(state, Some(user), org.name.clone(), "orgs").with_notice(notice),
            can_edit: policy::can_edit_org(&actor, &org.scope()),
            is_agency: org.kind() == OrgKind::Agency,
            dual_count: practitioners.iter().filter(|p| p.dual_certified).count(),
            practitioners,
            hte_valid_now: view.hte_valid_in(this_year),
            this_year,
            created: fmt_time(org.created_at),
            updated: fmt_time(org.updated_at),
            org: view,
            pform,
        },
    ))
}

async fn detail_page(
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

async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let org = load_org(&state, id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(PageError::forbidden());
    }
    Ok(render_form(
        &state,
        &user,
        StatusCode::OK,
        Some(&org),
        form_of(&org),
    ))
}

async fn update_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let org = load_org(&state, id).await?;
    let actor = user.actor();
    if !policy::can_edit_org(&actor, &org.scope()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::with_values(values);
    let rec = match check_org(&form_input(&form)) {
        Ok(r) => r,
        Err(errs) => {
            form.add_errors(&errs);
            return Ok(render_form(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&org),
                form,
            ));
        }
    };
    if let Some(e) = update_refusal(&actor, &org, &rec) {
        form.add_errors(&[e]);
        return Ok(render_form(
            &state,
            &user,
            StatusCode::FORBIDDEN,
            Some(&org),
            form,
        ));
    }
    match state.db.org_update(id, &rec, &user.who()).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}?notice=saved")).into_response()),
        Err(zhiyun_store::StoreError::Conflict { field, message, .. }) => {
            form.errors
                .insert(field.unwrap_or("name").to_string(), message);
            Ok(render_form(
                &state,
                &user,
                StatusCode::CONFLICT,
                Some(&org),
                form,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn practitioner_add_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let org = load_org(&state, id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::with_values(values);
    let input = PractitionerInput {
        name: form.opt("name"),
        patent_attorney_cert: form.opt("patent_attorney_cert"),
        tech_broker_cert: form.opt("tech_broker_cert"),
    };
    match check_practitioner(&input) {
        Ok(rec) => {
            state.db.practitioner_add(id, &rec, &user.who()).await?;
            Ok(Redirect::to(&format!("/orgs/{id}?notice=created#practitioners")).into_response())
        }
        Err(errs) => {
            form.add_errors(&errs);
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
    }
}

async fn practitioner_delete_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let org = load_org(&state, id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(PageError::forbidden());
    }
    state.db.practitioner_remove(id, pid, &user.who()).await?;
    Ok(Redirect::to(&format!("/orgs/{id}?notice=removed#practitioners")).into_response())
}

// ---------- API ----------

/// Body to create or replace an organisation. Numbers may be given as JSON numbers or strings.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgBody {
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    /// GB/T 2260 code of a current Shanghai district, e.g. `310104`.
    pub district_code: Option<String>,
    pub address: Option<String>,
    /// Enterprises only: large | medium | small | micro
    pub size_class: Option<String>,
    /// Enterprises only, e.g. `GR202231005683`; the issue year is read from it.
    pub hte_certificate: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub employees: Option<serde_json::Value>,
    /// Yearly revenue in 万元 (decimal; up to 6 places).
    #[schema(value_type = Option<String>)]
    pub revenue_wan: Option<serde_json::Value>,
}

fn scalar(field: &str, v: &Option<serde_json::Value>) -> Result<Option<String>, FieldError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(FieldError::new(
            field,
            Code::BadType,
            format!("{field} 应为数字或字符串"),
        )),
    }
}

impl OrgBody {
    fn input(&self) -> Result<OrgInput, ApiError> {
        let employees =
            scalar("employees", &self.employees).map_err(|e| ApiError::invalid(vec![e]))?;
        let revenue_wan =
            scalar("revenue_wan", &self.revenue_wan).map_err(|e| ApiError::invalid(vec![e]))?;
        Ok(OrgInput {
            kind: Some(self.kind.clone()),
            name: Some(self.name.clone()),
            uscc: self.uscc.clone(),
            district_code: self.district_code.clone(),
            address: self.address.clone(),
            size_class: self.size_class.clone(),
            hte_certificate: self.hte_certificate.clone(),
            employees,
            revenue_wan,
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<OrgView>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgListParams {
    /// Part of the name or of the USCC.
    pub q: Option<String>,
    pub kind: Option<String>,
    /// District code.
    pub district: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Search the registry (any logged-in user).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgListParams),
    responses((status = 200, body = OrgPage), (status = 401, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<OrgListParams>,
) -> Result<Json<OrgPage>, ApiError> {
    let q = ListQuery {
        q: p.q,
        kind: p.kind,
        district: p.district,
        page: p.page,
        per_page: p.per_page,
    };
    let (filter, page, per_page) = q.filter().map_err(|e| ApiError::invalid(vec![e]))?;
    let (total, orgs) = state.db.org_list(&filter).await?;
    let actor = user.actor();
    Ok(Json(OrgPage {
        total,
        page,
        per_page,
        items: orgs.iter().map(|o| OrgView::of(o, Some(&actor))).collect(),
    }))
}

/// Register an organisation (administrators, the municipal bureau; district bureaus in their district;
/// cluster operators register enterprises in theirs).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgBody,
    responses((status = 201, body = OrgView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, description = "uscc_taken", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<OrgBody>,
) -> Result<Response, ApiError> {
    let actor = user.actor();
    let rec = check_org(&body.input()?).map_err(ApiError::invalid)?;
    if let Some(e) = create_refusal(&actor, &rec) {
        return Err(
            ApiError::new(StatusCode::FORBIDDEN, Code::Forbidden, e.message).with_field("kind"),
        );
    }
    let org = state.db.org_create(&rec, &user.who()).await?;
    Ok((StatusCode::CREATED, Json(OrgView::of(&org, Some(&actor)))).into_response())
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OrgView>, ApiError> {
    let org = state.db.org_get(id).await?;
    Ok(Json(OrgView::of(&org, Some(&user.actor()))))
}

/// Replace an organisation's record.
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgBody,
    responses((status = 200, body = OrgView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OrgBody>,
) -> Result<Json<OrgView>, ApiError> {
    let actor = user.actor();
    let current = state.db.org_get(id).await?;
    if !policy::can_edit_org(&actor, &current.scope()) {
        return Err(ApiError::forbidden());
    }
    let rec = check_org(&body.input()?).map_err(ApiError::invalid)?;
    if let Some(e) = update_refusal(&actor, &current, &rec) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            e.message,
        ));
    }
    let org = state.db.org_update(id, &rec, &user.who()).await?;
    Ok(Json(OrgView::of(&org, Some(&actor))))
}

/// An agency's practitioners (A5).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/practitioners", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PractitionerView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_practitioners(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PractitionerView>>, ApiError> {
    state.db.org_get(id).await?;
    let rows = state.db.practitioner_list(id).await?;
    Ok(Json(rows.iter().map(PractitionerView::from).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PractitionerBody {
    pub name: String,
    /// 专利代理师资格证书编号
    pub patent_attorney_cert: Option<String>,
    /// 技术经纪人证书编号
    pub tech_broker_cert: Option<String>,
}

/// Add a practitioner to an agency (its own users, or those who may edit it).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/practitioners", tag = "orgs", params(("id" = i64, Path)),
    request_body = PractitionerBody,
    responses((status = 201, body = PractitionerView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "not_an_agency", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_practitioner_add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PractitionerBody>,
) -> Result<Response, ApiError> {
    let org = state.db.org_get(id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(ApiError::forbidden());
    }
    let rec = check_practitioner(&PractitionerInput {
        name: Some(b.name),
        patent_attorney_cert: b.patent_attorney_cert,
        tech_broker_cert: b.tech_broker_cert,
    })
    .map_err(ApiError::invalid)?;
    let p = state.db.practitioner_add(id, &rec, &user.who()).await?;
    Ok((StatusCode::CREATED, Json(PractitionerView::from(&p))).into_response())
}

/// Remove a practitioner.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/practitioners/{pid}", tag = "orgs",
    params(("id" = i64, Path), ("pid" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_practitioner_delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let org = state.db.org_get(id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(ApiError::forbidden());
    }
    state.db.practitioner_remove(id, pid, &user.who()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DistrictView {
    pub code: String,
    pub name: String,
    /// 中心城区 | 浦东新区 | 郊区
    pub group: String,
    pub population_2020: Option<u64>,
    /// A2 thresholds: `lower` (≥20 high-tech, ≥200 SMEs) or `standard` (≥50, ≥300).
    pub a2_group: String,
}

/// The 16 Shanghai districts (public reference data, DOMAIN.md §2).
#[utoipa::path(get, path = "/api/v1/districts", tag = "reference",
    responses((status = 200, body = Vec<DistrictView>)))]
pub async fn api_districts() -> Json<Vec<DistrictView>> {
    Json(
        district::all()
            .map(|d| DistrictView {
                code: d.code.to_string(),
                name: d.name.to_string(),
                group: d.group.label().to_string(),
                population_2020: d.population_2020,
                a2_group: match d.a2_group {
                    district::A2Group::Lower => "lower",
                    district::A2Group::Standard => "standard",
                }
                .to_string(),
            })
            .collect(),
    )
}
