//! T8 reports to the municipal bureau (issue 16): the yearly deadline, the operator's sections per
//! district and year, the submitted package with its frozen KPI figures and its files, and the
//! bureau's review. Every write is one transaction with its audit entry; a review changes a
//! package only if it is still waiting (a conditional `UPDATE`), so two reviews cannot both land.

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::bureau_report::{Sections, Status};
use zhiyun_domain::code::Code;
use zhiyun_domain::district;

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool};

const DATE: &str = "%Y-%m-%d";

fn corrupt(id: i64, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        entity: "bureau_report_package",
        id,
        detail: detail.to_string(),
    }
}

/// A file of a package as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// `work_report`, `statistics`, `survey_report`.
    pub kind: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What a submission writes.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub district_code: &'a str,
    pub year: i32,
    pub late: bool,
    /// Unix seconds, from the context's clock.
    pub at: i64,
    pub snapshot_json: &'a str,
    pub files: &'a [PackageFile],
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PackageRow {
    id: i64,
    district_code: String,
    year: i64,
    status: String,
    late: i64,
    submissions: i64,
    submitted_at: i64,
    submitted_by: i64,
    submitted_by_name: Option<String>,
    snapshot_json: String,
    review_comment: Option<String>,
    reviewed_at: Option<i64>,
    reviewed_by_name: Option<String>,
}

/// A package as stored (without its files' bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRecord {
    pub id: i64,
    pub district_code: &'static str,
    pub year: i32,
    pub status: Status,
    pub late: bool,
    pub submissions: u32,
    pub submitted_at: i64,
    pub submitted_by: i64,
    pub submitted_by_name: String,
    #[serde(skip)]
    pub snapshot_json: String,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by_name: Option<String>,
    /// (kind, filename) of the files sent.
    pub files: Vec<(String, String)>,
}

impl PackageRecord {
    fn of(r: PackageRow, files: Vec<(String, String)>) -> Result<PackageRecord> {
        let id = r.id;
        Ok(PackageRecord {
            id,
            district_code: district::by_code(&r.district_code)
                .map(|d| d.code)
                .ok_or_else(|| corrupt(id, format!("district {}", r.district_code)))?,
            year: i32::try_from(r.year).map_err(|_| corrupt(id, format!("year {}", r.year)))?,
            status: Status::parse(&r.status)
                .ok_or_else(|| corrupt(id, format!("status {}", r.status)))?,
            late: r.late != 0,
            submissions: u32::try_from(r.submissions)
                .map_err(|_| corrupt(id, format!("submissions {}", r.submissions)))?,
            submitted_at: r.submitted_at,
            submitted_by: r.submitted_by,
            submitted_by_name: r.submitted_by_name.unwrap_or_default(),
            snapshot_json: r.snapshot_json,
            review_comment: r.review_comment,
            reviewed_at: r.reviewed_at,
            reviewed_by_name: r.reviewed_by_name,
            files,
        })
    }
}

const PACKAGE_SELECT: &str =
    "SELECT p.id, p.district_code, p.year, p.status, p.late, p.submissions,
       p.submitted_at, p.submitted_by, u.username AS submitted_by_name, p.snapshot_json,
       p.review_comment, p.reviewed_at, r.username AS reviewed_by_name
  FROM bureau_report_packages p
  LEFT JOIN users u ON u.id = p.submitted_by
  LEFT JOIN users r ON r.id = p.reviewed_by";

/// What the audit log keeps of a submission or review.
#[derive(Debug, Serialize)]
struct PackageAudit<'a> {
    district_code: &'a str,
    year: i32,
    status: &'a str,
    late: bool,
    files: Vec<&'a str>,
    comment: Option<&'a str>,
}

