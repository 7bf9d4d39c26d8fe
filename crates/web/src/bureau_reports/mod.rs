//! Reports to the municipal bureau (T8, issue 16) on the web: the JSON API ([`api`]) and the
//! pages ([`pages`]): the operator's 年度报送 and the municipal bureau's 报送情况. Each handler
//! parses the request, calls one use case of `zhiyun_service::bureau_reports` and renders.

use axum::Router;
use axum::routing::{get, post, put};

use crate::AppState;

mod api;
mod pages;

pub use api::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports/{year}", get(api_report_year))
        .route("/api/v1/reports/{year}/sections", put(api_report_sections))
        .route(
            "/api/v1/reports/{year}/statistics.xlsx",
            get(api_report_statistics),
        )
        .route(
            "/api/v1/reports/{year}/work-report.docx",
            get(api_report_work_report),
        )
        .route("/api/v1/reports/{year}/submission", post(api_report_submit))
        .route(
            "/api/v1/reports/{year}/submissions",
            get(api_report_submissions),
        )
        .route(
            "/api/v1/reports/{year}/submissions/{district}",
            get(api_report_submission),
        )
        .route(
            "/api/v1/reports/{year}/submissions/{district}/files/{kind}",
            get(api_report_file),
        )
        .route(
            "/api/v1/reports/{year}/submissions/{district}/accept",
            post(api_report_accept),
        )
        .route(
            "/api/v1/reports/{year}/submissions/{district}/return",
            post(api_report_return),
        )
        .route("/api/v1/reports/{year}/deadline", put(api_report_deadline))
        .route("/reports", get(pages::index))
        .route("/reports/{year}", get(pages::year))
        .route("/reports/{year}/sections", post(pages::sections_form))
        .route("/reports/{year}/bureau", get(pages::bureau))
        .route("/reports/{year}/deadline", post(pages::deadline_form))
        .route(
            "/reports/{year}/review/{district}/{decision}",
            post(pages::review_form),
        )
}
