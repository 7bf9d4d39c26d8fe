//! Figures kept beside the records for K1–K6 (issue 16, migration 0017), so that a city's five
//! years are read from a few thousand rows instead of 100,000 deals, 300,000 high-value patents and
//! 50,000 responses:
//! - `kpi_deal_sums`: deals per receiving organisation, year, kind, stage and giving party's kind;
//! - `kpi_high_value_years`: per owner and year, the high-value patents that begin and stop
//!   counting for K5, and `kpi_overseas_years` their overseas filings;
//! - `pledges.k1_year` / `k1_amount_fen`: what `pledge::cycle::counts_for_k1` says of the pledge;
//! - `survey_responses.overall_rating`: the rating of the survey's overall item.
//!
//! Each is written in the transaction that writes its records (deals, patents, pledges,
//! responses, an organisation's kind); [`Db::kpi_sums_rebuild`] recomputes them all from the
//! records, and a test checks that what the writes keep equals what a rebuild gives.

use std::collections::BTreeMap;

use zhiyun_domain::money::Fen;
use zhiyun_domain::pledge::StageEntry;
use zhiyun_domain::pledge::cycle::counts_for_k1;
use zhiyun_domain::survey::{Answer, SurveyItemInput};

use crate::patent_stats::OverseasCounts;
use crate::{Db, Result, StoreError, WritePool, on_pool};

/// The day a deal counts on: its effective date, else its signing date.
const DEAL_ON: &str = "COALESCE(d.effective_on, d.signed_on)";

/// The `INSERT … SELECT` of `kpi_deal_sums` for the deals matching `filter` (an SQL condition on
/// `d`, e.g. `d.to_org_id = $1`).
pub(crate) fn deal_sums_insert(filter: &str) -> String {
    let year = format!("CAST(substr({DEAL_ON}, 1, 4) AS INTEGER)");
    format!(
        "INSERT INTO kpi_deal_sums (to_org_id, year, kind, stage, from_kind, deals, patents,
           first_deal_id, first_on)
         SELECT d.to_org_id, {year}, d.kind, d.stage, f.kind, COUNT(*),
           CAST(SUM(d.patent_count) AS BIGINT), MIN(d.id), MIN({DEAL_ON})
         FROM deals d JOIN organisations f ON f.id = d.from_org_id
         WHERE {DEAL_ON} IS NOT NULL AND {filter}
         GROUP BY d.to_org_id, {year}, d.kind, d.stage, f.kind"
    )
}

/// The later of the days a patent became high value and came into force.
const HV_START: &str = "CASE WHEN p.high_value_since > p.in_force_from THEN p.high_value_since \
                        ELSE p.in_force_from END";

/// The `INSERT … SELECT` of `kpi_high_value_years` for the patents matching `filter` (on `p`):
/// a patent counts at a year's end D when `start ≤ D ≤ in_force_until`, so it starts in the year
/// of its start and ends in the year of the first year end after `in_force_until`.
pub(crate) fn high_value_years_insert(filter: &str) -> String {
    let counted = format!(
        "p.high_value_since IS NOT NULL AND p.in_force_from IS NOT NULL
           AND p.in_force_until IS NOT NULL AND {HV_START} <= p.in_force_until AND {filter}"
    );
    format!(
        "INSERT INTO kpi_high_value_years (owner_org_id, year, starts, ends)
         SELECT x.owner_org_id, x.year, CAST(SUM(x.starts) AS BIGINT), CAST(SUM(x.ends) AS BIGINT)
         FROM (
           SELECT p.owner_org_id, CAST(substr({HV_START}, 1, 4) AS INTEGER) AS year,
                  1 AS starts, 0 AS ends
           FROM patents p WHERE {counted}
           UNION ALL
           SELECT p.owner_org_id, CAST(substr(p.in_force_until, 1, 4) AS INTEGER)
                    + CASE WHEN substr(p.in_force_until, 6, 5) = '12-31' THEN 1 ELSE 0 END,
                  0, 1
           FROM patents p WHERE {counted}
         ) x
         GROUP BY x.owner_org_id, x.year"
    )
}

