//! How long pledges take, step by step, so a page shows where the slow step is (T5); and which
//! pledges count for K1 (amount) and K2 (count), in which year, with which amount.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::stage::{Stage, StageEntry, applied_amount, approved_amount, date_of};
use crate::money::Fen;

/// A named span between two stages. The slugs are the keys of `cycle_days` in
/// `GET /api/v1/pledges/{id}` (`{"applied_to_registered": 31, …}`).
///
/// The five *steps* follow each other along the main path (the time spent in one stage before the
/// next); the others are *totals* across several steps. `applied_to_due_diligence` is a total
/// so that pledges with and without an appraisal compare on the same footing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    AppliedToAppraisal,
    AppraisalToDueDiligence,
    DueDiligenceToApproved,
    ApprovedToRegistered,
    RegisteredToDisbursed,
    AppliedToDueDiligence,
    AppliedToRegistered,
    AppliedToDisbursed,
}

impl Span {
    pub const ALL: [Span; 8] = [
        Span::AppliedToAppraisal,
        Span::AppraisalToDueDiligence,
        Span::DueDiligenceToApproved,
        Span::ApprovedToRegistered,
        Span::RegisteredToDisbursed,
        Span::AppliedToDueDiligence,
        Span::AppliedToRegistered,
        Span::AppliedToDisbursed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Span::AppliedToAppraisal => "applied_to_appraisal",
            Span::AppraisalToDueDiligence => "appraisal_to_due_diligence",
            Span::DueDiligenceToApproved => "due_diligence_to_approved",
            Span::ApprovedToRegistered => "approved_to_registered",
            Span::RegisteredToDisbursed => "registered_to_disbursed",
            Span::AppliedToDueDiligence => "applied_to_due_diligence",
            Span::AppliedToRegistered => "applied_to_registered",
            Span::AppliedToDisbursed => "applied_to_disbursed",
        }
    }

    pub fn parse(s: &str) -> Option<Span> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Span::AppliedToAppraisal => "受理至开始评估",
            Span::AppraisalToDueDiligence => "价值评估",
            Span::DueDiligenceToApproved => "尽职调查与审批",
            Span::ApprovedToRegistered => "办理质押登记",
            Span::RegisteredToDisbursed => "登记至放款",
            Span::AppliedToDueDiligence => "申请至尽职调查",
            Span::AppliedToRegistered => "申请至质押登记",
            Span::AppliedToDisbursed => "申请至放款",
        }
    }

    pub fn from(self) -> Stage {
        match self {
            Span::AppliedToAppraisal
            | Span::AppliedToDueDiligence
            | Span::AppliedToRegistered
            | Span::AppliedToDisbursed => Stage::Applied,
            Span::AppraisalToDueDiligence => Stage::Appraisal,
            Span::DueDiligenceToApproved => Stage::DueDiligence,
            Span::ApprovedToRegistered => Stage::Approved,
            Span::RegisteredToDisbursed => Stage::Registered,
        }
    }

    pub fn to(self) -> Stage {
        match self {
            Span::AppliedToAppraisal => Stage::Appraisal,
            Span::AppraisalToDueDiligence | Span::AppliedToDueDiligence => Stage::DueDiligence,
            Span::DueDiligenceToApproved => Stage::Approved,
            Span::ApprovedToRegistered | Span::AppliedToRegistered => Stage::Registered,
            Span::RegisteredToDisbursed | Span::AppliedToDisbursed => Stage::Disbursed,
        }
    }

    /// One step of the main path (not a total).
    pub fn is_step(self) -> bool {
        !matches!(
            self,
            Span::AppliedToDueDiligence | Span::AppliedToRegistered | Span::AppliedToDisbursed
        )
    }
}

/// The days one pledge spent on a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CycleSpan {
    pub span: Span,
    pub from: Stage,
    pub to: Stage,
    /// Calendar days from the first stage's date to the second's (same day = 0).
    pub days: i64,
}

/// The spans a pledge has gone through (both ends reached), in [`Span::ALL`] order.
pub fn cycle_days(history: &[StageEntry]) -> Vec<CycleSpan> {
    Span::ALL
        .into_iter()
        .filter_map(|span| {
            let from = date_of(history, span.from())?;
            let to = date_of(history, span.to())?;
            Some(CycleSpan {
                span,
                from: span.from(),
                to: span.to(),
                days: (to - from).num_days(),
            })
        })
        .collect()
}

/// [`cycle_days`] as the API answers it: `{"applied_to_registered": 31, …}`.
pub fn cycle_days_map(history: &[StageEntry]) -> BTreeMap<&'static str, i64> {
    cycle_days(history)
        .into_iter()
        .map(|c| (c.span.slug(), c.days))
        .collect()
}

/// One span over many pledges (those that went through it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanStats {
    pub span: Span,
    pub count: usize,
    /// The middle value; the mean of the two middle values for an even count.
    pub median_days: Option<f64>,
    /// Rounded to one decimal.
    pub mean_days: Option<f64>,
    pub max_days: Option<i64>,
}

