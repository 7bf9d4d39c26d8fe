//! The close of lots (T3, issue 14), run by the background job `auctions.close_ended` once across
//! processes: every open lot whose live end has passed is closed by its writer (sold to the
//! highest bid at or above the reserve, else unsold), the deposit lines recorded (refunds for the
//! others, the winner's applied to the price), and a sale made into a deal of the ledger.
//!
//! Safe to run again after a crash: the close is a conditional update (`closed_at IS NULL`), and
//! the deal is made in a second step that first looks for a deal already made for the lot (by its
//! exchange number `拍卖会{id}-标的{lot}`), so an interrupted run neither loses nor doubles one.

use chrono::Duration;
use zhiyun_domain::auction::{LotKind, Outcome, UnsoldRoute, close, settle_deposits};
use zhiyun_domain::code::Code;
use zhiyun_domain::deal::{
    DealDraft, DealKind, ExchangeMode, LicenceType, Stage, Venue, licence_filing_due,
};
use zhiyun_domain::ident::PatentApplicationNumber;
use zhiyun_domain::listing::{ListingInput, check_listing};
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::policy::{self, AuctionScope};
use zhiyun_domain::time::date_of;
use zhiyun_store::Who;

use super::live;
use crate::{Ctx, Error, Principal, Result};

fn closer() -> Who {
    Who::system("auctions.close")
}

/// Close every lot whose end has passed, then make the deals of sales not yet made. Returns the
/// number of lots closed now.
pub async fn close_ended(ctx: &Ctx) -> Result<usize> {
    let now = ctx.clock.now();
    let mut closed = 0;
    for lot_id in ctx.db.lots_due(now).await? {
        if close_lot(ctx, lot_id, now).await? {
            closed += 1;
        }
    }
    for lot_id in ctx.db.lots_sold_without_deal().await? {
        make_deal(ctx, lot_id).await?;
    }
    Ok(closed)
}

/// Close one lot at `now` if its end has passed and it is still open.
async fn close_lot(ctx: &Ctx, lot_id: i64, now: i64) -> Result<bool> {
    let slot = ctx.auctions.slot(lot_id);
    let mut guard = slot.state.lock().await;
    // The database is the truth at the close (another process may have taken late bids).
    let loaded = live::load(ctx, lot_id).await?;
    let closing = match close(&loaded.state, now) {
        Ok(c) => c,
        Err(_) => {
            *guard = Some(loaded);
            return Ok(false);
        }
    };
    let regs = ctx
        .db
        .auction_registrations(loaded.record.auction_id)
        .await?;
    let deposits = settle_deposits(lot_id, loaded.record.terms.deposit, &regs, &closing.outcome);
    let reason = match &closing.outcome {
        Outcome::Unsold { reason } => Some(*reason),
        Outcome::Sold(_) => None,
    };
    let done = ctx
        .db
        .lot_close(
            lot_id,
            loaded.state.bids().len(),
            now,
            closing.outcome.sale(),
            reason,
            &deposits,
            &closer(),
        )
        .await?;
    // Reload either way: closed here, or by another process.
    *guard = Some(live::load(ctx, lot_id).await?);
    drop(guard);
    slot.notify();
    Ok(done)
}

/// The deal of a sold lot: the seller (the patents' owner) gives, the winner (its client, for an
/// agency) receives, at the hammer price, signed on the day bidding ended; a transfer or a licence
/// as the lot says. The commissions stay on the lot (`buyer_commission_fen`,
/// `seller_commission_fen`) and show on its page beside the deal.
async fn make_deal(ctx: &Ctx, lot_id: i64) -> Result<()> {
    let lot = ctx.db.lot_get(lot_id).await?;
    let Some(sale) = lot.result.as_ref().and_then(|r| r.sale.clone()) else {
        return Ok(());
    };
    let a = ctx.db.auction_get(lot.auction_id).await?;
    let number = format!("拍卖会{}-标的{}", a.id, lot.id);
    if let Some(id) = ctx.db.deal_by_exchange_number(&number).await? {
        ctx.db.lot_set_deal(lot_id, id).await?;
        return Ok(());
    }
    let regs = ctx.db.auction_registrations(a.id).await?;
    let reg = regs.iter().find(|r| r.org_id == sale.winner_org_id);
    let buyer = reg.map_or(sale.winner_org_id, |r| r.buyer_org_id());
    let agency = reg.and_then(|r| r.on_behalf_of.map(|_| r.org_id));
    let auctioneer = ctx
        .db
        .org_briefs(&[a.auctioneer_org_id])
        .await?
        .remove(&a.auctioneer_org_id);
    let venue = match auctioneer {
        Some(o) if o.kind == OrgKind::Exchange && o.name.contains("技术交易所") => Venue::Stex,
        Some(o) if o.kind == OrgKind::Exchange => Venue::Sipex,
        _ => Venue::OffExchange,
    };
    let (kind, licence_type) = match lot.kind {
        LotKind::Transfer => (DealKind::Transfer, None),
        LotKind::ExclusiveLicence => (DealKind::Licence, Some(LicenceType::Exclusive)),
        LotKind::OrdinaryLicence => (DealKind::Licence, Some(LicenceType::Ordinary)),
    };
    let signed = date_of(lot.ends_at);
    let patents = lot
        .patents
        .iter()
        .map(|n| PatentApplicationNumber::parse(n))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::internal(format!("lot {lot_id}: patent {}", e.message)))?;
    let draft = DealDraft {
        kind,
        licence_type,
        from_org_id: lot.seller_org_id,
        to_org_id: buyer,
        patents,
        venue,
        exchange_mode: Some(ExchangeMode::Auction),
        exchange_deal_number: Some(number),
        amount: sale.price,
        signed_on: Some(signed),
        effective_on: Some(signed),
        term_until: None,
        lead_id: None,
        agency_org_id: agency,
        listing_id: None,
        equity: None,
        instalments: Vec::new(),
        territory: None,
        pledgee_consents: Vec::new(),
        co_owner_consents: Vec::new(),
        stage: Stage::Signed,
        filing_due_on: licence_type.map(|_| licence_filing_due(signed)),
    };
    let deal = ctx
        .db
        .deal_create(&draft, ctx.clock.now(), &closer())
        .await?;
    ctx.db.lot_set_deal(lot_id, deal.id).await?;
    if let Some(slot) = ctx.auctions.existing_slot(lot_id) {
        *slot.state.lock().await = None;
        slot.notify();
    }
    Ok(())
}

