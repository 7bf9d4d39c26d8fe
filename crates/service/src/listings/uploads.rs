//! The upload page's listing imports (T1): a file kept under a random id, a dry run, then the
//! import the user confirms, each run in the background with its progress and report. Kept in
//! the database (two hours), so that with several server processes any of them shows the page
//! and runs what the user confirms; a run whose process died is reported as interrupted.
//! The import itself is [`super::import::import`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_domain::policy;
use zhiyun_store::listings::ImportWrite;
use zhiyun_store::uploads::UploadRecord;

use super::import::{ImportFile, ImportIssue, ImportReport, Importer, Progress, import};
use crate::{Ctx, Error, Principal, Result};

/// Uploads are kept this long.
pub const KEEP_SECS: i64 = 2 * 3600;
/// A run writes its progress (its sign of life) this often.
const BEAT: Duration = Duration::from_millis(500);
/// … and at least this often when nothing moved.
const HEARTBEAT_SECS: i64 = 20;
/// A run silent this long died with its process.
pub const SILENT_SECS: i64 = 120;

/// An upload as its page shows it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    pub kind: ListingKind,
    pub filename: String,
    pub running: bool,
    pub progress: Option<Progress>,
    /// The last finished run.
    pub report: Option<ImportReport>,
    pub error: Option<String>,
}

/// A run started by [`start`], to be done by [`run`].
#[derive(Debug, Clone)]
pub struct Run {
    pub id: String,
    kind: ListingKind,
    filename: String,
    runner: String,
}

/// Uploads one user may keep at once (within [`KEEP_SECS`]; issue 19, finding 3).
pub const MAX_UPLOADS_PER_USER: i64 = 5;
/// Bytes of kept uploads, everyone's together.
pub const MAX_UPLOAD_BYTES_TOTAL: i64 = 1024 * 1024 * 1024;

/// Keep an uploaded file for `user`: its id. The user must be one who may import this kind; a
/// user keeps at most [`MAX_UPLOADS_PER_USER`] uploads at once, everyone's together at most
/// [`MAX_UPLOAD_BYTES_TOTAL`] bytes (429 otherwise, saying when to try again).
pub async fn create(
    ctx: &Ctx,
    user: &Principal,
    kind: ListingKind,
    filename: &str,
    bytes: &[u8],
) -> Result<String> {
    if !policy::can_import_listings(&user.actor(), kind) {
        return Err(Error::forbidden());
    }
    let now = ctx.clock.now();
    let (mine, _, all_bytes) = ctx.db.upload_usage(user.id, now - KEEP_SECS).await?;
    if mine >= MAX_UPLOADS_PER_USER {
        return Err(Error::new(
            crate::Kind::Throttled,
            Code::TooMany,
            format!(
                "两小时内最多保留 {MAX_UPLOADS_PER_USER} 个待导入的文件，请先完成已上传的导入或稍后再试"
            ),
        ));
    }
    if all_bytes.saturating_add(bytes.len() as i64) > MAX_UPLOAD_BYTES_TOTAL {
        return Err(crate::accounts::busy());
    }
    let id = crate::random_hex(16);
    ctx.db
        .upload_create(&id, user.id, kind, filename, bytes, ctx.clock.now())
        .await?;
    Ok(id)
}

async fn own(ctx: &Ctx, user: &Principal, id: &str) -> Result<UploadRecord> {
    let now = ctx.clock.now();
    ctx.db
        .upload_get(id)
        .await?
        .filter(|u| u.user_id == user.id && u.created_at > now - KEEP_SECS)
        .ok_or_else(|| {
            Error::new(
                crate::Kind::NotFound,
                Code::NotFound,
                "找不到这次导入（导入记录只保留两小时），请重新上传文件。",
            )
        })
}

/// The caller's upload `id` (404 for another's, or after two hours).
pub async fn get(ctx: &Ctx, user: &Principal, id: &str) -> Result<Upload> {
    let u = own(ctx, user, id).await?;
    let died = u.running && u.updated_at < ctx.clock.now() - SILENT_SECS;
    let report = u
        .report_json
        .as_deref()
        .map(|json| {
            serde_json::from_str::<StoredReport>(json)
                .map_err(Error::internal)
                .and_then(StoredReport::into_report)
        })
        .transpose()?;
    Ok(Upload {
        id: u.id,
        kind: u.kind,
        filename: u.filename,
        running: u.running && !died,
        progress: u
            .progress
            .filter(|_| u.running && !died)
            .map(|(phase, done, total)| Progress {
                phase: phase_of(&phase),
                done: done.max(0) as usize,
                total: total.max(0) as usize,
            }),
        report,
        error: if died {
            Some("导入中断（处理它的服务进程已停止），请重新开始。".into())
        } else {
            u.error
        },
    })
}

