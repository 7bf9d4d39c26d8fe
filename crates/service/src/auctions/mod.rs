//! Patent auctions with live bidding (T3, issue 14): sessions with lots of registered patents,
//! bidders and their deposits, live bids through one writer per lot ([`live`]), the lot as the
//! public and the parties see it, the close by a background job ([`close`]) that turns a sale into
//! a deal of the ledger and routes an unsold lot (流拍).

pub mod close;
pub mod live;

use std::collections::HashMap;

use serde::Serialize;
use zhiyun_domain::auction::{
    AuctionInput, LotKind, LotStatus, PublicLot, Registration, SessionParties, amount_wan,
    check_auction, format_rfc3339, public_lot, register_bidder, status_at, winner_org_id,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::policy::{self, AuctionScope, LotResultScope};
use zhiyun_domain::validation::FieldError;
pub use zhiyun_store::auctions::{AuctionRecord, LotRecord};
use zhiyun_store::auctions::{NewAuction, NewLot};

pub use close::{close_ended, route_unsold};
pub use live::{Accepted, Live, subscribe};

use crate::{Ctx, Error, Principal, Result};

/// A created session: its id and its lots' ids in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Created {
    pub id: i64,
    pub lot_ids: Vec<i64>,
}

fn scope(a: &AuctionRecord) -> AuctionScope<'_> {
    AuctionScope {
        operator_org_id: a.operator_org_id,
        auctioneer_org_id: a.auctioneer_org_id,
        district: None,
    }
}

/// Create a session with its lots (operators). Every lot's patents must be in the register, with
/// one owner per lot (the seller, whose consent the operator records by creating the lot). The
/// auctioneer defaults to the operator's own organisation when none is named.
pub async fn create(ctx: &Ctx, user: &Principal, input: AuctionInput) -> Result<Created> {
    let actor = user.actor();
    if !policy::can_create_auction(&actor) {
        return Err(Error::forbidden_because(
            "只有集聚区运营方可以创建拍卖会（与交易所或拍卖机构共同举办）",
        ));
    }
    let mut input = input;
    if input.auctioneer_org_id.is_none() {
        input.auctioneer_org_id = Some(user.org_id);
    }
    let mut errs: Vec<FieldError> = Vec::new();
    if let Some(id) = input.auctioneer_org_id.filter(|id| *id > 0)
        && ctx.db.org_briefs(&[id]).await?.is_empty()
    {
        errs.push(FieldError::new(
            "auctioneer_org_id",
            Code::UnknownOrg,
            format!("拍卖机构（机构编号 {id}）未在平台机构名录中登记"),
        ));
    }
    let checked = check_auction(&input, ctx.clock.now());
    let auction = match checked {
        Ok(a) if errs.is_empty() => a,
        Ok(_) => return Err(Error::invalid(errs)),
        Err(mut e) => {
            e.append(&mut errs);
            return Err(Error::invalid(e));
        }
    };
    // The register: every patent there, one owner per lot.
    let mut lots = Vec::new();
    for (i, lot) in auction.lots.iter().enumerate() {
        let mut seller: Option<i64> = None;
        for (m, n) in lot.patents.iter().enumerate() {
            match ctx.db.patent_by_number(n.as_str()).await? {
                None => errs.push(FieldError::new(
                    format!("lots.{i}.patents.{m}"),
                    Code::UnknownPatent,
                    format!("专利 {n} 未在专利库登记：请先在专利库登记后再拍卖"),
                )),
                Some(p) => match seller {
                    None => seller = Some(p.patent.owner_org_id),
                    Some(s) if s != p.patent.owner_org_id => errs.push(FieldError::new(
                        format!("lots.{i}.patents.{m}"),
                        Code::Invalid,
                        format!("专利 {n} 的权利人与本标的其他专利不同：一个标的只能有一个委托人"),
                    )),
                    Some(_) => {}
                },
            }
        }
        if let Some(s) = seller {
            if s == auction.auctioneer_org_id || s == user.org_id {
                errs.push(FieldError::new(
                    format!("lots.{i}.patents"),
                    Code::Invalid,
                    "拍卖会的运营方或拍卖机构不能作为本场标的的委托人",
                ));
            }
            lots.push(NewLot {
                title: lot.title.clone(),
                kind: lot.kind,
                seller_org_id: s,
                patents: lot.patents.iter().map(|p| p.to_string()).collect(),
                start_price: lot.start_price,
                increment: lot.increment,
                reserve: lot.reserve,
                deposit: lot.deposit,
                owner_consent: lot.owner_consent.clone(),
            });
        }
    }
    if !errs.is_empty() {
        return Err(Error::invalid(errs));
    }
    let new = NewAuction {
        title: auction.title,
        rules: auction.rules,
        operator_org_id: user.org_id,
        auctioneer_org_id: auction.auctioneer_org_id,
        starts_at: auction.starts_at,
        ends_at: auction.ends_at,
        soft_close_seconds: auction.soft_close_seconds,
        buyer_commission: auction.buyer_commission,
        seller_commission: auction.seller_commission,
        commission_agreed: auction.commission_agreed,
        lots,
    };
    let (id, lot_ids) = ctx
        .db
        .auction_create(&new, ctx.clock.now(), &user.who())
        .await?;
    Ok(Created { id, lot_ids })
}

