//! The register's pages: 专利库 (the list, mine for owners, the district's for operators and
//! agencies), one patent's page (expiry, fees with grace and surcharge, high value and why,
//! overseas members, awards, the listings naming it, cultivation), the add/edit form, and the
//! operator's 培育 list.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::ident::Uscc;
use zhiyun_domain::org::Role;
use zhiyun_domain::patent::cultivation::CultivationGoal;
use zhiyun_domain::patent::{CultivationInput, LegalStatus, PatentInput, PatentKind};
use zhiyun_service::patents::OrgBrief;
use zhiyun_service::patents::import::{awards_text, overseas_text, parse_awards, parse_overseas};
use zhiyun_service::patents::{self as uc, PatentDetail, cultivation};
use zhiyun_service::{Kind, Principal};

use super::views::{CultivationItemView, PatentItem, PatentRecordView};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patents", get(list_page))
        .route("/patents/new", get(new_page).post(create_form))
        .route("/patents/cultivation", get(cultivation_page))
        .route("/patents/{id}", get(detail_page))
        .route("/patents/{id}/edit", get(edit_page).post(edit_form))
        .route("/patents/{id}/cultivation", post(cultivate_form))
        .route("/patents/{id}/cultivation/remove", post(uncultivate_form))
}

/// (value, label, selected) for a `<select>`.
pub type Opt = (String, String, bool);

fn opts<I: IntoIterator<Item = (String, String)>>(items: I, selected: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| {
            let s = v == selected;
            (v, l, s)
        })
        .collect()
}

fn kind_opts(selected: &str) -> Vec<Opt> {
    opts(
        PatentKind::ALL
            .iter()
            .map(|k| (k.slug().to_string(), k.label().to_string())),
        selected,
    )
}

fn status_opts(selected: &str) -> Vec<Opt> {
    opts(
        LegalStatus::ALL
            .iter()
            .map(|s| (s.slug().to_string(), s.label().to_string())),
        selected,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    legal_status: Option<String>,
    high_value: Option<String>,
    /// mine | district | all
    scope: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "patents/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<PatentItem>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    high_value: bool,
    scopes: Vec<Opt>,
    can_add: bool,
    show_fee: bool,
    /// The query string without the page, for the pager.
    base: String,
}

/// The scopes a user may pick: their own organisation's, their district's, the whole register.
fn scopes_for(user: &Principal) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if matches!(user.role(), Role::Enterprise | Role::University) {
        v.push(("mine".to_string(), "本机构的专利".to_string()));
    }
    if let Some(d) = &user.district_code
        && let Some(name) = zhiyun_domain::district::current_by_code(d).map(|d| d.name)
    {
        v.push(("district".to_string(), format!("{name}的专利")));
    }
    v.push(("all".to_string(), "全部专利".to_string()));
    v
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let scopes = scopes_for(&user);
    let scope = q
        .scope
        .clone()
        .filter(|s| scopes.iter().any(|(v, _)| v == s))
        .unwrap_or_else(|| scopes[0].0.clone());
    let kind = q.kind.as_deref().and_then(PatentKind::parse);
    let status = q.legal_status.as_deref().and_then(LegalStatus::parse);
    let high_value = q.high_value.as_deref() == Some("1");
    let page_no = q.page.unwrap_or(1).max(1);
    let result = uc::list(
        &state.svc,
        &user,
        uc::PatentQuery {
            org_id: (scope == "mine").then_some(user.org_id),
            district: (scope == "district")
                .then(|| user.district_code.clone())
                .flatten(),
            q: q.q.clone(),
            kind,
            legal_status: status,
            high_value_only: high_value,
            page: page_no,
            per_page: 50,
        },
    )
    .await?;
    let owners = uc::owners_for(&state.svc, &user).await?;
    let rows: Vec<PatentItem> = result.items.iter().map(PatentItem::from).collect();
    let base = format!(
        "q={}&kind={}&legal_status={}&high_value={}&scope={}",
        crate::auth::url_encode(q.q.as_deref().unwrap_or("")),
        kind.map_or("", PatentKind::slug),
        status.map_or("", LegalStatus::slug),
        if high_value { "1" } else { "" },
        scope
    );
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "专利库", "patents")
            .with_notice(q.notice.as_deref()),
        show_fee: rows.iter().any(|r| r.fee.is_some()),
        rows,
        total: result.total,
        page: result.page,
        pages: (result.total + result.per_page - 1) / result.per_page.max(1),
        q: q.q.unwrap_or_default(),
        kinds: kind_opts(kind.map_or("", PatentKind::slug)),
        statuses: status_opts(status.map_or("", LegalStatus::slug)),
        high_value,
        scopes: opts(scopes, &scope),
        can_add: !owners.is_empty(),
        base,
    }))
}

