//! Demand–supply matching (T3) on the web: suggestions for a listing with their reasons (API and
//! the listing's page), the owner's verdicts, and the operator's counts of declines per
//! supplying organisation.
//!
//! The listings a listing is matched against are indexed in memory ([`MatchSet`]) and rebuilt when
//! their kind changes (count or newest `updated_at` differs); a set of 100,000 builds in seconds.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use zhiyun_domain::code::Code;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::listing::ListingKind;
use zhiyun_domain::matching::{DeclineReason, Reason, Verdict};
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_search::matcher::{Direction, MatchItem, MatchSet, Matcher};
use zhiyun_store::accounts::Principal;
use zhiyun_store::listings::ListingRow;
use zhiyun_store::matching::{DeclineCount, Feedback};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::json::ApiJson;
use crate::layout::{Layout, page};
use crate::listings::visible;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

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

pub(crate) fn matcher(state: &AppState) -> &Matcher {
    zhiyun_service::matching::matcher(&state.svc)
}

pub use zhiyun_service::matching::{item_of, side_of};

/// The public listings of a kind, indexed for matching (rebuilt when they changed).
async fn match_set(state: &AppState, kind: ListingKind) -> Result<Arc<MatchSet>, ApiError> {
    let slug = kind.slug();
    let version = state.db.listings_version(slug).await?;
    if let Some((v, set)) = state
        .svc
        .match_cache()
        .sets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(slug)
        && *v == version
    {
        return Ok(set.clone());
    }
    let rows = state.db.listings_published(slug).await?;
    let items: Vec<MatchItem> = rows.iter().filter(|r| visible(r)).map(item_of).collect();
    let m = matcher(state).clone();
    let set = tokio::task::spawn_blocking(move || Arc::new(m.index(items)))
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                Code::Internal,
                e.to_string(),
            )
        })?;
    state
        .svc
        .match_cache()
        .sets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(slug, (version, set.clone()));
    Ok(set)
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
}

/// The suggestions for a listing the viewer may see matches of.
pub async fn suggestions(
    state: &AppState,
    row: &ListingRow,
    limit: usize,
) -> Result<Vec<MatchView>, ApiError> {
    let kind = ListingKind::parse(&row.kind).ok_or_else(ApiError::not_found)?;
    let (other, direction) = match kind {
        ListingKind::Demand => (ListingKind::Supply, Direction::DemandToSupplies),
        ListingKind::Supply => (ListingKind::Demand, Direction::SupplyToDemands),
    };
    let set = match_set(state, other).await?;
    let feedback = state.db.match_feedback_of(row.id, kind.slug()).await?;
    let other_of = |f: &Feedback| match kind {
        ListingKind::Demand => f.supply_id,
        ListingKind::Supply => f.demand_id,
    };
    let declined: HashSet<i64> = feedback
        .iter()
        .filter(|f| f.verdict == "not_relevant")
        .map(other_of)
        .collect();
    let verdicts: HashMap<i64, String> = feedback
        .iter()
        .map(|f| (other_of(f), f.verdict.clone()))
        .collect();
    let m = matcher(state).clone();
    let item = item_of(row);
    let limit = limit.clamp(1, MAX_LIMIT);
    let found =
        tokio::task::spawn_blocking(move || set.suggest(&m, &item, direction, limit, &declined))
            .await
            .map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Code::Internal,
                    e.to_string(),
                )
            })?;
    Ok(found
        .into_iter()
        .map(|s| MatchView {
            id: s.id,
            title: s.title,
            score: s.score,
            reasons: s.reasons.iter().map(Reason::text).collect(),
            verdict: verdicts.get(&s.id).cloned(),
            reason_details: s.reasons,
        })
        .collect())
}

