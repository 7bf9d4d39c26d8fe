//! The API description served at `/api/openapi.json` (snapshot-tested in `tests/api.rs`).

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "知运 API",
        description = "上海市知识产权运营服务集聚区平台的 JSON 接口。认证：会话 Cookie（POST /api/v1/session）或个人 API 令牌（Authorization: Bearer）。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。",
        version = "1"
    ),
    paths(
        crate::health::healthz,
        crate::session::api_login,
        crate::session::api_logout,
        crate::session::api_me,
        crate::validate::api_validate,
        crate::orgs::api_districts,
        crate::orgs::api_list,
        crate::orgs::api_create,
        crate::orgs::api_get,
        crate::orgs::api_update,
        crate::orgs::api_practitioners,
        crate::orgs::api_practitioner_add,
        crate::orgs::api_practitioner_delete,
        crate::accounts::api_users,
        crate::accounts::api_user_create,
        crate::accounts::api_user_state,
        crate::accounts::api_tokens,
        crate::accounts::api_token_create,
        crate::accounts::api_token_revoke,
        crate::audit::api_audit,
        crate::applications::api_round_create,
        crate::applications::api_rounds,
        crate::applications::api_round_xlsx,
        crate::applications::api_create,
        crate::applications::api_list,
        crate::applications::api_get,
        crate::applications::api_update,
        crate::applications::api_submit,
        crate::applications::api_checks,
        crate::applications::api_review,
        crate::applications::api_reviews,
        crate::applications::api_docx,
        crate::applications::api_attachment_upload,
        crate::applications::api_attachments,
        crate::listings::api::api_create,
        crate::listings::public::api_list,
        crate::listings::api::api_get,
        crate::listings::api::api_action,
        crate::listings::import::api_import,
        crate::matching::api_demand_matches,
        crate::matching::api_supply_matches,
        crate::matching::api_demand_feedback,
        crate::matching::api_supply_feedback,
        crate::matching::api_declines,
        crate::match_contacts::api_request,
        crate::match_contacts::api_list,
        crate::match_contacts::api_accept,
        crate::match_contacts::api_decline,
        crate::match_contacts::api_lead,
        crate::match_contacts::api_meeting,
        crate::events::api_list,
        crate::events::api_create,
        crate::events::api_get,
        crate::events::api_register,
        crate::events::api_attendance,
        crate::events::api_schedule,
        crate::events::api_meetings,
        crate::events::api_meeting_action,
        crate::patents::api::api_create,
        crate::patents::api::api_list,
        crate::patents::api::api_get,
        crate::patents::api::api_replace,
        crate::patents::api::api_import,
        crate::patents::api::api_reminders,
        crate::patents::api::api_cultivate,
        crate::patents::api::api_uncultivate,
        crate::patents::api::api_cultivation,
        crate::patents::api::api_high_value,
        crate::patents::api::api_overseas,
        crate::patents::api::api_populations,
        crate::patents::api::api_set_population,
        crate::patents::api::api_tm_create,
        crate::patents::api::api_tm_list,
        crate::patents::api::api_tm_get,
        crate::patents::api::api_tm_replace,
        crate::patents::api::api_tm_delete,
        crate::deals::api::api_create,
        crate::deals::api::api_list,
        crate::deals::api::api_xlsx,
        crate::deals::api::api_get,
        crate::deals::api::api_payment,
        crate::deals::api::api_filing,
        crate::deals::api::api_stage,
        crate::deals::api::api_overrule,
        crate::deals::api::api_annual,
        crate::pledges::api::api_create,
        crate::pledges::api::api_list,
        crate::pledges::api::api_xlsx,
        crate::pledges::api::api_get,
        crate::pledges::api::api_stage,
        crate::pledges::api::api_overrule,
        crate::pledges::api::api_products,
        crate::pledges::api::api_product_create,
        crate::pledges::api::api_product_get,
        crate::pledges::api::api_product_replace,
        crate::pledges::api::api_product_publish,
        crate::pledges::api::api_policy_create,
        crate::pledges::api::api_policies,
        crate::pledges::api::api_policy_get,
        crate::pledges::api::api_claim,
        crate::surveys::api_list,
        crate::surveys::api_create,
        crate::surveys::api_get,
        crate::surveys::api_respond,
        crate::surveys::api_results,
        crate::surveys::api_report,
        crate::surveys::api_invite,
        crate::surveys::api_copy,
        crate::surveys::api_open,
        crate::surveys::api_close,
        crate::kpis::api_kpis,
        crate::kpis::api_evidence,
        crate::auctions::api::api_create,
        crate::auctions::api::api_list,
        crate::auctions::api::api_get,
        crate::auctions::api::api_register,
        crate::auctions::api::api_confirm,
        crate::auctions::api::api_lot,
        crate::auctions::api::api_bid,
        crate::auctions::api::api_stream,
        crate::auctions::api::api_route,
        // T8 reports to the municipal bureau.
        crate::bureau_reports::api_report_year,
        crate::bureau_reports::api_report_sections,
        crate::bureau_reports::api_report_statistics,
        crate::bureau_reports::api_report_work_report,
        crate::bureau_reports::api_report_submit,
        crate::bureau_reports::api_report_submissions,
        crate::bureau_reports::api_report_submission,
        crate::bureau_reports::api_report_file,
        crate::bureau_reports::api_report_accept,
        crate::bureau_reports::api_report_return,
        crate::bureau_reports::api_report_deadline,
        // Self-registration (issue 18).
        crate::registrations::api_register,
        crate::registrations::api_list,
        crate::registrations::api_approve,
        crate::registrations::api_reject,
        // Notifications (issue 18).
        crate::notifications::api_list,
        crate::notifications::api_read,
        crate::notifications::api_read_all,
        crate::notifications::api_prefs,
        crate::notifications::api_prefs_put,
        // The workbench of every role (issue 18).
        crate::workbench::api_workbench,
    ),
    modifiers(&Security),
    tags(
        (name = "session", description = "登录与退出"),
        (name = "validate", description = "编号校验（无需登录）"),
        (name = "orgs", description = "机构名录"),
        (name = "applications", description = "集聚区申报与资格审查（A1—A6）"),
        (name = "listings", description = "技术需求与专利供给（T1、T2）"),
        (name = "matching", description = "供需匹配与反馈（T3）"),
        (name = "events", description = "对接会、银企对接与培训活动（T3、T5、T7）"),
        (name = "patents", description = "专利与商标库、高价值发明专利与每万人口指标、培育（T6、K5）"),
        (name = "deals", description = "专利交易台账：转让、许可、作价入股，备案登记，到账与受益中小企业（T4、T8）"),
        (name = "pledges", description = "知识产权质押融资、金融产品与知识产权保险（T5、K1、K2）"),
        (name = "surveys", description = "满意度调查与调查报告（K6、T7）；作答无需登录"),
        (name = "kpis", description = "绩效指标 K1—K6：按年数值、同比、年均增幅（水平法）、目标与计入依据"),
        (name = "auctions", description = "专利拍卖会：标的、竞买人与保证金、实时竞价（延时）、成交转交易台账、流拍处置（T3）"),
        (name = "reports", description = "向市知识产权局报送：年度工作报告、数据统计报表、满意度调查报告，截止日期与审核（T8）"),
        (name = "registrations", description = "单位自行注册与审核：企业、高校院所、服务机构由所在区集聚区运营方审核，银行、交易机构、保险机构由市知识产权局审核（注册无需登录）"),
        (name = "notifications", description = "站内消息与邮件通知：未读数、标为已读、每类通知的接收方式（站内、邮件）与电子邮箱"),
        (name = "workbench", description = "工作台：待办（数量、最久等待天数、最近期限）、快捷操作、图表数据与我的记录"),
        (name = "reference", description = "参考数据"),
        (name = "accounts", description = "账号、令牌与审计"),
        (name = "system", description = "运行状态"),
    )
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// What OpenAPI 3.1 requires and the `#[utoipa::path]` annotations do not always give, for every
/// endpoint (including ones added later), so the document passes a standard validator (issue 19,
/// finding 10; `tests/web/api.rs` validates it against the published OpenAPI 3.1 schema):
/// - every response has a `description`: an empty one gets the status's meaning in Chinese;
/// - operation ids are unique: a handler name used by several modules (`api_list`) gets its tag
///   in front (`events_api_list`), and the method and path if that is still not unique.
struct Valid;

