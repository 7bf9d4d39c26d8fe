//! Satisfaction surveys (K6, T7) on the web: the JSON API ([`api`]); the operator's pages —
//! the list by year, the builder, a survey's page with its QR code, invitations, results with
//! SVG charts and the report download ([`pages`]); the public response form that needs no login
//! and works without JavaScript on a phone, the printable QR code and an event's rating link
//! ([`public`]); what they show ([`views`]). Each handler parses the request, calls one use case
//! of `zhiyun_service::surveys` and renders.
//!
//! CSRF: the public form posts to its own origin and passes the guard like every other form; a
//! cross-site form post is refused (403) even here, since a survey that anyone may answer is
//! still one the platform's pages ask for. Scripts posting JSON without browser headers pass, and
//! are slowed by the per-address rate limit instead.

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};
use qrcode::QrCode;
use qrcode::render::svg;

use crate::AppState;

mod api;
mod builder;
mod pages;
mod public;
pub mod views;

pub use api::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/surveys", get(api_list).post(api_create))
        .route("/api/v1/surveys/{id}", get(api_get))
        .route("/api/v1/surveys/{id}/responses", post(api_respond))
        .route("/api/v1/surveys/{id}/results", get(api_results))
        .route("/api/v1/surveys/{id}/report.docx", get(api_report))
        .route("/api/v1/surveys/{id}/invitations", post(api_invite))
        .route("/api/v1/surveys/{id}/copy", post(api_copy))
        .route("/api/v1/surveys/{id}/open", post(api_open))
        .route("/api/v1/surveys/{id}/close", post(api_close))
        .route("/surveys", get(pages::list_page))
        .route(
            "/surveys/new",
            get(builder::new_page).post(builder::create_form),
        )
        .route("/surveys/{id}", get(pages::detail_page))
        .route("/surveys/{id}/results", get(pages::results_page))
        .route("/surveys/{id}/report.docx", get(pages::report_docx))
        .route("/surveys/{id}/qr", get(public::print_page))
        .route("/surveys/{id}/{action}", post(pages::survey_form))
        .route("/s/{id}", get(public::form_page).post(public::submit_form))
        .route("/s/{id}/qr.svg", get(public::qr_file))
        .route("/events/{id}/rate", get(public::event_rate))
}

/// The sender's address: the connection's peer, or behind a trusted reverse proxy the last
/// `X-Forwarded-For` entry (the one the proxy added). `None` when unknown (tests in-process).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if state.config.trust_proxy
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(ClientIp(Some(ip)));
        }
        Ok(ClientIp(peer))
    }
}

/// `scheme://host` of this request, for links people open elsewhere (the QR code, invitations,
/// `response_url`): `https` when cookies are marked secure or a trusted proxy says so.
pub struct Origin(pub String);

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            })
            .unwrap_or("localhost");
        let forwarded = state
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-proto"))
            .flatten()
            .and_then(|v| v.to_str().ok());
        let scheme = match forwarded {
            Some("https") => "https",
            Some("http") => "http",
            _ if state.config.secure_cookies => "https",
            _ => "http",
        };
        Ok(Origin(format!("{scheme}://{host}")))
    }
}

/// A survey's public response link.
pub fn response_url(origin: &str, id: i64) -> String {
    format!("{origin}/s/{id}")
}

/// An invitation's one-time link.
pub fn invitation_url(origin: &str, id: i64, token: &str) -> String {
    format!("{origin}/s/{id}?t={token}")
}

/// The QR code of `url` as an SVG element (no XML prologue), scaled to its container.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen(
        "<svg ",
        "<svg class=\"qr\" role=\"img\" aria-label=\"问卷链接二维码\" ",
        1,
    )
}

/// The `views` used by the event page.
pub use views::RatingView;

/// The event page's rating, from the use case's record.
pub fn rating_view(r: &zhiyun_service::surveys::EventRating) -> RatingView {
    RatingView::of(r)
}

/// The home page's survey card: the surveys taking responses now with the responses so far.
pub struct SurveyCardView {
    pub open: Vec<views::SurveyView>,
    pub this_year: i32,
    pub this_year_count: usize,
}

/// The caller's survey card for the home page (operators and bureaus; `None` for others).
pub async fn card_of(
    state: &AppState,
    user: &zhiyun_service::Principal,
) -> zhiyun_service::Result<Option<SurveyCardView>> {
    Ok(zhiyun_service::surveys::home_card(&state.svc, user)
        .await?
        .map(|c| SurveyCardView {
            open: c.open.iter().map(views::SurveyView::of).collect(),
            this_year: c.this_year,
            this_year_count: c.this_year_count,
        }))
}