/// The `INSERT … SELECT` of `kpi_overseas_years` for the patents matching `filter` (on `p`).
pub(crate) fn overseas_years_insert(filter: &str) -> String {
    let year = "CAST(substr(m.filed_on, 1, 4) AS INTEGER)";
    format!(
        "INSERT INTO kpi_overseas_years (owner_org_id, year, pct, direct)
         SELECT p.owner_org_id, {year},
           CAST(SUM(CASE WHEN m.office = 'WO' THEN 1 ELSE 0 END) AS BIGINT),
           CAST(SUM(CASE WHEN m.office = 'WO' THEN 0 ELSE 1 END) AS BIGINT)
         FROM patent_overseas m JOIN patents p ON p.id = m.patent_id
         WHERE m.filed_on IS NOT NULL AND m.via_pct = FALSE AND {filter}
         GROUP BY p.owner_org_id, {year}"
    )
}

/// Recompute `kpi_deal_sums` of the deals received by organisation `$to_org` inside `$tx` (on
/// PostgreSQL after taking a transaction lock on the organisation's figures, so two writers of its
/// deals take turns: an advisory lock, as the deal's foreign keys already hold a share lock on the
/// organisation's row and two writers asking for its row lock would deadlock).
macro_rules! refresh_deal_sums {
    ($db:expr, $tx:expr, $to_org:expr) => {{
        let org: i64 = $to_org;
        if matches!($db, $crate::Db::Postgres(_)) {
            sqlx::query(
                "SELECT pg_advisory_xact_lock(hashtextextended(
                   'zhiyun.kpi_deal_sums.' || current_schema() || '.' || CAST($1 AS TEXT), 0))",
            )
            .bind(org)
            .execute(&mut *$tx)
            .await?;
        }
        sqlx::query("DELETE FROM kpi_deal_sums WHERE to_org_id = $1")
            .bind(org)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe($crate::kpi_sums::deal_sums_insert(
            "d.to_org_id = $1",
        )))
        .bind(org)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use refresh_deal_sums;

/// Recompute `kpi_high_value_years` and `kpi_overseas_years` of the patents owned by
/// organisation `$owner` inside `$tx`.
macro_rules! refresh_patent_sums {
    ($db:expr, $tx:expr, $owner:expr) => {{
        let org: i64 = $owner;
        if matches!($db, $crate::Db::Postgres(_)) {
            sqlx::query(
                "SELECT pg_advisory_xact_lock(hashtextextended(
                   'zhiyun.kpi_patent_sums.' || current_schema() || '.' || CAST($1 AS TEXT), 0))",
            )
            .bind(org)
            .execute(&mut *$tx)
            .await?;
        }
        sqlx::query("DELETE FROM kpi_high_value_years WHERE owner_org_id = $1")
            .bind(org)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(
            $crate::kpi_sums::high_value_years_insert("p.owner_org_id = $1"),
        ))
        .bind(org)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM kpi_overseas_years WHERE owner_org_id = $1")
            .bind(org)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(
            $crate::kpi_sums::overseas_years_insert("p.owner_org_id = $1"),
        ))
        .bind(org)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use refresh_patent_sums;

/// K1/K2's columns of a pledge whose history is `history`: `(k1_year, k1_amount_fen)`.
pub(crate) fn k1_columns(history: &[StageEntry]) -> (Option<i64>, Option<i64>) {
    match counts_for_k1(history) {
        Some((year, amount)) => (Some(i64::from(year)), Some(amount.fen())),
        None => (None, None),
    }
}

/// The position of the overall item in a survey's stored items (`None`: it has none).
pub(crate) fn overall_item(items_json: &str) -> Option<usize> {
    let items: Vec<SurveyItemInput> = serde_json::from_str(items_json).ok()?;
    items.iter().position(|i| i.overall == Some(true))
}

/// The rating a response gave the overall item at `item`.
pub(crate) fn overall_rating(answers: &[Answer], item: Option<usize>) -> Option<i64> {
    match answers.get(item?) {
        Some(Answer::Rating(v)) => Some(i64::from(*v)),
        _ => None,
    }
}

