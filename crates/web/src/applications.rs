//! Park applications (A1–A6): rounds, drafts, submission, automatic checks, the municipal review,
//! exports. The rules are the domain's (`zhiyun_domain::application`); this module loads, asks and shows.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhiyun_domain::application::{
    Application, ApplicationInput, Context, PartnerKind, Rule, RuleReview, Status, Verdict,
    check_input, evaluate, missing_for_submission,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::policy::{self, ApplicationScope};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::StoreError;
use zhiyun_store::accounts::Principal;
use zhiyun_store::applications::{
    AppFilter, AppRow, AppSave, AppStatus, AttachmentMeta, NewReview, Review, Round,
};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::{date_of, fmt_time, today};

pub mod pages;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rounds", get(api_rounds).post(api_round_create))
        .route(
            "/api/v1/rounds/{year}/applications.xlsx",
            get(api_round_xlsx),
        )
        .route("/api/v1/applications", get(api_list).post(api_create))
        .route("/api/v1/applications/{id}", get(api_get).put(api_update))
        .route("/api/v1/applications/{id}/submit", post(api_submit))
        .route("/api/v1/applications/{id}/checks", get(api_checks))
        .route(
            "/api/v1/applications/{id}/reviews",
            get(api_reviews).post(api_review),
        )
        .route("/api/v1/applications/{id}/docx", get(api_docx))
        .route(
            "/api/v1/applications/{id}/attachments",
            get(api_attachments).post(api_attachment_upload).layer(
                axum::extract::DefaultBodyLimit::max(pages::MAX_ATTACHMENT_BYTES),
            ),
        )
        .merge(pages::routes())
}

// ---------- shared loading and judging ----------

/// An application as loaded: the stored row, the input it holds and that input checked.
pub struct Loaded {
    pub row: AppRow,
    pub input: ApplicationInput,
    pub app: Application,
}

impl Loaded {
    pub fn scope(&self) -> ApplicationScope<'_> {
        self.row.scope()
    }
}

pub async fn load(state: &AppState, id: i64) -> Result<Loaded, ApiError> {
    let row = state.db.application_get(id).await?;
    let input: ApplicationInput = serde_json::from_str(&row.body_json).map_err(|e| {
        tracing::error!(id, error = %e, "stored application body");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "申报书数据损坏",
        )
    })?;
    let app = check_input(&input).map_err(|errs| {
        tracing::error!(id, ?errs, "stored application no longer checks");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "申报书数据损坏",
        )
    })?;
    Ok(Loaded { row, input, app })
}

/// Load and check the reader may see it (404 rather than 403 for others' drafts: they do not exist for them).
pub async fn load_for(state: &AppState, user: &Principal, id: i64) -> Result<Loaded, ApiError> {
    let l = load(state, id).await?;
    if !policy::can_read_application(&user.actor(), &l.scope()) {
        return Err(ApiError::not_found());
    }
    Ok(l)
}

fn agencies_of(app: &Application) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = app
        .partners
        .iter()
        .filter(|p| p.kind == PartnerKind::Agency)
        .map(|p| (p.uscc.to_string(), p.name.clone()))
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

pub fn save_of(input: &ApplicationInput, app: &Application) -> AppSave {
    AppSave {
        body_json: serde_json::to_string(input).expect("serialisable input"),
        park_name: app.park.name.clone(),
        district_code: app.park.district.map(|d| d.code.to_string()),
        agencies: agencies_of(app),
    }
}

