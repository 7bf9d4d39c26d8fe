//! Self-registration (issue 18) as use cases: register → pending → may draft but not submit →
//! approved by the district's operator → submits; a duplicate USCC or username is refused naming
//! the field; a rejection needs a reason and is shown to the organisation; each kind's approver.

use zhiyun_domain::application::serde_json_number::Number;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::listing::{ListingAction, ListingInput, ListingStatus};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::registration::{Approval, RegistrationInput};
use zhiyun_service::{
    Clock, Ctx, Kind, Principal, auctions, deals, events, listings, registrations, sessions,
};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

/// 2026-12-04 12:00 in Beijing.
const NOON: i64 = 1_796_356_800;
const XUHUI: &str = "310104";
const MINHANG: &str = "310112";

fn uscc(district: &str, n: u32) -> String {
    let first17 = format!("91{district}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

struct World {
    ctx: Ctx,
    op: Principal,
    op_minhang: Principal,
    municipal: Principal,
}

async fn world() -> World {
    let db = testing::fresh().await;
    let who = Who::cli();
    let hasher = Hasher::fast_for_tests();
    let mut people = Vec::new();
    for (n, (user, kind, name, district)) in [
        ("op", "park_operator", "徐汇园区运营", Some(XUHUI)),
        ("op_mh", "park_operator", "闵行园区运营", Some(MINHANG)),
        ("city", "municipal_bureau", "上海市知识产权局", None),
    ]
    .into_iter()
    .enumerate()
    {
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    district_code: district.map(str::to_string),
                    uscc: district.map(|d| uscc(d, n as u32)),
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
                    password_hash: hasher.hash("password-123"),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        people.push(db.principal(u.id).await.unwrap().unwrap());
    }
    let mut people = people.into_iter();
    World {
        ctx: Ctx::new(db, hasher).with_clock(Clock::fixed(NOON)),
        op: people.next().unwrap(),
        op_minhang: people.next().unwrap(),
        municipal: people.next().unwrap(),
    }
}

fn enterprise(username: &str, n: u32) -> RegistrationInput {
    RegistrationInput {
        name: Some(format!("上海自注册科技有限公司{n}")),
        kind: Some("enterprise".into()),
        uscc: Some(uscc(XUHUI, 100 + n)),
        district_code: Some(XUHUI.into()),
        size_class: Some("small".into()),
        contact_name: Some("陈静".into()),
        contact_phone: Some("13912345678".into()),
        username: Some(username.into()),
        display_name: Some("陈静".into()),
        password: Some("register-123".into()),
        confirm: Some("register-123".into()),
        ..Default::default()
    }
}

async fn log_in(ctx: &Ctx, username: &str) -> Principal {
    sessions::login(ctx, username, "register-123", 3600)
        .await
        .unwrap()
        .0
}

fn demand() -> ListingInput {
    ListingInput {
        kind: Some("demand".into()),
        title: Some("求耐高温锂电池隔膜技术".into()),
        description: Some("动力电池隔膜高温收缩，求耐高温锂电池隔膜技术，可许可或转让。".into()),
        field: Some("新材料".into()),
        modes: vec!["许可".into()],
        price_wan: Some(Number("80".into())),
        district_code: Some(XUHUI.into()),
        contact_name: Some("陈静".into()),
        contact_phone: Some("13912345678".into()),
        valid_until: Some("2027-06-30".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn issue18_register_pending_cannot_submit_then_approved_can() {
    let w = world().await;
    let r = registrations::register(&w.ctx, &enterprise("self-ent", 1), None)
        .await
        .unwrap();
    assert_eq!(r.approval, Approval::Pending);
    // The first user logs in at once and drafts.
    let me = log_in(&w.ctx, "self-ent").await;
    assert_eq!(me.org_approval, Approval::Pending);
    assert_eq!(me.org_id, r.org_id);
    let draft = listings::create(&w.ctx, &me, &demand()).await.unwrap();
    assert_eq!(draft.status, ListingStatus::Draft);
    // … but submits nothing for review.
    let e = listings::act(&w.ctx, &me, draft.id, ListingAction::Submit, None)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Forbidden, Code::Forbidden));
    assert_eq!(e.message, "本单位注册尚待审核，审核通过后方可提交");
    // Nor does it sign up for events, bid at auctions or record deals.
    let e = events::register(&w.ctx, &me, 1, &Default::default())
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (Kind::Forbidden, "本单位注册尚待审核，审核通过后方可提交")
    );
    let e = auctions::register(&w.ctx, &me, 1, None).await.unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = auctions::bid(&w.ctx, &me, 1, None).await.unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = deals::create(&w.ctx, &me, Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);

    // The operator of 徐汇 sees it waiting; the operator of 闵行 and the bureau do not.
    let pending = registrations::list(&w.ctx, &w.op, Some("pending"))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].contact_phone, "13912345678");
    let count = registrations::pending_count(&w.ctx, &w.op).await.unwrap();
    assert_eq!(count.map(|c| c.count), Some(1));
    assert!(
        registrations::list(&w.ctx, &w.op_minhang, Some("pending"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        registrations::list(&w.ctx, &w.municipal, None)
            .await
            .unwrap()
            .is_empty()
    );
    let e = registrations::list(&w.ctx, &me, None).await.unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = registrations::decide(&w.ctx, &w.op_minhang, r.org_id, true, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);

    let decided = registrations::decide(&w.ctx, &w.op, r.org_id, true, Some("材料齐全"))
        .await
        .unwrap();
    assert_eq!(decided.approval(), Approval::Approved);
    assert_eq!(decided.comment.as_deref(), Some("材料齐全"));
    // Decided once.
    let e = registrations::decide(&w.ctx, &w.op, r.org_id, false, Some("再议"))
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::AlreadyDecided);

    let me = log_in(&w.ctx, "self-ent").await;
    assert_eq!(me.org_approval, Approval::Approved);
    let d = listings::act(&w.ctx, &me, draft.id, ListingAction::Submit, None)
        .await
        .unwrap();
    assert_eq!(d.listing.status, ListingStatus::Submitted);
}

#[tokio::test]
async fn issue18_a_duplicate_uscc_or_username_is_refused_naming_the_field() {
    let w = world().await;
    // The 徐汇 operator's own USCC (index 0 in the world).
    let mut dup = enterprise("someone", 2);
    dup.uscc = Some(uscc(XUHUI, 0));
    let e = registrations::register(&w.ctx, &dup, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Conflict);
    assert_eq!(e.code, Code::UsccTaken);
    assert_eq!(e.errors[0].field, "uscc");
    assert!(e.message.contains("徐汇园区运营"), "{}", e.message);
    // Nothing was written: the username is still free.
    registrations::register(&w.ctx, &enterprise("someone", 3), None)
        .await
        .unwrap();
    let e = registrations::register(&w.ctx, &enterprise("someone", 4), None)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::UsernameTaken));
    assert_eq!(e.errors[0].field, "username");
    let e = registrations::register(&w.ctx, &enterprise("op_mh", 5), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::UsernameTaken);
    // Bad fields are every one named at once (422).
    let mut bad = enterprise("x", 6);
    bad.confirm = Some("other-pass".into());
    let e = registrations::register(&w.ctx, &bad, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["username", "confirm"]);
}

