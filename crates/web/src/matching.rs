//! Demand–supply matching (T3) on the web: suggestions for a listing with their reasons (API and
//! the listing's page), the owner's verdicts, and the operator's counts of declines per
//! supplying organisation. The matching itself is `zhiyun_service::matching`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::listing::ListingKind;
use zhiyun_domain::matching::{DeclineReason, Reason};
use zhiyun_service::Principal;
use zhiyun_service::matching::{self, Declines, Feedback, Suggested};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::json::ApiJson;
use crate::layout::{Layout, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/demands/{id}/matches", get(api_demand_matches))
        .route("/api/v1/supplies/{id}/matches", get(api_supply_matches))
        .route(
            "/api/v1/demands/{id}/matches/{other}/feedback",
            post(api_demand_feedback),
        )
        .route(
            "/api/v1/supplies/{id}/matches/{other}/feedback",
            post(api_supply_feedback),
        )
        .route("/api/v1/matching/declines", get(api_declines))
        .route(
            "/listings/{id}/matches/{other}/feedback",
            post(feedback_form),
        )
        .route("/matching/declines", get(declines_page))
}

/// One suggestion as the API answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub id: i64,
    pub title: String,
    /// 0–100.
    pub score: f64,
    /// Why, in Chinese: shared key terms, same IPC subclass, mode fits, price within budget …
    pub reasons: Vec<String>,
    /// The same reasons as codes with their values.
    #[schema(value_type = Vec<Object>)]
    pub reason_details: Vec<Reason>,
    /// The owner's verdict so far: `interested` (declined ones are not suggested again).
    pub verdict: Option<String>,
    /// The suggested listing's owner organisation.
    pub org_name: String,
    /// Its budget (demand) or reference price (supply) in 万元; null = 面议.
    pub price_wan: Option<String>,
    /// The pair's contact request (issue 18), if there is one: its state and, once both sides
    /// agreed, the other side's contact.
    pub contact: Option<crate::match_contacts::ContactRequestView>,
    /// The suggested listing's contact person: masked (`张**`, `138****5678`) until both sides
    /// agreed to exchange contacts.
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_masked: bool,
}

impl MatchView {
    /// `s` as `viewer_org`'s organisation sees it.
    pub fn of(s: Suggested, viewer_org: i64) -> MatchView {
        MatchView {
            id: s.id,
            title: s.title,
            score: s.score,
            reasons: s.reasons.iter().map(Reason::text).collect(),
            verdict: s.verdict,
            reason_details: s.reasons,
            org_name: s.org_name,
            contact_name: s.contact_name,
            contact_phone: s.contact_phone,
            contact_masked: s.contact_masked,
            price_wan: s.price.map(|p| p.to_wan_string()),
            contact: s
                .contact
                .as_ref()
                .map(|c| crate::match_contacts::ContactRequestView::of(c, viewer_org)),
        }
    }

    /// The reasons for one line of chips: (short label, full text).
    pub fn chips(&self) -> Vec<(String, String)> {
        self.reason_details
            .iter()
            .map(|r| (r.chip(), r.text()))
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LimitQuery {
    pub limit: Option<usize>,
}

async fn api_matches(
    state: AppState,
    user: Principal,
    id: i64,
    kind: ListingKind,
    q: LimitQuery,
) -> Result<Json<Vec<MatchView>>, ApiError> {
    let found = matching::matches(&state.svc, &user, id, Some(kind), q.limit).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|s| MatchView::of(s, user.org_id))
            .collect(),
    ))
}

/// The supplies that may solve a demand, best first, each with its reasons (the demand's owner
/// and cluster operators). Supplies the owner declined are not suggested again.
#[utoipa::path(get, path = "/api/v1/demands/{id}/matches", tag = "matching",
    params(("id" = i64, Path), ("limit" = Option<usize>, Query, description = "1–50, default 10")),
    responses((status = 200, body = Vec<MatchView>), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_demand_matches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<LimitQuery>,
) -> Result<Json<Vec<MatchView>>, ApiError> {
    api_matches(state, user, id, ListingKind::Demand, q).await
}

/// The demands a supply may serve, best first, each with its reasons (the supply's owner and
/// cluster operators).
#[utoipa::path(get, path = "/api/v1/supplies/{id}/matches", tag = "matching",
    params(("id" = i64, Path), ("limit" = Option<usize>, Query, description = "1–50, default 10")),
    responses((status = 200, body = Vec<MatchView>), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_supply_matches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<LimitQuery>,
) -> Result<Json<Vec<MatchView>>, ApiError> {
    api_matches(state, user, id, ListingKind::Supply, q).await
}

