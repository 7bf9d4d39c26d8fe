//! Listings (T1, T2) and matching (T3) as use cases: who may do what in the lifecycle, that every
//! write keeps the search index in step by itself, staleness on a clock moved 181 days, masking
//! for visitors, and suggestions that forget what the owner declined.

use std::sync::Arc;

use zhiyun_domain::application::serde_json_number::Number;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::listing::{ListingAction, ListingInput, ListingStatus};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_search::Query;
use zhiyun_service::listings::import::{self, ImportFile, Importer};
use zhiyun_service::listings::{self, ImportWrite, index, public};
use zhiyun_service::{Clock, Ctx, Kind, Principal, matching};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

/// 2026-12-04 12:00 in Beijing.
const NOON: i64 = 1_796_356_800;
const DAY: i64 = 86_400;
const YANGPU: &str = "310110";

struct World {
    ctx: Ctx,
    clock: Clock,
    uni: Principal,
    ent: Principal,
    op: Principal,
    op_elsewhere: Principal,
}

async fn world() -> World {
    let db = testing::fresh().await;
    let who = Who::cli();
    let hasher = Hasher::fast_for_tests();
    let mut people = Vec::new();
    for (n, (user, kind, name, district)) in [
        ("uni", "university", "某大学", YANGPU),
        ("ent", "enterprise", "某企业", YANGPU),
        ("op", "park_operator", "杨浦园区运营", YANGPU),
        ("op_mh", "park_operator", "闵行园区运营", "310112"),
    ]
    .into_iter()
    .enumerate()
    {
        let first17 = format!("91{district}MA1{n:06}");
        let uscc = format!("{first17}{}", uscc_check_char(&first17).unwrap());
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    district_code: Some(district.into()),
                    uscc: Some(uscc),
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
                    password_hash: hasher.hash("password-123"),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        people.push(db.principal(u.id).await.unwrap().unwrap());
    }
    let clock = Clock::fixed(NOON);
    let mut people = people.into_iter();
    World {
        ctx: Ctx::new(db, hasher).with_clock(clock.clone()),
        clock,
        uni: people.next().unwrap(),
        ent: people.next().unwrap(),
        op: people.next().unwrap(),
        op_elsewhere: people.next().unwrap(),
    }
}

fn supply(title: &str, patent: &str) -> ListingInput {
    ListingInput {
        kind: Some("supply".into()),
        title: Some(title.into()),
        description: Some("静电纺丝制备的锂电池复合隔膜，耐热 180℃，孔隙率高。".into()),
        field: Some("新材料".into()),
        ipc: vec!["H01M 50/40".into()],
        modes: vec!["转让".into(), "许可".into()],
        price_wan: Some(Number("50".into())),
        district_code: Some(YANGPU.into()),
        contact_name: Some("张明".into()),
        contact_phone: Some("13812345678".into()),
        valid_until: Some("2027-06-30".into()),
        patents: vec![patent.into()],
        maturity: Some("中试".into()),
    }
}

fn demand(title: &str) -> ListingInput {
    ListingInput {
        kind: Some("demand".into()),
        title: Some(title.into()),
        description: Some("动力电池隔膜高温收缩，求耐高温锂电池隔膜技术，可许可或转让。".into()),
        field: Some("新材料".into()),
        modes: vec!["许可".into()],
        price_wan: Some(Number("80".into())),
        district_code: Some(YANGPU.into()),
        contact_name: Some("李华".into()),
        contact_phone: Some("021-23110892".into()),
        valid_until: Some("2027-06-30".into()),
        ..Default::default()
    }
}

/// Submitted by the owner and published by the district's operator.
async fn published(w: &World, owner: &Principal, input: &ListingInput) -> i64 {
    let id = listings::create(&w.ctx, owner, input).await.unwrap().id;
    listings::act(&w.ctx, owner, id, ListingAction::Submit, None)
        .await
        .unwrap();
    listings::act(&w.ctx, &w.op, id, ListingAction::Publish, None)
        .await
        .unwrap();
    id
}

/// Ids the public search finds for `text`.
async fn found(ctx: &Ctx, text: &str) -> Vec<i64> {
    public::search(ctx, &Query::text(text))
        .await
        .unwrap()
        .items
        .iter()
        .map(|f| f.id)
        .collect()
}

