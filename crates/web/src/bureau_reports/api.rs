//! The reports API (`/api/v1/reports/{year}/…`, T8): each handler parses the request, calls one
//! use case of `zhiyun_service::bureau_reports` and answers JSON or the file.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zhiyun_domain::bureau_report::{
    DeadlineInput, Decision, FigureDiff, ReviewInput, Sections, SectionsInput,
};
use zhiyun_service::bureau_reports::{
    self as reports, DistrictLine, FILE_KINDS, PackageRecord, YearList, YearView, file_label,
};

use crate::AppState;
use crate::applications::downloads::{DOCX, XLSX, download};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::layout::fmt_time;

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DistrictQuery {
    /// The district's code; absent: the caller's own.
    pub district: Option<String>,
}

/// A file of a submitted package.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FileView {
    /// `work_report`, `statistics`, `survey_report`.
    pub kind: String,
    pub label: String,
    pub filename: String,
    pub url: String,
}

/// A submitted package.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackageView {
    pub district_code: String,
    pub district_name: String,
    pub year: i32,
    /// submitted | returned | accepted
    pub status: String,
    pub status_label: String,
    /// The last submission came after the deadline.
    pub late: bool,
    /// How many times it was submitted.
    pub submissions: u32,
    /// `YYYY-MM-DD HH:MM` (Beijing).
    pub submitted_at: String,
    pub submitted_by: String,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub files: Vec<FileView>,
}

impl PackageView {
    pub fn of(p: &PackageRecord) -> PackageView {
        let name = zhiyun_domain::district::by_code(p.district_code).map_or("", |d| d.name);
        PackageView {
            district_code: p.district_code.to_string(),
            district_name: name.to_string(),
            year: p.year,
            status: p.status.slug().to_string(),
            status_label: p.status.label().to_string(),
            late: p.late,
            submissions: p.submissions,
            submitted_at: fmt_time(p.submitted_at),
            submitted_by: p.submitted_by_name.clone(),
            review_comment: p.review_comment.clone(),
            reviewed_at: p.reviewed_at.map(fmt_time),
            reviewed_by: p.reviewed_by_name.clone(),
            files: FILE_KINDS
                .iter()
                .filter_map(|(k, _)| p.files.iter().find(|(fk, _)| fk.as_str() == *k))
                .map(|(kind, filename)| FileView {
                    label: file_label(kind).to_string(),
                    url: format!(
                        "/api/v1/reports/{}/submissions/{}/files/{kind}",
                        p.year, p.district_code
                    ),
                    kind: kind.clone(),
                    filename: filename.clone(),
                })
                .collect(),
        }
    }
}

/// A district's year for its operator and bureaus.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YearReportView {
    pub district_code: String,
    pub district_name: String,
    pub year: i32,
    /// `YYYY-MM-DD`, set by the municipal bureau.
    pub deadline: Option<String>,
    /// missing | overdue | submitted | late | returned | accepted
    pub standing: String,
    pub standing_label: String,
    /// 存在问题
    pub problems: String,
    /// 下一年度工作计划
    pub plan: String,
    pub may_submit: bool,
    pub may_review: bool,
    pub package: Option<PackageView>,
}

impl YearReportView {
    pub fn of(v: &YearView) -> YearReportView {
        YearReportView {
            district_code: v.district.code.to_string(),
            district_name: v.district.name.to_string(),
            year: v.year,
            deadline: v.deadline.map(|d| d.to_string()),
            standing: v.standing.slug().to_string(),
            standing_label: v.standing.label().to_string(),
            problems: v.sections.problems.clone(),
            plan: v.sections.plan.clone(),
            may_submit: v.may_submit,
            may_review: v.may_review,
            package: v.package.as_ref().map(PackageView::of),
        }
    }
}

/// A figure changed since submission.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiffView {
    pub indicator: String,
    pub year: i32,
    /// As frozen at submission (the indicator's unit), absent when there was none.
    pub frozen: Option<String>,
    /// As the records count it now.
    pub now: Option<String>,
    pub unit: String,
}

impl DiffView {
    pub fn of(d: &FigureDiff) -> DiffView {
        let k = d.indicator;
        DiffView {
            indicator: k.code().to_string(),
            year: d.year,
            frozen: d.frozen.map(|v| k.figure(v).to_string()),
            now: d.now.map(|v| k.figure(v).to_string()),
            unit: k.unit().to_string(),
        }
    }
}

