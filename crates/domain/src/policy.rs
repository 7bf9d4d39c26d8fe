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

/// Accounts, tokens of others and the audit log are for administrators.
pub fn can_administer(actor: &Actor) -> bool {
    actor.admin
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
