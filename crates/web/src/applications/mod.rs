//! Park applications (A1–A6): rounds, drafts, submission, the checks, the municipal review,
//! supporting documents, the enterprise-list import and the exports. Every handler parses the
//! request, calls one use case of `zhiyun_service::applications` and renders JSON or a page.
//!
//! - [`api`] — the JSON API (`/api/v1/rounds`, `/api/v1/applications/…`);
//! - [`list`] — the application list and the new draft;
//! - [`overview`] — one application: its checks, the submit button, the review and comment forms;
//! - [`editor`] — the five-step form;
//! - [`rounds`] — the bureau's rounds page;
//! - [`attachments`] — supporting documents from a form;
//! - [`import`] — the enterprise list from a spreadsheet;
//! - [`views`] — what the API and the pages show; [`downloads`] — files sent back.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use zhiyun_domain::application::attachment::MAX_ATTACHMENT_BYTES;

use crate::AppState;

pub mod api;
pub mod attachments;
pub mod downloads;
pub mod editor;
pub mod import;
pub mod list;
pub mod overview;
pub mod rounds;
pub mod views;

// The API handlers where the OpenAPI document names them.
pub use api::*;
pub use downloads::{XLSX, download};

/// Multipart forms carry a file of at most [`MAX_ATTACHMENT_BYTES`] and a few fields.
const FORM_LIMIT: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rounds", get(api_rounds).post(api_round_create))
        .route(
            "/api/v1/rounds/{year}/applications.xlsx",
            get(api_round_xlsx),
        )
        .route("/api/v1/applications", get(api_list).post(api_create))
        .route("/api/v1/applications/{id}", get(api_get).put(api_update))
        .route("/api/v1/applications/{id}/submit", post(api_submit))
        .route("/api/v1/applications/{id}/checks", get(api_checks))
        .route(
            "/api/v1/applications/{id}/reviews",
            get(api_reviews).post(api_review),
        )
        .route("/api/v1/applications/{id}/docx", get(api_docx))
        .route(
            "/api/v1/applications/{id}/attachments",
            crate::error::body_limit(
                get(api_attachments).post(api_attachment_upload),
                MAX_ATTACHMENT_BYTES,
            ),
        )
        .route(
            "/applications",
            get(list::list_page).post(list::create_form),
        )
        .route(
            "/applications/enterprise-template.xlsx",
            get(import::template_download),
        )
        .route("/rounds", get(rounds::rounds_page).post(rounds::round_form))
        .route("/applications/{id}", get(overview::overview_page))
        .route(
            "/applications/{id}/edit",
            get(editor::edit_page).post(editor::edit_form),
        )
        .route("/applications/{id}/submit", post(overview::submit_form))
        .route("/applications/{id}/reviews", post(overview::review_form))
        .route(
            "/applications/{id}/attachments",
            post(attachments::attachment_form).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/applications/{id}/attachments/{aid}",
            get(attachments::attachment_download),
        )
        .route(
            "/applications/{id}/enterprises/import",
            post(import::import_upload).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/applications/{id}/enterprises/import/{aid}",
            post(import::import_confirm),
        )
}
