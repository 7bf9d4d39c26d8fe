//! What the KPIs need from the records (issue 16), in one query each: K1/K2's pledge steps, K3/K4's
//! deals, K5's evidence and the pipelines; K6 comes from the surveys.

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::deal::{DealKind, Stage};
use zhiyun_domain::kpi::deals::DealFact;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_domain::pledge::{Stage as PledgeStage, StageData, StageEntry};

use crate::patents::day;
use crate::{Db, Result, StoreError, on_pool};

fn corrupt(id: i64, detail: String) -> StoreError {
    StoreError::Corrupt {
        entity: "deal",
        id,
        detail,
    }
}

/// A deal as K3/K4 and their evidence see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiDeal {
    pub fact: DealFact,
    pub from_org_id: i64,
    pub from_name: String,
    pub to_name: String,
    pub amount_fen: i64,
}

type DealRow = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    i64,
    i64,
);

/// A high-value patent in force on a day, for K5's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiPatent {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub owner_name: String,
    pub granted_on: Option<String>,
    pub high_value_since: String,
}

impl Db {
    /// Deals whose effective date (else signing date) lies in `from..=to`, received by an
    /// organisation of `district` (`None`: any), with the parties' kinds and the receiver's size.
    pub async fn kpi_deals(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        district: Option<&str>,
    ) -> Result<Vec<KpiDeal>> {
        let rows: Vec<DealRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT d.id, d.kind, d.stage, COALESCE(d.effective_on, d.signed_on),
                    d.from_org_id, f.kind, f.name, d.to_org_id, t.kind, t.size_class, t.name,
                    d.amount_fen, d.patent_count
             FROM deals d
             JOIN organisations f ON f.id = d.from_org_id
             JOIN organisations t ON t.id = d.to_org_id
             WHERE COALESCE(d.effective_on, d.signed_on) >= $1
               AND COALESCE(d.effective_on, d.signed_on) <= $2
               AND ($3 IS NULL OR t.district_code = $3)
             ORDER BY COALESCE(d.effective_on, d.signed_on), d.id")
            .bind(day(from))
            .bind(day(to))
            .bind(district)
            .fetch_all(p)
            .await?);
        rows.into_iter()
            .map(
                |(
                    id,
                    kind,
                    stage,
                    on,
                    from_id,
                    fkind,
                    fname,
                    to_id,
                    tkind,
                    size,
                    tname,
                    amount,
                    n,
                )| {
                    let org = |s: &str| {
                        OrgKind::parse(s).ok_or_else(|| corrupt(id, format!("org kind {s:?}")))
                    };
                    Ok(KpiDeal {
                        fact: DealFact {
                            deal_id: id,
                            kind: DealKind::parse(&kind)
                                .ok_or_else(|| corrupt(id, format!("kind {kind:?}")))?,
                            stage: Stage::parse(&stage)
                                .ok_or_else(|| corrupt(id, format!("stage {stage:?}")))?,
                            effective_on: on
                                .as_deref()
                                .map(|s| {
                                    NaiveDate::parse_from_str(s, "%Y-%m-%d")
                                        .map_err(|_| corrupt(id, format!("date {s:?}")))
                                })
                                .transpose()?,
                            from_kind: org(&fkind)?,
                            to_org_id: to_id,
                            to_kind: org(&tkind)?,
                            to_size: size.as_deref().and_then(SizeClass::parse),
                            patents: u32::try_from(n).unwrap_or(0),
                            deals: 1,
                        },
                        from_org_id: from_id,
                        from_name: fname,
                        to_name: tname,
                        amount_fen: amount,
                    })
                },
            )
            .collect()
    }

    /// The high-value invention patents in force on `as_of` owned by organisations of `district`
    /// (`None`: all), at most `limit`, by number.
    pub async fn kpi_high_value_patents(
        &self,
        district: Option<&str>,
        as_of: NaiveDate,
        limit: i64,
    ) -> Result<Vec<KpiPatent>> {
        let d = day(as_of);
        let rows: Vec<(i64, String, String, String, Option<String>, String)> = on_pool!(self, p => sqlx::query_as(
                "SELECT p.id, p.number, p.title, o.name, p.granted_on, p.high_value_since
                 FROM patents p JOIN organisations o ON o.id = p.owner_org_id
                 WHERE p.high_value_since IS NOT NULL AND p.high_value_since <= $1
                   AND p.in_force_from <= $1 AND p.in_force_until >= $1
                   AND ($2 IS NULL OR o.district_code = $2)
                 ORDER BY p.number LIMIT $3")
                .bind(&d)
                .bind(district)
                .bind(limit)
                .fetch_all(p)
                .await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, number, title, owner_name, granted_on, high_value_since)| KpiPatent {
                    id,
                    number,
                    title,
                    owner_name,
                    granted_on,
                    high_value_since,
                },
            )
            .collect())
    }
}

