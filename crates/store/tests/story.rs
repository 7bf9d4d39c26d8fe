//! One story through the whole store API, on SQLite always and on Postgres when
//! `ZHIYUN_TEST_POSTGRES_URL` is set (atuin's pattern).

use zhiyun_domain::code::Code;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::{OrgInput, OrgKind, PractitionerInput, check_org, check_practitioner};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::audit::AuditFilter;
use zhiyun_store::orgs::OrgFilter;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, StoreError, Who, testing};

fn org(kind: &str, name: &str, uscc: Option<&str>, district: Option<&str>) -> OrgInput {
    OrgInput {
        kind: Some(kind.into()),
        name: Some(name.into()),
        uscc: uscc.map(Into::into),
        district_code: district.map(Into::into),
        size_class: (kind == "enterprise").then(|| "small".into()),
        ..Default::default()
    }
}

async fn story(db: Db) {
    let backend = db.backend();
    // Migrating twice is a no-op; the districts are reference data in the database.
    assert!(db.migrate().await.unwrap().is_empty(), "{backend}");
    db.ping().await.unwrap();

    let who = Who::cli();
    let ent = db
        .org_create(
            &check_org(&org(
                "enterprise",
                "上海示例科技有限公司",
                Some("91310115MA1K3BTP2B"),
                Some("310115"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    assert_eq!(ent.kind, OrgKind::Enterprise);
    assert_eq!(ent.district_name(), Some("浦东新区"));

    // USCC is unique across the registry: a conflict, not a 500, and nothing half-written.
    let dup = db
        .org_create(
            &check_org(&org(
                "enterprise",
                "另一家公司",
                Some("91310115MA1K3BTP2B"),
                Some("310104"),
            ))
            .unwrap(),
            &who,
        )
        .await;
    assert!(
        matches!(
            dup,
            Err(StoreError::Conflict {
                code: Code::UsccTaken,
                ..
            })
        ),
        "{backend}: {dup:?}"
    );

    let agency = db
        .org_create(
            &check_org(&org(
                "agency",
                "上海某某专利代理事务所",
                Some("91350100M000100Y43"),
                None,
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let p = check_practitioner(&PractitionerInput {
        name: Some("王敏".into()),
        patent_attorney_cert: Some("1131234567".into()),
        tech_broker_cert: Some("JJ310001".into()),
    })
    .unwrap();
    let added = db.practitioner_add(agency.id, &p, &who).await.unwrap();
    assert!(added.holds_both_certificates());
    // Practitioners belong to agencies only.
    let refused = db.practitioner_add(ent.id, &p, &who).await;
    assert!(matches!(
        refused,
        Err(StoreError::Conflict {
            code: Code::NotAnAgency,
            ..
        })
    ));
    assert_eq!(db.practitioner_list(agency.id).await.unwrap().len(), 1);
    db.practitioner_remove(agency.id, added.id, &who)
        .await
        .unwrap();
    assert!(db.practitioner_list(agency.id).await.unwrap().is_empty());

    // Update records before and after in the audit log.
    let mut input = org(
        "enterprise",
        "上海示例科技股份有限公司",
        Some("91310115MA1K3BTP2B"),
        Some("310115"),
    );
    input.revenue_wan = Some("88.5".into());
    let updated = db
        .org_update(ent.id, &check_org(&input).unwrap(), &who)
        .await
        .unwrap();
    assert_eq!(updated.revenue_fen.map(Fen::fen), Some(88_500_000));
    let (n, log) = db
        .audit_list(&AuditFilter {
            entity: Some("organisation".into()),
            entity_id: Some(ent.id.to_string()),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap();
    assert_eq!(n, 2, "{backend}");
    assert_eq!(log[0].action, "update");
    assert!(
        log[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains("上海示例科技有限公司")
    );
    assert!(log[0].after_json.as_deref().unwrap().contains("股份"));
    assert_eq!(log[0].username.as_deref(), Some("cli"));

    // Search by part of the name or of the USCC (case-insensitive for the code), and by kind.
    let (total, rows) = db
        .org_list(&OrgFilter {
            q: Some("示例".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((total, rows[0].id), (1, ent.id));
    let (total, _) = db
        .org_list(&OrgFilter {
            q: Some("ma1k3".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 1, "{backend}: USCC search is case-insensitive");
    let (total, _) = db
        .org_list(&OrgFilter {
            q: Some("%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 0, "{backend}: LIKE wildcards are escaped");

    // Users, sessions, tokens.
    let h = Hasher::fast_for_tests();
    let user = db
        .user_create(
            &NewUser {
                username: "alice".into(),
                display_name: "Alice".into(),
                org_id: ent.id,
                password_hash: h.hash("secret-pass"),
                is_admin: false,
            },
            &who,
        )
        .await
        .unwrap();
    let again = db
        .user_create(
            &NewUser {
                username: "alice".into(),
                display_name: "A2".into(),
                org_id: ent.id,
                password_hash: h.hash("x"),
                is_admin: false,
            },
            &who,
        )
        .await;
    assert!(matches!(
        again,
        Err(StoreError::Conflict {
            code: Code::UsernameTaken,
            ..
        })
    ));
    let (uid, hash) = db.user_password_hash("ALICE").await.unwrap().unwrap();
    assert_eq!(uid, user.id);
    assert!(h.verify(&hash, "secret-pass"));

    let sid = db.session_create(user.id, 3600).await.unwrap();
    let pr = db.session_principal(&sid).await.unwrap().unwrap();
    assert_eq!(pr.org_kind, OrgKind::Enterprise);
    assert_eq!(pr.actor().district.as_deref(), Some("310115"));
    assert!(db.session_principal("forged").await.unwrap().is_none());
    let expired = db.session_create(user.id, -1).await.unwrap();
    assert!(db.session_principal(&expired).await.unwrap().is_none());

    let (tok, plain) = db.token_create(user.id, "script", &who).await.unwrap();
    assert!(plain.starts_with("zy_"));
    assert_eq!(
        db.token_principal(&plain).await.unwrap().unwrap().id,
        user.id
    );
    db.token_revoke(user.id, tok.id, &who).await.unwrap();
    assert!(db.token_principal(&plain).await.unwrap().is_none());

    // Disabling a user ends their sessions.
    db.user_set_disabled("alice", true, &who).await.unwrap();
    assert!(db.session_principal(&sid).await.unwrap().is_none());
    assert!(db.user_password_hash("alice").await.unwrap().is_none());

    // A stored value that does not decode fails loudly: no silent default.
    let sid = {
        db.user_set_disabled("alice", false, &who).await.unwrap();
        db.session_create(user.id, 3600).await.unwrap()
    };
    testing::execute(
        &db,
        &format!(
            "UPDATE organisations SET kind = 'spaceship' WHERE id = {}",
            ent.id
        ),
    )
    .await
    .unwrap();
    for got in [
        db.org_get(ent.id).await.map(|_| ()),
        db.session_principal(&sid).await.map(|_| ()),
        db.principal(user.id).await.map(|_| ()),
    ] {
        assert!(
            matches!(got, Err(StoreError::Corrupt { entity: "organisation", id, .. }) if id == ent.id),
            "{backend}: {got:?}"
        );
    }
    testing::execute(
        &db,
        &format!(
            "UPDATE organisations SET kind = 'enterprise', size_class = 'huge' WHERE id = {}",
            ent.id
        ),
    )
    .await
    .unwrap();
    assert!(
        matches!(db.org_get(ent.id).await, Err(StoreError::Corrupt { .. })),
        "{backend}"
    );

    db.meta_set("demo", "1").await.unwrap();
    db.meta_set("demo", "2").await.unwrap();
    assert_eq!(db.meta_get("demo").await.unwrap().as_deref(), Some("2"));
}

/// Rounds, applications, A5's cross-application query, submission refusal, reviews, attachments.
async fn application_story(db: Db) {
    use zhiyun_domain::application::{
        AppStatus, ApplicationInput, Decision, ParkInput, ReviewAction, Rule, Status,
    };
    use zhiyun_store::applications::{AppSave, NewAttachment, NewReview};
    let backend = db.backend();
    let at = zhiyun_store::now();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let who = Who::cli();
    let op = db
        .org_create(
            &check_org(&org(
                "park_operator",
                "某园区运营公司",
                Some("91350100M000100Y43"),
                Some("310104"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    db.round_create(2021, day("2021-06-30"), at, &who)
        .await
        .unwrap();
    assert!(matches!(
        db.round_create(2021, day("2021-07-30"), at, &who).await,
        Err(StoreError::Conflict {
            code: Code::RoundExists,
            ..
        })
    ));
    let save = |park: &str, agencies: &[&str]| AppSave {
        body: ApplicationInput {
            round_year: Some(2021),
            park: ParkInput {
                name: Some(park.into()),
                ..Default::default()
            },
            ..Default::default()
        },
        park_name: Some(park.into()),
        district_code: Some("310104".into()),
        agencies: agencies
            .iter()
            .map(|u| (u.to_string(), format!("机构{u}")))
            .collect(),
    };
    // No round, no application.
    assert!(matches!(
        db.application_create(2030, op.id, &save("x", &[]), at, &who)
            .await,
        Err(StoreError::Conflict {
            code: Code::UnknownRound,
            ..
        })
    ));
    let a = db
        .application_create(2021, op.id, &save("甲", &["AG1", "AG2"]), at, &who)
        .await
        .unwrap();
    let b = db
        .application_create(2021, op.id, &save("乙", &["AG1"]), at, &who)
        .await
        .unwrap();
    assert_eq!(a.status, AppStatus::Draft);
    // Drafts do not count for A5.
    assert!(
        db.a5_other_applications(2021, b.id)
            .await
            .unwrap()
            .is_empty()
    );
    db.application_submit(a.id, at, &who, |_, others| {
        assert!(others.is_empty());
        Ok(())
    })
    .await
    .unwrap();
    let others = db.a5_other_applications(2021, b.id).await.unwrap();
    assert_eq!(others.len(), 1, "{backend}");
    assert_eq!((others[0].id, others[0].park_name.as_str()), (a.id, "甲"));
    // An application naming other agencies is not among them.
    let c = db
        .application_create(2021, op.id, &save("丙", &["AG9"]), at, &who)
        .await
        .unwrap();
    db.application_submit(c.id, at, &who, |_, others| {
        assert!(others.is_empty(), "{others:?}");
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(db.a5_other_applications(2021, b.id).await.unwrap().len(), 1);
    // A refusal from `decide` leaves the application a draft.
    let refused = db
        .application_submit(b.id, at, &who, |_, others| {
            assert_eq!(others.len(), 1);
            Err(StoreError::Conflict {
                code: Code::AgencyClusterLimit,
                field: None,
                message: "x".into(),
            })
        })
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Conflict {
            code: Code::AgencyClusterLimit,
            ..
        })
    ));
    assert_eq!(
        db.application_get(b.id).await.unwrap().status,
        AppStatus::Draft
    );
    // Submitted applications cannot be edited.
    assert!(matches!(
        db.application_update(a.id, &save("改", &[]), at, &who)
            .await,
        Err(StoreError::Conflict {
            code: Code::NotEditable,
            ..
        })
    ));
    // Reviews move the status: a rule review puts it under review, a decision decides.
    let review = |kind: &'static str, decision: Option<Decision>| NewReview {
        action: match (kind, decision) {
            ("rule", _) => ReviewAction::Check {
                rule: Rule::A3,
                status: Status::Pass,
            },
            (_, Some(d)) => ReviewAction::Decision(d),
            _ => ReviewAction::Comment,
        },
        comment: "意见".into(),
        org_name: "上海市知识产权局".into(),
    };
    // A draft takes the district bureau's guidance (a comment), not a review.
    assert!(matches!(
        db.review_add(b.id, &review("rule", None), at, &who).await,
        Err(StoreError::Conflict {
            code: Code::NotSubmitted,
            ..
        })
    ));
    db.review_add(b.id, &review("comment", None), at, &who)
        .await
        .unwrap();
    assert_eq!(
        db.application_get(b.id).await.unwrap().status,
        AppStatus::Draft
    );
    db.review_add(a.id, &review("rule", None), at, &who)
        .await
        .unwrap();
    assert_eq!(
        db.application_get(a.id).await.unwrap().status,
        AppStatus::UnderReview
    );
    db.review_add(a.id, &review("decision", Some(Decision::Approve)), at, &who)
        .await
        .unwrap();
    let approved = db.application_get(a.id).await.unwrap();
    assert_eq!(approved.status, AppStatus::Approved);
    assert!(approved.decided_at.is_some());
    assert!(matches!(
        db.review_add(a.id, &review("decision", Some(Decision::Reject)), at, &who)
            .await,
        Err(StoreError::Conflict {
            code: Code::AlreadyDecided,
            ..
        })
    ));
    assert_eq!(db.review_list(a.id).await.unwrap().len(), 2);
    // Attachments keep their bytes on both backends.
    let data = b"%PDF-1.7 \x00\xff binary".to_vec();
    let meta = db
        .attachment_add(
            a.id,
            NewAttachment {
                part: zhiyun_domain::application::Part::CreditReport,
                filename: "信用报告.pdf",
                content_type: "application/pdf",
                data: &data,
            },
            at,
            &who,
        )
        .await
        .unwrap();
    let (m, bytes) = db.attachment_get(a.id, meta.id).await.unwrap();
    assert_eq!((m.size, bytes), (data.len() as i64, data));
    assert!(matches!(
        db.attachment_get(b.id, meta.id).await,
        Err(StoreError::NotFound)
    ));
}

/// Listings: create, duplicates refused, a patent listed twice refused, status changes, confirmation.
async fn listing_story(db: Db) {
    use zhiyun_domain::application::serde_json_number::Number;
    use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
    use zhiyun_store::listings::ListingFilter;
    let who = Who::cli();
    let owner = db
        .org_create(
            &check_org(&org("university", "某大学", None, None)).unwrap(),
            &who,
        )
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let input = |title: &str, patent: &str| ListingInput {
        kind: Some("supply".into()),
        title: Some(title.into()),
        description: Some("描述".into()),
        field: Some("新材料".into()),
        ipc: vec!["H01M 50/40".into()],
        modes: vec!["转让".into()],
        price_wan: Some(Number("12.5".into())),
        district_code: Some("310110".into()),
        contact_name: Some("张明".into()),
        contact_phone: Some("13812345678".into()),
        valid_until: Some("2027-06-30".into()),
        patents: vec![patent.into()],
        maturity: None,
    };
    let l = check_listing(&input("一种隔膜", "201710601862.3"), today).unwrap();
    let at = zhiyun_store::now();
    let row = db.listing_create(owner.id, &l, at, &who).await.unwrap();
    assert_eq!(
        (row.status, row.price.map(|p| p.fen())),
        (ListingStatus::Draft, Some(12_500_000))
    );
    assert_eq!(row.ipc_strings(), ["H01M 50/40"]);
    assert_eq!(
        (row.created_at, row.valid_until.to_string()),
        (at, "2027-06-30".into())
    );
    assert_eq!(
        db.listing_patents(row.id).await.unwrap(),
        [("201710601862.3".to_string(), "invention".to_string())]
    );
    let dup = db.listing_create(owner.id, &l, at, &who).await;
    assert!(
        matches!(
            dup,
            Err(StoreError::Conflict {
                code: Code::PatentAlreadyListed,
                ..
            })
        ),
        "{dup:?}"
    );
    let same_title = check_listing(&input("一种隔膜", "95115608.X"), today).unwrap();
    assert!(matches!(
        db.listing_create(owner.id, &same_title, at, &who).await,
        Err(StoreError::Conflict {
            code: Code::DuplicateListing,
            ..
        })
    ));
    let submitted = db
        .listing_set_status(
            row.id,
            ListingStatus::Draft,
            ListingStatus::Submitted,
            None,
            at,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(submitted.status, ListingStatus::Submitted);
    // A stale expectation (still a draft) is refused, not applied.
    assert!(matches!(
        db.listing_set_status(
            row.id,
            ListingStatus::Draft,
            ListingStatus::Submitted,
            None,
            at,
            &who
        )
        .await,
        Err(StoreError::Conflict {
            code: Code::StatusChanged,
            ..
        })
    ));
    let published = db
        .listing_set_status(
            row.id,
            ListingStatus::Submitted,
            ListingStatus::Published,
            None,
            at + 1,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(published.published_at, Some(at + 1));
    // T1 counts: the published listing, by month of publication (the one dialect-specific SQL).
    let counts = db.listing_counts("2026-11-28", 0).await.unwrap();
    assert_eq!(counts.len(), 1, "{counts:?}");
    assert_eq!(
        (
            counts[0].kind.as_str(),
            counts[0].field.as_str(),
            counts[0].n
        ),
        ("supply", "新材料", 1)
    );
    assert_eq!(counts[0].month.len(), 7, "YYYY-MM: {}", counts[0].month);
    // Not confirmed since a later moment: stale, so not counted.
    assert!(
        db.listing_counts("2026-11-28", i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.listing_stale_count(owner.id, i64::MAX).await.unwrap(), 1);
    let confirmed = db.listing_confirm(row.id, at + 2, &who).await.unwrap();
    assert_eq!(confirmed.last_confirmed_at, at + 2);
    // Going stale soon, in its district (the operator's workbench): confirmed within the window.
    assert_eq!(
        db.listing_stale_soon_in_district("310110", at, at + 10)
            .await
            .unwrap(),
        (1, Some(at + 2))
    );
    assert_eq!(
        db.listing_stale_soon_in_district("310110", at + 3, at + 10)
            .await
            .unwrap()
            .0,
        0
    );
    assert_eq!(
        db.listing_stale_soon_in_district("310115", at, at + 10)
            .await
            .unwrap(),
        (0, None)
    );
    let (n, rows) = db
        .listing_list(&ListingFilter {
            status: Some(ListingStatus::Published),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((n, rows[0].id), (1, row.id));
    // A value that does not decode fails the read loudly instead of defaulting.
    zhiyun_store::on_pool!(&db, p => sqlx::query("UPDATE listings SET valid_until = 'soon'")
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        .unwrap());
    assert!(matches!(
        db.listing_get(row.id).await,
        Err(StoreError::Corrupt {
            entity: "listing",
            ..
        })
    ));
}

#[tokio::test]
async fn listing_story_on_every_backend() {
    for db in testing::all_backends().await {
        listing_story(db).await;
    }
}

#[tokio::test]
async fn application_story_on_every_backend() {
    for db in testing::all_backends().await {
        application_story(db).await;
    }
}

#[tokio::test]
async fn store_story_on_every_backend() {
    let dbs = testing::all_backends().await;
    if testing::postgres_url().is_some() {
        assert_eq!(dbs.len(), 2, "Postgres was configured but not used");
    }
    for db in dbs {
        story(db).await;
    }
}

/// Events come back as typed records; a stored value that does not decode fails loudly.
async fn event_story(db: Db) {
    use zhiyun_domain::event::{EventInput, EventKind, check_event};
    let backend = db.backend();
    let who = Who::cli();
    let op = db
        .org_create(
            &check_org(&org(
                "park_operator",
                "杨浦园区运营",
                Some("91310115MA1K3BTP2B"),
                Some("310110"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let checked = check_event(
        &EventInput {
            kind: Some("matchmaking".into()),
            title: Some("新能源技术对接会".into()),
            starts_at: Some("2026-12-10T14:00".into()),
            ends_at: Some("2026-12-10T15:00".into()),
            place: Some("杨浦区".into()),
            theme_fields: vec!["新材料".into()],
            capacity: Some(10),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let e = db.event_create(&checked, op.id, &who).await.unwrap();
    assert_eq!(
        (e.kind, e.capacity, e.tables),
        (EventKind::Matchmaking, 10, 10)
    );
    assert_eq!(e.starts_at, checked.starts_at, "{backend}");
    assert_eq!(e.theme_fields, ["新材料"]);
    assert_eq!(db.event_get(e.id).await.unwrap(), e);
    assert_eq!(
        db.events_by_ids(&[e.id, 999]).await.unwrap(),
        std::slice::from_ref(&e)
    );
    assert!(
        db.event_registration_counts(&[e.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.event_lead_count(e.id).await.unwrap(), 0);

    // A date nobody can read is corrupt data, not today.
    let spoil = "UPDATE events SET starts_at = 'next tuesday' WHERE id = $1";
    match &db {
        Db::Sqlite(p) => sqlx::query(spoil).bind(e.id).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(spoil).bind(e.id).execute(p).await.map(|_| ()),
    }
    .unwrap();
    for r in [
        db.event_get(e.id).await.map(|_| ()),
        db.event_list(10).await.map(|_| ()),
    ] {
        assert!(
            matches!(&r, Err(StoreError::Corrupt { entity: "event", id, .. }) if *id == e.id),
            "{backend}: {r:?}"
        );
    }
}

#[tokio::test]
async fn event_story_on_every_backend() {
    for db in testing::all_backends().await {
        event_story(db).await;
    }
}

/// The patent and trademark register (issue 11): patents decoded back as written, the number
/// unique, the lists replaced as a whole, K5 counts from the stored profile, overseas filings,
/// populations, cultivation, trademarks, the import in one transaction, and what names a patent.
async fn patent_story(db: Db) {
    use chrono::NaiveDate;
    use zhiyun_domain::patent::{
        CultivationGoal, HighValueFacts, HighValueRules, PatentInput, check_patent,
        high_value_profile,
    };
    use zhiyun_domain::trademark::{TrademarkInput, check_trademark};
    use zhiyun_store::listings::ImportWrite;
    use zhiyun_store::patents::{Holders, NewPatent, PatentFilter, PatentWrite};
    let backend = db.backend();
    let who = Who::cli();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let today = d("2026-12-04");
    let uni = db
        .org_create(
            &check_org(&org(
                "university",
                "上海某大学",
                Some("91310115MA1K3BTP2B"),
                Some("310104"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let ent = db
        .org_create(
            &check_org(&org(
                "enterprise",
                "崇明某企业",
                Some("91350100M000100Y43"),
                Some("310151"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let input = |number: &str, owner: i64| PatentInput {
        number: Some(number.into()),
        title: Some("一种锂离子电池隔膜".into()),
        owner_org_id: Some(owner),
        ipc: vec!["H01M 50/409".into(), "B32B 27/32".into()],
        filed_on: Some("2017-07-20".into()),
        granted_on: Some("2020-03-10".into()),
        legal_status: Some("granted".into()),
        fee_paid_until: Some("2027-07-20".into()),
        ..Default::default()
    };
    let write = |p: &zhiyun_domain::patent::Patent| {
        let profile = high_value_profile(
            &HighValueFacts {
                patent: p,
                pledges: &[],
            },
            &HighValueRules::default(),
        );
        (p.clone(), profile)
    };
    // A strategic-industry invention (H01M) with a co-owner, a US grant and an award.
    let mut i1 = input("ZL201710601862.3", uni.id);
    i1.co_owner_org_ids = vec![ent.id];
    i1.overseas = vec![
        zhiyun_domain::patent::OverseasInput {
            office: Some("US".into()),
            number: Some("US11223344B2".into()),
            granted: Some(true),
            filed_on: Some("2018-07-18".into()),
            via_pct: None,
        },
        zhiyun_domain::patent::OverseasInput {
            office: Some("WO".into()),
            number: Some("PCT/CN2018/096123".into()),
            filed_on: Some("2018-07-18".into()),
            ..Default::default()
        },
    ];
    i1.awards = vec![zhiyun_domain::patent::AwardInput {
        name: Some("中国专利银奖".into()),
        year: Some(2022),
    }];
    let (p1, prof1) = write(&check_patent(&i1, today).unwrap());
    let r1 = db
        .patent_create(
            PatentWrite {
                patent: &p1,
                profile: prof1,
            },
            1_000,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(r1.patent, p1, "{backend}: decoded as written");
    assert_eq!((r1.created_at, r1.updated_at), (1_000, 1_000));
    assert_eq!(
        db.patent_by_number("201710601862.3")
            .await
            .unwrap()
            .unwrap()
            .id,
        r1.id
    );
    // The same number again: a conflict naming the field, nothing written.
    let dup = db
        .patent_create(
            PatentWrite {
                patent: &p1,
                profile: prof1,
            },
            1_001,
            &who,
        )
        .await;
    assert!(
        matches!(
            dup,
            Err(StoreError::Conflict {
                code: Code::DuplicatePatent,
                field: Some("number"),
                ..
            })
        ),
        "{backend}: {dup:?}"
    );
    // An enterprise's plain invention (A47J, no category) and a pending utility model.
    let mut i2 = input("202110123456.7", ent.id);
    i2.ipc = vec!["A47J 27/00".into()];
    i2.filed_on = Some("2021-03-01".into());
    i2.granted_on = Some("2023-05-02".into());
    i2.fee_paid_until = Some("2027-03-01".into());
    let (p2, prof2) = write(&check_patent(&i2, today).unwrap());
    let r2 = db
        .patent_create(
            PatentWrite {
                patent: &p2,
                profile: prof2,
            },
            1_000,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(
        prof2.since,
        Some(d("2031-03-01")),
        "only more than ten years, from 2031"
    );

    // K5 counts at a year end: the university's patent in 徐汇, none in 崇明 yet.
    let end_2023 = d("2023-12-31");
    assert_eq!(
        db.high_value_count(Some("310104"), end_2023).await.unwrap(),
        1
    );
    assert_eq!(
        db.high_value_count(Some("310151"), end_2023).await.unwrap(),
        0
    );
    assert_eq!(db.high_value_count(None, end_2023).await.unwrap(), 1);
    // Not yet granted at the end of 2019: not counted.
    assert_eq!(db.high_value_count(None, d("2019-12-31")).await.unwrap(), 0);
    assert_eq!(
        db.high_value_counts_by_district(end_2023).await.unwrap(),
        [("310104".to_string(), 1)]
    );
    // Overseas filings in 2018: one PCT application, one direct US filing.
    let o = db.overseas_filings(Some("310104"), 2018).await.unwrap();
    assert_eq!((o.pct, o.direct), (1, 1), "{backend}");
    assert_eq!(
        db.overseas_filings(Some("310151"), 2018).await.unwrap().pct,
        0
    );

    // Replace: the enterprise's patent gains an award (high value from 2024) and loses its IPC.
    let mut i2b = i2.clone();
    i2b.ipc = vec![];
    i2b.awards = vec![zhiyun_domain::patent::AwardInput {
        name: Some("国家技术发明奖二等奖".into()),
        year: Some(2024),
    }];
    let (p2b, prof2b) = write(&check_patent(&i2b, today).unwrap());
    let r2b = db
        .patent_replace(
            r2.id,
            PatentWrite {
                patent: &p2b,
                profile: prof2b,
            },
            2_000,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(
        (r2b.patent.clone(), r2b.created_at, r2b.updated_at),
        (p2b, 1_000, 2_000)
    );
    assert_eq!(
        db.high_value_count(Some("310151"), end_2023).await.unwrap(),
        0
    );
    assert_eq!(
        db.high_value_count(Some("310151"), d("2024-12-31"))
            .await
            .unwrap(),
        1
    );
    // A replace onto another patent's number is the same conflict.
    let mut clash = r2b.patent.clone();
    clash.number = p1.number.clone();
    assert!(matches!(
        db.patent_replace(
            r2.id,
            PatentWrite {
                patent: &clash,
                profile: prof2b
            },
            2_001,
            &who
        )
        .await,
        Err(StoreError::Conflict {
            code: Code::DuplicatePatent,
            ..
        })
    ));

    // Lists: by organisation (owned or co-owned), district, text, high value on a day.
    let (n, rows) = db
        .patent_list(&PatentFilter {
            org_id: Some(ent.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (n, rows.len()),
        (2, 2),
        "{backend}: the co-owned patent counts"
    );
    let (n, _) = db
        .patent_list(&PatentFilter {
            district_code: Some("310104".into()),
            q: Some("隔膜".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    let (n, rows) = db
        .patent_list(&PatentFilter {
            high_value_on: Some(end_2023),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((n, rows[0].id), (1, r1.id));
    let (n, _) = db
        .patent_list(&PatentFilter {
            q: Some("202110123456".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(n, 1);

    // Populations: the census per district and for the city, then the bureau's entries.
    let pops = db.populations().await.unwrap();
    let chongming = pops.iter().find(|p| p.code == "310151").unwrap();
    assert_eq!(
        (chongming.year, chongming.residents, chongming.source),
        (2020, 637_921, "census")
    );
    let city = pops.iter().find(|p| p.code == "310000").unwrap();
    assert_eq!(city.residents, 24_870_895);
    db.population_set("310000", 2022, 24_758_900, 3_000, &who)
        .await
        .unwrap();
    db.population_set("310000", 2022, 24_758_901, 3_001, &who)
        .await
        .unwrap();
    let pops = db.populations().await.unwrap();
    let y2022: Vec<_> = pops
        .iter()
        .filter(|p| p.code == "310000" && p.year == 2022)
        .collect();
    assert_eq!(
        (y2022.len(), y2022[0].residents, y2022[0].source),
        (1, 24_758_901, "entered")
    );

    // Cultivation: marked once, changed (the day first marked stays), listed by district, ended.
    let c = zhiyun_domain::patent::Cultivation {
        goal: CultivationGoal::FileAbroad,
        notes: "拟提交 PCT".into(),
        target_date: d("2027-06-30"),
    };
    let c1 = db
        .cultivation_set(r2.id, &c, today, uni.id, 4_000, &who)
        .await
        .unwrap();
    assert_eq!((c1.cultivation.clone(), c1.marked_on), (c.clone(), today));
    let mut c2 = c.clone();
    c2.goal = CultivationGoal::License;
    let later = db
        .cultivation_set(r2.id, &c2, d("2027-01-01"), uni.id, 4_001, &who)
        .await
        .unwrap();
    assert_eq!(
        (later.cultivation.goal, later.marked_on),
        (CultivationGoal::License, today)
    );
    assert_eq!(db.cultivation_list(Some("310151")).await.unwrap().len(), 1);
    assert!(
        db.cultivation_list(Some("310104"))
            .await
            .unwrap()
            .is_empty()
    );
    db.cultivation_remove(r2.id, &who).await.unwrap();
    assert!(db.cultivation_get(r2.id).await.unwrap().is_none());

    // Trademarks: one row per class of a registration number.
    let tm = |class: i64| {
        check_trademark(
            &TrademarkInput {
                number: Some("12345678".into()),
                name: Some("知运".into()),
                nice_class: Some(zhiyun_domain::application::serde_json_number::Number(
                    class.to_string(),
                )),
                owner_org_id: Some(ent.id),
                valid_until: Some("2031-05-06".into()),
                registered_on: Some("2021-05-07".into()),
            },
            today,
        )
        .unwrap()
    };
    let t9 = db.trademark_create(&tm(9), 5_000, &who).await.unwrap();
    assert_eq!(t9.trademark, tm(9));
    db.trademark_create(&tm(42), 5_000, &who).await.unwrap();
    assert!(matches!(
        db.trademark_create(&tm(9), 5_001, &who).await,
        Err(StoreError::Conflict {
            code: Code::DuplicateTrademark,
            ..
        })
    ));
    let t35 = db
        .trademark_replace(t9.id, &tm(35), 5_002, &who)
        .await
        .unwrap();
    assert_eq!(t35.trademark.nice_class, 35);
    let (n, _) = db
        .trademark_list(&zhiyun_store::trademarks::TrademarkFilter {
            district_code: Some("310151".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(n, 2);
    db.trademark_delete(t9.id, &who).await.unwrap();
    assert!(matches!(
        db.trademark_get(t9.id).await,
        Err(StoreError::NotFound)
    ));

    // Import: a number already registered is a conflict; all-or-nothing then writes nothing,
    // valid-rows-only writes the rest, one transaction each.
    let (p3, prof3) = write(&check_patent(&input("201710601863.8", ent.id), today).unwrap());
    let items = [
        NewPatent {
            row: 2,
            write: PatentWrite {
                patent: &p1,
                profile: prof1,
            },
        },
        NewPatent {
            row: 3,
            write: PatentWrite {
                patent: &p3,
                profile: prof3,
            },
        },
    ];
    for mode in [ImportWrite::DryRun, ImportWrite::AllOrNothing] {
        let out = db
            .patent_import(&items, mode, 6_000, &who, &|_| {})
            .await
            .unwrap();
        assert_eq!(
            (out.conflicts.len(), out.conflicts[0].row, out.written),
            (1, 2, false)
        );
        assert!(
            db.patent_by_number("201710601863.8")
                .await
                .unwrap()
                .is_none(),
            "{backend}: {mode:?}"
        );
    }
    let out = db
        .patent_import(&items, ImportWrite::ValidRowsOnly, 6_000, &who, &|_| {})
        .await
        .unwrap();
    assert!(out.written);
    assert_eq!(out.created.len(), 1);
    assert_eq!(db.patent_get(out.created[0].1).await.unwrap().patent, p3);

    // What names a patent: a published listing makes it `listed` (a fee reminder candidate).
    use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
    let listing = check_listing(
        &ListingInput {
            kind: Some("supply".into()),
            title: Some("隔膜技术转让".into()),
            description: Some("描述".into()),
            field: Some("新材料".into()),
            modes: vec!["转让".into()],
            district_code: Some("310104".into()),
            contact_name: Some("张明".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-06-30".into()),
            patents: vec!["201710601862.3".into()],
            ..Default::default()
        },
        today,
    )
    .unwrap();
    let l = db
        .listing_create(uni.id, &listing, 1_796_400_000, &who)
        .await
        .unwrap();
    assert!(
        db.patents_engaged(&Holders::Org(uni.id))
            .await
            .unwrap()
            .is_empty(),
        "a draft does not engage"
    );
    for (from, to) in [
        (ListingStatus::Draft, ListingStatus::Submitted),
        (ListingStatus::Submitted, ListingStatus::Published),
    ] {
        db.listing_set_status(l.id, from, to, None, 1_796_400_000, &who)
            .await
            .unwrap();
    }
    let engaged = db.patents_engaged(&Holders::Org(uni.id)).await.unwrap();
    assert_eq!(engaged.iter().map(|r| r.id).collect::<Vec<_>>(), [r1.id]);
    let by_number = db.patent_engagements(&["201710601862.3"]).await.unwrap();
    assert_eq!(by_number["201710601862.3"][0].record_id, l.id);
    assert_eq!(
        db.patent_listings("201710601862.3", 0).await.unwrap()[0].id,
        l.id
    );
    // The co-owner sees it among its patents; the district sees its owners' patents.
    assert_eq!(
        db.patents_engaged(&Holders::Org(ent.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        db.patents_engaged(&Holders::District("310151".into()))
            .await
            .unwrap()
            .is_empty()
    );
    // Expiry candidates by term end.
    let expiring = db
        .patents_expiring(
            &Holders::District("310104".into()),
            d("2037-07-01"),
            d("2037-07-31"),
        )
        .await
        .unwrap();
    assert_eq!(expiring.iter().map(|r| r.id).collect::<Vec<_>>(), [r1.id]);
    assert_eq!(db.org_briefs(&[uni.id, 999_999]).await.unwrap().len(), 1);
    assert_eq!(
        db.orgs_by_usccs(&["91310115MA1K3BTP2B"]).await.unwrap()["91310115MA1K3BTP2B"].id,
        uni.id
    );
}

#[tokio::test]
async fn patent_story_on_every_backend() {
    for db in testing::all_backends().await {
        patent_story(db).await;
    }
}

#[path = "story/surveys.rs"]
mod surveys;
