//! Contact requests between the owners of a suggested demand–supply pair (T3, issue 18): who
//! asks, who answers, who sees the contacts, who turns the pair into a deal lead.

use super::*;
use crate::matching::contact::ContactState;

/// A suggested pair, for policy: the owners and districts of its two listings, and its request
/// (the organisation that asked and the state) once there is one.
#[derive(Debug, Clone, Copy)]
pub struct ContactPair<'a> {
    pub demand_owner: i64,
    pub supply_owner: i64,
    pub demand_district: &'a str,
    pub supply_district: &'a str,
    pub requested_by: Option<i64>,
    pub state: Option<ContactState>,
}

fn pair_party(actor: &Actor, pair: &ContactPair) -> bool {
    actor.org_id == pair.demand_owner || actor.org_id == pair.supply_owner
}

/// The cluster operator of either listing's district: a pair across districts is brokered by
/// either cluster (as deals are).
fn pair_operator(actor: &Actor, pair: &ContactPair) -> bool {
    actor.role == Role::Operator
        && (actor.same_district(Some(pair.demand_district))
            || actor.same_district(Some(pair.supply_district)))
}

/// T3 (issue 18): the owner of one listing of the pair asks the other for contact; an
/// organisation owning both listings has nobody to ask.
pub fn can_request_contact(actor: &Actor, pair: &ContactPair) -> bool {
    pair.demand_owner != pair.supply_owner && pair_party(actor, pair)
}

/// T3 (issue 18): the side that was asked accepts or declines; the asker cannot answer itself.
pub fn can_answer_contact_request(actor: &Actor, pair: &ContactPair) -> bool {
    pair_party(actor, pair) && pair.requested_by.is_some_and(|by| by != actor.org_id)
}

/// T3 (issue 18): a request is seen by the two owners, the cluster operator of either district
/// and administrators; no other organisation learns that a pair was asked about.
pub fn can_see_contact_request(actor: &Actor, pair: &ContactPair) -> bool {
    actor.admin || pair_party(actor, pair) || pair_operator(actor, pair)
}

/// T3 (issue 18): the contacts are shown unmasked only once both sides agreed, to the two owners
/// (each the other's), the operator of either district (who follows the pair up) and
/// administrators. Until then they are masked as on the public site.
pub fn can_see_exchanged_contacts(actor: &Actor, pair: &ContactPair) -> bool {
    pair.state == Some(ContactState::Accepted) && can_see_contact_request(actor, pair)
}

/// T3 (issue 18): the cluster operator of either district turns an exchanged pair into a deal
/// lead (the state itself is checked by `matching::contact::check_lead`).
pub fn can_make_lead_from_contacts(actor: &Actor, pair: &ContactPair) -> bool {
    actor.admin || pair_operator(actor, pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XUHUI: &str = "310104";
    const MINHANG: &str = "310112";
    const PUDONG: &str = "310115";

    fn actor(org_id: i64, role: Role, district: &str) -> Actor {
        Actor {
            user_id: org_id * 10,
            org_id,
            role,
            district: Some(district.to_string()),
            admin: false,
        }
    }

    /// Enterprise 1 (Xuhui) owns the demand, university 2 (Minhang) the supply.
    fn pair(requested_by: Option<i64>, state: Option<ContactState>) -> ContactPair<'static> {
        ContactPair {
            demand_owner: 1,
            supply_owner: 2,
            demand_district: XUHUI,
            supply_district: MINHANG,
            requested_by,
            state,
        }
    }

    #[test]
    fn issue18_t3_only_an_owner_of_the_pair_asks_for_contact() {
        let p = pair(None, None);
        assert!(can_request_contact(&actor(1, Role::Enterprise, XUHUI), &p));
        assert!(can_request_contact(
            &actor(2, Role::University, MINHANG),
            &p
        ));
        // A third organisation, even of the same district, and the operator do not ask.
        assert!(!can_request_contact(&actor(3, Role::Enterprise, XUHUI), &p));
        assert!(!can_request_contact(&actor(4, Role::Operator, XUHUI), &p));
        // Both listings one's own: nobody to ask.
        let own = ContactPair {
            supply_owner: 1,
            ..p
        };
        assert!(!can_request_contact(
            &actor(1, Role::Enterprise, XUHUI),
            &own
        ));
    }

    #[test]
    fn issue18_t3_the_side_asked_answers_not_the_asker() {
        let p = pair(Some(1), Some(ContactState::Requested));
        assert!(can_answer_contact_request(
            &actor(2, Role::University, MINHANG),
            &p
        ));
        assert!(!can_answer_contact_request(
            &actor(1, Role::Enterprise, XUHUI),
            &p
        ));
        assert!(!can_answer_contact_request(
            &actor(3, Role::Enterprise, MINHANG),
            &p
        ));
        assert!(!can_answer_contact_request(
            &actor(4, Role::Operator, MINHANG),
            &p
        ));
    }

    #[test]
    fn issue18_t3_contacts_are_unmasked_for_the_pair_only_once_both_agreed() {
        let asked = pair(Some(1), Some(ContactState::Requested));
        let agreed = pair(Some(1), Some(ContactState::Accepted));
        let declined = pair(Some(1), Some(ContactState::Declined));
        for a in [
            actor(1, Role::Enterprise, XUHUI),
            actor(2, Role::University, MINHANG),
        ] {
            assert!(can_see_contact_request(&a, &asked));
            assert!(!can_see_exchanged_contacts(&a, &asked));
            assert!(!can_see_exchanged_contacts(&a, &declined));
            assert!(can_see_exchanged_contacts(&a, &agreed));
        }
        // A third organisation sees nothing of the pair, not even that it was asked about.
        let third = actor(3, Role::Enterprise, XUHUI);
        assert!(!can_see_contact_request(&third, &agreed));
        assert!(!can_see_exchanged_contacts(&third, &agreed));
        // The operator of either district follows the pair; another district's does not.
        for op in [
            actor(4, Role::Operator, XUHUI),
            actor(5, Role::Operator, MINHANG),
        ] {
            assert!(can_see_contact_request(&op, &asked));
            assert!(can_see_exchanged_contacts(&op, &agreed));
        }
        assert!(!can_see_contact_request(
            &actor(6, Role::Operator, PUDONG),
            &agreed
        ));
        // A bureau oversees figures, not who asked whom.
        assert!(!can_see_contact_request(
            &actor(7, Role::District, XUHUI),
            &agreed
        ));
    }

    #[test]
    fn issue18_t3_the_district_operator_turns_an_exchange_into_a_lead() {
        let agreed = pair(Some(1), Some(ContactState::Accepted));
        assert!(can_make_lead_from_contacts(
            &actor(4, Role::Operator, XUHUI),
            &agreed
        ));
        assert!(can_make_lead_from_contacts(
            &actor(5, Role::Operator, MINHANG),
            &agreed
        ));
        assert!(!can_make_lead_from_contacts(
            &actor(6, Role::Operator, PUDONG),
            &agreed
        ));
        assert!(!can_make_lead_from_contacts(
            &actor(1, Role::Enterprise, XUHUI),
            &agreed
        ));
        assert!(!can_make_lead_from_contacts(
            &actor(2, Role::University, MINHANG),
            &agreed
        ));
        assert!(!can_make_lead_from_contacts(
            &actor(7, Role::District, XUHUI),
            &agreed
        ));
    }
}
