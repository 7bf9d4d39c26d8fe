//! The auctions' JSON API (issue 14), exactly as the contract names it, and the lot's
//! Server-Sent Events feed. Each handler parses, calls one use case and renders.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::Stream;
use serde::{Deserialize, Serialize};
use zhiyun_domain::auction::{AuctionInput, UnsoldRoute, format_rfc3339};
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::ListingInput;
use zhiyun_domain::money::WanText;
use zhiyun_domain::validation::FieldError;
use zhiyun_service::auctions as uc;

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser};
use crate::error::ApiError;
use crate::json::{ApiJson, parse_json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auctions", get(api_list).post(api_create))
        .route("/api/v1/auctions/{id}", get(api_get))
        .route("/api/v1/auctions/{id}/bidders", post(api_register))
        .route(
            "/api/v1/auctions/{id}/bidders/{org_id}/confirm",
            post(api_confirm),
        )
        .route("/api/v1/lots/{id}", get(api_lot))
        .route("/api/v1/lots/{id}/bids", post(api_bid))
        .route("/api/v1/lots/{id}/stream", get(api_stream))
        .route("/api/v1/lots/{id}/route", post(api_route))
}

/// A session as the API answers it (extra fields besides these).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SessionDoc {
    id: i64,
    title: String,
    starts_at: String,
    ends_at: String,
    soft_close_seconds: i64,
    commission_pct: String,
    lots: Vec<SessionLotDoc>,
    /// Only to the operator and the auctioneer: bidder number, organisation, deposit confirmed.
    bidders: Vec<BidderDoc>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SessionLotDoc {
    id: i64,
    title: String,
    /// upcoming | open | sold | unsold
    status: String,
    start_price_wan: String,
    current_wan: Option<String>,
    ends_at: String,
    deal_id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct BidderDoc {
    bidder_no: u32,
    org_id: i64,
    org_name: String,
    confirmed: bool,
}

/// The body of `POST /api/v1/auctions` (times RFC 3339 with an offset; amounts in 万元 as
/// strings; the reserve is secret until the close).
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AuctionBody {
    #[schema(example = "2026 年专利拍卖会")]
    title: String,
    rules: Option<String>,
    #[schema(example = "2026-12-10T14:00:00+08:00")]
    starts_at: String,
    #[schema(example = "2026-12-10T16:00:00+08:00")]
    ends_at: String,
    /// 0–3600, 300 unless stated: a bid this close to the end extends it by this much (延时).
    soft_close_seconds: Option<i64>,
    /// The buyer's commission in percent, "5" unless stated (拍卖法 art. 56).
    commission_pct: Option<String>,
    seller_commission_pct: Option<String>,
    commission_agreed: Option<bool>,
    /// The exchange or licensed auction house; the operator's own organisation when absent.
    auctioneer_org_id: Option<i64>,
    lots: Vec<LotBody>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct LotBody {
    title: String,
    /// Application numbers of registered patents with one owner (the seller).
    patents: Vec<String>,
    /// transfer | exclusive_licence | ordinary_licence
    kind: String,
    #[schema(example = "250")]
    start_price_wan: String,
    #[schema(example = "10")]
    increment_wan: String,
    #[schema(example = "280")]
    reserve_wan: Option<String>,
    #[schema(example = "20")]
    deposit_wan: String,
    /// The patents' owner's consent to the sale as recorded by the operator (e.g. the date of
    /// its written authorisation), at most 200 characters; optional here, required on the form.
    /// Shown back only to those who run the session.
    #[schema(example = "权利人授权书 2026-11-30")]
    owner_consent: Option<String>,
}

/// `{"id": 3, "lots": [{"id": 7}, {"id": 8}]}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuctionCreated {
    pub id: i64,
    pub lots: Vec<IdOnly>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IdOnly {
    pub id: i64,
}

/// Create an auction session with its lots (cluster operators). 403 for others; 422 names every
/// bad field (`bad_datetime`, `in_the_past`, `ends_before_start`, `reserve_below_start`,
/// `deposit_above_start`, `unknown_patent`, `commission_needs_agreement` …).
#[utoipa::path(post, path = "/api/v1/auctions", tag = "auctions", request_body = AuctionBody,
    responses((status = 201, body = AuctionCreated), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<AuctionInput>,
) -> Result<Response, ApiError> {
    let c = uc::create(&state.svc, &user, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(AuctionCreated {
            id: c.id,
            lots: c.lot_ids.into_iter().map(|id| IdOnly { id }).collect(),
        }),
    )
        .into_response())
}

/// The auction calendar: every session with its lots and their status now (public).
#[utoipa::path(get, path = "/api/v1/auctions", tag = "auctions",
    responses((status = 200, description = "拍卖会日历", body = Vec<SessionDoc>)))]
