//! Who may read or write what. Every handler asks this module; nothing else decides access.
//!
//! The platform's data has three visibilities: drafts (only the owner organisation), internal records
//! (the owner, plus the bureaus and the cluster operator that oversee the record's district) and public
//! records. District-wide figures follow [`district_view`].

use crate::org::{OrgKind, Role};

/// The logged-in user, as far as policy needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub org_id: i64,
    pub role: Role,
    /// The district of the user's organisation, if it has one.
    pub district: Option<String>,
    /// Platform administrator: manages accounts, reads the audit log.
    pub admin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Being prepared: only the owner organisation (and administrators).
    Draft,
    /// Submitted or private to the parties that oversee it.
    Internal,
    /// Anyone, without login.
    Public,
}

/// What a record looks like to the policy.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub owner_org_id: Option<i64>,
    pub district: Option<&'a str>,
    pub visibility: Visibility,
}

impl Actor {
    fn same_district(&self, district: Option<&str>) -> bool {
        matches!((self.district.as_deref(), district), (Some(a), Some(b)) if a == b)
    }

    fn owns(&self, scope: &Scope) -> bool {
        scope.owner_org_id == Some(self.org_id)
    }

    /// Oversees records of this district: the municipal bureau everywhere, a district bureau
    /// and a cluster operator in their own district.
    fn oversees(&self, district: Option<&str>) -> bool {
        match self.role {
            Role::Municipal => true,
            Role::District | Role::Operator => self.same_district(district),
            _ => false,
        }
    }
}

/// May `actor` (None = public visitor) read a record with this scope?
pub fn can_read(actor: Option<&Actor>, scope: &Scope) -> bool {
    match (scope.visibility, actor) {
        (Visibility::Public, _) => true,
        (_, None) => false,
        (_, Some(a)) if a.admin || a.owns(scope) => true,
        // An enterprise's draft is its own: nobody else, bureaus included, reads it.
        (Visibility::Draft, Some(_)) => false,
        (Visibility::Internal, Some(a)) => a.oversees(scope.district),
    }
}

/// May `actor` change a record with this scope? Owners write their own; the overseers of its district
/// may correct non-draft records.
pub fn can_write(actor: &Actor, scope: &Scope) -> bool {
    if actor.admin || actor.owns(scope) {
        return true;
    }
    scope.visibility != Visibility::Draft && actor.oversees(scope.district)
}

/// Which districts' aggregated figures an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DistrictView {
    All,
    One(String),
    None,
}

/// Only the municipal bureau (and administrators) see all districts; a district bureau and a cluster
/// operator see their own district; other parties see none.
pub fn district_view(actor: &Actor) -> DistrictView {
    if actor.admin || actor.role == Role::Municipal {
        return DistrictView::All;
    }
    match (actor.role, &actor.district) {
        (Role::District | Role::Operator, Some(d)) => DistrictView::One(d.clone()),
        _ => DistrictView::None,
    }
}

/// The registry entry of an organisation, for policy.
#[derive(Debug, Clone, Copy)]
pub struct OrgScope<'a> {
    pub id: i64,
    pub kind: OrgKind,
    pub district: Option<&'a str>,
}

/// Any logged-in user may look an organisation up by name; the private facts of an enterprise
/// (employees, revenue, certificates) are for the organisation itself and its district's overseers.
pub fn can_read_org_private(actor: &Actor, org: &OrgScope) -> bool {
    actor.admin || actor.org_id == org.id || actor.oversees(org.district)
}

/// May `actor` register an organisation of `kind` in `district`?
pub fn can_create_org(actor: &Actor, kind: OrgKind, district: Option<&str>) -> bool {
    if actor.admin || actor.role == Role::Municipal {
        return true;
    }
    match actor.role {
        // A district bureau registers the parties of its own district, never another bureau.
        Role::District => !kind.is_bureau() && actor.same_district(district),
        // A cluster operator registers the enterprises it serves in its district.
        Role::Operator => kind == OrgKind::Enterprise && actor.same_district(district),
        _ => false,
    }
}

/// May `actor` register organisations at all (of some kind, in its own district)?
pub fn may_register_orgs(actor: &Actor) -> bool {
    OrgKind::ALL
        .iter()
        .any(|k| can_create_org(actor, *k, actor.district.as_deref()))
}

/// May `actor` edit this organisation? Its own users edit its profile; creators' rules apply otherwise.
/// Changing an organisation's kind is a creation question and is checked with [`can_create_org`].
pub fn can_edit_org(actor: &Actor, org: &OrgScope) -> bool {
    actor.org_id == org.id || can_create_org(actor, org.kind, org.district)
}

/// A park application, for policy: its operator organisation, its park's district, and whether it is a draft.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationScope<'a> {
    pub operator_org_id: i64,
    pub district: Option<&'a str>,
    pub draft: bool,
}

/// Park operators prepare applications (for their own organisation).
pub fn can_apply(actor: &Actor) -> bool {
    actor.role == Role::Operator
}

/// The operator reads its own; once submitted, the municipal bureau reads all and the district bureau
/// of the park's district reads those of its district. Other parks, even in the same district, do not.
pub fn can_read_application(actor: &Actor, app: &ApplicationScope) -> bool {
    if actor.admin || actor.org_id == app.operator_org_id {
        return true;
    }
    !app.draft
        && match actor.role {
            Role::Municipal => true,
            Role::District => actor.same_district(app.district),
            _ => false,
        }
}

/// Only the operator changes its application (while it is a draft or returned for correction).
pub fn can_edit_application(actor: &Actor, app: &ApplicationScope) -> bool {
    actor.org_id == app.operator_org_id && actor.role == Role::Operator
}

/// The municipal bureau reviews: confirms or overrules each check, and decides.
pub fn can_review_application(actor: &Actor) -> bool {
    actor.role == Role::Municipal
}

/// Reviewers, and the district bureau of the park's district, may comment.
pub fn can_comment_application(actor: &Actor, app: &ApplicationScope) -> bool {
    !app.draft
        && (can_review_application(actor)
            || actor.role == Role::District && actor.same_district(app.district))
}

/// The municipal bureau opens application rounds.
pub fn can_open_rounds(actor: &Actor) -> bool {
    actor.role == Role::Municipal
}

/// The bureaus (and administrators) compare a round's submitted applications side by side: the
/// round's summary table, and the list opening on the newest round. A district bureau sees the
/// applications of its district ([`can_read_application`] still decides each one).
pub fn can_compare_applications(actor: &Actor) -> bool {
    matches!(actor.role, Role::Municipal | Role::District) || actor.admin
}

/// T1: enterprises post technology demands; universities, institutes and enterprises post supplies.
pub fn can_post_listing(actor: &Actor, kind: crate::listing::ListingKind) -> bool {
    use crate::listing::ListingKind;
    match kind {
        ListingKind::Demand => actor.role == Role::Enterprise,
        ListingKind::Supply => matches!(actor.role, Role::University | Role::Enterprise),
    }
}

/// Bulk import (T1): an organisation's users import its own listings; the cluster operator enters
/// listings it collected on behalf of organisations (whose role may post that kind) in its district.
pub fn can_import_listing(
    actor: &Actor,
    owner_org_id: i64,
    owner_role: Role,
    kind: crate::listing::ListingKind,
    district: &str,
) -> bool {
    let owner = Actor {
        user_id: 0,
        org_id: owner_org_id,
        role: owner_role,
        district: None,
        admin: false,
    };
    if actor.org_id == owner_org_id {
        return can_post_listing(actor, kind);
    }
    can_moderate_listing(actor, district) && can_post_listing(&owner, kind)
}

/// The cluster operator of the listing's district reviews and publishes it (T2).
pub fn can_moderate_listing(actor: &Actor, district: &str) -> bool {
    actor.admin || actor.role == Role::Operator && actor.same_district(Some(district))
}

