//! K5 figures from the patent register (DOMAIN.md §3.2; issue 11): high-value invention patents
//! in force on a day, per district (of the owner) and city-wide, overseas filings per year, and
//! the resident populations they are divided by.

use chrono::NaiveDate;
use serde::Serialize;

use crate::patents::day;
use crate::{Db, Result, Who, WritePool, audit, on_pool};

/// The GB/T 2260 code of Shanghai as a whole: the key of city-wide populations.
pub const CITY_CODE: &str = "310000";

/// A known resident population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Population {
    /// A current district, or [`CITY_CODE`].
    pub code: String,
    pub year: i32,
    pub residents: u64,
    /// `census` for the shipped 2020 census, `entered` for the bureau's entries.
    pub source: &'static str,
}

/// Overseas filings by the owners of a district (or the city) in one year (K5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OverseasCounts {
    /// PCT international applications (WO).
    pub pct: i64,
    /// Direct filings at foreign offices (not national phases entered from a PCT application).
    pub direct: i64,
}

impl Db {
    /// High-value invention patents in force on `as_of`, owned by organisations of `district`
    /// (`None`: the whole register): [`Db::high_value_counts_on`] for one day.
    pub async fn high_value_count(&self, district: Option<&str>, as_of: NaiveDate) -> Result<i64> {
        Ok(self
            .high_value_counts_on(district, &[as_of])
            .await?
            .first()
            .copied()
            .unwrap_or(0))
    }

