//! The auctions' pages (issue 14): the public calendar and results (拍卖会), a session's page
//! (lots, registration, the operator's deposit confirmations), the operator's form for a new
//! session with its lots, and the lot page: current price, masked leader, bid history, the
//! server's countdown, the bid form, live updates through the SSE feed (`/static/auction.js`) and
//! a meta refresh without JavaScript; after the close the result and, when unsold, the routes.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::auction::{AuctionInput, LotInput, LotKind, UnsoldRoute, parse_rfc3339};
use zhiyun_domain::listing::ListingInput;
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::Role;
use zhiyun_service::auctions::{self as uc, LotView, SessionView};

use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::layout::{Layout, page};

const AUCTION_JS: &str = include_str!("../../static/auction.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auctions", get(calendar_page))
        .route("/auctions/new", get(new_page).post(create_form))
        .route("/auctions/{id}", get(session_page))
        .route("/auctions/{id}/register", post(register_form))
        .route(
            "/auctions/{id}/bidders/{org_id}/confirm",
            post(confirm_form),
        )
        .route("/lots/{id}", get(lot_page))
        .route("/lots/{id}/bid", post(bid_form))
        .route("/lots/{id}/route", post(route_form))
        .route(
            "/static/auction.js",
            get(|| async {
                (
                    [
                        (
                            axum::http::header::CONTENT_TYPE,
                            "text/javascript; charset=utf-8",
                        ),
                        (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    AUCTION_JS,
                )
                    .into_response()
            }),
        )
}

#[derive(Template)]
#[template(path = "auctions/calendar.html")]
struct CalendarPage {
    layout: Layout,
    sessions: Vec<SessionView>,
    may_create: bool,
}

async fn calendar_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Response, PageError> {
    let sessions = uc::calendar(&state.svc, user.as_ref()).await?;
    let may_create = user
        .as_ref()
        .is_some_and(|u| u.role() == Role::Operator || u.is_admin);
    Ok(page(&CalendarPage {
        layout: Layout::new(&state, user.as_ref(), "专利拍卖会", "auctions"),
        sessions,
        may_create,
    }))
}

#[derive(Template)]
#[template(path = "auctions/session.html")]
struct SessionPage {
    layout: Layout,
    s: SessionView,
    may_register: bool,
    error: Option<String>,
}

async fn session_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    session_render(&state, user, id, None).await
}

async fn session_render(
    state: &AppState,
    user: Option<zhiyun_service::Principal>,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let s = uc::session(&state.svc, user.as_ref(), id).await?;
    let may_register = user.as_ref().is_some_and(|u| {
        matches!(u.role(), Role::Enterprise | Role::University) && s.my_bidder_no.is_none()
    });
    Ok(page(&SessionPage {
        layout: Layout::new(state, user.as_ref(), s.title.clone(), "auctions"),
        s,
        may_register,
        error,
    }))
}

async fn register_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match uc::register(&state.svc, &user, id, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/auctions/{id}?notice=saved")).into_response()),
        Err(e) => session_render(&state, Some(user), id, Some(e.message)).await,
    }
}

async fn confirm_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, org_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    match uc::confirm(&state.svc, &user, id, org_id).await {
        Ok(()) => Ok(Redirect::to(&format!("/auctions/{id}?notice=saved")).into_response()),
        Err(e) => session_render(&state, Some(user), id, Some(e.message)).await,
    }
}

// ---------- a new session ----------

/// Lot rows on the form.
const LOT_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "auctions/new.html")]
struct NewPage {
    layout: Layout,
    f: NewForm,
    rows: Vec<LotRow>,
    errors: Vec<String>,
    kinds: Vec<(&'static str, &'static str)>,
}

struct LotRow {
    n: usize,
    title: String,
    patents: String,
    kind: String,
    start: String,
    increment: String,
    reserve: String,
    deposit: String,
    /// The operator ticked: the owner's written consent is on file.
    consent: bool,
    /// What the consent is (权利人授权书 2026-11-30).
    consent_text: String,
}

