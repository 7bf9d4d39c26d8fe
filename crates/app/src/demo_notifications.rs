//! The demo's notifications (issue 18), so the inboxes are not empty: what the demo's records
//! would have told their users had they been made through the use cases — the contact requests
//! of `demo_contacts` (the one waiting and the one exchanged), the publication of the demo
//! enterprise's and university's listings, and the listings waiting for 徐汇's operator. No
//! e-mail (the demo users have no addresses).

use std::collections::HashMap;

use anyhow::Result;
use zhiyun_domain::listing::ListingStatus;
use zhiyun_domain::matching::contact::ContactState;
use zhiyun_domain::notify;
use zhiyun_service::match_contacts::contact_notices;
use zhiyun_store::Db;
use zhiyun_store::listings::ListingFilter;

const DAY: i64 = 86_400;

pub async fn load(db: &Db, ids: &HashMap<String, i64>) -> Result<()> {
    let now = zhiyun_store::now();
    let enterprise = ids[crate::demo::ENTERPRISE_LOGIN_ORG];
    // The publication of the enterprise's and the university's listings, a month ago.
    for org in [Some(enterprise), ids.get("上海交通大学").copied()]
        .into_iter()
        .flatten()
    {
        let (_, mine) = db
            .listing_list(&ListingFilter {
                owner_org_id: Some(org),
                status: Some(ListingStatus::Published),
                limit: 2,
                ..Default::default()
            })
            .await?;
        let notices: Vec<_> = mine
            .iter()
            .map(|l| notify::listing_reviewed(l.id, &l.title, org, true, None))
            .collect();
        db.notify(&notices, now - 30 * DAY, false).await?;
    }
    // The contact requests about the enterprise's listings, when they were made and answered.
    for c in db.contacts_of_org(enterprise).await? {
        let request = contact_notices(&c, ContactState::Requested);
        db.notify(&request, c.requested_at, false).await?;
        if c.state == ContactState::Accepted {
            let exchanged = contact_notices(&c, ContactState::Accepted);
            db.notify(&exchanged, c.answered_at.unwrap_or(now), false)
                .await?;
        }
    }
    // Listings waiting for 徐汇's cluster operator, yesterday.
    let (_, waiting) = db
        .listing_list(&ListingFilter {
            status: Some(ListingStatus::Submitted),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let notices: Vec<_> = waiting
        .iter()
        .filter(|l| l.district_code == "310104")
        .take(3)
        .map(|l| {
            let owner = ids
                .iter()
                .find(|(_, id)| **id == l.owner_org_id)
                .map(|(name, _)| name.as_str())
                .unwrap_or("");
            notify::listing_submitted(l.id, &l.title, owner, &l.district_code)
        })
        .collect();
    db.notify(&notices, now - DAY, false).await?;
    Ok(())
}
