//! The registry's JSON API: `/api/v1/orgs`, practitioners, and the districts.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::org::{OrgInput, PractitionerInput};
use zhiyun_domain::validation::FieldError;
use zhiyun_service::orgs::{self, OrgSearch};

use super::views::{DistrictView, OrgView, PractitionerView};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Body to create or replace an organisation. Numbers may be given as JSON numbers or strings.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgBody {
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    /// GB/T 2260 code of a current Shanghai district, e.g. `310104`.
    pub district_code: Option<String>,
    pub address: Option<String>,
    /// Enterprises only: large | medium | small | micro
    pub size_class: Option<String>,
    /// Enterprises only, e.g. `GR202231005683`; the issue year is read from it.
    pub hte_certificate: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub employees: Option<serde_json::Value>,
    /// Yearly revenue in 万元 (decimal; up to 6 places).
    #[schema(value_type = Option<String>)]
    pub revenue_wan: Option<serde_json::Value>,
}

fn scalar(field: &str, v: &Option<serde_json::Value>) -> Result<Option<String>, FieldError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(FieldError::new(
            field,
            Code::BadType,
            format!("{field} 应为数字或字符串"),
        )),
    }
}

impl OrgBody {
    fn input(self) -> Result<OrgInput, ApiError> {
        let employees =
            scalar("employees", &self.employees).map_err(|e| ApiError::invalid(vec![e]))?;
        let revenue_wan =
            scalar("revenue_wan", &self.revenue_wan).map_err(|e| ApiError::invalid(vec![e]))?;
        Ok(OrgInput {
            kind: Some(self.kind),
            name: Some(self.name),
            uscc: self.uscc,
            district_code: self.district_code,
            address: self.address,
            size_class: self.size_class,
            hte_certificate: self.hte_certificate,
            employees,
            revenue_wan,
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<OrgView>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgListParams {
    /// Part of the name or of the USCC.
    pub q: Option<String>,
    pub kind: Option<String>,
    /// District code.
    pub district: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Search the registry (any logged-in user).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgListParams),
    responses((status = 200, body = OrgPage), (status = 401, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<OrgListParams>,
) -> Result<Json<OrgPage>, ApiError> {
    let found = orgs::search(
        &state.svc,
        &user,
        OrgSearch {
            q: p.q,
            kind: p.kind,
            district: p.district,
            page: p.page,
            per_page: p.per_page,
        },
    )
    .await?;
    Ok(Json(OrgPage {
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        items: found.items.iter().map(OrgView::from).collect(),
    }))
}

/// Register an organisation (administrators, the municipal bureau; district bureaus in their district;
/// cluster operators register enterprises in theirs).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgBody,
    responses((status = 201, body = OrgView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, description = "uscc_taken", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<OrgBody>,
) -> Result<Response, ApiError> {
    let org = orgs::create(&state.svc, &user, body.input()?).await?;
    Ok((StatusCode::CREATED, Json(OrgView::from(&org))).into_response())
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OrgView>, ApiError> {
    Ok(Json(OrgView::from(
        &orgs::get(&state.svc, &user, id).await?,
    )))
}

/// Replace an organisation's record.
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgBody,
    responses((status = 200, body = OrgView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OrgBody>,
) -> Result<Json<OrgView>, ApiError> {
    let org = orgs::update(&state.svc, &user, id, body.input()?).await?;
    Ok(Json(OrgView::from(&org)))
}

/// An agency's practitioners (A5).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/practitioners", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PractitionerView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_practitioners(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PractitionerView>>, ApiError> {
    let rows = orgs::practitioners(&state.svc, &user, id).await?;
    Ok(Json(rows.iter().map(PractitionerView::from).collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PractitionerBody {
    pub name: String,
    /// 专利代理师资格证书编号
    pub patent_attorney_cert: Option<String>,
    /// 技术经纪人证书编号
    pub tech_broker_cert: Option<String>,
}

/// Add a practitioner to an agency (its own users, or those who may edit it).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/practitioners", tag = "orgs", params(("id" = i64, Path)),
    request_body = PractitionerBody,
    responses((status = 201, body = PractitionerView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "not_an_agency", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_practitioner_add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PractitionerBody>,
) -> Result<Response, ApiError> {
    let input = PractitionerInput {
        name: Some(b.name),
        patent_attorney_cert: b.patent_attorney_cert,
        tech_broker_cert: b.tech_broker_cert,
    };
    let p = orgs::add_practitioner(&state.svc, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(PractitionerView::from(&p))).into_response())
}

/// Remove a practitioner.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/practitioners/{pid}", tag = "orgs",
    params(("id" = i64, Path), ("pid" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_practitioner_delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    orgs::remove_practitioner(&state.svc, &user, id, pid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The 16 Shanghai districts (public reference data, DOMAIN.md §2).
#[utoipa::path(get, path = "/api/v1/districts", tag = "reference",
    responses((status = 200, body = Vec<DistrictView>)))]
pub async fn api_districts() -> Json<Vec<DistrictView>> {
    Json(district::all().map(DistrictView::from).collect())
}