/// Run A1–A6 with what the store knows: other applications naming the same agencies, and the reviews.
pub async fn judge(state: &AppState, l: &Loaded) -> Result<(Verdict, Vec<Review>), ApiError> {
    let others = state
        .db
        .a5_other_applications(l.row.round_year, l.row.id)
        .await?;
    let reviews = state.db.review_list(l.row.id).await?;
    let rule_reviews: Vec<RuleReview> = reviews
        .iter()
        .filter(|r| r.kind == "rule")
        .filter_map(|r| {
            Some(RuleReview {
                rule: Rule::parse(r.rule.as_deref()?)?,
                status: Status::parse(r.status.as_deref()?)?,
                comment: r.comment.clone(),
            })
        })
        .collect();
    let as_of = l.row.submitted_at.map(date_of).unwrap_or_else(today);
    let verdict = evaluate(
        &l.app,
        &Context {
            as_of,
            other_applications: &others,
            reviews: &rule_reviews,
        },
    );
    Ok((verdict, reviews))
}

fn checked(input: &ApplicationInput) -> Result<Application, ApiError> {
    check_input(input).map_err(ApiError::invalid)
}

/// A5 across applications: submitting must not make any agency's third application of the round.
pub fn a5_limit(
    app: &Application,
    others: &[zhiyun_domain::application::OtherApplication],
) -> Result<(), StoreError> {
    for (uscc, name) in agencies_of(app) {
        let theirs: Vec<_> = others.iter().filter(|o| o.agency_uscc == uscc).collect();
        if theirs.len() >= 2 {
            let list = theirs
                .iter()
                .map(|o| format!("第 {} 号（{}）", o.id, o.park_name))
                .collect::<Vec<_>>()
                .join("、");
            return Err(StoreError::Conflict {
                code: Code::AgencyClusterLimit,
                field: Some("partners"),
                message: format!(
                    "服务机构“{name}”（{uscc}）已参与本轮 {list} 两个集聚区申报，每家服务机构最多参与 2 个集聚区项目（A5）"
                ),
            });
        }
    }
    Ok(())
}

/// Submit with every check a submission needs: the round's deadline, completeness, A5's limit.
pub async fn submit(state: &AppState, user: &Principal, id: i64) -> Result<AppRow, ApiError> {
    let l = load_for(state, user, id).await?;
    if !policy::can_edit_application(&user.actor(), &l.scope()) {
        return Err(ApiError::forbidden());
    }
    if !l.row.status().editable() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Code::NotEditable,
            format!("申报书当前状态为“{}”，不能提交", l.row.status().label()),
        ));
    }
    let round =
        state.db.round_get(l.row.round_year).await?.ok_or_else(|| {
            ApiError::new(StatusCode::CONFLICT, Code::UnknownRound, "申报轮次不存在")
        })?;
    if let Ok(deadline) = NaiveDate::parse_from_str(&round.deadline, "%Y-%m-%d")
        && today() > deadline
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Code::DeadlinePassed,
            format!(
                "{} 年度申报已于 {} 截止，不能再提交",
                round.year, round.deadline
            ),
        ));
    }
    let missing = missing_for_submission(&l.app);
    if !missing.is_empty() {
        let mut err = ApiError::invalid(missing);
        err.detail.code = Code::Incomplete;
        err.detail.message = format!(
            "申报书尚不完整，缺少 {} 项：{}",
            err.detail.errors.len(),
            err.detail.message
        );
        return Err(err);
    }
    let app = l.app.clone();
    Ok(state
        .db
        .application_submit(id, &user.who(), |_, others| a5_limit(&app, others))
        .await?)
}

// ---------- API views ----------

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

