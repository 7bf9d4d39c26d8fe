//! The ledger's pages: 交易台账 (contracted vs received, filters, benefiting SMEs per year), the
//! new-deal form (prefilled from a deal lead or a listing), one deal's page (parties, patents,
//! pre-checks with evidence, stage moves, payments, filings with the computed deadline and the
//! CNIPA guidance), the filing sheet DOCX, and the yearly figures form of an enterprise.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::deal::{
    AnnualInput, DealInput, DealKind, FilingInput, FilingKind, FilingStatus, InstalmentInput,
    LicenceType, OverruleInput, PaymentInput, Stage, StageMoveInput, Venue,
};
use zhiyun_domain::money::WanText;
use zhiyun_service::deals::{self as uc, DealQuery, export, ops};
use zhiyun_service::{Kind, Principal};

use super::views::{DealItem, DealList, DealView, SmeYearView};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list_page))
        .route("/deals/export.xlsx", get(export_xlsx))
        .route("/deals/new", get(new_page).post(create_form))
        .route("/deals/{id}", get(detail_page))
        .route("/deals/{id}/stage", post(stage_form))
        .route("/deals/{id}/payments", post(payment_form))
        .route("/deals/{id}/filings", post(filing_form))
        .route("/deals/{id}/overrules", post(overrule_form))
        .route("/deals/{id}/filing-sheet.docx", get(filing_sheet))
        .route("/orgs/{id}/annual", post(annual_form))
}

/// (value, label, selected) for a `<select>`.
type Opt = (String, String, bool);

fn opts<I: IntoIterator<Item = (String, String)>>(items: I, selected: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| {
            let s = v == selected;
            (v, l, s)
        })
        .collect()
}

// ---------- the ledger ----------

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    district: Option<String>,
    year: Option<String>,
    kind: Option<String>,
}

impl ListQuery {
    fn params(&self) -> super::api::ListParams {
        super::api::ListParams {
            district: self.district.clone(),
            year: self.year.clone(),
            kind: self.kind.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "deals/list.html")]
struct ListPage {
    layout: Layout,
    items: Vec<DealItem>,
    totals: super::views::TotalsView,
    smes: Vec<SmeYearView>,
    districts: Vec<Opt>,
    kinds: Vec<Opt>,
    year: String,
    query: String,
    error: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (list, error) = match q.params().query() {
        Ok(query) => match uc::list(&state.svc, &user, query).await {
            Ok(l) => (DealList::from(&l), None),
            Err(e) if e.kind == Kind::Invalid => {
                (DealList::from(&uc::DealLedger::default()), Some(e.message))
            }
            Err(e) => return Err(e.into()),
        },
        Err(_) => (
            DealList::from(&uc::DealLedger::default()),
            Some("筛选条件有误：年份应为四位数字，类型应为转让、许可或作价入股".to_string()),
        ),
    };
    let district = q.district.clone().unwrap_or_default();
    let districts = opts(
        zhiyun_domain::district::all()
            .filter(|d| zhiyun_domain::district::current_by_code(d.code).is_some())
            .map(|d| (d.code.to_string(), d.name.to_string())),
        &district,
    );
    let kind = q.kind.clone().unwrap_or_default();
    let kinds = opts(
        DealKind::ALL
            .iter()
            .map(|k| (k.slug().to_string(), k.label().to_string())),
        &kind,
    );
    let query = format!(
        "district={}&year={}&kind={}",
        crate::auth::url_encode(&district),
        crate::auth::url_encode(q.year.as_deref().unwrap_or("")),
        crate::auth::url_encode(&kind)
    );
    Ok(page(&ListPage {
        layout: Layout::new(&state, Some(&user), "专利交易台账", "deals"),
        items: list.items,
        totals: list.totals,
        smes: list.smes,
        districts,
        kinds,
        year: q.year.clone().unwrap_or_default(),
        query,
        error,
    }))
}

async fn export_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let query = q.params().query().unwrap_or_else(|_| DealQuery::default());
    let (title, bytes) = export::ledger_xlsx(&state.svc, &user, query).await?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{title}.xlsx"),
        bytes,
    ))
}

// ---------- a new deal ----------

#[derive(Template)]
#[template(path = "deals/form.html")]
struct FormPage {
    layout: Layout,
    form: FormState,
    kinds: Vec<Opt>,
    licence_types: Vec<Opt>,
    venues: Vec<Opt>,
    froms: Vec<Opt>,
    tos: Vec<Opt>,
    /// Where the prefill came from, e.g. 对接会意向 #3.
    source: Option<String>,
    patent_errors: Vec<String>,
}

