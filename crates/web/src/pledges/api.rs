//! The JSON API of pledge financing and IP insurance (issue 13). Each handler parses, calls one
//! use case and renders.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::pledge::{
    ClaimInput, PledgeInput, PolicyInput, ProductInput, Stage, StageInput,
};
use zhiyun_domain::validation::FieldError;
use zhiyun_service::pledges::{self as uc, PledgeQuery, insurance, products};

use super::views::{Created, PledgeList, PledgeView, PolicyView, ProductView};
use crate::AppState;
use crate::applications::{XLSX, download};
use crate::auth::{ApiUser, MaybeUser};
use crate::error::ApiError;
use crate::json::ApiJson;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/pledges", get(api_list).post(api_create))
        .route("/api/v1/pledges.xlsx", get(api_xlsx))
        .route("/api/v1/pledges/{id}", get(api_get))
        .route("/api/v1/pledges/{id}/stage", post(api_stage))
        .route(
            "/api/v1/pledges/{id}/checks/{rule}/overrule",
            post(api_overrule),
        )
        .route(
            "/api/v1/pledge-products",
            get(api_products).post(api_product_create),
        )
        .route(
            "/api/v1/pledge-products/{id}",
            get(api_product_get).put(api_product_replace),
        )
        .route(
            "/api/v1/pledge-products/{id}/publish",
            post(api_product_publish),
        )
        .route(
            "/api/v1/insurance-policies",
            get(api_policies).post(api_policy_create),
        )
        .route("/api/v1/insurance-policies/{id}", get(api_policy_get))
        .route("/api/v1/insurance-policies/{id}/claims", post(api_claim))
}

/// Apply for a pledge loan (enterprise for itself, operator of its district on its behalf, or the
/// pledgee bank recording an offline application). 201 at stage `applied`; 422 names every bad
/// field (`pledgee_not_bank`, `ends_before_start`, `after_patent_expiry`, `out_of_range` for a
/// zero amount, `bad_amount` for more than two decimals …); 409 `already_pledged`.
#[utoipa::path(post, path = "/api/v1/pledges", tag = "pledges", request_body = super::views::PledgeBody,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "already_pledged", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<PledgeInput>,
) -> Result<Response, ApiError> {
    let d = uc::create(&state.svc, &user, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: d.record.id })).into_response())
}