/// The meaning of an HTTP status, for a response that does not describe itself.
fn status_text(status: &str) -> String {
    match status {
        "200" => "成功".into(),
        "201" => "已创建".into(),
        "204" => "成功，无内容".into(),
        "302" | "303" => "重定向".into(),
        "400" => "请求有误".into(),
        "401" => "未登录，或登录已失效".into(),
        "403" => "无权进行此操作".into(),
        "404" => "不存在，或无权查看".into(),
        "409" => "与当前状态冲突".into(),
        "413" => "内容过大".into(),
        "415" => "不支持的文件类型".into(),
        "422" => "输入不符合规则（逐项说明）".into(),
        "429" => "请求过于频繁，请稍后再试".into(),
        "500" => "服务器内部错误".into(),
        "503" => "服务暂不可用".into(),
        other => other
            .parse::<u16>()
            .ok()
            .and_then(|n| axum::http::StatusCode::from_u16(n).ok())
            .and_then(|s| s.canonical_reason())
            .unwrap_or("响应")
            .to_string(),
    }
}

impl utoipa::Modify for Valid {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use std::collections::HashMap;
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::Operation;

        fn operations(
            item: &mut utoipa::openapi::PathItem,
        ) -> impl Iterator<Item = (&'static str, &mut Operation)> {
            [
                ("get", item.get.as_mut()),
                ("put", item.put.as_mut()),
                ("post", item.post.as_mut()),
                ("delete", item.delete.as_mut()),
                ("options", item.options.as_mut()),
                ("head", item.head.as_mut()),
                ("patch", item.patch.as_mut()),
                ("trace", item.trace.as_mut()),
            ]
            .into_iter()
            .filter_map(|(m, o)| o.map(|o| (m, o)))
        }

        let mut seen: HashMap<String, usize> = HashMap::new();
        for item in openapi.paths.paths.values_mut() {
            for (_, op) in operations(item) {
                for (status, r) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = r
                        && r.description.trim().is_empty()
                    {
                        r.description = status_text(status);
                    }
                }
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        let mut taken: std::collections::HashSet<String> = seen
            .iter()
            .filter(|(_, n)| **n == 1)
            .map(|(id, _)| id.clone())
            .collect();
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                let Some(id) = op.operation_id.clone() else {
                    continue;
                };
                if seen[&id] == 1 {
                    continue;
                }
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .cloned()
                    .unwrap_or_default();
                let mut unique = format!("{tag}_{id}");
                if tag.is_empty() || taken.contains(&unique) {
                    let slug: String = path
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .collect();
                    unique = format!("{method}{slug}");
                }
                taken.insert(unique.clone());
                op.operation_id = Some(unique);
            }
        }
    }
}

/// The document as served: [`ApiDoc`], then made valid ([`Valid`]) whatever was added to it.
pub fn spec() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    utoipa::Modify::modify(&Valid, &mut doc);
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(spec()) }))
}
