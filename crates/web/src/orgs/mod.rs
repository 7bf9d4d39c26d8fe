//! The organisation registry: pages (`/orgs`) and API (`/api/v1/orgs`), with agencies'
//! practitioners. The use cases are `zhiyun_service::orgs`.

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

mod api;
mod pages;
mod views;

pub use api::*;
pub use views::{Choice, OrgView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(pages::list_page).post(pages::create_form))
        .route("/orgs/new", get(pages::new_page))
        .route(
            "/orgs/{id}",
            get(pages::detail_page).post(pages::update_form),
        )
        .route("/orgs/{id}/edit", get(pages::edit_page))
        .route(
            "/orgs/{id}/practitioners",
            post(pages::practitioner_add_form),
        )
        .route(
            "/orgs/{id}/practitioners/{pid}/delete",
            post(pages::practitioner_delete_form),
        )
        .route("/api/v1/orgs", get(api_list).post(api_create))
        .route("/api/v1/orgs/{id}", get(api_get).put(api_update))
        .route(
            "/api/v1/orgs/{id}/practitioners",
            get(api_practitioners).post(api_practitioner_add),
        )
        .route(
            "/api/v1/orgs/{id}/practitioners/{pid}",
            delete(api_practitioner_delete),
        )
        .route("/api/v1/districts", get(api_districts))
}