/// A listing, for policy: its owner, its district, its status, and whether the public sees it
/// now (`listing::publicly_visible` on today's date).
#[derive(Debug, Clone, Copy)]
pub struct ListingScope<'a> {
    pub owner_org_id: i64,
    pub district: &'a str,
    pub status: crate::listing::ListingStatus,
    pub visible: bool,
}

/// T1/T2: anyone reads a listing while it is on the public site; the owner always; the
/// district's overseers once it is submitted.
pub fn can_read_listing(actor: Option<&Actor>, l: &ListingScope) -> bool {
    let visibility = if l.visible {
        Visibility::Public
    } else if l.status == crate::listing::ListingStatus::Draft {
        Visibility::Draft
    } else {
        Visibility::Internal
    };
    can_read(
        actor,
        &Scope {
            owner_org_id: Some(l.owner_org_id),
            district: Some(l.district),
            visibility,
        },
    )
}

/// T1: the owner organisation submits, withdraws, marks fulfilled and confirms its listing; the
/// cluster operator of its district publishes or returns it.
pub fn can_act_on_listing(
    actor: &Actor,
    l: &ListingScope,
    action: crate::listing::ListingAction,
) -> bool {
    if action.by_owner() {
        actor.org_id == l.owner_org_id
    } else {
        can_moderate_listing(actor, l.district)
    }
}

/// T2: visitors see a listing's contact masked (`张**`, `138****5678`); logged-in users in full.
pub fn can_see_listing_contacts(actor: Option<&Actor>) -> bool {
    actor.is_some()
}

/// Cluster operators and administrators: they review listings, import them on behalf of
/// organisations and may publish what they import.
fn listing_moderator(actor: &Actor) -> bool {
    actor.admin || actor.role == Role::Operator
}

/// T2: the review queue (each listing in it still checked with [`can_moderate_listing`]).
pub fn can_review_listings(actor: &Actor) -> bool {
    listing_moderator(actor)
}

/// T1: may `actor` import listings of `kind` at all (each row is still checked with
/// [`can_import_listing`])? Its own organisation's, or, for operators, on behalf of others.
pub fn can_import_listings(actor: &Actor, kind: crate::listing::ListingKind) -> bool {
    listing_moderator(actor) || can_post_listing(actor, kind)
}

/// T1: the status imported listings get: a draft or submitted for review by anyone who imports;
/// published at once only by operators.
pub fn can_import_as(actor: &Actor, status: crate::listing::ListingStatus) -> bool {
    use crate::listing::ListingStatus;
    match status {
        ListingStatus::Draft | ListingStatus::Submitted => true,
        ListingStatus::Published => listing_moderator(actor),
        _ => false,
    }
}

/// T3: a listing's match suggestions are for its owner and for cluster operators (any item: an
/// operator brokers across districts).
pub fn can_see_matches(actor: &Actor, owner_org_id: i64, district: &str) -> bool {
    actor.org_id == owner_org_id
        || can_moderate_listing(actor, district)
        || actor.role == Role::Operator
}

/// T3: only the owner judges the suggestions for its own listing.
pub fn can_judge_match(actor: &Actor, owner_org_id: i64) -> bool {
    actor.org_id == owner_org_id
}

/// T3: the counts of declined suggestions per supplying organisation are for operators and bureaus.
pub fn can_see_match_declines(actor: &Actor) -> bool {
    actor.admin
        || matches!(
            actor.role,
            Role::Operator | Role::District | Role::Municipal
        )
}

/// T3/T5/T7: events are organised by cluster operators and IP bureaus.
pub fn can_organise_events(actor: &Actor) -> bool {
    actor.admin
        || matches!(
            actor.role,
            Role::Operator | Role::District | Role::Municipal
        )
}

/// T3/T5/T7: who registers for which kind of event: matchmaking brings enterprises and
/// universities together, bank–enterprise meetings enterprises and banks; training is for all.
pub fn can_register_event(actor: &Actor, kind: crate::event::EventKind) -> bool {
    use crate::event::EventKind;
    match kind {
        EventKind::Matchmaking => matches!(actor.role, Role::Enterprise | Role::University),
        EventKind::BankEnterprise => matches!(actor.role, Role::Enterprise | Role::Bank),
        EventKind::Training => true,
    }
}

/// T3/T5/T7: an event is managed by its organiser (the organising organisation's users) and
/// administrators: attendance, the 1:1 schedule, the meetings with their outcomes and deal
/// leads, every participant's agenda.
pub fn can_manage_event(actor: &Actor, organiser_org_id: i64) -> bool {
    actor.admin || actor.org_id == organiser_org_id
}

/// T3: a 1:1 meeting is seen by its two parties (`parties`: the organisations) and the event's
/// managers; nobody else, and no visitor.
pub fn can_see_meeting(actor: Option<&Actor>, organiser_org_id: i64, parties: [i64; 2]) -> bool {
    actor.is_some_and(|a| can_manage_event(a, organiser_org_id) || parties.contains(&a.org_id))
}

/// T3: an organisation's agenda at an event is printed by the organisation itself and the
/// event's managers.
pub fn can_see_agenda(actor: &Actor, organiser_org_id: i64, org_id: i64) -> bool {
    actor.org_id == org_id || can_manage_event(actor, organiser_org_id)
}

/// Accounts, tokens of others and the audit log are for administrators.
pub fn can_administer(actor: &Actor) -> bool {
    actor.admin
}
// ---------- patent and trademark register ----------

/// Organisation kinds whose patents and trademarks the register holds (issue 11: "an enterprise or
/// university keeps its portfolio"). Banks, agencies, parks and bureaus own few and act for others;
/// their own portfolios are out of the register's scope.
pub fn may_own_ip(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Enterprise | OrgKind::University)
}

fn manages_ip_of(actor: &Actor, owner: &OrgScope) -> bool {
    if !may_own_ip(owner.kind) {
        return false;
    }
    if actor.admin || actor.org_id == owner.id {
        return true;
    }
    // Issue 11: "the cluster operator and the agencies serving it can do the same for the
    // enterprises of its district". Universities keep their own portfolios.
    owner.kind == OrgKind::Enterprise
        && matches!(actor.role, Role::Operator | Role::Agency)
        && actor.same_district(owner.district)
}

/// May `actor` create, edit or import the patents of `owner`? The owner's own users; for an
/// enterprise also the cluster operator and the agencies of its district; administrators.
/// Bureaus oversee the register but do not enter it.
pub fn can_manage_patents(actor: &Actor, owner: &OrgScope) -> bool {
    manages_ip_of(actor, owner)
}

/// The same rule for trademarks.
pub fn can_manage_trademarks(actor: &Actor, owner: &OrgScope) -> bool {
    manages_ip_of(actor, owner)
}

/// The register's public facts (number, title, kind, owners, IPC, dates, legal status, overseas
/// members, awards, expiry, high-value categories) are public at CNIPA: any logged-in user reads
/// them. Visitors without login see patents only through published listings.
pub fn can_read_patent_register(actor: Option<&Actor>) -> bool {
    actor.is_some()
}

/// The internal facts of a patent or trademark (annual-fee state and paid-until date, reminders,
/// cultivation notes, pledge amounts): its owner and co-owners, whoever may manage it, the
/// overseers of the owner's district (municipal bureau, district bureau, cluster operator) and
/// administrators.
pub fn can_read_patent_private(actor: &Actor, owner: &OrgScope, co_owner_org_ids: &[i64]) -> bool {
    actor.admin
        || actor.org_id == owner.id
        || co_owner_org_ids.contains(&actor.org_id)
        || manages_ip_of(actor, owner)
        || actor.oversees(owner.district)
}

/// T6: the cluster operator marks patents of its district's organisations as cultivation projects.
/// Bureaus read the list; they do not run the projects.
pub fn can_mark_cultivation(actor: &Actor, district: Option<&str>) -> bool {
    actor.admin || actor.role == Role::Operator && actor.same_district(district)
}

