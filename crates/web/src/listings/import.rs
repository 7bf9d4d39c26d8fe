//! Bulk import of supply and demand listings (T1) from XLSX or CSV: the one procedure behind the
//! upload page, `POST /api/v1/listings/import` and `zhiyun import`. A dry run reports every bad
//! cell and every duplicate and writes nothing; then all-or-nothing or valid-rows-only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use zhiyun_domain::code::Code;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_domain::org::Role;
use zhiyun_domain::policy::{self, Actor};
use zhiyun_reports::listing_import::{self, COL_OWNER_USCC, COL_PATENTS, COL_TITLE};
use zhiyun_store::listings::{ImportWrite, NewListing};
use zhiyun_store::{Db, Who};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::layout::today;

/// Import files may be this large (a 200,000-row XLSX is about 30 MB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/listings/import",
        post(api_import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
    )
}

/// Who imports: their permissions, their name in the audit log, and their own organisation.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: Actor,
    pub who: Who,
}

impl Importer {
    /// The command line acts as a platform administrator: every row must name its organisation.
    pub fn cli() -> Importer {
        Importer {
            actor: Actor {
                user_id: 0,
                org_id: 0,
                role: Role::Municipal,
                district: None,
                admin: true,
            },
            who: Who::cli(),
        }
    }

    /// May the importer put rows straight on the public site (or into the review queue)?
    fn may_set(&self, status: ListingStatus) -> bool {
        match status {
            ListingStatus::Draft | ListingStatus::Submitted => true,
            ListingStatus::Published => {
                self.actor.admin || self.actor.role == zhiyun_domain::org::Role::Operator
            }
            _ => false,
        }
    }
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

/// Where an import is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// 读取文件 | 核对机构 | 查重 | 写入
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// The file could not be read as a listings table at all.
#[derive(Debug, Clone)]
pub struct FileError {
    pub code: Code,
    pub message: String,
}

impl From<FileError> for ApiError {
    fn from(e: FileError) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message)
    }
}

pub fn mode_slug(w: ImportWrite) -> &'static str {
    match w {
        ImportWrite::DryRun => "dry_run",
        ImportWrite::AllOrNothing => "all_or_nothing",
        ImportWrite::ValidRowsOnly => "valid_rows_only",
    }
}

pub fn parse_mode(s: &str) -> Option<ImportWrite> {
    match s.trim() {
        "dry_run" => Some(ImportWrite::DryRun),
        "all_or_nothing" => Some(ImportWrite::AllOrNothing),
        "valid_rows_only" => Some(ImportWrite::ValidRowsOnly),
        _ => None,
    }
}