/// Median, mean and maximum days per span over `histories` (e.g. one bank's or one district's
/// pledges), every span in [`Span::ALL`] order, `None` figures where no pledge went through it.
pub fn aggregate_cycles<'a>(
    histories: impl IntoIterator<Item = &'a [StageEntry]>,
) -> Vec<SpanStats> {
    let mut days: BTreeMap<Span, Vec<i64>> = BTreeMap::new();
    for h in histories {
        for c in cycle_days(h) {
            days.entry(c.span).or_default().push(c.days);
        }
    }
    Span::ALL
        .into_iter()
        .map(|span| {
            let mut v = days.remove(&span).unwrap_or_default();
            v.sort_unstable();
            let n = v.len();
            let median = (n > 0).then(|| {
                if n % 2 == 1 {
                    v[n / 2] as f64
                } else {
                    (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
                }
            });
            let mean = (n > 0).then(|| {
                let sum: i64 = v.iter().sum();
                (sum as f64 / n as f64 * 10.0).round() / 10.0
            });
            SpanStats {
                span,
                count: n,
                median_days: median,
                mean_days: mean,
                max_days: v.last().copied(),
            }
        })
        .collect()
}

/// The step (not a total) with the longest median; the earlier step on a tie. `None` when no
/// pledge has finished any step.
pub fn slowest_step(stats: &[SpanStats]) -> Option<Span> {
    let mut best: Option<(Span, f64)> = None;
    for s in stats.iter().filter(|s| s.span.is_step()) {
        if let Some(m) = s.median_days
            && best.is_none_or(|(_, b)| m > b)
        {
            best = Some((s.span, m));
        }
    }
    best.map(|(s, _)| s)
}

/// The secured amount of a pledge (K1): the amount approved, else the amount applied for.
pub fn secured_amount(history: &[StageEntry]) -> Option<Fen> {
    approved_amount(history).or_else(|| applied_amount(history))
}

/// K1/K2: a pledge counts in the year of its CNIPA registration date, with its secured amount. A
/// registered pledge later repaid, released, defaulted or disposed of still counts in its year;
/// one never registered (declined, withdrawn, or still in progress) does not. `None` also for a
/// history without any amount (which `move_stage` never builds).
pub fn counts_for_k1(history: &[StageEntry]) -> Option<(i32, Fen)> {
    let on = date_of(history, Stage::Registered)?;
    Some((on.year(), secured_amount(history)?))
}

/// K1 and K2 per year over `histories` (e.g. one district's pledges): `(count, amount)`.
pub fn k1_k2_by_year<'a>(
    histories: impl IntoIterator<Item = &'a [StageEntry]>,
) -> BTreeMap<i32, (u32, Fen)> {
    let mut out: BTreeMap<i32, (u32, Fen)> = BTreeMap::new();
    for (year, amount) in histories.into_iter().filter_map(counts_for_k1) {
        let e = out.entry(year).or_insert((0, Fen::ZERO));
        e.0 += 1;
        // Saturates rather than panics: no real district reaches i64 fen.
        e.1 = e.1.checked_add(amount).unwrap_or(e.1);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::pledge::stage::StageData;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    /// A history from (stage, date, amount) rows, as the store would load it.
    fn history(rows: &[(Stage, &str, Option<&str>)]) -> Vec<StageEntry> {
        rows.iter()
            .map(|(stage, on, amount)| StageEntry {
                stage: *stage,
                data: StageData {
                    amount: amount.map(wan),
                    ..StageData::on(d(on))
                },
            })
            .collect()
    }

    fn registered_pledge() -> Vec<StageEntry> {
        use Stage::*;
        history(&[
            (Applied, "2024-01-20", Some("500")),
            (Appraisal, "2024-01-25", None),
            (DueDiligence, "2024-02-14", None),
            (Approved, "2024-02-28", Some("400")),
            (Registered, "2024-03-01", None),
            (Disbursed, "2024-03-05", Some("400")),
        ])
    }

    #[test]
    fn t5_cycle_days_per_step_and_over_a_leap_day() {
        let h = registered_pledge();
        let m = cycle_days_map(&h);
        // 2024-02-28 → 2024-03-01 crosses 29 February: two days, not one.
        assert_eq!(m["approved_to_registered"], 2);
        assert_eq!(m["applied_to_appraisal"], 5);
        assert_eq!(m["appraisal_to_due_diligence"], 20);
        assert_eq!(m["due_diligence_to_approved"], 14);
        assert_eq!(m["registered_to_disbursed"], 4);
        assert_eq!(m["applied_to_due_diligence"], 25);
        assert_eq!(m["applied_to_registered"], 41);
        assert_eq!(m["applied_to_disbursed"], 45);
        assert_eq!(m.len(), 8);
        // The same dates a year earlier, without a 29 February: one day less.
        let h23 = history(&[
            (Stage::Applied, "2023-01-20", Some("1")),
            (Stage::Approved, "2023-02-28", None),
            (Stage::Registered, "2023-03-01", None),
        ]);
        assert_eq!(cycle_days_map(&h23)["approved_to_registered"], 1);
        assert_eq!(cycle_days_map(&h23)["applied_to_registered"], 40);
        let c = cycle_days(&h);
        assert_eq!(
            (c[3].from, c[3].to, c[3].days),
            (Stage::Approved, Stage::Registered, 2)
        );
    }

    #[test]
    fn t5_cycle_days_only_for_reached_spans() {
        let h = history(&[
            (Stage::Applied, "2022-01-10", Some("500")),
            (Stage::DueDiligence, "2022-01-10", None),
            (Stage::Declined, "2022-02-10", None),
        ]);
        let m = cycle_days_map(&h);
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            [("applied_to_due_diligence", 0)]
        );
    }

    #[test]
    fn t5_median_and_mean_show_the_slow_step() {
        use Stage::*;
        let a = registered_pledge(); // approved → registered 2 days
        let b = history(&[
            (Applied, "2023-01-01", Some("100")),
            (DueDiligence, "2023-01-03", None),
            (Approved, "2023-01-10", None),
            (Registered, "2023-03-01", None), // 50 days
        ]);
        let c = history(&[
            (Applied, "2023-05-01", Some("100")),
            (Appraisal, "2023-05-02", None),
            (DueDiligence, "2023-05-12", None),
            (Approved, "2023-05-20", None),
            (Registered, "2023-06-19", None), // 30 days
        ]);
        let stats = aggregate_cycles([a.as_slice(), b.as_slice(), c.as_slice()]);
        let by = |s: Span| stats.iter().find(|x| x.span == s).unwrap().clone();
        let reg = by(Span::ApprovedToRegistered);
        assert_eq!(reg.count, 3);
        assert_eq!(reg.median_days, Some(30.0));
        assert_eq!(reg.mean_days, Some(27.3)); // 82 / 3
        assert_eq!(reg.max_days, Some(50));
        // Two values: the median is their mean.
        let appraisal = by(Span::AppraisalToDueDiligence);
        assert_eq!((appraisal.count, appraisal.median_days), (2, Some(15.0)));
        let disb = by(Span::RegisteredToDisbursed);
        assert_eq!((disb.count, disb.median_days), (1, Some(4.0)));
        assert_eq!(stats.len(), Span::ALL.len());
        // The median registration time (30) beats appraisal (15): registration is the slow step,
        // though the applied → registered total (41, 59, 49) is larger; totals are not steps.
        assert_eq!(slowest_step(&stats), Some(Span::ApprovedToRegistered));
        let none = aggregate_cycles(std::iter::empty());
        assert!(none.iter().all(|s| s.count == 0 && s.median_days.is_none()));
        assert_eq!(slowest_step(&none), None);
    }

    #[test]
    fn k1_counts_in_the_registration_year_with_the_secured_amount() {
        use Stage::*;
        // Applied in 2021, registered on 2022-01-03: counts in 2022 with the approved 400.
        let h = history(&[
            (Applied, "2021-12-01", Some("500")),
            (DueDiligence, "2021-12-10", None),
            (Approved, "2021-12-30", Some("400")),
            (Registered, "2022-01-03", None),
        ]);
        assert_eq!(counts_for_k1(&h), Some((2022, wan("400"))));
        // Released, repaid, defaulted or disposed of later: still 2022.
        for later in [Released, Repaid, Defaulted, Disposed] {
            let mut h2 = h.clone();
            h2.extend(history(&[(later, "2024-05-01", None)]));
            assert_eq!(counts_for_k1(&h2), Some((2022, wan("400"))), "{later:?}");
        }
        // Approval without an amount: the amount applied for.
        let mut plain = h.clone();
        plain[2].data.amount = None;
        assert_eq!(counts_for_k1(&plain), Some((2022, wan("500"))));
        // Never registered: never counts.
        let declined = history(&[
            (Applied, "2022-01-01", Some("500")),
            (Declined, "2022-02-01", None),
        ]);
        let withdrawn = history(&[
            (Applied, "2022-01-01", Some("500")),
            (DueDiligence, "2022-01-05", None),
            (Approved, "2022-01-20", None),
            (Withdrawn, "2022-02-01", None),
        ]);
        assert_eq!(counts_for_k1(&declined), None);
        assert_eq!(counts_for_k1(&withdrawn), None);
        assert_eq!(counts_for_k1(&h[..3]), None);
        let by_year = k1_k2_by_year([
            h.as_slice(),
            plain.as_slice(),
            declined.as_slice(),
            registered_pledge().as_slice(),
        ]);
        assert_eq!(
            by_year.into_iter().collect::<Vec<_>>(),
            [(2022, (2, wan("900"))), (2024, (1, wan("400")))]
        );
    }

    #[test]
    fn t5_span_slugs_round_trip() {
        for s in Span::ALL {
            assert_eq!(Span::parse(s.slug()), Some(s));
            assert_eq!(
                s.slug(),
                format!("{}_to_{}", s.from().slug(), s.to().slug())
            );
        }
        assert_eq!(Span::ALL.iter().filter(|s| s.is_step()).count(), 5);
    }
}
