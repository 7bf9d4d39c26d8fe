//! Files sent to the browser: a download response, and the spreadsheet and document types.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `bytes` as a file named `filename` (any characters: sent URL-encoded).
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
