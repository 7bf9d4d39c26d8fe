//! The demo auctions (issue 14): a past session of 上海交通大学's patents held with 上海知识产权交易中心
//! (one lot sold above its reserve after a late bid extended it, which became a deal of the
//! ledger; one lot unsold below its reserve, 流拍) and an upcoming session with two lots and
//! registered bidders. Times are counted from the load time.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use zhiyun_domain::auction::{Bid, LotKind, Pct, Registration};
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::patent::LegalStatus;
use zhiyun_service::{Ctx, Hasher};
use zhiyun_store::auctions::{Append, NewAuction, NewLot};
use zhiyun_store::orgs::OrgFilter;
use zhiyun_store::patents::PatentFilter;
use zhiyun_store::{Db, Who};

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).expect("demo amount")
}

const DAY: i64 = 86_400;

pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let id = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };
    let sjtu = id("上海交通大学")?;
    let operator = id(crate::demo_surveys::OPERATOR)?;
    let sipex = id("上海知识产权交易中心")?;
    let today = crate::today();
    let (_, mut patents) = db
        .patent_list(&PatentFilter {
            org_id: Some(sjtu),
            legal_status: Some(LegalStatus::Granted),
            limit: 500,
            ..Default::default()
        })
        .await?;
    patents.retain(|p| {
        p.patent.owner_org_id == sjtu
            && p.patent.in_force_on(today)
            && !p.patent.number.as_str().starts_with("201910312456")
    });
    // The last four (expiring first): the deals' demo uses those expiring last.
    patents.sort_by_key(|p| p.patent.expires_on());
    if patents.len() < 4 {
        return Err(anyhow!("demo auctions: too few patents of 上海交通大学"));
    }
    let numbers: Vec<String> = patents
        .iter()
        .take(4)
        .map(|p| p.patent.number.to_string())
        .collect();
    let (_, xuhui) = db
        .org_list(&OrgFilter {
            kind: Some(OrgKind::Enterprise),
            district_code: Some("310104".into()),
            limit: 20,
            ..Default::default()
        })
        .await?;
    let login = id(crate::demo::ENTERPRISE_LOGIN_ORG)?;
    let mut bidders: Vec<i64> = vec![login];
    bidders.extend(xuhui.iter().map(|o| o.id).filter(|i| *i != login).take(2));
    if bidders.len() < 3 {
        return Err(anyhow!("demo auctions: too few enterprises"));
    }
    let lot = |title: &str, n: &str, kind, start: &str, inc: &str, reserve: &str| NewLot {
        title: title.into(),
        kind,
        seller_org_id: sjtu,
        patents: vec![n.to_string()],
        start_price: wan(start),
        increment: wan(inc),
        reserve: Some(wan(reserve)),
        deposit: wan("20"),
        owner_consent: Some("上海交通大学专利转化授权书（演示）".into()),
    };
    let now = zhiyun_store::now();

    // The past session: 10 days ago, two hours, soft close 5 minutes.
    let start = now - 10 * DAY;
    let end = start + 2 * 3600;
    let (_, lots) = db
        .auction_create(
            &NewAuction {
                title: "2026 年秋季高校专利拍卖会".into(),
                rules: "竞买人须在开拍前交纳保证金并经确认；结束前 5 分钟内有人出价的，结束时间自出价时起顺延 5 分钟。".into(),
                operator_org_id: operator,
                auctioneer_org_id: sipex,
                starts_at: start,
                ends_at: end,
                soft_close_seconds: 300,
                buyer_commission: Pct::STATUTORY_MAX,
                seller_commission: Pct::STATUTORY_MAX,
                commission_agreed: false,
                lots: vec![
                    lot("锂电池隔膜专利（转让）", &numbers[0], LotKind::Transfer, "250", "10", "280"),
                    lot("电极材料专利（独占许可）", &numbers[1], LotKind::ExclusiveLicence, "100", "5", "150"),
                ],
            },
            start - 5 * DAY,
            who,
        )
        .await?;
    for (i, b) in bidders.iter().enumerate() {
        let r = Registration {
            bidder_no: i as u32 + 1,
            org_id: *b,
            on_behalf_of: None,
            lot_ids: Vec::new(),
            confirmed: false,
        };
        let session_id = db.lot_get(lots[0]).await?.auction_id;
        db.auction_register(session_id, &r, start - 3 * DAY, who)
            .await?;
        db.auction_confirm(session_id, *b, start - DAY, who).await?;
    }
    // The sold lot: 250, 260, 280, then a late 300 that extended the end by 5 minutes.
    let bids = [
        (bidders[0], "250", start + 600),
        (bidders[1], "260", start + 1800),
        (bidders[0], "280", start + 3600),
        (bidders[2], "290", end - 400),
        (bidders[1], "300", end - 120),
    ];
    append(db, lots[0], &bids).await?;
    // The unsold lot: below its reserve of 150.
    append(
        db,
        lots[1],
        &[
            (bidders[2], "100", start + 900),
            (bidders[0], "110", start + 2000),
        ],
    )
    .await?;
    // The close, as the job does it: the sale becomes a deal.
    let ctx = Ctx::new(db.clone(), Hasher::default());
    zhiyun_service::auctions::close_ended(&ctx)
        .await
        .map_err(|e| anyhow!("demo auctions close: {e}"))?;

    // The upcoming session: in 7 days, two lots, two bidders registered (one confirmed).
    let start = now + 7 * DAY;
    let (upcoming, _) = db
        .auction_create(
            &NewAuction {
                title: "2026 年冬季专利拍卖会".into(),
                rules: "竞买人须在开拍前交纳保证金并经确认；结束前 5 分钟内有人出价的，结束时间自出价时起顺延 5 分钟。".into(),
                operator_org_id: operator,
                auctioneer_org_id: sipex,
                starts_at: start,
                ends_at: start + 2 * 3600,
                soft_close_seconds: 300,
                buyer_commission: Pct::STATUTORY_MAX,
                seller_commission: Pct::STATUTORY_MAX,
                commission_agreed: false,
                lots: vec![
                    lot("传感器专利（转让）", &numbers[2], LotKind::Transfer, "80", "5", "100"),
                    lot("图像识别专利（普通许可）", &numbers[3], LotKind::OrdinaryLicence, "30", "2", "40"),
                ],
            },
            now,
            who,
        )
        .await?;
    for (i, b) in bidders.iter().take(2).enumerate() {
        let r = Registration {
            bidder_no: i as u32 + 1,
            org_id: *b,
            on_behalf_of: None,
            lot_ids: Vec::new(),
            confirmed: false,
        };
        db.auction_register(upcoming, &r, now, who).await?;
    }
    db.auction_confirm(upcoming, bidders[1], now, who).await?;
    Ok(())
}

/// Store a lot's demo bids (seq from 1), moving its end as the soft close would.
async fn append(db: &Db, lot_id: i64, bids: &[(i64, &str, i64)]) -> Result<()> {
    let lot = db.lot_get(lot_id).await?;
    let mut ends_at = lot.ends_at;
    let mut last: Option<(u32, Fen)> = None;
    for (i, (org, amount, at)) in bids.iter().enumerate() {
        let b = Bid {
            seq: i as u32 + 1,
            bidder_org_id: *org,
            amount: wan(amount),
            at: *at,
            by_proxy: false,
        };
        if ends_at - at <= lot.terms.soft_close_seconds {
            ends_at = ends_at.max(at + lot.terms.soft_close_seconds);
        }
        match db
            .lot_append_bids(lot_id, last, std::slice::from_ref(&b), ends_at)
            .await?
        {
            Append::Stored { .. } => {}
            Append::Stale => return Err(anyhow!("demo auctions: lot {lot_id} not appendable")),
        }
        last = Some((b.seq, b.amount));
    }
    Ok(())
}
