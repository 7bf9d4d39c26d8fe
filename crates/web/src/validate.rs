//! Identifier checks for everyone: `POST /api/v1/validate/{kind}` and the page `/tools/validate`.
//! The rules are the domain's (`zhiyun_domain::ident`); forms call the same endpoint as the user types.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use zhiyun_domain::ident::{IdentKind, Validation, validate};

use crate::AppState;
use crate::auth::MaybeUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{Layout, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/validate/{kind}", post(api_validate))
        .route("/tools/validate", get(validate_page))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidateBody {
    /// The identifier as typed; spaces, full-width characters and `CN`/`ZL` prefixes are accepted.
    pub value: String,
}

/// Check one identifier. 200 for a known kind, `valid` saying whether it passed; 422 for input over 200 characters.
#[utoipa::path(post, path = "/api/v1/validate/{kind}", tag = "validate",
    params(("kind" = String, Path, description = "patent-application | patent-publication | uscc | trademark | hte-certificate")),
    request_body = ValidateBody,
    responses(
        (status = 200, description = "校验结果", body = Object, example = json!({
            "valid": true, "canonical": "201710601862.3",
            "detail": {"year": 2017, "type": "invention", "type_label": "发明", "format": "new", "check": "3"},
            "errors": [], "warnings": []})),
        (status = 404, description = "unknown_kind", body = crate::error::ErrorBody),
        (status = 422, description = "too_long", body = crate::error::ErrorBody)))]
pub async fn api_validate(
    Path(kind): Path<String>,
    ApiJson(body): ApiJson<ValidateBody>,
) -> Result<Json<Validation>, ApiError> {
    Ok(Json(zhiyun_service::system::validate_identifier(
        &kind,
        &body.value,
    )?))
}

#[derive(Template)]
#[template(path = "validate.html")]
struct ValidatePage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    value: String,
    result: Option<Validation>,
    detail: Vec<(&'static str, String)>,
}

/// Chinese labels for the parts of an identifier, in display order.
const DETAIL_LABELS: [(&str, &str); 17] = [
    ("type_label", "专利类型"),
    ("year", "申请年份"),
    ("format", "编号格式"),
    ("check", "校验位"),
    ("kind_label", "文献类型"),
    ("authority_label", "登记管理部门"),
    ("category_label", "机构类别"),
    ("region", "登记管理机关行政区划码"),
    ("district", "所在区"),
    ("district_current", "现行区划"),
    ("org_code", "组织机构代码"),
    ("variant", "注册号类型"),
    ("issue_year", "发证年份"),
    ("province_name", "发证地"),
    ("serial", "流水号"),
    ("valid_years", "有效年度"),
    ("province", "省级代码"),
];

fn detail_rows(v: &Validation) -> Vec<(&'static str, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&v.detail) else {
        return Vec::new();
    };
    DETAIL_LABELS
        .iter()
        .filter_map(|(key, label)| {
            let shown = match map.get(*key)? {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) if *key == "format" => if s == "new" {
                    "2003 年 10 月起的新格式"
                } else {
                    "2003 年前的旧格式"
                }
                .to_string(),
                serde_json::Value::String(s) if *key == "variant" => match s.as_str() {
                    "divisional" => "分割申请",
                    "madrid" => "马德里国际注册",
                    _ => "普通注册",
                }
                .to_string(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => if *b { "是" } else { "否（已撤并）" }.to_string(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                other => other.to_string(),
            };
            Some((*label, shown))
        })
        .collect()
}

#[derive(Deserialize)]
struct ValidateQuery {
    kind: Option<String>,
    value: Option<String>,
}

/// Works without JavaScript: the form submits by GET and the result is rendered here.
async fn validate_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ValidateQuery>,
) -> Response {
    let kind = q.kind.unwrap_or_else(|| "uscc".to_string());
    let value = q.value.unwrap_or_default();
    let result = IdentKind::from_slug(&kind)
        .filter(|_| !value.trim().is_empty())
        .map(|k| validate(k, &value));
    let detail = result.as_ref().map(detail_rows).unwrap_or_default();
    page(&ValidatePage {
        layout: Layout::new(&state, user.as_ref(), "编号校验", "validate"),
        kinds: IdentKind::ALL
            .iter()
            .map(|k| (k.slug(), k.label()))
            .collect(),
        kind,
        value,
        result,
        detail,
    })
}
