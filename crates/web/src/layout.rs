//! The page frame: title, navigation for the user's role, notices. Every page template embeds a [`Layout`].

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use zhiyun_domain::org::Role;
use zhiyun_service::Principal;

use crate::AppState;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub key: &'static str,
}

pub struct Layout {
    pub title: String,
    pub user: Option<Principal>,
    pub role_label: &'static str,
    pub nav: Vec<NavItem>,
    pub active: &'static str,
    pub demo: bool,
    pub notice: Option<String>,
}

impl Layout {
    pub fn new(
        state: &AppState,
        user: Option<&Principal>,
        title: impl Into<String>,
        active: &'static str,
    ) -> Layout {
        Layout {
            title: title.into(),
            user: user.cloned(),
            role_label: user.map(|u| u.role().label()).unwrap_or(""),
            nav: nav_for(user),
            active,
            demo: state.config.demo,
            notice: None,
        }
    }

    pub fn with_notice(mut self, notice: Option<&str>) -> Layout {
        self.notice = notice.and_then(notice_text).map(str::to_string);
        self
    }
}

/// Notices after a redirect are codes in the query (`?notice=saved`), turned into text here.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存。",
        "package_submitted" => "年度材料已报送，等待市知识产权局审核。",
        "created" => "已创建。",
        "password" => "密码已修改，其他会话已退出，您的 API 令牌已全部撤销（如需请新建）。",
        "logged_out" => "您已安全退出。",
        "registered" => {
            "注册已提交，请用刚才设置的用户名和密码登录。本单位注册审核通过前可以起草，但不能提交发布。"
        }
        "registration_approved" => "已通过该单位的注册。",
        "registration_rejected" => "已驳回该单位的注册，审核意见已告知该单位。",
        "removed" => "已删除。",
        "user_created" => "用户已创建。",
        "user_updated" => "用户状态已更新。",
        "user_disabled" => "用户已停用，其登录会话已结束，API 令牌已撤销（重新启用后也不会恢复）。",
        "signed_out" => "该用户已在所有设备上退出登录，其 API 令牌已撤销。",
        "revoked" => "令牌已撤销。",
        "submitted" => "申报书已提交。",
        "draft_exists" => "本园区在该轮次已有申报书，已为您打开，请继续填写。",
        "draft_prefilled" => {
            "已新建申报书，并按机构名录带出所在区和园区管理主体，请核对后继续填写。"
        }
        "reviewed" => "审核意见已记录。",
        "uploaded" => "材料已上传。",
        "imported" => "企业名单已导入。",
        "listing_submit" => "已提交，等待集聚区运营方审核。",
        "listing_publish" => "已发布。",
        "listing_return" => "已退回。",
        "listing_withdraw" => "已撤回。",
        "listing_fulfil" => "已标记为对接成功。",
        "listing_confirm" => "已确认，条目继续公开展示。",
        "match_feedback" => "反馈已记录；标记为不相关的推荐不再出现。",
        "match_interest" => "已标记感兴趣，并向对方发出对接请求；对方同意后双方可见完整联系方式。",
        "contact_accepted" => "已同意对接，双方已交换联系方式。",
        "contact_declined" => "已婉拒该对接请求，对方不会再次发送。",
        "contact_lead" => "已转为交易线索，可据此录入交易。",
        "pair_registered" => "已为双方报名本次对接会；生成洽谈安排时优先安排这对。",
        "pair_registered_reschedule" => {
            "已为双方报名本次对接会；本次活动已有洽谈安排，请重新生成，这对将优先安排。"
        }
        "event_registered" => "报名成功。",
        "event_scheduled" => "已按匹配结果排定一对一洽谈。",
        "survey_copied" => "已复制为新年度问卷，可修改后开始调查。",
        "inbox_read" => "已全部标为已读。",
        "notify_saved" => "通知设置已保存。",
        _ => return None,
    })
}

