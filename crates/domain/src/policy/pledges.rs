//! Pledge financing and IP insurance (T5): bank products, the pledge pipeline, policies.

use super::*;

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