#[tokio::test]
async fn t1_the_lifecycle_refuses_what_the_status_or_the_role_does_not_allow() {
    let w = world().await;
    let id = listings::create(&w.ctx, &w.uni, &supply("隔膜甲", "201710601862.3"))
        .await
        .unwrap()
        .id;
    let act = |who: &Principal, a, reason: Option<&'static str>| {
        let (ctx, who) = (w.ctx.clone(), who.clone());
        async move { listings::act(&ctx, &who, id, a, reason).await }
    };
    // A draft is the owner's alone: others do not see it, so it does not exist for them.
    for other in [&w.ent, &w.op] {
        let e = act(other, ListingAction::Submit, None).await.unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);
    }
    // Publishing a draft is not a transition (and not the owner's to do).
    let e = act(&w.uni, ListingAction::Publish, None).await.unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = act(&w.uni, ListingAction::Fulfil, None).await.unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::BadTransition));
    let d = act(&w.uni, ListingAction::Submit, None).await.unwrap();
    assert_eq!(d.listing.status, ListingStatus::Submitted);
    assert_eq!(
        act(&w.uni, ListingAction::Submit, None)
            .await
            .unwrap_err()
            .code,
        Code::BadTransition
    );
    // Submitted: the district's operator reviews; another district's does not see it.
    let e = act(&w.op_elsewhere, ListingAction::Publish, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    let e = act(&w.op, ListingAction::Withdraw, None).await.unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    // Returning needs a reason (blank is none).
    let e = act(&w.op, ListingAction::Return, Some("  "))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (Kind::Invalid, Some("reason"))
    );
    let d = act(&w.op, ListingAction::Return, Some("请补充价格依据"))
        .await
        .unwrap();
    assert_eq!(d.listing.status, ListingStatus::Draft);
    assert_eq!(d.listing.return_reason.as_deref(), Some("请补充价格依据"));
    act(&w.uni, ListingAction::Submit, None).await.unwrap();
    let d = act(&w.op, ListingAction::Publish, None).await.unwrap();
    assert_eq!(
        (d.listing.status, d.listing.published_at, d.visible),
        (ListingStatus::Published, Some(NOON), true)
    );
    // Published: anyone reads it; the owner marks it fulfilled, and then it is done.
    assert!(listings::get(&w.ctx, Some(&w.ent), id).await.is_ok());
    act(&w.uni, ListingAction::Fulfil, None).await.unwrap();
    let e = act(&w.uni, ListingAction::Withdraw, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::BadTransition);
    assert_eq!(
        listings::get(&w.ctx, None, id).await.unwrap_err().kind,
        Kind::NotFound
    );
    // The queue holds what the operator may publish.
    let other = listings::create(&w.ctx, &w.ent, &demand("隔膜需求"))
        .await
        .unwrap()
        .id;
    listings::act(&w.ctx, &w.ent, other, ListingAction::Submit, None)
        .await
        .unwrap();
    let queue = |who: &Principal| {
        let (ctx, who) = (w.ctx.clone(), who.clone());
        async move { listings::review_queue(&ctx, &who).await }
    };
    let ids: Vec<i64> = queue(&w.op)
        .await
        .unwrap()
        .iter()
        .map(|d| d.listing.id)
        .collect();
    assert_eq!(ids, [other]);
    assert!(queue(&w.op_elsewhere).await.unwrap().is_empty());
    assert_eq!(queue(&w.ent).await.unwrap_err().kind, Kind::Forbidden);
}

