//! Events (T3, T5, T7) by their use cases: registration closes by the context's clock, the
//! proposed schedule (each couple once), who manages an event and who sees which meeting, the
//! home agenda until the event ends, and no re-proposal once a meeting became a deal lead.

use chrono::{NaiveDate, NaiveDateTime};
use zhiyun_domain::code::Code;
use zhiyun_domain::event::EventInput;
use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::time::unix_of;
use zhiyun_service::events::{self, Attendance, MoveMeeting, Register};
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// A valid USCC registered in Yangpu, different for each `n`.
fn uscc(n: u32) -> String {
    let first17 = format!("91310110MA1{n:06}");
    format!(
        "{first17}{}",
        zhiyun_domain::ident::uscc_check_char(&first17).unwrap()
    )
}

struct World {
    ctx: Ctx,
    db: Db,
    clock: Clock,
    operator: Principal,
    other_operator: Principal,
    enterprise: Principal,
    enterprise2: Principal,
    university: Principal,
    bank: Principal,
}

async fn user_of(db: &Db, n: u32, kind: &str, name: &str) -> Principal {
    let who = Who::cli();
    let org = db
        .org_create(
            &check_org(&OrgInput {
                kind: Some(kind.into()),
                name: Some(name.into()),
                uscc: (kind != "university").then(|| uscc(n)),
                district_code: Some("310110".into()),
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
                username: format!("u{n}"),
                display_name: name.into(),
                org_id: org.id,
                password_hash: "x".into(),
                is_admin: false,
            },
            &who,
        )
        .await
        .unwrap();
    db.principal(u.id).await.unwrap().unwrap()
}

/// Beijing 2026-12-01 10:00, nine days before the event.
fn before_the_event() -> i64 {
    unix_of(at("2026-12-01 10:00"))
}

async fn world() -> World {
    let db = testing::fresh().await;
    let clock = Clock::fixed(before_the_event());
    let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone());
    World {
        operator: user_of(&db, 1, "park_operator", "杨浦园区运营").await,
        other_operator: user_of(&db, 2, "park_operator", "另一园区运营").await,
        enterprise: user_of(&db, 3, "enterprise", "电池企业").await,
        enterprise2: user_of(&db, 4, "enterprise", "钢板企业").await,
        university: user_of(&db, 5, "university", "电池大学").await,
        bank: user_of(&db, 6, "bank", "某银行").await,
        ctx,
        db,
        clock,
    }
}

/// A published listing of `kind` by `who`.
async fn published(w: &World, who: &Principal, kind: &str, title: &str, description: &str) -> i64 {
    let listing = check_listing(
        &ListingInput {
            kind: Some(kind.into()),
            title: Some(title.into()),
            description: Some(description.into()),
            field: Some("新能源与节能".into()),
            modes: vec!["转让".into()],
            district_code: Some("310110".into()),
            contact_name: Some("张明".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-12-31".into()),
            maturity: (kind == "supply").then(|| "中试".into()),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap();
    let row =
        w.db.listing_create(who.org_id, &listing, w.clock.now(), &who.who())
            .await
            .unwrap();
    w.db.listing_set_status(
        row.id,
        ListingStatus::Draft,
        ListingStatus::Published,
        None,
        w.clock.now(),
        &who.who(),
    )
    .await
    .unwrap();
    row.id
}

/// A matchmaking event on 2026-12-10, 14:00–15:00 in three 20-minute slots at `tables` tables.
async fn matchmaking(w: &World, tables: i64) -> i64 {
    let input = EventInput {
        kind: Some("matchmaking".into()),
        title: Some("新能源技术对接会".into()),
        starts_at: Some("2026-12-10T14:00".into()),
        ends_at: Some("2026-12-10T15:00".into()),
        place: Some("杨浦区国定路 335 号".into()),
        capacity: Some(10),
        slot_minutes: Some(20),
        tables: Some(tables),
        ..Default::default()
    };
    events::create(&w.ctx, &w.operator, &input)
        .await
        .unwrap()
        .id
}

async fn register(w: &World, who: &Principal, event: i64, unavailable: &[usize]) {
    let cmd = Register {
        unavailable_slots: unavailable.to_vec(),
    };
    events::register(&w.ctx, who, event, &cmd).await.unwrap();
}

/// The battery story: the enterprise's two demands both fit the university's separator.
async fn battery(w: &World) -> (i64, i64) {
    let separator = published(
        w,
        &w.university,
        "supply",
        "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
        "陶瓷涂覆隔膜，提高耐热性，降低电池鼓包和热失控风险。",
    )
    .await;
    let swelling = published(
        w,
        &w.enterprise,
        "demand",
        "锂电池鼓包客诉多",
        "夏天电池鼓包投诉多，想改进隔膜耐热性。",
    )
    .await;
    published(
        w,
        &w.enterprise,
        "demand",
        "电池隔膜耐热性不足",
        "电池隔膜受热收缩，想找陶瓷涂覆隔膜技术，降低热失控风险。",
    )
    .await;
    (swelling, separator)
}

#[tokio::test]
async fn registration_and_creation_follow_the_context_clock() {
    let w = world().await;
    let id = matchmaking(&w, 2).await;
    register(&w, &w.enterprise, id, &[0]).await;
    // The bank may not join a matchmaking event.
    let e = events::register(&w.ctx, &w.bank, id, &Register::default())
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Forbidden, Code::Forbidden));
    assert!(e.message.contains("技术对接会"), "{e}");
    // At the start, registration is closed.
    w.clock.set(unix_of(at("2026-12-10 14:00")));
    let e = events::register(&w.ctx, &w.university, id, &Register::default())
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::EventPast));
    // An event may not be created to start before the clock's now.
    let input = EventInput {
        kind: Some("training".into()),
        title: Some("专利导航培训".into()),
        starts_at: Some("2026-12-10T09:00".into()),
        ends_at: Some("2026-12-10T11:00".into()),
        online_url: Some("https://meeting.example.cn/1".into()),
        capacity: Some(50),
        ..Default::default()
    };
    let e = events::create(&w.ctx, &w.operator, &input)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid, "{e}");
    w.clock.set(before_the_event());
    events::create(&w.ctx, &w.operator, &input).await.unwrap();
    let e = events::create(&w.ctx, &w.enterprise, &input)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    // The list counts registrations.
    let list = events::list(&w.ctx).await.unwrap();
    let counts: Vec<(i64, i64)> = list.iter().map(|s| (s.event.id, s.registered)).collect();
    assert!(counts.contains(&(id, 1)), "{counts:?}");
    assert_eq!(events::get(&w.ctx, id).await.unwrap().registered, 1);
}

