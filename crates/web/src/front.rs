//! The public front door (`/`): a search box into the 供需大厅, the latest demands and supplies,
//! the coming events, the cluster's headline figures and the 办事指南.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use zhiyun_domain::district;
use zhiyun_service::front::{self, FrontDoor};
use zhiyun_service::listings::public::Found;

use crate::AppState;
use crate::auth::MaybeUser;
use crate::layout::{Layout, page};

pub struct LatestItem {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub district: &'static str,
    pub field: String,
    pub published: String,
}

impl LatestItem {
    fn of(f: Found) -> LatestItem {
        LatestItem {
            id: f.id,
            owner: f.owner_name,
            district: district::by_code(&f.district_code).map_or("", |d| d.name),
            field: f.field,
            published: f
                .published_at
                .map(|t| zhiyun_domain::time::fmt_time(t)[..10].to_string())
                .unwrap_or_default(),
            title: f.title,
        }
    }
}

pub struct ComingEvent {
    pub id: i64,
    pub title: String,
    pub kind_label: &'static str,
    pub starts_at: String,
    pub place: String,
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct PublicHome {
    layout: Layout,
    logged_in: bool,
    guide: &'static crate::guide::Guide,
    demands: Vec<LatestItem>,
    supplies: Vec<LatestItem>,
    events: Vec<ComingEvent>,
    demands_published: usize,
    supplies_published: usize,
    meetings_held: i64,
    deal_leads: i64,
}

pub async fn public_home(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    // The front door stays up when the figures cannot be read: it then shows none.
    let d = match front::front_door(&state.svc).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e.message, "front door");
            FrontDoor {
                demands: Vec::new(),
                supplies: Vec::new(),
                events: Vec::new(),
                demands_published: 0,
                supplies_published: 0,
                meetings_held: 0,
                deal_leads: 0,
            }
        }
    };
    page(&PublicHome {
        layout: Layout::new(&state, user.as_ref(), "首页", "public_home"),
        logged_in: user.is_some(),
        guide: &crate::guide::GUIDE,
        demands: d.demands.into_iter().map(LatestItem::of).collect(),
        supplies: d.supplies.into_iter().map(LatestItem::of).collect(),
        events: d
            .events
            .into_iter()
            .map(|e| ComingEvent {
                id: e.id,
                kind_label: e.kind.label(),
                starts_at: e.starts_at.format("%Y-%m-%d %H:%M").to_string(),
                place: e.place.clone().unwrap_or_else(|| {
                    if e.online_url.is_some() {
                        "线上".into()
                    } else {
                        String::new()
                    }
                }),
                title: e.title,
            })
            .collect(),
        demands_published: d.demands_published,
        supplies_published: d.supplies_published,
        meetings_held: d.meetings_held,
        deal_leads: d.deal_leads,
    })
}
