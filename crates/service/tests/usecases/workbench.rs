//! The workbench (issue 18) by its use case, with real numbers: the operator's review to-do
//! counts its district's submitted listings and ages with the clock; a contact request shows on
//! the answering side's workbench and goes once answered; the exchanged pair waits for the
//! district operator; another district's operator sees none of it.

use chrono::NaiveDate;
use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
use zhiyun_service::workbench::{Workbench, workbench};
use zhiyun_service::{Principal, match_contacts, matching};

use crate::match_contacts::{MINHANG, World, world};

fn todo(wb: &Workbench, kind: &str) -> Option<(i64, Option<i64>)> {
    wb.todos
        .iter()
        .find(|t| t.kind == kind)
        .map(|t| (t.count, t.oldest_days))
}

/// A listing of `who` in Minhang, submitted for review now.
async fn submitted(w: &World, who: &Principal, title: &str) -> i64 {
    let l = check_listing(
        &ListingInput {
            kind: Some("supply".into()),
            title: Some(title.into()),
            description: Some("一种新型固态电解质材料的制备方法，可用于动力电池。".into()),
            field: Some("新能源与节能".into()),
            modes: vec!["许可".into()],
            district_code: Some(MINHANG.into()),
            contact_name: Some("李教授".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-12-31".into()),
            maturity: Some("中试".into()),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap();
    let row =
        w.db.listing_create(who.org_id, &l, w.clock.now(), &who.who())
            .await
            .unwrap();
    w.db.listing_set_status(
        row.id,
        ListingStatus::Draft,
        ListingStatus::Submitted,
        None,
        w.clock.now(),
        &who.who(),
    )
    .await
    .unwrap();
    row.id
}

#[tokio::test]
async fn issue18_t2_operator_review_todo_counts_its_districts_submitted_listings_by_age() {
    let w = world().await;
    let wb = workbench(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(todo(&wb, "listing_review"), None, "nothing waiting: {wb:?}");
    assert!(wb.actions.iter().any(|a| a.label == "导入清单"));
    assert!(wb.actions.iter().any(|a| a.label == "新建活动"));
    submitted(&w, &w.university, "固态电解质制备方法").await;
    w.clock.advance(3 * 86_400);
    submitted(&w, &w.university, "固态电池界面改性技术").await;
    w.clock.advance(2 * 86_400);
    let queue = zhiyun_service::listings::review_queue(&w.ctx, &w.operator)
        .await
        .unwrap()
        .len() as i64;
    let wb = workbench(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(todo(&wb, "listing_review"), Some((queue, Some(5))));
    assert_eq!(queue, 2);
    let t = wb
        .todos
        .iter()
        .find(|t| t.kind == "listing_review")
        .unwrap();
    assert_eq!(
        (t.label.as_str(), t.href.as_str()),
        ("待审核的供需条目", "/listings/review")
    );
    // The clock moves on: the oldest waits longer.
    w.clock.advance(86_400);
    let wb = workbench(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(todo(&wb, "listing_review"), Some((2, Some(6))));
    // Another district's operator has none of them.
    let far = workbench(&w.ctx, &w.far_operator).await.unwrap();
    assert_eq!(todo(&far, "listing_review"), None);
    // The owner sees them among its records, submitted.
    let mine = workbench(&w.ctx, &w.university).await.unwrap();
    let g = mine
        .records
        .iter()
        .find(|g| g.title == "我的供需条目")
        .unwrap();
    assert_eq!(g.total, 3, "two submitted and the published one");
    assert!(g.items.iter().any(|l| l.state == "待审核"), "{g:?}");
    // Every to-do listed has something waiting.
    assert!(wb.todos.iter().all(|t| t.count > 0));
}

#[tokio::test]
async fn issue18_t3_a_contact_request_waits_on_the_other_side_until_answered() {
    let w = world().await;
    let before = workbench(&w.ctx, &w.university).await.unwrap();
    assert_eq!(todo(&before, "contact_request"), None);
    // The enterprise presses 感兴趣 on the university's supply.
    matching::judge(
        &w.ctx,
        &w.enterprise,
        w.demand,
        None,
        w.supply,
        "interested",
        None,
    )
    .await
    .unwrap();
    w.clock.advance(2 * 86_400);
    let uni = workbench(&w.ctx, &w.university).await.unwrap();
    assert_eq!(todo(&uni, "contact_request"), Some((1, Some(2))));
    // The asker waits; it has nothing to answer.
    let ent = workbench(&w.ctx, &w.enterprise).await.unwrap();
    assert_eq!(todo(&ent, "contact_request"), None);
    let g = ent.records.iter().find(|g| g.title == "对接请求").unwrap();
    assert_eq!(g.items[0].state, "等待对方答复");
    // A third organisation and another district's operator see nothing.
    for who in [&w.third, &w.far_operator] {
        let wb = workbench(&w.ctx, who).await.unwrap();
        assert_eq!(todo(&wb, "contact_request"), None, "{}", who.username);
        assert_eq!(todo(&wb, "contact_lead"), None, "{}", who.username);
    }
    // Answered: gone from the university's to-dos; the exchanged pair waits on the operator of
    // the supply's district (Minhang) to become a deal lead.
    let id = match_contacts::mine(&w.ctx, &w.university).await.unwrap()[0].id;
    match_contacts::answer(&w.ctx, &w.university, id, true)
        .await
        .unwrap();
    let uni = workbench(&w.ctx, &w.university).await.unwrap();
    assert_eq!(todo(&uni, "contact_request"), None);
    let op = workbench(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(todo(&op, "contact_lead").map(|t| t.0), Some(1));
    let far = workbench(&w.ctx, &w.far_operator).await.unwrap();
    assert_eq!(todo(&far, "contact_lead"), None);
    match_contacts::make_lead(&w.ctx, &w.operator, id)
        .await
        .unwrap();
    let op = workbench(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(todo(&op, "contact_lead"), None);
}