#[tokio::test]
async fn each_couple_meets_once_and_only_the_organiser_manages() {
    let w = world().await;
    let (_, separator) = battery(&w).await;
    // Not registered: its demand is not brought.
    published(
        &w,
        &w.enterprise2,
        "demand",
        "动力电池隔膜耐热",
        "想找陶瓷涂覆隔膜技术提高电池耐热性。",
    )
    .await;
    let id = matchmaking(&w, 1).await;
    register(&w, &w.enterprise, id, &[0]).await;
    register(&w, &w.university, id, &[]).await;

    let e = events::propose(&w.ctx, &w.other_operator, id)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let s = events::propose(&w.ctx, &w.operator, id).await.unwrap();
    assert_eq!(s.slots, ["14:00–14:20", "14:20–14:40", "14:40–15:00"]);
    assert_eq!(s.meetings.len(), 1, "two demands, one couple: {s:?}");
    assert!(s.unplaced.is_empty(), "{s:?}");
    let m = &s.meetings[0];
    assert_eq!(
        (m.demand_org_id, m.supply_org_id),
        (w.enterprise.org_id, w.university.org_id)
    );
    assert_eq!(m.supply_id, separator);
    assert_ne!(m.slot, 0, "the enterprise is not free in slot 0");
    assert_eq!(
        (m.demand_org.as_str(), m.supply_org.as_str()),
        ("电池企业", "电池大学")
    );

    // The participants see their own meetings, nothing of the unplaced; others nothing.
    for who in [&w.enterprise, &w.university] {
        let mine = events::schedule_of(&w.ctx, who, id).await.unwrap();
        assert_eq!(mine.meetings.len(), 1);
    }
    let theirs = events::schedule_of(&w.ctx, &w.enterprise2, id)
        .await
        .unwrap();
    assert!(theirs.meetings.is_empty());
    let page = events::page(&w.ctx, None, id).await.unwrap();
    assert!(page.schedule.meetings.is_empty() && page.registrations.is_empty());
    assert!(!page.organiser && !page.may_schedule);
    let page = events::page(&w.ctx, Some(&w.operator), id).await.unwrap();
    assert!(page.organiser && page.may_schedule);
    assert_eq!(page.registrations.len(), 2);
    assert_eq!(page.registrations[0].unavailable, [0]);

    // Only the organiser moves, records attendance and prints anyone's agenda.
    let mid = m.id;
    let to = MoveMeeting {
        slot: Some(0),
        table: Some(1),
    };
    let e = events::move_meeting(&w.ctx, &w.other_operator, id, mid, to)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = events::move_meeting(&w.ctx, &w.operator, id, mid, to)
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (Kind::Conflict, Code::CannotMove),
        "slot 0"
    );
    let e = events::move_meeting(&w.ctx, &w.operator, id, mid, MoveMeeting::default())
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::Required));
    let attended = Attendance {
        org_id: w.enterprise.org_id,
        attended: true,
    };
    let e = events::set_attendance(&w.ctx, &w.enterprise, id, attended)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    events::set_attendance(&w.ctx, &w.operator, id, attended)
        .await
        .unwrap();
    let e = events::agenda_xlsx(&w.ctx, &w.enterprise, id, Some(w.university.org_id))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let file = events::agenda_xlsx(&w.ctx, &w.operator, id, Some(w.university.org_id))
        .await
        .unwrap();
    assert!(file.filename.contains("电池大学") && file.filename.contains("2026-12-10"));
    assert!(file.bytes.starts_with(b"PK"));
}