/// An owner's verdict on a suggestion.
#[derive(Debug, Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct FeedbackBody {
    /// `interested` or `not_relevant`
    pub verdict: String,
    /// Required when not relevant: `too_early` 阶段太早, `wrong_field` 领域不符, `too_expensive`
    /// 价格过高, `unclear_benefit` 效益不清, `other` 其他 (the Chinese labels are accepted too).
    pub reason: Option<String>,
}

/// Record the owner's verdict on a suggested pair.
async fn judge(
    state: &AppState,
    user: &Principal,
    id: i64,
    kind: Option<ListingKind>,
    other: i64,
    body: &FeedbackBody,
) -> Result<Feedback, ApiError> {
    Ok(matching::judge(
        &state.svc,
        user,
        id,
        kind,
        other,
        &body.verdict,
        body.reason.as_deref(),
    )
    .await?)
}

/// The demand owner's verdict on a suggested supply: `interested`, or `not_relevant` with a
/// reason code. A declined supply is no longer suggested for this demand.
#[utoipa::path(post, path = "/api/v1/demands/{id}/matches/{other}/feedback", tag = "matching",
    params(("id" = i64, Path), ("other" = i64, Path, description = "the suggested supply")),
    request_body = FeedbackBody,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_demand_feedback(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, other)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<FeedbackBody>,
) -> Result<Json<Feedback>, ApiError> {
    Ok(Json(
        judge(&state, &user, id, Some(ListingKind::Demand), other, &body).await?,
    ))
}

/// The supply owner's verdict on a suggested demand.
#[utoipa::path(post, path = "/api/v1/supplies/{id}/matches/{other}/feedback", tag = "matching",
    params(("id" = i64, Path), ("other" = i64, Path, description = "the suggested demand")),
    request_body = FeedbackBody,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_supply_feedback(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, other)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<FeedbackBody>,
) -> Result<Json<Feedback>, ApiError> {
    Ok(Json(
        judge(&state, &user, id, Some(ListingKind::Supply), other, &body).await?,
    ))
}

async fn feedback_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, other)): Path<(i64, i64)>,
    Form(body): Form<FeedbackBody>,
) -> Result<Response, PageError> {
    judge(&state, &user, id, None, other, &body).await?;
    let notice = if body.verdict == "interested" {
        "match_interest"
    } else {
        "match_feedback"
    };
    Ok(Redirect::to(&format!("/listings/{id}?notice={notice}#match-{other}")).into_response())
}

/// Declines per supplying organisation and reason.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeclineRow {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    /// reason slug → count, in the order of the reason codes.
    pub counts: Vec<ReasonCount>,
    pub total: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonCount {
    pub reason: String,
    pub label: String,
    pub count: i64,
}

fn decline_row(d: Declines) -> DeclineRow {
    DeclineRow {
        org_id: d.org_id,
        org_name: d.org_name,
        org_kind: d.org_kind,
        counts: d
            .counts
            .into_iter()
            .map(|(r, count)| ReasonCount {
                reason: r.slug().to_string(),
                label: r.label().to_string(),
                count,
            })
            .collect(),
        total: d.total,
    }
}

/// How often demand owners declined each organisation's supplies, by reason (operators and
/// bureaus): feedback the supply side can act on.
#[utoipa::path(get, path = "/api/v1/matching/declines", tag = "matching",
    responses((status = 200, body = Vec<DeclineRow>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_declines(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<DeclineRow>>, ApiError> {
    let rows = matching::declines(&state.svc, &user).await?;
    Ok(Json(rows.into_iter().map(decline_row).collect()))
}

#[derive(Template)]
#[template(path = "matching/declines.html")]
struct DeclinesPage {
    layout: Layout,
    rows: Vec<DeclineRow>,
    labels: Vec<&'static str>,
}

async fn declines_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let rows = match matching::declines(&state.svc, &user).await {
        Ok(rows) => rows.into_iter().map(decline_row).collect(),
        Err(e) if e.kind == zhiyun_service::Kind::Forbidden => return Err(PageError::forbidden()),
        Err(e) => return Err(e.into()),
    };
    Ok(page(&DeclinesPage {
        layout: Layout::new(&state, Some(&user), "匹配反馈统计", "listings"),
        rows,
        labels: DeclineReason::ALL.iter().map(|r| r.label()).collect(),
    }))
}
