//! K3 and K4 counted from the deal ledger (issue 16; MISSION.md K3, K4): which deals count, in
//! which year, and how many patents and SMEs they give.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::deal::{DealKind, Stage};
use crate::org::{OrgKind, SizeClass};

/// What K3/K4 need of one deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealFact {
    pub deal_id: i64,
    pub kind: DealKind,
    pub stage: Stage,
    /// The effective date (the signing date when the contract names none).
    pub effective_on: Option<NaiveDate>,
    pub from_kind: OrgKind,
    pub to_org_id: i64,
    pub to_kind: OrgKind,
    pub to_size: Option<SizeClass>,
    /// Distinct patents in the deal (over all the deals a grouped fact stands for).
    pub patents: u32,
    /// The deals this fact stands for: 1 for one deal; more when the store has grouped deals
    /// alike in everything above but their ids and days within one year (the figures' fast path).
    pub deals: u32,
}

/// An SME in K3/K4's sense: an enterprise of medium, small or micro size (the size recorded in the
/// registry; an enterprise of unknown size is not counted).
pub fn is_sme(kind: OrgKind, size: Option<SizeClass>) -> bool {
    kind == OrgKind::Enterprise
        && matches!(
            size,
            Some(SizeClass::Medium | SizeClass::Small | SizeClass::Micro)
        )
}

/// K3: the year a deal counts in, if it counts — a transfer, licence or equity contribution,
/// signed or later and not cancelled, received by an SME, counted in its effective year.
pub fn k3_year(d: &DealFact) -> Option<i32> {
    // Every kind of deal (transfer, licence, equity contribution) counts.
    (d.stage.counts_as_deal() && is_sme(d.to_kind, d.to_size)).then_some(d.effective_on?.year())
}

/// K4: as K3, and the giving party is a university or research institute.
pub fn k4_year(d: &DealFact) -> Option<i32> {
    (d.from_kind == OrgKind::University)
        .then(|| k3_year(d))
        .flatten()
}

/// One year's K3/K4 figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DealYear {
    /// K3: patents, one per patent per deal.
    pub patents: u128,
    /// Beside K3: the contracts (deals) counted.
    pub contracts: u64,
    /// K4: distinct SMEs receiving from a university.
    pub smes_from_universities: u128,
}

/// K3/K4 per year over `facts` (e.g. the deals received by one district's organisations).
pub fn k3_k4_by_year<'a>(facts: impl IntoIterator<Item = &'a DealFact>) -> BTreeMap<i32, DealYear> {
    let mut out: BTreeMap<i32, DealYear> = BTreeMap::new();
    let mut smes: BTreeMap<i32, BTreeSet<i64>> = BTreeMap::new();
    for d in facts {
        if let Some(y) = k3_year(d) {
            let e = out.entry(y).or_default();
            e.patents += u128::from(d.patents);
            e.contracts += u64::from(d.deals);
        }
        if let Some(y) = k4_year(d) {
            smes.entry(y).or_default().insert(d.to_org_id);
        }
    }
    for (y, set) in smes {
        out.entry(y).or_default().smes_from_universities = set.len() as u128;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: i64, to: i64) -> DealFact {
        DealFact {
            deal_id: id,
            kind: DealKind::Licence,
            stage: Stage::Signed,
            effective_on: NaiveDate::from_ymd_opt(2022, 5, 1),
            from_kind: OrgKind::University,
            to_org_id: to,
            to_kind: OrgKind::Enterprise,
            to_size: Some(SizeClass::Small),
            patents: 2,
            deals: 1,
        }
    }

    #[test]
    fn k3_counts_patents_per_deal_and_k4_distinct_smes_from_universities() {
        let a = fact(1, 10);
        let b = DealFact {
            deal_id: 2,
            patents: 3,
            ..fact(2, 10)
        };
        let c = DealFact {
            from_kind: OrgKind::Enterprise,
            ..fact(3, 11)
        };
        let y = k3_k4_by_year([&a, &b, &c]);
        assert_eq!(
            y[&2022],
            DealYear {
                patents: 7,
                contracts: 3,
                smes_from_universities: 1
            }
        );
        // The same deals grouped as the store's fast path gives them: the same figures.
        let ab = DealFact {
            patents: 5,
            deals: 2,
            ..fact(1, 10)
        };
        assert_eq!(k3_k4_by_year([&ab, &c]), y);
    }

    #[test]
    fn k3_leaves_out_unsigned_cancelled_large_and_unknown_size_and_counts_the_effective_year() {
        for d in [
            DealFact {
                stage: Stage::Negotiating,
                ..fact(1, 1)
            },
            DealFact {
                stage: Stage::Cancelled,
                ..fact(1, 1)
            },
            DealFact {
                to_size: Some(SizeClass::Large),
                ..fact(1, 1)
            },
            DealFact {
                to_size: None,
                ..fact(1, 1)
            },
            DealFact {
                to_kind: OrgKind::University,
                ..fact(1, 1)
            },
            DealFact {
                effective_on: None,
                ..fact(1, 1)
            },
        ] {
            assert_eq!(k3_year(&d), None, "{d:?}");
            assert_eq!(k4_year(&d), None, "{d:?}");
        }
        for stage in [
            Stage::Signed,
            Stage::Settled,
            Stage::Filed,
            Stage::Completed,
        ] {
            let d = DealFact {
                stage,
                effective_on: NaiveDate::from_ymd_opt(2023, 1, 1),
                ..fact(1, 1)
            };
            assert_eq!(k3_year(&d), Some(2023));
        }
    }
}