/// One group of `kpi_deal_sums` with the receiving organisation's kind, size and district.
pub type DealSumRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    i64,
    i64,
);

/// A row of `kpi_deal_sums` as stored.
type KeptDealSum = (i64, i32, String, String, String, i64, i64, i64, String);

impl Db {
    /// Recompute every KPI figure kept beside the records from the records themselves, in one
    /// transaction. Returns (deal groups, owner-years, pledges counted, responses rated).
    pub async fn kpi_sums_rebuild(&self) -> Result<(i64, i64, i64, i64)> {
        // The pledges' histories as K1 needs them, read before the transaction.
        let first = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
        let steps = self.kpi_pledge_steps(first, last, None).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM kpi_deal_sums").execute(&mut *tx).await?;
            sqlx::query(sqlx::AssertSqlSafe(deal_sums_insert("1 = 1"))).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM kpi_high_value_years").execute(&mut *tx).await?;
            sqlx::query(sqlx::AssertSqlSafe(high_value_years_insert("1 = 1")))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM kpi_overseas_years").execute(&mut *tx).await?;
            sqlx::query(sqlx::AssertSqlSafe(overseas_years_insert("1 = 1")))
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE pledges SET k1_year = NULL, k1_amount_fen = NULL")
                .execute(&mut *tx)
                .await?;
            let mut pledges = 0i64;
            for (id, history) in &steps {
                let (year, amount) = k1_columns(history);
                if year.is_some() {
                    pledges += 1;
                }
                sqlx::query("UPDATE pledges SET k1_year = $1, k1_amount_fen = $2 WHERE id = $3")
                    .bind(year)
                    .bind(amount)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let surveys: Vec<(i64, String)> = sqlx::query_as("SELECT id, items_json FROM surveys")
                .fetch_all(&mut *tx)
                .await?;
            for (id, items) in surveys {
                let item = overall_item(&items).map(|i| i64::try_from(i).unwrap_or(i64::MAX));
                sqlx::query(
                    "UPDATE survey_responses SET overall_rating =
                       (SELECT a.rating FROM survey_answers a
                        WHERE a.response_id = survey_responses.id AND a.item_no = $2)
                     WHERE survey_id = $1",
                )
                .bind(id)
                .bind(item)
                .execute(&mut *tx)
                .await?;
            }
            let groups: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kpi_deal_sums")
                .fetch_one(&mut *tx)
                .await?;
            let owner_years: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kpi_high_value_years")
                .fetch_one(&mut *tx)
                .await?;
            let rated: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM survey_responses WHERE overall_rating IS NOT NULL",
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((groups, owner_years, pledges, rated))
        })
    }

    /// What the kept figures hold, in a stable order, to compare with a rebuild (tests, and
    /// `zhiyun kpi-sums check`).
    pub async fn kpi_sums_snapshot(&self) -> Result<String> {
        on_pool!(self, p => {
            let deals: Vec<KeptDealSum> = sqlx::query_as(
                "SELECT to_org_id, year, kind, stage, from_kind, deals, patents, first_deal_id, first_on
                 FROM kpi_deal_sums ORDER BY to_org_id, year, kind, stage, from_kind",
            )
            .fetch_all(p)
            .await?;
            let years: Vec<(i64, i32, i64, i64)> = sqlx::query_as(
                "SELECT owner_org_id, year, starts, ends FROM kpi_high_value_years
                 ORDER BY owner_org_id, year",
            )
            .fetch_all(p)
            .await?;
            let overseas: Vec<(i64, i32, i64, i64)> = sqlx::query_as(
                "SELECT owner_org_id, year, pct, direct FROM kpi_overseas_years
                 ORDER BY owner_org_id, year",
            )
            .fetch_all(p)
            .await?;
            let pledges: Vec<(i64, Option<i32>, Option<i64>)> = sqlx::query_as(
                "SELECT id, k1_year, k1_amount_fen FROM pledges ORDER BY id",
            )
            .fetch_all(p)
            .await?;
            let responses: Vec<(i64, Option<i32>)> = sqlx::query_as(
                "SELECT id, overall_rating FROM survey_responses ORDER BY id",
            )
            .fetch_all(p)
            .await?;
            Ok(format!("{deals:?}\n{years:?}\n{overseas:?}\n{pledges:?}\n{responses:?}"))
        })
    }

    /// K1/K2 per year of `first..=last`: (count, secured amount) of the pledges counted in the
    /// year whose pledgor is in `district` (`None`: anywhere).
    pub async fn kpi_pledge_years(
        &self,
        first: i32,
        last: i32,
        district: Option<&str>,
    ) -> Result<BTreeMap<i32, (u32, Fen)>> {
        const SELECT: &str = "SELECT k1_year, COUNT(*), CAST(SUM(k1_amount_fen) AS BIGINT)
             FROM pledges WHERE k1_year >= $1 AND k1_year <= $2";
        let rows: Vec<(i32, i64, i64)> = on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!(
                    "{SELECT} AND pledgor_org_id IN (SELECT id FROM organisations WHERE district_code = $3)
                     GROUP BY k1_year"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).bind(code).fetch_all(p).await?
            }
            None => {
                let sql = format!("{SELECT} GROUP BY k1_year");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).fetch_all(p).await?
            }
        });
        rows.into_iter()
            .map(|(year, n, fen)| {
                let amount = Fen::from_fen(fen).map_err(|_| StoreError::Corrupt {
                    entity: "pledge",
                    id: 0,
                    detail: format!("k1 sum {fen} of {year}"),
                })?;
                Ok((year, (u32::try_from(n).unwrap_or(u32::MAX), amount)))
            })
            .collect()
    }

    /// K3/K4's groups of deals counting in `first..=last`, received by an organisation of
    /// `district` (`None`: any): (first deal id, kind, stage, first day, giving party's kind,
    /// receiver id, receiver kind, receiver size, patents, deals).
    pub(crate) async fn kpi_deal_sum_rows(
        &self,
        first: i32,
        last: i32,
        district: Option<&str>,
    ) -> Result<Vec<DealSumRow>> {
        const SELECT: &str = "SELECT s.first_deal_id, s.kind, s.stage, s.first_on, s.from_kind,
               s.to_org_id, t.kind, t.size_class, s.patents, s.deals
             FROM kpi_deal_sums s JOIN organisations t ON t.id = s.to_org_id
             WHERE s.year >= $1 AND s.year <= $2";
        Ok(on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!("{SELECT} AND t.district_code = $3");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).bind(code).fetch_all(p).await?
            }
            None => sqlx::query_as(sqlx::AssertSqlSafe(SELECT))
                .bind(first).bind(last).fetch_all(p).await?,
        }))
    }

    /// K5: the high-value invention patents in force at the end of each year of `years`, owned
    /// by organisations of `district` (`None`: all) — [`Db::high_value_counts_on`] at the year
    /// ends, read from `kpi_high_value_years`.
    pub async fn high_value_counts_at_year_ends(
        &self,
        district: Option<&str>,
        years: std::ops::RangeInclusive<i32>,
    ) -> Result<Vec<i64>> {
        const SELECT: &str =
            "SELECT k.year, CAST(SUM(k.starts) AS BIGINT), CAST(SUM(k.ends) AS BIGINT)
             FROM kpi_high_value_years k";
        let rows: Vec<(i32, i64, i64)> = on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!(
                    "{SELECT} JOIN organisations o ON o.id = k.owner_org_id
                     WHERE o.district_code = $1 AND k.year <= $2 GROUP BY k.year"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(code).bind(*years.end()).fetch_all(p).await?
            }
            None => {
                let sql = format!("{SELECT} WHERE k.year <= $1 GROUP BY k.year");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(*years.end()).fetch_all(p).await?
            }
        });
        Ok(counts_at_year_ends(&rows, years))
    }

    /// K5: overseas filings per year of `first..=last` by owners of `district` (`None`: all) —
    /// [`Db::overseas_filings_by_year`] read from `kpi_overseas_years`.
    pub async fn kpi_overseas_years(
        &self,
        district: Option<&str>,
        first: i32,
        last: i32,
    ) -> Result<BTreeMap<i32, OverseasCounts>> {
        const SELECT: &str =
            "SELECT k.year, CAST(SUM(k.pct) AS BIGINT), CAST(SUM(k.direct) AS BIGINT)
             FROM kpi_overseas_years k";
        let rows: Vec<(i32, i64, i64)> = on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!(
                    "{SELECT} JOIN organisations o ON o.id = k.owner_org_id
                     WHERE o.district_code = $3 AND k.year >= $1 AND k.year <= $2 GROUP BY k.year"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).bind(code).fetch_all(p).await?
            }
            None => {
                let sql = format!("{SELECT} WHERE k.year >= $1 AND k.year <= $2 GROUP BY k.year");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).fetch_all(p).await?
            }
        });
        Ok(rows
            .into_iter()
            .filter(|(_, pct, direct)| pct + direct > 0)
            .map(|(year, pct, direct)| (year, OverseasCounts { pct, direct }))
            .collect())
    }

    /// K6: per year of `first..=last`, the ratings (1–5, with their counts) given to the overall
    /// item of the year's surveys not linked to an event, of `district` (`None`: every survey,
    /// the districts' and the city-wide ones).
    pub async fn kpi_overall_ratings(
        &self,
        district: Option<&str>,
        first: i32,
        last: i32,
    ) -> Result<BTreeMap<i32, Vec<(i64, i64)>>> {
        const SELECT: &str =
            "SELECT CAST(s.year AS INTEGER), CAST(r.overall_rating AS BIGINT), COUNT(*)
             FROM surveys s JOIN survey_responses r ON r.survey_id = s.id
             WHERE s.year >= $1 AND s.year <= $2 AND s.event_id IS NULL
               AND r.overall_rating IS NOT NULL";
        let rows: Vec<(i32, i64, i64)> = on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!("{SELECT} AND s.district_code = $3 GROUP BY s.year, r.overall_rating");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).bind(code).fetch_all(p).await?
            }
            None => {
                let sql = format!("{SELECT} GROUP BY s.year, r.overall_rating");
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(first).bind(last).fetch_all(p).await?
            }
        });
        let mut out: BTreeMap<i32, Vec<(i64, i64)>> = BTreeMap::new();
        for (year, rating, n) in rows {
            out.entry(year).or_default().push((rating, n));
        }
        Ok(out)
    }
}

