//! Supporting documents from the overview page's form, and their download.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use zhiyun_domain::application::attachment::MAX_ATTACHMENT_BYTES;
use zhiyun_service::applications::attachments;

use super::downloads::download;
use super::overview::{render_overview, shown_on_page, status_of};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

/// A file from a multipart form.
pub struct Upload {
    pub part: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Read the `part` and `file` fields; errors carry the status to answer (413 when too large).
pub async fn read_upload(mut mp: Multipart) -> Result<Upload, (String, StatusCode)> {
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

pub async fn attachment_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let up = match read_upload(mp).await {
        Ok(up) => up,
        Err((msg, status)) => {
            return render_overview(&state, &user, id, None, Some((msg, Vec::new())), status).await;
        }
    };
    let cmd = attachments::Upload {
        id,
        part: up.part,
        filename: up.filename,
        bytes: up.bytes,
    };
    match attachments::upload(&state.svc, &user, cmd).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/applications/{id}?notice=uploaded#attachments"))
                .into_response(),
        ),
        // A decided application is a page of its own, as before the form was read.
        Err(e) if shown_on_page(&e) && e.kind != zhiyun_service::Kind::Conflict => {
            let status = status_of(&e);
            render_overview(
                &state,
                &user,
                id,
                None,
                Some((e.message, Vec::new())),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn attachment_download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (meta, data) = attachments::download(&state.svc, &user, id, aid).await?;
    let ct: &'static str = match meta.content_type.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    Ok(download(ct, &meta.filename, data))
}
