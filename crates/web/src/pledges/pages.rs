//! The pages of pledge financing (T5): the products (public list and comparison, the bank's
//! form), the application form from a product, a pledge's page with its checks, evidence, stage
//! form and cycle times, the district pipeline by bank and step, the guidance page, the
//! registration sheet download, and the bank's workbench card on its home.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use zhiyun_domain::application::serde_json_number::Number;
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::pledge::stage::AppraisalInput;
use zhiyun_domain::pledge::{
    Collateral, DeclineReason, DisposalKind, PledgeInput, ProductInput, Span, Stage, StageInput,
};
use zhiyun_service::Principal;
use zhiyun_service::pledges::{self as uc, Pipeline, PledgeQuery, products, workbench};

use super::views::{CheckView, PledgeView, ProductView, StepView};
use crate::AppState;
use crate::applications::downloads::{DOCX, download};
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pledges", get(list_page))
        .route("/pledges/guide", get(guide_page))
        .route("/pledges/products", get(products_page))
        .route(
            "/pledges/products/new",
            get(product_new).post(product_create),
        )
        .route("/pledges/products/{id}/publish", post(product_publish))
        .route("/pledges/apply", get(apply_page).post(apply_submit))
        .route("/pledges/{id}", get(detail_page))
        .route("/pledges/{id}/stage", post(stage_submit))
        .route(
            "/pledges/{id}/checks/{rule}/overrule",
            post(overrule_submit),
        )
        .route("/pledges/{id}/sheet.docx", get(sheet))
}

fn wan(f: zhiyun_domain::money::Fen) -> String {
    f.to_wan_2dp()
}

fn median(d: Option<f64>) -> String {
    d.map(|d| format!("{d:.1}").trim_end_matches(".0").to_string())
        .unwrap_or_else(|| "—".into())
}

// ---------- products ----------

#[derive(Template)]
#[template(path = "pledges/products.html")]
struct ProductsPage {
    layout: Layout,
    products: Vec<ProductView>,
    is_bank: bool,
    may_apply: bool,
}

async fn products_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Response, PageError> {
    let all = products::list(&state.svc, user.as_ref(), None).await?;
    let role = user.as_ref().map(|u| u.role());
    Ok(page(&ProductsPage {
        layout: Layout::new(
            &state,
            user.as_ref(),
            "知识产权质押融资产品",
            "pledge_products",
        ),
        products: all.iter().map(Into::into).collect(),
        is_bank: role == Some(Role::Bank),
        may_apply: matches!(role, Some(Role::Enterprise | Role::Operator | Role::Bank)),
    }))
}

#[derive(Template)]
#[template(path = "pledges/product_form.html")]
struct ProductForm {
    layout: Layout,
    form: FormState,
}