impl From<&Loaded> for ApplicationView {
    fn from(l: &Loaded) -> Self {
        ApplicationView {
            id: l.row.id,
            round_year: l.row.round_year,
            status: l.row.status.clone(),
            status_label: l.row.status().label().to_string(),
            operator_org_id: l.row.operator_org_id,
            park_name: l.row.park_name.clone(),
            district_code: l.row.district_code.clone(),
            submitted_at: l.row.submitted_at,
            created_at: l.row.created_at,
            updated_at: l.row.updated_at,
            body: l.input.clone(),
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

impl From<&AppRow> for ApplicationSummary {
    fn from(r: &AppRow) -> Self {
        ApplicationSummary {
            id: r.id,
            round_year: r.round_year,
            status: r.status.clone(),
            status_label: r.status().label().to_string(),
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

// ---------- rounds ----------

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RoundBody {
    pub year: i32,
    /// YYYY-MM-DD, the last day submissions are accepted.
    pub deadline: String,
}

pub fn check_round(year: i32, deadline: &str) -> Result<NaiveDate, Vec<FieldError>> {
    let mut errs = Vec::new();
    if !(2000..=2100).contains(&year) {
        errs.push(FieldError::new(
            "year",
            Code::BadYear,
            format!("年度应在 2000—2100 之间，实为 {year}"),
        ));
    }
    let d = NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errs.push(FieldError::new(
            "deadline",
            Code::BadDate,
            format!("截止日期“{deadline}”不是有效日期，应为 YYYY-MM-DD"),
        ));
    }
    match d {
        Some(d) if errs.is_empty() => Ok(d),
        _ => Err(errs),
    }
}

/// Open an application round (municipal bureau).
#[utoipa::path(post, path = "/api/v1/rounds", tag = "applications", request_body = RoundBody,
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "round_exists", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_round_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(b): ApiJson<RoundBody>,
) -> Result<Response, ApiError> {
    if !policy::can_open_rounds(&user.actor()) {
        return Err(ApiError::forbidden());
    }
    let d = check_round(b.year, &b.deadline).map_err(ApiError::invalid)?;
    let r = state
        .db
        .round_create(
            b.year.into(),
            &d.format("%Y-%m-%d").to_string(),
            &user.who(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// Application rounds, newest first.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "applications",
    responses((status = 200, body = Vec<Object>)))]
pub async fn api_rounds(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(state.db.round_list().await?))
}

// ---------- applications ----------

/// Create a draft (park operators).
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = Object,
    responses((status = 201, body = Created), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, description = "unknown_round", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<Response, ApiError> {
    if !policy::can_apply(&user.actor()) {
        return Err(ApiError::forbidden());
    }
    let app = checked(&input)?;
    let row = state
        .db
        .application_create(
            app.round_year.into(),
            user.org_id,
            &save_of(&input, &app),
            &user.who(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: row.id })).into_response())
}

/// Replace a draft (or one returned for correction).
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    request_body = Object,
    responses((status = 200, body = ApplicationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, description = "not_editable", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<Json<ApplicationView>, ApiError> {
    let l = load_for(&state, &user, id).await?;
    if !policy::can_edit_application(&user.actor(), &l.scope()) {
        return Err(ApiError::forbidden());
    }
    let app = checked(&input)?;
    if i64::from(app.round_year) != l.row.round_year {
        return Err(ApiError::invalid(vec![FieldError::new(
            "round_year",
            Code::RoundChanged,
            "申报书的年度不能修改",
        )]));
    }
    state
        .db
        .application_update(id, &save_of(&input, &app), &user.who())
        .await?;
    Ok(Json(ApplicationView::from(&load(&state, id).await?)))
}

/// One application.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(ApplicationView::from(
        &load_for(&state, &user, id).await?,
    )))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub round_year: Option<i64>,
}

/// The applications the caller may see: an operator its own; the municipal bureau all submitted ones;
/// a district bureau the submitted ones of its district.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ListParams),
    responses((status = 200, body = Vec<ApplicationSummary>)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<ApplicationSummary>>, ApiError> {
    let rows = visible_applications(&state, &user, p.round_year).await?;
    Ok(Json(rows.iter().map(ApplicationSummary::from).collect()))
}

pub async fn visible_applications(
    state: &AppState,
    user: &Principal,
    round_year: Option<i64>,
) -> Result<Vec<AppRow>, ApiError> {
    let actor = user.actor();
    let rows = state
        .db
        .application_list(&AppFilter {
            round_year,
            ..Default::default()
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| policy::can_read_application(&actor, &r.scope()))
        .collect())
}

/// Submit: refused after the round's deadline (409 `deadline_passed`), when incomplete (422 `incomplete`),
/// or when an agency would join its third application of the round (409 `agency_cluster_limit`).
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationSummary), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "agency_cluster_limit | deadline_passed | not_editable", body = crate::error::ErrorBody),
              (status = 422, description = "incomplete", body = crate::error::ErrorBody)))]
