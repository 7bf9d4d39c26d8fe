//! The public home page, each role's home (`/home`) and the district overview for bureaus.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use zhiyun_service::Principal;
use zhiyun_service::home::{self, DistrictRow, T1Progress};

use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::layout::{Layout, page};
use crate::orgs::OrgView;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public_home))
        .route("/home", get(role_home))
        .route("/districts", get(districts_page))
}

/// The public front door: in [`crate::front`].
async fn public_home(state: State<AppState>, user: MaybeUser) -> Response {
    crate::front::public_home(state, user).await
}

#[derive(Template)]
#[template(path = "home.html")]
struct RoleHome {
    layout: Layout,
    me: Principal,
    intro: &'static str,
    /// The frame (issue 18): to-dos, quick actions, figures, records.
    wb: crate::workbench::WorkbenchView,
    year: i32,
    districts: Vec<DistrictRow>,
    kind_counts: Vec<(&'static str, i64)>,
    dual_certified: Option<usize>,
    org: OrgView,
    hte_valid_now: bool,
    t1: Option<T1Progress>,
    stale_listings: i64,
    /// The organisation's upcoming 1:1 meetings at matchmaking events (T3).
    agenda: Vec<crate::events::AgendaLine>,
    /// Patent fee and expiry reminders (T6).
    patent_reminders: crate::patents::HomeCard,
    /// K6/T7: the surveys taking responses now (operators and bureaus).
    surveys: Option<crate::surveys::SurveyCardView>,
    /// T4: CNIPA filing deadlines within 30 days or overdue, and deals waiting on me.
    deals: crate::deals::HomeCard,
    /// T5: the bank's workbench (banks only).
    bank: Option<crate::pledges::BankCard>,
    /// Issue 18: registrations waiting for the caller, or the caller's own pending registration.
    registration: crate::registrations::HomeCard,
    /// Contact requests from matching suggestions, and the exchanged pairs (issue 18).
    contacts: crate::match_contacts::HomeCard,
}

async fn role_home(
    State(state): State<AppState>,
    PageUser(me): PageUser,
) -> Result<Response, PageError> {
    let home = home::role_home(&state.svc, &me).await?;
    let agenda = crate::events::agenda_of(&state, &me)
        .await
        .map_err(PageError::from)?;
    let patent_reminders = crate::patents::home_card(&state, &me).await;
    let deals = crate::deals::home_card(&state, &me).await;
    let surveys = crate::surveys::card_of(&state, &me)
        .await
        .map_err(PageError::from)?;
    let bank = crate::pledges::bank_card(&state, &me).await?;
    let wb = crate::workbench::of(&state, &me)
        .await
        .map_err(PageError::from)?;
    let registration = crate::registrations::home_card(&state, &me).await;
    let contacts = crate::match_contacts::home_card(&state, &me).await;
    Ok(page(&RoleHome {
        contacts,
        wb,
        registration,
        deals,
        bank,
        patent_reminders,
        agenda,
        surveys,
        hte_valid_now: home.hte_valid_now,
        org: OrgView::from(&home.org),
        t1: home.t1,
        stale_listings: home.stale_listings,
        layout: Layout::new(&state, Some(&me), "工作台", "home"),
        intro: home.intro,
        me,
        year: home.year,
        districts: home.districts,
        kind_counts: home.kind_counts,
        dual_certified: home.dual_certified,
    }))
}

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsPage {
    layout: Layout,
    year: i32,
    rows: Vec<DistrictRow>,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn districts_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let overview = home::district_overview(&state.svc, &me, q.year).await?;
    Ok(page(&DistrictsPage {
        layout: Layout::new(&state, Some(&me), "各区概况", "districts"),
        year: overview.year,
        rows: overview.rows,
    }))
}