/// Register the caller's organisation as a bidder of a session (for a client, as an agency).
pub async fn register(
    ctx: &Ctx,
    user: &Principal,
    auction_id: i64,
    on_behalf_of: Option<i64>,
) -> Result<Registration> {
    // Issue 18: nobody bids for an organisation whose registration is not approved.
    crate::registrations::require_approved(user)?;
    let a = ctx.db.auction_get(auction_id).await?;
    let client_role = match on_behalf_of {
        None => None,
        Some(c) => Some(
            ctx.db
                .org_briefs(&[c])
                .await?
                .get(&c)
                .map(|o| o.kind.role())
                .ok_or_else(|| {
                    Error::field(
                        "on_behalf_of",
                        Code::UnknownOrg,
                        format!("委托人（机构编号 {c}）未登记"),
                    )
                })?,
        ),
    };
    if !policy::can_register_auction_bidder(&user.actor(), client_role) {
        return Err(Error::forbidden_because(
            "只有企业、高校（或代理其报名的服务机构）可以报名竞买",
        ));
    }
    if ctx.clock.now() >= a.ends_at {
        let lots = ctx.db.auction_lots(auction_id).await?;
        if lots.iter().all(|l| l.result.is_some()) {
            return Err(Error::conflict(
                Code::LotClosed,
                "本场拍卖会已结束，不能报名",
            ));
        }
    }
    let lots = ctx.db.auction_lots(auction_id).await?;
    let sellers: Vec<(i64, i64)> = lots.iter().map(|l| (l.id, l.seller_org_id)).collect();
    let parties = SessionParties {
        operator_org_id: a.operator_org_id,
        auctioneer_org_id: a.auctioneer_org_id,
        lots: &sellers,
    };
    let existing = ctx.db.auction_registrations(auction_id).await?;
    let reg = register_bidder(&existing, user.org_id, on_behalf_of, &[], &parties)
        .map_err(|e| Error::conflict(e.code(), e.to_string()))?;
    ctx.db
        .auction_register(auction_id, &reg, ctx.clock.now(), &user.who())
        .await?;
    ctx.auctions.forget_registrations(auction_id);
    Ok(reg)
}

/// The operator (or the auctioneer) records a bidder's deposit received.
pub async fn confirm(ctx: &Ctx, user: &Principal, auction_id: i64, org_id: i64) -> Result<()> {
    let a = ctx.db.auction_get(auction_id).await?;
    if !policy::can_confirm_auction_deposit(&user.actor(), &scope(&a)) {
        return Err(Error::forbidden_because(
            "只有本场拍卖会的运营方或拍卖机构可以确认保证金",
        ));
    }
    let regs = ctx.db.auction_registrations(auction_id).await?;
    if !regs.iter().any(|r| r.org_id == org_id) {
        return Err(Error::not_found());
    }
    ctx.db
        .auction_confirm(auction_id, org_id, ctx.clock.now(), &user.who())
        .await?;
    ctx.auctions.forget_registrations(auction_id);
    Ok(())
}

/// A bid of `amount_wan` by the caller's organisation. 409 with `lot_closed`, `not_started`,
/// `not_confirmed`, `already_leading`, `bid_too_low`; 422 for a malformed amount.
pub async fn bid(
    ctx: &Ctx,
    user: &Principal,
    lot_id: i64,
    amount_wan_text: Option<&WanText>,
) -> Result<Accepted> {
    crate::registrations::require_approved(user)?;
    let amount: Fen =
        amount_wan("amount_wan", "出价", amount_wan_text).map_err(|e| Error::invalid(vec![e]))?;
    live::bid(ctx, lot_id, user.org_id, amount).await
}