pub async fn api_submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationSummary>, ApiError> {
    let row = submit(&state, &user, id).await?;
    Ok(Json(ApplicationSummary::from(&row)))
}

/// The A1–A6 checks with their evidence: `eligible` is false when any fails, true when all pass,
/// null while any needs review.
#[utoipa::path(get, path = "/api/v1/applications/{id}/checks", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_checks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Verdict>, ApiError> {
    let l = load_for(&state, &user, id).await?;
    Ok(Json(judge(&state, &l).await?.0))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// A1 … A6: a decision on one check (with `status`).
    pub rule: Option<String>,
    /// pass | fail | needs_review: where the reviewer puts the check.
    pub status: Option<String>,
    /// approve | reject | return: a decision on the whole application.
    pub decision: Option<String>,
    #[serde(default)]
    pub comment: String,
}

/// A review: the municipal bureau confirms or overrules a check (`rule` + `status`) or decides
/// (`decision`); the district bureau of the park's district may comment (`comment` only).
#[utoipa::path(post, path = "/api/v1/applications/{id}/reviews", tag = "applications", params(("id" = i64, Path)),
    request_body = ReviewBody,
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 409, description = "not_submitted | already_decided | not_eligible", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReviewBody>,
) -> Result<Response, ApiError> {
    let r = review(&state, &user, id, b).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

pub async fn review(
    state: &AppState,
    user: &Principal,
    id: i64,
    b: ReviewBody,
) -> Result<Review, ApiError> {
    let l = load_for(state, user, id).await?;
    let actor = user.actor();
    let comment = b.comment.trim().to_string();
    if comment.chars().count() > 2000 {
        return Err(ApiError::invalid(vec![FieldError::new(
            "comment",
            Code::TooLong,
            "审核意见最多 2000 字",
        )]));
    }
    let new = match (b.rule.as_deref(), b.decision.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "decision",
                Code::Ambiguous,
                "一次只能审核一项条件或作出一项结论",
            )]));
        }
        (Some(rule), None) => {
            if !policy::can_review_application(&actor) {
                return Err(ApiError::forbidden());
            }
            let rule = Rule::parse(rule).ok_or_else(|| {
                ApiError::invalid(vec![FieldError::new(
                    "rule",
                    Code::UnknownRule,
                    format!("未知的条件“{rule}”，应为 A1—A6"),
                )])
            })?;
            let status = b.status.as_deref().and_then(Status::parse).ok_or_else(|| {
                ApiError::invalid(vec![FieldError::new(
                    "status",
                    Code::UnknownStatus,
                    "审核结论应为 pass、fail 或 needs_review",
                )])
            })?;
            // A6: confirmed only against the credit report attached to the application.
            if rule == Rule::A6 && status == Status::Pass {
                let attached = state.db.attachment_list(id).await?;
                if !attached.iter().any(|a| a.part == "credit_report") {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        Code::CreditReportMissing,
                        "尚未上传园区管理主体的信用报告，不能确认 A6",
                    ));
                }
            }
            if comment.is_empty() {
                return Err(ApiError::invalid(vec![FieldError::required(
                    "comment",
                    "审核意见",
                )]));
            }
            NewReview {
                kind: "rule",
                rule: Some(rule.code().to_string()),
                status: Some(status.slug().to_string()),
                decision: None,
                comment,
                org_name: user.org_name.clone(),
            }
        }
        (None, Some(decision)) => {
            if !policy::can_review_application(&actor) {
                return Err(ApiError::forbidden());
            }
            if !matches!(decision, "approve" | "reject" | "return") {
                return Err(ApiError::invalid(vec![FieldError::new(
                    "decision",
                    Code::UnknownDecision,
                    "结论应为 approve、reject 或 return",
                )]));
            }
            if decision != "approve" && comment.is_empty() {
                return Err(ApiError::invalid(vec![FieldError::required(
                    "comment",
                    "审核意见",
                )]));
            }
            if decision == "approve" {
                let (verdict, _) = judge(state, &l).await?;
                if verdict.eligible != Some(true) {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        Code::NotEligible,
                        "仍有条件不符合或待审核，不能批准；请先逐项确认或改判",
                    ));
                }
            }
            NewReview {
                kind: "decision",
                rule: None,
                status: None,
                decision: Some(decision.to_string()),
                comment,
                org_name: user.org_name.clone(),
            }
        }
        (None, None) => {
            if !policy::can_comment_application(&actor, &l.scope()) {
                return Err(ApiError::forbidden());
            }
            if comment.is_empty() {
                return Err(ApiError::invalid(vec![FieldError::required(
                    "comment", "意见",
                )]));
            }
            NewReview {
                kind: "comment",
                rule: None,
                status: None,
                decision: None,
                comment,
                org_name: user.org_name.clone(),
            }
        }
    };
    Ok(state.db.review_add(id, &new, &user.who()).await?)
}