/// The listing at `id` of `kind`, if the viewer may see its matches (404 otherwise: a listing
/// one may not see does not exist for one).
async fn listing_for_matches(
    state: &AppState,
    user: &Principal,
    id: i64,
    kind: ListingKind,
) -> Result<ListingRow, ApiError> {
    let row = state.db.listing_get(id).await?;
    if row.kind != kind.slug() {
        return Err(ApiError::not_found());
    }
    if !policy::can_see_matches(&user.actor(), row.owner_org_id, &row.district_code) {
        return Err(ApiError::not_found());
    }
    Ok(row)
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
    let row = listing_for_matches(&state, &user, id, kind).await?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid(vec![FieldError::new(
            "limit",
            Code::OutOfRange,
            format!("limit 应在 1 到 {MAX_LIMIT} 之间"),
        )]));
    }
    Ok(Json(suggestions(&state, &row, limit).await?))
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
    kind: ListingKind,
    other: i64,
    body: &FeedbackBody,
) -> Result<Feedback, ApiError> {
    let row = listing_for_matches(state, user, id, kind).await?;
    if !policy::can_judge_match(&user.actor(), row.owner_org_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            "只有条目的发布机构可以评价推荐",
        ));
    }
    let verdict = Verdict::parse(&body.verdict, body.reason.as_deref()).map_err(|code| {
        let (field, message) = match code {
            Code::ReasonRequired => ("reason", "标记“不相关”时请选择原因".to_string()),
            Code::UnknownReason => (
                "reason",
                format!(
                    "原因应为：{}",
                    DeclineReason::ALL.map(DeclineReason::label).join("、")
                ),
            ),
            _ => (
                "verdict",
                "评价应为 interested（感兴趣）或 not_relevant（不相关）".into(),
            ),
        };
        ApiError::invalid(vec![FieldError::new(field, code, message)])
    })?;
    let other_kind = match kind {
        ListingKind::Demand => ListingKind::Supply,
        ListingKind::Supply => ListingKind::Demand,
    };
    let other_row = state.db.listing_get(other).await?;
    if other_row.kind != other_kind.slug() {
        return Err(ApiError::not_found());
    }
    let (demand_id, supply_id) = match kind {
        ListingKind::Demand => (id, other),
        ListingKind::Supply => (other, id),
    };
    let (verdict, reason) = match verdict {
        Verdict::Interested => ("interested", None),
        Verdict::NotRelevant(r) => ("not_relevant", Some(r.slug().to_string())),
    };
    Ok(state
        .db
        .match_feedback_set(
            &Feedback {
                demand_id,
                supply_id,
                side: kind.slug().to_string(),
                verdict: verdict.to_string(),
                reason,
                user_id: user.id,
                at: 0,
            },
            &user.who(),
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
        judge(&state, &user, id, ListingKind::Demand, other, &body).await?,
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
        judge(&state, &user, id, ListingKind::Supply, other, &body).await?,
    ))
}

async fn feedback_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, other)): Path<(i64, i64)>,
    Form(body): Form<FeedbackBody>,
) -> Result<Response, PageError> {
    let row = state.db.listing_get(id).await?;
    let kind = ListingKind::parse(&row.kind).ok_or_else(PageError::not_found)?;
    judge(&state, &user, id, kind, other, &body).await?;
    Ok(Redirect::to(&format!("/listings/{id}?notice=match_feedback#matches")).into_response())
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

fn decline_rows(counts: Vec<DeclineCount>) -> Vec<DeclineRow> {
    let mut rows: Vec<DeclineRow> = Vec::new();
    for c in counts {
        let at = match rows.iter().position(|r| r.org_id == c.org_id) {
            Some(at) => at,
            None => {
                rows.push(DeclineRow {
                    org_id: c.org_id,
                    org_name: c.org_name.clone(),
                    org_kind: c.org_kind.clone(),
                    counts: DeclineReason::ALL
                        .iter()
                        .map(|r| ReasonCount {
                            reason: r.slug().to_string(),
                            label: r.label().to_string(),
                            count: 0,
                        })
                        .collect(),
                    total: 0,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[at];
        if let Some(rc) = row.counts.iter_mut().find(|rc| rc.reason == c.reason) {
            rc.count += c.count;
        }
        row.total += c.count;
    }
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.org_name.cmp(&b.org_name))
    });
    rows
}

/// How often demand owners declined each organisation's supplies, by reason (operators and
/// bureaus): feedback the supply side can act on.
#[utoipa::path(get, path = "/api/v1/matching/declines", tag = "matching",
    responses((status = 200, body = Vec<DeclineRow>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_declines(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<DeclineRow>>, ApiError> {
    if !policy::can_see_match_declines(&user.actor()) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(decline_rows(state.db.match_decline_counts().await?)))
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
    if !policy::can_see_match_declines(&user.actor()) {
        return Err(PageError::forbidden());
    }
    let rows = decline_rows(state.db.match_decline_counts().await?);
    Ok(page(&DeclinesPage {
        layout: Layout::new(&state, Some(&user), "匹配反馈统计", "listings"),
        rows,
        labels: DeclineReason::ALL.iter().map(|r| r.label()).collect(),
    }))
}