    /// High-value invention patents in force on each of several days, owned by organisations of
    /// `district` (`None`: the whole register), in one scan of the `patents_high_value` index (a
    /// district's walks its organisations' entries): the counts in the order of `days`.
    pub async fn high_value_counts_on(
        &self,
        district: Option<&str>,
        days: &[NaiveDate],
    ) -> Result<Vec<i64>> {
        let Some(last) = days.iter().max() else {
            return Ok(Vec::new());
        };
        // $1 the last day, $2… each day, then the district's code.
        let sums: Vec<String> = (0..days.len())
            .map(|i| {
                let d = i + 2;
                format!(
                    "CAST(COALESCE(SUM(CASE WHEN p.high_value_since <= ${d} AND p.in_force_from <= ${d}
                       AND p.in_force_until >= ${d} THEN 1 ELSE 0 END), 0) AS BIGINT)"
                )
            })
            .collect();
        let from = match district {
            Some(_) => format!(
                "FROM organisations o JOIN patents p ON p.owner_org_id = o.id
                 WHERE o.district_code = ${} AND",
                days.len() + 2
            ),
            None => "FROM patents p WHERE".to_string(),
        };
        let sql = format!(
            "SELECT {} {from} p.high_value_since IS NOT NULL AND p.high_value_since <= $1",
            sums.join(", ")
        );
        let days: Vec<String> = days.iter().map(|d| day(*d)).collect();
        on_pool!(self, p => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(day(*last));
            for d in &days {
                q = q.bind(d);
            }
            if let Some(code) = district {
                q = q.bind(code);
            }
            let row = q.fetch_one(p).await?;
            let mut out = Vec::with_capacity(days.len());
            for i in 0..days.len() {
                out.push(sqlx::Row::try_get::<i64, _>(&row, i)?);
            }
            Ok(out)
        })
    }

    /// The same count for every district at once: (district code, count), districts without
    /// such patents left out.
    pub async fn high_value_counts_by_district(
        &self,
        as_of: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        let d = day(as_of);
        on_pool!(self, p => Ok(sqlx::query_as::<_, (String, i64)>(
            "SELECT o.district_code, COUNT(*) FROM patents p JOIN organisations o ON o.id = p.owner_org_id
             WHERE p.high_value_since IS NOT NULL AND p.high_value_since <= $1
               AND p.in_force_from <= $1 AND p.in_force_until >= $1 AND o.district_code IS NOT NULL
             GROUP BY o.district_code ORDER BY o.district_code")
            .bind(&d)
            .fetch_all(p)
            .await?))
    }

    /// Overseas filings in `year` by owners in `district` (`None`: all): PCT applications and
    /// direct foreign filings, by the member's own filing date (a member entered from a PCT
    /// application is not a new filing).
    pub async fn overseas_filings(
        &self,
        district: Option<&str>,
        year: i32,
    ) -> Result<OverseasCounts> {
        Ok(self
            .overseas_filings_by_year(district, year, year)
            .await?
            .remove(&year)
            .unwrap_or_default())
    }

    /// Overseas filings for every year of `from..=to` in one query (as [`Db::overseas_filings`]);
    /// years without filings are left out.
    pub async fn overseas_filings_by_year(
        &self,
        district: Option<&str>,
        from: i32,
        to: i32,
    ) -> Result<std::collections::BTreeMap<i32, OverseasCounts>> {
        const SELECT: &str = "SELECT substr(m.filed_on, 1, 4), m.office = 'WO', COUNT(*)
             FROM patent_overseas m";
        const WHERE: &str = "WHERE m.filed_on >= $1 AND m.filed_on <= $2 AND m.via_pct = $3";
        const GROUP: &str = "GROUP BY substr(m.filed_on, 1, 4), m.office = 'WO'";
        // The city's needs no owner: two statements, so it does not join the register.
        let sql = match district {
            Some(_) => format!(
                "{SELECT} JOIN patents p ON p.id = m.patent_id {WHERE}
                   AND p.owner_org_id IN (SELECT id FROM organisations WHERE district_code = $4) {GROUP}"
            ),
            None => format!("{SELECT} {WHERE} {GROUP}"),
        };
        let (from, to) = (format!("{from:04}-01-01"), format!("{to:04}-12-31"));
        let rows: Vec<(String, bool, i64)> = on_pool!(self, p => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&from).bind(&to).bind(false);
            match district {
                Some(code) => q.bind(code).fetch_all(p).await?,
                None => q.fetch_all(p).await?,
            }
        });
        let mut out = std::collections::BTreeMap::new();
        for (year, pct, n) in rows {
            let Ok(year) = year.parse::<i32>() else {
                continue;
            };
            let e: &mut OverseasCounts = out.entry(year).or_default();
            if pct {
                e.pct += n;
            } else {
                e.direct += n;
            }
        }
        Ok(out)
    }

    /// Every known population: the 2020 census of each current district and of the city (their
    /// sum), overridden by the bureau's entries, which add other years.
    pub async fn populations(&self) -> Result<Vec<Population>> {
        let (census, entered) = on_pool!(self, p => {
            let census: Vec<(String, Option<i64>)> = sqlx::query_as(
                "SELECT code, population_2020 FROM districts WHERE population_2020 IS NOT NULL ORDER BY code")
                .fetch_all(p)
                .await?;
            let entered: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT district_code, year, residents FROM district_population ORDER BY district_code, year")
                .fetch_all(p)
                .await?;
            (census, entered)
        });
        let mut out: Vec<Population> = Vec::new();
        let mut city: u64 = 0;
        for (code, n) in census {
            if let Some(n) = n.and_then(|n| u64::try_from(n).ok()) {
                city += n;
                out.push(Population {
                    code,
                    year: 2020,
                    residents: n,
                    source: "census",
                });
            }
        }
        out.push(Population {
            code: CITY_CODE.into(),
            year: 2020,
            residents: city,
            source: "census",
        });
        for (code, year, residents) in entered {
            let (Ok(year), Ok(residents)) = (i32::try_from(year), u64::try_from(residents)) else {
                continue;
            };
            out.retain(|p| !(p.code == code && p.year == year));
            out.push(Population {
                code,
                year,
                residents,
                source: "entered",
            });
        }
        out.sort_by(|a, b| a.code.cmp(&b.code).then(a.year.cmp(&b.year)));
        Ok(out)
    }

    /// Enter (or correct) the resident population of `code` (a current district or
    /// [`CITY_CODE`]) in `year`.
    pub async fn population_set(
        &self,
        code: &str,
        year: i32,
        residents: u64,
        now: i64,
        who: &Who,
    ) -> Result<Population> {
        let residents_i = i64::try_from(residents).unwrap_or(i64::MAX);
        let key = format!("{code}/{year}");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before: Option<i64> = sqlx::query_scalar(
                "SELECT residents FROM district_population WHERE district_code = $1 AND year = $2")
                .bind(code)
                .bind(i64::from(year))
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO district_population (district_code, year, residents, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (district_code, year) DO UPDATE SET residents = excluded.residents, updated_at = excluded.updated_at")
                .bind(code)
                .bind(i64::from(year))
                .bind(residents_i)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({"district_code": code, "year": year, "residents": residents});
            let before = before.map(|r| serde_json::json!({"district_code": code, "year": year, "residents": r}));
            audit!(tx, who, "set", "population", key, before.as_ref(), Some(&after));
            tx.commit().await?;
        });
        Ok(Population {
            code: code.to_string(),
            year,
            residents,
            source: "entered",
        })
    }
}