/// Read, check and (as `write` says) store a listings file.
#[allow(clippy::too_many_arguments)]
pub async fn run_import(
    db: &Db,
    importer: &Importer,
    kind: ListingKind,
    filename: &str,
    bytes: Arc<Vec<u8>>,
    write: ImportWrite,
    status: ListingStatus,
    progress: &ProgressFn,
) -> Result<ImportReport, FileError> {
    if !importer.may_set(status) {
        return Err(FileError {
            code: Code::ForbiddenStatus,
            message: format!("您不能将导入的条目直接设为“{}”", status.label()),
        });
    }
    progress(Progress {
        phase: "读取文件",
        done: 0,
        total: 0,
    });
    let name = filename.to_string();
    let parsed = tokio::task::spawn_blocking(move || {
        listing_import::parse_listings(kind, &name, &bytes, today())
    })
    .await
    .map_err(|e| FileError {
        code: Code::Internal,
        message: format!("读取文件失败：{e}"),
    })?
    .map_err(|e| FileError {
        code: e.code(),
        message: e.to_string(),
    })?;
    let total = parsed.len();
    let mut report = ImportReport {
        kind: kind.slug().into(),
        mode: mode_slug(write).into(),
        status: status.slug().into(),
        total_rows: total,
        ..Default::default()
    };
    let mut issues: Vec<ImportIssue> = parsed
        .iter()
        .flat_map(|r| &r.issues)
        .map(|i| ImportIssue {
            row: i.row,
            column: i.column.clone(),
            code: i.code,
            message: i.message.clone(),
        })
        .collect();

    // Owners: by the row's USCC, else the importer's own organisation.
    let mut owners: HashMap<String, Option<(i64, Role, String)>> = HashMap::new();
    let mut items: Vec<NewListing<'_>> = Vec::with_capacity(total);
    for (i, r) in parsed.iter().enumerate() {
        if i % 1000 == 0 {
            progress(Progress {
                phase: "核对机构",
                done: i,
                total,
            });
        }
        let Some(listing) = &r.listing else { continue };
        let owner = match &r.owner_uscc {
            Some(uscc) => {
                if !owners.contains_key(uscc) {
                    let org = db.org_by_uscc(uscc).await.map_err(|e| FileError {
                        code: Code::Internal,
                        message: e.to_string(),
                    })?;
                    let found = org.map(|o| {
                        let role = o.kind.role();
                        (o.id, role, o.name)
                    });
                    owners.insert(uscc.clone(), found);
                }
                match &owners[uscc] {
                    Some(o) => Some(o.clone()),
                    None => {
                        issues.push(ImportIssue {
                            row: r.row,
                            column: COL_OWNER_USCC.into(),
                            code: Code::UnknownOrg,
                            message: format!(
                                "{COL_OWNER_USCC}“{uscc}”：该机构未在平台机构名录中登记，请先登记机构"
                            ),
                        });
                        None
                    }
                }
            }
            None if importer.actor.org_id > 0 && !importer.actor.admin => {
                Some((importer.actor.org_id, importer.actor.role, String::new()))
            }
            None => {
                issues.push(ImportIssue {
                    row: r.row,
                    column: COL_OWNER_USCC.into(),
                    code: Code::Required,
                    message: format!("{COL_OWNER_USCC}：代机构导入时必须填写发布机构的信用代码"),
                });
                None
            }
        };
        let Some((org_id, role, org_name)) = owner else {
            continue;
        };
        if !policy::can_import_listing(&importer.actor, org_id, role, kind, listing.district_code) {
            let who = if org_name.is_empty() {
                "本机构".to_string()
            } else {
                format!("“{org_name}”")
            };
            issues.push(ImportIssue {
                row: r.row,
                column: COL_OWNER_USCC.into(),
                code: Code::ForbiddenOwner,
                message: format!(
                    "无权为{who}导入该{}：企业和高校只能导入本机构的条目（技术需求限企业），运营机构只能代录本区的条目",
                    kind.label()
                ),
            });
            continue;
        }
        items.push(NewListing {
            row: r.row,
            owner_org_id: org_id,
            listing,
            body_json: serde_json::to_string(&r.input).unwrap_or_default(),
        });
    }

    // All-or-nothing with bad rows already: still look for duplicates, but write nothing.
    let store_write = if write == ImportWrite::AllOrNothing && !issues.is_empty() {
        ImportWrite::DryRun
    } else {
        write
    };
    let n = items.len();
    let outcome = db
        .listing_import(&items, status, store_write, &importer.who, &|done| {
            let (phase, done) = if done <= n {
                ("查重", done)
            } else {
                ("写入", done - n)
            };
            progress(Progress {
                phase,
                done,
                total: n,
            })
        })
        .await
        .map_err(|e| FileError {
            code: Code::Store,
            message: e.to_string(),
        })?;
    for c in &outcome.conflicts {
        issues.push(ImportIssue {
            row: c.row,
            column: if c.field == "patents" {
                COL_PATENTS
            } else {
                COL_TITLE
            }
            .into(),
            code: c.code,
            message: c.message.clone(),
        });
    }
    issues.sort_by_key(|i| i.row);
    let mut bad_rows: Vec<usize> = issues.iter().map(|i| i.row).collect();
    bad_rows.dedup();
    report.valid_rows = total - bad_rows.len();
    report.imported = outcome.created.len();
    report.written = outcome.written;
    report.ids = outcome.created.iter().map(|c| c.1).collect();
    report.issues = issues;
    Ok(report)
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
    let importer = Importer {
        actor: user.actor(),
        who: user.who(),
    };
    if !importer.may_set(status) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Code::ForbiddenStatus,
            format!("您不能将导入的条目直接设为“{}”", status.label()),
        ));
    }
    let report = run_import(
        &state.db,
        &importer,
        kind,
        &filename,
        Arc::new(body.to_vec()),
        write,
        status,
        &|_| {},
    )
    .await?;
    super::index::index_ids(&state, &report.ids).await;
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
        let result = run_import(
            &state.db,
            &importer,
            job.kind,
            &job.filename,
            job.bytes.clone(),
            write,
            status,
            &progress,
        )
        .await;
        if let Ok(r) = &result {
            super::index::index_ids(&state, &r.ids).await;
        }
        let mut s = job.state.lock().expect("job lock");
        s.running = false;
        match result {
            Ok(r) => s.report = Some(r),
            Err(e) => s.error = Some(e.message),
        }
    });
}