impl LotRow {
    fn is_blank(&self) -> bool {
        self.title.trim().is_empty() && self.patents.trim().is_empty()
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewForm {
    title: String,
    rules: String,
    starts_at: String,
    ends_at: String,
    soft_close_seconds: String,
    commission_pct: String,
    seller_commission_pct: String,
    auctioneer_org_id: String,
    #[serde(flatten)]
    lots: std::collections::HashMap<String, String>,
}

impl NewForm {
    fn lot(&self, n: usize, name: &str) -> String {
        self.lots
            .get(&format!("lot{n}_{name}"))
            .cloned()
            .unwrap_or_default()
    }

    fn rows(&self) -> Vec<LotRow> {
        (1..=LOT_ROWS)
            .map(|n| LotRow {
                n,
                title: self.lot(n, "title"),
                patents: self.lot(n, "patents"),
                kind: self.lot(n, "kind"),
                start: self.lot(n, "start"),
                increment: self.lot(n, "increment"),
                reserve: self.lot(n, "reserve"),
                deposit: self.lot(n, "deposit"),
                consent: !self.lot(n, "consent").is_empty(),
                consent_text: self.lot(n, "consent_text"),
            })
            .collect()
    }
}

/// `2026-12-10T14:00` from a `datetime-local` field, read as Shanghai time.
fn local_time(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if parse_rfc3339(s).is_some() {
        return Some(s.to_string());
    }
    let with_seconds = if s.len() == 16 {
        format!("{s}:00")
    } else {
        s.to_string()
    };
    Some(format!("{with_seconds}+08:00"))
}

fn nonblank(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn input_of(f: &NewForm) -> AuctionInput {
    let num = |s: &str| nonblank(s).map(zhiyun_domain::application::serde_json_number::Number);
    let lots = f
        .rows()
        .into_iter()
        .filter(|r| !r.is_blank())
        .map(|r| LotInput {
            title: nonblank(&r.title),
            patents: r
                .patents
                .split([',', '，', ';', '；', '\n', ' '])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            kind: nonblank(&r.kind),
            start_price_wan: nonblank(&r.start).map(WanText),
            increment_wan: nonblank(&r.increment).map(WanText),
            reserve_wan: nonblank(&r.reserve).map(WanText),
            deposit_wan: nonblank(&r.deposit).map(WanText),
            owner_consent: nonblank(&r.consent_text),
        })
        .collect();
    AuctionInput {
        title: nonblank(&f.title),
        rules: nonblank(&f.rules),
        starts_at: local_time(&f.starts_at),
        ends_at: local_time(&f.ends_at),
        soft_close_seconds: f.soft_close_seconds.trim().parse().ok(),
        commission_pct: num(&f.commission_pct),
        seller_commission_pct: num(&f.seller_commission_pct),
        commission_agreed: None,
        auctioneer_org_id: f.auctioneer_org_id.trim().parse().ok(),
        lots,
    }
}

/// The form requires every lot's owner consent (the API records it when given): ticked, and
/// what it is.
fn consent_errors(f: &NewForm) -> Vec<String> {
    let mut errors = Vec::new();
    for r in f.rows().iter().filter(|r| !r.is_blank()) {
        if !r.consent {
            errors.push(format!(
                "标的 {}：请确认已取得专利权人（委托人）同意拍卖的书面授权并勾选",
                r.n
            ));
        } else if r.consent_text.trim().is_empty() {
            errors.push(format!(
                "标的 {}：请填写权利人同意的依据，如“权利人授权书 2026-11-30”",
                r.n
            ));
        }
    }
    errors
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    LotKind::ALL.iter().map(|k| (k.slug(), k.label())).collect()
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if !(user.role() == Role::Operator || user.is_admin) {
        return Err(PageError::forbidden());
    }
    let f = NewForm {
        soft_close_seconds: "300".into(),
        commission_pct: "5".into(),
        seller_commission_pct: "5".into(),
        ..Default::default()
    };
    Ok(page(&NewPage {
        layout: Layout::new(&state, Some(&user), "新建拍卖会", "auctions"),
        rows: f.rows(),
        f,
        errors: Vec::new(),
        kinds: kinds(),
    }))
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    let consent = consent_errors(&f);
    if !consent.is_empty() && (user.role() == Role::Operator || user.is_admin) {
        return Ok(page(&NewPage {
            layout: Layout::new(&state, Some(&user), "新建拍卖会", "auctions"),
            rows: f.rows(),
            f,
            errors: consent,
            kinds: kinds(),
        }));
    }
    match uc::create(&state.svc, &user, input_of(&f)).await {
        Ok(c) => Ok(Redirect::to(&format!("/auctions/{}?notice=created", c.id)).into_response()),
        Err(e) if e.kind == zhiyun_service::Kind::Invalid => {
            let errors = e
                .errors
                .iter()
                .map(|x| format!("{}（{}）", x.message, x.field))
                .collect();
            Ok(page(&NewPage {
                layout: Layout::new(&state, Some(&user), "新建拍卖会", "auctions"),
                rows: f.rows(),
                f,
                errors,
                kinds: kinds(),
            }))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------- a lot ----------

#[derive(Template)]
#[template(path = "auctions/lot.html")]
struct LotPage {
    layout: Layout,
    v: LotView,
    /// The lot is open: refresh without JavaScript.
    live: bool,
    error: Option<String>,
    routes: Vec<(&'static str, &'static str)>,
    /// Closed unsold (the operator may route it).
    unsold: bool,
    fields: Vec<&'static str>,
}

async fn lot_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    lot_render(&state, user, id, None).await
}

async fn lot_render(
    state: &AppState,
    user: Option<zhiyun_service::Principal>,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let v = uc::lot(&state.svc, user.as_ref(), id).await?;
    let live = !v.public.status.is_closed();
    let unsold = v.public.status == zhiyun_domain::auction::LotStatus::Unsold;
    Ok(page(&LotPage {
        unsold,
        fields: zhiyun_domain::listing::TECH_FIELDS.to_vec(),
        layout: Layout::new(state, user.as_ref(), v.title.clone(), "auctions"),
        live,
        v,
        error,
        routes: UnsoldRoute::ALL
            .iter()
            .map(|r| (r.slug(), r.label()))
            .collect(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BidForm {
    amount_wan: String,
}

async fn bid_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<BidForm>,
) -> Result<Response, PageError> {
    match uc::bid(&state.svc, &user, id, Some(&WanText(f.amount_wan))).await {
        Ok(_) => Ok(Redirect::to(&format!("/lots/{id}")).into_response()),
        Err(e) if e.kind == zhiyun_service::Kind::Internal => Err(e.into()),
        Err(e) => lot_render(&state, Some(user), id, Some(e.message)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RouteForm {
    route: String,
    field: String,
    contact_name: String,
    contact_phone: String,
}

async fn route_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RouteForm>,
) -> Result<Response, PageError> {
    let Some(route) = UnsoldRoute::parse(&f.route) else {
        return lot_render(&state, Some(user), id, Some("请选择处置方式".into())).await;
    };
    let listing = ListingInput {
        field: nonblank(&f.field),
        contact_name: nonblank(&f.contact_name),
        contact_phone: nonblank(&f.contact_phone),
        ..Default::default()
    };
    match uc::route_unsold(&state.svc, &user, id, route, Some(listing)).await {
        // Back on the lot page, which links the seller's draft listing: the draft is the seller's
        // to submit, and the operator may not open it before then.
        Ok(_) => Ok(Redirect::to(&format!("/lots/{id}?notice=saved")).into_response()),
        Err(e) if e.kind == zhiyun_service::Kind::Internal => Err(e.into()),
        Err(e) => {
            let msg = if e.errors.is_empty() {
                e.message
            } else {
                e.errors
                    .iter()
                    .map(|x| x.message.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            };
            lot_render(&state, Some(user), id, Some(msg)).await
        }
    }
}
