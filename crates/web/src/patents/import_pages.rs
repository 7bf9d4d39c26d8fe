//! The upload pages of the patent import, as for listings: download the template, upload, watch the
//! dry run, read every issue (on the page and as CSV), then import all rows or only the valid ones.
//! Works without JavaScript (the job page refreshes itself while the import runs in the
//! background). Jobs live in memory for two hours.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_service::Principal;
use zhiyun_service::patents::import::{
    ImportReport, ImportWrite, Importer, Progress, import, parse_mode,
};
use zhiyun_service::patents::owners_for;

use super::api::MAX_IMPORT_BYTES;
use super::views::{ImportIssueView, ImportReportView};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/patents/import",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/patents/import/template.xlsx", get(template))
        .route("/patents/import/{job}", get(job_page))
        .route("/patents/import/{job}/commit", post(commit))
        .route("/patents/import/{job}/issues.csv", get(issues_csv))
}

/// An upload being checked or written, polled by its page.
struct Job {
    user_id: i64,
    filename: String,
    bytes: Arc<Vec<u8>>,
    created: std::time::Instant,
    state: Arc<Mutex<JobState>>,
}

#[derive(Debug, Clone, Default)]
struct JobState {
    progress: Option<Progress>,
    /// The last finished run (the dry run, then the real one).
    report: Option<ImportReport>,
    error: Option<String>,
    running: bool,
}

/// Upload jobs of this process.
static JOBS: LazyLock<Mutex<HashMap<String, Arc<Job>>>> = LazyLock::new(Mutex::default);

fn insert_job(id: String, job: Job) -> Arc<Job> {
    let mut m = JOBS.lock().expect("jobs lock");
    m.retain(|_, j| j.created.elapsed().as_secs() < 2 * 3600);
    let job = Arc::new(job);
    m.insert(id, job.clone());
    job
}

fn job_for(user: &Principal, id: &str) -> Result<Arc<Job>, PageError> {
    JOBS.lock()
        .expect("jobs lock")
        .get(id)
        .filter(|j| j.user_id == user.id)
        .cloned()
        .ok_or_else(|| {
            PageError::new(
                StatusCode::NOT_FOUND,
                "找不到这次导入（导入记录只保留两小时，或服务已重启），请重新上传文件。",
            )
        })
}

fn spawn(state: &AppState, job: Arc<Job>, importer: Importer, write: ImportWrite) {
    {
        let mut s = job.state.lock().expect("job lock");
        s.running = true;
        s.error = None;
        s.progress = None;
    }
    let ctx = state.svc.clone();
    tokio::spawn(async move {
        let js = job.state.clone();
        let progress = move |p: Progress| {
            if let Ok(mut s) = js.lock() {
                s.progress = Some(p);
            }
        };
        let result = import(
            &ctx,
            &importer,
            &job.filename,
            job.bytes.clone(),
            write,
            &progress,
        )
        .await;
        let mut s = job.state.lock().expect("job lock");
        s.running = false;
        match result {
            Ok(r) => s.report = Some(r),
            Err(e) => s.error = Some(e.message),
        }
    });
}

#[derive(Template)]
#[template(path = "patents/import_upload.html")]
struct UploadPage {
    layout: Layout,
    /// Acting for others (an operator or an agency): rows must name their owner.
    on_behalf: bool,
    error: Option<String>,
}

async fn may_import(state: &AppState, user: &Principal) -> Result<bool, PageError> {
    let owners = owners_for(&state.svc, user).await?;
    if owners.is_empty() {
        return Err(PageError::forbidden());
    }
    Ok(owners.iter().any(|o| o.id != user.org_id))
}

async fn upload_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    let on_behalf = may_import(&state, &user).await?;
    Ok(page(&UploadPage {
        layout: Layout::new(&state, Some(&user), "批量导入专利", "patents"),
        on_behalf,
        error: None,
    }))
}

async fn template(PageUser(_user): PageUser) -> Result<Response, PageError> {
    let bytes = zhiyun_service::patents::import::template_xlsx()?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        "专利导入模板.xlsx",
        bytes,
    ))
}

