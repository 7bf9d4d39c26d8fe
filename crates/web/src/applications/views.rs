//! What the application pages and the JSON API show, built from the use cases' typed records.

use serde::Serialize;
use zhiyun_domain::application::{
    AppStatus, ApplicationInput, Check, Evidence, ReviewAction, Status, Verdict,
};
use zhiyun_service::applications::{
    ApplicationRecord, AttachmentRecord, ReviewRecord, RoundRecord,
};

// ---------- JSON ----------

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    pub round_year: i64,
    /// draft | submitted | under_review | returned | approved | rejected
    pub status: String,
    pub status_label: String,
    pub operator_org_id: i64,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    pub submitted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The application as entered.
    #[schema(value_type = Object)]
    pub body: ApplicationInput,
}

impl From<&ApplicationRecord> for ApplicationView {
    fn from(r: &ApplicationRecord) -> Self {
        ApplicationView {
            id: r.id,
            round_year: r.round_year.into(),
            status: r.status.slug().to_string(),
            status_label: r.status.label().to_string(),
            operator_org_id: r.operator_org_id,
            park_name: r.park_name.clone(),
            district_code: r.district_code.clone(),
            submitted_at: r.submitted_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            body: r.input.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationSummary {
    pub id: i64,
    pub round_year: i64,
    pub status: String,
    pub status_label: String,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    pub submitted_at: Option<i64>,
}

impl From<&ApplicationRecord> for ApplicationSummary {
    fn from(r: &ApplicationRecord) -> Self {
        ApplicationSummary {
            id: r.id,
            round_year: r.round_year.into(),
            status: r.status.slug().to_string(),
            status_label: r.status.label().to_string(),
            park_name: r.park_name.clone(),
            district_code: r.district_code.clone(),
            submitted_at: r.submitted_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A round as the API shows it.
#[derive(Serialize)]
pub struct RoundView {
    pub id: i64,
    pub year: i32,
    /// YYYY-MM-DD, the last day to submit.
    pub deadline: String,
    pub created_at: i64,
}

impl From<&RoundRecord> for RoundView {
    fn from(r: &RoundRecord) -> Self {
        RoundView {
            id: r.id,
            year: r.year,
            deadline: r.deadline.format("%Y-%m-%d").to_string(),
            created_at: r.created_at,
        }
    }
}

/// A review as the API shows it: `kind` `rule` (with `rule` and `status`), `decision` (with
/// `decision`) or `comment`.
#[derive(Serialize)]
pub struct ReviewView {
    pub id: i64,
    pub application_id: i64,
    pub kind: &'static str,
    pub rule: Option<&'static str>,
    pub status: Option<&'static str>,
    pub decision: Option<&'static str>,
    pub comment: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub org_name: String,
    pub at: i64,
}

impl From<&ReviewRecord> for ReviewView {
    fn from(r: &ReviewRecord) -> Self {
        let (rule, status, decision) = match r.action {
            ReviewAction::Check { rule, status } => (Some(rule.code()), Some(status.slug()), None),
            ReviewAction::Decision(d) => (None, None, Some(d.slug())),
            ReviewAction::Comment => (None, None, None),
        };
        ReviewView {
            id: r.id,
            application_id: r.application_id,
            kind: r.action.kind(),
            rule,
            status,
            decision,
            comment: r.comment.clone(),
            user_id: r.user_id,
            username: r.username.clone(),
            org_name: r.org_name.clone(),
            at: r.at,
        }
    }
}

/// A supporting document's metadata as the API and the overview page show it.
#[derive(Serialize)]
pub struct AttachmentView {
    pub id: i64,
    pub application_id: i64,
    /// park | ip_office | partners | credit_report | enterprise_list | other
    pub part: &'static str,
    /// The part in Chinese, for pages.
    #[serde(skip)]
    pub part_label: &'static str,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub username: String,
    pub at: i64,
}

impl From<&AttachmentRecord> for AttachmentView {
    fn from(a: &AttachmentRecord) -> Self {
        AttachmentView {
            id: a.id,
            application_id: a.application_id,
            part: a.part.slug(),
            part_label: a.part.label(),
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            username: a.username.clone(),
            at: a.at,
        }
    }
}

// ---------- pages ----------

pub struct CheckRow {
    pub code: &'static str,
    pub title: &'static str,
    pub status: &'static str,
    pub label: &'static str,
    pub message: String,
    pub details: Vec<String>,
}

/// The evidence of a check in a few Chinese lines.
fn details(evidence: &Evidence) -> Vec<String> {
    match evidence {
        Evidence::A2 { not_counted, .. } => not_counted
            .iter()
            .take(20)
            .map(|n| {
                // The message already starts with the row number.
                let prefix = format!("第 {} 行：", n.row);
                let reason = n.message.strip_prefix(&prefix).unwrap_or(&n.message);
                format!(
                    "第 {} 行 {}：{}",
                    n.row,
                    n.name.as_deref().unwrap_or(""),
                    reason
                )
            })
            .chain(
                (not_counted.len() > 20)
                    .then(|| format!("……另有 {} 行未计入", not_counted.len() - 20)),
            )
            .collect(),
        Evidence::A3 { missing } if !missing.is_empty() => {
            vec![format!("缺少：{}", missing.join("、"))]
        }
        Evidence::A4 {
            exchanges,
            banks,
            insurers,
            agencies,
            not_counted,
            as_of,
        } => {
            let list = |label: &str, names: &[String]| {
                let shown = if names.is_empty() {
                    "无".to_string()
                } else {
                    names.join("、")
                };
                format!("{label}：{shown}")
            };
            let mut d = vec![
                list("交易机构", exchanges),
                list("商业银行", banks),
                list("保险机构", insurers),
                list("服务机构", agencies),
            ];
            if !not_counted.is_empty() {
                d.push(format!(
                    "未计入（协议晚于 {as_of} 或不符）：{}",
                    not_counted.join("、")
                ));
            }
            d
        }
        Evidence::A5 { agencies } => agencies
            .iter()
            .map(|a| {
                let others = if a.other_applications.is_empty() {
                    String::new()
                } else {
                    format!(
                        "；已参与本轮其他申报：{}",
                        a.other_applications
                            .iter()
                            .map(|o| format!("第 {} 号（{}）", o.id, o.park_name))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                };
                format!("{}：双证从业人员 {} 名{}", a.name, a.dual_certified, others)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A check's status slug and label as shown: in a draft (or one returned for correction), a
/// failing check whose part of the form is still empty reads 待填写 (`todo`), not 不符合.
pub fn shown_status(c: &Check, r: &ApplicationRecord) -> (&'static str, &'static str) {
    if r.status.editable() && c.status == Status::Fail && r.app.unfilled(c.rule) {
        ("todo", "待填写")
    } else {
        (c.status.slug(), c.status.label())
    }
}

/// Checks for display, each with a short evidence summary in Chinese.
pub fn check_rows(v: &Verdict, r: &ApplicationRecord) -> Vec<CheckRow> {
    v.checks
        .iter()
        .map(|c| {
            let (status, label) = shown_status(c, r);
            CheckRow {
                code: c.rule.code(),
                title: c.rule.title(),
                status,
                label,
                message: c.message.clone(),
                details: details(&c.evidence),
            }
        })
        .collect()
}

/// The 结论 column: the automatic checks read in the light of the status, so that nothing says
/// 不符合申报条件 before a reviewer decided.
pub fn eligible_label(v: &Verdict, r: &ApplicationRecord) -> (&'static str, &'static str) {
    match r.status {
        AppStatus::Approved => ("pass", "已批准"),
        AppStatus::Rejected => ("fail", "不予批准"),
        AppStatus::Submitted | AppStatus::UnderReview => match v.eligible {
            Some(true) => ("pass", "自动审查符合，待审核"),
            Some(false) => ("fail", "自动审查有不符合项，待审核"),
            None => ("needs_review", "待审核"),
        },
        AppStatus::Draft | AppStatus::Returned => {
            if v.checks.iter().any(|c| shown_status(c, r).0 == "todo") {
                return ("needs_review", "待填写完整");
            }
            match v.eligible {
                Some(true) => ("pass", "预审符合，可提交"),
                Some(false) => ("fail", "预审有不符合项"),
                None => ("needs_review", "预审待人工确认"),
            }
        }
    }
}

/// The CSS tag of a status.
pub fn status_tag(s: AppStatus) -> &'static str {
    match s {
        AppStatus::Approved => "ok",
        AppStatus::Rejected => "bad",
        AppStatus::Returned => "warn",
        _ => "",
    }
}

/// The park's name, or a placeholder for a draft without one.
pub fn park_name(r: &ApplicationRecord) -> String {
    r.park_name
        .clone()
        .unwrap_or_else(|| "（未命名园区）".into())
}

/// The park's district name, or empty.
pub fn district_name(r: &ApplicationRecord) -> String {
    r.app
        .park
        .district
        .map(|d| d.name.to_string())
        .unwrap_or_default()
}