/// What feeds the indicators in one year, for a district's dashboard (issue 16: listings →
/// matches → meetings → deals → filings; pledges by step).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    /// Listings of the district's organisations first published in the year.
    pub listings: i64,
    /// Owners' "interested" verdicts on suggestions involving the district's listings.
    pub interested: i64,
    /// 1:1 meetings at events of the year with a party of the district.
    pub meetings: i64,
    /// Deal leads from those meetings (or the district's listings) made in the year.
    pub leads: i64,
    /// Deals signed in the year with a party of the district (cancelled ones left out).
    pub deals: i64,
    /// Of those, filed with CNIPA or completed.
    pub filed: i64,
    /// Pledges applied for in the year by pledgors of the district, by current stage.
    pub pledges_by_stage: Vec<(String, i64)>,
}

impl Db {
    /// The pipeline of `district` (`None`: the city) in `year`: `from`/`to` are the year's
    /// first and last second (Beijing time) as unix seconds.
    pub async fn kpi_pipeline(
        &self,
        district: Option<&str>,
        year: i32,
        from: i64,
        to: i64,
    ) -> Result<Pipeline> {
        let (d0, d1) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
        let (t0, t1) = (
            format!("{year:04}-01-01T00:00:00"),
            format!("{year:04}-12-31T23:59:59"),
        );
        const IN_D: &str = "(SELECT id FROM organisations WHERE $1 IS NULL OR district_code = $1)";
        let listings_sql = format!(
            "SELECT COUNT(*) FROM listings WHERE owner_org_id IN {IN_D}
               AND published_at >= $2 AND published_at <= $3"
        );
        let interested_sql = format!(
            "SELECT COUNT(*) FROM match_feedback f JOIN listings l
               ON l.id = CASE WHEN f.side = 'demand' THEN f.demand_id ELSE f.supply_id END
             WHERE f.verdict = 'interested' AND l.owner_org_id IN {IN_D}
               AND f.at >= $2 AND f.at <= $3"
        );
        let meetings_sql = format!(
            "SELECT COUNT(*) FROM event_meetings m JOIN events e ON e.id = m.event_id
             WHERE (m.demand_org_id IN {IN_D} OR m.supply_org_id IN {IN_D})
               AND e.starts_at >= $2 AND e.starts_at <= $3"
        );
        let leads_sql = format!(
            "SELECT COUNT(*) FROM deal_leads k JOIN listings a ON a.id = k.demand_id
               JOIN listings b ON b.id = k.supply_id
             WHERE (a.owner_org_id IN {IN_D} OR b.owner_org_id IN {IN_D})
               AND k.created_at >= $2 AND k.created_at <= $3"
        );
        let deals_sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN stage IN ('filed', 'completed') THEN 1 ELSE 0 END), 0)
             FROM deals WHERE (from_org_id IN {IN_D} OR to_org_id IN {IN_D})
               AND signed_on >= $2 AND signed_on <= $3 AND stage <> 'cancelled'"
        );
        let pledges_sql = format!(
            "SELECT stage, COUNT(*) FROM pledges WHERE pledgor_org_id IN {IN_D}
               AND applied_on >= $2 AND applied_on <= $3 GROUP BY stage ORDER BY stage"
        );
        on_pool!(self, p => {
            let listings: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(listings_sql.as_str()))
                .bind(district).bind(from).bind(to).fetch_one(p).await?;
            let interested: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(interested_sql.as_str()))
                .bind(district).bind(from).bind(to).fetch_one(p).await?;
            let meetings: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(meetings_sql.as_str()))
                .bind(district).bind(&t0).bind(&t1).fetch_one(p).await?;
            let leads: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(leads_sql.as_str()))
                .bind(district).bind(from).bind(to).fetch_one(p).await?;
            let (deals, filed): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(deals_sql.as_str()))
                .bind(district).bind(&d0).bind(&d1).fetch_one(p).await?;
            let pledges_by_stage: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(pledges_sql.as_str()))
                .bind(district).bind(&d0).bind(&d1).fetch_all(p).await?;
            Ok(Pipeline { listings, interested, meetings, leads, deals, filed, pledges_by_stage })
        })
    }
}

impl Db {
    /// How many patents, deals, pledges and survey responses are stored (for the benches).
    pub async fn bench_counts(&self) -> Result<(i64, i64, i64, i64)> {
        on_pool!(self, p => {
            let mut out = [0i64; 4];
            for (i, table) in ["patents", "deals", "pledges", "survey_responses"].iter().enumerate() {
                let sql = format!("SELECT COUNT(*) FROM {table}");
                out[i] = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(p).await?;
            }
            Ok((out[0], out[1], out[2], out[3]))
        })
    }
}