/// The count at each year end of `years` from (year, starts, ends) rows: the starts minus the
/// ends of every year up to it.
fn counts_at_year_ends(rows: &[(i32, i64, i64)], years: std::ops::RangeInclusive<i32>) -> Vec<i64> {
    years
        .map(|y| {
            rows.iter()
                .filter(|(year, _, _)| *year <= y)
                .map(|(_, starts, ends)| starts - ends)
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K5: a patent counts at a year's end from the year it starts to the year before the first
    /// year end after its last day in force.
    #[test]
    fn k5_counts_at_year_ends_add_starts_and_take_ends() {
        // Two patents: 2020-05-01..2023-12-31 (ends 2024) and 2021-03-01..2022-06-30 (ends 2022).
        let rows = [(2020, 1, 0), (2021, 1, 0), (2022, 0, 1), (2024, 0, 1)];
        assert_eq!(
            counts_at_year_ends(&rows, 2019..=2025),
            vec![0, 1, 2, 1, 1, 0, 0]
        );
    }

    #[test]
    fn k6_the_overall_item_is_found_in_the_stored_items() {
        let items = r#"[{"kind":"rating","text":"a","overall":false},{"kind":"rating","text":"b","overall":true}]"#;
        assert_eq!(overall_item(items), Some(1));
        assert_eq!(overall_item("[]"), None);
        let answers = [Answer::Rating(3), Answer::Rating(5)];
        assert_eq!(overall_rating(&answers, Some(1)), Some(5));
        assert_eq!(overall_rating(&answers, None), None);
        assert_eq!(overall_rating(&[Answer::Skipped], Some(0)), None);
    }
}
