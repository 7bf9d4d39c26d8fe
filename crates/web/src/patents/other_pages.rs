//! The trademark pages (list and form) and the bureau's K5 page: high-value invention patents per
//! 10,000 residents by district with the population year used, overseas filings, and the
//! population entry form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::application::serde_json_number::Number;
use zhiyun_domain::district;
use zhiyun_domain::patent::indicator::{PopulationInput, PopulationYear};
use zhiyun_domain::policy;
use zhiyun_domain::trademark::TrademarkInput;
use zhiyun_service::patents::OrgBrief;
use zhiyun_service::patents::indicator::{self, CITY_CODE};
use zhiyun_service::patents::{owners_for, trademarks};
use zhiyun_service::{Kind, Principal};

use super::pages::Opt;
use super::views::{IndicatorRowView, PopulationView, TrademarkView};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trademarks", get(tm_list_page))
        .route("/trademarks/new", get(tm_new_page).post(tm_create_form))
        .route(
            "/trademarks/{id}/edit",
            get(tm_edit_page).post(tm_edit_form),
        )
        .route("/trademarks/{id}/delete", post(tm_delete_form))
        .route("/indicators/high-value", get(indicator_page))
        .route("/indicators/population", post(population_form))
}

// ---------- trademarks ----------

#[derive(Deserialize, Default)]
#[serde(default)]
struct TmQuery {
    q: Option<String>,
    scope: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "patents/trademarks.html")]
struct TmListPage {
    layout: Layout,
    /// Each trademark, and whether the user may edit it.
    rows: Vec<(TrademarkView, bool)>,
    total: i64,
    q: String,
    scopes: Vec<Opt>,
    can_add: bool,
}

async fn tm_list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<TmQuery>,
) -> Result<Response, PageError> {
    let mut scopes: Vec<(String, String)> = Vec::new();
    if matches!(
        user.role(),
        zhiyun_domain::org::Role::Enterprise | zhiyun_domain::org::Role::University
    ) {
        scopes.push(("mine".into(), "本机构的商标".into()));
    }
    if user.district_code.is_some() {
        scopes.push(("district".into(), "本区的商标".into()));
    }
    scopes.push(("all".into(), "全部商标".into()));
    let scope = q
        .scope
        .clone()
        .filter(|s| scopes.iter().any(|(v, _)| v == s))
        .unwrap_or_else(|| scopes[0].0.clone());
    let (total, items) = trademarks::list(
        &state.svc,
        &user,
        trademarks::TrademarkQuery {
            owner_org_id: (scope == "mine").then_some(user.org_id),
            district: (scope == "district")
                .then(|| user.district_code.clone())
                .flatten(),
            q: q.q.clone().filter(|s| !s.trim().is_empty()),
            page: q.page.unwrap_or(1),
            per_page: 100,
        },
    )
    .await?;
    let owners = owners_for(&state.svc, &user).await?;
    Ok(page(&TmListPage {
        layout: Layout::new(&state, Some(&user), "商标库", "trademarks")
            .with_notice(q.notice.as_deref()),
        rows: items
            .iter()
            .map(|t| (TrademarkView::from(t), t.can_manage))
            .collect(),
        total,
        q: q.q.unwrap_or_default(),
        scopes: scopes
            .into_iter()
            .map(|(v, l)| {
                let s = v == scope;
                (v, l, s)
            })
            .collect(),
        can_add: !owners.is_empty(),
    }))
}

#[derive(Template)]
#[template(path = "patents/trademark_form.html")]
struct TmFormPage {
    layout: Layout,
    id: Option<i64>,
    form: FormState,
    owners: Vec<Opt>,
    classes: Vec<Opt>,
}

fn render_tm_form(
    state: &AppState,
    user: &Principal,
    id: Option<i64>,
    owners: &[OrgBrief],
    form: FormState,
    status: StatusCode,
) -> Response {
    let owner = form.v("owner_org_id").to_string();
    let class = form.v("nice_class").to_string();
    page_with_status(
        status,
        &TmFormPage {
            layout: Layout::new(
                state,
                Some(user),
                if id.is_some() {
                    "修改商标"
                } else {
                    "登记商标"
                },
                "trademarks",
            ),
            owners: owners
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone(), o.id.to_string() == owner))
                .collect(),
            classes: (1..=45)
                .map(|c: u8| (c.to_string(), format!("第 {c} 类"), c.to_string() == class))
                .collect(),
            id,
            form,
        },
    )
}

fn tm_input(form: &FormState) -> TrademarkInput {
    TrademarkInput {
        number: form.opt("number"),
        name: form.opt("name"),
        nice_class: form.opt("nice_class").map(Number),
        owner_org_id: form.v("owner_org_id").trim().parse().ok(),
        valid_until: form.opt("valid_until"),
        registered_on: form.opt("registered_on"),
    }
}

fn tm_errors(form: &mut FormState, e: &zhiyun_service::Error) {
    if e.errors.is_empty() {
        form.errors.insert(
            e.field.clone().unwrap_or_else(|| "number".into()),
            e.message.clone(),
        );
    }
    form.add_errors(&e.errors);
}

async fn tm_new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let owners = owners_for(&state.svc, &user).await?;
    if owners.is_empty() {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::default();
    form.set("owner_org_id", owners[0].id.to_string());
    Ok(render_tm_form(
        &state,
        &user,
        None,
        &owners,
        form,
        StatusCode::OK,
    ))
}

