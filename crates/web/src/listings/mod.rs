//! Supply and demand listings over the API (T1, T2): drafts, the lifecycle, confirmation, and one
//! listing as the public (masked contacts) or a logged-in partner sees it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::listing::{
    DEFAULT_STALE_AFTER_DAYS, ListingInput, ListingKind, ListingStatus, Transition, check_listing,
    is_stale, mask_name, mask_phone, publicly_visible, transition,
};
use zhiyun_domain::money::Fen;
use zhiyun_domain::policy::{self, Scope, Visibility};
use zhiyun_store::accounts::Principal;
use zhiyun_store::listings::ListingRow;

use crate::AppState;
use crate::auth::{ApiUser, MaybeUser};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{date_of, today};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/listings", post(api_create))
        .route("/api/v1/listings/{id}", get(api_get))
        .route("/api/v1/listings/{id}/{action}", post(api_action))
        .merge(import::routes())
        .merge(import_pages::routes())
        .merge(pages::routes())
        .merge(public::routes())
        .merge(feed::routes())
}

pub fn visible(row: &ListingRow) -> bool {
    let valid_until =
        chrono::NaiveDate::parse_from_str(&row.valid_until, "%Y-%m-%d").unwrap_or_else(|_| today());
    publicly_visible(
        row.status(),
        valid_until,
        date_of(row.last_confirmed_at),
        today(),
        DEFAULT_STALE_AFTER_DAYS,
    )
}

/// Who may see the listing: public once visible; the owner always; the district's overseers once submitted.
fn scope(row: &ListingRow) -> Scope<'_> {
    Scope {
        owner_org_id: Some(row.owner_org_id),
        district: Some(&row.district_code),
        visibility: if visible(row) {
            Visibility::Public
        } else if row.status() == ListingStatus::Draft {
            Visibility::Draft
        } else {
            Visibility::Internal
        },
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PatentView {
    pub number: String,
    /// invention | utility_model | design | pct_invention | pct_utility_model
    pub patent_type: String,
}

/// A listing. Contact details are masked (`张**`, `138****5678`) for visitors who are not logged in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingView {
    pub id: i64,
    /// demand | supply
    pub kind: String,
    pub kind_label: String,
    /// draft | submitted | published | withdrawn | expired | fulfilled
    pub status: String,
    pub status_label: String,
    pub title: String,
    pub description: String,
    pub field: String,
    pub modes: Vec<String>,
    pub ipc: Vec<String>,
    /// Budget (demand) or reference price (supply) in 万元; null = 面议.
    pub price_wan: Option<String>,
    pub district_code: String,
    pub district_name: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contacts_masked: bool,
    pub valid_until: String,
    pub maturity: Option<String>,
    pub patents: Vec<PatentView>,
    pub published_at: Option<i64>,
    pub last_confirmed_at: i64,
    /// Not confirmed for longer than the period: off the public site until confirmed.
    pub stale: bool,
    /// On the public site now.
    pub visible: bool,
    /// Why the operator returned it, if it was.
    pub return_reason: Option<String>,
}

pub async fn view(
    state: &AppState,
    row: &ListingRow,
    viewer: Option<&Principal>,
) -> Result<ListingView, ApiError> {
    let masked = viewer.is_none();
    let owner_name = state
        .db
        .org_get(row.owner_org_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let patents = state
        .db
        .listing_patents(row.id)
        .await?
        .into_iter()
        .map(|(number, patent_type)| PatentView {
            number,
            patent_type,
        })
        .collect();
    Ok(ListingView {
        id: row.id,
        kind: row.kind.clone(),
        kind_label: ListingKind::parse(&row.kind)
            .map(ListingKind::label)
            .unwrap_or("")
            .to_string(),
        status: row.status.clone(),
        status_label: row.status().label().to_string(),
        title: row.title.clone(),
        description: row.description.clone(),
        field: row.field.clone(),
        modes: row.modes(),
        ipc: row.ipc(),
        price_wan: row
            .price_fen
            .and_then(|f| Fen::from_fen(f).ok())
            .map(Fen::to_wan_string),
        district_code: row.district_code.clone(),
        district_name: district::by_code(&row.district_code)
            .map(|d| d.name)
            .unwrap_or("")
            .to_string(),
        owner_org_id: row.owner_org_id,
        owner_name,
        contact_name: if masked {
            mask_name(&row.contact_name)
        } else {
            row.contact_name.clone()
        },
        contact_phone: if masked {
            mask_phone(&row.contact_phone)
        } else {
            row.contact_phone.clone()
        },
        contacts_masked: masked,
        valid_until: row.valid_until.clone(),
        maturity: row.maturity.clone(),
        patents,
        published_at: row.published_at,
        last_confirmed_at: row.last_confirmed_at,
        stale: row.status() == ListingStatus::Published
            && is_stale(
                date_of(row.last_confirmed_at),
                today(),
                DEFAULT_STALE_AFTER_DAYS,
            ),
        visible: visible(row),
        return_reason: row.return_reason.clone(),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Create a draft listing for the caller's organisation (demands: enterprises; supplies: universities,
/// institutes and enterprises). Duplicates (same owner and title, or a patent already listed) are 409.
#[utoipa::path(post, path = "/api/v1/listings", tag = "listings", request_body = Object,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "duplicate_listing | patent_already_listed", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ListingInput>,
) -> Result<Response, ApiError> {
    let listing = check_listing(&input, today()).map_err(ApiError::invalid)?;
    if !policy::can_post_listing(&user.actor(), listing.kind) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            format!("{}不能发布{}", user.role().label(), listing.kind.label()),
        ));
    }
    let body = serde_json::to_string(&input)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, Code::BadJson, e.to_string()))?;
    let row = state
        .db
        .listing_create(user.org_id, &listing, &body, &user.who())
        .await?;
    index::index_listing(&state, &row).await;
    Ok((StatusCode::CREATED, Json(Created { id: row.id })).into_response())
}

