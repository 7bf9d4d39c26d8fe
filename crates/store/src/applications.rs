//! Application rounds, park applications, their reviews and attachments: persistence only. The
//! lifecycle, the review state machine and A5's limit are the domain's
//! (`zhiyun_domain::application`); the store applies them inside its transactions.
//!
//! An application's body is stored as the JSON the operator gave (`ApplicationInput`), so a draft
//! may be incomplete; the agencies it names are kept beside it in `application_agencies` so that
//! A5's limit across applications is one query, run inside the submitting transaction with the
//! statuses the domain says count. Rows are decoded once into typed records; a row that does not
//! decode is [`StoreError::Corrupt`].

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::application::cluster_limit::{agencies, counted_statuses};
use zhiyun_domain::application::{
    AppStatus, Application, ApplicationInput, OperatorAction, OtherApplication, Part, Refusal,
    ReviewAction, check_input,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::policy::ApplicationScope;

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> StoreError {
        StoreError::Conflict {
            code: r.code,
            field: r.field,
            message: r.message,
        }
    }
}

fn corrupt(entity: &'static str, id: i64, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        entity,
        id,
        detail: detail.into(),
    }
}

fn year_of(entity: &'static str, id: i64, year: i64) -> Result<i32> {
    i32::try_from(year).map_err(|_| corrupt(entity, id, format!("year {year}")))
}

// ---------- rounds ----------

/// An application round: one per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundRecord {
    pub id: i64,
    pub year: i32,
    /// The last day to submit.
    pub deadline: NaiveDate,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct RoundRow {
    id: i64,
    year: i64,
    deadline: String,
    created_at: i64,
}

impl TryFrom<RoundRow> for RoundRecord {
    type Error = StoreError;
    fn try_from(r: RoundRow) -> Result<RoundRecord> {
        Ok(RoundRecord {
            id: r.id,
            year: year_of("round", r.id, r.year)?,
            deadline: NaiveDate::parse_from_str(&r.deadline, "%Y-%m-%d")
                .map_err(|_| corrupt("round", r.id, format!("deadline {:?}", r.deadline)))?,
            created_at: r.created_at,
        })
    }
}

const ROUND_COLUMNS: &str = "id, year, deadline, created_at";

// ---------- applications ----------

/// A park application as stored: the input as given and that input checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationRecord {
    pub id: i64,
    pub round_year: i32,
    pub operator_org_id: i64,
    pub status: AppStatus,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    /// The application as entered.
    pub input: ApplicationInput,
    /// The same, checked (`check_input`): what the rules judge.
    pub app: Application,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ApplicationRecord {
    /// What the access policy needs to know of this application.
    pub fn scope(&self) -> ApplicationScope<'_> {
        ApplicationScope {
            operator_org_id: self.operator_org_id,
            district: self.district_code.as_deref(),
            draft: self.status == AppStatus::Draft,
        }
    }
}

/// The stored columns (also what the audit log keeps).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct AppRow {
    id: i64,
    round_year: i64,
    operator_org_id: i64,
    status: String,
    park_name: Option<String>,
    district_code: Option<String>,
    body_json: String,
    submitted_at: Option<i64>,
    decided_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl AppRow {
    fn status(&self) -> Result<AppStatus> {
        AppStatus::parse(&self.status)
            .ok_or_else(|| corrupt("application", self.id, format!("status {:?}", self.status)))
    }
}