impl Db {
    /// What K1/K2 need of the pledges registered with CNIPA in `from..=to` whose pledgor is in
    /// `district` (`None`: anywhere): each pledge's steps that decide whether and how much it
    /// counts — applied (with the amount), approved (with its amount, when it names one),
    /// registered (with its day) — for `pledge::cycle::counts_for_k1`, one row per pledge and
    /// without loading the whole records.
    pub async fn kpi_pledge_steps(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        district: Option<&str>,
    ) -> Result<Vec<(i64, Vec<StageEntry>)>> {
        type Row = (i64, String, Option<i64>, Option<i64>);
        const COLUMNS: &str = "SELECT p.id, p.registered_on,
               (SELECT s.amount_fen FROM pledge_stages s WHERE s.pledge_id = p.id AND s.seq = 0),
               (SELECT s.amount_fen FROM pledge_stages s WHERE s.pledge_id = p.id AND s.stage = 'approved')
             FROM pledges p WHERE p.registered_on >= $1 AND p.registered_on <= $2";
        let (from, to) = (day(from), day(to));
        // Two statements, so a district's walks its organisations' pledges by the index.
        let rows: Vec<Row> = on_pool!(self, p => match district {
            Some(code) => {
                let sql = format!(
                    "{COLUMNS} AND p.pledgor_org_id IN (SELECT id FROM organisations WHERE district_code = $3)"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(&from).bind(&to).bind(code).fetch_all(p).await?
            }
            None => sqlx::query_as(sqlx::AssertSqlSafe(COLUMNS))
                .bind(&from).bind(&to).fetch_all(p).await?,
        });
        rows.into_iter()
            .map(|(id, registered_on, applied, approved)| {
                let bad = |detail: String| StoreError::Corrupt {
                    entity: "pledge",
                    id,
                    detail,
                };
                let amount = |v: Option<i64>| {
                    v.map(Fen::from_fen)
                        .transpose()
                        .map_err(|_| bad(format!("amount {v:?}")))
                };
                let on = NaiveDate::parse_from_str(&registered_on, "%Y-%m-%d")
                    .map_err(|_| bad(format!("registered_on {registered_on:?}")))?;
                let step = |stage, amount| StageEntry {
                    stage,
                    data: StageData {
                        amount,
                        ..StageData::on(on)
                    },
                };
                let mut steps = vec![step(PledgeStage::Applied, amount(applied)?)];
                if let Some(a) = amount(approved)? {
                    steps.push(step(PledgeStage::Approved, Some(a)));
                }
                steps.push(step(PledgeStage::Registered, None));
                Ok((id, steps))
            })
            .collect()
    }

    /// K3/K4's facts of the deals whose effective date (else signing date) lies in the years
    /// `first..=last`, received by an organisation of `district` (`None`: any), grouped: one
    /// fact per year, kind, stage, giving party's kind and receiving organisation (with its kind
    /// and size), with the number of deals and their distinct patents summed — read from
    /// `kpi_deal_sums`, which the deals' writes keep. Which of them count is `kpi::deals`'s to say.
    pub async fn kpi_deal_facts(
        &self,
        first: i32,
        last: i32,
        district: Option<&str>,
    ) -> Result<Vec<DealFact>> {
        let rows = self.kpi_deal_sum_rows(first, last, district).await?;
        rows.into_iter()
            .map(
                |(id, kind, stage, on, fkind, to_id, tkind, size, patents, deals)| {
                    let org = |s: &str| {
                        OrgKind::parse(s).ok_or_else(|| corrupt(id, format!("org kind {s:?}")))
                    };
                    Ok(DealFact {
                        deal_id: id,
                        kind: DealKind::parse(&kind)
                            .ok_or_else(|| corrupt(id, format!("kind {kind:?}")))?,
                        stage: Stage::parse(&stage)
                            .ok_or_else(|| corrupt(id, format!("stage {stage:?}")))?,
                        effective_on: Some(
                            NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                                .map_err(|_| corrupt(id, format!("date {on:?}")))?,
                        ),
                        from_kind: org(&fkind)?,
                        to_org_id: to_id,
                        to_kind: org(&tkind)?,
                        to_size: size.as_deref().and_then(SizeClass::parse),
                        patents: u32::try_from(patents).unwrap_or(u32::MAX),
                        deals: u32::try_from(deals).unwrap_or(u32::MAX),
                    })
                },
            )
            .collect()
    }
}