/// A package with the figures changed since it was submitted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionDetail {
    pub package: PackageView,
    pub differences: Vec<DiffView>,
}

/// One district in the bureau's list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DistrictLineView {
    pub district_code: String,
    pub district_name: String,
    /// missing | overdue | submitted | late | returned | accepted
    pub standing: String,
    pub standing_label: String,
    pub package: Option<PackageView>,
}

impl DistrictLineView {
    pub fn of(l: &DistrictLine) -> DistrictLineView {
        DistrictLineView {
            district_code: l.district.code.to_string(),
            district_name: l.district.name.to_string(),
            standing: l.standing.slug().to_string(),
            standing_label: l.standing.label().to_string(),
            package: l.package.as_ref().map(PackageView::of),
        }
    }
}

/// The bureau's list of a year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionsView {
    pub year: i32,
    pub deadline: Option<String>,
    pub districts: Vec<DistrictLineView>,
}

impl SubmissionsView {
    pub fn of(l: &YearList) -> SubmissionsView {
        SubmissionsView {
            year: l.year,
            deadline: l.deadline.map(|d| d.to_string()),
            districts: l.lines.iter().map(DistrictLineView::of).collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    pub year: i32,
    pub due_on: String,
}

/// A district's year: the deadline, the operator's sections, the package and how it stands.
/// Operators and district bureaus their own district (`district` may be left out), the municipal
/// bureau any.
#[utoipa::path(get, path = "/api/v1/reports/{year}", tag = "reports",
    params(("year" = i32, Path), ("district" = Option<String>, Query)),
    responses((status = 200, body = YearReportView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_report_year(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<DistrictQuery>,
) -> Result<Json<YearReportView>, ApiError> {
    let v = reports::year_view(&state.svc, &user, q.district.as_deref(), year).await?;
    Ok(Json(YearReportView::of(&v)))
}

/// The operator writes its sections of the work report: `problems` (存在问题) and `plan`
/// (下一年度工作计划). 409 `package_submitted` / `package_accepted` while the bureau has the package.
#[utoipa::path(put, path = "/api/v1/reports/{year}/sections", tag = "reports",
    params(("year" = i32, Path), ("district" = Option<String>, Query)), request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_report_sections(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<DistrictQuery>,
    ApiJson(input): ApiJson<SectionsInput>,
) -> Result<Json<Sections>, ApiError> {
    let s = reports::save_sections(&state.svc, &user, q.district.as_deref(), year, &input).await?;
    Ok(Json(s))
}

/// The statistics report drafted now (XLSX): one sheet per indicator, the deal list, the pledge
/// list, the benefiting SMEs, the events and trainings.
#[utoipa::path(get, path = "/api/v1/reports/{year}/statistics.xlsx", tag = "reports",
    params(("year" = i32, Path), ("district" = Option<String>, Query)),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_report_statistics(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<DistrictQuery>,
) -> Result<Response, ApiError> {
    let f = reports::statistics_xlsx(&state.svc, &user, q.district.as_deref(), year).await?;
    Ok(download(XLSX, &f.filename, f.bytes))
}

/// The work report drafted now (DOCX, GB/T 9704 layout) with the operator's sections.
#[utoipa::path(get, path = "/api/v1/reports/{year}/work-report.docx", tag = "reports",
    params(("year" = i32, Path), ("district" = Option<String>, Query)),
    responses((status = 200, description = "DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_report_work_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<DistrictQuery>,
) -> Result<Response, ApiError> {
    let f = reports::work_report_docx(&state.svc, &user, q.district.as_deref(), year).await?;
    Ok(download(DOCX, &f.filename, f.bytes))
}

/// The operator submits the year's package (work report, statistics report, survey report);
/// the KPI figures are frozen. 201; 409 `package_submitted` (waiting for the bureau) or
/// `package_accepted`; 422 `required` for a section not written.
#[utoipa::path(post, path = "/api/v1/reports/{year}/submission", tag = "reports",
    params(("year" = i32, Path), ("district" = Option<String>, Query)),
    responses((status = 201, body = PackageView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_report_submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<DistrictQuery>,
) -> Result<Response, ApiError> {
    let p = reports::submit(&state.svc, &user, q.district.as_deref(), year).await?;
    Ok((StatusCode::CREATED, Json(PackageView::of(&p))).into_response())
}

/// Every district's package of a year, submitted / late / missing (the municipal bureau).
#[utoipa::path(get, path = "/api/v1/reports/{year}/submissions", tag = "reports",
    params(("year" = i32, Path)),
    responses((status = 200, body = SubmissionsView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_report_submissions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<SubmissionsView>, ApiError> {
    let l = reports::submissions(&state.svc, &user, year).await?;
    Ok(Json(SubmissionsView::of(&l)))
}

/// One district's package with the figures changed since it was submitted (against the frozen
/// snapshot). 404 when nothing was submitted.
#[utoipa::path(get, path = "/api/v1/reports/{year}/submissions/{district}", tag = "reports",
    params(("year" = i32, Path), ("district" = String, Path)),
    responses((status = 200, body = SubmissionDetail), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_report_submission(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((year, district)): Path<(i32, String)>,
) -> Result<Json<SubmissionDetail>, ApiError> {
    let ctx = &state.svc;
    let v = reports::year_view(ctx, &user, Some(&district), year).await?;
    let package = v
        .package
        .as_ref()
        .ok_or_else(|| ApiError::from(zhiyun_service::Error::not_found()))?;
    let diffs = reports::differences(ctx, &user, Some(&district), year)
        .await?
        .unwrap_or_default();
    Ok(Json(SubmissionDetail {
        package: PackageView::of(package),
        differences: diffs.iter().map(DiffView::of).collect(),
    }))
}

/// A file of a submitted package, as sent (`work_report`, `statistics`, `survey_report`).
#[utoipa::path(get, path = "/api/v1/reports/{year}/submissions/{district}/files/{kind}", tag = "reports",
    params(("year" = i32, Path), ("district" = String, Path), ("kind" = String, Path)),
    responses((status = 200, description = "DOCX or XLSX"), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_report_file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((year, district, kind)): Path<(i32, String, String)>,
) -> Result<Response, ApiError> {
    let f = reports::package_file(&state.svc, &user, Some(&district), year, &kind).await?;
    let ct = if f.filename.ends_with(".xlsx") {
        XLSX
    } else {
        DOCX
    };
    Ok(download(ct, &f.filename, f.bytes))
}

async fn review(
    state: &AppState,
    user: &zhiyun_service::Principal,
    year: i32,
    district: &str,
    decision: Decision,
    input: &ReviewInput,
) -> Result<Json<PackageView>, ApiError> {
    let p = reports::review(&state.svc, user, district, year, decision, input).await?;
    Ok(Json(PackageView::of(&p)))
}

/// The municipal bureau accepts a submitted package (`comment` optional). 409
/// `package_not_submitted` / `package_accepted`.
#[utoipa::path(post, path = "/api/v1/reports/{year}/submissions/{district}/accept", tag = "reports",
    params(("year" = i32, Path), ("district" = String, Path)), request_body = Object,
    responses((status = 200, body = PackageView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_report_accept(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((year, district)): Path<(i32, String)>,
    body: axum::body::Bytes,
) -> Result<Json<PackageView>, ApiError> {
    // The body is optional: an acceptance needs no comment.
    let input: ReviewInput = if body.iter().all(u8::is_ascii_whitespace) {
        ReviewInput::default()
    } else {
        crate::json::parse_json(&body)?
    };
    review(&state, &user, year, &district, Decision::Accept, &input).await
}

/// The municipal bureau returns a submitted package with its `comment` (required); the operator
/// may then change its sections and submit again.
#[utoipa::path(post, path = "/api/v1/reports/{year}/submissions/{district}/return", tag = "reports",
    params(("year" = i32, Path), ("district" = String, Path)), request_body = Object,
    responses((status = 200, body = PackageView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_report_return(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((year, district)): Path<(i32, String)>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<PackageView>, ApiError> {
    review(&state, &user, year, &district, Decision::Return, &input).await
}

/// The municipal bureau sets the year's deadline: `due_on` (`YYYY-MM-DD`).
#[utoipa::path(put, path = "/api/v1/reports/{year}/deadline", tag = "reports",
    params(("year" = i32, Path)), request_body = Object,
    responses((status = 200, body = DeadlineView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_report_deadline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(year): Path<i32>,
    ApiJson(input): ApiJson<DeadlineInput>,
) -> Result<Json<DeadlineView>, ApiError> {
    let due = reports::set_deadline(&state.svc, &user, year, &input).await?;
    Ok(Json(DeadlineView {
        year,
        due_on: due.to_string(),
    }))
}