pub async fn api_list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Response, ApiError> {
    Ok(Json(uc::calendar(&state.svc, user.as_ref()).await?).into_response())
}

/// One session: its terms, lots and their status; the registrations (bidder numbers, who,
/// confirmed) only to its operator and auctioneer.
#[utoipa::path(get, path = "/api/v1/auctions/{id}", tag = "auctions", params(("id" = i64, Path)),
    responses((status = 200, description = "拍卖会", body = SessionDoc),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(uc::session(&state.svc, user.as_ref(), id).await?).into_response())
}

/// The optional body of a registration: an agency names its client.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RegisterBody {
    pub on_behalf_of: Option<i64>,
}

/// `{"bidder_no": 3, "bidder": "竞买人 03", "confirmed": false}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub org_id: i64,
    pub bidder_no: u32,
    pub bidder: String,
    pub confirmed: bool,
}

fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(body)
    }
}

/// The caller's organisation registers as a bidder of the session (an agency for a client:
/// `on_behalf_of`). 201; 403 for roles that do not bid; 409 `already_registered`,
/// `organiser_cannot_bid`, `seller_cannot_bid`.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/bidders", tag = "auctions",
    params(("id" = i64, Path)), request_body = RegisterBody,
    responses((status = 201, body = Registered), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: RegisterBody = optional_json(&body)?;
    let r = uc::register(&state.svc, &user, id, b.on_behalf_of).await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            org_id: r.org_id,
            bidder_no: r.bidder_no,
            bidder: r.masked(),
            confirmed: r.confirmed,
        }),
    )
        .into_response())
}

/// `{"org_id": 12, "confirmed": true}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    pub org_id: i64,
    pub confirmed: bool,
}

/// The operator (or the auctioneer) records the bidder's deposit received: it may bid from now.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/bidders/{org_id}/confirm", tag = "auctions",
    params(("id" = i64, Path), ("org_id" = i64, Path)),
    responses((status = 200, body = Confirmed), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_confirm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, org_id)): Path<(i64, i64)>,
) -> Result<Json<Confirmed>, ApiError> {
    uc::confirm(&state.svc, &user, id, org_id).await?;
    Ok(Json(Confirmed {
        org_id,
        confirmed: true,
    }))
}

/// `{"amount_wan": "260"}`
#[derive(Deserialize, utoipa::ToSchema)]
pub struct BidBody {
    #[schema(value_type = String, example = "260")]
    pub amount_wan: Option<WanText>,
}

/// `{"seq": 4, "amount_wan": "260", "ends_at": "2026-12-10T16:05:00+08:00"}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct BidAccepted {
    pub seq: u32,
    pub amount_wan: String,
    pub ends_at: String,
    /// The bid moved the end on (延时).
    pub extended: bool,
}

/// Bid on a lot for the caller's organisation. 201 with the bid's `seq` and the live end; 409
/// `bid_too_low` (below the current price plus the increment, or the start price),
/// `lot_closed`, `not_started`, `not_confirmed` (deposit not confirmed), `already_leading`;
/// 422 for a malformed amount.
#[utoipa::path(post, path = "/api/v1/lots/{id}/bids", tag = "auctions",
    params(("id" = i64, Path)), request_body = BidBody,
    responses((status = 201, body = BidAccepted), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_bid(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BidBody>,
) -> Result<Response, ApiError> {
    let a = uc::bid(&state.svc, &user, id, body.amount_wan.as_ref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(BidAccepted {
            seq: a.seq,
            amount_wan: a.amount.to_wan_string(),
            ends_at: format_rfc3339(a.ends_at),
            extended: a.extended,
        }),
    )
        .into_response())
}