/// K5: the municipal bureau enters resident populations (`PUT /api/v1/districts/{code}/population/{year}`).
pub fn can_set_population(actor: &Actor) -> bool {
    actor.admin || actor.role == Role::Municipal
}

/// K5: the high-value settings (the local pledge threshold, counting 10 years from filing or grant,
/// extra strategic-emerging-industry entries) change every district's figure, so they belong to
/// the municipal bureau that judges the clusters on it, not to a cluster operator.
pub fn can_set_high_value_rules(actor: &Actor) -> bool {
    actor.admin || actor.role == Role::Municipal
}
// ---------- deals ----------

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
// ---------- pledge financing and IP insurance ----------

/// T5: banks publish IP pledge-loan products.
pub fn can_publish_product(actor: &Actor) -> bool {
    actor.role == Role::Bank
}

/// T5: a bank edits, publishes and withdraws its own products, nobody else's.
pub fn can_edit_product(actor: &Actor, bank_org_id: i64) -> bool {
    actor.role == Role::Bank && actor.org_id == bank_org_id
}

/// T5: a published product is public (enterprises and operators compare them, the public may see
/// them); an unpublished one is its bank's (and administrators').
pub fn can_read_product(actor: Option<&Actor>, bank_org_id: i64, published: bool) -> bool {
    published || actor.is_some_and(|a| a.admin || a.org_id == bank_org_id)
}

/// A pledge, for policy: its parties and the pledgor's district (where it counts for K1/K2).
#[derive(Debug, Clone, Copy)]
pub struct PledgeScope<'a> {
    pub pledgor_org_id: i64,
    pub pledgee_org_id: i64,
    pub district: Option<&'a str>,
}

impl Actor {
    /// The pledgee bank itself.
    fn is_pledgee(&self, p: &PledgeScope) -> bool {
        self.role == Role::Bank && self.org_id == p.pledgee_org_id
    }

    /// The pledgor, or the cluster operator of its district acting on its behalf (T5).
    fn acts_for_pledgor(&self, p: &PledgeScope) -> bool {
        self.org_id == p.pledgor_org_id
            || self.role == Role::Operator && self.same_district(p.district)
    }
}

/// T5: an enterprise applies for itself; the operator of the enterprise's district applies on its
/// behalf; a bank records an application it received offline, as the pledgee.
pub fn can_apply_pledge(actor: &Actor, pledge: &PledgeScope) -> bool {
    match actor.role {
        Role::Enterprise => actor.org_id == pledge.pledgor_org_id,
        Role::Operator => actor.same_district(pledge.district),
        Role::Bank => actor.org_id == pledge.pledgee_org_id,
        _ => false,
    }
}

/// T5: a pledge is read by its pledgor, its pledgee, and the overseers of the pledgor's district
/// (its district bureau and cluster operator; the municipal bureau everywhere).
pub fn can_read_pledge(actor: &Actor, pledge: &PledgeScope) -> bool {
    actor.admin
        || actor.org_id == pledge.pledgor_org_id
        || actor.org_id == pledge.pledgee_org_id
        || actor.oversees(pledge.district)
}

/// T5: who moves a pledge to `to`. The pledgee bank moves its own steps (appraisal to
/// disbursement, then repaid, released, defaulted, disposed); the pledgor or its district's
/// operator withdraws; CNIPA registration, applied for jointly by pledgor and pledgee, is recorded
/// by either (or the operator, who helps with registration). `applied` is a creation:
/// [`can_apply_pledge`].
pub fn can_move_pledge(actor: &Actor, pledge: &PledgeScope, to: crate::pledge::Stage) -> bool {
    use crate::pledge::Stage;
    match to {
        Stage::Applied => false,
        Stage::Withdrawn => actor.acts_for_pledgor(pledge),
        Stage::Registered => actor.is_pledgee(pledge) || actor.acts_for_pledgor(pledge),
        Stage::Appraisal
        | Stage::DueDiligence
        | Stage::Approved
        | Stage::Declined
        | Stage::Disbursed
        | Stage::Repaid
        | Stage::Released
        | Stage::Defaulted
        | Stage::Disposed => actor.is_pledgee(pledge),
    }
}

/// T5: a check before registration that failed or needs review is overruled (or confirmed), with
/// a comment, by the pledgee bank, whose risk it is, or the operator helping with registration.
pub fn can_overrule_pledge_check(actor: &Actor, pledge: &PledgeScope) -> bool {
    actor.is_pledgee(pledge) || actor.role == Role::Operator && actor.same_district(pledge.district)
}

/// Which pledges an actor lists, and whose pipeline figures it sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PledgeListScope {
    /// Every district (the municipal bureau, administrators).
    All,
    /// Pledges whose pledgor is in this district (its district bureau and cluster operator).
    District(String),
    /// Pledges held by this bank as pledgee (the bank's workbench).
    Pledgee(i64),
    /// This organisation's own pledges as pledgor.
    Pledgor(i64),
}

/// T5: the pipeline by district for the operator and the district bureau, all districts for the
/// municipal bureau, a bank its own book, anyone else its own pledges.
pub fn pledge_list_scope(actor: &Actor) -> PledgeListScope {
    match district_view(actor) {
        DistrictView::All => PledgeListScope::All,
        DistrictView::One(d) => PledgeListScope::District(d),
        DistrictView::None if actor.role == Role::Bank => PledgeListScope::Pledgee(actor.org_id),
        DistrictView::None => PledgeListScope::Pledgor(actor.org_id),
    }
}

/// An insurance policy, for policy: its insurer, the insured and the insured's district.
#[derive(Debug, Clone, Copy)]
pub struct PolicyScope<'a> {
    pub insurer_org_id: i64,
    pub insured_org_id: i64,
    pub district: Option<&'a str>,
}

/// T5: insurers record the policies they issued (as their own insurer).
pub fn can_record_policy(actor: &Actor, insurer_org_id: i64) -> bool {
    actor.role == Role::Insurer && actor.org_id == insurer_org_id
}

/// T5: the insurer corrects its policy and records claims on it.
pub fn can_edit_policy(actor: &Actor, policy: &PolicyScope) -> bool {
    can_record_policy(actor, policy.insurer_org_id)
}

