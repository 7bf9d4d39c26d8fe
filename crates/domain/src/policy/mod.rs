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

/// The operator reads its own; the district bureau of the park's district reads those of its
/// district, drafts included (the cluster is built under its guidance, so it guides the draft);
/// once submitted, the municipal bureau reads all. Other parks, even in the same district, do not.
pub fn can_read_application(actor: &Actor, app: &ApplicationScope) -> bool {
    if actor.admin || actor.org_id == app.operator_org_id {
        return true;
    }
    match actor.role {
        Role::District => actor.same_district(app.district),
        Role::Municipal => !app.draft,
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

/// The district bureau of the park's district comments, on drafts too (its guidance before
/// submission); the reviewers comment once it is submitted.
pub fn can_comment_application(actor: &Actor, app: &ApplicationScope) -> bool {
    actor.role == Role::District && actor.same_district(app.district)
        || !app.draft && can_review_application(actor)
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

/// T2 (issue 18): a listing's contact is shown in full only to its owner, the overseers of its
/// district (the municipal bureau, the district bureau and cluster operator there),
/// administrators, and an organisation that exchanged contacts with the owner over it (both
/// sides agreed to a contact request, `exchanged`). Everyone else, visitors and logged-in
/// users alike, sees it masked (`张**`, `138****5678`): 感兴趣 is how they ask for it.
pub fn can_see_listing_contacts(actor: Option<&Actor>, l: &ListingScope, exchanged: bool) -> bool {
    actor.is_some_and(|a| {
        a.admin || a.org_id == l.owner_org_id || a.oversees(Some(l.district)) || exchanged
    })
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

/// T3: a listing's match suggestions are for its owner and for cluster operators (any district's
/// public listings: an operator brokers across districts), and never for a listing the actor may
/// not read (a draft, or another district's listing under review): the reasons show its content.
pub fn can_see_matches(actor: &Actor, l: &ListingScope) -> bool {
    can_read_listing(Some(actor), l)
        && (actor.org_id == l.owner_org_id
            || can_moderate_listing(actor, l.district)
            || actor.role == Role::Operator)
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
/// Import a patents file at all: those who may manage someone's patents (the owners, the
/// operators and agencies for their district's enterprises, an administrator). Each row is still
/// checked by [`can_manage_patents`]; this refuses the others before their file is read.
pub fn can_import_patents(actor: &Actor) -> bool {
    actor.admin
        || matches!(
            actor.role,
            Role::Enterprise | Role::University | Role::Operator | Role::Agency
        )
}

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

mod bureau_reports;
mod deals;
mod match_contacts;
mod pledges;
mod programmes;
mod registrations;
#[cfg(test)]
mod tests;

pub use bureau_reports::*;
pub use deals::*;
pub use match_contacts::*;
pub use pledges::*;
pub use programmes::*;
pub use registrations::*;