#[tokio::test]
async fn issue18_a_rejection_needs_a_reason_and_the_organisation_reads_it() {
    let w = world().await;
    let r = registrations::register(&w.ctx, &enterprise("rejected-ent", 7), None)
        .await
        .unwrap();
    let e = registrations::decide(&w.ctx, &w.op, r.org_id, false, Some(" "))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::ReasonRequired));
    registrations::decide(
        &w.ctx,
        &w.op,
        r.org_id,
        false,
        Some("营业执照信息与填报不符"),
    )
    .await
    .unwrap();
    let me = log_in(&w.ctx, "rejected-ent").await;
    assert_eq!(me.org_approval, Approval::Rejected);
    let mine = registrations::mine(&w.ctx, &me).await.unwrap().unwrap();
    assert_eq!(mine.comment.as_deref(), Some("营业执照信息与填报不符"));
    let draft = listings::create(&w.ctx, &me, &demand()).await.unwrap();
    let e = listings::act(&w.ctx, &me, draft.id, ListingAction::Submit, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert!(e.message.contains("未通过审核"));
}

#[tokio::test]
async fn issue18_banks_are_approved_by_the_municipal_bureau() {
    let w = world().await;
    let mut bank = enterprise("self-bank", 8);
    bank.kind = Some("bank".into());
    bank.name = Some("某银行上海徐汇支行".into());
    bank.size_class = None;
    let r = registrations::register(&w.ctx, &bank, None).await.unwrap();
    assert!(
        registrations::list(&w.ctx, &w.op, None)
            .await
            .unwrap()
            .is_empty()
    );
    let e = registrations::decide(&w.ctx, &w.op, r.org_id, true, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert_eq!(
        registrations::pending_count(&w.ctx, &w.municipal)
            .await
            .unwrap()
            .map(|c| c.count),
        Some(1)
    );
    let d = registrations::decide(&w.ctx, &w.municipal, r.org_id, true, None)
        .await
        .unwrap();
    assert_eq!(d.approval(), Approval::Approved);
    // An organisation an administrator registered is not a registration.
    let e = registrations::decide(&w.ctx, &w.municipal, w.op.org_id, true, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
}