/// Reviews and comments, oldest first.
#[utoipa::path(get, path = "/api/v1/applications/{id}/reviews", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_reviews(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Review>>, ApiError> {
    load_for(&state, &user, id).await?;
    Ok(Json(state.db.review_list(id).await?))
}

// ---------- exports ----------

pub fn review_line(r: &Review) -> String {
    let what = match r.kind.as_str() {
        "rule" => format!(
            "{} {}",
            r.rule.as_deref().unwrap_or(""),
            r.status
                .as_deref()
                .and_then(Status::parse)
                .map(Status::label)
                .unwrap_or("")
        ),
        "decision" => match r.decision.as_deref() {
            Some("approve") => "批准".to_string(),
            Some("reject") => "不予批准".to_string(),
            Some("return") => "退回修改".to_string(),
            _ => String::new(),
        },
        _ => "意见".to_string(),
    };
    format!(
        "{} {}（{}）：{} — {}",
        fmt_time(r.at),
        r.username,
        r.org_name,
        what,
        r.comment
    )
}

pub fn attachment_line(a: &AttachmentMeta) -> String {
    format!(
        "{}（{}，{} KB）",
        a.filename,
        a.part,
        (a.size + 1023) / 1024
    )
}

async fn org_name(state: &AppState, id: i64) -> String {
    state
        .db
        .org_get(id)
        .await
        .map(|o| o.name)
        .unwrap_or_default()
}

pub fn download(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::auth::url_encode(filename);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"application.bin\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The 申报书 as DOCX, with the checks and the evidence summary.
#[utoipa::path(get, path = "/api/v1/applications/{id}/docx", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, description = "DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_docx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let l = load_for(&state, &user, id).await?;
    let bytes = docx_bytes(&state, &l).await?;
    let name = format!(
        "申报书-{}-{}.docx",
        l.row.round_year,
        l.row.park_name.as_deref().unwrap_or("未命名")
    );
    Ok(download(DOCX, &name, bytes))
}

pub async fn docx_bytes(state: &AppState, l: &Loaded) -> Result<Vec<u8>, ApiError> {
    let (verdict, reviews) = judge(state, l).await?;
    let attachments = state.db.attachment_list(l.row.id).await?;
    let doc = zhiyun_reports::ApplicationDoc {
        id: l.row.id,
        round_year: l.row.round_year as i32,
        status: l.row.status().label().to_string(),
        operator: org_name(state, l.row.operator_org_id).await,
        submitted_at: l.row.submitted_at.map(fmt_time).unwrap_or_default(),
        generated_at: fmt_time(zhiyun_store::now()),
        app: &l.app,
        verdict: &verdict,
        reviews: reviews.iter().map(review_line).collect(),
        attachments: attachments.iter().map(attachment_line).collect(),
    };
    zhiyun_reports::application_docx(&doc).map_err(|e| {
        tracing::error!(error = %e, "docx");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "生成申报书失败",
        )
    })
}