async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let on_behalf = may_import(&state, &user).await?;
    let fail = |msg: String, status| {
        Ok(page_with_status(
            status,
            &UploadPage {
                layout: Layout::new(&state, Some(&user), "批量导入专利", "patents"),
                on_behalf,
                error: Some(msg),
            },
        ))
    };
    let too_large = "文件过大，最大 64 MB；请拆分后分批导入".to_string();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return fail(too_large, StatusCode::PAYLOAD_TOO_LARGE);
            }
            Err(e) => return fail(format!("上传失败：{e}"), StatusCode::BAD_REQUEST),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return fail(too_large, StatusCode::PAYLOAD_TOO_LARGE);
                }
                Err(e) => return fail(format!("上传失败：{e}"), StatusCode::BAD_REQUEST),
            }
        }
    }
    let Some((filename, bytes)) = file.filter(|(n, b)| !n.is_empty() && !b.is_empty()) else {
        return fail(
            "请选择要上传的 XLSX 或 CSV 文件".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let id = zhiyun_service::random_hex(16);
    let job = insert_job(
        id.clone(),
        Job {
            user_id: user.id,
            filename,
            bytes: Arc::new(bytes),
            created: std::time::Instant::now(),
            state: Arc::default(),
        },
    );
    spawn(&state, job, Importer::of(&user), ImportWrite::DryRun);
    Ok(Redirect::to(&format!("/patents/import/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "patents/import_job.html")]
struct JobPage {
    layout: Layout,
    id: String,
    filename: String,
    running: bool,
    progress: Option<Progress>,
    error: Option<String>,
    report: Option<ImportReportView>,
    /// The first issues shown on the page (all are in the CSV).
    shown: Vec<ImportIssueView>,
}

async fn job_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = job_for(&user, &id)?;
    let s = job.state.lock().expect("job lock").clone();
    let report = s.report.as_ref().map(ImportReportView::from);
    Ok(page(&JobPage {
        layout: Layout::new(&state, Some(&user), "批量导入专利", "patents"),
        filename: job.filename.clone(),
        running: s.running,
        progress: s.progress,
        error: s.error,
        shown: report
            .as_ref()
            .map(|r| r.issues.iter().take(500).cloned().collect())
            .unwrap_or_default(),
        report,
        id,
    }))
}

#[derive(Deserialize)]
struct CommitForm {
    mode: String,
}

async fn commit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<CommitForm>,
) -> Result<Response, PageError> {
    let job = job_for(&user, &id)?;
    let write = parse_mode(&f.mode)
        .filter(|w| *w != ImportWrite::DryRun)
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "请选择导入方式"))?;
    {
        let s = job.state.lock().expect("job lock");
        if s.running {
            return Err(PageError::new(
                StatusCode::CONFLICT,
                "这次导入正在进行，请稍候。",
            ));
        }
        if s.report.as_ref().is_some_and(|r| r.written) {
            return Err(PageError::new(
                StatusCode::CONFLICT,
                "该文件已导入，不能重复导入。",
            ));
        }
    }
    spawn(&state, job, Importer::of(&user), write);
    Ok(Redirect::to(&format!("/patents/import/{id}")).into_response())
}

/// Every issue as CSV (UTF-8 with BOM, so Excel opens it in Chinese).
async fn issues_csv(
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = job_for(&user, &id)?;
    let report = job.state.lock().expect("job lock").report.clone();
    let Some(report) = report else {
        return Err(PageError::not_found());
    };
    let rows: Vec<Vec<String>> = report
        .issues
        .iter()
        .map(|i| {
            vec![
                i.row.to_string(),
                i.column.clone(),
                i.code.to_string(),
                i.message.clone(),
            ]
        })
        .collect();
    let bytes =
        zhiyun_service::listings::import::issues_csv(&["行号", "列", "问题代码", "问题"], &rows);
    Ok(crate::applications::download(
        "text/csv; charset=utf-8",
        &format!("{}-问题清单.csv", job.filename),
        bytes,
    ))
}