impl TryFrom<&AppRow> for ApplicationRecord {
    type Error = StoreError;
    fn try_from(r: &AppRow) -> Result<ApplicationRecord> {
        let bad = |detail: String| corrupt("application", r.id, detail);
        let status = r.status()?;
        let input: ApplicationInput =
            serde_json::from_str(&r.body_json).map_err(|e| bad(format!("body: {e}")))?;
        let app = check_input(&input).map_err(|errs| {
            bad(format!(
                "body no longer checks: {}",
                errs.iter()
                    .map(|e| format!("{} {}", e.field, e.code))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        Ok(ApplicationRecord {
            id: r.id,
            round_year: year_of("application", r.id, r.round_year)?,
            operator_org_id: r.operator_org_id,
            status,
            park_name: r.park_name.clone(),
            district_code: r.district_code.clone(),
            input,
            app,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn decode_apps(rows: &[AppRow]) -> Result<Vec<ApplicationRecord>> {
    rows.iter().map(ApplicationRecord::try_from).collect()
}

const APP_COLUMNS: &str =
    "id, round_year, operator_org_id, status, park_name, district_code, body_json,
    submitted_at, decided_at, created_at, updated_at";

/// What is saved with an application body: denormalised fields for lists and the agencies it names.
#[derive(Debug, Clone, Default)]
pub struct AppSave {
    pub body: ApplicationInput,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    /// (USCC, name) of each agency partner, once each.
    pub agencies: Vec<(String, String)>,
}

impl AppSave {
    /// The input as given, with the park's name and district and the agencies it names (as A5
    /// counts them) from the checked application.
    pub fn new(input: &ApplicationInput, app: &Application) -> AppSave {
        AppSave {
            body: input.clone(),
            park_name: app.park.name.clone(),
            district_code: app.park.district.map(|d| d.code.to_string()),
            agencies: agencies(app),
        }
    }

    fn body_json(&self) -> Result<String> {
        Ok(serde_json::to_string(&self.body)?)
    }
}

#[derive(Debug, Clone, Default)]
pub struct AppFilter {
    pub round_year: Option<i32>,
}

/// The other applications of round $1 that count for A5 (the statuses the domain names, bound
/// from $3 on) and name any agency that application $2 names.
fn a5_others_sql() -> String {
    let statuses: Vec<String> = (0..counted_statuses().len())
        .map(|i| format!("${}", i + 3))
        .collect();
    format!(
        "SELECT a.id, COALESCE(a.park_name, ''), g.agency_uscc FROM application_agencies g
         JOIN applications a ON a.id = g.application_id
         WHERE a.round_year = $1 AND a.id <> $2
           AND a.status IN ({})
           AND g.agency_uscc IN (SELECT agency_uscc FROM application_agencies WHERE application_id = $2)
         ORDER BY a.id",
        statuses.join(", ")
    )
}

/// The A5 query over `$sql` (from [`a5_others_sql`]) with its parameters bound.
macro_rules! a5_others_query {
    ($sql:expr, $round_year:expr, $id:expr) => {{
        let mut q = sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe($sql))
            .bind(i64::from($round_year))
            .bind($id);
        for s in counted_statuses() {
            q = q.bind(s.slug());
        }
        q
    }};
}

fn other_applications(rows: Vec<(i64, String, String)>) -> Vec<OtherApplication> {
    rows.into_iter()
        .map(|(id, park_name, agency_uscc)| OtherApplication {
            id,
            park_name,
            agency_uscc,
        })
        .collect()
}

// ---------- reviews and attachments ----------

/// One entry of an application's review record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub id: i64,
    pub application_id: i64,
    pub action: ReviewAction,
    pub comment: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub org_name: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    application_id: i64,
    /// `rule` (a decision on one check), `decision` (on the whole), `comment`.
    kind: String,
    rule: Option<String>,
    status: Option<String>,
    decision: Option<String>,
    comment: String,
    user_id: Option<i64>,
    username: String,
    org_name: String,
    at: i64,
}

impl TryFrom<ReviewRow> for ReviewRecord {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> Result<ReviewRecord> {
        let action = ReviewAction::from_parts(
            &r.kind,
            r.rule.as_deref(),
            r.status.as_deref(),
            r.decision.as_deref(),
        )
        .ok_or_else(|| {
            corrupt(
                "review",
                r.id,
                format!(
                    "kind {:?} rule {:?} status {:?} decision {:?}",
                    r.kind, r.rule, r.status, r.decision
                ),
            )
        })?;
        Ok(ReviewRecord {
            id: r.id,
            application_id: r.application_id,
            action,
            comment: r.comment,
            user_id: r.user_id,
            username: r.username,
            org_name: r.org_name,
            at: r.at,
        })
    }
}

const REVIEW_COLUMNS: &str =
    "id, application_id, kind, rule, status, decision, comment, user_id, username, org_name, at";

#[derive(Debug, Clone)]
pub struct NewReview {
    pub action: ReviewAction,
    pub comment: String,
    /// The reviewer's organisation, as shown in the record.
    pub org_name: String,
}

/// A supporting document's metadata (its bytes are read separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: i64,
    pub application_id: i64,
    pub part: Part,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub username: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    application_id: i64,
    part: String,
    filename: String,
    content_type: String,
    size: i64,
    username: String,
    at: i64,
}

impl TryFrom<AttachmentRow> for AttachmentRecord {
    type Error = StoreError;
    fn try_from(r: AttachmentRow) -> Result<AttachmentRecord> {
        Ok(AttachmentRecord {
            id: r.id,
            application_id: r.application_id,
            part: Part::parse(&r.part)
                .ok_or_else(|| corrupt("attachment", r.id, format!("part {:?}", r.part)))?,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            username: r.username,
            at: r.at,
        })
    }
}

const ATTACHMENT_COLUMNS: &str =
    "id, application_id, part, filename, content_type, size, username, at";

/// A supporting document to store.
#[derive(Debug, Clone, Copy)]
pub struct NewAttachment<'a> {
    pub part: Part,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

fn decode<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

impl Db {
    pub async fn round_create(
        &self,
        year: i32,
        deadline: NaiveDate,
        at: i64,
        who: &Who,
    ) -> Result<RoundRecord> {
        let sql = format!(
            "INSERT INTO rounds (year, deadline, created_at) VALUES ($1, $2, $3) RETURNING {ROUND_COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, RoundRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(i64::from(year))
                .bind(deadline.format("%Y-%m-%d").to_string())
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) {
                    StoreError::Conflict { code: Code::RoundExists, field: Some("year"), message: format!("{year} 年度的申报轮次已存在") }
                } else { e.into() })?;
            audit!(tx, who, "create", "round", row.id, None::<&RoundRow>, Some(&row));
            tx.commit().await?;
            RoundRecord::try_from(row)
        })
    }

    /// Every round, newest first.
    pub async fn round_list(&self) -> Result<Vec<RoundRecord>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds ORDER BY year DESC");
        let rows: Vec<RoundRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(p).await?);
        decode(rows)
    }