/// Where the operator sends an unsold lot (流拍): `back_to_supply_list` makes a draft supply
/// listing of the seller for the lot's patents (fields not given are filled from the lot: title,
/// patents, the start price, 转让/许可, valid for 180 days, the seller's district); `open_licence`
/// and `later_session` are recorded (a later session names the lot's patents again). Returns the
/// listing made, if one.
pub async fn route_unsold(
    ctx: &Ctx,
    user: &Principal,
    lot_id: i64,
    route: UnsoldRoute,
    listing: Option<ListingInput>,
) -> Result<Option<i64>> {
    let lot = ctx.db.lot_get(lot_id).await?;
    let a = ctx.db.auction_get(lot.auction_id).await?;
    let scope = AuctionScope {
        operator_org_id: a.operator_org_id,
        auctioneer_org_id: a.auctioneer_org_id,
        district: None,
    };
    if !policy::can_manage_auction(&user.actor(), &scope) {
        return Err(Error::forbidden_because(
            "只有本场拍卖会的运营方可以处置流拍标的",
        ));
    }
    match lot.result.as_ref() {
        Some(r) if r.sale.is_none() && r.route.is_none() => {}
        Some(r) if r.sale.is_none() => {
            return Err(Error::conflict(Code::AlreadyClosed, "该流拍标的已处置"));
        }
        _ => {
            return Err(Error::conflict(
                Code::NotEnded,
                "只有已结束且流拍的标的可以处置",
            ));
        }
    }
    let mut listing_id = None;
    if route == UnsoldRoute::BackToSupplyList {
        let seller = ctx
            .db
            .org_briefs(&[lot.seller_org_id])
            .await?
            .remove(&lot.seller_org_id);
        let mut input = listing.unwrap_or_default();
        input.kind = Some("supply".into());
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&input.title) {
            input.title = Some(lot.title.clone());
        }
        if blank(&input.description) {
            input.description = Some(format!(
                "拍卖会“{}”标的“{}”流拍后退回供给清单，可协议{}。起拍价 {} 万元。",
                a.title,
                lot.title,
                lot.kind.label(),
                lot.terms.start_price.to_wan_string()
            ));
        }
        if input.patents.is_empty() {
            input.patents = lot.patents.clone();
        }
        if input.modes.is_empty() {
            input.modes = vec![match lot.kind {
                LotKind::Transfer => "转让".into(),
                LotKind::ExclusiveLicence => "独占许可".into(),
                LotKind::OrdinaryLicence => "普通许可".into(),
            }];
        }
        if input.price_wan.is_none() {
            input.price_wan = Some(zhiyun_domain::application::serde_json_number::Number(
                lot.terms.start_price.to_wan_string(),
            ));
        }
        if blank(&input.district_code) {
            input.district_code = seller.as_ref().and_then(|s| s.district_code.clone());
        }
        if blank(&input.valid_until) {
            input.valid_until = Some((ctx.clock.today() + Duration::days(180)).to_string());
        }
        let checked = check_listing(&input, ctx.clock.today())?;
        let l = ctx
            .db
            .listing_create(lot.seller_org_id, &checked, ctx.clock.now(), &user.who())
            .await?;
        crate::listings::index::index_listing(ctx, &l).await;
        listing_id = Some(l.id);
    }
    if !ctx
        .db
        .lot_route(lot_id, route, listing_id, None, &user.who())
        .await?
    {
        return Err(Error::conflict(Code::AlreadyClosed, "该流拍标的已处置"));
    }
    if let Some(slot) = ctx.auctions.existing_slot(lot_id) {
        *slot.state.lock().await = None;
        slot.notify();
    }
    Ok(listing_id)
}
