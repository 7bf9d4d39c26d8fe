//! Patent auctions (T3, issue 14) through the use cases: a session with lots of registered
//! patents, bidders confirmed by the operator, the refusals with their codes, the soft close, the
//! close by the job (a sale becomes a deal, others' deposits refunded; an unsold lot routed back
//! to the supply list), a bid storm on one lot (every acknowledged bid stored once, amounts
//! strictly increasing, seq gapless, nothing refused stored) and a restart in the middle of one.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDate;
use zhiyun_domain::auction::{AuctionInput, LotInput, LotStatus, UnsoldRoute, format_rfc3339};
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::patent::PatentInput;
use zhiyun_service::auctions as uc;
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

const XUHUI: &str = "310104";

fn uscc(n: u32) -> String {
    let first17 = format!("91{XUHUI}MA1{n:06}");
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

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).unwrap()
}

struct World {
    ctx: Ctx,
    db: Db,
    clock: Clock,
    users: HashMap<String, Principal>,
}

impl World {
    fn u(&self, name: &str) -> &Principal {
        &self.users[name]
    }
}

/// A seller university, an operator, an exchange and `bidders` enterprises `b1`, `b2`, ….
async fn world_on(db: Db, bidders: usize) -> World {
    let who = Who::cli();
    let mut users = HashMap::new();
    let mut people: Vec<(String, &str)> = vec![
        ("uni".into(), "university"),
        ("op".into(), "park_operator"),
        ("sipex".into(), "exchange"),
    ];
    for i in 1..=bidders {
        people.push((format!("b{i}"), "enterprise"));
    }
    for (i, (user, kind)) in people.into_iter().enumerate() {
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(if kind == "exchange" {
                        "上海知识产权交易中心".into()
                    } else {
                        format!("{user} 机构")
                    }),
                    uscc: Some(uscc(i as u32 + 1)),
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
                    username: user.clone(),
                    display_name: user.clone(),
                    org_id: org.id,
                    password_hash: "x".into(),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        users.insert(user, db.principal(u.id).await.unwrap().unwrap());
    }
    let noon = NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let clock = Clock::fixed(zhiyun_domain::time::unix_of(noon));
    World {
        ctx: Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone()),
        db,
        clock,
        users,
    }
}

async fn world(bidders: usize) -> World {
    world_on(testing::fresh().await, bidders).await
}

