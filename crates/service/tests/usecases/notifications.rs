//! Notifications (issue 18), by their use cases: a contact request reaches the other owner's
//! users in the inbox and, with an address and mail on, through the outbox to an SMTP sink the
//! test starts; a user's preferences turn either off; two senders on one database send each
//! mail once; a refused mail is retried later and given up after the limit; listings submitted
//! and reviewed reach the district operator and the owner; the inbox is one's own.

use std::time::Duration;

use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingAction, ListingInput, check_listing};
use zhiyun_domain::notify::{Audience, MAIL_MAX_ATTEMPTS, Notice, NoticeKind};
use zhiyun_service::notifications::mail::{Settings, send_outbox};
use zhiyun_service::notifications::sink::SmtpSink;
use zhiyun_service::notifications::{self as uc, ChoiceInput};
use zhiyun_service::{Ctx, Kind, Principal, listings, match_contacts};
use zhiyun_store::password::Hasher;

use crate::match_contacts::world;

const BASE: &str = "http://zhiyun.test";

fn settings(sink: &SmtpSink) -> Settings {
    Settings {
        smtp_url: sink.url(),
        from: "知运平台 <noreply@zhiyun.test>".into(),
        base_url: BASE.into(),
    }
}

fn choice(kind: NoticeKind, in_app: bool, email: bool) -> ChoiceInput {
    ChoiceInput {
        kind: kind.code().into(),
        in_app,
        email,
    }
}

async fn set_email(ctx: &Ctx, user: &Principal, email: &str) {
    uc::set_preferences(ctx, user, &[], Some(email))
        .await
        .unwrap();
}

#[tokio::test]
async fn issue18_a_contact_request_reaches_the_owner_in_the_inbox_and_by_mail() {
    let w = world().await;
    let ctx = w.ctx.clone().with_mail(true);
    set_email(&ctx, &w.university, "li@univ.example.com").await;
    let sink = SmtpSink::start().unwrap();

    match_contacts::request(&ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap();
    let inbox = uc::inbox(&ctx, &w.university).await.unwrap();
    assert_eq!(inbox.unread, 1);
    let item = &inbox.items[0];
    assert_eq!(item.kind, NoticeKind::ContactRequest);
    assert_eq!(item.title, "杨浦电池企业希望与您对接");
    assert_eq!(item.href, format!("/listings/{}", w.supply));
    // The asker is not told of its own request; the third organisation hears nothing.
    assert_eq!(uc::inbox(&ctx, &w.enterprise).await.unwrap().unread, 0);
    assert_eq!(uc::inbox(&ctx, &w.third).await.unwrap().items.len(), 0);
    // The header's count comes with the principal.
    let me = w.db.principal(w.university.id).await.unwrap().unwrap();
    assert_eq!(me.unread_notifications, 1);

    let report = send_outbox(&ctx, &settings(&sink)).await.unwrap();
    assert!(report.contains("发送 1 封"), "{report}");
    let got = sink.wait_for(1, Duration::from_secs(5));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec!["li@univ.example.com".to_string()]);
    assert_eq!(got[0].subject(), "杨浦电池企业希望与您对接");
    let text = got[0].text();
    assert!(
        text.contains(&format!("{BASE}/listings/{}", w.supply)),
        "{text}"
    );
    assert!(text.contains("锂电池隔膜陶瓷涂覆工艺"), "{text}");
    let outbox = w.db.outbox_all().await.unwrap();
    assert!(outbox[0].sent_at.is_some());
    assert_eq!(outbox[0].attempts, 1);
    // Sent once: the next pass has nothing to do.
    let report = send_outbox(&ctx, &settings(&sink)).await.unwrap();
    assert!(report.contains("发送 0 封"), "{report}");

    // Accepted: both sides hear the contacts are exchanged; mail only where there is an address.
    let r = match_contacts::mine(&ctx, &w.university).await.unwrap();
    match_contacts::answer(&ctx, &w.university, r[0].id, true)
        .await
        .unwrap();
    let ent = uc::inbox(&ctx, &w.enterprise).await.unwrap();
    assert_eq!(ent.items[0].kind, NoticeKind::ContactExchanged);
    assert_eq!(ent.items[0].href, format!("/listings/{}", w.demand));
    let uni = uc::inbox(&ctx, &w.university).await.unwrap();
    assert_eq!(
        (uni.unread, uni.items[0].kind),
        (2, NoticeKind::ContactExchanged)
    );
    send_outbox(&ctx, &settings(&sink)).await.unwrap();
    let got = sink.wait_for(2, Duration::from_secs(5));
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].subject(), "已与杨浦电池企业交换联系方式");
}

