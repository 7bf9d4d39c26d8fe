//! The patent and trademark register (T6, K5; issue 11): the JSON API (`api`), the pages
//! (`pages`, `import_pages`, `other_pages`) and the views they share (`views`). Every handler
//! calls a use case of `zhiyun_service::patents`.

pub mod api;
mod import_pages;
mod other_pages;
mod pages;
pub mod views;

use axum::Router;
use zhiyun_service::Principal;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(import_pages::routes())
        .merge(other_pages::routes())
}

/// The reminder card of the home page: fees due within 90 days on patents that are listed,
/// licensed or pledged, and patents about to expire.
#[derive(Default)]
pub struct HomeCard {
    pub reminders: Vec<views::ReminderView>,
    /// All reminders, of which the first are shown.
    pub total: usize,
}

/// The home page's reminder card for `user` (empty for roles without one, or on error: the home
/// page is not refused for it).
pub async fn home_card(state: &AppState, user: &Principal) -> HomeCard {
    match zhiyun_service::patents::reminders::for_home(&state.svc, user, 8).await {
        Ok((list, total)) => HomeCard {
            reminders: list.iter().map(views::ReminderView::from).collect(),
            total,
        },
        Err(e) => {
            tracing::error!(error = %e, "patent reminders");
            HomeCard::default()
        }
    }
}
