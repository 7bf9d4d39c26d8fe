//! Application pages: the operator's multi-step form (saved as a draft at every step, checks shown
//! beside it), the overview with checks, reviews and attachments, rounds, and the bureau's comparison table.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::application::{
    ApplicationInput, EnterpriseInput, Evidence, PartnerInput, PractitionerInputRow, Verdict,
    check_input,
};
use zhiyun_domain::district;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::policy;
use zhiyun_store::accounts::Principal;
use zhiyun_store::applications::{AppStatus, AttachmentMeta};
use zhiyun_store::orgs::OrgFilter;

use super::{
    Loaded, ReviewBody, XLSX, check_round, judge, load_for, review, review_line, save_of, submit,
};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, fmt_time, page, page_with_status};
use crate::orgs::Choice;

/// Supporting documents: PDF or images, up to 10 MiB each.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list_page).post(create_form))
        .route(
            "/applications/enterprise-template.xlsx",
            get(template_download),
        )
        .route("/rounds", get(rounds_page).post(round_form))
        .route("/applications/{id}", get(overview_page))
        .route("/applications/{id}/edit", get(edit_page).post(edit_form))
        .route("/applications/{id}/submit", post(submit_form))
        .route("/applications/{id}/reviews", post(review_form))
        .route(
            "/applications/{id}/attachments",
            post(attachment_form).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route(
            "/applications/{id}/attachments/{aid}",
            get(attachment_download),
        )
        .route(
            "/applications/{id}/enterprises/import",
            post(import_upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route(
            "/applications/{id}/enterprises/import/{aid}",
            post(import_confirm),
        )
}

// ---------- shared view pieces ----------

pub struct CheckRow {
    pub code: &'static str,
    pub title: &'static str,
    pub status: &'static str,
    pub label: &'static str,
    pub message: String,
    pub details: Vec<String>,
}

/// Checks for display, each with a short evidence summary in Chinese.
pub fn check_rows(v: &Verdict) -> Vec<CheckRow> {
    v.checks
        .iter()
        .map(|c| {
            let details = match &c.evidence {
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
            };
            CheckRow {
                code: c.rule.code(),
                title: c.rule.title(),
                status: c.status.slug(),
                label: c.status.label(),
                message: c.message.clone(),
                details,
            }
        })
        .collect()
}

pub fn eligible_label(v: &Verdict) -> (&'static str, &'static str) {
    match v.eligible {
        Some(true) => ("pass", "符合申报条件"),
        Some(false) => ("fail", "不符合申报条件"),
        None => ("needs_review", "待人工审核"),
    }
}

fn status_tag(s: AppStatus) -> &'static str {
    match s {
        AppStatus::Approved => "ok",
        AppStatus::Rejected => "bad",
        AppStatus::Returned => "warn",
        _ => "",
    }
}

// ---------- list, rounds ----------

pub struct ListRow {
    pub id: i64,
    pub round_year: i64,
    pub park_name: String,
    pub district: String,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    pub submitted: String,
    pub checks: Vec<(&'static str, &'static str)>,
    pub eligible: (&'static str, &'static str),
}

#[derive(Template)]
#[template(path = "applications/list.html")]
struct ListPage {
    layout: Layout,
    is_operator: bool,
    is_bureau: bool,
    open_rounds: Vec<(i64, String)>,
    rounds: Vec<i64>,
    year: Option<i64>,
    rows: Vec<ListRow>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    round_year: Option<i64>,
    notice: Option<String>,
}

async fn render_list(
    state: &AppState,
    user: &Principal,
    year: Option<i64>,
    notice: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let rounds = state.db.round_list().await?;
    let today = crate::layout::today().format("%Y-%m-%d").to_string();
    let is_bureau = matches!(actor.role, Role::Municipal | Role::District) || actor.admin;
    let year = year.or_else(|| is_bureau.then(|| rounds.first().map(|r| r.year)).flatten());
    let mut rows = Vec::new();
    for r in super::visible_applications(state, user, year)
        .await
        .map_err(PageError::from)?
    {
        let l = super::load(state, r.id).await.map_err(PageError::from)?;
        let (v, _) = judge(state, &l).await.map_err(PageError::from)?;
        rows.push(ListRow {
            id: r.id,
            round_year: r.round_year,
            park_name: r
                .park_name
                .clone()
                .unwrap_or_else(|| "（未命名园区）".into()),
            district: l
                .app
                .park
                .district
                .map(|d| d.name.to_string())
                .unwrap_or_default(),
            status_label: r.status().label(),
            status_tag: status_tag(r.status()),
            submitted: r.submitted_at.map(fmt_time).unwrap_or_else(|| "—".into()),
            checks: v
                .checks
                .iter()
                .map(|c| (c.status.slug(), c.status.label()))
                .collect(),
            eligible: eligible_label(&v),
        });
    }
    Ok(page_with_status(
        status,
        &ListPage {
            layout: Layout::new(state, Some(user), "集聚区申报", "applications")
                .with_notice(notice),
            is_operator: policy::can_apply(&actor),
            is_bureau,
            open_rounds: rounds
                .iter()
                .filter(|r| r.deadline >= today)
                .map(|r| (r.year, r.deadline.clone()))
                .collect(),
            rounds: rounds.iter().map(|r| r.year).collect(),
            year,
            rows,
            error,
        },
    ))
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render_list(
        &state,
        &user,
        q.round_year,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !policy::can_apply(&user.actor()) {
        return Err(PageError::forbidden());
    }
    let year: Option<i32> = f.get("round_year").and_then(|y| y.parse().ok());
    let input = ApplicationInput {
        round_year: year,
        ..Default::default()
    };
    let app = match check_input(&input) {
        Ok(a) => a,
        Err(errs) => {
            return render_list(
                &state,
                &user,
                None,
                None,
                Some(errs[0].message.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .db
        .application_create(
            app.round_year.into(),
            user.org_id,
            &save_of(&input, &app),
            &user.who(),
        )
        .await
    {
        Ok(row) => {
            Ok(Redirect::to(&format!("/applications/{}/edit?step=park", row.id)).into_response())
        }
        Err(zhiyun_store::StoreError::Conflict { message, .. }) => {
            render_list(
                &state,
                &user,
                None,
                None,
                Some(message),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn template_download(PageUser(_): PageUser) -> Result<Response, PageError> {
    let bytes = zhiyun_reports::enterprise_template_xlsx()
        .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(super::download(XLSX, "园区企业名单模板.xlsx", bytes))
}

#[derive(Template)]
#[template(path = "applications/rounds.html")]
struct RoundsPage {
    layout: Layout,
    rounds: Vec<(i64, String, usize)>,
    form: FormState,
}

async fn render_rounds(
    state: &AppState,
    user: &Principal,
    notice: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rounds = state.db.round_list().await?;
    let apps = state.db.application_list(&Default::default()).await?;
    Ok(page_with_status(
        status,
        &RoundsPage {
            layout: Layout::new(state, Some(user), "申报轮次", "rounds").with_notice(notice),
            rounds: rounds
                .iter()
                .map(|r| {
                    (
                        r.year,
                        r.deadline.clone(),
                        apps.iter()
                            .filter(|a| a.round_year == r.year && a.status() != AppStatus::Draft)
                            .count(),
                    )
                })
                .collect(),
            form,
        },
    ))
}

async fn rounds_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    if !policy::can_open_rounds(&user.actor()) {
        return Err(PageError::forbidden());
    }
    render_rounds(
        &state,
        &user,
        q.notice.as_deref(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

async fn round_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !policy::can_open_rounds(&user.actor()) {
        return Err(PageError::forbidden());
    }
    let mut form = FormState::with_values(values);
    let year: i32 = match form.v("year").trim().parse() {
        Ok(y) => y,
        Err(_) => {
            form.errors.insert("year".into(), "年度应为四位数字".into());
            return render_rounds(&state, &user, None, form, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    match check_round(year, form.v("deadline")) {
        Err(errs) => {
            form.add_errors(&errs);
            render_rounds(&state, &user, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Ok(d) => match state
            .db
            .round_create(year.into(), &d.format("%Y-%m-%d").to_string(), &user.who())
            .await
        {
            Ok(_) => Ok(Redirect::to("/rounds?notice=created").into_response()),
            Err(zhiyun_store::StoreError::Conflict { message, .. }) => {
                form.errors.insert("year".into(), message);
                render_rounds(&state, &user, None, form, StatusCode::CONFLICT).await
            }
            Err(e) => Err(e.into()),
        },
    }
}

// ---------- overview ----------

#[derive(Template)]
#[template(path = "applications/overview.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    round_year: i64,
    park_name: String,
    district: String,
    status_label: &'static str,
    status_tag: &'static str,
    submitted: String,
    can_edit: bool,
    can_review: bool,
    can_comment: bool,
    can_attach: bool,
    checks: Vec<CheckRow>,
    eligible: (&'static str, &'static str),
    priority: bool,
    enterprises: usize,
    partners: usize,
    reviews: Vec<String>,
    attachments: Vec<AttachmentMeta>,
    error: Option<String>,
    error_list: Vec<String>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn render_overview(
    state: &AppState,
    user: &Principal,
    id: i64,
    notice: Option<&str>,
    error: Option<(String, Vec<String>)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = load_for(state, user, id).await.map_err(PageError::from)?;
    let (v, reviews) = judge(state, &l).await.map_err(PageError::from)?;
    let actor = user.actor();
    let attachments = state.db.attachment_list(id).await?;
    let (error, error_list) = error
        .map(|(e, l)| (Some(e), l))
        .unwrap_or((None, Vec::new()));
    Ok(page_with_status(
        status,
        &OverviewPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("申报书 第 {id} 号"),
                "applications",
            )
            .with_notice(notice),
            id,
            round_year: l.row.round_year,
            park_name: l
                .row
                .park_name
                .clone()
                .unwrap_or_else(|| "（未命名园区）".into()),
            district: l
                .app
                .park
                .district
                .map(|d| d.name.to_string())
                .unwrap_or_default(),
            status_label: l.row.status().label(),
            status_tag: status_tag(l.row.status()),
            submitted: l
                .row
                .submitted_at
                .map(fmt_time)
                .unwrap_or_else(|| "—".into()),
            can_edit: policy::can_edit_application(&actor, &l.scope()) && l.row.status().editable(),
            can_review: policy::can_review_application(&actor)
                && matches!(
                    l.row.status(),
                    AppStatus::Submitted | AppStatus::UnderReview
                ),
            can_comment: policy::can_comment_application(&actor, &l.scope()),
            can_attach: policy::can_edit_application(&actor, &l.scope())
                && l.row.status().accepts_attachments(),
            checks: check_rows(&v),
            eligible: eligible_label(&v),
            priority: v.priority,
            enterprises: l.app.enterprises.len(),
            partners: l.app.partners.len(),
            reviews: reviews.iter().map(review_line).collect(),
            attachments,
            error,
            error_list,
        },
    ))
}

async fn overview_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    render_overview(&state, &user, id, q.notice.as_deref(), None, StatusCode::OK).await
}

async fn submit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match submit(&state, &user, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?notice=submitted")).into_response()),
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::NOT_FOUND
                && e.status != StatusCode::FORBIDDEN =>
        {
            let list = e.detail.errors.iter().map(|f| f.message.clone()).collect();
            render_overview(
                &state,
                &user,
                id,
                None,
                Some((e.detail.message.clone(), list)),
                e.status,
            )
            .await
        }
        Err(e) => Err(PageError::from(e)),
    }
}

async fn review_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let body = ReviewBody {
        rule: get("rule"),
        status: get("status"),
        decision: get("decision"),
        comment: get("comment").unwrap_or_default(),
    };
    match review(&state, &user, id, body).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/applications/{id}?notice=reviewed#reviews")).into_response(),
        ),
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::NOT_FOUND
                && e.status != StatusCode::FORBIDDEN =>
        {
            render_overview(
                &state,
                &user,
                id,
                None,
                Some((e.detail.message.clone(), Vec::new())),
                e.status,
            )
            .await
        }
        Err(e) => Err(PageError::from(e)),
    }
}

// ---------- attachments ----------

/// Accepted types by their first bytes: the declared type is not trusted.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub const PARTS: [(&str, &str); 6] = [
    ("park", "园区认定文件"),
    ("ip_office", "知识产权管理制度与经费"),
    ("partners", "战略合作协议"),
    ("credit_report", "信用报告"),
    ("enterprise_list", "企业名单"),
    ("other", "其他材料"),
];

struct Upload {
    part: String,
    filename: String,
    bytes: Vec<u8>,
}

/// Read the `part` and `file` fields; errors carry the status to answer (413 when too large).
async fn read_upload(mut mp: Multipart) -> Result<Upload, (String, StatusCode)> {
    let too_large = || {
        (
            format!("文件过大，最大 {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
    };
    let bad = |e: String| (format!("上传失败：{e}"), StatusCode::BAD_REQUEST);
    let mut part = None;
    let mut file = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(bad(e.to_string())),
        };
        match field.name() {
            Some("part") => part = Some(field.text().await.map_err(|e| bad(e.to_string()))?),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let data = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        bad(e.to_string())
                    }
                })?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    let (filename, bytes) = file
        .filter(|(n, b)| !n.is_empty() && !b.is_empty())
        .ok_or((
            "请选择要上传的文件".to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ))?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(too_large());
    }
    Ok(Upload {
        part: part.unwrap_or_else(|| "other".into()),
        filename,
        bytes,
    })
}

async fn attachment_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let l = load_for(&state, &user, id).await.map_err(PageError::from)?;
    if !policy::can_edit_application(&user.actor(), &l.scope()) {
        return Err(PageError::forbidden());
    }
    if !l.row.status().accepts_attachments() {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            format!("申报书已{}，不能再上传材料。", l.row.status().label()),
        ));
    }
    let problem = match read_upload(mp).await {
        Err(e) => Err(e),
        Ok(up) if !PARTS.iter().any(|(p, _)| *p == up.part) => Err((
            format!("未知的材料类别“{}”", up.part),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Ok(up) => match sniff(&up.bytes) {
            None => Err((
                format!("“{}”不是 PDF、PNG 或 JPEG 文件", up.filename),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            )),
            Some(ct) => Ok((up, ct)),
        },
    };
    let (up, ct) = match problem {
        Ok(x) => x,
        Err((msg, status)) => {
            return render_overview(&state, &user, id, None, Some((msg, Vec::new())), status).await;
        }
    };
    state
        .db
        .attachment_add(id, &up.part, &up.filename, ct, &up.bytes, &user.who())
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}?notice=uploaded#attachments")).into_response())
}

async fn attachment_download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    load_for(&state, &user, id).await.map_err(PageError::from)?;
    let (meta, data) = state.db.attachment_get(id, aid).await?;
    let ct: &'static str = match meta.content_type.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    Ok(super::download(ct, &meta.filename, data))
}

// ---------- the multi-step form ----------

pub const STEPS: [(&str, &str); 5] = [
    ("park", "一、园区基本情况"),
    ("enterprises", "二、园区企业名单"),
    ("office", "三、知识产权工作基础"),
    ("partners", "四、运营生态合作"),
    ("declarations", "五、信用承诺"),
];

pub struct EnterpriseView {
    pub row: usize,
    pub name: String,
    pub uscc: String,
    pub size: String,
    pub cert: String,
}

#[derive(Template)]
#[template(path = "applications/edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    round_year: i64,
    step: &'static str,
    step_title: &'static str,
    steps: Vec<(&'static str, &'static str)>,
    next_step: Option<&'static str>,
    form: FormState,
    districts: Vec<Choice>,
    checks: Vec<CheckRow>,
    eligible: (&'static str, &'static str),
    enterprise_count: usize,
    enterprise_preview: Vec<EnterpriseView>,
    partner_rows: Vec<usize>,
    registry_partners: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
struct StepQuery {
    step: Option<String>,
    notice: Option<String>,
}

fn step_of(s: Option<&str>) -> (&'static str, &'static str) {
    STEPS
        .iter()
        .copied()
        .find(|(k, _)| Some(*k) == s)
        .unwrap_or(STEPS[0])
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The form values of a step, from the stored input.
fn form_for(step: &str, input: &ApplicationInput) -> FormState {
    let mut f = FormState::default();
    match step {
        "park" => {
            let p = &input.park;
            f.set("name", opt(&p.name));
            f.set("district_code", opt(&p.district_code));
            f.set("kind", opt(&p.kind));
            f.set("level", opt(&p.level));
            f.set("ip_park_status", opt(&p.ip_park_status));
            f.set("leading_industries", p.leading_industries.join("\n"));
            f.set("mb_name", opt(&p.management_body.name));
            f.set("mb_uscc", opt(&p.management_body.uscc));
        }
        "office" => {
            let o = &input.ip_office;
            f.set("department", opt(&o.department));
            f.set("staff", o.staff.map(|s| s.to_string()).unwrap_or_default());
            f.set("policies", o.policies.join("\n"));
            f.set(
                "annual_budget_wan",
                o.annual_budget_wan
                    .as_ref()
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
            );
            f.set("serves_district", bool_str(o.serves_district));
        }
        "partners" => {
            for (i, p) in input.partners.iter().enumerate() {
                f.set(&format!("p{i}_kind"), opt(&p.kind));
                f.set(&format!("p{i}_name"), opt(&p.name));
                f.set(&format!("p{i}_uscc"), opt(&p.uscc));
                f.set(&format!("p{i}_date"), opt(&p.agreement_date));
                f.set(
                    &format!("p{i}_practitioners"),
                    p.practitioners
                        .iter()
                        .map(|r| {
                            format!(
                                "{},{},{}",
                                opt(&r.name),
                                opt(&r.patent_attorney_cert),
                                opt(&r.tech_broker_cert)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        }
        "declarations" => {
            f.set(
                "bad_credit",
                bool_str(input.declarations.bad_credit_last_3_years),
            );
            f.set(
                "mass_infringement",
                bool_str(input.declarations.mass_infringement_cases),
            );
        }
        _ => {}
    }
    f
}

fn bool_str(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn str_bool(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', '、', '；', ';'])
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn blank_none(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// One line of a pasted table: tab- or comma-separated cells.
fn cells(line: &str) -> Vec<String> {
    let sep = if line.contains('\t') { '\t' } else { ',' };
    line.split(sep)
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

/// Apply a step's form to the input. Only that step's part changes.
fn apply(
    step: &str,
    f: &FormState,
    input: &mut ApplicationInput,
    errors: &mut Vec<(String, String)>,
) {
    match step {
        "park" => {
            let p = &mut input.park;
            p.name = blank_none(f.v("name"));
            p.district_code = blank_none(f.v("district_code"));
            p.kind = blank_none(f.v("kind"));
            p.level = blank_none(f.v("level"));
            p.ip_park_status = blank_none(f.v("ip_park_status"));
            p.leading_industries = lines(f.v("leading_industries"));
            p.management_body.name = blank_none(f.v("mb_name"));
            p.management_body.uscc = blank_none(f.v("mb_uscc"));
        }
        "enterprises" => {
            let pasted: Vec<EnterpriseInput> = f
                .v("paste")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let c = cells(l);
                    let get = |i: usize| c.get(i).and_then(|s| blank_none(s));
                    EnterpriseInput {
                        name: get(0),
                        uscc: get(1),
                        size: get(2).map(|s| size_slug(&s)),
                        hte_certificate: get(3),
                    }
                })
                .collect();
            if f.v("mode") == "replace" {
                input.enterprises = pasted;
            } else {
                input.enterprises.extend(pasted);
            }
        }
        "office" => {
            let o = &mut input.ip_office;
            o.department = blank_none(f.v("department"));
            o.staff = match f.v("staff").trim() {
                "" => None,
                s => match s.parse() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.push(("staff".into(), format!("工作人员数应为非负整数，实为“{s}”")));
                        None
                    }
                },
            };
            o.policies = f
                .v("policies")
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            o.annual_budget_wan = blank_none(f.v("annual_budget_wan"))
                .map(zhiyun_domain::application::serde_json_number::Number);
            o.serves_district = str_bool(f.v("serves_district"));
        }
        "partners" => {
            let n = f.v("rows").parse::<usize>().unwrap_or(0).min(100);
            input.partners = (0..n)
                .filter_map(|i| {
                    let g = |k: &str| blank_none(f.v(&format!("p{i}_{k}")));
                    let practitioners: Vec<PractitionerInputRow> = f
                        .v(&format!("p{i}_practitioners"))
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| {
                            let c = cells(&l.replace('，', ","));
                            let get = |i: usize| c.get(i).and_then(|s| blank_none(s));
                            PractitionerInputRow {
                                name: get(0),
                                patent_attorney_cert: get(1),
                                tech_broker_cert: get(2),
                            }
                        })
                        .collect();
                    let p = PartnerInput {
                        kind: g("kind"),
                        name: g("name"),
                        uscc: g("uscc"),
                        agreement_date: g("date"),
                        practitioners,
                    };
                    (p.kind.is_some()
                        || p.name.is_some()
                        || p.uscc.is_some()
                        || p.agreement_date.is_some()
                        || !p.practitioners.is_empty())
                    .then_some(p)
                })
                .collect();
        }
        "declarations" => {
            input.declarations.bad_credit_last_3_years = str_bool(f.v("bad_credit"));
            input.declarations.mass_infringement_cases = str_bool(f.v("mass_infringement"));
        }
        _ => {}
    }
}

/// 大型/中型/小型/微型 as typed in Chinese, or the slug.
fn size_slug(s: &str) -> String {
    match s.trim() {
        "大型" | "大" => "large",
        "中型" | "中" => "medium",
        "小型" | "小" => "small",
        "微型" | "微" => "micro",
        other => return other.to_string(),
    }
    .to_string()
}

/// Registry partners the operator can pick (name → kind and USCC filled in).
async fn registry_partners(state: &AppState) -> Result<Vec<(String, String, String)>, PageError> {
    let mut out = Vec::new();
    for kind in [
        OrgKind::Exchange,
        OrgKind::Bank,
        OrgKind::Insurer,
        OrgKind::Agency,
    ] {
        let (_, orgs) = state
            .db
            .org_list(&OrgFilter {
                kind: Some(kind),
                limit: 200,
                ..Default::default()
            })
            .await?;
        for o in orgs {
            out.push((o.name, kind.label().to_string(), o.uscc.unwrap_or_default()));
        }
    }
    Ok(out)
}

/// Fill what the registry knows: a partner named like a registered organisation gets its USCC
/// when none was typed, and an agency with no practitioners listed gets the registered ones.
async fn fill_from_registry(
    state: &AppState,
    input: &mut ApplicationInput,
) -> Result<(), PageError> {
    for p in input.partners.iter_mut() {
        let Some(name) = p.name.clone() else { continue };
        let (_, found) = state
            .db
            .org_list(&OrgFilter {
                q: Some(name.clone()),
                limit: 5,
                ..Default::default()
            })
            .await?;
        let Some(org) = found.into_iter().find(|o| o.name == name) else {
            continue;
        };
        if p.uscc.is_none() {
            p.uscc = org.uscc.clone();
        }
        if p.kind.is_none() {
            p.kind = match org.kind() {
                OrgKind::Exchange => Some("exchange".into()),
                OrgKind::Bank => Some("bank".into()),
                OrgKind::Insurer => Some("insurer".into()),
                OrgKind::Agency => Some("agency".into()),
                _ => None,
            };
        }
        if p.kind.as_deref() == Some("agency") && p.practitioners.is_empty() {
            p.practitioners = state
                .db
                .practitioner_list(org.id)
                .await?
                .into_iter()
                .map(|r| PractitionerInputRow {
                    name: Some(r.name),
                    patent_attorney_cert: r.patent_attorney_cert,
                    tech_broker_cert: r.tech_broker_cert,
                })
                .collect();
        }
    }
    Ok(())
}

async fn render_edit(
    state: &AppState,
    user: &Principal,
    l: &Loaded,
    step: (&'static str, &'static str),
    form: Option<FormState>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (v, _) = judge(state, l).await.map_err(PageError::from)?;
    let form = form.unwrap_or_else(|| form_for(step.0, &l.input));
    let idx = STEPS.iter().position(|s| s.0 == step.0).unwrap_or(0);
    let existing = l.input.partners.len();
    Ok(page_with_status(
        status,
        &EditPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("填写申报书 · {}", step.1),
                "applications",
            )
            .with_notice(notice),
            id: l.row.id,
            round_year: l.row.round_year,
            step: step.0,
            step_title: step.1,
            steps: STEPS.to_vec(),
            next_step: STEPS.get(idx + 1).map(|s| s.0),
            form,
            districts: district::all()
                .map(|d| Choice {
                    value: d.code,
                    label: d.name,
                })
                .collect(),
            checks: check_rows(&v),
            eligible: eligible_label(&v),
            enterprise_count: l.input.enterprises.len(),
            enterprise_preview: l
                .input
                .enterprises
                .iter()
                .enumerate()
                .take(30)
                .map(|(i, e)| EnterpriseView {
                    row: i + 1,
                    name: opt(&e.name),
                    uscc: opt(&e.uscc),
                    size: opt(&e.size),
                    cert: opt(&e.hte_certificate),
                })
                .collect(),
            partner_rows: (0..existing + 3).collect(),
            registry_partners: if step.0 == "partners" {
                registry_partners(state).await?
            } else {
                Vec::new()
            },
        },
    ))
}

async fn editable(state: &AppState, user: &Principal, id: i64) -> Result<Loaded, PageError> {
    let l = load_for(state, user, id).await.map_err(PageError::from)?;
    if !policy::can_edit_application(&user.actor(), &l.scope()) {
        return Err(PageError::forbidden());
    }
    if !l.row.status().editable() {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            format!("申报书当前状态为“{}”，不能修改。", l.row.status().label()),
        ));
    }
    Ok(l)
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<StepQuery>,
) -> Result<Response, PageError> {
    let l = editable(&state, &user, id).await?;
    render_edit(
        &state,
        &user,
        &l,
        step_of(q.step.as_deref()),
        None,
        q.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<StepQuery>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let mut l = editable(&state, &user, id).await?;
    let step = step_of(q.step.as_deref());
    let form = FormState::with_values(values);
    let mut input = l.input.clone();
    let mut local_errors = Vec::new();
    if form.v("action") == "registry" {
        // Add every registered enterprise of the park's district that is not yet in the list.
        let district = input.park.district_code.clone();
        let Some(district) = district else {
            let mut form = form;
            form.errors
                .insert("registry".into(), "请先在第一步填写园区所在区".into());
            return render_edit(
                &state,
                &user,
                &l,
                step,
                Some(form),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        };
        let (_, orgs) = state
            .db
            .org_list(&OrgFilter {
                kind: Some(OrgKind::Enterprise),
                district_code: Some(district),
                limit: 1000,
                ..Default::default()
            })
            .await?;
        let have: std::collections::HashSet<String> = input
            .enterprises
            .iter()
            .filter_map(|e| e.uscc.clone())
            .collect();
        for o in orgs {
            if o.uscc.as_ref().is_some_and(|u| !have.contains(u)) {
                input.enterprises.push(EnterpriseInput {
                    name: Some(o.name),
                    uscc: o.uscc,
                    size: o.size_class.map(|s| s.slug().to_string()),
                    hte_certificate: o.hte_certificate,
                });
            }
        }
    } else if form.v("action") == "clear" {
        input.enterprises.clear();
    } else {
        apply(step.0, &form, &mut input, &mut local_errors);
    }
    if step.0 == "partners" {
        fill_from_registry(&state, &mut input).await?;
    }
    let checked = check_input(&input);
    if !local_errors.is_empty() || checked.is_err() {
        let mut form = form;
        for (k, m) in local_errors {
            form.errors.insert(k, m);
        }
        if let Err(errs) = checked {
            for e in errs {
                // Map the input's field paths onto this step's form fields.
                let key = field_key(&e.field);
                form.errors.entry(key).or_insert(e.message);
            }
        }
        return render_edit(
            &state,
            &user,
            &l,
            step,
            Some(form),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let app = checked.expect("checked");
    state
        .db
        .application_update(id, &save_of(&input, &app), &user.who())
        .await?;
    l.input = input;
    let go = if form.v("action") == "next" {
        STEPS
            .iter()
            .position(|s| s.0 == step.0)
            .and_then(|i| STEPS.get(i + 1))
            .map(|s| s.0)
            .unwrap_or(step.0)
    } else {
        step.0
    };
    if form.v("action") == "next" && go == step.0 {
        return Ok(Redirect::to(&format!("/applications/{id}?notice=saved")).into_response());
    }
    Ok(Redirect::to(&format!("/applications/{id}/edit?step={go}&notice=saved")).into_response())
}

/// `park.management_body.uscc` → `mb_uscc`; `partners.2.agreement_date` → `p2_date`.
fn field_key(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["park", "management_body", f] => format!("mb_{f}"),
        ["park", f] => f.to_string(),
        ["ip_office", f] => f.to_string(),
        ["partners", i, "agreement_date"] => format!("p{i}_date"),
        ["partners", i, "practitioners", ..] => format!("p{i}_practitioners"),
        ["partners", i, f] => format!("p{i}_{f}"),
        ["declarations", "bad_credit_last_3_years"] => "bad_credit".into(),
        ["declarations", "mass_infringement_cases"] => "mass_infringement".into(),
        _ => path.to_string(),
    }
}

// ---------- enterprise list import ----------

pub struct IssueView {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "applications/import.html")]
struct ImportPage {
    layout: Layout,
    id: i64,
    aid: i64,
    filename: String,
    total: usize,
    valid: usize,
    issues: Vec<IssueView>,
    error: Option<String>,
}

async fn import_upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let l = editable(&state, &user, id).await?;
    let render_err = |msg: String| ImportPage {
        layout: Layout::new(&state, Some(&user), "导入企业名单", "applications"),
        id,
        aid: 0,
        filename: String::new(),
        total: 0,
        valid: 0,
        issues: Vec::new(),
        error: Some(msg),
    };
    let up = match read_upload(mp).await {
        Ok(u) => u,
        Err((msg, status)) => return Ok(page_with_status(status, &render_err(msg))),
    };
    let parsed = match zhiyun_reports::parse_enterprise_list(&up.filename, &up.bytes) {
        Ok(p) => p,
        Err(e) => {
            return Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &render_err(e.to_string()),
            ));
        }
    };
    // Dry run: the file is kept with the application (evidence) and the report shown; nothing is imported yet.
    let ct = if up.filename.to_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        XLSX
    };
    let meta = state
        .db
        .attachment_add(
            l.row.id,
            "enterprise_list",
            &up.filename,
            ct,
            &up.bytes,
            &user.who(),
        )
        .await?;
    Ok(page(&ImportPage {
        layout: Layout::new(&state, Some(&user), "导入企业名单 · 预检", "applications"),
        id,
        aid: meta.id,
        filename: up.filename,
        total: parsed.rows.len(),
        valid: parsed.rows.iter().filter(|r| r.issues.is_empty()).count(),
        issues: parsed
            .rows
            .iter()
            .flat_map(|r| r.issues.iter())
            .map(|i| IssueView {
                row: i.row,
                column: i.column.clone(),
                message: i.message.clone(),
            })
            .collect(),
        error: None,
    }))
}

async fn import_confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let l = editable(&state, &user, id).await?;
    let (meta, bytes) = state.db.attachment_get(id, aid).await?;
    let parsed = zhiyun_reports::parse_enterprise_list(&meta.filename, &bytes)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let valid_only = f.get("mode").map(String::as_str) == Some("valid");
    let rows: Vec<EnterpriseInput> = parsed
        .rows
        .into_iter()
        .filter(|r| !valid_only || r.issues.is_empty())
        .map(|r| r.input)
        .collect();
    let mut input = l.input.clone();
    if f.get("target").map(String::as_str) == Some("append") {
        input.enterprises.extend(rows);
    } else {
        input.enterprises = rows;
    }
    let app = check_input(&input)
        .map_err(|e| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, e[0].message.clone()))?;
    state
        .db
        .application_update(id, &save_of(&input, &app), &user.who())
        .await?;
    Ok(Redirect::to(&format!(
        "/applications/{id}/edit?step=enterprises&notice=imported"
    ))
    .into_response())
}