async fn render_form(
    state: &AppState,
    user: &Principal,
    form: FormState,
    source: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let orgs = uc::party_choices(&state.svc).await?;
    let org_opts = |sel: &str| {
        let mut v = vec![(String::new(), "请选择".to_string(), sel.is_empty())];
        v.extend(opts(
            orgs.iter().map(|o| (o.id.to_string(), o.name.clone())),
            sel,
        ));
        v
    };
    let page_ = FormPage {
        layout: Layout::new(state, Some(user), "登记交易", "deals"),
        kinds: opts(
            DealKind::ALL
                .iter()
                .map(|k| (k.slug().to_string(), k.label().to_string())),
            form.v("kind"),
        ),
        licence_types: {
            let mut v = vec![(
                String::new(),
                "（转让、作价入股不填）".to_string(),
                form.v("licence_type").is_empty(),
            )];
            v.extend(opts(
                LicenceType::ALL
                    .iter()
                    .map(|k| (k.slug().to_string(), k.label().to_string())),
                form.v("licence_type"),
            ));
            v
        },
        venues: opts(
            Venue::ALL
                .iter()
                .map(|k| (k.slug().to_string(), k.label().to_string())),
            form.v("venue"),
        ),
        froms: org_opts(form.v("from_org_id")),
        tos: org_opts(form.v("to_org_id")),
        source,
        patent_errors: {
            let mut v: Vec<(&String, &String)> = form
                .errors
                .iter()
                .filter(|(k, _)| k.starts_with("patents."))
                .collect();
            v.sort();
            v.into_iter().map(|(_, e)| e.clone()).collect()
        },
        form,
    };
    Ok(page_with_status(status, &page_))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    lead: Option<i64>,
    listing: Option<i64>,
}

fn form_of(d: &DealInput) -> FormState {
    let mut f = FormState::default();
    let set = |f: &mut FormState, k: &str, v: Option<String>| {
        if let Some(v) = v {
            f.set(k, v);
        }
    };
    set(&mut f, "kind", d.kind.clone());
    set(&mut f, "licence_type", d.licence_type.clone());
    set(&mut f, "from_org_id", d.from_org_id.map(|x| x.to_string()));
    set(&mut f, "to_org_id", d.to_org_id.map(|x| x.to_string()));
    f.set("patents", d.patents.join("\n"));
    set(&mut f, "venue", d.venue.clone());
    set(&mut f, "lead_id", d.lead_id.map(|x| x.to_string()));
    set(&mut f, "listing_id", d.listing_id.map(|x| x.to_string()));
    f
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let (form, source) = if let Some(lead) = q.lead {
        let d = uc::draft_from_lead(&state.svc, &user, lead).await?;
        (form_of(&d), Some(format!("交易线索（对接意向）#{lead}")))
    } else if let Some(l) = q.listing {
        let d = uc::draft_from_listing(&state.svc, &user, l).await?;
        (form_of(&d), Some(format!("供需条目 #{l}")))
    } else {
        let mut f = FormState::default();
        f.set("kind", "licence");
        f.set("venue", "off_exchange");
        (f, None)
    };
    render_form(&state, &user, form, source, StatusCode::OK).await
}

fn id_of(form: &mut FormState, k: &str, label: &str) -> Option<i64> {
    let v = form.opt(k)?;
    match v.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            form.errors
                .insert(k.to_string(), format!("{label}“{v}”应为编号（整数）"));
            None
        }
    }
}