async fn patent(w: &World, body: &str) -> String {
    zhiyun_service::patents::create(
        &w.ctx,
        w.u("uni"),
        PatentInput {
            number: Some(number(body)),
            title: Some("一种锂离子电池隔膜及其制备方法".into()),
            kind: Some("invention".into()),
            owner_org_id: Some(w.u("uni").org_id),
            ipc: vec!["H01M 50/409".into()],
            filed_on: Some("2017-07-20".into()),
            granted_on: Some("2020-03-10".into()),
            legal_status: Some("granted".into()),
            fee_paid_until: Some("2027-07-20".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .patent
    .number
    .to_string()
}

fn lot(title: &str, patents: Vec<String>, reserve: Option<&str>) -> LotInput {
    LotInput {
        title: Some(title.into()),
        patents,
        kind: Some("transfer".into()),
        start_price_wan: Some(WanText("250".into())),
        increment_wan: Some(WanText("10".into())),
        reserve_wan: reserve.map(|r| WanText(r.into())),
        deposit_wan: Some(WanText("20".into())),
        owner_consent: None,
    }
}

/// A session starting now, ending in an hour, soft close 300 s, with the exchange as auctioneer.
async fn session(w: &World, lots: Vec<LotInput>) -> uc::Created {
    let now = w.clock.now();
    uc::create(
        &w.ctx,
        w.u("op"),
        AuctionInput {
            title: Some("2026 年冬季专利拍卖会".into()),
            starts_at: Some(format_rfc3339(now)),
            ends_at: Some(format_rfc3339(now + 3600)),
            soft_close_seconds: Some(300),
            auctioneer_org_id: Some(w.u("sipex").org_id),
            lots,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn confirmed(w: &World, auction_id: i64, who: &[&str]) {
    for b in who {
        uc::register(&w.ctx, w.u(b), auction_id, None)
            .await
            .unwrap();
        uc::confirm(&w.ctx, w.u("op"), auction_id, w.u(b).org_id)
            .await
            .unwrap();
    }
}

async fn bid(w: &World, who: &str, lot_id: i64, amount: &str) -> Result<uc::Accepted, String> {
    uc::bid(&w.ctx, w.u(who), lot_id, Some(&WanText(amount.into())))
        .await
        .map_err(|e| {
            assert_eq!(e.kind, Kind::Conflict, "{e}");
            e.code.to_string()
        })
}

#[tokio::test]
async fn t3_a_session_takes_registered_patents_and_refuses_bids_with_the_contract_codes() {
    let w = world(3).await;
    let p1 = patent(&w, "201710123456").await;
    // A patent not in the register.
    let err = uc::create(
        &w.ctx,
        w.u("op"),
        AuctionInput {
            title: Some("拍卖会".into()),
            starts_at: Some(format_rfc3339(w.clock.now())),
            ends_at: Some(format_rfc3339(w.clock.now() + 60)),
            lots: vec![lot("标的", vec![number("201710999999")], None)],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.kind, err.code.to_string()),
        (Kind::Invalid, "unknown_patent".into())
    );
    // Only operators create sessions.
    let err = uc::create(&w.ctx, w.u("b1"), AuctionInput::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind, Kind::Forbidden);

    let s = session(&w, vec![lot("隔膜专利", vec![p1], Some("280"))]).await;
    let lot_id = s.lot_ids[0];
    uc::register(&w.ctx, w.u("b1"), s.id, None).await.unwrap();
    assert_eq!(
        bid(&w, "b1", lot_id, "250").await.unwrap_err(),
        "not_confirmed"
    );
    // The seller may not bid on its own lot; the operator confirms deposits, not a bidder.
    let err = uc::register(&w.ctx, w.u("uni"), s.id, None)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind, err.code.to_string()),
        (Kind::Conflict, "seller_cannot_bid".into())
    );
    let err = uc::confirm(&w.ctx, w.u("b1"), s.id, w.u("b1").org_id)
        .await
        .unwrap_err();
    assert_eq!(err.kind, Kind::Forbidden);
    uc::confirm(&w.ctx, w.u("op"), s.id, w.u("b1").org_id)
        .await
        .unwrap();
    confirmed(&w, s.id, &["b2"]).await;

    assert_eq!(
        bid(&w, "b1", lot_id, "249.99").await.unwrap_err(),
        "bid_too_low"
    );
    let a = bid(&w, "b1", lot_id, "250").await.unwrap();
    assert_eq!((a.seq, a.amount), (1, wan("250")));
    assert_eq!(
        bid(&w, "b2", lot_id, "259.99").await.unwrap_err(),
        "bid_too_low"
    );
    assert_eq!(bid(&w, "b2", lot_id, "260").await.unwrap().seq, 2);
    assert_eq!(
        bid(&w, "b2", lot_id, "300").await.unwrap_err(),
        "already_leading"
    );

    // The public view: the leader masked, no reserve anywhere.
    let v = uc::lot(&w.ctx, None, lot_id).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Open);
    assert_eq!(v.public.leader.as_deref(), Some("竞买人 02"));
    assert_eq!(v.public.min_next_wan.as_deref(), Some("270.00"));
    let json = serde_json::to_string(&v).unwrap();
    assert!(!json.contains("280"), "{json}");
    assert!(v.winner_org_id.is_none());

    // After the end: lot_closed at once, even before the job ran; then the job closes it.
    w.clock.advance(3600);
    assert_eq!(
        bid(&w, "b1", lot_id, "400").await.unwrap_err(),
        "lot_closed"
    );
    let v = uc::lot(&w.ctx, None, lot_id).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Unsold);
    assert_eq!(uc::close_ended(&w.ctx).await.unwrap(), 1);
    assert_eq!(uc::close_ended(&w.ctx).await.unwrap(), 0);
    let v = uc::lot(&w.ctx, Some(w.u("op")), lot_id).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Unsold);
    assert_eq!(v.public.reserve_met, Some(false));
    assert!(v.deal_id.is_none());
}

#[tokio::test]
async fn t3_not_started_before_the_start_and_a_late_bid_extends_the_end() {
    let w = world(2).await;
    let p1 = patent(&w, "201710123456").await;
    let now = w.clock.now();
    let s = uc::create(
        &w.ctx,
        w.u("op"),
        AuctionInput {
            title: Some("延时测试".into()),
            starts_at: Some(format_rfc3339(now + 60)),
            ends_at: Some(format_rfc3339(now + 660)),
            soft_close_seconds: Some(300),
            lots: vec![lot("标的一", vec![p1], None)],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let lot_id = s.lot_ids[0];
    confirmed(&w, s.id, &["b1", "b2"]).await;
    assert_eq!(
        bid(&w, "b1", lot_id, "250").await.unwrap_err(),
        "not_started"
    );
    assert_eq!(
        uc::lot(&w.ctx, None, lot_id).await.unwrap().public.status,
        LotStatus::Upcoming
    );
    w.clock.advance(60);
    let a = bid(&w, "b1", lot_id, "250").await.unwrap();
    assert!(!a.extended);
    assert_eq!(a.ends_at, now + 660);
    // 100 s before the end: the end moves to now + 300.
    w.clock.set(now + 560);
    let a = bid(&w, "b2", lot_id, "260").await.unwrap();
    assert!(a.extended);
    assert_eq!(a.ends_at, now + 860);
    // Past the scheduled end but before the extended one: still open.
    w.clock.set(now + 700);
    let a = bid(&w, "b1", lot_id, "270").await.unwrap();
    assert_eq!(a.ends_at, now + 1000);
    w.clock.set(now + 1000);
    assert_eq!(
        bid(&w, "b2", lot_id, "280").await.unwrap_err(),
        "lot_closed"
    );
    assert_eq!(uc::close_ended(&w.ctx).await.unwrap(), 1);
    let v = uc::lot(&w.ctx, Some(w.u("b1")), lot_id).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Sold);
    assert_eq!(v.winner_org_id, Some(w.u("b1").org_id));
    // Another bidder sees the winner masked only.
    let v = uc::lot(&w.ctx, Some(w.u("b2")), lot_id).await.unwrap();
    assert_eq!(v.winner_org_id, None);
    assert_eq!(v.public.leader.as_deref(), Some("竞买人 01"));
}

#[tokio::test]
async fn t3_the_close_job_makes_the_sale_a_deal_refunds_the_others_and_routes_the_unsold_lot() {
    let w = world(2).await;
    let p1 = patent(&w, "201710123456").await;
    let p2 = patent(&w, "201710654321").await;
    let s = session(
        &w,
        vec![
            lot("隔膜专利", vec![p1.clone()], Some("280")),
            lot("电极专利", vec![p2.clone()], Some("500")),
        ],
    )
    .await;
    confirmed(&w, s.id, &["b1", "b2"]).await;
    let (sold, unsold) = (s.lot_ids[0], s.lot_ids[1]);
    bid(&w, "b1", sold, "250").await.unwrap();
    bid(&w, "b2", sold, "290").await.unwrap();
    bid(&w, "b1", unsold, "250").await.unwrap();

    w.clock.advance(3600);
    let jobs = zhiyun_service::jobs::standard(&w.ctx, &Default::default());
    let ran = jobs.run_due().await;
    let close = ran
        .iter()
        .find(|r| r.name == "auctions.close_ended")
        .expect("the close job ran");
    assert_eq!(close.outcome.as_deref(), Ok("2 个拍卖标的已结束"));

    let v = uc::lot(&w.ctx, Some(w.u("b2")), sold).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Sold);
    assert_eq!(v.winner_org_id, Some(w.u("b2").org_id));
    assert_eq!(v.buyer_commission_wan.as_deref(), Some("14.50"));
    let deal_id = v.deal_id.expect("a deal");
    let deal = zhiyun_service::deals::get(&w.ctx, w.u("b2"), deal_id)
        .await
        .unwrap();
    let d = &deal.record.deal;
    assert_eq!(d.amount, wan("290"));
    assert_eq!(
        (d.from_org_id, d.to_org_id),
        (w.u("uni").org_id, w.u("b2").org_id)
    );
    assert_eq!(d.kind.slug(), "transfer");
    assert_eq!(d.venue.slug(), "sipex");
    assert_eq!(d.patents[0].to_string(), p1);
    let deps = w.db.lot_deposits(sold).await.unwrap();
    let by_org: HashMap<i64, String> = deps.iter().map(|d| (d.org_id, d.action.clone())).collect();
    assert_eq!(by_org[&w.u("b1").org_id], "refund");
    assert_eq!(by_org[&w.u("b2").org_id], "apply_to_price");

    // The unsold lot: every deposit refunded; the operator sends it back to the supply list.
    let v = uc::lot(&w.ctx, Some(w.u("op")), unsold).await.unwrap();
    assert_eq!(v.public.status, LotStatus::Unsold);
    assert!(v.deal_id.is_none());
    assert!(
        w.db.lot_deposits(unsold)
            .await
            .unwrap()
            .iter()
            .all(|d| d.action == "refund")
    );
    let err = uc::route_unsold(
        &w.ctx,
        w.u("b1"),
        unsold,
        UnsoldRoute::BackToSupplyList,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, Kind::Forbidden);
    let err = uc::route_unsold(&w.ctx, w.u("op"), sold, UnsoldRoute::BackToSupplyList, None)
        .await
        .unwrap_err();
    assert_eq!(err.kind, Kind::Conflict);
    let listing = uc::route_unsold(
        &w.ctx,
        w.u("op"),
        unsold,
        UnsoldRoute::BackToSupplyList,
        Some(zhiyun_domain::listing::ListingInput {
            field: Some("新能源与节能".into()),
            contact_name: Some("王老师".into()),
            contact_phone: Some("13800138000".into()),
            ..Default::default()
        }),
    )
    .await
    .unwrap()
    .expect("a listing");
    let l = w.db.listing_get(listing).await.unwrap();
    assert_eq!(l.owner_org_id, w.u("uni").org_id);
    let again = uc::route_unsold(&w.ctx, w.u("op"), unsold, UnsoldRoute::LaterSession, None)
        .await
        .unwrap_err();
    assert_eq!(again.kind, Kind::Conflict);
    // Running the job again changes nothing.
    assert_eq!(uc::close_ended(&w.ctx).await.unwrap(), 0);
}

/// `bidders` tasks bid `rounds` times each on one lot at once, each at the least amount it
/// believes acceptable (often stale, so many are refused). Returns the acknowledged bids.
async fn storm(ctx: &Ctx, users: &[Principal], lot_id: i64, rounds: usize) -> Vec<(u32, i64, Fen)> {
    let seen = Arc::new(AtomicI64::new(0));
    let mut set = tokio::task::JoinSet::new();
    for u in users.iter().cloned() {
        let (ctx, seen) = (ctx.clone(), seen.clone());
        set.spawn(async move {
            let mut mine = Vec::new();
            for i in 0..rounds {
                let last = seen.load(Ordering::SeqCst);
                let next = if last == 0 {
                    wan("250").fen()
                } else {
                    last + wan("10").fen() + (i as i64 % 3) * 10_000
                };
                let amount = Fen::from_fen(next).unwrap();
                match uc::bid(&ctx, &u, lot_id, Some(&WanText(amount.to_wan_string()))).await {
                    Ok(a) => {
                        seen.fetch_max(a.amount.fen(), Ordering::SeqCst);
                        mine.push((a.seq, u.org_id, a.amount));
                    }
                    Err(e) => {
                        assert_eq!(e.kind, Kind::Conflict, "{e}");
                        assert!(
                            ["bid_too_low", "already_leading"].contains(&e.code.as_str()),
                            "{e}"
                        );
                        // Learn the current price as a client would.
                        if let Ok(v) = uc::lot(&ctx, None, lot_id).await
                            && let Some(c) = v.public.current_wan
                        {
                            seen.fetch_max(Fen::parse_wan(&c).unwrap().fen(), Ordering::SeqCst);
                        }
                    }
                }
                tokio::task::yield_now().await;
            }
            mine
        });
    }
    let mut all = Vec::new();
    while let Some(r) = set.join_next().await {
        all.extend(r.unwrap());
    }
    all
}

/// The stored history: gapless seq from 1, strictly increasing amounts, exactly the acknowledged
/// bids (each once).
async fn assert_history(db: &Db, lot_id: i64, acknowledged: &[(u32, i64, Fen)]) {
    let stored = db.lot_bids(lot_id).await.unwrap();
    for (i, b) in stored.iter().enumerate() {
        assert_eq!(b.seq as usize, i + 1, "gapless seq");
        if i > 0 {
            assert!(b.amount > stored[i - 1].amount, "strictly increasing");
        }
    }
    let mut ack: Vec<_> = acknowledged.to_vec();
    ack.sort_by_key(|a| a.0);
    ack.dedup();
    assert_eq!(ack.len(), acknowledged.len(), "no seq acknowledged twice");
    for (seq, org, amount) in &ack {
        let b = &stored[*seq as usize - 1];
        assert_eq!((b.bidder_org_id, b.amount), (*org, *amount), "bid {seq}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t3_bid_storm_keeps_every_acknowledged_bid_once_in_order() {
    for db in testing::all_backends().await {
        let w = world_on(db, 20).await;
        let p1 = patent(&w, "201710123456").await;
        let s = session(&w, vec![lot("热门标的", vec![p1], Some("300"))]).await;
        let names: Vec<String> = (1..=20).map(|i| format!("b{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        confirmed(&w, s.id, &refs).await;
        let users: Vec<Principal> = names.iter().map(|n| w.u(n).clone()).collect();
        let lot_id = s.lot_ids[0];

        let ack = storm(&w.ctx, &users, lot_id, 30).await;
        assert!(ack.len() > 20, "{} accepted", ack.len());
        let stored = w.db.lot_bids(lot_id).await.unwrap();
        assert_eq!(stored.len(), ack.len(), "every stored bid was acknowledged");
        assert_history(&w.db, lot_id, &ack).await;

        // A second writer (another process on the same database) joins the storm: its stale
        // memory is caught by the conditional append.
        let other = Ctx::new(w.db.clone(), Hasher::fast_for_tests()).with_clock(w.clock.clone());
        let (a, b) = tokio::join!(
            storm(&w.ctx, &users[..10], lot_id, 10),
            storm(&other, &users[10..], lot_id, 10)
        );
        let mut all = ack.clone();
        all.extend(a);
        all.extend(b);
        assert_eq!(w.db.lot_bids(lot_id).await.unwrap().len(), all.len());
        assert_history(&w.db, lot_id, &all).await;

        // The winner is the highest bid.
        w.clock.advance(3600);
        uc::close_ended(&w.ctx).await.unwrap();
        let top = all.iter().max_by_key(|a| a.2).unwrap();
        let v = uc::lot(&w.ctx, Some(w.u("op")), lot_id).await.unwrap();
        assert_eq!(v.public.status, LotStatus::Sold);
        assert_eq!(v.winner_org_id, Some(top.1));
        assert_eq!(
            v.public.current_wan.as_deref(),
            Some(top.2.to_wan_2dp().as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t3_a_restart_mid_storm_loses_no_acknowledged_bid_and_closes_right() {
    for db in testing::all_backends().await {
        let w = world_on(db, 10).await;
        let p1 = patent(&w, "201710123456").await;
        let s = session(&w, vec![lot("热门标的", vec![p1], None)]).await;
        let names: Vec<String> = (1..=10).map(|i| format!("b{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        confirmed(&w, s.id, &refs).await;
        let users: Vec<Principal> = names.iter().map(|n| w.u(n).clone()).collect();
        let lot_id = s.lot_ids[0];

        // The first process: a storm killed mid-flight (its tasks aborted wherever they are,
        // transactions included), its memory dropped.
        let first = Ctx::new(w.db.clone(), Hasher::fast_for_tests()).with_clock(w.clock.clone());
        let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut set = tokio::task::JoinSet::new();
        for u in users.iter().cloned() {
            let (ctx, acked) = (first.clone(), acked.clone());
            set.spawn(async move {
                for _ in 0..1000 {
                    let min = match uc::lot(&ctx, None, lot_id).await {
                        Ok(v) => v.public.min_next_wan.unwrap(),
                        Err(_) => continue,
                    };
                    if let Ok(a) = uc::bid(&ctx, &u, lot_id, Some(&WanText(min))).await {
                        acked.lock().unwrap().push((a.seq, u.org_id, a.amount));
                    }
                }
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        set.abort_all();
        while set.join_next().await.is_some() {}
        drop(first);
        let acked = acked.lock().unwrap().clone();
        assert!(!acked.is_empty());

        // The restarted process rebuilds the lot from the stored bids.
        let second = Ctx::new(w.db.clone(), Hasher::fast_for_tests()).with_clock(w.clock.clone());
        let stored = w.db.lot_bids(lot_id).await.unwrap();
        assert!(stored.len() >= acked.len());
        assert_history(&w.db, lot_id, &acked).await;
        let more = storm(&second, &users, lot_id, 5).await;
        let total = w.db.lot_bids(lot_id).await.unwrap();
        assert_history(&w.db, lot_id, &more).await;
        assert_eq!(total.len(), stored.len() + more.len());

        w.clock.advance(3600);
        assert_eq!(uc::close_ended(&second).await.unwrap(), 1);
        let last = total.last().unwrap();
        let v = uc::lot(&second, Some(w.u("op")), lot_id).await.unwrap();
        assert_eq!(v.public.status, LotStatus::Sold);
        assert_eq!(v.winner_org_id, Some(last.bidder_org_id));
        assert!(v.deal_id.is_some());
    }
}