#[tokio::test]
async fn a_schedule_with_a_deal_lead_is_not_proposed_again() {
    let w = world().await;
    battery(&w).await;
    let id = matchmaking(&w, 2).await;
    register(&w, &w.enterprise, id, &[]).await;
    register(&w, &w.university, id, &[]).await;
    // Without leads, proposing again replaces the schedule.
    let first = events::propose(&w.ctx, &w.operator, id).await.unwrap();
    let again = events::propose(&w.ctx, &w.operator, id).await.unwrap();
    assert_eq!(first.meetings.len(), again.meetings.len());
    assert_ne!(first.meetings[0].id, again.meetings[0].id, "replaced");
    let mid = again.meetings[0].id;

    let e = events::make_lead(&w.ctx, &w.operator, id, mid)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::OutcomeRequired));
    events::record_outcome(&w.ctx, &w.operator, id, mid, Some("继续跟进"))
        .await
        .unwrap();
    let lead = events::make_lead(&w.ctx, &w.operator, id, mid)
        .await
        .unwrap();
    let e = events::make_lead(&w.ctx, &w.operator, id, mid)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::LeadExists));

    // Now the schedule stays: proposing would delete the lead.
    let e = events::propose(&w.ctx, &w.operator, id).await.unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::ScheduleHasLeads));
    assert!(e.message.contains("交易线索"), "{e}");
    let kept = events::schedule_of(&w.ctx, &w.operator, id).await.unwrap();
    assert_eq!(kept.meetings[0].id, mid);
    assert_eq!(kept.meetings[0].lead_id, Some(lead));
    let page = events::page(&w.ctx, Some(&w.operator), id).await.unwrap();
    assert!(page.organiser && !page.may_schedule);
    // Moving meeting by meeting still works.
    let to = MoveMeeting {
        slot: Some(2),
        table: Some(2),
    };
    events::move_meeting(&w.ctx, &w.operator, id, mid, to)
        .await
        .unwrap();
    let moved = events::schedule_of(&w.ctx, &w.operator, id).await.unwrap();
    assert_eq!((moved.meetings[0].slot, moved.meetings[0].table_no), (2, 2));
}

#[tokio::test]
async fn the_home_agenda_lists_meetings_until_the_event_ends() {
    let w = world().await;
    battery(&w).await;
    let id = matchmaking(&w, 1).await;
    register(&w, &w.enterprise, id, &[0, 1]).await;
    register(&w, &w.university, id, &[]).await;
    events::propose(&w.ctx, &w.operator, id).await.unwrap();
    let agenda = events::agenda_of(&w.ctx, &w.enterprise).await.unwrap();
    assert_eq!(agenda.len(), 1);
    let line = &agenda[0];
    assert_eq!(
        (
            line.event_id,
            line.when.as_str(),
            line.table,
            line.other.as_str()
        ),
        (id, "2026-12-10 14:40–15:00", 1, "电池大学")
    );
    assert_eq!(
        events::agenda_of(&w.ctx, &w.university).await.unwrap()[0].other,
        "电池企业"
    );
    w.clock.set(unix_of(at("2026-12-10 14:59")));
    assert_eq!(
        events::agenda_of(&w.ctx, &w.enterprise)
            .await
            .unwrap()
            .len(),
        1
    );
    w.clock.set(unix_of(at("2026-12-10 15:01")));
    assert!(
        events::agenda_of(&w.ctx, &w.enterprise)
            .await
            .unwrap()
            .is_empty()
    );
}
