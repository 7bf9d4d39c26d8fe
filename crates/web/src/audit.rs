//! The audit log, for administrators: page `/admin/audit` and `GET /api/v1/audit`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_service::audit::AuditEntry;
use zhiyun_service::audit::{self, AuditQuery};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::layout::{Layout, fmt_time, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(audit_page))
        .route("/api/v1/audit", get(api_audit))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// organisation | practitioner | user | api_token
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl AuditParams {
    fn query(self) -> AuditQuery {
        AuditQuery {
            entity: self.entity,
            entity_id: self.entity_id,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub total: i64,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<AuditEntry>,
}

/// Newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_audit(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let found = audit::list(&state.svc, &me, p.query()).await?;
    Ok(Json(AuditPage {
        total: found.total,
        items: found.items,
    }))
}

pub struct Row {
    pub at: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub changes: Vec<(String, String, String)>,
}

fn action_label(a: &str) -> String {
    match a {
        "create" => "新建",
        "update" => "修改",
        "delete" => "删除",
        "password" => "改密码",
        "disable" => "停用",
        "enable" => "启用",
        "revoke" => "撤销",
        "sign_out" => "全部退出登录",
        "lockout" => "登录锁定",
        other => other,
    }
    .to_string()
}

/// Field-by-field differences between the before and after JSON objects.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    keys.into_iter()
        .filter(|k| {
            let null = serde_json::Value::Null;
            !matches!(k.as_str(), "updated_at" | "created_at")
                && b.get(*k).unwrap_or(&null) != a.get(*k).unwrap_or(&null)
        })
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditListPage {
    layout: Layout,
    total: i64,
    rows: Vec<Row>,
    page: i64,
    pages: i64,
    entity: String,
    entity_id: String,
}

async fn audit_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(p): Query<AuditParams>,
) -> Result<Response, PageError> {
    let found = audit::list(&state.svc, &me, p.query()).await?;
    let rows = found
        .items
        .iter()
        .map(|e| Row {
            at: fmt_time(e.at),
            who: e.username.clone().unwrap_or_default(),
            action: action_label(&e.action),
            entity: e.entity.clone(),
            entity_id: e.entity_id.clone(),
            changes: changes(e.before_json.as_deref(), e.after_json.as_deref()),
        })
        .collect();
    Ok(page(&AuditListPage {
        layout: Layout::new(&state, Some(&me), "审计日志", "audit"),
        total: found.total,
        rows,
        page: found.page,
        pages: found.pages(),
        entity: found.entity.unwrap_or_default(),
        entity_id: found.entity_id.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::changes;

    #[test]
    fn changes_list_only_changed_fields() {
        let c = changes(
            Some(r#"{"name":"甲","uscc":"X","updated_at":1}"#),
            Some(r#"{"name":"乙","uscc":"X","updated_at":2}"#),
        );
        assert_eq!(c, vec![("name".into(), "甲".into(), "乙".into())]);
        let created = changes(None, Some(r#"{"name":"甲"}"#));
        assert_eq!(created, vec![("name".into(), "—".into(), "甲".into())]);
        // A field that is null on creation is no change.
        assert!(changes(None, Some(r#"{"last_login_at":null}"#)).is_empty());
    }
}
