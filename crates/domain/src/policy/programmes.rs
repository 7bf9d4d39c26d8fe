//! Surveys, KPIs (K1–K6, T7, T8) and auctions (T3).

use super::*;

/// K6/T7: a cluster operator or a district bureau builds surveys for its own district; the
/// municipal bureau for any district or the whole city (`district` = `None`).
pub fn can_create_survey(actor: &Actor, district: Option<&str>) -> bool {
    if actor.admin || actor.role == Role::Municipal {
        return true;
    }
    matches!(actor.role, Role::Operator | Role::District) && actor.same_district(district)
}

/// The owner organisation edits, closes, copies and invites; nobody else does.
pub fn can_manage_survey(actor: &Actor, owner_org_id: i64) -> bool {
    actor.admin || actor.org_id == owner_org_id
}

/// Results, free-text answers and the survey report are for the owner organisation and the
/// overseers of the survey's district (a city-wide survey: the municipal bureau).
pub fn can_read_survey_results(actor: &Actor, owner_org_id: i64, district: Option<&str>) -> bool {
    actor.admin || actor.org_id == owner_org_id || actor.oversees(district)
}

/// Anyone answers an open survey through its link or invitation, logged in or not (issue 15: a
/// response needs no login; tokens and rate limits guard it, not accounts).
pub fn can_answer_survey(_actor: Option<&Actor>) -> bool {
    true
}

/// T7: an event's rating — the overall item of the survey linked to the event, by both methods,
/// with the number of valid responses — shows on the event's page, which is public. The
/// distributions, the free-text answers and the report stay with [`can_read_survey_results`].
pub fn can_read_event_rating(_actor: Option<&Actor>) -> bool {
    true
}

/// Which districts' KPIs an actor may see: [`district_view`] (issue 16: bureaus see all
/// districts, an operator or district bureau its own, other roles nothing). `district` = `None`
/// asks for the city-wide figures, which only an actor seeing all districts gets.
pub fn can_read_kpis(actor: &Actor, district: Option<&str>) -> bool {
    match (district_view(actor), district) {
        (DistrictView::All, _) => true,
        (DistrictView::One(own), Some(d)) => own == d,
        _ => false,
    }
}

// ---------- auctions (T3, issue 14) ----------
//
// The public reads the auction calendar, the lots with their patents, the masked bid history and
// the results after the close: `auction::view::PublicLot` holds nothing secret, so no rule is
// needed for it. What is not public is decided here.

/// An auction session, for policy.
#[derive(Debug, Clone, Copy)]
pub struct AuctionScope<'a> {
    /// The cluster operator that runs the session.
    pub operator_org_id: i64,
    /// The exchange or licensed auction house that conducts it.
    pub auctioneer_org_id: i64,
    /// The operator's district.
    pub district: Option<&'a str>,
}

/// T3: cluster operators hold auction sessions with an exchange or a licensed auction house. The
/// bureaus guide and oversee the clusters; they do not run auctions themselves.
pub fn can_create_auction(actor: &Actor) -> bool {
    actor.admin || actor.role == Role::Operator
}

/// The session's own operator edits it and routes its unsold lots (流拍).
pub fn can_manage_auction(actor: &Actor, s: &AuctionScope) -> bool {
    actor.admin || actor.role == Role::Operator && actor.org_id == s.operator_org_id
}

/// Deposits are confirmed by the session's operator or by its auctioneer, which usually holds
/// the deposit account.
pub fn can_confirm_auction_deposit(actor: &Actor, s: &AuctionScope) -> bool {
    can_manage_auction(actor, s) || actor.org_id == s.auctioneer_org_id
}

/// Who registers as a bidder: an enterprise or a university for itself (`client` = None), an
/// agency for an enterprise or university client (`client` = the client's role). Bureaus, banks,
/// insurers, exchanges and operators do not bid. (The operator and the auctioneer of the session
/// are refused again by `auction::register_bidder`, and so is a lot's seller.)
pub fn can_register_auction_bidder(actor: &Actor, client: Option<Role>) -> bool {
    match (actor.role, client) {
        (Role::Enterprise | Role::University, None) => true,
        (Role::Agency, Some(c)) => matches!(c, Role::Enterprise | Role::University),
        _ => false,
    }
}

/// Who is behind each bidder number (the registrations): the operator and the auctioneer, who
/// confirm the deposits.
pub fn can_see_auction_bidders(actor: &Actor, s: &AuctionScope) -> bool {
    can_confirm_auction_deposit(actor, s)
}

/// A lot's reserve before the close: the operator and the auctioneer, and the seller, who set it
/// with them (拍卖法 art. 28: the auctioneer keeps it secret).
pub fn can_see_auction_reserve(actor: &Actor, s: &AuctionScope, seller_org_id: i64) -> bool {
    can_confirm_auction_deposit(actor, s) || actor.org_id == seller_org_id
}

/// A lot's result, for [`can_see_auction_winner`].
#[derive(Debug, Clone, Copy)]
pub struct LotResultScope<'a> {
    /// The lot reads closed (`auction::status_at`), recorded or not.
    pub closed: bool,
    /// The winning bidder and, for an agency, its client; empty when unsold.
    pub winner_org_ids: &'a [i64],
    pub seller_org_id: i64,
}

/// The winner's identity, only after the close: the operator, the auctioneer (which signs the
/// 成交确认书 with the buyer, 拍卖法 art. 52), the winner, the seller (the other party to the
/// deal), and the bureaus that oversee the district (they see the deal ledger anyway). Other
/// bidders and the public see `竞买人 07`.
pub fn can_see_auction_winner(actor: &Actor, s: &AuctionScope, lot: &LotResultScope) -> bool {
    if !lot.closed || lot.winner_org_ids.is_empty() {
        return false;
    }
    actor.admin
        || can_confirm_auction_deposit(actor, s)
        || lot.winner_org_ids.contains(&actor.org_id)
        || actor.org_id == lot.seller_org_id
        || matches!(actor.role, Role::Municipal | Role::District) && actor.oversees(s.district)
}
