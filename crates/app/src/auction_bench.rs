//! `zhiyun bench auctions`: issue 14's figures. On the database given (use an empty one), makes a
//! seller with `lots` registered patents, `bidders` confirmed enterprise bidders and one session
//! with a lot per patent, then lets every bidder bid as fast as it can for `seconds` (each at the
//! least amount it believes acceptable, so many bids are refused `bid_too_low` / `already_leading`
//! as in a real storm), in-process through the use case `auctions::bid` (one writer per lot, the
//! price in memory, each accepted bid written through in one transaction). Reports accepted and
//! refused bids per second, p50/p99 latency, and checks the stored history: every acknowledged bid
//! there once, seq gapless, amounts strictly increasing, nothing else stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use zhiyun_domain::auction::{AuctionInput, LotInput, format_rfc3339};
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::patent::PatentInput;
use zhiyun_service::auctions as uc;
use zhiyun_service::{Ctx, Hasher, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::{Db, Who};

fn uscc(n: u32) -> String {
    let first17 = format!("91310104MB{n:07}");
    format!("{first17}{}", uscc_check_char(&first17).expect("digits"))
}

fn number(n: u64) -> String {
    let body = format!("20191{:07}", n % 10_000_000);
    let w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let r: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum::<u32>()
        % 11;
    let c = if r == 10 {
        'X'
    } else {
        char::from_digit(r, 10).unwrap_or('0')
    };
    format!("{body}.{c}")
}

async fn principal(db: &Db, kind: &str, name: &str, n: u32) -> Result<Principal> {
    let who = Who::cli();
    let org = db
        .org_create(
            &check_org(&OrgInput {
                kind: Some(kind.into()),
                name: Some(name.into()),
                uscc: Some(uscc(n)),
                district_code: Some("310104".into()),
                size_class: (kind == "enterprise").then(|| "small".into()),
                ..Default::default()
            })
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            &who,
        )
        .await?;
    let u = db
        .user_create(
            &NewUser {
                username: format!("bench_{kind}_{n}_{}", zhiyun_store::password::random_hex(3)),
                display_name: name.into(),
                org_id: org.id,
                password_hash: "x".into(),
                is_admin: false,
            },
            &who,
        )
        .await?;
    db.principal(u.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no principal"))
}

/// Run the bench; prints one summary line per figure.
pub async fn run(db: Db, lots: usize, bidders: usize, seconds: u64) -> Result<()> {
    let ctx = Ctx::new(db.clone(), Hasher::default());
    let base = (std::process::id() % 1000) * 10_000 + (zhiyun_store::now() % 1000) as u32 * 10;
    let seller = principal(&db, "university", "拍卖测试高校", base).await?;
    let op = principal(&db, "park_operator", "拍卖测试运营方", base + 1).await?;
    let mut users = Vec::new();
    for i in 0..bidders {
        users.push(
            principal(
                &db,
                "enterprise",
                &format!("竞买企业 {i}"),
                base + 2 + i as u32,
            )
            .await?,
        );
    }
    let mut lot_inputs = Vec::new();
    for i in 0..lots {
        let n = number(u64::from(base) * 100 + i as u64);
        zhiyun_service::patents::create(
            &ctx,
            &seller,
            PatentInput {
                number: Some(n.clone()),
                title: Some(format!("拍卖测试专利 {i}")),
                kind: Some("invention".into()),
                owner_org_id: Some(seller.org_id),
                ipc: vec!["H01M 50/409".into()],
                filed_on: Some("2019-07-20".into()),
                granted_on: Some("2021-03-10".into()),
                legal_status: Some("granted".into()),
                fee_paid_until: Some("2027-07-20".into()),
                ..Default::default()
            },
        )
        .await?;
        lot_inputs.push(LotInput {
            title: Some(format!("标的 {i}")),
            patents: vec![n],
            kind: Some("transfer".into()),
            start_price_wan: Some(WanText("1".into())),
            increment_wan: Some(WanText("0.01".into())),
            reserve_wan: None,
            deposit_wan: Some(WanText("0".into())),
            owner_consent: None,
        });
    }
    let now = ctx.clock().now();
    let created = uc::create(
        &ctx,
        &op,
        AuctionInput {
            title: Some("性能测试拍卖会".into()),
            starts_at: Some(format_rfc3339(now)),
            ends_at: Some(format_rfc3339(now + 3600)),
            soft_close_seconds: Some(0),
            lots: lot_inputs,
            ..Default::default()
        },
    )
    .await?;
    for u in &users {
        uc::register(&ctx, u, created.id, None).await?;
        uc::confirm(&ctx, &op, created.id, u.org_id).await?;
    }
    let lot_ids = Arc::new(created.lot_ids.clone());
    let seen: Arc<Vec<AtomicI64>> = Arc::new((0..lots).map(|_| AtomicI64::new(0)).collect());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (i, u) in users.into_iter().enumerate() {
        let (ctx, lot_ids, seen) = (ctx.clone(), lot_ids.clone(), seen.clone());
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut acked = Vec::new();
            let mut refused = 0u64;
            let mut k = i;
            while Instant::now() < deadline {
                let l = k % lot_ids.len();
                k += 1;
                let last = seen[l].load(Ordering::Relaxed);
                let next = if last == 0 { 1_000_000 } else { last + 10_000 };
                let amount = Fen::from_fen(next).unwrap_or(Fen::ZERO);
                let t = Instant::now();
                let r = uc::bid(&ctx, &u, lot_ids[l], Some(&WanText(amount.to_wan_string()))).await;
                lat.push(t.elapsed());
                match r {
                    Ok(a) => {
                        seen[l].fetch_max(a.amount.fen(), Ordering::Relaxed);
                        acked.push((lot_ids[l], a.seq, u.org_id, a.amount));
                    }
                    Err(e) if e.kind == zhiyun_service::Kind::Conflict => {
                        refused += 1;
                        // A client learns the price from the answer's minimum; here: a step up.
                        seen[l].fetch_max(next, Ordering::Relaxed);
                    }
                    Err(e) => return Err(anyhow::anyhow!("{e}")),
                }
            }
            Ok::<_, anyhow::Error>((lat, acked, refused))
        });
    }
    let mut lat = Vec::new();
    let mut acked = Vec::new();
    let mut refused = 0;
    while let Some(r) = set.join_next().await {
        let (l, a, n) = r??;
        lat.extend(l);
        acked.extend(a);
        refused += n;
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    // The stored history.
    let mut stored_total = 0;
    for &lot in lot_ids.iter() {
        let stored = db.lot_bids(lot).await?;
        stored_total += stored.len();
        for (i, b) in stored.iter().enumerate() {
            if b.seq as usize != i + 1 || (i > 0 && b.amount <= stored[i - 1].amount) {
                bail!("lot {lot}: history broken at seq {}", b.seq);
            }
        }
        for (_, seq, org, amount) in acked.iter().filter(|a| a.0 == lot) {
            let b = stored
                .get(*seq as usize - 1)
                .ok_or_else(|| anyhow::anyhow!("lot {lot}: acknowledged bid {seq} lost"))?;
            if (b.bidder_org_id, b.amount) != (*org, *amount) {
                bail!("lot {lot}: acknowledged bid {seq} differs");
            }
        }
    }
    let lost_or_extra = stored_total as i64 - acked.len() as i64;
    println!(
        "auctions bench ({}): {lots} lot(s), {bidders} bidders, {elapsed:.1} s",
        db.backend()
    );
    println!(
        "bids: {} answered ({:.0}/s): {} accepted ({:.0}/s), {refused} refused",
        lat.len(),
        lat.len() as f64 / elapsed,
        acked.len(),
        acked.len() as f64 / elapsed
    );
    println!(
        "latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!(
        "history: {stored_total} stored, {} acknowledged, lost or duplicated: {}",
        acked.len(),
        lost_or_extra.abs()
    );
    if lost_or_extra != 0 {
        bail!("stored and acknowledged bids differ by {lost_or_extra}");
    }
    Ok(())
}
