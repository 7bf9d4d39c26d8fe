//! T8: the yearly package to the municipal bureau (issue 16).

use super::*;

/// The cluster operator of a district writes its sections and submits its package; nobody else
/// submits for a cluster (a district bureau reads, the municipal bureau reviews).
pub fn can_submit_bureau_report(actor: &Actor, district: &str) -> bool {
    actor.role == Role::Operator && actor.same_district(Some(district))
}

/// The package, its drafts and its state: the municipal bureau every district, a district bureau
/// and the cluster operator their own ([`can_read_kpis`]).
pub fn can_read_bureau_report(actor: &Actor, district: &str) -> bool {
    can_read_kpis(actor, Some(district))
}

/// Only the municipal bureau reviews packages (accept, return) and sets the yearly deadline.
pub fn can_review_bureau_report(actor: &Actor) -> bool {
    actor.role == Role::Municipal
}

/// The list of all districts' packages: the municipal bureau.
pub fn can_list_bureau_reports(actor: &Actor) -> bool {
    actor.admin || actor.role == Role::Municipal
}

#[cfg(test)]
mod t8_tests {
    use super::*;

    fn actor(role: Role, district: Option<&str>) -> Actor {
        Actor {
            user_id: 1,
            org_id: 1,
            role,
            district: district.map(str::to_string),
            admin: false,
        }
    }

    #[test]
    fn t8_operator_submits_own_district_bureau_reviews_others_read_or_nothing() {
        let op = actor(Role::Operator, Some("310104"));
        let db = actor(Role::District, Some("310104"));
        let mb = actor(Role::Municipal, None);
        let ent = actor(Role::Enterprise, Some("310104"));
        assert!(can_submit_bureau_report(&op, "310104"));
        assert!(!can_submit_bureau_report(&op, "310112"));
        assert!(!can_submit_bureau_report(&db, "310104"));
        assert!(!can_submit_bureau_report(&mb, "310104"));
        assert!(can_read_bureau_report(&db, "310104") && can_read_bureau_report(&op, "310104"));
        assert!(!can_read_bureau_report(&db, "310112"));
        assert!(can_read_bureau_report(&mb, "310112"));
        assert!(!can_read_bureau_report(&ent, "310104"));
        assert!(can_review_bureau_report(&mb));
        assert!(!can_review_bureau_report(&db) && !can_review_bureau_report(&op));
        assert!(can_list_bureau_reports(&mb) && !can_list_bureau_reports(&db));
    }
}