/// Move a pledge along its pipeline. 409 `bad_stage` naming the current stage for a skipped or
/// reversed step; 409 `checks_blocking` when registering while a check fails; 422
/// `date_before_previous` for a date before the previous step.
#[utoipa::path(post, path = "/api/v1/pledges/{id}/stage", tag = "pledges", params(("id" = i64, Path)),
    request_body = super::views::StageBody,
    responses((status = 200, body = PledgeView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, description = "bad_stage, checks_blocking, already_pledged", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_stage(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<PledgeView>, ApiError> {
    Ok(Json(
        (&uc::move_to(&state.svc, &user, id, &input).await?).into(),
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct OverruleBody {
    /// What the reviewer verified.
    pub comment: Option<String>,
}

/// Overrule (or confirm after review) a failed check before registration, with a comment: the
/// pledgee bank or the operator of the pledgor's district. `not_pledged` cannot be overruled.
#[utoipa::path(post, path = "/api/v1/pledges/{id}/checks/{rule}/overrule", tag = "pledges",
    params(("id" = i64, Path), ("rule" = String, Path)), request_body = OverruleBody,
    responses((status = 200, body = PledgeView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "nothing_to_overrule", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_overrule(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, rule)): Path<(i64, String)>,
    ApiJson(body): ApiJson<OverruleBody>,
) -> Result<Json<PledgeView>, ApiError> {
    let comment = body.comment.unwrap_or_default();
    Ok(Json(
        (&uc::overrule(&state.svc, &user, id, &rule, &comment).await?).into(),
    ))
}

/// One pledge with `stage`, `registered_on`, `checks` (`[{"rule","status","message"}]`, as
/// deals) and `cycle_days` (`{"applied_to_registered": 31, …}`).
#[utoipa::path(get, path = "/api/v1/pledges/{id}", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = PledgeView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PledgeView>, ApiError> {
    Ok(Json((&uc::get(&state.svc, &user, id).await?).into()))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    /// The pledgor's district code, e.g. `310104`.
    pub district: Option<String>,
    /// Applied for or registered in this year.
    pub year: Option<String>,
    /// The pledgee bank's organisation id.
    pub bank: Option<String>,
    /// A stage slug.
    pub stage: Option<String>,
}

fn bad(field: &str, message: String) -> ApiError {
    ApiError::invalid(vec![FieldError::new(field, Code::UnknownValue, message)])
}

pub(crate) fn query_of(p: &ListParams) -> Result<PledgeQuery, ApiError> {
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let year = match blank(&p.year) {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| bad("year", format!("年份“{y}”应为 2000–2100 的整数")))?,
        ),
    };
    let bank = match blank(&p.bank) {
        None => None,
        Some(b) => Some(
            b.parse::<i64>()
                .ok()
                .filter(|b| *b > 0)
                .ok_or_else(|| bad("bank", format!("银行“{b}”应为机构编号")))?,
        ),
    };
    let district = match blank(&p.district) {
        None => None,
        Some(d) => Some(
            zhiyun_domain::district::by_code(&d)
                .map(|x| x.code.to_string())
                .ok_or_else(|| bad("district", format!("区代码“{d}”不是上海市的区")))?,
        ),
    };
    let stage = match blank(&p.stage) {
        None => None,
        Some(s) => Some(Stage::parse(&s).ok_or_else(|| bad("stage", format!("阶段“{s}”不存在")))?),
    };
    Ok(PledgeQuery {
        district,
        year,
        bank,
        stage,
    })
}

/// Pledges the caller may see, by `district`, `year`, `bank`: the district's overseers their
/// district, the municipal bureau all, a bank its own book, others their own pledges.
#[utoipa::path(get, path = "/api/v1/pledges", tag = "pledges", params(ListParams),
    responses((status = 200, body = PledgeList), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PledgeList>, ApiError> {
    let q = query_of(&p)?;
    let all = uc::list(&state.svc, &user, &q).await?;
    Ok(Json(PledgeList {
        total: all.len(),
        items: all.iter().map(Into::into).collect(),
    }))
}

/// The same list as XLSX.
#[utoipa::path(get, path = "/api/v1/pledges.xlsx", tag = "pledges", params(ListParams),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_xlsx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    let q = query_of(&p)?;
    let bytes = uc::export_xlsx(&state.svc, &user, &q).await?;
    Ok(download(XLSX, "质押融资清单.xlsx", bytes))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProductParams {
    /// One bank's products.
    pub bank: Option<i64>,
}

/// Published products (anyone, no login needed), and the caller's own drafts.
#[utoipa::path(get, path = "/api/v1/pledge-products", tag = "pledges", params(ProductParams),
    responses((status = 200, body = Vec<ProductView>)))]
pub async fn api_products(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(p): Query<ProductParams>,
) -> Result<Json<Vec<ProductView>>, ApiError> {
    let all = products::list(&state.svc, user.as_ref(), p.bank).await?;
    Ok(Json(all.iter().map(Into::into).collect()))
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PublishParams {
    /// Publish at once.
    pub publish: Option<bool>,
}

/// A bank creates a product (a draft unless `?publish=true`). 403 for other roles.
#[utoipa::path(post, path = "/api/v1/pledge-products", tag = "pledges", params(PublishParams),
    responses((status = 201, body = ProductView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_product_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<PublishParams>,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<Response, ApiError> {
    let r = products::create(&state.svc, &user, &input, p.publish.unwrap_or(false)).await?;
    Ok((StatusCode::CREATED, Json(ProductView::from(&r))).into_response())
}

/// One product (published, or the caller's bank's draft).
#[utoipa::path(get, path = "/api/v1/pledge-products/{id}", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = ProductView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_product_get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(
        (&products::get(&state.svc, user.as_ref(), id).await?).into(),
    ))
}

/// Replace a product (its bank).
#[utoipa::path(put, path = "/api/v1/pledge-products/{id}", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = ProductView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_product_replace(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProductInput>,
) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(
        (&products::replace(&state.svc, &user, id, &input).await?).into(),
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct PublishBody {
    /// false withdraws it.
    pub published: Option<bool>,
}

/// Publish (or withdraw) a product (its bank).
#[utoipa::path(post, path = "/api/v1/pledge-products/{id}/publish", tag = "pledges", params(("id" = i64, Path)),
    request_body = PublishBody,
    responses((status = 200, body = ProductView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_product_publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PublishBody>,
) -> Result<Json<ProductView>, ApiError> {
    let published = body.published.unwrap_or(true);
    Ok(Json(
        (&products::set_published(&state.svc, &user, id, published).await?).into(),
    ))
}

/// An insurer records a policy it issued. 201; 422 names every bad field (`not_an_insurer`,
/// `above_insured_amount` …); 403 unless the caller is the insurer.
#[utoipa::path(post, path = "/api/v1/insurance-policies", tag = "pledges", request_body = super::views::PolicyBody,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_policy_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<Response, ApiError> {
    let r = insurance::create(&state.svc, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: r.id })).into_response())
}

#[derive(Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PolicyParams {
    /// In force some day of this year.
    pub year: Option<i32>,
}

/// Policies the caller may read.
#[utoipa::path(get, path = "/api/v1/insurance-policies", tag = "pledges", params(PolicyParams),
    responses((status = 200, body = Vec<PolicyView>)))]
pub async fn api_policies(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<PolicyParams>,
) -> Result<Json<Vec<PolicyView>>, ApiError> {
    let all = insurance::list(&state.svc, &user, p.year).await?;
    Ok(Json(all.iter().map(Into::into).collect()))
}

/// One policy with its claims.
#[utoipa::path(get, path = "/api/v1/insurance-policies/{id}", tag = "pledges", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_policy_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PolicyView>, ApiError> {
    Ok(Json((&insurance::get(&state.svc, &user, id).await?).into()))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ClaimBody {
    /// YYYY-MM-DD
    pub on: Option<String>,
    pub amount_wan: Option<String>,
    /// pending | paid | declined
    pub outcome: Option<String>,
}

/// The insurer records a claim on its policy.
#[utoipa::path(post, path = "/api/v1/insurance-policies/{id}/claims", tag = "pledges", params(("id" = i64, Path)),
    request_body = ClaimBody,
    responses((status = 200, body = PolicyView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_claim(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ClaimInput>,
) -> Result<Json<PolicyView>, ApiError> {
    Ok(Json(
        (&insurance::claim(&state.svc, &user, id, &input).await?).into(),
    ))
}
