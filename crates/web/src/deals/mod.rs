//! The deal ledger (issue 12): the JSON API (`api`), the pages (`pages`) and the views they share
//! (`views`). Every handler calls a use case of `zhiyun_service::deals`.

pub mod api;
mod pages;
pub mod views;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}

/// The home cards of the ledger: filing deadlines within 30 days or overdue, deals at my stage.
#[derive(Default)]
pub struct HomeCard {
    /// (deal id, title, reminder) of the first few, most urgent first.
    pub reminders: Vec<(i64, String, views::ReminderView)>,
    pub reminders_total: usize,
    /// (deal id, title, stage label, the moves open: labels).
    pub at_my_stage: Vec<(i64, String, String, String)>,
    pub at_my_stage_total: usize,
}

fn title_of(s: &zhiyun_service::deals::DealSummary) -> String {
    format!(
        "#{} {}：{} → {}",
        s.record.id,
        s.record.deal.kind.label(),
        s.from_name,
        s.to_name
    )
}

/// The home cards for `user` (empty on error: the home page is not refused for it).
pub async fn home_card(state: &AppState, user: &zhiyun_service::Principal) -> HomeCard {
    match zhiyun_service::deals::for_home(&state.svc, user).await {
        Ok(h) => HomeCard {
            reminders_total: h.reminders.len(),
            reminders: h
                .reminders
                .iter()
                .take(8)
                .map(|(s, r)| (s.record.id, title_of(s), views::ReminderView::from(r)))
                .collect(),
            at_my_stage_total: h.at_my_stage.len(),
            at_my_stage: h
                .at_my_stage
                .iter()
                .take(8)
                .map(|(s, next)| {
                    let kind = s.record.deal.kind;
                    (
                        s.record.id,
                        title_of(s),
                        s.record.deal.stage.label_for(kind).to_string(),
                        next.iter()
                            .map(|x| x.label_for(kind))
                            .collect::<Vec<_>>()
                            .join("、"),
                    )
                })
                .collect(),
        },
        Err(e) => {
            tracing::error!(error = %e, "deal home card");
            HomeCard::default()
        }
    }
}