/// A lot as the caller sees it: the public view (reserve never shown, bidders masked), the
/// session, the patents, and after the close the winner (where policy allows) and the deal.
#[derive(Debug, Clone, Serialize)]
pub struct LotView {
    pub id: i64,
    pub auction_id: i64,
    pub auction_title: String,
    pub title: String,
    pub kind: LotKind,
    pub kind_label: &'static str,
    pub patents: Vec<String>,
    pub seller_name: String,
    #[serde(flatten)]
    pub public: PublicLot,
    pub winner_org_id: Option<i64>,
    pub winner_name: Option<String>,
    pub deal_id: Option<i64>,
    /// Unsold: where the operator sent it.
    pub route: Option<String>,
    pub routed_listing_id: Option<i64>,
    /// The caller may bid now (registered, confirmed).
    pub may_bid: bool,
    /// The caller runs the session (routes unsold lots).
    pub may_manage: bool,
    /// The owner's consent as recorded at the lot's creation: to those who run the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_consent: Option<String>,
    /// After a sale: the commissions from each side, to the operator and the parties.
    pub buyer_commission_wan: Option<String>,
    pub seller_commission_wan: Option<String>,
}

/// The lot at the context's clock for `viewer` (None: the public).
pub async fn lot(ctx: &Ctx, viewer: Option<&Principal>, lot_id: i64) -> Result<LotView> {
    let now = ctx.clock.now();
    let (record, public, winner) = live::with_lot(ctx, lot_id, |l| {
        (
            l.record.clone(),
            (l.state.clone(), status_at(&l.state, now)),
            winner_org_id(&l.state, now),
        )
    })
    .await?;
    let (state, status) = public;
    let a = ctx.db.auction_get(record.auction_id).await?;
    let regs = live::registrations(ctx, a.id, true).await?;
    let viewer_org = viewer.map(|v| v.org_id);
    let view = public_lot(&state, now, &regs, viewer_org);
    let winner_ids: Vec<i64> = winner
        .map(|w| {
            let mut ids = vec![w];
            if let Some(r) = regs.iter().find(|r| r.org_id == w) {
                ids.push(r.buyer_org_id());
            }
            ids
        })
        .unwrap_or_default();
    let sees_winner = viewer.is_some_and(|v| {
        policy::can_see_auction_winner(
            &v.actor(),
            &scope(&a),
            &LotResultScope {
                closed: status.is_closed(),
                winner_org_ids: &winner_ids,
                seller_org_id: record.seller_org_id,
            },
        )
    });
    let manage = viewer.is_some_and(|v| policy::can_manage_auction(&v.actor(), &scope(&a)));
    let mut names_of: Vec<i64> = vec![record.seller_org_id];
    names_of.extend(winner_ids.iter().copied());
    let names = ctx.db.org_briefs(&names_of).await?;
    let name = |id: i64| names.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    let result = record.result.as_ref();
    let sale = result.and_then(|r| r.sale.as_ref());
    let may_bid = viewer_org.is_some_and(|o| {
        status == LotStatus::Open && regs.iter().any(|r| r.org_id == o && r.may_bid(lot_id))
    });
    Ok(LotView {
        id: record.id,
        auction_id: a.id,
        auction_title: a.title.clone(),
        title: record.title.clone(),
        kind: record.kind,
        kind_label: record.kind.label(),
        patents: record.patents.clone(),
        seller_name: name(record.seller_org_id),
        public: view,
        winner_org_id: winner.filter(|_| sees_winner),
        winner_name: winner.filter(|_| sees_winner).map(name),
        deal_id: result.and_then(|r| r.deal_id),
        route: result.and_then(|r| r.route).map(|r| r.label().to_string()),
        routed_listing_id: result.and_then(|r| r.routed_listing_id),
        may_bid,
        may_manage: manage,
        owner_consent: record.owner_consent.clone().filter(|_| manage),
        buyer_commission_wan: sale
            .filter(|_| sees_winner)
            .map(|s| s.buyer_commission.to_wan_2dp()),
        seller_commission_wan: sale
            .filter(|_| sees_winner)
            .map(|s| s.seller_commission.to_wan_2dp()),
    })
}

