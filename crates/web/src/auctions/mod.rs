//! Patent auctions with live bidding (issue 14): the JSON API with the lot's SSE feed (`api`) and
//! the pages (`pages`). Every handler calls a use case of `zhiyun_service::auctions`.

pub mod api;
mod pages;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}