/// A lot as the API answers it (extra fields besides these).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct LotDoc {
    /// upcoming | open | sold | unsold (sold/unsold as soon as the end passed)
    status: String,
    /// The highest bid; null before the first.
    current_wan: Option<String>,
    /// The least acceptable next bid; null once closed.
    min_next_wan: Option<String>,
    /// The live end (RFC 3339), moved on by late bids.
    ends_at: String,
    server_time: String,
    seconds_left: i64,
    bids: Vec<BidDoc>,
    /// After the close, to the operator, the auctioneer, the winner and the seller.
    winner_org_id: Option<i64>,
    /// After a sale: the deal made in the ledger.
    deal_id: Option<i64>,
    /// The owner's consent as recorded at the lot's creation; only to the operator and the
    /// auctioneer, absent otherwise.
    owner_consent: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct BidDoc {
    seq: u32,
    amount_wan: String,
    /// 竞买人 03
    bidder: String,
    at: String,
}

/// A lot now: status, current price, minimum next bid, live end, the bid history with bidders
/// masked (竞买人 03); never the reserve (after the close only `reserve_met`). Public.
#[utoipa::path(get, path = "/api/v1/lots/{id}", tag = "auctions", params(("id" = i64, Path)),
    responses((status = 200, body = LotDoc), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_lot(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(uc::lot(&state.svc, user.as_ref(), id).await?).into_response())
}

/// How often the feed sends the state even without a bid (the countdown stays the server's).
const STREAM_TICK: Duration = Duration::from_secs(5);

/// The lot's live feed (Server-Sent Events): an event `lot` with the same JSON as
/// `GET /api/v1/lots/{id}` at once, after every bid or close, and every few seconds.
#[utoipa::path(get, path = "/api/v1/lots/{id}/stream", tag = "auctions", params(("id" = i64, Path)),
    responses((status = 200, description = "text/event-stream：事件 lot，内容同 GET /api/v1/lots/{id}"),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_stream(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // 404 before the stream starts.
    uc::lot(&state.svc, user.as_ref(), id).await?;
    let rx = uc::subscribe(&state.svc, id);
    let svc = state.svc.clone();
    let stream = futures_util::stream::unfold(
        (svc, user, rx, true),
        move |(svc, user, mut rx, first)| async move {
            if !first {
                let _ = tokio::time::timeout(STREAM_TICK, rx.changed()).await;
            }
            rx.borrow_and_update();
            let data = match uc::lot(&svc, user.as_ref(), id).await {
                Ok(v) => serde_json::to_string(&v).unwrap_or_default(),
                Err(_) => return None,
            };
            Some((
                Ok(Event::default().event("lot").data(data)),
                (svc, user, rx, false),
            ))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// `{"route": "back_to_supply_list", "listing": {…optional listing fields…}}`
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RouteBody {
    /// back_to_supply_list | open_licence | later_session
    pub route: Option<String>,
    /// For `back_to_supply_list`: listing fields to use instead of those taken from the lot.
    #[schema(value_type = Option<Object>)]
    pub listing: Option<ListingInput>,
}

/// `{"route": "back_to_supply_list", "listing_id": 41}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct Routed {
    pub route: String,
    pub listing_id: Option<i64>,
}

/// The session's operator sends an unsold lot (流拍) back to the supply list (a draft supply
/// listing of the seller for its patents), to an open licence, or to a later session. 409 unless
/// the lot closed unsold and was not routed yet.
#[utoipa::path(post, path = "/api/v1/lots/{id}/route", tag = "auctions",
    params(("id" = i64, Path)), request_body = RouteBody,
    responses((status = 200, body = Routed), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_route(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RouteBody>,
) -> Result<Json<Routed>, ApiError> {
    let raw = body.route.unwrap_or_default();
    let route = UnsoldRoute::parse(&raw).ok_or_else(|| {
        ApiError::invalid(vec![FieldError::new(
            "route",
            Code::UnknownValue,
            format!("处置方式“{raw}”应为 back_to_supply_list、open_licence 或 later_session"),
        )])
    })?;
    let listing_id = uc::route_unsold(&state.svc, &user, id, route, body.listing).await?;
    Ok(Json(Routed {
        route: route.slug().to_string(),
        listing_id,
    }))
}