#[derive(Template)]
#[template(path = "patents/detail.html")]
struct DetailPage {
    layout: Layout,
    p: PatentRecordView,
    can_manage: bool,
    can_cultivate: bool,
    goals: Vec<Opt>,
    /// Values of the cultivation form.
    cult: FormState,
    /// Deals naming the patent: (id, what, stage).
    deals: Vec<(i64, String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn render_detail(
    state: &AppState,
    user: &Principal,
    d: &PatentDetail,
    cult: FormState,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let p = PatentRecordView::from(d);
    let goal = cult.v("goal").to_string();
    page_with_status(
        status,
        &DetailPage {
            layout: Layout::new(state, Some(user), p.title.clone(), "patents").with_notice(notice),
            goals: opts(
                CultivationGoal::ALL
                    .iter()
                    .map(|g| (g.slug().to_string(), g.label().to_string())),
                &goal,
            ),
            can_manage: d.can_manage,
            can_cultivate: d.can_cultivate,
            cult,
            deals: d
                .deals
                .iter()
                .map(|(id, k, s)| (*id, k.label().to_string(), s.label_for(*k).to_string()))
                .collect(),
            p,
        },
    )
}

fn cultivation_form(d: &PatentDetail) -> FormState {
    let mut f = FormState::default();
    if let Some((c, _)) = d.private.as_ref().and_then(|x| x.cultivation.as_ref()) {
        f.set("goal", c.cultivation.goal.slug());
        f.set("notes", c.cultivation.notes.clone());
        f.set("target_date", c.cultivation.target_date.to_string());
    }
    f
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let d = uc::get(&state.svc, &user, id).await?;
    let cult = cultivation_form(&d);
    Ok(render_detail(
        &state,
        &user,
        &d,
        cult,
        StatusCode::OK,
        q.notice.as_deref(),
    ))
}

async fn cultivate_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = CultivationInput {
        goal: form.opt("goal"),
        notes: form.opt("notes"),
        target_date: form.opt("target_date"),
    };
    match cultivation::mark(&state.svc, &user, id, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/patents/{id}?notice=saved#cultivation")).into_response())
        }
        Err(e) if e.kind == Kind::Invalid => {
            let d = uc::get(&state.svc, &user, id).await?;
            let mut form = form;
            form.add_errors(&e.errors);
            Ok(render_detail(
                &state,
                &user,
                &d,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn uncultivate_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    cultivation::unmark(&state.svc, &user, id).await?;
    Ok(Redirect::to(&format!("/patents/{id}?notice=removed")).into_response())
}

// ---------- the form ----------

#[derive(Template)]
#[template(path = "patents/form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new patent.
    id: Option<i64>,
    form: FormState,
    owners: Vec<Opt>,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
}

fn render_form(
    state: &AppState,
    user: &Principal,
    id: Option<i64>,
    owners: &[OrgBrief],
    form: FormState,
    status: StatusCode,
) -> Response {
    let title = if id.is_some() {
        "修改专利信息"
    } else {
        "登记专利"
    };
    page_with_status(
        status,
        &FormPage {
            layout: Layout::new(state, Some(user), title, "patents"),
            owners: opts(
                owners.iter().map(|o| (o.id.to_string(), o.name.clone())),
                form.v("owner_org_id"),
            ),
            kinds: kind_opts(form.v("kind")),
            statuses: status_opts(form.v("legal_status")),
            id,
            form,
        },
    )
}

fn split(s: &str) -> Vec<String> {
    s.split(['\n', ',', '，', '、', ';', '；'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// The form's values as the use cases' input; co-owners named by USCC are resolved here, an
/// unknown or malformed one is a form error.
async fn input_of(state: &AppState, form: &mut FormState) -> Result<PatentInput, PageError> {
    let mut co_ids = Vec::new();
    let codes = split(form.v("co_owners"));
    let mut canonical = Vec::new();
    for c in &codes {
        match Uscc::parse(c) {
            Ok(u) => canonical.push(u.as_str().to_string()),
            Err(e) => {
                form.errors
                    .entry("co_owner_org_ids".into())
                    .or_insert(format!("共有人统一社会信用代码“{c}”：{}", e.message));
            }
        }
    }
    let found = uc::orgs_by_uscc(&state.svc, &canonical).await?;
    for c in &canonical {
        match found.get(c) {
            Some(o) => co_ids.push(o.id),
            None => {
                form.errors
                    .entry("co_owner_org_ids".into())
                    .or_insert(format!("共有人“{c}”未在平台机构名录中登记"));
            }
        }
    }
    let overseas = match parse_overseas(form.v("overseas")) {
        Ok(m) => m,
        Err(msg) => {
            form.errors
                .insert("overseas".into(), format!("海外同族{msg}"));
            Vec::new()
        }
    };
    Ok(PatentInput {
        number: form.opt("number"),
        title: form.opt("title"),
        kind: form.opt("kind"),
        owner_org_id: form.v("owner_org_id").trim().parse().ok(),
        co_owner_org_ids: co_ids,
        ipc: split(form.v("ipc")),
        filed_on: form.opt("filed_on"),
        granted_on: form.opt("granted_on"),
        legal_status: form.opt("legal_status"),
        ended_on: form.opt("ended_on"),
        fee_paid_until: form.opt("fee_paid_until"),
        term_extension_days: form.v("term_extension_days").trim().parse().ok(),
        overseas,
        awards: parse_awards(form.v("awards")),
    })
}

/// Field errors keyed by the form's field (`overseas.0.office` → `overseas`).
fn add_errors(form: &mut FormState, e: &zhiyun_service::Error) {
    let errs: Vec<_> = if e.errors.is_empty() {
        vec![zhiyun_domain::validation::FieldError::new(
            e.field.clone().unwrap_or_else(|| "number".into()),
            e.code,
            e.message.clone(),
        )]
    } else {
        e.errors.clone()
    };
    for err in errs {
        let key = err
            .field
            .split('.')
            .next()
            .unwrap_or(&err.field)
            .to_string();
        form.errors.entry(key).or_insert(err.message);
    }
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let owners = uc::owners_for(&state.svc, &user).await?;
    if owners.is_empty() {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    form.set("owner_org_id", owners[0].id.to_string());
    form.set("legal_status", "granted");
    Ok(render_form(
        &state,
        &user,
        None,
        &owners,
        form,
        StatusCode::OK,
    ))
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let owners = uc::owners_for(&state.svc, &user).await?;
    let mut form = FormState::with_values(values);
    let input = input_of(&state, &mut form).await?;
    if !form.has_errors() {
        match uc::create(&state.svc, &user, input).await {
            Ok(r) => {
                return Ok(
                    Redirect::to(&format!("/patents/{}?notice=created", r.id)).into_response()
                );
            }
            Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict | Kind::Forbidden) => {
                add_errors(&mut form, &e)
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_form(
        &state,
        &user,
        None,
        &owners,
        form,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = uc::get(&state.svc, &user, id).await?;
    if !d.can_manage {
        return Err(PageError::forbidden());
    }
    let p = &d.record.patent;
    let mut form = FormState::default();
    let input = PatentInput::from(p);
    form.set("number", p.number.to_string());
    form.set("title", p.title.clone());
    form.set("kind", p.kind.slug());
    form.set("owner_org_id", p.owner_org_id.to_string());
    form.set(
        "co_owners",
        uc::usccs_of(&state.svc, &p.co_owner_org_ids)
            .await?
            .join("；"),
    );
    form.set("ipc", input.ipc.join("；"));
    for (k, v) in [
        ("filed_on", input.filed_on),
        ("granted_on", input.granted_on),
        ("legal_status", input.legal_status),
        ("ended_on", input.ended_on),
        (
            "fee_paid_until",
            d.private
                .as_ref()
                .and_then(|x| x.fee_paid_until)
                .map(|d| d.to_string()),
        ),
        (
            "term_extension_days",
            input.term_extension_days.map(|n| n.to_string()),
        ),
    ] {
        form.set(k, v.unwrap_or_default());
    }
    form.set("overseas", overseas_text(&p.overseas));
    form.set("awards", awards_text(&p.awards));
    let mut owners = uc::owners_for(&state.svc, &user).await?;
    if !owners.iter().any(|o| o.id == d.owner.id) {
        owners.insert(0, d.owner.clone());
    }
    Ok(render_form(
        &state,
        &user,
        Some(id),
        &owners,
        form,
        StatusCode::OK,
    ))
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let d = uc::get(&state.svc, &user, id).await?;
    let mut owners = uc::owners_for(&state.svc, &user).await?;
    if !owners.iter().any(|o| o.id == d.owner.id) {
        owners.insert(0, d.owner.clone());
    }
    let mut form = FormState::with_values(values);
    let input = input_of(&state, &mut form).await?;
    if !form.has_errors() {
        match uc::replace(&state.svc, &user, id, input).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/patents/{id}?notice=saved")).into_response());
            }
            Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => add_errors(&mut form, &e),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_form(
        &state,
        &user,
        Some(id),
        &owners,
        form,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

// ---------- cultivation (T6) ----------

#[derive(Template)]
#[template(path = "patents/cultivation.html")]
struct CultivationPage {
    layout: Layout,
    rows: Vec<CultivationItemView>,
    moved: usize,
    overdue: usize,
}

async fn cultivation_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let items = cultivation::list(&state.svc, &user, None).await?;
    let rows: Vec<CultivationItemView> = items.iter().map(CultivationItemView::from).collect();
    Ok(page(&CultivationPage {
        layout: Layout::new(&state, Some(&user), "高价值专利培育", "cultivation"),
        moved: rows
            .iter()
            .filter(|r| r.cultivation.state == "moved")
            .count(),
        overdue: rows
            .iter()
            .filter(|r| r.cultivation.state == "overdue")
            .count(),
        rows,
    }))
}
