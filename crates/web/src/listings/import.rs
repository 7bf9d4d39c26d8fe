//! Bulk import of listings on the web (T1): `POST /api/v1/listings/import`, and the upload
//! page's background jobs (UI state: the file, the progress and the last report, in memory). The
//! import itself is `zhiyun_service::listings::import`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_service::listings::ImportWrite;
use zhiyun_service::listings::import::{self as service, ImportFile, Importer, parse_mode};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;

pub use service::Progress;

/// Import files may be this large (a 200,000-row XLSX is about 30 MB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/listings/import",
        post(api_import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
    )
}

/// One problem with one cell (or one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportIssue {
    /// Spreadsheet row number (the header is row 1 in the template).
    pub row: usize,
    /// Chinese column name, e.g. 关联专利申请号.
    pub column: String,
    /// Stable code, e.g. `bad_check_digit`, `required`, `duplicate_in_file`, `duplicate_listing`,
    /// `patent_already_listed`, `unknown_org`, `forbidden_owner`.
    #[schema(value_type = String)]
    pub code: Code,
    /// Chinese: the column, the value and the reason.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// demand | supply
    pub kind: String,
    /// dry_run | all_or_nothing | valid_rows_only
    pub mode: String,
    /// The status imported rows get: draft | submitted | published.
    pub status: String,
    /// Data rows in the file (blank rows not counted).
    pub total_rows: usize,
    /// Rows without any issue, duplicates included.
    pub valid_rows: usize,
    /// Rows written (0 for a dry run or a refused all-or-nothing import).
    pub imported: usize,
    /// Whether anything was written.
    pub written: bool,
    /// Every issue, by row.
    pub issues: Vec<ImportIssue>,
    /// Ids of the listings written, in row order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<i64>,
}

impl From<service::ImportReport> for ImportReport {
    fn from(r: service::ImportReport) -> ImportReport {
        ImportReport {
            kind: r.kind,
            mode: r.mode,
            status: r.status,
            total_rows: r.total_rows,
            valid_rows: r.valid_rows,
            imported: r.imported,
            written: r.written,
            issues: r
                .issues
                .into_iter()
                .map(|i| ImportIssue {
                    row: i.row,
                    column: i.column,
                    code: i.code,
                    message: i.message,
                })
                .collect(),
            ids: r.ids,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// demand | supply
    pub kind: String,
    /// dry_run (default) | all_or_nothing | valid_rows_only
    pub mode: Option<String>,
    /// draft (default) | submitted | published (cluster operators only)
    pub status: Option<String>,
    /// The file's name; its extension (.xlsx or .csv) decides the format. Without it the
    /// Content-Type decides (text/csv, or the XLSX type).
    pub filename: Option<String>,
}

/// Import listings from an XLSX or CSV file sent as the request body (at most 64 MiB, 200,000
/// rows; CSV in UTF-8 or GBK). `dry_run` writes nothing and reports every bad cell and duplicate;
/// `all_or_nothing` writes every row or, if any row has an issue, none (422 with the report);
/// `valid_rows_only` writes the rows without issues. Enterprises and universities import their
/// own listings; a cluster operator imports on behalf of registered organisations in its district
/// (column 机构统一社会信用代码) and may publish them at once.
#[utoipa::path(post, path = "/api/v1/listings/import", tag = "listings", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport),
              (status = 422, description = "a bad file (missing_columns, unreadable, empty, too_many_rows, unsupported_type), or all_or_nothing refused: `{\"error\": …, \"report\": …}`", body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ImportParams>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let bad = |field: &str, message: String| {
        ApiError::invalid(vec![zhiyun_domain::validation::FieldError::new(
            field,
            Code::UnknownValue,
            message,
        )])
    };
    let kind = ListingKind::parse(&q.kind)
        .ok_or_else(|| bad("kind", format!("类型“{}”应为 demand 或 supply", q.kind)))?;
    let mode = q.mode.as_deref().unwrap_or("dry_run");
    let write = parse_mode(mode).ok_or_else(|| {
        bad(
            "mode",
            format!("导入方式“{mode}”应为 dry_run、all_or_nothing 或 valid_rows_only"),
        )
    })?;
    let status_s = q.status.as_deref().unwrap_or("draft");
    let status = ListingStatus::parse(status_s).ok_or_else(|| {
        bad(
            "status",
            format!("状态“{status_s}”应为 draft、submitted 或 published"),
        )
    })?;
    let filename = q.filename.clone().unwrap_or_else(|| {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if ct.starts_with("text/csv") {
            "upload.csv".into()
        } else {
            "upload.xlsx".into()
        }
    });
    let report: ImportReport = service::import(
        &state.svc,
        &Importer::of(&user),
        ImportFile {
            kind,
            filename,
            bytes: Arc::new(body.to_vec()),
            write,
            status,
        },
        &|_| {},
    )
    .await?
    .into();
    if write == ImportWrite::AllOrNothing && !report.written {
        let err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::ImportHasErrors,
            format!(
                "有 {} 处问题，按“全部导入”的要求未导入任何条目",
                report.issues.len()
            ),
        );
        return Ok((
            err.status,
            Json(serde_json::json!({"error": err.detail, "report": report})),
        )
            .into_response());
    }
    Ok(Json(report).into_response())
}

// ---------- jobs for the upload page ----------

/// An upload being checked or written, polled by its page.
pub struct Job {
    pub user_id: i64,
    pub kind: ListingKind,
    pub filename: String,
    pub bytes: Arc<Vec<u8>>,
    pub created: std::time::Instant,
    pub state: Arc<Mutex<JobState>>,
}

#[derive(Debug, Clone, Default)]
pub struct JobState {
    pub progress: Option<Progress>,
    /// The last finished run (the dry run, then the real one).
    pub report: Option<ImportReport>,
    pub error: Option<String>,
    pub running: bool,
}

/// Upload jobs in memory, for at most two hours each.
#[derive(Default)]
pub struct Jobs(Mutex<HashMap<String, Arc<Job>>>);

impl Jobs {
    pub fn insert(&self, id: String, job: Job) {
        let mut m = self.0.lock().expect("jobs lock");
        m.retain(|_, j| j.created.elapsed().as_secs() < 2 * 3600);
        m.insert(id, Arc::new(job));
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.0.lock().expect("jobs lock").get(id).cloned()
    }
}

/// Run an import for a job in the background, recording progress and the report.
pub fn spawn_job(
    state: AppState,
    job: Arc<Job>,
    importer: Importer,
    write: ImportWrite,
    status: ListingStatus,
) {
    {
        let mut s = job.state.lock().expect("job lock");
        s.running = true;
        s.error = None;
        s.progress = None;
    }
    tokio::spawn(async move {
        let js = job.state.clone();
        let progress = move |p: Progress| {
            if let Ok(mut s) = js.lock() {
                s.progress = Some(p);
            }
        };
        let result = service::import(
            &state.svc,
            &importer,
            ImportFile {
                kind: job.kind,
                filename: job.filename.clone(),
                bytes: job.bytes.clone(),
                write,
                status,
            },
            &progress,
        )
        .await;
        let mut s = job.state.lock().expect("job lock");
        s.running = false;
        match result {
            Ok(r) => s.report = Some(r.into()),
            Err(e) => s.error = Some(e.message),
        }
    });
}
