//! The deal ledger's use cases (issue 12) with a fixed clock (2026-12-04, Beijing): each
//! pre-check from the register with its evidence, the filing deadline through creation and
//! through signing (month ends, leap years), the licences the register's facts now carry, and
//! the audit of every write.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhiyun_domain::deal::{DealInput, PaymentInput, StageMoveInput};
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::patent::PatentInput;
use zhiyun_service::deals::{self as uc, ops};
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

const XUHUI: &str = "310104";

fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

fn number(body: &str) -> String {
    let w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let r: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum::<u32>()
        % 11;
    let c = if r == 10 {
        'X'
    } else {
        char::from_digit(r, 10).unwrap()
    };
    format!("{body}.{c}")
}

struct World {
    ctx: Ctx,
    db: zhiyun_store::Db,
    users: HashMap<&'static str, Principal>,
    orgs: HashMap<&'static str, i64>,
}

impl World {
    fn u(&self, name: &str) -> &Principal {
        &self.users[name]
    }
}

async fn world() -> World {
    let db = testing::fresh().await;
    let who = Who::cli();
    let mut users = HashMap::new();
    let mut orgs = HashMap::new();
    for (i, (user, kind)) in [
        ("uni", "university"),
        ("ent", "enterprise"),
        ("ent2", "enterprise"),
        ("op", "park_operator"),
    ]
    .into_iter()
    .enumerate()
    {
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(format!("{user} 机构")),
                    uscc: Some(uscc(XUHUI, i as u32 + 1)),
                    district_code: Some(XUHUI.into()),
                    size_class: (kind == "enterprise").then(|| "small".into()),
                    ..Default::default()
                })
                .unwrap(),
                &who,
            )
            .await
            .unwrap();
        let u = db
            .user_create(
                &NewUser {
                    username: user.into(),
                    display_name: user.into(),
                    org_id: org.id,
                    password_hash: "x".into(),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        users.insert(user, db.principal(u.id).await.unwrap().unwrap());
        orgs.insert(user, org.id);
    }
    let noon = NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    World {
        ctx: Ctx::new(db.clone(), Hasher::fast_for_tests())
            .with_clock(Clock::fixed(zhiyun_domain::time::unix_of(noon))),
        db,
        users,
        orgs,
    }
}

/// A granted invention of `owner` filed 2017-07-20, fees paid to 2027-07-20.
fn invention(w: &World, owner: &str, body: &str) -> PatentInput {
    PatentInput {
        number: Some(number(body)),
        title: Some("一种锂离子电池隔膜及其制备方法".into()),
        kind: Some("invention".into()),
        owner_org_id: Some(w.orgs[owner]),
        ipc: vec!["H01M 50/409".into()],
        filed_on: Some("2017-07-20".into()),
        granted_on: Some("2020-03-10".into()),
        legal_status: Some("granted".into()),
        fee_paid_until: Some("2027-07-20".into()),
        ..Default::default()
    }
}

fn licence(w: &World, patents: &[String]) -> DealInput {
    DealInput {
        kind: Some("licence".into()),
        licence_type: Some("exclusive".into()),
        from_org_id: Some(w.orgs["uni"]),
        to_org_id: Some(w.orgs["ent"]),
        patents: patents.to_vec(),
        venue: Some("off_exchange".into()),
        amount_wan: Some(WanText("100".into())),
        signed_on: Some("2026-06-01".into()),
        effective_on: Some("2026-06-01".into()),
        term_until: Some("2030-05-31".into()),
        ..Default::default()
    }
}

async fn status_of(w: &World, id: i64, rule: &str) -> (String, String, Vec<String>) {
    let d = uc::get(&w.ctx, w.u("uni"), id).await.unwrap();
    let c = d
        .checks
        .iter()
        .find(|c| c.check.rule == rule)
        .unwrap()
        .check
        .clone();
    (c.status.slug().to_string(), c.message, c.evidence)
}

async fn register(w: &World, input: PatentInput) -> String {
    let p = zhiyun_service::patents::create(&w.ctx, w.u("uni"), input)
        .await
        .unwrap();
    p.patent.number.to_string()
}