fn nav_for(user: Option<&Principal>) -> Vec<NavItem> {
    let item = |href, label, key| NavItem { href, label, key };
    let Some(u) = user else {
        return vec![
            item("/", "首页", "public_home"),
            item("/listings", "供需大厅", "listings_public"),
            item("/events", "活动", "events"),
            item("/pledges/products", "质押融资产品", "pledge_products"),
            item("/auctions", "专利拍卖", "auctions"),
            item("/tools/validate", "编号校验", "validate"),
            item("/guide", "办事指南", "guide"),
            item("/login", "登录", "login"),
        ];
    };
    let mut nav = vec![
        item("/home", "工作台", "home"),
        item("/listings", "供需大厅", "listings_public"),
        item("/events", "活动", "events"),
        item("/orgs", "机构名录", "orgs"),
        item("/tools/validate", "编号校验", "validate"),
        item("/guide", "办事指南", "guide"),
        item("/account", "我的账户", "account"),
    ];
    if matches!(u.role(), Role::Municipal | Role::District | Role::Operator) || u.is_admin {
        nav.insert(1, item("/applications", "集聚区申报", "applications"));
    }
    if u.role() == Role::Municipal {
        nav.insert(2, item("/rounds", "申报轮次", "rounds"));
    }
    if matches!(u.role(), Role::Enterprise | Role::University) {
        nav.insert(1, item("/listings/mine", "供需条目", "listings"));
    }
    if u.role() == Role::Operator {
        nav.insert(2, item("/listings/review", "条目审核", "listings_review"));
    }
    if matches!(u.role(), Role::Municipal | Role::District) {
        nav.insert(2, item("/districts", "各区概况", "districts"));
    }
    // The patent and trademark register (T6, K5).
    let at = nav.iter().position(|i| i.key == "orgs").unwrap_or(1);
    if matches!(u.role(), Role::Municipal | Role::District) {
        nav.insert(
            at,
            item("/indicators/high-value", "高价值专利", "indicators"),
        );
    }
    if u.role() == Role::Operator {
        nav.insert(at, item("/patents/cultivation", "专利培育", "cultivation"));
    }
    if matches!(
        u.role(),
        Role::Enterprise | Role::University | Role::Operator | Role::Agency
    ) {
        nav.insert(at, item("/trademarks", "商标库", "trademarks"));
    }
    nav.insert(at, item("/patents", "专利库", "patents"));
    // The deal ledger (T4, T8), after the register.
    let at = nav
        .iter()
        .position(|i| i.key == "patents")
        .map_or(nav.len(), |p| p + 1);
    nav.insert(at, item("/deals", "专利交易", "deals"));
    // Patent auctions (T3, issue 14), after the ledger.
    nav.insert(at + 1, item("/auctions", "专利拍卖", "auctions"));
    if matches!(u.role(), Role::Municipal | Role::District | Role::Operator) {
        let at = nav
            .iter()
            .position(|i| i.key == "events")
            .map_or(nav.len(), |p| p + 1);
        nav.insert(at, item("/surveys", "满意度调查", "surveys"));
    }
    // Reports to the municipal bureau (T8), after the surveys.
    if matches!(u.role(), Role::Municipal | Role::District | Role::Operator) {
        let at = nav
            .iter()
            .position(|i| i.key == "surveys")
            .map_or(nav.len(), |p| p + 1);
        nav.insert(at, item("/reports", "年度报送", "reports"));
    }
    // Pledge financing and IP insurance (T5).
    let at = nav
        .iter()
        .position(|i| i.key == "orgs")
        .unwrap_or(nav.len());
    if matches!(
        u.role(),
        Role::Insurer | Role::Enterprise | Role::Operator | Role::District | Role::Municipal
    ) {
        nav.insert(at, item("/insurance", "知识产权保险", "insurance"));
    }
    if !matches!(
        u.role(),
        Role::Insurer | Role::Agency | Role::Exchange | Role::University
    ) {
        nav.insert(at, item("/pledges", "质押融资", "pledges"));
    }
    // K1–K6 and their evidence (issue 16), after the workbench.
    if matches!(u.role(), Role::Municipal | Role::District | Role::Operator) {
        nav.insert(1, item("/kpis", "绩效指标", "kpis"));
    }
    // Issue 18: the approvers of self-registered organisations.
    if zhiyun_domain::policy::can_list_registrations(&u.actor()) {
        nav.push(item("/registrations", "注册审核", "registrations"));
    }
    if u.is_admin {
        nav.push(item("/admin/users", "用户管理", "users"));
        nav.push(item("/admin/audit", "审计日志", "audit"));
    }
    nav
}

/// Render a template into a response; a template failure is logged and becomes a 500 page.
pub fn page<T: Template>(t: &T) -> Response {
    page_with_status(StatusCode::OK, t)
}

pub fn page_with_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(render_error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "页面生成失败",
                )),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
}

/// An error page's status and message, carried on the response so that [`crate::auth::authenticate`],
/// which knows who is asking, can render it inside the normal page frame ([`render_framed_error`]).
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message: String,
}

#[derive(Template)]
#[template(path = "error_framed.html")]
struct FramedErrorPage<'a> {
    layout: Layout,
    status: u16,
    message: &'a str,
    logged_in: bool,
}

/// The error page with the navigation of the viewer's role; a visitor's main button leads to
/// the public home, a user's to the workbench.
pub fn render_framed_error(
    state: &AppState,
    user: Option<&Principal>,
    status: StatusCode,
    message: &str,
) -> String {
    let title = if status == StatusCode::NOT_FOUND {
        "页面不存在".to_string()
    } else {
        format!("出错了（{}）", status.as_u16())
    };
    FramedErrorPage {
        layout: Layout::new(state, user, title, ""),
        status: status.as_u16(),
        message,
        logged_in: user.is_some(),
    }
    .render()
    .unwrap_or_else(|_| render_error_page(status, message))
}

pub fn render_error_page(status: StatusCode, message: &str) -> String {
    ErrorPage {
        status: status.as_u16(),
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

/// A long text's paragraphs: its non-blank lines, for one `<p>` each.
pub fn paragraphs(s: &str) -> Vec<&str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// Unix seconds as Beijing time, `YYYY-MM-DD HH:MM`.
pub fn fmt_time(ts: i64) -> String {
    zhiyun_domain::time::fmt_time(ts)
}

pub fn fmt_opt_time(ts: &Option<i64>) -> String {
    ts.map(fmt_time).unwrap_or_else(|| "—".to_string())
}
