//! Interest that leads somewhere (issue 18, T3), by its use cases: 感兴趣 sends a contact
//! request; the contacts stay masked until the other side accepts, then both see each other's;
//! the district operator turns the pair into a deal lead; a third organisation sees nothing; a
//! declined request is not re-sent and asking again is refused with a stable code.

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
use zhiyun_domain::matching::contact::ContactState;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_service::match_contacts::{self as uc, Direction};
use zhiyun_service::{Clock, Ctx, Kind, Principal, listings, matching};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

const YANGPU: &str = "310110";
pub(crate) const MINHANG: &str = "310112";
const PUDONG: &str = "310115";

fn uscc(n: u32) -> String {
    let first17 = format!("91310110MA1{n:06}");
    format!(
        "{first17}{}",
        zhiyun_domain::ident::uscc_check_char(&first17).unwrap()
    )
}

pub(crate) async fn user_of(db: &Db, n: u32, kind: &str, name: &str, district: &str) -> Principal {
    let who = Who::cli();
    let org = db
        .org_create(
            &check_org(&OrgInput {
                kind: Some(kind.into()),
                name: Some(name.into()),
                uscc: (kind != "university").then(|| uscc(n)),
                district_code: Some(district.into()),
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

pub(crate) struct World {
    pub(crate) ctx: Ctx,
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) enterprise: Principal,
    pub(crate) university: Principal,
    pub(crate) third: Principal,
    pub(crate) operator: Principal,
    pub(crate) far_operator: Principal,
    pub(crate) demand: i64,
    pub(crate) supply: i64,
}

pub(crate) async fn published(
    db: &Db,
    clock: &Clock,
    who: &Principal,
    kind: &str,
    (title, description): (&str, &str),
    district: &str,
    contact: (&str, &str),
) -> i64 {
    let listing = check_listing(
        &ListingInput {
            kind: Some(kind.into()),
            title: Some(title.into()),
            description: Some(description.into()),
            field: Some("新能源与节能".into()),
            modes: vec!["转让".into(), "许可".into()],
            price_wan: (kind == "supply")
                .then(|| zhiyun_domain::application::serde_json_number::Number("80".into())),
            district_code: Some(district.into()),
            contact_name: Some(contact.0.into()),
            contact_phone: Some(contact.1.into()),
            valid_until: Some("2027-12-31".into()),
            maturity: (kind == "supply").then(|| "中试".into()),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap();
    let row = db
        .listing_create(who.org_id, &listing, clock.now(), &who.who())
        .await
        .unwrap();
    db.listing_set_status(
        row.id,
        ListingStatus::Draft,
        ListingStatus::Published,
        None,
        clock.now(),
        &who.who(),
    )
    .await
    .unwrap();
    row.id
}

pub(crate) async fn world() -> World {
    let db = testing::fresh().await;
    let clock = Clock::fixed(zhiyun_domain::time::start_of_day(
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    ));
    let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone());
    let enterprise = user_of(&db, 1, "enterprise", "杨浦电池企业", YANGPU).await;
    let university = user_of(&db, 2, "university", "闵行电池大学", MINHANG).await;
    let third = user_of(&db, 3, "enterprise", "第三家企业", YANGPU).await;
    let operator = user_of(&db, 4, "park_operator", "闵行园区运营", MINHANG).await;
    let far_operator = user_of(&db, 5, "park_operator", "浦东园区运营", PUDONG).await;
    let demand = published(
        &db,
        &clock,
        &enterprise,
        "demand",
        (
            "锂电池隔膜涂覆技术需求",
            "我司需要锂电池隔膜陶瓷涂覆工艺，提升电池安全性。",
        ),
        YANGPU,
        ("王建国", "13900001111"),
    )
    .await;
    let supply = published(
        &db,
        &clock,
        &university,
        "supply",
        (
            "锂电池隔膜陶瓷涂覆工艺",
            "一种锂电池隔膜陶瓷涂覆方法，提升隔膜耐热性和电池安全性。",
        ),
        MINHANG,
        ("李教授", "13812345678"),
    )
    .await;
    World {
        ctx,
        db,
        clock,
        enterprise,
        university,
        third,
        operator,
        far_operator,
        demand,
        supply,
    }
}

#[tokio::test]
async fn issue18_t3_interest_is_asked_accepted_unmasked_both_ways_and_made_a_lead() {
    let w = world().await;
    // The suggestion shows who offers it, at what price, and the contact masked.
    let found = matching::matches(&w.ctx, &w.enterprise, w.demand, None, None)
        .await
        .unwrap();
    let s = found.iter().find(|s| s.id == w.supply).expect("suggested");
    assert_eq!(s.org_name, "闵行电池大学");
    assert_eq!(s.price.map(|p| p.to_wan_string()).as_deref(), Some("80"));
    assert_eq!((s.contact_name.as_str(), s.contact_masked), ("李**", true));
    assert!(s.contact.is_none());

    // 感兴趣 sends the request.
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
    let mine = uc::mine(&w.ctx, &w.enterprise).await.unwrap();
    assert_eq!(mine.len(), 1);
    let r = &mine[0];
    assert_eq!(
        (r.state, r.direction),
        (ContactState::Requested, Direction::Outgoing)
    );
    assert!(r.supply.masked, "masked until the other side agrees");
    assert_eq!(r.supply.contact_phone, "138****5678");

    // T2: the supply's own page shows the enterprise the contact masked too, as to a visitor.
    let page = |who: &'static str| {
        let w = &w;
        async move {
            let p = match who {
                "enterprise" => &w.enterprise,
                _ => &w.third,
            };
            let d = listings::get(&w.ctx, Some(p), w.supply).await.unwrap();
            (d.contacts_masked, d.listing.contact_phone)
        }
    };
    assert_eq!(page("enterprise").await, (true, "138****5678".to_string()));

    // The university sees it on its home, masked too, and may answer.
    let card = uc::home_card(&w.ctx, &w.university).await.unwrap();
    assert_eq!(card.incoming.len(), 1);
    let incoming = &card.incoming[0];
    assert!(incoming.may_answer && incoming.demand.masked);
    assert_eq!(incoming.demand.contact_name, "王**");

    // Asking again is refused with a stable code; the asker cannot answer itself.
    let again = uc::request(&w.ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap_err();
    assert_eq!(
        (again.kind, again.code),
        (Kind::Conflict, Code::AlreadyRequested)
    );
    let self_answer = uc::answer(&w.ctx, &w.enterprise, r.id, true)
        .await
        .unwrap_err();
    assert_eq!(self_answer.kind, Kind::Forbidden);

    // The operator cannot make a lead before both agreed.
    let early = uc::make_lead(&w.ctx, &w.operator, r.id).await.unwrap_err();
    assert_eq!(early.code, Code::ContactsNotExchanged);

    // Accepted: both see each other's contact unmasked.
    let accepted = uc::answer(&w.ctx, &w.university, r.id, true).await.unwrap();
    assert_eq!(accepted.state, ContactState::Accepted);
    assert_eq!(accepted.demand.contact_name, "王建国");
    assert!(!accepted.demand.masked);
    let seen_by_enterprise = &uc::mine(&w.ctx, &w.enterprise).await.unwrap()[0];
    assert_eq!(seen_by_enterprise.supply.contact_phone, "13812345678");
    assert!(!seen_by_enterprise.supply.masked);
    // T2: now the listing's page shows the enterprise the contact in full; a third organisation
    // still sees it masked.
    assert_eq!(page("enterprise").await, (false, "13812345678".to_string()));
    assert_eq!(page("third").await, (true, "138****5678".to_string()));
    let found = matching::matches(&w.ctx, &w.enterprise, w.demand, None, None)
        .await
        .unwrap();
    let s = found.iter().find(|s| s.id == w.supply).unwrap();
    assert_eq!(
        (s.contact_name.as_str(), s.contact_masked),
        ("李教授", false)
    );
    // Answering twice is refused.
    let twice = uc::answer(&w.ctx, &w.university, r.id, false)
        .await
        .unwrap_err();
    assert_eq!(twice.code, Code::AlreadyDecided);

    // The pair is on both homes and on the district operator's, not on another district's.
    for who in [&w.enterprise, &w.university, &w.operator] {
        let card = uc::home_card(&w.ctx, who).await.unwrap();
        assert_eq!(card.exchanged.len(), 1, "{}", who.username);
    }
    let op_card = uc::home_card(&w.ctx, &w.operator).await.unwrap();
    assert!(op_card.exchanged[0].may_make_lead);
    assert!(
        uc::home_card(&w.ctx, &w.far_operator)
            .await
            .unwrap()
            .is_empty()
    );

    // A third organisation sees nothing of the pair.
    assert!(uc::mine(&w.ctx, &w.third).await.unwrap().is_empty());
    assert!(
        uc::of_listing(&w.ctx, &w.third, w.supply)
            .await
            .unwrap()
            .is_empty()
    );
    let third = uc::answer(&w.ctx, &w.third, r.id, true).await.unwrap_err();
    assert_eq!(third.kind, Kind::NotFound);
    let third = uc::request(&w.ctx, &w.third, w.demand, w.supply)
        .await
        .unwrap_err();
    assert_eq!(third.kind, Kind::Forbidden);

    // Only the district operator turns it into a deal lead, once; a deal can be drafted from it.
    let far = uc::make_lead(&w.ctx, &w.far_operator, r.id)
        .await
        .unwrap_err();
    assert_eq!(far.kind, Kind::NotFound);
    let party = uc::make_lead(&w.ctx, &w.enterprise, r.id)
        .await
        .unwrap_err();
    assert_eq!(party.kind, Kind::Forbidden);
    let lead = uc::make_lead(&w.ctx, &w.operator, r.id).await.unwrap();
    assert_eq!(
        w.db.deal_lead_get(lead).await.unwrap(),
        (None, w.demand, w.supply)
    );
    let second = uc::make_lead(&w.ctx, &w.operator, r.id).await.unwrap_err();
    assert_eq!(second.code, Code::LeadExists);
    let draft = zhiyun_service::deals::draft_from_lead(&w.ctx, &w.operator, lead)
        .await
        .unwrap();
    assert_eq!(draft.lead_id, Some(lead));

    // Every change is in the audit log.
    let (_, entries) =
        w.db.audit_list(&zhiyun_store::audit::AuditFilter {
            entity: Some("match_contact".into()),
            entity_id: Some(r.id.to_string()),
            limit: 50,
            offset: 0,
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in ["create", "accepted", "lead"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    let _ = w.clock;
}

#[tokio::test]
async fn issue18_t3_a_declined_request_is_not_sent_again() {
    let w = world().await;
    let (r, created) = uc::request(&w.ctx, &w.university, w.demand, w.supply)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(r.direction, Direction::Outgoing);
    let declined = uc::answer(&w.ctx, &w.enterprise, r.id, false)
        .await
        .unwrap();
    assert_eq!(declined.state, ContactState::Declined);
    assert!(declined.supply.masked, "a declined pair stays masked");
    // Neither side can ask again; pressing 感兴趣 records the verdict and sends nothing.
    for who in [&w.university, &w.enterprise] {
        let e = uc::request(&w.ctx, who, w.demand, w.supply)
            .await
            .unwrap_err();
        assert_eq!((e.kind, e.code), (Kind::Conflict, Code::RequestDeclined));
    }
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
    let mine = uc::mine(&w.ctx, &w.enterprise).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].state, ContactState::Declined);
    let lead = uc::make_lead(&w.ctx, &w.operator, r.id).await.unwrap_err();
    assert_eq!(lead.code, Code::ContactsNotExchanged);
}

#[tokio::test]
async fn issue18_t3_two_independent_interests_exchange_the_contacts() {
    let w = world().await;
    matching::judge(
        &w.ctx,
        &w.university,
        w.supply,
        None,
        w.demand,
        "interested",
        None,
    )
    .await
    .unwrap();
    // The enterprise presses 感兴趣 on its own suggestion: that is the other side's agreement.
    let (v, created) = uc::request(&w.ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(v.state, ContactState::Accepted);
    assert_eq!(v.supply.contact_name, "李教授");
    let e = uc::request(&w.ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::AlreadyExchanged);
}

/// Issue 18 (T3): the operator puts an exchanged pair on the agenda of its next matchmaking
/// event: both are registered on their behalf and the schedule places the pair first.
#[tokio::test]
async fn issue18_t3_an_exchanged_pair_meets_at_the_operators_next_event() {
    use zhiyun_domain::event::EventInput;
    use zhiyun_service::events;
    let w = world().await;
    let event = events::create(
        &w.ctx,
        &w.operator,
        &EventInput {
            kind: Some("matchmaking".into()),
            title: Some("闵行新能源技术对接会".into()),
            starts_at: Some("2026-12-10T14:00".into()),
            ends_at: Some("2026-12-10T14:20".into()),
            place: Some("闵行区东川路 800 号".into()),
            capacity: Some(10),
            slot_minutes: Some(20),
            tables: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    // A competing pair (registered below on its own), written first: on equal scores it would
    // come first.
    let third_demand = published(
        &w.db,
        &w.clock,
        &w.third,
        "demand",
        (
            "锂电池隔膜陶瓷涂覆工艺需求",
            "需要锂电池隔膜陶瓷涂覆工艺，一种锂电池隔膜陶瓷涂覆方法，提升隔膜耐热性和电池安全性。",
        ),
        YANGPU,
        ("赵强", "13900002222"),
    )
    .await;
    // The enterprise's interest is over a loosely worded demand of its own.
    let loose = published(
        &w.db,
        &w.clock,
        &w.enterprise,
        "demand",
        ("电池产线改进", "想找高校合作改进电池产品。"),
        YANGPU,
        ("王建国", "13900001111"),
    )
    .await;
    let r = uc::request(&w.ctx, &w.enterprise, loose, w.supply)
        .await
        .unwrap()
        .0;
    // Not before both agreed.
    let e = uc::to_event(&w.ctx, &w.operator, r.id, event)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::ContactsNotExchanged);
    uc::answer(&w.ctx, &w.university, r.id, true).await.unwrap();
    // Only the operator of either district, to an event it organises.
    let e = uc::to_event(&w.ctx, &w.enterprise, r.id, event)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert_eq!(
        uc::events_for_pairs(&w.ctx, &w.operator)
            .await
            .unwrap()
            .iter()
            .map(|(id, _, at)| (*id, at.as_str()))
            .collect::<Vec<_>>(),
        [(event, "2026-12-10 14:00")]
    );
    assert!(
        uc::events_for_pairs(&w.ctx, &w.enterprise)
            .await
            .unwrap()
            .is_empty()
    );

    events::register(&w.ctx, &w.third, event, &Default::default())
        .await
        .unwrap();

    let done = uc::to_event(&w.ctx, &w.operator, r.id, event)
        .await
        .unwrap();
    assert_eq!(done.registered, ["杨浦电池企业", "闵行电池大学"]);
    assert!(!done.scheduled);
    // Twice: nobody registered again.
    let again = uc::to_event(&w.ctx, &w.operator, r.id, event)
        .await
        .unwrap();
    assert!(again.registered.is_empty());

    // One slot, one table: the agreed pair gets it …
    let plan = events::propose(&w.ctx, &w.operator, event).await.unwrap();
    assert_eq!(
        plan.meetings
            .iter()
            .map(|m| (m.demand_id, m.supply_id))
            .collect::<Vec<_>>(),
        [(loose, w.supply)]
    );
    assert!(
        plan.meetings[0].score < 1000.0,
        "the matcher's score is stored"
    );
    // … though the third's pair scores as high and comes first: without the agreement it would
    // have been placed.
    let third = plan
        .unplaced
        .iter()
        .find(|u| (u.demand_id, u.supply_id) == (third_demand, w.supply))
        .expect("the third's pair is proposed, not placed");
    assert!(
        third.score > plan.meetings[0].score
            || third.score == plan.meetings[0].score && third_demand < loose,
        "{} vs {}",
        third.score,
        plan.meetings[0].score
    );
    let again = uc::to_event(&w.ctx, &w.operator, r.id, event)
        .await
        .unwrap();
    assert!(again.scheduled);
}