impl Db {
    /// The bureau's deadline for the reports of `year`.
    pub async fn bureau_deadline(&self, year: i32) -> Result<Option<NaiveDate>> {
        let s: Option<String> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT due_on FROM bureau_report_deadlines WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(p)
            .await?);
        s.map(|s| {
            NaiveDate::parse_from_str(&s, DATE).map_err(|e| StoreError::Corrupt {
                entity: "bureau_report_deadline",
                id: i64::from(year),
                detail: format!("{s:?}: {e}"),
            })
        })
        .transpose()
    }

    /// Set (or move) the deadline of `year`.
    pub async fn bureau_deadline_set(
        &self,
        year: i32,
        due_on: NaiveDate,
        at: i64,
        who: &Who,
    ) -> Result<()> {
        let before = self.bureau_deadline(year).await?;
        let due = due_on.format(DATE).to_string();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO bureau_report_deadlines (year, due_on, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (year) DO UPDATE SET due_on = excluded.due_on, updated_at = excluded.updated_at",
            )
            .bind(i64::from(year))
            .bind(&due)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let before = before.map(|d| d.format(DATE).to_string());
            audit!(tx, who, "set_deadline", "bureau_report_deadline", year, before.as_ref(), Some(&due));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The operator's sections of a district's work report for a year (empty when not written).
    pub async fn bureau_sections(&self, district_code: &str, year: i32) -> Result<Sections> {
        let row: Option<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT problems, plan FROM bureau_report_drafts WHERE district_code = $1 AND year = $2")
            .bind(district_code)
            .bind(i64::from(year))
            .fetch_optional(p)
            .await?);
        Ok(row
            .map(|(problems, plan)| Sections { problems, plan })
            .unwrap_or_default())
    }

    /// Save the sections (replacing what was there).
    pub async fn bureau_sections_put(
        &self,
        district_code: &str,
        year: i32,
        s: &Sections,
        at: i64,
        who: &Who,
    ) -> Result<()> {
        let before = self.bureau_sections(district_code, year).await?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO bureau_report_drafts (district_code, year, problems, plan, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (district_code, year) DO UPDATE SET problems = excluded.problems,
                   plan = excluded.plan, updated_at = excluded.updated_at",
            )
            .bind(district_code)
            .bind(i64::from(year))
            .bind(&s.problems)
            .bind(&s.plan)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let id = format!("{district_code}/{year}");
            audit!(tx, who, "update", "bureau_report_draft", id, Some(&before), Some(s));
            tx.commit().await?;
        });
        Ok(())
    }

    async fn package_files(&self, ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        let mut out = Vec::new();
        for id in ids {
            let rows: Vec<(i64, String, String)> = on_pool!(self, p => sqlx::query_as(
                "SELECT package_id, kind, filename FROM bureau_report_files WHERE package_id = $1
                 ORDER BY kind")
                .bind(*id)
                .fetch_all(p)
                .await?);
            out.extend(rows);
        }
        Ok(out)
    }

    async fn packages(&self, rows: Vec<PackageRow>) -> Result<Vec<PackageRecord>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let files = self.package_files(&ids).await?;
        rows.into_iter()
            .map(|r| {
                let f = files
                    .iter()
                    .filter(|(id, _, _)| *id == r.id)
                    .map(|(_, k, n)| (k.clone(), n.clone()))
                    .collect();
                PackageRecord::of(r, f)
            })
            .collect()
    }

    /// A district's package of a year, if it was ever submitted.
    pub async fn bureau_package(
        &self,
        district_code: &str,
        year: i32,
    ) -> Result<Option<PackageRecord>> {
        let sql = format!("{PACKAGE_SELECT} WHERE p.district_code = $1 AND p.year = $2");
        let rows = on_pool!(self, p => sqlx::query_as::<_, PackageRow>(sqlx::AssertSqlSafe(sql))
            .bind(district_code)
            .bind(i64::from(year))
            .fetch_all(p)
            .await?);
        Ok(self.packages(rows).await?.into_iter().next())
    }

    /// Every district's package of a year, by district code.
    pub async fn bureau_packages(&self, year: i32) -> Result<Vec<PackageRecord>> {
        let sql = format!("{PACKAGE_SELECT} WHERE p.year = $1 ORDER BY p.district_code");
        let rows = on_pool!(self, p => sqlx::query_as::<_, PackageRow>(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(year))
            .fetch_all(p)
            .await?);
        self.packages(rows).await
    }

    /// A file of a package.
    pub async fn bureau_package_file(&self, package_id: i64, kind: &str) -> Result<PackageFile> {
        let row: Option<(String, String, Vec<u8>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT kind, filename, bytes FROM bureau_report_files WHERE package_id = $1 AND kind = $2")
            .bind(package_id)
            .bind(kind)
            .fetch_optional(p)
            .await?);
        let (kind, filename, bytes) = row.ok_or(StoreError::NotFound)?;
        Ok(PackageFile {
            kind,
            filename,
            bytes,
        })
    }

    /// Submit a package: the first time a new row, after a return the same row again (only if
    /// it is still returned: `StoreError::Conflict` otherwise), its files replaced, its figures
    /// frozen anew, the review cleared.
    pub async fn bureau_submit(&self, s: &NewSubmission<'_>, who: &Who) -> Result<PackageRecord> {
        let user_id = who.user_id.unwrap_or_default();
        let late = i64::from(s.late);
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let existing: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, status FROM bureau_report_packages WHERE district_code = $1 AND year = $2",
            )
            .bind(s.district_code)
            .bind(i64::from(s.year))
            .fetch_optional(&mut *tx)
            .await?;
            let id = match existing {
                None => sqlx::query_scalar::<_, i64>(
                    "INSERT INTO bureau_report_packages (district_code, year, status, late,
                       submissions, submitted_at, submitted_by, snapshot_json)
                     VALUES ($1, $2, 'submitted', $3, 1, $4, $5, $6) RETURNING id",
                )
                .bind(s.district_code)
                .bind(i64::from(s.year))
                .bind(late)
                .bind(s.at)
                .bind(user_id)
                .bind(s.snapshot_json)
                .fetch_one(&mut *tx)
                .await?,
                Some((id, _)) => {
                    let done = sqlx::query(
                        "UPDATE bureau_report_packages SET status = 'submitted', late = $1,
                           submissions = submissions + 1, submitted_at = $2, submitted_by = $3,
                           snapshot_json = $4, review_comment = NULL, reviewed_at = NULL,
                           reviewed_by = NULL
                         WHERE id = $5 AND status = 'returned'",
                    )
                    .bind(late)
                    .bind(s.at)
                    .bind(user_id)
                    .bind(s.snapshot_json)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict {
                            code: Code::PackageSubmitted,
                            field: None,
                            message: "该年度材料已报送，等待市局审核".into(),
                        });
                    }
                    sqlx::query("DELETE FROM bureau_report_files WHERE package_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
            };
            for f in s.files {
                sqlx::query(
                    "INSERT INTO bureau_report_files (package_id, kind, filename, bytes)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&f.kind)
                .bind(&f.filename)
                .bind(&f.bytes)
                .execute(&mut *tx)
                .await?;
            }
            let after = PackageAudit {
                district_code: s.district_code,
                year: s.year,
                status: Status::Submitted.slug(),
                late: s.late,
                files: s.files.iter().map(|f| f.kind.as_str()).collect(),
                comment: None,
            };
            audit!(tx, who, "submit", "bureau_report_package", id, None::<&()>, Some(&after));
            tx.commit().await?;
        });
        self.bureau_package(s.district_code, s.year)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The bureau's review: only a package still submitted changes (`StoreError::Conflict`
    /// otherwise).
    pub async fn bureau_review(
        &self,
        package_id: i64,
        to: Status,
        comment: Option<&str>,
        at: i64,
        who: &Who,
    ) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE bureau_report_packages SET status = $1, review_comment = $2,
                   reviewed_at = $3, reviewed_by = $4
                 WHERE id = $5 AND status = 'submitted'",
            )
            .bind(to.slug())
            .bind(comment)
            .bind(at)
            .bind(who.user_id)
            .bind(package_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    code: Code::PackageNotSubmitted,
                    field: None,
                    message: "该材料不在待审核状态".into(),
                });
            }
            audit!(tx, who, to.slug(), "bureau_report_package", package_id,
                None::<&()>, Some(&comment));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// An event of a district's year, with its registrations and attendance.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventLine {
    pub id: i64,
    /// `matchmaking`, `bank_enterprise`, `training`.
    pub kind: String,
    pub title: String,
    /// Local time, `YYYY-MM-DDTHH:MM:SS`.
    pub starts_at: String,
    pub organiser: String,
    pub registered: i64,
    pub attended: i64,
    pub meetings: i64,
}

