//! Deals (T4, T8): who reads, creates and moves a deal, records its payments and filings.

use super::*;

/// A deal, for policy (T4, T8): the two parties, the agency and the exchange named on it, and the
/// districts of the two parties.
#[derive(Debug, Clone, Copy)]
pub struct DealParties<'a> {
    /// The party giving the rights.
    pub from_org_id: i64,
    /// The party receiving them.
    pub to_org_id: i64,
    pub agency_org_id: Option<i64>,
    /// The exchange organisation the venue names (SIPEX, STEX); None off exchange.
    pub exchange_org_id: Option<i64>,
    pub district_from: Option<&'a str>,
    pub district_to: Option<&'a str>,
}

fn deal_party(actor: &Actor, deal: &DealParties) -> bool {
    actor.org_id == deal.from_org_id || actor.org_id == deal.to_org_id
}

fn deal_agency(actor: &Actor, deal: &DealParties) -> bool {
    actor.role == Role::Agency && deal.agency_org_id == Some(actor.org_id)
}

fn deal_exchange(actor: &Actor, deal: &DealParties) -> bool {
    actor.role == Role::Exchange && deal.exchange_org_id == Some(actor.org_id)
}

/// The cluster operator of either party's district: a university in one district licensing to an
/// SME in another is brokered by either cluster, and each counts it (K3, K4).
fn deal_operator(actor: &Actor, deal: &DealParties) -> bool {
    actor.role == Role::Operator
        && (actor.same_district(deal.district_from) || actor.same_district(deal.district_to))
}

/// Deals are not public: the parties, the agency and exchange named on it, and the overseers of
/// either party's district (the bureaus, the cluster operator) read them.
pub fn can_read_deal(actor: &Actor, deal: &DealParties) -> bool {
    actor.admin
        || deal_party(actor, deal)
        || deal_agency(actor, deal)
        || deal_exchange(actor, deal)
        || actor.oversees(deal.district_from)
        || actor.oversees(deal.district_to)
}

/// A deal is entered by an enterprise or university that is a party to it, by the agency it
/// names, by the cluster operator of a party's district (from a meeting's deal lead), or by the
/// exchange it is made on.
pub fn can_create_deal(actor: &Actor, deal: &DealParties) -> bool {
    actor.admin
        || deal_party(actor, deal) && matches!(actor.role, Role::Enterprise | Role::University)
        || deal_agency(actor, deal)
        || deal_operator(actor, deal)
        || deal_exchange(actor, deal)
}

/// Who moves a deal to `to`: the parties, the agency and the operator move it along; the exchange
/// only records its own settlement (the others may record it too, from the exchange's 交易凭证,
/// since an exchange may not use the platform); only the parties and the operator cancel.
pub fn can_move_deal_stage(actor: &Actor, deal: &DealParties, to: crate::deal::Stage) -> bool {
    use crate::deal::Stage;
    let along = actor.admin
        || deal_party(actor, deal)
        || deal_agency(actor, deal)
        || deal_operator(actor, deal);
    match to {
        Stage::Negotiating => false,
        Stage::Settled => along || deal_exchange(actor, deal),
        Stage::Cancelled => actor.admin || deal_party(actor, deal) || deal_operator(actor, deal),
        Stage::Signed | Stage::Filed | Stage::Completed => along,
    }
}

/// T8: payments received are recorded by the parties and the operator.
pub fn can_record_deal_payment(actor: &Actor, deal: &DealParties) -> bool {
    actor.admin || deal_party(actor, deal) || deal_operator(actor, deal)
}

/// T4: CNIPA filings are recorded by the parties, the agency (which often files) and the operator.
pub fn can_record_deal_filing(actor: &Actor, deal: &DealParties) -> bool {
    actor.admin || deal_party(actor, deal) || deal_agency(actor, deal) || deal_operator(actor, deal)
}

/// T4: a failed pre-check is overruled, with a comment, by the cluster operator of a party's
/// district: a reviewer who is not a party to the deal.
pub fn can_overrule_deal_check(actor: &Actor, deal: &DealParties) -> bool {
    actor.admin || deal_operator(actor, deal)
}

/// T8: an enterprise's yearly revenue, headcount and patent-product revenue are recorded by the
/// enterprise itself or by its district's cluster operator.
pub fn can_record_annual(actor: &Actor, org: &OrgScope) -> bool {
    org.kind == OrgKind::Enterprise
        && (actor.admin
            || actor.org_id == org.id && actor.role == Role::Enterprise
            || actor.role == Role::Operator && actor.same_district(org.district))
}
