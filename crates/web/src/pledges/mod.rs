//! Pledge financing and IP insurance (T5; issue 13): the JSON API (`api`), the pages (`pages`,
//! `insurance_pages`) and the views they share (`views`). Every handler calls a use case of
//! `zhiyun_service::pledges`.

pub mod api;
mod insurance_pages;
mod pages;
pub mod views;

use axum::Router;

pub use pages::{BankCard, bank_card};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(insurance_pages::routes())
}