/// What a district did in a year that the work report counts and the deals, pledges and
/// surveys modules do not already give: listings published (T1, T2), owners' interest in
/// suggested pairs (T3), events with attendance (T3, T5, T7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub demand_published: i64,
    pub supply_published: i64,
    /// (kind, title) of a few listings published that year, newest first.
    pub listing_examples: Vec<(String, String)>,
    /// Suggested pairs an owner of the district marked `interested`.
    pub interested_pairs: i64,
    pub events: Vec<EventLine>,
}

impl Db {
    /// The district's activity between `from` and `to` (unix seconds, `to` excluded) in `year`.
    pub async fn bureau_activity(
        &self,
        district_code: &str,
        year: i32,
        from: i64,
        to: i64,
    ) -> Result<Activity> {
        let counts: Vec<(String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT kind, COUNT(*) FROM listings
             WHERE district_code = $1 AND published_at >= $2 AND published_at < $3 GROUP BY kind")
            .bind(district_code)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?);
        let n = |k: &str| counts.iter().find(|(x, _)| x == k).map_or(0, |(_, n)| *n);
        let listing_examples: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT kind, title FROM listings
             WHERE district_code = $1 AND published_at >= $2 AND published_at < $3
             ORDER BY published_at DESC, id DESC LIMIT 4")
            .bind(district_code)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?);
        let interested_pairs: i64 = on_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM match_feedback f JOIN listings d ON d.id = f.demand_id
             WHERE d.district_code = $1 AND f.at >= $2 AND f.at < $3 AND f.verdict = 'interested'")
            .bind(district_code)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await?);
        let events: Vec<EventLine> = on_pool!(self, p => sqlx::query_as(
            "SELECT e.id, e.kind, e.title, e.starts_at, o.name AS organiser,
               (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id) AS registered,
               (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.attended = 1)
                 AS attended,
               (SELECT COUNT(*) FROM event_meetings m WHERE m.event_id = e.id) AS meetings
             FROM events e JOIN organisations o ON o.id = e.organiser_org_id
             WHERE o.district_code = $1 AND e.cancelled = 0 AND e.starts_at >= $2 AND e.starts_at < $3
             ORDER BY e.starts_at, e.id")
            .bind(district_code)
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{:04}-01-01", year + 1))
            .fetch_all(p)
            .await?);
        Ok(Activity {
            demand_published: n("demand"),
            supply_published: n("supply"),
            listing_examples,
            interested_pairs,
            events,
        })
    }
}

impl Db {
    /// The name of a district's cluster operator (the first registered), who signs its reports.
    pub async fn bureau_operator_name(&self, district_code: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, p => sqlx::query_scalar(
            "SELECT name FROM organisations WHERE kind = 'park_operator' AND district_code = $1
             ORDER BY id LIMIT 1")
            .bind(district_code)
            .fetch_optional(p)
            .await?))
    }
}