#[tokio::test]
async fn t4_each_pre_check_reads_the_register_with_its_evidence() {
    let w = world().await;
    let ok = register(&w, invention(&w, "uni", "201710123456")).await;
    let mut lapsed = invention(&w, "uni", "201710654321");
    lapsed.legal_status = Some("lapsed".into());
    lapsed.fee_paid_until = Some("2024-07-20".into());
    let lapsed = register(&w, lapsed).await;
    let mut co = invention(&w, "uni", "201710777777");
    co.co_owner_org_ids = vec![w.orgs["ent2"]];
    let co = register(&w, co).await;
    // ent2's own patent, registered by the operator for it.
    let theirs =
        zhiyun_service::patents::create(&w.ctx, w.u("op"), invention(&w, "ent2", "201710888888"))
            .await
            .unwrap()
            .patent
            .number
            .to_string();

    // All pass on a clean patent.
    let id = uc::create(&w.ctx, w.u("uni"), licence(&w, std::slice::from_ref(&ok)))
        .await
        .unwrap()
        .id;
    for rule in zhiyun_domain::deal::RULES {
        let (s, m, _) = status_of(&w, id, rule).await;
        assert_eq!(s, "pass", "{rule}: {m}");
    }
    let (_, m, ev) = status_of(&w, id, "pledge_consent").await;
    assert!(
        m.contains("没有未经质权人同意") && ev[0].contains("无有效质押"),
        "{m} {ev:?}"
    );

    // owner: the giving party is not the owner.
    let id = uc::create(
        &w.ctx,
        w.u("uni"),
        licence(&w, std::slice::from_ref(&theirs)),
    )
    .await
    .unwrap()
    .id;
    let (s, m, ev) = status_of(&w, id, "owner").await;
    assert_eq!(s, "fail");
    assert!(
        m.contains(&theirs) && ev[0].contains("ent2 机构"),
        "{m} {ev:?}"
    );

    // in_force and fee_paid: a lapsed patent.
    let id = uc::create(
        &w.ctx,
        w.u("uni"),
        licence(&w, std::slice::from_ref(&lapsed)),
    )
    .await
    .unwrap()
    .id;
    let (s, _, ev) = status_of(&w, id, "in_force").await;
    assert_eq!(s, "fail");
    assert!(ev[0].contains("失效"), "{ev:?}");
    let (s, _, ev) = status_of(&w, id, "fee_paid").await;
    assert_eq!(s, "fail");
    assert!(ev[0].contains("2024-07-20"), "{ev:?}");

    // co_owner_consent: an exclusive licence needs the co-owner's consent; recorded, it passes.
    let id = uc::create(&w.ctx, w.u("uni"), licence(&w, std::slice::from_ref(&co)))
        .await
        .unwrap()
        .id;
    assert_eq!(status_of(&w, id, "co_owner_consent").await.0, "fail");
    let mut with = licence(&w, std::slice::from_ref(&co));
    with.co_owner_consents = vec![w.orgs["ent2"]];
    with.to_org_id = Some(w.orgs["ent2"]);
    with.effective_on = Some("2031-01-01".into());
    with.signed_on = Some("2026-06-01".into());
    with.term_until = Some("2032-01-01".into());
    let id2 = uc::create(&w.ctx, w.u("uni"), with).await.unwrap().id;
    assert_eq!(status_of(&w, id2, "co_owner_consent").await.0, "pass");
    // exclusive_overlap: the first exclusive licence of `co` runs to 2030; the second starts 2031.
    assert_eq!(status_of(&w, id2, "exclusive_overlap").await.0, "pass");
    let mut overlapping = licence(&w, std::slice::from_ref(&co));
    overlapping.to_org_id = Some(w.orgs["ent2"]);
    overlapping.co_owner_consents = vec![w.orgs["ent2"]];
    let id3 = uc::create(&w.ctx, w.u("uni"), overlapping)
        .await
        .unwrap()
        .id;
    let (s, m, _) = status_of(&w, id3, "exclusive_overlap").await;
    assert_eq!(s, "fail", "{m}");
    assert!(m.contains(&co));

    // term_within_expiry: the register learns an earlier expiry after the deal was made.
    let id = uc::create(&w.ctx, w.u("uni"), licence(&w, std::slice::from_ref(&ok)))
        .await
        .unwrap()
        .id;
    let p = w.db.patent_by_number(&ok).await.unwrap().unwrap();
    let mut earlier = invention(&w, "uni", "201710123456");
    earlier.filed_on = Some("2009-07-20".into());
    earlier.granted_on = Some("2012-03-10".into());
    earlier.fee_paid_until = Some("2027-07-20".into());
    zhiyun_service::patents::replace(&w.ctx, w.u("uni"), p.id, earlier)
        .await
        .unwrap();
    let (s, m, ev) = status_of(&w, id, "term_within_expiry").await;
    assert_eq!(s, "fail", "{m}");
    assert!(ev[0].contains("2029-07-19"), "{ev:?}");

    // The licences the register's facts carry come from the ledger.
    let facts = zhiyun_service::patents::facts::facts(&w.ctx, std::slice::from_ref(&co))
        .await
        .unwrap();
    assert_eq!(facts[&co].licences.len(), 3);
}

