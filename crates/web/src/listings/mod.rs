//! Supply and demand listings on the web (T1, T2): the JSON API, the owner's and the operator's
//! pages, the public site with its feed and sitemap, and bulk import. Every handler calls one use
//! case of `zhiyun_service::listings`.

use axum::Router;

use crate::AppState;

pub mod api;
pub mod feed;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod public;
pub mod views;

pub use api::Created;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(import::routes())
        .merge(import_pages::routes())
        .merge(pages::routes())
        .merge(public::routes())
        .merge(feed::routes())
}