async fn product_new(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if user.role() != Role::Bank {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    form.set("collateral", "patent");
    form.set("appraisal_required", "1");
    Ok(page(&ProductForm {
        layout: Layout::new(&state, Some(&user), "发布质押融资产品", "pledge_products"),
        form,
    }))
}

fn num(form: &FormState, k: &str) -> Option<Number> {
    form.opt(k).map(Number)
}

fn int(form: &FormState, k: &str) -> Option<i64> {
    form.opt(k).and_then(|s| s.parse().ok())
}

async fn product_create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let eligible = form
        .opt("eligible")
        .map(|s| {
            s.split(['，', ',', '、', ';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let input = ProductInput {
        name: form.opt("name"),
        collateral: form.opt("collateral"),
        amount_min_wan: form.opt("amount_min_wan").map(WanText),
        amount_max_wan: form.opt("amount_max_wan").map(WanText),
        term_min_months: int(&form, "term_min_months"),
        term_max_months: int(&form, "term_max_months"),
        rate_min_pct: num(&form, "rate_min_pct"),
        rate_max_pct: num(&form, "rate_max_pct"),
        rate_negotiable: Some(form.v("rate_negotiable") == "1"),
        appraisal_required: Some(form.v("appraisal_required") == "1"),
        eligible,
        eligible_other: form.opt("eligible_other"),
        risk_sharing: Vec::new(),
        description: form.opt("description"),
        contact_name: form.opt("contact_name"),
        contact_phone: form.opt("contact_phone"),
    };
    match products::create(&state.svc, &user, &input, true).await {
        Ok(_) => Ok(Redirect::to("/pledges/products").into_response()),
        Err(e) => {
            let status = form.refused(e, "name")?;
            Ok(page_with_status(
                status,
                &ProductForm {
                    layout: Layout::new(&state, Some(&user), "发布质押融资产品", "pledge_products"),
                    form,
                },
            ))
        }
    }
}

async fn product_publish(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let published = values.get("published").map(String::as_str) != Some("0");
    products::set_published(&state.svc, &user, id, published).await?;
    Ok(Redirect::to("/pledges/products").into_response())
}

// ---------- applying ----------

struct PatentChoice {
    number: String,
    title: String,
    note: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "pledges/apply.html")]
struct ApplyPage {
    layout: Layout,
    form: FormState,
    product: Option<ProductView>,
    /// (id, name, selected)
    pledgors: Vec<(i64, String, bool)>,
    banks: Vec<(i64, String, bool)>,
    patents: Vec<PatentChoice>,
    pledgor_fixed: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApplyQuery {
    product: Option<i64>,
    pledgor: Option<i64>,
}

async fn apply_view(
    state: &AppState,
    user: &Principal,
    mut form: FormState,
) -> Result<ApplyPage, PageError> {
    let role = user.role();
    if !matches!(role, Role::Enterprise | Role::Operator | Role::Bank) {
        return Err(PageError::forbidden());
    }
    let product = match form.opt("product_id").and_then(|p| p.parse::<i64>().ok()) {
        Some(id) => Some(ProductView::from(
            &products::get(&state.svc, Some(user), id).await?,
        )),
        None => None,
    };
    if let Some(p) = &product {
        form.values
            .entry("pledgee_org_id".into())
            .or_insert_with(|| p.bank_org_id.to_string());
        if form.v("kind").is_empty() {
            form.set(
                "kind",
                if p.collateral == "trademark" {
                    "trademark"
                } else {
                    "patent"
                },
            );
        }
    }
    if role == Role::Enterprise {
        form.set("pledgor_org_id", user.org_id.to_string());
    }
    if role == Role::Bank && form.v("pledgee_org_id").is_empty() {
        form.set("pledgee_org_id", user.org_id.to_string());
    }
    let ents = uc::orgs_of_kind(&state.svc, OrgKind::Enterprise).await?;
    let pledgors = ents
        .into_iter()
        .filter(|(_, _, d)| role != Role::Operator || d.as_deref() == user.district_code.as_deref())
        .map(|(id, name, _)| (id, name, form.v("pledgor_org_id") == id.to_string()))
        .collect();
    let banks = uc::orgs_of_kind(&state.svc, OrgKind::Bank)
        .await?
        .into_iter()
        .map(|(id, name, _)| (id, name, form.v("pledgee_org_id") == id.to_string()))
        .collect();
    let chosen: Vec<String> = form
        .v("patents")
        .split([',', '\n', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let patents = match form
        .opt("pledgor_org_id")
        .and_then(|p| p.parse::<i64>().ok())
    {
        Some(org) => uc::patents_of(&state.svc, org)
            .await?
            .into_iter()
            .map(|f| PatentChoice {
                checked: chosen.contains(&f.number),
                note: format!(
                    "{}，{}，届满 {}，年费缴至 {}",
                    f.kind.label(),
                    f.legal_status.label(),
                    f.expires_on,
                    f.fee_paid_until
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "未知".into())
                ),
                number: f.number,
                title: f.title,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(ApplyPage {
        layout: Layout::new(state, Some(user), "申请质押融资", "pledges"),
        pledgor_fixed: role == Role::Enterprise,
        form,
        product,
        pledgors,
        banks,
        patents,
    })
}

async fn apply_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, PageError> {
    let mut form = FormState::default();
    if let Some(p) = q.product {
        form.set("product_id", p.to_string());
    }
    if let Some(p) = q.pledgor {
        form.set("pledgor_org_id", p.to_string());
    }
    let today = uc::today(&state.svc);
    form.set("applied_on", today.to_string());
    form.set("loan_start", today.to_string());
    Ok(page(&apply_view(&state, &user, form).await?))
}

async fn apply_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut values: HashMap<String, String> = HashMap::new();
    let mut patents: Vec<String> = Vec::new();
    for (k, v) in pairs {
        if k == "patent" {
            patents.push(v);
        } else {
            values.insert(k, v);
        }
    }
    let mut form = FormState::with_values(values);
    patents.extend(
        form.v("more_patents")
            .split(['\n', ',', '，', ';', '；', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    form.set("patents", patents.join(","));
    let trademarks: Vec<String> = form
        .v("trademarks")
        .split(['\n', ',', '，', ';', '；', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let kind = match (patents.is_empty(), trademarks.is_empty()) {
        (false, false) => "mixed",
        (true, false) => "trademark",
        _ => "patent",
    };
    let input = PledgeInput {
        kind: Some(kind.into()),
        pledgor_org_id: form.opt("pledgor_org_id").and_then(|s| s.parse().ok()),
        pledgee_org_id: form.opt("pledgee_org_id").and_then(|s| s.parse().ok()),
        patents,
        trademarks,
        amount_wan: form.opt("amount_wan").map(WanText),
        loan_start: form.opt("loan_start"),
        repay_by: form.opt("repay_by"),
        product_id: form.opt("product_id").and_then(|s| s.parse().ok()),
        term_months: None,
        risk_sharing: Vec::new(),
        applied_on: form.opt("applied_on"),
    };
    match uc::create(&state.svc, &user, input).await {
        Ok(d) => Ok(Redirect::to(&format!("/pledges/{}", d.record.id)).into_response()),
        Err(e) => {
            let status = form.refused(e, "patents")?;
            // Errors on `patents.0` show under the patents.
            let keys: Vec<String> = form.errors.keys().cloned().collect();
            for k in keys {
                if k.starts_with("patents.") {
                    let m = form.errors[&k].clone();
                    form.errors.entry("patents".into()).or_insert(m);
                }
            }
            Ok(page_with_status(
                status,
                &apply_view(&state, &user, form).await?,
            ))
        }
    }
}

// ---------- a pledge ----------

struct SpanLine {
    label: &'static str,
    days: i64,
    step: bool,
}

#[derive(Template)]
#[template(path = "pledges/detail.html")]
struct DetailPage {
    layout: Layout,
    p: PledgeView,
    checks: Vec<CheckView>,
    history: Vec<StepView>,
    spans: Vec<SpanLine>,
    /// (slug, label)
    moves: Vec<(&'static str, &'static str)>,
    can_overrule: bool,
    reasons: Vec<(&'static str, &'static str)>,
    disposals: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    form: FormState,
    today: String,
    guidance: Vec<String>,
    before_registration: bool,
}

async fn render_detail(
    state: &AppState,
    user: &Principal,
    id: i64,
    error: Option<String>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let d = uc::get(&state.svc, user, id).await?;
    let view = PledgeView::from(&d);
    Ok(page_with_status(
        status,
        &DetailPage {
            layout: Layout::new(state, Some(user), format!("质押融资 #{id}"), "pledges"),
            checks: d
                .checks
                .iter()
                .map(|c| super::views::check_view(c, &d.record))
                .collect(),
            history: PledgeView::from(&d).history,
            spans: d
                .cycle
                .iter()
                .map(|c| SpanLine {
                    label: c.span.label(),
                    days: c.days,
                    step: c.span.is_step(),
                })
                .collect(),
            moves: d.moves.iter().map(|s| (s.slug(), s.label())).collect(),
            can_overrule: d.can_overrule,
            reasons: DeclineReason::ALL
                .iter()
                .map(|r| (r.slug(), r.label()))
                .collect(),
            disposals: DisposalKind::ALL
                .iter()
                .map(|r| (r.slug(), r.label()))
                .collect(),
            error,
            form,
            today: uc::today(&state.svc).to_string(),
            guidance: uc::guidance_lines(d.record.pledge.kind),
            before_registration: d.record.stage.order() < Stage::Registered.order(),
            p: view,
        },
    ))
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render_detail(
        &state,
        &user,
        id,
        None,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

async fn stage_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let appraisal = form.opt("appraisal_value_wan").map(|v| AppraisalInput {
        value_wan: Some(WanText(v)),
        appraiser: form.opt("appraiser"),
        method: form.opt("appraisal_method"),
        standard: form.opt("appraisal_standard"),
    });
    let input = StageInput {
        stage: form.opt("stage"),
        on: form.opt("on"),
        registration_number: form.opt("registration_number"),
        amount_wan: form.opt("amount_wan").map(WanText),
        reason: form.opt("reason"),
        disposal: form.opt("disposal"),
        appraisal,
        note: form.opt("note"),
    };
    match uc::move_to(&state.svc, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/pledges/{id}")).into_response()),
        Err(e) => {
            let status = match e.kind {
                zhiyun_service::Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                zhiyun_service::Kind::Conflict => StatusCode::CONFLICT,
                zhiyun_service::Kind::Forbidden => StatusCode::FORBIDDEN,
                _ => return Err(e.into()),
            };
            let msg = if e.errors.len() > 1 {
                e.errors
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            } else {
                e.message.clone()
            };
            render_detail(&state, &user, id, Some(msg), form, status).await
        }
    }
}

async fn overrule_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, rule)): Path<(i64, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let comment = values.get("comment").cloned().unwrap_or_default();
    match uc::overrule(&state.svc, &user, id, &rule, &comment).await {
        Ok(_) => Ok(Redirect::to(&format!("/pledges/{id}#checks")).into_response()),
        Err(e)
            if matches!(
                e.kind,
                zhiyun_service::Kind::Invalid | zhiyun_service::Kind::Conflict
            ) =>
        {
            let status = if e.kind == zhiyun_service::Kind::Invalid {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            render_detail(
                &state,
                &user,
                id,
                Some(e.message),
                FormState::default(),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn sheet(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = uc::sheet_docx(&state.svc, &user, id).await?;
    Ok(download(DOCX, &name, bytes))
}

// ---------- the pipeline ----------

struct CellLine {
    count: u32,
    amount: String,
}

struct BankLine {
    name: String,
    cells: Vec<CellLine>,
    medians: Vec<String>,
    slowest: String,
}

struct Row {
    id: i64,
    pledgor: String,
    district: String,
    bank: String,
    stage: &'static str,
    amount: String,
    applied_on: String,
    registered_on: String,
    applied_to_registered: String,
}

#[derive(Template)]
#[template(path = "pledges/list.html")]
struct ListPage {
    layout: Layout,
    stages: Vec<&'static str>,
    steps: Vec<&'static str>,
    banks: Vec<BankLine>,
    totals: Vec<CellLine>,
    total_medians: Vec<String>,
    slowest: String,
    rows: Vec<Row>,
    year: String,
    district: String,
    overseer: bool,
    may_apply: bool,
    xlsx: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: Option<String>,
    district: Option<String>,
    bank: Option<String>,
}

const PIPELINE: [Stage; 10] = [
    Stage::Applied,
    Stage::Appraisal,
    Stage::DueDiligence,
    Stage::Approved,
    Stage::Registered,
    Stage::Disbursed,
    Stage::Repaid,
    Stage::Released,
    Stage::Defaulted,
    Stage::Declined,
];

fn cells(m: &std::collections::BTreeMap<Stage, uc::Cell>) -> Vec<CellLine> {
    PIPELINE
        .iter()
        .map(|s| {
            let c = m.get(s).cloned().unwrap_or_default();
            CellLine {
                count: c.count,
                amount: wan(c.amount),
            }
        })
        .collect()
}

fn step_medians(stats: &[zhiyun_domain::pledge::SpanStats]) -> Vec<String> {
    Span::ALL
        .iter()
        .filter(|s| s.is_step() || **s == Span::AppliedToRegistered)
        .map(|s| {
            median(
                stats
                    .iter()
                    .find(|x| x.span == *s)
                    .and_then(|x| x.median_days),
            )
        })
        .collect()
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let params = super::api::ListParams {
        district: q.district.clone(),
        year: q.year.clone(),
        bank: q.bank.clone(),
        stage: None,
    };
    let query: PledgeQuery = super::api::query_of(&params).unwrap_or_default();
    let all = uc::list(&state.svc, &user, &query).await?;
    let pipe: Pipeline = uc::pipeline_of(&all);
    let role = user.role();
    let xlsx = format!(
        "/api/v1/pledges.xlsx?year={}&district={}",
        q.year.clone().unwrap_or_default(),
        q.district.clone().unwrap_or_default()
    );
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "质押融资", "pledges"),
        stages: PIPELINE.iter().map(|s| s.label()).collect(),
        steps: Span::ALL
            .iter()
            .filter(|s| s.is_step() || **s == Span::AppliedToRegistered)
            .map(|s| s.label())
            .collect(),
        banks: pipe
            .banks
            .iter()
            .map(|b| BankLine {
                name: b.bank_name.clone(),
                cells: cells(&b.stages),
                medians: step_medians(&b.cycles),
                slowest: b.slowest.map(|s| s.label()).unwrap_or("—").to_string(),
            })
            .collect(),
        totals: cells(&pipe.total),
        total_medians: step_medians(&pipe.cycles),
        slowest: pipe.slowest.map(|s| s.label()).unwrap_or("—").to_string(),
        rows: all
            .iter()
            .map(|r| Row {
                id: r.id,
                pledgor: r.pledgor_name.clone(),
                district: uc::district_name(r.pledgor_district.as_deref()).to_string(),
                bank: r.pledgee_name.clone(),
                stage: r.stage.label(),
                amount: wan(uc::amount_of(r)),
                applied_on: r.pledge.applied_on.to_string(),
                registered_on: r.registered_on.map(|d| d.to_string()).unwrap_or_default(),
                applied_to_registered: zhiyun_domain::pledge::cycle_days_map(&r.history)
                    .get("applied_to_registered")
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        year: q.year.unwrap_or_default(),
        district: q.district.unwrap_or_default(),
        overseer: matches!(role, Role::Operator | Role::District | Role::Municipal)
            || user.is_admin,
        may_apply: matches!(role, Role::Enterprise | Role::Operator | Role::Bank),
        xlsx,
    }))
}

// ---------- guidance ----------

#[derive(Template)]
#[template(path = "pledges/guide.html")]
struct GuidePage {
    layout: Layout,
    patent: Vec<String>,
    trademark: Vec<String>,
}

async fn guide_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    page(&GuidePage {
        layout: Layout::new(&state, user.as_ref(), "质押登记办理指引", "pledge_products"),
        patent: uc::guidance_lines(Collateral::Patent),
        trademark: uc::guidance_lines(Collateral::Trademark),
    })
}

// ---------- the bank's workbench ----------

pub struct WaitingLine {
    pub id: i64,
    pub pledgor: String,
    pub stage: &'static str,
    pub since: String,
    pub age_days: i64,
    pub amount: String,
}

pub struct DueLine {
    pub id: i64,
    pub pledgor: String,
    pub repay_by: String,
    pub days_left: i64,
    pub amount: String,
}

pub struct FeeLine {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub paid_until: String,
}

/// The bank's workbench card on its home.
pub struct BankCard {
    pub year: i32,
    pub waiting: Vec<WaitingLine>,
    pub by_stage: Vec<(&'static str, usize)>,
    pub products: Vec<(i64, String, bool)>,
    /// (month, count, amount)
    pub months: Vec<(u32, u32, String)>,
    pub total: String,
    pub due: Vec<DueLine>,
    pub fees: Vec<FeeLine>,
}

pub async fn bank_card(state: &AppState, user: &Principal) -> Result<Option<BankCard>, PageError> {
    let Some(w) = workbench::for_bank(&state.svc, user).await? else {
        return Ok(None);
    };
    Ok(Some(BankCard {
        year: w.year,
        waiting: w
            .waiting
            .iter()
            .map(|x| WaitingLine {
                id: x.pledge_id,
                pledgor: x.pledgor_name.clone(),
                stage: x.stage.label(),
                since: x.since.to_string(),
                age_days: x.age_days,
                amount: wan(x.amount),
            })
            .collect(),
        by_stage: w
            .waiting_by_stage
            .iter()
            .map(|(s, n)| (s.label(), *n))
            .collect(),
        products: w
            .products
            .iter()
            .map(|p| (p.id, p.product.name.clone(), p.published))
            .collect(),
        months: w
            .disbursed_by_month
            .iter()
            .map(|(m, n, a)| (*m, *n, wan(*a)))
            .collect(),
        total: wan(w.disbursed_total),
        due: w
            .repayments_due
            .iter()
            .map(|d| DueLine {
                id: d.pledge_id,
                pledgor: d.pledgor_name.clone(),
                repay_by: d.repay_by.to_string(),
                days_left: d.days_left,
                amount: wan(d.amount),
            })
            .collect(),
        fees: w
            .fees_due
            .iter()
            .map(|f| FeeLine {
                id: f.pledge_id,
                number: f.number.clone(),
                title: f.title.clone(),
                paid_until: f.paid_until.to_string(),
            })
            .collect(),
    }))
}