#[tokio::test]
async fn t4_the_filing_deadline_is_three_months_on_through_creation_and_signing() {
    let w = world().await;
    let ok = register(&w, invention(&w, "uni", "201710123456")).await;
    let mut i = licence(&w, std::slice::from_ref(&ok));
    i.signed_on = Some("2023-11-20".into());
    i.effective_on = Some("2023-11-30".into());
    i.term_until = Some("2025-11-29".into());
    let r = uc::create(&w.ctx, w.u("uni"), i).await.unwrap();
    assert_eq!(r.deal.filing_due_on, NaiveDate::from_ymd_opt(2024, 2, 29));
    // Overdue since then: the reminder says so.
    let d = uc::get(&w.ctx, w.u("uni"), r.id).await.unwrap();
    let rem = d.reminder.unwrap();
    assert_eq!(rem.level.slug(), "overdue");
    assert!(rem.message.contains("2024-02-29"));

    // Signed later on a month end: the deadline follows the signing.
    let mut i = licence(&w, std::slice::from_ref(&ok));
    i.signed_on = None;
    i.effective_on = None;
    i.licence_type = Some("ordinary".into());
    let id = uc::create(&w.ctx, w.u("uni"), i).await.unwrap().id;
    let r = ops::move_to(
        &w.ctx,
        w.u("ent"),
        id,
        StageMoveInput {
            stage: Some("signed".into()),
            on: Some("2026-11-30".into()),
            reason: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(r.deal.filing_due_on, NaiveDate::from_ymd_opt(2027, 2, 28));
    assert_eq!(r.deal.signed_on, NaiveDate::from_ymd_opt(2026, 11, 30));
    // Issue 18: the other party hears of it in its inbox; the enterprise that signed does not.
    let told = |who: &'static str| {
        let w = &w;
        async move {
            zhiyun_service::notifications::inbox(&w.ctx, w.u(who))
                .await
                .unwrap()
                .items
                .iter()
                .filter(|n| n.href == format!("/deals/{id}"))
                .map(|n| n.title.clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(told("uni").await, [format!("交易 #{id} 已签约")]);
    assert!(told("ent").await.is_empty());
    // Every write is audited.
    let (n, entries) =
        w.db.audit_list(&zhiyun_store::audit::AuditFilter {
            entity: Some("deal".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(n >= 3, "{entries:?}");
    // A payment beyond the contract is refused with the figures, and nothing is written.
    let e = ops::add_payment(
        &w.ctx,
        w.u("ent"),
        id,
        PaymentInput {
            amount_wan: Some(WanText("100.01".into())),
            received_on: Some("2026-12-01".into()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_str()),
        (Kind::Invalid, "exceeds_contract")
    );
    assert!(e.message.contains("100.00") && e.message.contains("100.01"));
    assert!(
        uc::get(&w.ctx, w.u("ent"), id)
            .await
            .unwrap()
            .record
            .payments
            .is_empty()
    );
}
