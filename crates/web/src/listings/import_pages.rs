//! The upload pages of the listings import: choose a file, watch the dry run, read every issue,
//! then import all or only the valid rows. Works without JavaScript (the progress page refreshes
//! itself); the issue list downloads as CSV for Excel.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_domain::policy;
use zhiyun_service::Principal;
use zhiyun_service::listings::ImportWrite;
use zhiyun_service::listings::import::{Importer, parse_mode};
use zhiyun_service::listings::uploads;

use super::import::{ImportReport, MAX_IMPORT_BYTES, Progress, spawn_run};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, page, page_with_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/listings/import",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/listings/import/template.xlsx", get(template))
        .route("/listings/import/{job}", get(job_page))
        .route("/listings/import/{job}/commit", post(commit))
        .route("/listings/import/{job}/issues.csv", get(issues_csv))
}

/// Kinds this user may import (the page offers these; each row is still checked by the import).
fn kinds_for(user: &Principal) -> Vec<ListingKind> {
    let actor = user.actor();
    [ListingKind::Demand, ListingKind::Supply]
        .into_iter()
        .filter(|k| policy::can_import_listings(&actor, *k))
        .collect()
}

/// Whether the page offers to publish imported rows at once.
fn may_publish(user: &Principal) -> bool {
    policy::can_import_as(&user.actor(), ListingStatus::Published)
}

#[derive(Deserialize)]
struct KindQuery {
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "listings/import_upload.html")]
struct UploadPage {
    layout: Layout,
    /// (slug, label, selected)
    kinds: Vec<(&'static str, &'static str, bool)>,
    operator: bool,
    error: Option<String>,
}

fn render_upload(
    state: &AppState,
    user: &Principal,
    selected: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    page_with_status(
        status,
        &UploadPage {
            layout: Layout::new(state, Some(user), "批量导入供需条目", "listings"),
            kinds: kinds_for(user)
                .into_iter()
                .map(|k| (k.slug(), k.label(), k.slug() == selected))
                .collect(),
            operator: may_publish(user),
            error,
        },
    )
}

async fn upload_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    let kinds = kinds_for(&user);
    if kinds.is_empty() {
        return Err(PageError::forbidden());
    }
    let selected = q
        .kind
        .as_deref()
        .and_then(ListingKind::parse)
        .filter(|k| kinds.contains(k))
        .unwrap_or(kinds[0]);
    Ok(render_upload(
        &state,
        &user,
        selected.slug().into(),
        None,
        StatusCode::OK,
    ))
}

async fn template(
    PageUser(_user): PageUser,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    let kind = q
        .kind
        .as_deref()
        .and_then(ListingKind::parse)
        .unwrap_or(ListingKind::Demand);
    let bytes = zhiyun_service::listings::import::template_xlsx(kind)?;
    Ok(crate::applications::download(
        crate::applications::XLSX,
        &format!("{}导入模板.xlsx", kind.label()),
        bytes,
    ))
}

async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let kinds = kinds_for(&user);
    if kinds.is_empty() {
        return Err(PageError::forbidden());
    }
    let mut kind_s = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let fail = |kind_s: &str, msg: String, status| {
        Ok(render_upload(
            &state,
            &user,
            kind_s.to_string(),
            Some(msg),
            status,
        ))
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return fail(
                    &kind_s,
                    "文件过大，最大 64 MB；请拆分后分批导入".into(),
                    StatusCode::PAYLOAD_TOO_LARGE,
                );
            }
            Err(e) => {
                return fail(&kind_s, format!("上传失败：{e}"), StatusCode::BAD_REQUEST);
            }
        };
        match field.name() {
            Some("kind") => kind_s = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return fail(
                            &kind_s,
                            "文件过大，最大 64 MB；请拆分后分批导入".into(),
                            StatusCode::PAYLOAD_TOO_LARGE,
                        );
                    }
                    Err(e) => {
                        return fail(&kind_s, format!("上传失败：{e}"), StatusCode::BAD_REQUEST);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(kind) = ListingKind::parse(&kind_s).filter(|k| kinds.contains(k)) else {
        return fail(
            &kind_s,
            "请选择导入的类型（技术需求或专利供给）".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let Some((filename, bytes)) = file.filter(|(n, b)| !n.is_empty() && !b.is_empty()) else {
        return fail(
            &kind_s,
            "请选择要上传的 XLSX 或 CSV 文件".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let id = uploads::create(&state.svc, &user, kind, &filename, &bytes).await?;
    drop(bytes);
    let run = uploads::start(&state.svc, &user, &id).await?;
    spawn_run(
        &state,
        run,
        Importer::of(&user),
        ImportWrite::DryRun,
        ListingStatus::Draft,
    );
    Ok(Redirect::to(&format!("/listings/import/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "listings/import_job.html")]
struct JobPage {
    layout: Layout,
    id: String,
    kind_label: &'static str,
    filename: String,
    running: bool,
    progress: Option<Progress>,
    error: Option<String>,
    report: Option<ImportReport>,
    /// The first issues shown on the page (all are in the CSV).
    shown: Vec<super::import::ImportIssue>,
    operator: bool,
    status_label: &'static str,
}

async fn job_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = uploads::get(&state.svc, &user, &id).await?;
    let report: Option<ImportReport> = s.report.map(Into::into);
    let status_label = report
        .as_ref()
        .and_then(|r| ListingStatus::parse(&r.status))
        .map(ListingStatus::label)
        .unwrap_or("");
    Ok(page(&JobPage {
        layout: Layout::new(&state, Some(&user), "批量导入供需条目", "listings"),
        kind_label: s.kind.label(),
        filename: s.filename,
        running: s.running,
        progress: s.progress,
        error: s.error,
        shown: report
            .as_ref()
            .map(|r| r.issues.iter().take(500).cloned().collect())
            .unwrap_or_default(),
        report,
        operator: may_publish(&user),
        status_label,
        id,
    }))
}

#[derive(Deserialize)]
struct CommitForm {
    mode: String,
    #[serde(default)]
    status: Option<String>,
}

async fn commit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<CommitForm>,
) -> Result<Response, PageError> {
    let write = parse_mode(&f.mode)
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "请选择导入方式"))?;
    let status = f
        .status
        .as_deref()
        .and_then(ListingStatus::parse)
        .unwrap_or(ListingStatus::Draft);
    // Refused (409) while a run is under way or once one wrote listings.
    let run = uploads::start(&state.svc, &user, &id).await?;
    spawn_run(&state, run, Importer::of(&user), write, status);
    Ok(Redirect::to(&format!("/listings/import/{id}")).into_response())
}

/// Every issue as CSV (UTF-8 with BOM, so Excel opens it in Chinese).
async fn issues_csv(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let upload = uploads::get(&state.svc, &user, &id).await?;
    let Some(report) = upload.report.map(ImportReport::from) else {
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
        &format!("{}-问题清单.csv", upload.filename),
        bytes,
    ))
}
