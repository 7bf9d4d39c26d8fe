//! The enterprise list from a spreadsheet: the template, the dry run's report, the import.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zhiyun_service::Kind;
use zhiyun_service::applications::enterprises;

use super::attachments::read_upload;
use super::downloads::{XLSX, download};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::{Layout, page, page_with_status};

pub async fn template_download(PageUser(user): PageUser) -> Result<Response, PageError> {
    let bytes = enterprises::template(&user)?;
    Ok(download(XLSX, "园区企业名单模板.xlsx", bytes))
}

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

/// Upload and dry run: the report, with the choice of what to import.
pub async fn import_upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let refused = |msg: String, status: StatusCode| {
        page_with_status(
            status,
            &ImportPage {
                layout: Layout::new(&state, Some(&user), "导入企业名单", "applications"),
                id,
                aid: 0,
                filename: String::new(),
                total: 0,
                valid: 0,
                issues: Vec::new(),
                error: Some(msg),
            },
        )
    };
    let up = match read_upload(mp).await {
        Ok(u) => u,
        Err((msg, status)) => return Ok(refused(msg, status)),
    };
    let cmd = enterprises::ImportFile {
        id,
        filename: up.filename,
        bytes: up.bytes,
    };
    let preview = match enterprises::preview(&state.svc, &user, cmd).await {
        Ok(p) => p,
        Err(e) if e.kind == Kind::Invalid => {
            return Ok(refused(e.message, StatusCode::UNPROCESSABLE_ENTITY));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(page(&ImportPage {
        layout: Layout::new(&state, Some(&user), "导入企业名单 · 预检", "applications"),
        id,
        aid: preview.attachment.id,
        filename: preview.attachment.filename,
        total: preview.total,
        valid: preview.valid,
        issues: preview
            .issues
            .into_iter()
            .map(|i| IssueView {
                row: i.row,
                column: i.column,
                message: i.message,
            })
            .collect(),
        error: None,
    }))
}

/// Import the file of the dry run: all rows or the valid ones, replacing the list or appended.
pub async fn import_confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let cmd = enterprises::ConfirmImport {
        id,
        attachment_id: aid,
        valid_only: f.get("mode").map(String::as_str) == Some("valid"),
        append: f.get("target").map(String::as_str) == Some("append"),
    };
    enterprises::confirm(&state.svc, &user, cmd).await?;
    Ok(Redirect::to(&format!(
        "/applications/{id}/edit?step=enterprises&notice=imported"
    ))
    .into_response())
}
