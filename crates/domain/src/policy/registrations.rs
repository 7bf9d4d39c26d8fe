//! Self-registration (issue 18): who approves a self-registered organisation, and what an
//! organisation may do before it is approved.

use super::*;
use crate::registration::Approval;

/// Who decides on a self-registered organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver<'a> {
    /// The cluster operator of this district (the parties it serves there).
    DistrictOperator(&'a str),
    /// The municipal bureau (financial and trading institutions, and anything without a district).
    MunicipalBureau,
}

/// Enterprises, universities and research institutes, and service agencies are approved by the
/// cluster operator of their district; banks, exchanges, insurers and bureau-like kinds by the
/// municipal bureau (they serve the whole city).
pub fn registration_approver(kind: OrgKind, district: Option<&str>) -> Approver<'_> {
    match (kind, district) {
        (OrgKind::Enterprise | OrgKind::University | OrgKind::Agency, Some(d)) => {
            Approver::DistrictOperator(d)
        }
        _ => Approver::MunicipalBureau,
    }
}

/// May `actor` approve or reject the registration of an organisation of `kind` in `district`?
/// Its approver, and administrators.
pub fn can_decide_registration(actor: &Actor, kind: OrgKind, district: Option<&str>) -> bool {
    if actor.admin {
        return true;
    }
    match registration_approver(kind, district) {
        Approver::DistrictOperator(d) => {
            actor.role == Role::Operator && actor.same_district(Some(d))
        }
        Approver::MunicipalBureau => actor.role == Role::Municipal,
    }
}

/// May `actor` see the list of registrations at all (each one is still checked with
/// [`can_decide_registration`])? Cluster operators, the municipal bureau, administrators.
pub fn can_list_registrations(actor: &Actor) -> bool {
    actor.admin || matches!(actor.role, Role::Operator | Role::Municipal)
}

/// Until its registration is approved an organisation drafts, but submits nothing for review or
/// publication (listings, products, auctions): the public sees only approved organisations'.
pub fn may_go_public(approval: Approval) -> bool {
    approval == Approval::Approved
}

/// The reason a pending or rejected organisation is refused (403), for pages and the API.
pub fn not_approved_reason(approval: Approval) -> Option<&'static str> {
    match approval {
        Approval::Approved => None,
        Approval::Pending => Some("本单位注册尚待审核，审核通过后方可提交"),
        Approval::Rejected => {
            Some("本单位注册未通过审核，不能提交；请按审核意见修改后联系所在区集聚区运营方")
        }
    }
}

#[cfg(test)]
mod issue18_tests {
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

    const XUHUI: &str = "310104";
    const MINHANG: &str = "310112";

    #[test]
    fn issue18_the_district_operator_approves_enterprises_universities_agencies() {
        for kind in [OrgKind::Enterprise, OrgKind::University, OrgKind::Agency] {
            assert_eq!(
                registration_approver(kind, Some(XUHUI)),
                Approver::DistrictOperator(XUHUI)
            );
            assert!(can_decide_registration(
                &actor(Role::Operator, Some(XUHUI)),
                kind,
                Some(XUHUI)
            ));
            assert!(!can_decide_registration(
                &actor(Role::Operator, Some(MINHANG)),
                kind,
                Some(XUHUI)
            ));
            assert!(!can_decide_registration(
                &actor(Role::Municipal, None),
                kind,
                Some(XUHUI)
            ));
            assert!(!can_decide_registration(
                &actor(Role::District, Some(XUHUI)),
                kind,
                Some(XUHUI)
            ));
        }
    }

    #[test]
    fn issue18_the_municipal_bureau_approves_banks_exchanges_insurers() {
        for kind in [
            OrgKind::Bank,
            OrgKind::Exchange,
            OrgKind::Insurer,
            OrgKind::DistrictBureau,
            OrgKind::MunicipalBureau,
            OrgKind::ParkOperator,
        ] {
            assert_eq!(
                registration_approver(kind, Some(XUHUI)),
                Approver::MunicipalBureau
            );
            assert!(can_decide_registration(
                &actor(Role::Municipal, None),
                kind,
                Some(XUHUI)
            ));
            assert!(!can_decide_registration(
                &actor(Role::Operator, Some(XUHUI)),
                kind,
                Some(XUHUI)
            ));
        }
        // Without a district nobody but the bureau can be the approver.
        assert_eq!(
            registration_approver(OrgKind::Enterprise, None),
            Approver::MunicipalBureau
        );
        let admin = Actor {
            admin: true,
            ..actor(Role::Enterprise, None)
        };
        assert!(can_decide_registration(&admin, OrgKind::Bank, None));
    }

    #[test]
    fn issue18_only_approvers_list_registrations() {
        assert!(can_list_registrations(&actor(Role::Operator, Some(XUHUI))));
        assert!(can_list_registrations(&actor(Role::Municipal, None)));
        for role in [
            Role::Enterprise,
            Role::Bank,
            Role::District,
            Role::University,
        ] {
            assert!(!can_list_registrations(&actor(role, Some(XUHUI))));
        }
    }

    #[test]
    fn issue18_a_pending_or_rejected_organisation_cannot_go_public() {
        assert!(may_go_public(Approval::Approved));
        assert!(!may_go_public(Approval::Pending));
        assert!(!may_go_public(Approval::Rejected));
        assert_eq!(
            not_approved_reason(Approval::Pending),
            Some("本单位注册尚待审核，审核通过后方可提交")
        );
        assert_eq!(not_approved_reason(Approval::Approved), None);
    }
}