#[tokio::test]
async fn t1_create_checks_who_posts_then_every_field_on_the_clocks_date() {
    let w = world().await;
    let e = listings::create(&w.ctx, &w.uni, &demand("需求"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert_eq!(e.message, "高校院所不能发布技术需求");
    // Who posts is decided before the fields are read.
    let mut bad = demand("需求");
    bad.title = None;
    assert_eq!(
        listings::create(&w.ctx, &w.uni, &bad)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    let e = listings::create(&w.ctx, &w.ent, &bad).await.unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (Kind::Invalid, Some("title")));
    // Valid until a date already past on the context's clock.
    w.clock.set(NOON + 365 * DAY);
    let e = listings::create(&w.ctx, &w.ent, &demand("需求"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (Kind::Invalid, Some("valid_until"))
    );
    w.clock.set(NOON);
    let l = listings::create(&w.ctx, &w.ent, &demand("需求"))
        .await
        .unwrap();
    assert_eq!((l.status, l.created_at), (ListingStatus::Draft, NOON));
    let e = listings::create(&w.ctx, &w.ent, &demand("需求"))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::DuplicateListing));
}

#[tokio::test]
async fn t2_every_write_keeps_the_search_index_in_step_by_itself() {
    let w = world().await;
    let id = listings::create(
        &w.ctx,
        &w.uni,
        &supply("耐高温锂电池隔膜", "201710601862.3"),
    )
    .await
    .unwrap()
    .id;
    // Indexed as a draft, hidden from the public.
    assert!(found(&w.ctx, "隔膜").await.is_empty());
    let raw = Query {
        include_hidden: true,
        ..Query::text("隔膜")
    };
    assert_eq!(w.ctx.search().search(&raw).unwrap().hits[0].id, id);
    listings::act(&w.ctx, &w.uni, id, ListingAction::Submit, None)
        .await
        .unwrap();
    listings::act(&w.ctx, &w.op, id, ListingAction::Publish, None)
        .await
        .unwrap();
    assert_eq!(found(&w.ctx, "锂电 隔膜").await, [id]);
    listings::act(&w.ctx, &w.uni, id, ListingAction::Withdraw, None)
        .await
        .unwrap();
    // Not only filtered out by the database: the index itself no longer shows it.
    assert!(
        w.ctx
            .search()
            .search(&Query::text("隔膜"))
            .unwrap()
            .hits
            .is_empty()
    );

    // An import indexes the rows it wrote.
    let csv = "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n\
               ,钠离子电池正极材料,层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,杨浦区,张明,13812345678,2027-06-30,,中试\n";
    let file = |write| ImportFile {
        kind: zhiyun_domain::listing::ListingKind::Supply,
        filename: "a.csv".into(),
        bytes: Arc::new(csv.as_bytes().to_vec()),
        write,
        status: ListingStatus::Published,
    };
    // Only operators publish what they import.
    let e = import::import(
        &w.ctx,
        &Importer::of(&w.uni),
        file(ImportWrite::ValidRowsOnly),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Forbidden, Code::ForbiddenStatus));
    let file = |write| ImportFile {
        status: ListingStatus::Submitted,
        ..file(write)
    };
    let dry = import::import(
        &w.ctx,
        &Importer::of(&w.uni),
        file(ImportWrite::DryRun),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!((dry.valid_rows, dry.written), (1, false));
    let r = import::import(
        &w.ctx,
        &Importer::of(&w.uni),
        file(ImportWrite::ValidRowsOnly),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(r.ids.len(), 1);
    assert_eq!(
        w.ctx
            .search()
            .search(&Query {
                include_hidden: true,
                ..Query::text("钠离子")
            })
            .unwrap()
            .hits[0]
            .id,
        r.ids[0]
    );
    listings::act(&w.ctx, &w.op, r.ids[0], ListingAction::Publish, None)
        .await
        .unwrap();
    assert_eq!(found(&w.ctx, "钠电 正极").await, r.ids);
}

#[tokio::test]
async fn t1_t2_a_listing_not_confirmed_for_181_days_leaves_the_public_site_until_confirmed() {
    let w = world().await;
    let id = published(&w, &w.uni, &supply("耐高温锂电池隔膜", "201710601862.3")).await;
    assert!(listings::get(&w.ctx, None, id).await.unwrap().visible);
    w.clock.advance(180 * DAY);
    assert!(
        listings::get(&w.ctx, None, id).await.is_ok(),
        "180 days: still current"
    );
    w.clock.advance(DAY);
    // Off the public site: visitors no longer find it, the owner sees it stale.
    assert_eq!(
        listings::get(&w.ctx, None, id).await.unwrap_err().kind,
        Kind::NotFound
    );
    assert!(found(&w.ctx, "隔膜").await.is_empty());
    let mine = listings::mine(&w.ctx, &w.uni).await.unwrap();
    assert!(mine[0].stale && !mine[0].visible);
    // The district's operator still reads it (internal now).
    assert!(listings::get(&w.ctx, Some(&w.op), id).await.is_ok());
    // The hourly refresh takes the date's change into the index.
    let hidden = Query::text("隔膜");
    assert_eq!(w.ctx.search().search(&hidden).unwrap().hits.len(), 1);
    assert!(index::refresh_boundaries(&w.ctx).await.unwrap() >= 1);
    assert!(w.ctx.search().search(&hidden).unwrap().hits.is_empty());
    // Confirming brings it back, stamped with the clock.
    let d = listings::act(&w.ctx, &w.uni, id, ListingAction::Confirm, None)
        .await
        .unwrap();
    assert_eq!(d.listing.last_confirmed_at, NOON + 181 * DAY);
    assert!(d.visible && !d.stale);
    assert_eq!(found(&w.ctx, "隔膜").await, [id]);
    // Past its valid-until date it is gone again.
    w.clock.set(NOON + 220 * DAY);
    assert_eq!(
        listings::get(&w.ctx, None, id).await.unwrap_err().kind,
        Kind::NotFound
    );
}

#[tokio::test]
async fn t2_visitors_see_contacts_masked_and_the_export_as_they_may() {
    let w = world().await;
    let id = published(&w, &w.uni, &supply("耐高温锂电池隔膜", "201710601862.3")).await;
    let public = listings::get(&w.ctx, None, id).await.unwrap();
    assert!(public.contacts_masked);
    assert_eq!(
        (
            public.listing.contact_name.as_str(),
            public.listing.contact_phone.as_str()
        ),
        ("张**", "138****5678")
    );
    // Issue 18: another organisation sees it masked too, until it exchanged contacts over it
    // (match_contacts); the district's operator sees it in full.
    let other = listings::get(&w.ctx, Some(&w.ent), id).await.unwrap();
    assert!(other.contacts_masked);
    assert_eq!(other.listing.contact_phone, "138****5678");
    assert_eq!(other.patents[0].0, "201710601862.3");
    let operator = listings::get(&w.ctx, Some(&w.op), id).await.unwrap();
    assert!(!operator.contacts_masked);
    assert_eq!(operator.listing.contact_phone, "13812345678");
    // The operator's 供需清单 is its district's, dated by the clock.
    let sheet = listings::export(&w.ctx, &w.op, None).await.unwrap();
    assert_eq!(sheet.title, "上海市杨浦区专利技术供需清单（2026-12-04）");
    assert!(!sheet.bytes.is_empty());
    let sheet = public::export_results(&w.ctx, None, &Query::text("隔膜"))
        .await
        .unwrap();
    assert_eq!(sheet.title, "上海市专利技术供需清单·隔膜（2026-12-04）");
}

#[tokio::test]
async fn t3_suggestions_forget_what_the_owner_declined_and_count_it_for_the_supplier() {
    let w = world().await;
    let supply_id = published(&w, &w.uni, &supply("耐高温锂电池隔膜", "201710601862.3")).await;
    let demand_id = published(&w, &w.ent, &demand("求耐高温隔膜技术")).await;
    let got = matching::matches(&w.ctx, &w.ent, demand_id, None, None)
        .await
        .unwrap();
    assert_eq!(got[0].id, supply_id);
    assert!(!got[0].reasons.is_empty());
    // Strangers do not see the matches; the operator does but only the owner judges.
    assert_eq!(
        matching::matches(&w.ctx, &w.uni, demand_id, None, None)
            .await
            .unwrap_err()
            .kind,
        Kind::NotFound
    );
    assert_eq!(
        matching::matches(&w.ctx, &w.ent, demand_id, None, Some(51))
            .await
            .unwrap_err()
            .code,
        Code::OutOfRange
    );
    let judge = |who: &Principal, verdict: &'static str, reason: Option<&'static str>| {
        let (ctx, who) = (w.ctx.clone(), who.clone());
        async move { matching::judge(&ctx, &who, demand_id, None, supply_id, verdict, reason).await }
    };
    assert_eq!(
        judge(&w.op, "interested", None).await.unwrap_err().kind,
        Kind::Forbidden
    );
    let e = judge(&w.ent, "not_relevant", None).await.unwrap_err();
    assert_eq!(e.code, Code::ReasonRequired);
    let f = judge(&w.ent, "not_relevant", Some("价格过高"))
        .await
        .unwrap();
    assert_eq!((f.reason.as_deref(), f.at), (Some("too_expensive"), NOON));
    assert!(
        matching::matches(&w.ctx, &w.op, demand_id, None, None)
            .await
            .unwrap()
            .is_empty()
    );
    let declines = matching::declines(&w.ctx, &w.op).await.unwrap();
    assert_eq!(
        (declines[0].org_name.as_str(), declines[0].total),
        ("某大学", 1)
    );
    assert_eq!(
        matching::declines(&w.ctx, &w.ent).await.unwrap_err().kind,
        Kind::Forbidden
    );
}

/// Issue 17: a kind's match set is rebuilt only when a public listing of that kind changed:
/// drafts and the other kind's listings leave it as it was.
#[tokio::test]
async fn t3_match_sets_change_only_with_public_listings_of_their_kind() {
    use zhiyun_domain::listing::ListingKind;
    let w = world().await;
    let first = published(&w, &w.uni, &supply("耐高温锂电池隔膜", "201710601862.3")).await;
    let before = matching::match_set(&w.ctx, ListingKind::Supply)
        .await
        .unwrap();
    assert!(before.get(first).is_some());
    let demands = matching::match_set(&w.ctx, ListingKind::Demand)
        .await
        .unwrap();
    let draft = listings::create(&w.ctx, &w.ent, &demand("草稿需求"))
        .await
        .unwrap()
        .id;
    let after = matching::match_set(&w.ctx, ListingKind::Supply)
        .await
        .unwrap();
    assert!(Arc::ptr_eq(&before, &after), "rebuilt for a draft");
    let published_demand = published(&w, &w.ent, &demand("求耐高温隔膜技术")).await;
    let after = matching::match_set(&w.ctx, ListingKind::Supply)
        .await
        .unwrap();
    assert!(Arc::ptr_eq(&before, &after), "rebuilt for a demand");
    let rebuilt = matching::match_set(&w.ctx, ListingKind::Demand)
        .await
        .unwrap();
    assert!(!Arc::ptr_eq(&demands, &rebuilt));
    assert!(rebuilt.get(published_demand).is_some());
    assert!(rebuilt.get(draft).is_none());
}

/// Issue 19, finding 6: the 供需清单 is filtered by district in the query — a district whose
/// listings are older than another district's newest thousand still gets all of its own — and a
/// capped export says so in its title.
#[tokio::test]
async fn the_export_filters_by_district_in_the_query_and_says_when_capped() {
    let w = world().await;
    // The university's (杨浦) listings, entered by each district's operator for its district.
    let first17 = format!("91{YANGPU}MA1{:06}", 0);
    let uni_uscc = format!("{first17}{}", uscc_check_char(&first17).unwrap());
    let rows = |n: usize, district: &str, prefix: &str| {
        let mut s = "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n".to_string();
        for i in 0..n {
            s += &format!(
                "{uni_uscc},{prefix}正极材料{i},层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,{district},张明,13812345678,2027-06-30,,中试\n"
            );
        }
        s
    };
    let import_as = |who: &Principal, csv: String| {
        let importer = Importer::of(who);
        let ctx = w.ctx.clone();
        async move {
            import::import(
                &ctx,
                &importer,
                ImportFile {
                    kind: zhiyun_domain::listing::ListingKind::Supply,
                    filename: "a.csv".into(),
                    bytes: Arc::new(csv.into_bytes()),
                    write: ImportWrite::ValidRowsOnly,
                    status: ListingStatus::Published,
                },
                &|_| {},
            )
            .await
            .unwrap()
        }
    };
    // 闵行's two first (older), then 1,005 in 杨浦 (newer).
    let r = import_as(&w.op_elsewhere, rows(2, "闵行区", "闵行")).await;
    assert_eq!(r.ids.len(), 2, "{r:?}");
    let r = import_as(&w.op, rows(1005, "杨浦区", "杨浦")).await;
    assert_eq!(r.ids.len(), 1005);
    let sheet = listings::export(&w.ctx, &w.op_elsewhere, None)
        .await
        .unwrap();
    assert_eq!(sheet.rows, 2);
    assert_eq!(sheet.title, "上海市闵行区专利技术供需清单（2026-12-04）");
    let sheet = listings::export(&w.ctx, &w.op, None).await.unwrap();
    assert_eq!(sheet.rows, 1005);
    let sheet = listings::export_capped(&w.ctx, &w.op, None, 1000)
        .await
        .unwrap();
    assert_eq!(sheet.rows, 1000);
    assert_eq!(
        sheet.title,
        "上海市杨浦区专利技术供需清单（2026-12-04，最新 1000 条，共 1005 条）"
    );
}

/// Issue 19, finding 3: a user keeps at most five uploads at once (the sixth is refused, 429).
#[tokio::test]
async fn uploads_are_capped_per_user() {
    let w = world().await;
    let kind = zhiyun_domain::listing::ListingKind::Supply;
    for i in 0..listings::uploads::MAX_UPLOADS_PER_USER {
        listings::uploads::create(&w.ctx, &w.uni, kind, &format!("{i}.csv"), b"a,b\n")
            .await
            .unwrap();
    }
    let e = listings::uploads::create(&w.ctx, &w.uni, kind, "6.csv", b"a,b\n")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Throttled, Code::TooMany));
    // Another user is not affected; two hours later the first may upload again.
    listings::uploads::create(&w.ctx, &w.op, kind, "x.csv", b"a,b\n")
        .await
        .unwrap();
    w.clock.set(NOON + listings::uploads::KEEP_SECS + 1);
    listings::uploads::create(&w.ctx, &w.uni, kind, "7.csv", b"a,b\n")
        .await
        .unwrap();
}