fn input_of(form: &mut FormState) -> DealInput {
    let mut instalments = Vec::new();
    for line in form.v("instalments").lines() {
        let mut parts = line.split_whitespace();
        if let (Some(d), Some(a)) = (parts.next(), parts.next()) {
            instalments.push(InstalmentInput {
                due_on: Some(d.to_string()),
                amount_wan: Some(WanText(a.to_string())),
            });
        }
    }
    DealInput {
        kind: form.opt("kind"),
        licence_type: form.opt("licence_type"),
        from_org_id: id_of(form, "from_org_id", "提供方"),
        to_org_id: id_of(form, "to_org_id", "接受方"),
        patents: form
            .v("patents")
            .split(['\n', ';', '；', ',', '，'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        venue: form.opt("venue"),
        exchange_mode: form.opt("exchange_mode"),
        exchange_deal_number: form.opt("exchange_deal_number"),
        amount_wan: form.opt("amount_wan").map(WanText),
        signed_on: form.opt("signed_on"),
        effective_on: form.opt("effective_on"),
        term_until: form.opt("term_until"),
        lead_id: id_of(form, "lead_id", "对接意向"),
        listing_id: id_of(form, "listing_id", "供需条目"),
        territory: form.opt("territory"),
        instalments,
        ..Default::default()
    }
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let input = input_of(&mut form);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if !form.has_errors() {
        match uc::create(&state.svc, &user, input).await {
            Ok(r) => {
                return Ok(Redirect::to(&format!("/deals/{}?notice=created", r.id)).into_response());
            }
            Err(e) => status = form.refused(e, "kind")?,
        }
    }
    render_form(&state, &user, form, None, status).await
}

// ---------- one deal ----------

#[derive(Template)]
#[template(path = "deals/detail.html")]
struct DetailPage {
    layout: Layout,
    d: DealView,
    /// The stage form's choices (stage, label).
    next: Vec<(String, String)>,
    filing_kind: String,
    filing_kind_label: String,
    filing_statuses: Vec<(String, String)>,
    failing: Vec<(String, String)>,
    may_pay: bool,
    may_file: bool,
    may_overrule: bool,
    is_licence: bool,
    today: String,
    /// The form that was refused: which one, and its state.
    which: String,
    form: FormState,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Notice {
    notice: Option<String>,
}

async fn render_detail(
    state: &AppState,
    user: &Principal,
    id: i64,
    which: &str,
    form: FormState,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let detail = uc::get(&state.svc, user, id).await?;
    let d = DealView::from(&detail);
    let kind = detail.record.deal.kind;
    let need = FilingKind::for_deal(kind);
    let page_ = DetailPage {
        layout: Layout::new(state, Some(user), format!("交易 #{id}"), "deals").with_notice(notice),
        next: detail
            .next
            .iter()
            .map(|s| (s.slug().to_string(), s.label_for(kind).to_string()))
            .collect(),
        filing_kind: need.slug().into(),
        filing_kind_label: need.label().into(),
        filing_statuses: FilingStatus::ALL
            .iter()
            .map(|s| (s.slug().to_string(), s.label().to_string()))
            .collect(),
        failing: d
            .checks
            .iter()
            .filter(|c| c.status != "pass" && c.overruled.is_none())
            .map(|c| (c.rule.clone(), c.rule_label.clone()))
            .collect(),
        may_pay: detail.may.pay && detail.record.deal.stage.counts_as_deal(),
        may_file: detail.may.file
            && detail.record.deal.signed_on.is_some()
            && detail.record.deal.stage != Stage::Cancelled,
        may_overrule: detail.may.overrule,
        is_licence: kind == DealKind::Licence,
        today: state.svc.clock().today().to_string(),
        which: which.to_string(),
        form,
        d,
    };
    Ok(page_with_status(status, &page_))
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(n): Query<Notice>,
) -> Result<Response, PageError> {
    render_detail(
        &state,
        &user,
        id,
        "",
        FormState::default(),
        n.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

/// Run a deal form's use case: back to the deal with a notice, or the deal with the form's errors.
async fn after(
    state: &AppState,
    user: &Principal,
    id: i64,
    which: &str,
    mut form: FormState,
    result: zhiyun_service::Result<()>,
    default_field: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/deals/{id}?notice=saved")).into_response()),
        Err(e) => {
            let status = form.refused(e, default_field)?;
            render_detail(state, user, id, which, form, None, status).await
        }
    }
}

async fn stage_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = StageMoveInput {
        stage: form.opt("stage"),
        on: form.opt("on"),
        reason: form.opt("reason"),
    };
    let r = ops::move_to(&state.svc, &user, id, input).await.map(|_| ());
    after(&state, &user, id, "stage", form, r, "stage").await
}

async fn payment_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = PaymentInput {
        amount_wan: form.opt("amount_wan").map(WanText),
        received_on: form.opt("received_on"),
    };
    let r = ops::add_payment(&state.svc, &user, id, input)
        .await
        .map(|_| ());
    after(&state, &user, id, "payment", form, r, "amount_wan").await
}

async fn filing_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = FilingInput {
        kind: form.opt("kind"),
        filed_on: form.opt("filed_on"),
        status: form.opt("status"),
        number: form.opt("number"),
        reason: form.opt("reason"),
    };
    let r = ops::add_filing(&state.svc, &user, id, input)
        .await
        .map(|_| ());
    after(&state, &user, id, "filing", form, r, "kind").await
}

async fn overrule_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let input = OverruleInput {
        rule: form.opt("rule"),
        comment: form.opt("comment"),
    };
    let r = ops::overrule(&state.svc, &user, id, input).await;
    after(&state, &user, id, "overrule", form, r, "rule").await
}

async fn filing_sheet(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = export::filing_sheet(&state.svc, &user, id).await?;
    Ok(crate::applications::download(
        crate::applications::downloads::DOCX,
        &name,
        bytes,
    ))
}

// ---------- yearly figures (T8) ----------

async fn annual_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let form = FormState::with_values(values);
    let year: i32 = form.v("year").trim().parse().unwrap_or(0);
    let input = AnnualInput {
        revenue_wan: form.opt("revenue_wan").map(WanText),
        headcount: form
            .opt("headcount")
            .map(zhiyun_domain::application::serde_json_number::Number),
        patent_product_revenue_wan: form.opt("patent_product_revenue_wan").map(WanText),
    };
    match ops::put_annual(&state.svc, &user, id, year, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}?notice=saved#annual")).into_response()),
        Err(e) if e.kind == Kind::Invalid => Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "年度数据有误：{}",
                e.errors
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        )),
        Err(e) => Err(e.into()),
    }
}