/// A session in the calendar, with its lots' status now.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub id: i64,
    pub title: String,
    pub rules: String,
    pub starts_at: String,
    pub ends_at: String,
    pub soft_close_seconds: i64,
    pub commission_pct: String,
    pub seller_commission_pct: String,
    pub auctioneer_name: String,
    pub lots: Vec<LotLine>,
    /// The registrations (bidder number, organisation, confirmed): to the operator and the
    /// auctioneer only.
    pub bidders: Vec<BidderLine>,
    /// The caller's own registration.
    pub my_bidder_no: Option<u32>,
    pub my_confirmed: bool,
    pub may_manage: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LotLine {
    pub id: i64,
    pub title: String,
    pub kind_label: &'static str,
    pub patents: Vec<String>,
    pub status: LotStatus,
    pub status_label: &'static str,
    pub start_price_wan: String,
    pub current_wan: Option<String>,
    pub ends_at: String,
    pub deal_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BidderLine {
    pub bidder_no: u32,
    pub masked: String,
    pub org_id: i64,
    pub org_name: String,
    pub confirmed: bool,
}

/// One session for `viewer`.
pub async fn session(ctx: &Ctx, viewer: Option<&Principal>, id: i64) -> Result<SessionView> {
    let a = ctx.db.auction_get(id).await?;
    let now = ctx.clock.now();
    let records = ctx.db.auction_lots(id).await?;
    let mut lots = Vec::new();
    for r in &records {
        let (status, current, ends) = live::with_lot(ctx, r.id, |l| {
            (
                status_at(&l.state, now),
                l.state.last_bid().map(|b| b.amount.to_wan_2dp()),
                l.state.ends_at(),
            )
        })
        .await?;
        lots.push(LotLine {
            id: r.id,
            title: r.title.clone(),
            kind_label: r.kind.label(),
            patents: r.patents.clone(),
            status,
            status_label: status.label(),
            start_price_wan: r.terms.start_price.to_wan_2dp(),
            current_wan: current,
            ends_at: format_rfc3339(ends),
            deal_id: r.result.as_ref().and_then(|x| x.deal_id),
        });
    }
    let regs = ctx.db.auction_registrations(id).await?;
    let manage = viewer.is_some_and(|v| policy::can_manage_auction(&v.actor(), &scope(&a)));
    let sees = viewer.is_some_and(|v| policy::can_see_auction_bidders(&v.actor(), &scope(&a)));
    let mut ids: Vec<i64> = regs.iter().map(|r| r.org_id).collect();
    ids.push(a.auctioneer_org_id);
    let names: HashMap<i64, String> = ctx
        .db
        .org_briefs(&ids)
        .await?
        .into_iter()
        .map(|(k, v)| (k, v.name))
        .collect();
    let mine = viewer.and_then(|v| regs.iter().find(|r| r.org_id == v.org_id));
    Ok(SessionView {
        id: a.id,
        title: a.title.clone(),
        rules: a.rules.clone(),
        starts_at: format_rfc3339(a.starts_at),
        ends_at: format_rfc3339(a.ends_at),
        soft_close_seconds: a.soft_close_seconds,
        commission_pct: a.buyer_commission.to_string(),
        seller_commission_pct: a.seller_commission.to_string(),
        auctioneer_name: names.get(&a.auctioneer_org_id).cloned().unwrap_or_default(),
        lots,
        bidders: if sees {
            regs.iter()
                .map(|r| BidderLine {
                    bidder_no: r.bidder_no,
                    masked: r.masked(),
                    org_id: r.org_id,
                    org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
                    confirmed: r.confirmed,
                })
                .collect()
        } else {
            Vec::new()
        },
        my_bidder_no: mine.map(|r| r.bidder_no),
        my_confirmed: mine.is_some_and(|r| r.confirmed),
        may_manage: manage,
    })
}

/// The public calendar: every session, latest first.
pub async fn calendar(ctx: &Ctx, viewer: Option<&Principal>) -> Result<Vec<SessionView>> {
    let mut out = Vec::new();
    for a in ctx.db.auction_list().await? {
        out.push(session(ctx, viewer, a.id).await?);
    }
    Ok(out)
}
