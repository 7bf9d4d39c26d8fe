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

pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(spec()) }))
}
