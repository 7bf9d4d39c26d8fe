//! The organisation registry and agencies' practitioners.

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::{OrgKind, OrgRecord, PractitionerRecord, SizeClass};
use zhiyun_domain::policy::OrgScope;

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool, unique_violation};

/// An organisation as stored, decoded: its kind and size class are the domain's enums, its revenue
/// is [`Fen`]. A stored value that does not decode is [`StoreError::Corrupt`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub size_class: Option<SizeClass>,
    pub hte_certificate: Option<String>,
    pub hte_issue_year: Option<i64>,
    pub employees: Option<i64>,
    pub revenue_fen: Option<Fen>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The row as the database holds it.
#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    kind: String,
    name: String,
    uscc: Option<String>,
    district_code: Option<String>,
    address: Option<String>,
    size_class: Option<String>,
    hte_certificate: Option<String>,
    hte_issue_year: Option<i64>,
    employees: Option<i64>,
    revenue_fen: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;

    fn try_from(r: OrgRow) -> Result<Org> {
        let corrupt = |detail: String| StoreError::Corrupt {
            entity: "organisation",
            id: r.id,
            detail,
        };
        let kind = OrgKind::parse(&r.kind).ok_or_else(|| corrupt(format!("kind {:?}", r.kind)))?;
        let size_class = match r.size_class.as_deref() {
            None => None,
            Some(s) => {
                Some(SizeClass::parse(s).ok_or_else(|| corrupt(format!("size_class {s:?}")))?)
            }
        };
        let revenue_fen = match r.revenue_fen {
            None => None,
            Some(f) => {
                Some(Fen::from_fen(f).map_err(|e| corrupt(format!("revenue_fen {f}: {e}")))?)
            }
        };
        Ok(Org {
            id: r.id,
            kind,
            name: r.name,
            uscc: r.uscc,
            district_code: r.district_code,
            address: r.address,
            size_class,
            hte_certificate: r.hte_certificate,
            hte_issue_year: r.hte_issue_year,
            employees: r.employees,
            revenue_fen,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn decode(rows: Vec<OrgRow>) -> Result<Vec<Org>> {
    rows.into_iter().map(Org::try_from).collect()
}

impl Org {
    pub fn kind(&self) -> OrgKind {
        self.kind
    }

    pub fn scope(&self) -> OrgScope<'_> {
        OrgScope {
            id: self.id,
            kind: self.kind,
            district: self.district_code.as_deref(),
        }
    }

    pub fn district_name(&self) -> Option<&'static str> {
        self.district_code
            .as_deref()
            .and_then(zhiyun_domain::district::by_code)
            .map(|d| d.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Practitioner {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
    pub created_at: i64,
}

impl Practitioner {
    pub fn holds_both_certificates(&self) -> bool {
        self.patent_attorney_cert.is_some() && self.tech_broker_cert.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Part of the name, or of the USCC.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    pub district_code: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

const COLUMNS: &str = "id, kind, name, uscc, district_code, address, size_class, hte_certificate,
    hte_issue_year, employees, revenue_fen, created_at, updated_at";

fn uscc_taken(uscc: &str) -> StoreError {
    StoreError::Conflict {
        code: Code::UsccTaken,
        field: Some("uscc"),
        message: format!("统一社会信用代码 {uscc} 已被其他机构使用"),
    }
}

/// The values bound for a record, in column order (kind … revenue_fen).
struct Values {
    kind: &'static str,
    name: String,
    uscc: Option<String>,
    district_code: Option<&'static str>,
    address: Option<String>,
    size_class: Option<&'static str>,
    hte_certificate: Option<String>,
    hte_issue_year: Option<i64>,
    employees: Option<i64>,
    revenue_fen: Option<i64>,
}

impl From<&OrgRecord> for Values {
    fn from(r: &OrgRecord) -> Values {
        let e = r.enterprise.as_ref();
        Values {
            kind: r.kind.slug(),
            name: r.name.clone(),
            uscc: r.uscc.as_ref().map(|u| u.to_string()),
            district_code: r.district.map(|d| d.code),
            address: r.address.clone(),
            size_class: e.map(|e| e.size_class.slug()),
            hte_certificate: e.and_then(|e| e.hte_certificate.as_ref().map(|c| c.to_string())),
            hte_issue_year: e.and_then(|e| e.hte_issue_year()).map(i64::from),
            employees: e.and_then(|e| e.employees).map(i64::from),
            revenue_fen: e.and_then(|e| e.revenue).map(|f| f.fen()),
        }
    }
}

impl Db {
    pub async fn org_create(&self, rec: &OrgRecord, who: &Who) -> Result<Org> {
        let v = Values::from(rec);
        let ts = now();
        let sql = format!(
            "INSERT INTO organisations (kind, name, uscc, district_code, address, size_class, hte_certificate,
               hte_issue_year, employees, revenue_fen, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let org = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(v.kind)
                .bind(&v.name)
                .bind(&v.uscc)
                .bind(v.district_code)
                .bind(&v.address)
                .bind(v.size_class)
                .bind(&v.hte_certificate)
                .bind(v.hte_issue_year)
                .bind(v.employees)
                .bind(v.revenue_fen)
                .bind(ts)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { uscc_taken(v.uscc.as_deref().unwrap_or("")) } else { e.into() })?;
            let org = Org::try_from(org)?;
            audit!(tx, who, "create", "organisation", org.id, None::<&Org>, Some(&org));
            tx.commit().await?;
            Ok(org)
        })
    }

    pub async fn org_update(&self, id: i64, rec: &OrgRecord, who: &Who) -> Result<Org> {
        let v = Values::from(rec);
        let sql = format!(
            "UPDATE organisations SET kind = $1, name = $2, uscc = $3, district_code = $4, address = $5,
               size_class = $6, hte_certificate = $7, hte_issue_year = $8, employees = $9, revenue_fen = $10,
               updated_at = $11
             WHERE id = $12 RETURNING {COLUMNS}"
        );
        let select = format!("SELECT {COLUMNS} FROM organisations WHERE id = $1");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)
                .and_then(Org::try_from)?;
            let org = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(v.kind)
                .bind(&v.name)
                .bind(&v.uscc)
                .bind(v.district_code)
                .bind(&v.address)
                .bind(v.size_class)
                .bind(&v.hte_certificate)
                .bind(v.hte_issue_year)
                .bind(v.employees)
                .bind(v.revenue_fen)
                .bind(now())
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) { uscc_taken(v.uscc.as_deref().unwrap_or("")) } else { e.into() })?;
            let org = Org::try_from(org)?;
            if before.kind != org.kind {
                // K4 reads the giving party's kind from the kept deal figures.
                let receivers: Vec<i64> =
                    sqlx::query_scalar("SELECT DISTINCT to_org_id FROM deals WHERE from_org_id = $1")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await?;
                for to in receivers {
                    crate::kpi_sums::refresh_deal_sums!(self, tx, to);
                }
            }
            audit!(tx, who, "update", "organisation", id, Some(&before), Some(&org));
            tx.commit().await?;
            Ok(org)
        })
    }

    pub async fn org_get(&self, id: i64) -> Result<Org> {
        let sql = format!("SELECT {COLUMNS} FROM organisations WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(Org::try_from))
    }

    /// Names of organisations by id (ids not found are left out).
    pub async fn org_names(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, name FROM organisations WHERE id IN ({})",
                marks.join(", ")
            );
            on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                out.extend(q.fetch_all(p).await?);
            });
        }
        Ok(out)
    }

    pub async fn org_by_uscc(&self, uscc: &str) -> Result<Option<Org>> {
        let sql = format!("SELECT {COLUMNS} FROM organisations WHERE uscc = $1");
        on_pool!(self, p => sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(uscc)
            .fetch_optional(p)
            .await?
            .map(Org::try_from)
            .transpose())
    }

    /// Filtered page of the registry, by name; returns the total count too.
    pub async fn org_list(&self, f: &OrgFilter) -> Result<(i64, Vec<Org>)> {
        const WHERE: &str =
            "WHERE ($1 IS NULL OR LOWER(name) LIKE $1 ESCAPE '\\' OR uscc LIKE $2 ESCAPE '\\')
              AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR district_code = $4)";
        let pattern =
            f.q.as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| like_pattern(&q.to_lowercase()));
        let uscc_pattern = pattern.as_ref().map(|p| p.to_uppercase());
        let kind = f.kind.map(OrgKind::slug);
        let count_sql = format!("SELECT COUNT(*) FROM organisations {WHERE}");
        let list_sql = format!(
            "SELECT {COLUMNS} FROM organisations {WHERE} ORDER BY kind, name, id LIMIT $5 OFFSET $6"
        );
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
        on_pool!(self, p => {
            let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(&pattern)
                .bind(&uscc_pattern)
                .bind(kind)
                .bind(f.district_code.as_deref())
                .fetch_one(p)
                .await?;
            let rows = sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(list_sql.as_str()))
                .bind(&pattern)
                .bind(&uscc_pattern)
                .bind(kind)
                .bind(f.district_code.as_deref())
                .bind(limit)
                .bind(f.offset.max(0))
                .fetch_all(p)
                .await?;
            Ok((total, decode(rows)?))
        })
    }

    /// Count of organisations by kind, for the home pages.
    pub async fn org_counts(&self) -> Result<Vec<(String, i64)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (String, i64)>(
            "SELECT kind, COUNT(*) FROM organisations GROUP BY kind ORDER BY kind")
            .fetch_all(p)
            .await?))
    }

    pub async fn practitioner_list(&self, org_id: i64) -> Result<Vec<Practitioner>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, Practitioner>(
            "SELECT id, org_id, name, patent_attorney_cert, tech_broker_cert, created_at
             FROM practitioners WHERE org_id = $1 ORDER BY id")
            .bind(org_id)
            .fetch_all(p)
            .await?))
    }

    pub async fn practitioner_add(
        &self,
        org_id: i64,
        rec: &PractitionerRecord,
        who: &Who,
    ) -> Result<Practitioner> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1")
                .bind(org_id)
                .fetch_optional(&mut *tx)
                .await?;
            match kind.as_deref().map(|k| (k, OrgKind::parse(k))) {
                None => return Err(StoreError::NotFound),
                Some((_, Some(OrgKind::Agency))) => {}
                Some((k, None)) => return Err(StoreError::Corrupt {
                    entity: "organisation",
                    id: org_id,
                    detail: format!("kind {k:?}"),
                }),
                Some(_) => return Err(StoreError::Conflict {
                    code: Code::NotAnAgency,
                    field: None,
                    message: "只有知识产权服务机构可以登记从业人员".to_string(),
                }),
            }
            let row = sqlx::query_as::<_, Practitioner>(
                "INSERT INTO practitioners (org_id, name, patent_attorney_cert, tech_broker_cert, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 RETURNING id, org_id, name, patent_attorney_cert, tech_broker_cert, created_at")
                .bind(org_id)
                .bind(&rec.name)
                .bind(&rec.patent_attorney_cert)
                .bind(&rec.tech_broker_cert)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "create", "practitioner", row.id, None::<&Practitioner>, Some(&row));
            tx.commit().await?;
            Ok(row)
        })
    }

    pub async fn practitioner_remove(&self, org_id: i64, id: i64, who: &Who) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, Practitioner>(
                "DELETE FROM practitioners WHERE id = $1 AND org_id = $2
                 RETURNING id, org_id, name, patent_attorney_cert, tech_broker_cert, created_at")
                .bind(id)
                .bind(org_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            audit!(tx, who, "delete", "practitioner", id, Some(&row), None::<&Practitioner>);
            tx.commit().await?;
            Ok(())
        })
    }
}

/// `%text%` with LIKE's wildcards escaped.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut s = String::with_capacity(q.len() + 2);
    s.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// What the district figures need of each enterprise.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnterpriseFacts {
    pub district_code: Option<String>,
    pub size_class: Option<String>,
    pub hte_certificate: Option<String>,
}

impl Db {
    /// Every enterprise's district, size class and certificate (optionally one district).
    pub async fn enterprise_facts(&self, district: Option<&str>) -> Result<Vec<EnterpriseFacts>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, EnterpriseFacts>(
            "SELECT district_code, size_class, hte_certificate FROM organisations
             WHERE kind = 'enterprise' AND ($1 IS NULL OR district_code = $1)")
            .bind(district)
            .fetch_all(p)
            .await?))
    }
}