/// Every submitted application of a round side by side, as XLSX (municipal bureau; a district bureau gets its district's).
#[utoipa::path(get, path = "/api/v1/rounds/{year}/applications.xlsx", tag = "applications", params(("year" = i64, Path)),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_round_xlsx(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i64>,
) -> Result<Response, ApiError> {
    let rows = round_rows(&state, &user, year).await?;
    let bytes = zhiyun_reports::round_xlsx(year as i32, &rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "生成汇总表失败",
        )
    })?;
    Ok(download(
        XLSX,
        &format!("{year}年度集聚区申报汇总表.xlsx"),
        bytes,
    ))
}

/// The round's comparison rows the user may see (never drafts).
pub async fn round_rows(
    state: &AppState,
    user: &Principal,
    year: i64,
) -> Result<Vec<zhiyun_reports::RoundRow>, ApiError> {
    let actor = user.actor();
    if !matches!(
        actor.role,
        zhiyun_domain::org::Role::Municipal | zhiyun_domain::org::Role::District
    ) && !actor.admin
    {
        return Err(ApiError::forbidden());
    }
    let mut out = Vec::new();
    for row in visible_applications(state, user, Some(year)).await? {
        if row.status() == AppStatus::Draft {
            continue;
        }
        let l = load(state, row.id).await?;
        let (verdict, _) = judge(state, &l).await?;
        out.push(zhiyun_reports::RoundRow {
            id: row.id,
            park_name: row.park_name.clone().unwrap_or_default(),
            district: l
                .app
                .park
                .district
                .map(|d| d.name.to_string())
                .unwrap_or_default(),
            operator: org_name(state, row.operator_org_id).await,
            status: row.status().label().to_string(),
            submitted_at: row.submitted_at.map(fmt_time).unwrap_or_default(),
            verdict,
        });
    }
    Ok(out)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// park | ip_office | partners | credit_report | enterprise_list | other
    pub part: String,
    /// The file's name, e.g. `信用报告.pdf`.
    pub filename: String,
}

/// Attach a supporting document (the operator, while the application is editable). The body is the
/// file itself (PDF, PNG or JPEG, recognised by its content; at most 10 MiB).
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "applications",
    params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 413, description = "payload_too_large", body = crate::error::ErrorBody),
              (status = 415, description = "unsupported_file_type", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_attachment_upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(p): Query<UploadParams>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let l = load_for(&state, &user, id).await?;
    if !policy::can_edit_application(&user.actor(), &l.scope()) {
        return Err(ApiError::forbidden());
    }
    if !l.row.status().accepts_attachments() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Code::AlreadyDecided,
            format!("申报书已{}，不能再上传材料", l.row.status().label()),
        ));
    }
    if !pages::PARTS.iter().any(|(k, _)| *k == p.part) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "part",
            Code::UnknownPart,
            format!("未知的材料类别“{}”", p.part),
        )]));
    }
    let filename =
        zhiyun_domain::validation::text("filename", "文件名", Some(&p.filename), true, 120)
            .map_err(|e| ApiError::invalid(vec![e]))?
            .unwrap_or_default();
    let Some(content_type) = pages::sniff(&body) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::UnsupportedFileType,
            format!("“{filename}”不是 PDF、PNG 或 JPEG 文件"),
        ));
    };
    let meta = state
        .db
        .attachment_add(id, &p.part, &filename, content_type, &body, &user.who())
        .await?;
    Ok((StatusCode::CREATED, Json(meta)).into_response())
}

/// The supporting documents of an application (without their bytes).
#[utoipa::path(get, path = "/api/v1/applications/{id}/attachments", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_attachments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AttachmentMeta>>, ApiError> {
    load_for(&state, &user, id).await?;
    Ok(Json(state.db.attachment_list(id).await?))
}