/// One listing: anyone once published (contacts masked without login); the owner always; the
/// district's operator and bureaus once submitted.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings", params(("id" = i64, Path)),
    responses((status = 200, body = ListingView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Json<ListingView>, ApiError> {
    let row = state.db.listing_get(id).await?;
    let actor = user.as_ref().map(Principal::actor);
    if !policy::can_read(actor.as_ref(), &scope(&row)) {
        return Err(ApiError::not_found());
    }
    Ok(Json(view(&state, &row, user.as_ref()).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ActionBody {
    /// Why the operator returns a listing (required for `return`).
    pub reason: Option<String>,
}

/// Move a listing on: `submit`, `withdraw`, `fulfil`, `confirm` (owner); `publish`, `return` (the
/// cluster operator of the listing's district).
#[utoipa::path(post, path = "/api/v1/listings/{id}/{action}", tag = "listings",
    params(("id" = i64, Path), ("action" = String, Path, description = "submit | publish | return | withdraw | fulfil | confirm")),
    responses((status = 200, body = ListingView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, description = "bad_transition", body = crate::error::ErrorBody)))]
pub async fn api_action(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> Result<Json<ListingView>, ApiError> {
    // The body is optional: only `return` needs one (`{"reason": "…"}`).
    let body: ActionBody = if body.is_empty() {
        ActionBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let reason = body
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let row = act(&state, &user, id, &action, reason.as_deref()).await?;
    Ok(Json(view(&state, &row, Some(&user)).await?))
}

/// The one place a listing's status changes, for the API and the pages.
pub async fn act(
    state: &AppState,
    user: &Principal,
    id: i64,
    action: &str,
    reason: Option<&str>,
) -> Result<ListingRow, ApiError> {
    let row = state.db.listing_get(id).await?;
    let actor = user.actor();
    if !policy::can_read(Some(&actor), &scope(&row)) {
        return Err(ApiError::not_found());
    }
    let owner = actor.org_id == row.owner_org_id;
    let moderator = policy::can_moderate_listing(&actor, &row.district_code);
    let t = match action {
        "confirm" => {
            if !owner {
                return Err(ApiError::forbidden());
            }
            let row = state.db.listing_confirm(id, &user.who()).await?;
            index::index_listing(state, &row).await;
            return Ok(row);
        }
        "submit" if owner => Transition::Submit,
        "withdraw" if owner => Transition::Withdraw,
        "fulfil" if owner => Transition::Fulfil,
        "publish" if moderator => Transition::Publish,
        "return" if moderator => Transition::Return,
        "submit" | "withdraw" | "fulfil" | "publish" | "return" => {
            return Err(ApiError::forbidden());
        }
        _ => return Err(ApiError::not_found()),
    };
    if t == Transition::Return && reason.is_none() {
        return Err(ApiError::invalid(vec![
            zhiyun_domain::validation::FieldError::required("reason", "退回原因"),
        ]));
    }
    let to = transition(row.status(), t)
        .map_err(|m| ApiError::new(StatusCode::CONFLICT, Code::BadTransition, m))?;
    let row = state
        .db
        .listing_set_status(id, row.status(), to, reason, &user.who())
        .await?;
    index::index_listing(state, &row).await;
    Ok(row)
}

pub mod feed;
pub mod import;
pub mod import_pages;
pub mod index;
pub mod pages;
pub mod public;
