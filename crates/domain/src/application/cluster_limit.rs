//! A5 across applications, defined once: "one agency takes part in at most
//! [`MAX_CLUSTER_PROJECTS`] cluster projects" of a round. Which applications count
//! ([`AppStatus::counts_for_a5`]: submitted and not rejected), which agencies an application names
//! ([`agencies`]), which other applications name an agency ([`clusters_of`]) and when that is one
//! too many ([`over_limit`]).
//!
//! The evaluation ([`super::rules::a5`]), the submission check ([`check_cluster_limit`]) and the
//! store's query of the other applications (which binds [`counted_statuses`]) all use these.

use super::{AppStatus, Application, OtherApplication, PartnerKind, Refusal};
use crate::code::Code;
use crate::ident::Uscc;

/// A5: one agency takes part in at most this many cluster projects per round.
pub const MAX_CLUSTER_PROJECTS: usize = 2;

impl AppStatus {
    /// Counts toward an agency's limit: everything submitted and not rejected.
    pub fn counts_for_a5(self) -> bool {
        matches!(
            self,
            AppStatus::Submitted
                | AppStatus::UnderReview
                | AppStatus::Returned
                | AppStatus::Approved
        )
    }
}

/// The statuses that count toward the limit, for the store's query.
pub fn counted_statuses() -> Vec<AppStatus> {
    AppStatus::ALL
        .into_iter()
        .filter(|s| s.counts_for_a5())
        .collect()
}

/// The agencies an application names, distinct by USCC and sorted by it: (USCC, name).
pub fn agencies(app: &Application) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = app
        .partners
        .iter()
        .filter(|p| p.kind == PartnerKind::Agency)
        .map(|p| (p.uscc.to_string(), p.name.clone()))
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// The canonical form of a USCC as stored elsewhere (falls back to the trimmed, uppercased text).
fn canonical_uscc(s: &str) -> String {
    Uscc::parse(s)
        .map(|u| u.as_str().to_string())
        .unwrap_or_else(|_| s.trim().to_uppercase())
}

/// The other applications naming the agency `uscc`, once each, in the order given.
pub fn clusters_of(uscc: &str, others: &[OtherApplication]) -> Vec<OtherApplication> {
    let uscc = canonical_uscc(uscc);
    let mut found: Vec<OtherApplication> = Vec::new();
    for o in others {
        if canonical_uscc(&o.agency_uscc) == uscc && !found.iter().any(|x| x.id == o.id) {
            found.push(o.clone());
        }
    }
    found
}

/// With this many other projects already, one more would exceed the limit.
pub fn over_limit(other_projects: usize) -> bool {
    other_projects >= MAX_CLUSTER_PROJECTS
}

/// Submitting must not make any agency exceed the limit: `others` are the round's other
/// applications that count (see [`counted_statuses`]) with the agencies they name.
pub fn check_cluster_limit(app: &Application, others: &[OtherApplication]) -> Result<(), Refusal> {
    for (uscc, name) in agencies(app) {
        let theirs = clusters_of(&uscc, others);
        if over_limit(theirs.len()) {
            let list = theirs
                .iter()
                .map(|o| format!("第 {} 号（{}）", o.id, o.park_name))
                .collect::<Vec<_>>()
                .join("、");
            return Err(Refusal {
                code: Code::AgencyClusterLimit,
                field: Some("partners"),
                message: format!(
                    "服务机构“{name}”（{uscc}）已参与本轮 {list} 共 {} 个集聚区申报，每家服务机构最多参与 {MAX_CLUSTER_PROJECTS} 个集聚区项目（A5）",
                    theirs.len()
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{ApplicationInput, PartnerInput, check_input};
    use crate::ident::uscc_check_char;

    fn uscc(n: u32) -> String {
        let first17 = format!("91310104MA1{n:06}");
        format!("{first17}{}", uscc_check_char(&first17).unwrap())
    }

    fn with_agencies(ns: &[u32]) -> Application {
        check_input(&ApplicationInput {
            round_year: Some(2021),
            partners: ns
                .iter()
                .map(|n| PartnerInput {
                    kind: Some("agency".into()),
                    name: Some(format!("代理所{n}")),
                    uscc: Some(uscc(*n)),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .unwrap()
    }

    fn other(id: i64, n: u32) -> OtherApplication {
        OtherApplication {
            id,
            park_name: format!("园区{id}"),
            agency_uscc: uscc(n),
        }
    }

    #[test]
    fn the_statuses_that_count_are_the_submitted_ones_not_rejected() {
        use AppStatus::*;
        assert_eq!(
            counted_statuses(),
            [Submitted, UnderReview, Returned, Approved]
        );
    }

    #[test]
    fn agencies_are_distinct_and_sorted() {
        let a = with_agencies(&[9, 3, 9]);
        let got: Vec<String> = agencies(&a).into_iter().map(|(u, _)| u).collect();
        assert_eq!(got, [uscc(3), uscc(9)]);
    }

    #[test]
    fn a_third_project_is_refused_naming_the_other_two() {
        let app = with_agencies(&[1, 2]);
        assert!(check_cluster_limit(&app, &[other(10, 1), other(11, 2)]).is_ok());
        // The same application listed twice for one agency counts once.
        assert!(check_cluster_limit(&app, &[other(10, 1), other(10, 1)]).is_ok());
        let e = check_cluster_limit(&app, &[other(10, 1), other(12, 1)]).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            (Code::AgencyClusterLimit, Some("partners"))
        );
        assert!(
            e.message.contains("代理所1")
                && e.message.contains("第 10 号（园区10）")
                && e.message.contains("第 12 号（园区12）"),
            "{}",
            e.message
        );
    }
}