async fn tm_create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let owners = owners_for(&state.svc, &user).await?;
    let mut form = FormState::with_values(values);
    match trademarks::create(&state.svc, &user, tm_input(&form)).await {
        Ok(_) => Ok(Redirect::to("/trademarks?scope=all&notice=created").into_response()),
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict | Kind::Forbidden) => {
            tm_errors(&mut form, &e);
            Ok(render_tm_form(
                &state,
                &user,
                None,
                &owners,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn tm_edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = trademarks::get(&state.svc, &user, id).await?;
    if !v.can_manage {
        return Err(PageError::forbidden());
    }
    let t = &v.record.trademark;
    let mut form = FormState::default();
    form.set("number", t.number.as_str());
    form.set("name", t.name.clone().unwrap_or_default());
    form.set("nice_class", t.nice_class.to_string());
    form.set("owner_org_id", t.owner_org_id.to_string());
    form.set("valid_until", t.valid_until.to_string());
    form.set(
        "registered_on",
        t.registered_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    let mut owners = owners_for(&state.svc, &user).await?;
    if let Some(o) = &v.owner
        && !owners.iter().any(|x| x.id == o.id)
    {
        owners.insert(0, o.clone());
    }
    Ok(render_tm_form(
        &state,
        &user,
        Some(id),
        &owners,
        form,
        StatusCode::OK,
    ))
}

async fn tm_edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let v = trademarks::get(&state.svc, &user, id).await?;
    let mut owners = owners_for(&state.svc, &user).await?;
    if let Some(o) = &v.owner
        && !owners.iter().any(|x| x.id == o.id)
    {
        owners.insert(0, o.clone());
    }
    let mut form = FormState::with_values(values);
    match trademarks::replace(&state.svc, &user, id, tm_input(&form)).await {
        Ok(_) => Ok(Redirect::to("/trademarks?scope=all&notice=saved").into_response()),
        Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => {
            tm_errors(&mut form, &e);
            Ok(render_tm_form(
                &state,
                &user,
                Some(id),
                &owners,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn tm_delete_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    trademarks::delete(&state.svc, &user, id).await?;
    Ok(Redirect::to("/trademarks?scope=all&notice=removed").into_response())
}

// ---------- K5 ----------

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndicatorQuery {
    year: Option<i32>,
    population: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "patents/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    rule: &'static str,
    rule_label: &'static str,
    rows: Vec<IndicatorRowView>,
    populations: Vec<(String, PopulationView)>,
    can_set: bool,
    /// (code, name) for the population form: the city first, then each district.
    codes: Vec<(String, String)>,
    form: FormState,
}

fn code_name(code: &str) -> String {
    if code == CITY_CODE {
        "全市".into()
    } else {
        district::by_code(code)
            .map(|d| d.name.to_string())
            .unwrap_or_else(|| code.to_string())
    }
}

async fn render_indicator(
    state: &AppState,
    user: &Principal,
    year: Option<i32>,
    rule: Option<&str>,
    form: FormState,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let this_year = state.svc.clock().this_year();
    let year = year.unwrap_or(this_year - 1);
    let rule = rule
        .and_then(PopulationYear::parse)
        .unwrap_or(PopulationYear::Previous);
    let rows = indicator::high_value_table(&state.svc, user, year, rule).await?;
    let populations = indicator::populations(&state.svc, user).await?;
    let mut codes = vec![(CITY_CODE.to_string(), "全市".to_string())];
    codes.extend(district::all().map(|d| (d.code.to_string(), d.name.to_string())));
    Ok(page_with_status(
        status,
        &IndicatorPage {
            layout: Layout::new(state, Some(user), "高价值发明专利", "indicators")
                .with_notice(notice),
            year,
            years: (2015..=this_year).rev().collect(),
            rule: rule.slug(),
            rule_label: rule.label(),
            rows: rows.iter().map(IndicatorRowView::from).collect(),
            populations: populations
                .iter()
                .map(|p| (code_name(&p.code), PopulationView::from(p)))
                .collect(),
            can_set: policy::can_set_population(&user.actor()),
            codes,
            form,
        },
    ))
}

async fn indicator_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<IndicatorQuery>,
) -> Result<Response, PageError> {
    let mut form = FormState::default();
    form.set("year", (state.svc.clock().this_year() - 1).to_string());
    render_indicator(
        &state,
        &user,
        q.year,
        q.population.as_deref(),
        form,
        q.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

async fn population_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut form = FormState::with_values(values);
    let year: Option<i32> = form.v("year").trim().parse().ok();
    let residents = form.v("residents").replace([',', '，', ' '], "");
    let input = PopulationInput {
        residents: residents.trim().parse().ok(),
    };
    let Some(y) = year else {
        form.errors.insert("year".into(), "请填写年份".into());
        return render_indicator(
            &state,
            &user,
            None,
            None,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if input.residents.is_none() && !residents.trim().is_empty() {
        form.errors
            .insert("residents".into(), format!("常住人口“{residents}”应为整数"));
        return render_indicator(
            &state,
            &user,
            None,
            None,
            form,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match indicator::set_population(&state.svc, &user, form.v("code"), y, input).await {
        Ok(_) => {
            let shown = (y + 1).min(state.svc.clock().this_year());
            Ok(
                Redirect::to(&format!("/indicators/high-value?year={shown}&notice=saved"))
                    .into_response(),
            )
        }
        Err(e) if e.kind == Kind::Invalid => {
            form.add_errors(&e.errors);
            render_indicator(
                &state,
                &user,
                None,
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