/// Start a run of the caller's upload `id`: refused (409) while one is under way or once a run
/// has written listings. Of several processes asked at once one starts it.
pub async fn start(ctx: &Ctx, user: &Principal, id: &str) -> Result<Run> {
    let u = own(ctx, user, id).await?;
    if u.written {
        return Err(already_imported());
    }
    let runner = crate::random_hex(8);
    let now = ctx.clock.now();
    if !ctx
        .db
        .upload_start(id, &runner, now, now - SILENT_SECS)
        .await?
    {
        let again = ctx.db.upload_get(id).await?;
        return Err(if again.is_some_and(|u| u.written) {
            already_imported()
        } else {
            Error::conflict(Code::StatusChanged, "这次导入正在进行，请稍候。")
        });
    }
    Ok(Run {
        id: u.id,
        kind: u.kind,
        filename: u.filename,
        runner,
    })
}

fn already_imported() -> Error {
    Error::conflict(Code::StatusChanged, "该文件已导入，不能重复导入。")
}

/// Do a started run: read the file, import it as `write` and `status` say, writing the progress
/// as it goes and the report (or the error) at the end. Never fails: the outcome is recorded.
pub async fn run(
    ctx: Ctx,
    run: Run,
    importer: Importer,
    write: ImportWrite,
    status: ListingStatus,
) {
    let latest: Arc<Mutex<Option<Progress>>> = Arc::default();
    let done = Arc::new(tokio::sync::Notify::new());
    let beat = tokio::spawn(heartbeat(
        ctx.clone(),
        run.clone(),
        latest.clone(),
        done.clone(),
    ));
    let outcome = match ctx.db.upload_bytes(&run.id).await {
        Ok(bytes) => {
            let shown = latest.clone();
            import(
                &ctx,
                &importer,
                ImportFile {
                    kind: run.kind,
                    filename: run.filename.clone(),
                    bytes: Arc::new(bytes),
                    write,
                    status,
                },
                &move |p: Progress| {
                    if let Ok(mut l) = shown.lock() {
                        *l = Some(p);
                    }
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    done.notify_one();
    let _ = beat.await;
    let now = ctx.clock.now();
    let recorded = match outcome {
        Ok(report) => {
            let written = report.written;
            match serde_json::to_string(&StoredReport::of(report)) {
                Ok(json) => {
                    ctx.db
                        .upload_finish(&run.id, &run.runner, Ok((&json, written)), now)
                        .await
                }
                Err(e) => {
                    ctx.db
                        .upload_finish(&run.id, &run.runner, Err(&e.to_string()), now)
                        .await
                }
            }
        }
        Err(e) => {
            ctx.db
                .upload_finish(&run.id, &run.runner, Err(&e.message), now)
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(upload = run.id, error = %e, "recording an import run");
    }
}

/// Write the run's progress when it moved (and at least every [`HEARTBEAT_SECS`]) until `done`.
async fn heartbeat(
    ctx: Ctx,
    run: Run,
    latest: Arc<Mutex<Option<Progress>>>,
    done: Arc<tokio::sync::Notify>,
) {
    let mut written: Option<Progress> = None;
    let mut last_write = 0;
    loop {
        tokio::select! {
            _ = done.notified() => return,
            _ = tokio::time::sleep(BEAT) => {}
        }
        let now = ctx.clock.now();
        let p = *latest.lock().unwrap_or_else(|e| e.into_inner());
        let Some(p) = p else { continue };
        if written == Some(p) && now - last_write < HEARTBEAT_SECS {
            continue;
        }
        if let Err(e) = ctx
            .db
            .upload_progress(
                &run.id,
                &run.runner,
                p.phase,
                p.done as i64,
                p.total as i64,
                now,
            )
            .await
        {
            tracing::error!(upload = run.id, error = %e, "recording an import's progress");
        }
        written = Some(p);
        last_write = now;
    }
}

const PHASES: [&str; 4] = ["读取文件", "核对机构", "查重", "写入"];

fn phase_of(stored: &str) -> &'static str {
    PHASES
        .iter()
        .find(|p| **p == stored)
        .copied()
        .unwrap_or("处理中")
}

/// A report as kept in the database (the listing ids are left out: the page does not show them).
#[derive(Serialize, Deserialize)]
struct StoredReport {
    kind: String,
    mode: String,
    status: String,
    total_rows: usize,
    valid_rows: usize,
    imported: usize,
    written: bool,
    issues: Vec<StoredIssue>,
}

#[derive(Serialize, Deserialize)]
struct StoredIssue {
    row: usize,
    column: String,
    code: String,
    message: String,
}

impl StoredReport {
    fn of(r: ImportReport) -> StoredReport {
        StoredReport {
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
                .map(|i| StoredIssue {
                    row: i.row,
                    column: i.column,
                    code: i.code.as_str().to_string(),
                    message: i.message,
                })
                .collect(),
        }
    }

    fn into_report(self) -> Result<ImportReport> {
        let issues = self
            .issues
            .into_iter()
            .map(|i| {
                Ok(ImportIssue {
                    row: i.row,
                    code: Code::parse(&i.code).ok_or_else(|| {
                        Error::internal(format!("stored import code {:?}", i.code))
                    })?,
                    column: i.column,
                    message: i.message,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ImportReport {
            kind: self.kind,
            mode: self.mode,
            status: self.status,
            total_rows: self.total_rows,
            valid_rows: self.valid_rows,
            imported: self.imported,
            written: self.written,
            issues,
            ids: Vec::new(),
        })
    }
}