    pub async fn round_get(&self, year: i32) -> Result<Option<RoundRecord>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE year = $1");
        let row: Option<RoundRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(i64::from(year))
            .fetch_optional(p).await?);
        row.map(RoundRecord::try_from).transpose()
    }

    /// A new draft of `operator_org_id` for the round of `round_year` (refused when there is none).
    pub async fn application_create(
        &self,
        round_year: i32,
        operator_org_id: i64,
        save: &AppSave,
        at: i64,
        who: &Who,
    ) -> Result<ApplicationRecord> {
        let body_json = save.body_json()?;
        let sql = format!(
            "INSERT INTO applications (round_year, operator_org_id, status, park_name, district_code, body_json, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {APP_COLUMNS}");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let round: Option<i64> = sqlx::query_scalar("SELECT id FROM rounds WHERE year = $1")
                .bind(i64::from(round_year)).fetch_optional(&mut *tx).await?;
            if round.is_none() {
                return Err(StoreError::Conflict { code: Code::UnknownRound, field: Some("round_year"), message: format!("{round_year} 年度尚未开放申报") });
            }
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(i64::from(round_year)).bind(operator_org_id).bind(AppStatus::Draft.slug())
                .bind(&save.park_name).bind(&save.district_code).bind(&body_json).bind(at)
                .fetch_one(&mut *tx).await?;
            let record = ApplicationRecord::try_from(&row)?;
            for (uscc, name) in &save.agencies {
                sqlx::query("INSERT INTO application_agencies (application_id, agency_uscc, agency_name) VALUES ($1, $2, $3)
                             ON CONFLICT (application_id, agency_uscc) DO NOTHING")
                    .bind(row.id).bind(uscc).bind(name).execute(&mut *tx).await?;
            }
            audit!(tx, who, "create", "application", row.id, None::<&AppRow>, Some(&row));
            tx.commit().await?;
            Ok(record)
        })
    }

    /// Replace the body of a draft (or of one returned for correction).
    pub async fn application_update(
        &self,
        id: i64,
        save: &AppSave,
        at: i64,
        who: &Who,
    ) -> Result<ApplicationRecord> {
        let body_json = save.body_json()?;
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let update = format!(
            "UPDATE applications SET park_name = $1, district_code = $2, body_json = $3, updated_at = $4
             WHERE id = $5 RETURNING {APP_COLUMNS}");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            before.status()?.allows(OperatorAction::Edit)?;
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(update.as_str()))
                .bind(&save.park_name).bind(&save.district_code).bind(&body_json).bind(at).bind(id)
                .fetch_one(&mut *tx).await?;
            let record = ApplicationRecord::try_from(&row)?;
            sqlx::query("DELETE FROM application_agencies WHERE application_id = $1").bind(id).execute(&mut *tx).await?;
            for (uscc, name) in &save.agencies {
                sqlx::query("INSERT INTO application_agencies (application_id, agency_uscc, agency_name) VALUES ($1, $2, $3)
                             ON CONFLICT (application_id, agency_uscc) DO NOTHING")
                    .bind(id).bind(uscc).bind(name).execute(&mut *tx).await?;
            }
            audit!(tx, who, "update", "application", id, Some(&before), Some(&row));
            tx.commit().await?;
            Ok(record)
        })
    }

    pub async fn application_get(&self, id: i64) -> Result<ApplicationRecord> {
        let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let row: AppRow = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id).fetch_optional(p).await?.ok_or(StoreError::NotFound)?);
        ApplicationRecord::try_from(&row)
    }

    /// Applications by round (newest first), then by id.
    pub async fn application_list(&self, f: &AppFilter) -> Result<Vec<ApplicationRecord>> {
        let sql = format!(
            "SELECT {APP_COLUMNS} FROM applications WHERE ($1 IS NULL OR round_year = $1)
             ORDER BY round_year DESC, id"
        );
        let rows: Vec<AppRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(f.round_year.map(i64::from))
            .fetch_all(p).await?);
        decode_apps(&rows)
    }

    /// The number of applications past the draft stage, per round year.
    pub async fn application_submitted_counts(&self) -> Result<Vec<(i32, i64)>> {
        let rows: Vec<(i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT round_year, COUNT(*) FROM applications WHERE status <> $1 GROUP BY round_year")
            .bind(AppStatus::Draft.slug())
            .fetch_all(p).await?);
        rows.into_iter()
            .map(|(year, n)| Ok((year_of("application", 0, year)?, n)))
            .collect()
    }

    /// Other applications of the round that count for A5 and name any agency this one names.
    pub async fn a5_other_applications(
        &self,
        round_year: i32,
        id: i64,
    ) -> Result<Vec<OtherApplication>> {
        let sql = a5_others_sql();
        let rows: Vec<(i64, String, String)> = on_pool!(self, p => a5_others_query!(sql.as_str(), round_year, id)
            .fetch_all(p)
            .await?);
        Ok(other_applications(rows))
    }

    /// Submit: within one write transaction (the round's row locked on Postgres), the status must
    /// still allow it and `decide` sees the other applications naming this one's agencies and may
    /// refuse; otherwise the status becomes `submitted` at `at`.
    pub async fn application_submit<F>(
        &self,
        id: i64,
        at: i64,
        who: &Who,
        decide: F,
    ) -> Result<ApplicationRecord>
    where
        F: FnOnce(&ApplicationRecord, &[OtherApplication]) -> Result<()>,
    {
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let update = format!(
            "UPDATE applications SET status = $1, submitted_at = $2, updated_at = $2 WHERE id = $3 RETURNING {APP_COLUMNS}"
        );
        let a5_sql = a5_others_sql();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let record = ApplicationRecord::try_from(&before)?;
            if matches!(self, Db::Postgres(_)) {
                // Serialise submissions of one round, so two parks cannot both take an agency's last place.
                sqlx::query("SELECT id FROM rounds WHERE year = $1 FOR UPDATE")
                    .bind(before.round_year).execute(&mut *tx).await?;
            }
            record.status.allows(OperatorAction::Submit)?;
            let others = other_applications(
                a5_others_query!(a5_sql.as_str(), record.round_year, id).fetch_all(&mut *tx).await?,
            );
            decide(&record, &others)?;
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(update.as_str()))
                .bind(AppStatus::Submitted.slug()).bind(at).bind(id).fetch_one(&mut *tx).await?;
            let submitted = ApplicationRecord::try_from(&row)?;
            audit!(tx, who, "submit", "application", id, Some(&before), Some(&row));
            tx.commit().await?;
            Ok(submitted)
        })
    }

    /// Record a review or comment; the status moves as the domain's review state machine says
    /// (`AppStatus::after_review`), in the same transaction.
    pub async fn review_add(
        &self,
        app_id: i64,
        r: &NewReview,
        at: i64,
        who: &Who,
    ) -> Result<ReviewRecord> {
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let insert = format!(
            "INSERT INTO application_reviews (application_id, kind, rule, status, decision, comment, user_id, username, org_name, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {REVIEW_COLUMNS}"
        );
        let (rule, status, decision) = match r.action {
            ReviewAction::Check { rule, status } => (Some(rule.code()), Some(status.slug()), None),
            ReviewAction::Decision(d) => (None, None, Some(d.slug())),
            ReviewAction::Comment => (None, None, None),
        };
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(app_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let next = before.status()?.after_review(&r.action)?;
            let row = sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(insert.as_str()))
                .bind(app_id).bind(r.action.kind()).bind(rule).bind(status).bind(decision).bind(&r.comment)
                .bind(who.user_id).bind(who.username.as_str()).bind(&r.org_name).bind(at)
                .fetch_one(&mut *tx).await?;
            if let Some(next) = next {
                let decided = next.decided().then_some(at);
                sqlx::query("UPDATE applications SET status = $1, decided_at = COALESCE($2, decided_at), updated_at = $3 WHERE id = $4")
                    .bind(next.slug()).bind(decided).bind(at).bind(app_id).execute(&mut *tx).await?;
            }
            audit!(tx, who, "review", "application", app_id, None::<&ReviewRow>, Some(&row));
            tx.commit().await?;
            ReviewRecord::try_from(row)
        })
    }

    /// An application's reviews and comments, oldest first.
    pub async fn review_list(&self, app_id: i64) -> Result<Vec<ReviewRecord>> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM application_reviews WHERE application_id = $1 ORDER BY id"
        );
        let rows: Vec<ReviewRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(app_id).fetch_all(p).await?);
        decode(rows)
    }

    pub async fn attachment_add(
        &self,
        app_id: i64,
        a: NewAttachment<'_>,
        at: i64,
        who: &Who,
    ) -> Result<AttachmentRecord> {
        let sql = format!(
            "INSERT INTO attachments (application_id, part, filename, content_type, size, data, username, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {ATTACHMENT_COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(app_id).bind(a.part.slug()).bind(a.filename).bind(a.content_type)
                .bind(a.data.len() as i64).bind(a.data).bind(who.username.as_str()).bind(at)
                .fetch_one(&mut *tx).await?;
            audit!(tx, who, "create", "attachment", row.id, None::<&AttachmentRow>, Some(&row));
            tx.commit().await?;
            AttachmentRecord::try_from(row)
        })
    }

    /// An application's supporting documents, in the order added (without their bytes).
    pub async fn attachment_list(&self, app_id: i64) -> Result<Vec<AttachmentRecord>> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE application_id = $1 ORDER BY id"
        );
        let rows: Vec<AttachmentRow> = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(app_id).fetch_all(p).await?);
        decode(rows)
    }

    /// The attachment's metadata and bytes.
    pub async fn attachment_get(
        &self,
        app_id: i64,
        id: i64,
    ) -> Result<(AttachmentRecord, Vec<u8>)> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE application_id = $1 AND id = $2"
        );
        let row: AttachmentRow = on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(app_id).bind(id).fetch_optional(p).await?.ok_or(StoreError::NotFound)?);
        let data: Vec<u8> = on_pool!(self, p => sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1")
            .bind(id).fetch_one(p).await?);
        Ok((AttachmentRecord::try_from(row)?, data))
    }
}