#[tokio::test]
async fn issue18_mail_off_on_the_server_queues_nothing() {
    let w = world().await;
    set_email(&w.ctx, &w.university, "li@univ.example.com").await;
    match_contacts::request(&w.ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap();
    assert_eq!(uc::inbox(&w.ctx, &w.university).await.unwrap().unread, 1);
    assert!(w.db.outbox_all().await.unwrap().is_empty());
}

#[tokio::test]
async fn issue18_preferences_turn_the_inbox_and_mail_off_per_kind() {
    let w = world().await;
    let ctx = w.ctx.clone().with_mail(true);
    set_email(&ctx, &w.university, "li@univ.example.com").await;
    let p = uc::set_preferences(
        &ctx,
        &w.university,
        &[choice(NoticeKind::ContactRequest, false, false)],
        None,
    )
    .await
    .unwrap();
    assert_eq!(p.email.as_deref(), Some("li@univ.example.com"), "kept");
    let c = p
        .kinds
        .iter()
        .find(|c| c.kind == NoticeKind::ContactRequest)
        .unwrap();
    assert!(!c.in_app && !c.email);
    assert_eq!(p.kinds.len(), NoticeKind::ALL.len());

    match_contacts::request(&ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap();
    assert!(
        uc::inbox(&ctx, &w.university)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(w.db.outbox_all().await.unwrap().is_empty());

    // In the inbox only: no mail.
    uc::set_preferences(
        &ctx,
        &w.university,
        &[choice(NoticeKind::ContactExchanged, true, false)],
        None,
    )
    .await
    .unwrap();
    let r = match_contacts::mine(&ctx, &w.university).await.unwrap();
    match_contacts::answer(&ctx, &w.university, r[0].id, true)
        .await
        .unwrap();
    assert_eq!(uc::inbox(&ctx, &w.university).await.unwrap().unread, 1);
    assert!(w.db.outbox_all().await.unwrap().is_empty());

    // Refusals: an unknown kind names it; a bad address is a field error; blank clears.
    let e = uc::set_preferences(
        &ctx,
        &w.university,
        &[ChoiceInput {
            kind: "weather".into(),
            in_app: true,
            email: true,
        }],
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, Code::UnknownKind);
    assert!(e.message.contains("weather"), "{}", e.message);
    let e = uc::set_preferences(&ctx, &w.university, &[], Some("li at univ"))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::BadFormat));
    let p = uc::set_preferences(&ctx, &w.university, &[], Some(" "))
        .await
        .unwrap();
    assert_eq!(p.email, None);
}

/// Ten mails for one user, written directly.
async fn ten_mails(ctx: &Ctx, user: &Principal) {
    set_email(ctx, user, "li@univ.example.com").await;
    let notices: Vec<Notice> = (0..10)
        .map(|i| Notice {
            kind: NoticeKind::ContactRequest,
            to: vec![Audience::User(user.id)],
            title: format!("第 {i} 条通知"),
            body: "正文".into(),
            href: "/home".into(),
            except_user: None,
        })
        .collect();
    let n = uc::notify(ctx, &notices).await.unwrap();
    assert_eq!((n.inbox, n.mails), (10, 10));
}

#[tokio::test]
async fn issue18_two_senders_on_one_database_send_each_mail_once() {
    let w = world().await;
    let a = w.ctx.clone().with_mail(true);
    // A second process: its own context over the same database.
    let b = Ctx::new(w.db.clone(), Hasher::fast_for_tests())
        .with_clock(w.clock.clone())
        .with_mail(true);
    ten_mails(&a, &w.university).await;
    let sink = SmtpSink::start().unwrap();
    let s = settings(&sink);
    for _ in 0..3 {
        let (x, y) = tokio::join!(send_outbox(&a, &s), send_outbox(&b, &s));
        x.unwrap();
        y.unwrap();
    }
    let got = sink.wait_for(10, Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    let got_after = sink.messages();
    assert_eq!(got.len(), 10);
    assert_eq!(got_after.len(), 10, "no mail twice");
    let mut subjects: Vec<String> = got_after.iter().map(|m| m.subject()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 10);
    assert!(
        w.db.outbox_all()
            .await
            .unwrap()
            .iter()
            .all(|m| m.sent_at.is_some() && m.attempts == 1)
    );
}

#[tokio::test]
async fn issue18_a_refused_mail_is_retried_later_and_given_up_after_the_limit() {
    let w = world().await;
    let ctx = w.ctx.clone().with_mail(true);
    set_email(&ctx, &w.university, "li@univ.example.com").await;
    let sink = SmtpSink::start().unwrap();
    let s = settings(&sink);
    match_contacts::request(&ctx, &w.enterprise, w.demand, w.supply)
        .await
        .unwrap();
    sink.refuse_next(1);
    let report = send_outbox(&ctx, &s).await.unwrap();
    assert!(report.contains("失败 1 封"), "{report}");
    let m = &w.db.outbox_all().await.unwrap()[0];
    assert_eq!((m.attempts, m.sent_at), (1, None));
    assert!(
        m.last_error.as_deref().unwrap_or("").contains("451"),
        "{m:?}"
    );
    // Not again at once: it waits.
    send_outbox(&ctx, &s).await.unwrap();
    assert!(sink.messages().is_empty());
    w.clock.advance(31);
    send_outbox(&ctx, &s).await.unwrap();
    let got = sink.wait_for(1, Duration::from_secs(5));
    assert_eq!(got.len(), 1);
    let m = &w.db.outbox_all().await.unwrap()[0];
    assert_eq!(m.attempts, 2);
    assert!(m.sent_at.is_some());

    // A server that never answers: tried MAIL_MAX_ATTEMPTS times, then left with its error.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let s = Settings {
        smtp_url: format!("smtp://{dead}"),
        ..s
    };
    let r = match_contacts::mine(&ctx, &w.university).await.unwrap();
    match_contacts::answer(&ctx, &w.university, r[0].id, true)
        .await
        .unwrap();
    for _ in 0..(MAIL_MAX_ATTEMPTS + 2) {
        send_outbox(&ctx, &s).await.unwrap();
        w.clock.advance(3600);
    }
    let m = w.db.outbox_all().await.unwrap().pop().unwrap();
    assert_eq!((m.attempts, m.sent_at), (MAIL_MAX_ATTEMPTS, None));
    assert!(m.last_error.is_some());
}

#[tokio::test]
async fn issue18_a_submitted_listing_reaches_its_district_operator_and_the_review_its_owner() {
    let w = world().await;
    let listing = check_listing(
        &ListingInput {
            kind: Some("supply".into()),
            title: Some("固态电解质制备方法".into()),
            description: Some("一种硫化物固态电解质的制备方法。".into()),
            field: Some("新能源与节能".into()),
            modes: vec!["转让".into()],
            district_code: Some("310112".into()),
            contact_name: Some("李教授".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-12-31".into()),
            maturity: Some("中试".into()),
            ..Default::default()
        },
        w.clock.today(),
    )
    .unwrap();
    let row =
        w.db.listing_create(
            w.university.org_id,
            &listing,
            w.clock.now(),
            &w.university.who(),
        )
        .await
        .unwrap();
    listings::act(&w.ctx, &w.university, row.id, ListingAction::Submit, None)
        .await
        .unwrap();
    let op = uc::inbox(&w.ctx, &w.operator).await.unwrap();
    assert_eq!(op.unread, 1);
    assert_eq!(op.items[0].kind, NoticeKind::ListingSubmitted);
    assert_eq!(op.items[0].title, "供需条目待审核：固态电解质制备方法");
    assert_eq!(uc::inbox(&w.ctx, &w.far_operator).await.unwrap().unread, 0);

    listings::act(
        &w.ctx,
        &w.operator,
        row.id,
        ListingAction::Return,
        Some("请补充技术指标"),
    )
    .await
    .unwrap();
    let uni = uc::inbox(&w.ctx, &w.university).await.unwrap();
    assert_eq!(uni.items[0].kind, NoticeKind::ListingReviewed);
    assert!(uni.items[0].body.contains("请补充技术指标"));

    // Opening marks read; someone else's item is not found; read-all clears the rest.
    let id = op.items[0].id;
    assert_eq!(
        uc::open(&w.ctx, &w.university, id).await.unwrap_err().kind,
        Kind::NotFound
    );
    let opened = uc::open(&w.ctx, &w.operator, id).await.unwrap();
    assert!(opened.read_at.is_some());
    assert_eq!(uc::inbox(&w.ctx, &w.operator).await.unwrap().unread, 0);
    assert_eq!(uc::read_all(&w.ctx, &w.university).await.unwrap(), 1);
    assert_eq!(uc::inbox(&w.ctx, &w.university).await.unwrap().unread, 0);
}
