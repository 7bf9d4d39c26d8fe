//! Bulk import of listings on the web (T1): `POST /api/v1/listings/import`, and starting the
//! upload page's runs. The import itself is `zhiyun_service::listings::import`; the upload
//! page's files, progress and reports are `zhiyun_service::listings::uploads` (in the database).

use std::sync::Arc;

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
use zhiyun_service::listings::uploads;

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

// ---------- runs of the upload page ----------

/// Do a started run of an upload in the background (its progress and report go to the database,
/// where the page reads them, whichever process serves it).
pub fn spawn_run(
    state: &AppState,
    run: uploads::Run,
    importer: Importer,
    write: ImportWrite,
    status: ListingStatus,
) {
    tokio::spawn(uploads::run(
        state.svc.clone(),
        run,
        importer,
        write,
        status,
    ));
}