/// T5: a policy is read by its insurer, the insured, and the overseers of the insured's district.
pub fn can_read_policy(actor: &Actor, policy: &PolicyScope) -> bool {
    actor.admin
        || actor.org_id == policy.insurer_org_id
        || actor.org_id == policy.insured_org_id
        || actor.oversees(policy.district)
}
// ---------- surveys and KPIs (K1–K6, T7, T8) ----------

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

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(org_id: i64, role: Role, district: Option<&str>) -> Actor {
        Actor {
            user_id: org_id * 10,
            org_id,
            role,
            district: district.map(str::to_string),
            admin: false,
        }
    }

    const XUHUI: &str = "310104";
    const MINHANG: &str = "310112";

    #[test]
    fn an_enterprise_cannot_see_another_enterprises_draft() {
        let mine = actor(1, Role::Enterprise, Some(XUHUI));
        let other = actor(2, Role::Enterprise, Some(XUHUI));
        let draft = Scope {
            owner_org_id: Some(1),
            district: Some(XUHUI),
            visibility: Visibility::Draft,
        };
        assert!(can_read(Some(&mine), &draft));
        assert!(can_write(&mine, &draft));
        assert!(!can_read(Some(&other), &draft));
        assert!(!can_write(&other, &draft));
        assert!(!can_read(None, &draft));
        // Not even the bureaus read a draft before it is submitted.
        assert!(!can_read(Some(&actor(9, Role::Municipal, None)), &draft));
        assert!(!can_read(
            Some(&actor(8, Role::District, Some(XUHUI))),
            &draft
        ));
    }

    #[test]
    fn a_district_bureau_sees_its_own_district_only() {
        let xuhui_bureau = actor(5, Role::District, Some(XUHUI));
        let internal = |d| Scope {
            owner_org_id: Some(1),
            district: Some(d),
            visibility: Visibility::Internal,
        };
        assert!(can_read(Some(&xuhui_bureau), &internal(XUHUI)));
        assert!(!can_read(Some(&xuhui_bureau), &internal(MINHANG)));
        assert!(!can_write(&xuhui_bureau, &internal(MINHANG)));
        assert_eq!(
            district_view(&xuhui_bureau),
            DistrictView::One(XUHUI.to_string())
        );
    }

    #[test]
    fn only_bureaus_see_all_districts() {
        let municipal = actor(9, Role::Municipal, None);
        assert_eq!(district_view(&municipal), DistrictView::All);
        for role in [
            Role::Enterprise,
            Role::Bank,
            Role::Insurer,
            Role::Agency,
            Role::Exchange,
            Role::University,
        ] {
            assert_eq!(
                district_view(&actor(3, role, Some(XUHUI))),
                DistrictView::None,
                "{role:?}"
            );
        }
        // An internal record elsewhere: the municipal bureau reads it, a bank does not.
        let scope = Scope {
            owner_org_id: Some(1),
            district: Some(MINHANG),
            visibility: Visibility::Internal,
        };
        assert!(can_read(Some(&municipal), &scope));
        assert!(!can_read(
            Some(&actor(4, Role::Bank, Some(MINHANG))),
            &scope
        ));
        assert!(!can_read(None, &scope));
        // Public records are public.
        let public = Scope {
            visibility: Visibility::Public,
            ..scope
        };
        assert!(can_read(None, &public));
    }

    #[test]
    fn a_applications_are_read_by_their_operator_and_the_overseeing_bureaus_only() {
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let rival = actor(8, Role::Operator, Some(XUHUI));
        let xuhui = actor(5, Role::District, Some(XUHUI));
        let minhang = actor(6, Role::District, Some(MINHANG));
        let municipal = actor(9, Role::Municipal, None);
        let draft = ApplicationScope {
            operator_org_id: 7,
            district: Some(XUHUI),
            draft: true,
        };
        let submitted = ApplicationScope {
            draft: false,
            ..draft
        };
        assert!(can_read_application(&operator, &draft));
        assert!(can_edit_application(&operator, &draft));
        for other in [&rival, &xuhui, &municipal] {
            assert!(!can_read_application(other, &draft), "{other:?}");
        }
        assert!(can_read_application(&municipal, &submitted));
        assert!(can_read_application(&xuhui, &submitted));
        assert!(!can_read_application(&minhang, &submitted));
        assert!(!can_read_application(&rival, &submitted));
        assert!(!can_edit_application(&rival, &submitted));
        assert!(can_review_application(&municipal));
        assert!(!can_review_application(&xuhui));
        assert!(can_comment_application(&xuhui, &submitted));
        assert!(!can_comment_application(&minhang, &submitted));
        assert!(can_apply(&operator) && !can_apply(&xuhui));
        assert!(can_open_rounds(&municipal) && !can_open_rounds(&xuhui));
        assert!(can_compare_applications(&municipal) && can_compare_applications(&xuhui));
        assert!(!can_compare_applications(&operator) && !can_compare_applications(&rival));
    }

    #[test]
    fn t1_who_posts_and_publishes_listings() {
        use crate::listing::ListingKind;
        let ent = actor(1, Role::Enterprise, Some(XUHUI));
        let uni = actor(2, Role::University, Some(XUHUI));
        let bank = actor(3, Role::Bank, Some(XUHUI));
        assert!(
            can_post_listing(&ent, ListingKind::Demand)
                && can_post_listing(&ent, ListingKind::Supply)
        );
        assert!(
            !can_post_listing(&uni, ListingKind::Demand)
                && can_post_listing(&uni, ListingKind::Supply)
        );
        assert!(!can_post_listing(&bank, ListingKind::Supply));
        let op = actor(7, Role::Operator, Some(XUHUI));
        assert!(can_moderate_listing(&op, XUHUI));
        assert!(!can_moderate_listing(&op, MINHANG));
        assert!(!can_moderate_listing(
            &actor(9, Role::Municipal, None),
            XUHUI
        ));
    }

    #[test]
    fn organisation_registry_rights() {
        let operator = actor(7, Role::Operator, Some(MINHANG));
        assert!(can_create_org(
            &operator,
            OrgKind::Enterprise,
            Some(MINHANG)
        ));
        assert!(!can_create_org(&operator, OrgKind::Enterprise, Some(XUHUI)));
        assert!(!can_create_org(&operator, OrgKind::Bank, Some(MINHANG)));
        let bureau = actor(5, Role::District, Some(XUHUI));
        assert!(can_create_org(&bureau, OrgKind::Agency, Some(XUHUI)));
        assert!(!can_create_org(
            &bureau,
            OrgKind::DistrictBureau,
            Some(XUHUI)
        ));
        let enterprise = actor(1, Role::Enterprise, Some(XUHUI));
        assert!(!can_create_org(
            &enterprise,
            OrgKind::Enterprise,
            Some(XUHUI)
        ));
        let own = OrgScope {
            id: 1,
            kind: OrgKind::Enterprise,
            district: Some(XUHUI),
        };
        let other = OrgScope { id: 2, ..own };
        assert!(can_edit_org(&enterprise, &own));
        assert!(!can_edit_org(&enterprise, &other));
        assert!(can_read_org_private(&enterprise, &own));
        assert!(!can_read_org_private(&enterprise, &other));
        assert!(can_read_org_private(&bureau, &other));
        assert!(!can_read_org_private(&operator, &other));
        assert!(!can_administer(&bureau));
        let admin = Actor {
            admin: true,
            ..enterprise
        };
        assert!(can_administer(&admin));
    }

    #[test]
    fn t1_import_own_listings_or_as_the_districts_operator() {
        use crate::listing::ListingKind::{Demand, Supply};
        let ent = actor(7, Role::Enterprise, Some("310104"));
        let uni = actor(8, Role::University, Some("310104"));
        let op = actor(3, Role::Operator, Some("310104"));
        // Own organisation, kinds its role may post.
        assert!(can_import_listing(
            &ent,
            7,
            Role::Enterprise,
            Demand,
            "310112"
        ));
        assert!(can_import_listing(
            &uni,
            8,
            Role::University,
            Supply,
            "310104"
        ));
        assert!(!can_import_listing(
            &uni,
            8,
            Role::University,
            Demand,
            "310104"
        ));
        // Nobody else's, unless operator of the listing's district for an owner who may post it.
        assert!(!can_import_listing(
            &ent,
            9,
            Role::Enterprise,
            Demand,
            "310104"
        ));
        assert!(can_import_listing(
            &op,
            9,
            Role::Enterprise,
            Demand,
            "310104"
        ));
        assert!(can_import_listing(
            &op,
            8,
            Role::University,
            Supply,
            "310104"
        ));
        assert!(!can_import_listing(
            &op,
            8,
            Role::University,
            Demand,
            "310104"
        ));
        assert!(!can_import_listing(
            &op,
            9,
            Role::Enterprise,
            Demand,
            "310112"
        ));
        assert!(!can_import_listing(
            &op,
            3,
            Role::Operator,
            Demand,
            "310104"
        ));
    }

    /// T1/T2: who reads a listing, acts on it, sees its contacts, reviews and imports.
    #[test]
    fn t1_t2_listing_reading_actions_and_imports() {
        use crate::listing::{ListingAction, ListingKind, ListingStatus};
        let owner = actor(5, Role::University, Some(XUHUI));
        let op = actor(2, Role::Operator, Some(XUHUI));
        let op_elsewhere = actor(3, Role::Operator, Some(MINHANG));
        let bureau = actor(4, Role::District, Some(XUHUI));
        let stranger = actor(6, Role::Enterprise, Some(XUHUI));
        let l = |status, visible| ListingScope {
            owner_org_id: 5,
            district: XUHUI,
            status,
            visible,
        };
        let draft = l(ListingStatus::Draft, false);
        let submitted = l(ListingStatus::Submitted, false);
        let public = l(ListingStatus::Published, true);
        let stale = l(ListingStatus::Published, false);
        // Drafts: the owner only.
        assert!(can_read_listing(Some(&owner), &draft));
        assert!(!can_read_listing(Some(&op), &draft) && !can_read_listing(Some(&bureau), &draft));
        // Submitted or off the public site: the owner and the district's overseers.
        for s in [&submitted, &stale] {
            assert!(can_read_listing(Some(&op), s) && can_read_listing(Some(&bureau), s));
            assert!(!can_read_listing(Some(&op_elsewhere), s));
            assert!(!can_read_listing(Some(&stranger), s) && !can_read_listing(None, s));
        }
        assert!(can_read_listing(None, &public));
        // The owner's actions are the owner's; publishing is the district operator's.
        assert!(can_act_on_listing(&owner, &draft, ListingAction::Submit));
        assert!(can_act_on_listing(&owner, &public, ListingAction::Confirm));
        assert!(!can_act_on_listing(
            &op,
            &submitted,
            ListingAction::Withdraw
        ));
        assert!(!can_act_on_listing(
            &owner,
            &submitted,
            ListingAction::Publish
        ));
        assert!(can_act_on_listing(&op, &submitted, ListingAction::Publish));
        assert!(!can_act_on_listing(
            &op_elsewhere,
            &submitted,
            ListingAction::Return
        ));
        assert!(can_see_listing_contacts(Some(&stranger)) && !can_see_listing_contacts(None));
        assert!(can_review_listings(&op) && !can_review_listings(&bureau));
        assert!(!can_review_listings(&owner));
        assert!(can_import_listings(&op, ListingKind::Demand));
        assert!(can_import_listings(&owner, ListingKind::Supply));
        assert!(!can_import_listings(&owner, ListingKind::Demand));
        assert!(can_import_as(&owner, ListingStatus::Submitted));
        assert!(!can_import_as(&owner, ListingStatus::Published));
        assert!(can_import_as(&op, ListingStatus::Published));
        assert!(!can_import_as(&op, ListingStatus::Withdrawn));
    }

    /// T3: matches are seen by the owner and operators, judged by the owner only.
    #[test]
    fn match_suggestions_are_for_owner_and_operator() {
        let owner = actor(5, Role::Enterprise, Some(XUHUI));
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let other_operator = actor(8, Role::Operator, Some(MINHANG));
        let stranger = actor(9, Role::Enterprise, Some(XUHUI));
        assert!(can_see_matches(&owner, 5, XUHUI));
        assert!(can_see_matches(&operator, 5, XUHUI));
        assert!(can_see_matches(&other_operator, 5, XUHUI));
        assert!(!can_see_matches(
            &actor(3, Role::Bank, Some(XUHUI)),
            5,
            XUHUI
        ));
        assert!(!can_see_matches(&stranger, 5, XUHUI));
        assert!(can_judge_match(&owner, 5));
        assert!(!can_judge_match(&operator, 5));
        assert!(can_see_match_declines(&operator));
        assert!(can_see_match_declines(&actor(2, Role::Municipal, None)));
        assert!(!can_see_match_declines(&owner));
    }

    /// T3/T5/T7: who organises and who registers for which kind of event.
    #[test]
    fn events_are_organised_by_operators_and_bureaus_and_joined_by_the_right_roles() {
        use crate::event::EventKind;
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let enterprise = actor(5, Role::Enterprise, Some(XUHUI));
        let university = actor(6, Role::University, Some(XUHUI));
        let bank = actor(8, Role::Bank, Some(XUHUI));
        assert!(can_organise_events(&operator));
        assert!(can_organise_events(&actor(2, Role::Municipal, None)));
        assert!(!can_organise_events(&enterprise));
        assert!(can_register_event(&enterprise, EventKind::Matchmaking));
        assert!(can_register_event(&university, EventKind::Matchmaking));
        assert!(!can_register_event(&bank, EventKind::Matchmaking));
        assert!(can_register_event(&bank, EventKind::BankEnterprise));
        assert!(!can_register_event(&university, EventKind::BankEnterprise));
        assert!(can_register_event(&university, EventKind::Training));
    }

    /// T3: the organiser (and an administrator) manages its event; a meeting is for its parties.
    #[test]
    fn an_event_is_managed_by_its_organiser_and_a_meeting_seen_by_its_parties() {
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let other_operator = actor(17, Role::Operator, Some(XUHUI));
        let mut admin = actor(1, Role::Municipal, None);
        admin.admin = true;
        let enterprise = actor(5, Role::Enterprise, Some(XUHUI));
        let university = actor(6, Role::University, Some(XUHUI));
        // The event is organised by organisation 7.
        assert!(can_manage_event(&operator, 7));
        assert!(can_manage_event(&admin, 7));
        assert!(!can_manage_event(&other_operator, 7));
        assert!(!can_manage_event(&enterprise, 7));
        assert!(can_see_meeting(Some(&enterprise), 7, [5, 6]));
        assert!(can_see_meeting(Some(&university), 7, [5, 6]));
        assert!(can_see_meeting(Some(&operator), 7, [5, 6]));
        assert!(can_see_meeting(Some(&admin), 7, [5, 6]));
        assert!(!can_see_meeting(Some(&other_operator), 7, [5, 6]));
        assert!(!can_see_meeting(Some(&enterprise), 7, [9, 6]));
        assert!(!can_see_meeting(None, 7, [5, 6]));
        assert!(can_see_agenda(&enterprise, 7, 5));
        assert!(!can_see_agenda(&enterprise, 7, 6));
        assert!(can_see_agenda(&operator, 7, 6));
        assert!(can_see_agenda(&admin, 7, 6));
    }

    /// Issue 11: owners manage their own register; the operator and agencies of an enterprise's
    /// district manage its patents too; nobody else does.
    #[test]
    fn t6_who_manages_patents_and_trademarks() {
        let ent = OrgScope {
            id: 41,
            kind: OrgKind::Enterprise,
            district: Some(XUHUI),
        };
        let uni = OrgScope {
            id: 42,
            kind: OrgKind::University,
            district: Some(XUHUI),
        };
        let bank_org = OrgScope {
            id: 43,
            kind: OrgKind::Bank,
            district: Some(XUHUI),
        };
        let own_ent = actor(41, Role::Enterprise, Some(XUHUI));
        let own_uni = actor(42, Role::University, Some(XUHUI));
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let agency = actor(8, Role::Agency, Some(XUHUI));
        let far_operator = actor(9, Role::Operator, Some(MINHANG));
        let far_agency = actor(10, Role::Agency, Some(MINHANG));
        let other_ent = actor(11, Role::Enterprise, Some(XUHUI));
        let bank = actor(12, Role::Bank, Some(XUHUI));
        let bureau = actor(5, Role::District, Some(XUHUI));
        let municipal = actor(2, Role::Municipal, None);
        let admin = Actor {
            admin: true,
            ..other_ent.clone()
        };
        for a in [&own_ent, &operator, &agency, &admin] {
            assert!(can_manage_patents(a, &ent), "{a:?}");
            assert!(can_manage_trademarks(a, &ent), "{a:?}");
        }
        for a in [
            &far_operator,
            &far_agency,
            &other_ent,
            &bank,
            &bureau,
            &municipal,
            &own_uni,
        ] {
            assert!(!can_manage_patents(a, &ent), "{a:?}");
            assert!(!can_manage_trademarks(a, &ent), "{a:?}");
        }
        // A university keeps its own portfolio: the district's operator and agencies do not.
        assert!(can_manage_patents(&own_uni, &uni));
        assert!(!can_manage_patents(&operator, &uni));
        assert!(!can_manage_patents(&agency, &uni));
        // Banks' own patents are not on the register, for anyone.
        assert!(!may_own_ip(OrgKind::Bank));
        assert!(!can_manage_patents(&admin, &bank_org));
        assert!(!can_manage_patents(
            &actor(43, Role::Bank, Some(XUHUI)),
            &bank_org
        ));
    }

    /// Issue 11: public facts for every logged-in user; fee state and cultivation notes internal.
    #[test]
    fn t6_who_reads_the_register_and_its_internal_facts() {
        let ent = OrgScope {
            id: 41,
            kind: OrgKind::Enterprise,
            district: Some(XUHUI),
        };
        assert!(!can_read_patent_register(None));
        assert!(can_read_patent_register(Some(&actor(
            12,
            Role::Bank,
            Some(MINHANG)
        ))));
        let co = [44];
        for a in [
            actor(41, Role::Enterprise, Some(XUHUI)),
            actor(44, Role::University, Some(MINHANG)),
            actor(7, Role::Operator, Some(XUHUI)),
            actor(8, Role::Agency, Some(XUHUI)),
            actor(5, Role::District, Some(XUHUI)),
            actor(2, Role::Municipal, None),
        ] {
            assert!(can_read_patent_private(&a, &ent, &co), "{a:?}");
        }
        for a in [
            actor(11, Role::Enterprise, Some(XUHUI)),
            actor(12, Role::Bank, Some(XUHUI)),
            actor(9, Role::Operator, Some(MINHANG)),
            actor(6, Role::District, Some(MINHANG)),
            actor(10, Role::Agency, Some(MINHANG)),
        ] {
            assert!(!can_read_patent_private(&a, &ent, &co), "{a:?}");
        }
    }

    /// T6 and K5: cultivation by the district's operator; populations and high-value settings by
    /// the municipal bureau.
    #[test]
    fn t6_k5_cultivation_population_and_settings_rights() {
        let operator = actor(7, Role::Operator, Some(XUHUI));
        assert!(can_mark_cultivation(&operator, Some(XUHUI)));
        assert!(!can_mark_cultivation(&operator, Some(MINHANG)));
        assert!(!can_mark_cultivation(&operator, None));
        assert!(!can_mark_cultivation(
            &actor(5, Role::District, Some(XUHUI)),
            Some(XUHUI)
        ));
        assert!(!can_mark_cultivation(
            &actor(41, Role::Enterprise, Some(XUHUI)),
            Some(XUHUI)
        ));
        let municipal = actor(2, Role::Municipal, None);
        assert!(can_set_population(&municipal));
        assert!(can_set_high_value_rules(&municipal));
        for a in [
            operator,
            actor(5, Role::District, Some(XUHUI)),
            actor(41, Role::Enterprise, Some(XUHUI)),
        ] {
            assert!(!can_set_population(&a), "{a:?}");
            assert!(!can_set_high_value_rules(&a), "{a:?}");
        }
    }

    /// T4, T8: who reads, creates, moves, pays on and files a deal.
    #[test]
    fn t4_deal_rights_follow_the_parties_agency_exchange_and_districts() {
        use crate::deal::Stage;
        let deal = DealParties {
            from_org_id: 3,
            to_org_id: 41,
            agency_org_id: Some(20),
            exchange_org_id: Some(30),
            district_from: Some(MINHANG),
            district_to: Some(XUHUI),
        };
        let university = actor(3, Role::University, Some(MINHANG));
        let sme = actor(41, Role::Enterprise, Some(XUHUI));
        let agency = actor(20, Role::Agency, Some(XUHUI));
        let other_agency = actor(21, Role::Agency, Some(XUHUI));
        let exchange = actor(30, Role::Exchange, None);
        let other_exchange = actor(31, Role::Exchange, None);
        let op_to = actor(7, Role::Operator, Some(XUHUI));
        let op_from = actor(8, Role::Operator, Some(MINHANG));
        let op_elsewhere = actor(9, Role::Operator, Some("310115"));
        let bureau_to = actor(5, Role::District, Some(XUHUI));
        let bureau_elsewhere = actor(6, Role::District, Some("310115"));
        let municipal = actor(2, Role::Municipal, None);
        let stranger = actor(50, Role::Enterprise, Some(XUHUI));
        let bank = actor(60, Role::Bank, Some(XUHUI));

        for a in [
            &university,
            &sme,
            &agency,
            &exchange,
            &op_to,
            &op_from,
            &bureau_to,
            &municipal,
        ] {
            assert!(can_read_deal(a, &deal), "{a:?} reads");
        }
        for a in [
            &other_agency,
            &other_exchange,
            &op_elsewhere,
            &bureau_elsewhere,
            &stranger,
            &bank,
        ] {
            assert!(!can_read_deal(a, &deal), "{a:?} does not read");
        }

        for a in [&university, &sme, &agency, &exchange, &op_to, &op_from] {
            assert!(can_create_deal(a, &deal), "{a:?} creates");
        }
        for a in [
            &other_agency,
            &other_exchange,
            &op_elsewhere,
            &bureau_to,
            &municipal,
            &stranger,
        ] {
            assert!(!can_create_deal(a, &deal), "{a:?} does not create");
        }
        // A party that is not an enterprise or university (a bank as party) does not create.
        assert!(!can_create_deal(
            &actor(3, Role::Bank, Some(MINHANG)),
            &deal
        ));

        for to in [Stage::Signed, Stage::Filed, Stage::Completed] {
            for a in [&university, &sme, &agency, &op_to, &op_from] {
                assert!(can_move_deal_stage(a, &deal, to), "{a:?} → {to:?}");
            }
            for a in [&exchange, &op_elsewhere, &bureau_to, &municipal, &stranger] {
                assert!(!can_move_deal_stage(a, &deal, to), "{a:?} ↛ {to:?}");
            }
        }
        assert!(can_move_deal_stage(&exchange, &deal, Stage::Settled));
        assert!(!can_move_deal_stage(&other_exchange, &deal, Stage::Settled));
        assert!(can_move_deal_stage(&op_to, &deal, Stage::Settled));
        for a in [&university, &sme, &op_to, &op_from] {
            assert!(
                can_move_deal_stage(a, &deal, Stage::Cancelled),
                "{a:?} cancels"
            );
        }
        for a in [&agency, &exchange, &bureau_to] {
            assert!(
                !can_move_deal_stage(a, &deal, Stage::Cancelled),
                "{a:?} does not cancel"
            );
        }
        assert!(!can_move_deal_stage(&university, &deal, Stage::Negotiating));

        for a in [&university, &sme, &op_to] {
            assert!(can_record_deal_payment(a, &deal));
        }
        for a in [&agency, &exchange, &op_elsewhere, &municipal] {
            assert!(
                !can_record_deal_payment(a, &deal),
                "{a:?} records no payment"
            );
        }
        for a in [&university, &sme, &agency, &op_from] {
            assert!(can_record_deal_filing(a, &deal));
        }
        for a in [&exchange, &other_agency, &bureau_to] {
            assert!(!can_record_deal_filing(a, &deal), "{a:?} records no filing");
        }
        assert!(can_overrule_deal_check(&op_to, &deal));
        assert!(can_overrule_deal_check(&op_from, &deal));
        for a in [&university, &sme, &agency, &op_elsewhere, &municipal] {
            assert!(
                !can_overrule_deal_check(a, &deal),
                "{a:?} does not overrule"
            );
        }

        // Off exchange, nobody is "the exchange".
        let off = DealParties {
            exchange_org_id: None,
            ..deal
        };
        assert!(!can_read_deal(&exchange, &off));
        assert!(!can_move_deal_stage(&exchange, &off, Stage::Settled));
    }

    /// T8: an enterprise or its district's operator records the enterprise's yearly figures.
    #[test]
    fn t8_annual_figures_by_the_enterprise_or_its_operator() {
        let org = OrgScope {
            id: 41,
            kind: OrgKind::Enterprise,
            district: Some(XUHUI),
        };
        assert!(can_record_annual(
            &actor(41, Role::Enterprise, Some(XUHUI)),
            &org
        ));
        assert!(can_record_annual(
            &actor(7, Role::Operator, Some(XUHUI)),
            &org
        ));
        assert!(!can_record_annual(
            &actor(8, Role::Operator, Some(MINHANG)),
            &org
        ));
        assert!(!can_record_annual(
            &actor(42, Role::Enterprise, Some(XUHUI)),
            &org
        ));
        assert!(!can_record_annual(
            &actor(5, Role::District, Some(XUHUI)),
            &org
        ));
        let university = OrgScope {
            id: 3,
            kind: OrgKind::University,
            district: Some(XUHUI),
        };
        assert!(!can_record_annual(
            &actor(3, Role::University, Some(XUHUI)),
            &university
        ));
        assert!(!can_record_annual(
            &actor(7, Role::Operator, Some(XUHUI)),
            &university
        ));
    }

    /// T5: banks publish their own products; the public reads published ones.
    #[test]
    fn t5_products_are_the_banks_own_and_public_once_published() {
        let bank = actor(7, Role::Bank, None);
        let other_bank = actor(8, Role::Bank, None);
        let ent = actor(41, Role::Enterprise, Some(XUHUI));
        assert!(can_publish_product(&bank));
        assert!(!can_publish_product(&ent));
        assert!(!can_publish_product(&actor(9, Role::Insurer, None)));
        assert!(can_edit_product(&bank, 7));
        assert!(!can_edit_product(&other_bank, 7));
        assert!(!can_edit_product(&ent, 7));
        assert!(can_read_product(None, 7, true));
        assert!(!can_read_product(None, 7, false));
        assert!(!can_read_product(Some(&ent), 7, false));
        assert!(!can_read_product(Some(&other_bank), 7, false));
        assert!(can_read_product(Some(&bank), 7, false));
    }

    fn pledge() -> PledgeScope<'static> {
        PledgeScope {
            pledgor_org_id: 41,
            pledgee_org_id: 7,
            district: Some(XUHUI),
        }
    }

    /// T5: the enterprise for itself, its district's operator on its behalf, the bank as pledgee.
    #[test]
    fn t5_who_applies_for_a_pledge() {
        let p = pledge();
        assert!(can_apply_pledge(
            &actor(41, Role::Enterprise, Some(XUHUI)),
            &p
        ));
        assert!(!can_apply_pledge(
            &actor(42, Role::Enterprise, Some(XUHUI)),
            &p
        ));
        assert!(can_apply_pledge(&actor(3, Role::Operator, Some(XUHUI)), &p));
        assert!(!can_apply_pledge(
            &actor(4, Role::Operator, Some(MINHANG)),
            &p
        ));
        assert!(can_apply_pledge(&actor(7, Role::Bank, None), &p));
        assert!(!can_apply_pledge(&actor(8, Role::Bank, None), &p));
        assert!(!can_apply_pledge(
            &actor(5, Role::District, Some(XUHUI)),
            &p
        ));
        assert!(!can_apply_pledge(&actor(9, Role::Municipal, None), &p));
    }

    /// T5: parties and the overseers of the pledgor's district read a pledge; nobody else.
    #[test]
    fn t5_who_reads_a_pledge() {
        let p = pledge();
        for ok in [
            actor(41, Role::Enterprise, Some(XUHUI)),
            actor(7, Role::Bank, None),
            actor(3, Role::Operator, Some(XUHUI)),
            actor(5, Role::District, Some(XUHUI)),
            actor(9, Role::Municipal, None),
        ] {
            assert!(can_read_pledge(&ok, &p), "{ok:?}");
        }
        for no in [
            actor(42, Role::Enterprise, Some(XUHUI)),
            actor(8, Role::Bank, None),
            actor(4, Role::Operator, Some(MINHANG)),
            actor(6, Role::District, Some(MINHANG)),
            actor(10, Role::Insurer, Some(XUHUI)),
        ] {
            assert!(!can_read_pledge(&no, &p), "{no:?}");
        }
    }

    /// T5: the pledgee moves its steps, the pledgor (or its operator) withdraws, either
    /// records the registration.
    #[test]
    fn t5_who_moves_which_stage() {
        use crate::pledge::Stage;
        let p = pledge();
        let bank = actor(7, Role::Bank, None);
        let other_bank = actor(8, Role::Bank, None);
        let pledgor = actor(41, Role::Enterprise, Some(XUHUI));
        let operator = actor(3, Role::Operator, Some(XUHUI));
        let far_operator = actor(4, Role::Operator, Some(MINHANG));
        let bureau = actor(5, Role::District, Some(XUHUI));
        for to in Stage::ALL {
            let bank_only = !matches!(to, Stage::Applied | Stage::Withdrawn | Stage::Registered);
            assert_eq!(
                can_move_pledge(&bank, &p, to),
                bank_only || to == Stage::Registered,
                "{to:?}"
            );
            assert_eq!(
                can_move_pledge(&pledgor, &p, to),
                !bank_only && to != Stage::Applied,
                "{to:?}"
            );
            assert_eq!(
                can_move_pledge(&operator, &p, to),
                !bank_only && to != Stage::Applied,
                "{to:?}"
            );
            assert!(!can_move_pledge(&other_bank, &p, to), "{to:?}");
            assert!(!can_move_pledge(&far_operator, &p, to), "{to:?}");
            assert!(!can_move_pledge(&bureau, &p, to), "{to:?}");
        }
        assert!(can_move_pledge(&bank, &p, Stage::Disbursed));
        assert!(!can_move_pledge(&pledgor, &p, Stage::Disbursed));
        assert!(!can_move_pledge(&bank, &p, Stage::Withdrawn));
        assert!(can_overrule_pledge_check(&bank, &p));
        assert!(can_overrule_pledge_check(&operator, &p));
        assert!(!can_overrule_pledge_check(&pledgor, &p));
        assert!(!can_overrule_pledge_check(&far_operator, &p));
    }

    /// T5: pipelines by district for the operator and district bureau, all for the city, a
    /// bank its book, an enterprise its own.
    #[test]
    fn t5_pledge_lists_by_role() {
        assert_eq!(
            pledge_list_scope(&actor(9, Role::Municipal, None)),
            PledgeListScope::All
        );
        assert_eq!(
            pledge_list_scope(&actor(3, Role::Operator, Some(XUHUI))),
            PledgeListScope::District(XUHUI.to_string())
        );
        assert_eq!(
            pledge_list_scope(&actor(5, Role::District, Some(MINHANG))),
            PledgeListScope::District(MINHANG.to_string())
        );
        assert_eq!(
            pledge_list_scope(&actor(7, Role::Bank, Some(XUHUI))),
            PledgeListScope::Pledgee(7)
        );
        assert_eq!(
            pledge_list_scope(&actor(41, Role::Enterprise, Some(XUHUI))),
            PledgeListScope::Pledgor(41)
        );
    }

    /// T5: insurers record their own policies; the insured and its district's overseers read them.
    #[test]
    fn t5_insurance_policies() {
        let insurer = actor(9, Role::Insurer, None);
        let p = PolicyScope {
            insurer_org_id: 9,
            insured_org_id: 41,
            district: Some(XUHUI),
        };
        assert!(can_record_policy(&insurer, 9));
        assert!(!can_record_policy(&insurer, 10));
        assert!(!can_record_policy(&actor(9, Role::Bank, None), 9));
        assert!(can_edit_policy(&insurer, &p));
        assert!(!can_edit_policy(
            &actor(41, Role::Enterprise, Some(XUHUI)),
            &p
        ));
        assert!(can_read_policy(&insurer, &p));
        assert!(can_read_policy(
            &actor(41, Role::Enterprise, Some(XUHUI)),
            &p
        ));
        assert!(can_read_policy(&actor(5, Role::District, Some(XUHUI)), &p));
        assert!(!can_read_policy(
            &actor(6, Role::District, Some(MINHANG)),
            &p
        ));
        assert!(!can_read_policy(&actor(10, Role::Insurer, None), &p));
        assert!(!can_read_policy(
            &actor(42, Role::Enterprise, Some(XUHUI)),
            &p
        ));
    }

    /// K6/T7: who builds surveys, who reads their results, and that answering needs no login.
    #[test]
    fn k6_surveys_are_built_by_operators_and_bureaus_and_read_by_their_overseers() {
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let xuhui = actor(5, Role::District, Some(XUHUI));
        let minhang = actor(6, Role::District, Some(MINHANG));
        let municipal = actor(9, Role::Municipal, None);
        let enterprise = actor(1, Role::Enterprise, Some(XUHUI));
        assert!(can_create_survey(&operator, Some(XUHUI)));
        assert!(!can_create_survey(&operator, Some(MINHANG)));
        assert!(!can_create_survey(&operator, None));
        assert!(can_create_survey(&xuhui, Some(XUHUI)));
        assert!(!can_create_survey(&xuhui, None));
        assert!(
            can_create_survey(&municipal, None) && can_create_survey(&municipal, Some(MINHANG))
        );
        assert!(!can_create_survey(&enterprise, Some(XUHUI)));
        // The operator's Xuhui survey: the operator, Xuhui's bureau and the municipal bureau read
        // its results; Minhang's bureau and an enterprise do not.
        assert!(can_read_survey_results(&operator, 7, Some(XUHUI)));
        assert!(can_read_survey_results(&xuhui, 7, Some(XUHUI)));
        assert!(can_read_survey_results(&municipal, 7, Some(XUHUI)));
        assert!(!can_read_survey_results(&minhang, 7, Some(XUHUI)));
        assert!(!can_read_survey_results(&enterprise, 7, Some(XUHUI)));
        // A city-wide survey of the municipal bureau: not for a district's operator.
        assert!(!can_read_survey_results(&operator, 9, None));
        assert!(can_read_survey_results(&municipal, 9, None));
        assert!(can_manage_survey(&operator, 7) && !can_manage_survey(&xuhui, 7));
        assert!(can_answer_survey(None) && can_answer_survey(Some(&enterprise)));
        assert!(can_read_event_rating(None) && can_read_event_rating(Some(&enterprise)));
    }

    /// K1–K6: bureaus see all districts and the city; an operator or district bureau its own.
    #[test]
    fn k_kpis_follow_the_district_view() {
        let municipal = actor(9, Role::Municipal, None);
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let xuhui = actor(5, Role::District, Some(XUHUI));
        assert!(can_read_kpis(&municipal, None) && can_read_kpis(&municipal, Some(MINHANG)));
        assert!(can_read_kpis(&operator, Some(XUHUI)) && can_read_kpis(&xuhui, Some(XUHUI)));
        assert!(!can_read_kpis(&operator, Some(MINHANG)) && !can_read_kpis(&xuhui, None));
        assert!(!can_read_kpis(
            &actor(1, Role::Enterprise, Some(XUHUI)),
            Some(XUHUI)
        ));
    }

    /// T3 (issue 14): operators run auctions; organisations bid; secrets stay with the parties.
    #[test]
    fn t3_auctions_are_run_by_their_operator_and_auctioneer() {
        let operator = actor(7, Role::Operator, Some(XUHUI));
        let other_operator = actor(8, Role::Operator, Some(XUHUI));
        let exchange = actor(20, Role::Exchange, None);
        let municipal = actor(9, Role::Municipal, None);
        let xuhui = actor(5, Role::District, Some(XUHUI));
        let session = AuctionScope {
            operator_org_id: 7,
            auctioneer_org_id: 20,
            district: Some(XUHUI),
        };
        assert!(can_create_auction(&operator));
        for a in [&exchange, &municipal, &xuhui] {
            assert!(!can_create_auction(a), "{a:?}");
        }
        assert!(can_manage_auction(&operator, &session));
        assert!(!can_manage_auction(&other_operator, &session));
        assert!(!can_manage_auction(&exchange, &session));
        assert!(can_confirm_auction_deposit(&exchange, &session));
        assert!(can_confirm_auction_deposit(&operator, &session));
        assert!(!can_confirm_auction_deposit(&other_operator, &session));
        assert!(!can_confirm_auction_deposit(&municipal, &session));
        assert!(can_see_auction_bidders(&exchange, &session));
        assert!(!can_see_auction_bidders(&xuhui, &session));
        let seller = actor(3, Role::University, Some(XUHUI));
        assert!(can_see_auction_reserve(&seller, &session, 3));
        assert!(!can_see_auction_reserve(&seller, &session, 4));
        assert!(!can_see_auction_reserve(&municipal, &session, 3));
    }

    #[test]
    fn t3_enterprises_universities_and_agencies_for_them_register_as_bidders() {
        let ent = actor(1, Role::Enterprise, Some(XUHUI));
        let uni = actor(2, Role::University, Some(XUHUI));
        let agency = actor(3, Role::Agency, Some(XUHUI));
        assert!(can_register_auction_bidder(&ent, None));
        assert!(can_register_auction_bidder(&uni, None));
        assert!(!can_register_auction_bidder(&ent, Some(Role::Enterprise)));
        assert!(!can_register_auction_bidder(&agency, None));
        assert!(can_register_auction_bidder(&agency, Some(Role::Enterprise)));
        assert!(can_register_auction_bidder(&agency, Some(Role::University)));
        assert!(!can_register_auction_bidder(&agency, Some(Role::Bank)));
        for role in [
            Role::Bank,
            Role::Insurer,
            Role::Exchange,
            Role::Operator,
            Role::District,
            Role::Municipal,
        ] {
            assert!(
                !can_register_auction_bidder(&actor(4, role, Some(XUHUI)), None),
                "{role:?}"
            );
        }
    }

    #[test]
    fn t3_the_winner_is_shown_after_the_close_to_the_parties_only() {
        let session = AuctionScope {
            operator_org_id: 7,
            auctioneer_org_id: 20,
            district: Some(XUHUI),
        };
        // Agency 30 bid for enterprise 31; university 3 sold.
        let result = |closed| LotResultScope {
            closed,
            winner_org_ids: &[30, 31],
            seller_org_id: 3,
        };
        let parties = [
            actor(7, Role::Operator, Some(XUHUI)),
            actor(20, Role::Exchange, None),
            actor(30, Role::Agency, Some(XUHUI)),
            actor(31, Role::Enterprise, Some(XUHUI)),
            actor(3, Role::University, Some(XUHUI)),
            actor(9, Role::Municipal, None),
            actor(5, Role::District, Some(XUHUI)),
        ];
        for a in &parties {
            assert!(can_see_auction_winner(a, &session, &result(true)), "{a:?}");
            assert!(
                !can_see_auction_winner(a, &session, &result(false)),
                "{a:?}"
            );
        }
        let outsiders = [
            actor(32, Role::Enterprise, Some(XUHUI)),
            actor(6, Role::District, Some(MINHANG)),
            actor(8, Role::Operator, Some(XUHUI)),
        ];
        for a in &outsiders {
            assert!(!can_see_auction_winner(a, &session, &result(true)), "{a:?}");
        }
        let unsold = LotResultScope {
            closed: true,
            winner_org_ids: &[],
            seller_org_id: 3,
        };
        assert!(!can_see_auction_winner(&parties[0], &session, &unsold));
    }
}
