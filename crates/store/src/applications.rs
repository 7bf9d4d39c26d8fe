//! Application rounds, park applications, their reviews and attachments.
//!
//! An application's body is stored as the JSON the operator gave (`ApplicationInput`), so a draft
//! may be incomplete; the agencies it names are kept beside it in `application_agencies` so that
//! A5's limit across applications ("one agency takes part in at most two clusters") is one query,
//! checked inside the submitting transaction.

use serde::Serialize;
use zhiyun_domain::application::OtherApplication;
use zhiyun_domain::code::Code;
use zhiyun_domain::policy::ApplicationScope;

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool, unique_violation};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub year: i64,
    /// YYYY-MM-DD, the last day to submit.
    pub deadline: String,
    pub created_at: i64,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    Draft,
    Submitted,
    UnderReview,
    Returned,
    Approved,
    Rejected,
}

impl AppStatus {
    pub const ALL: [AppStatus; 6] = [
        AppStatus::Draft,
        AppStatus::Submitted,
        AppStatus::UnderReview,
        AppStatus::Returned,
        AppStatus::Approved,
        AppStatus::Rejected,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AppStatus::Draft => "draft",
            AppStatus::Submitted => "submitted",
            AppStatus::UnderReview => "under_review",
            AppStatus::Returned => "returned",
            AppStatus::Approved => "approved",
            AppStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<AppStatus> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AppStatus::Draft => "草稿",
            AppStatus::Submitted => "已提交",
            AppStatus::UnderReview => "审核中",
            AppStatus::Returned => "退回修改",
            AppStatus::Approved => "已通过",
            AppStatus::Rejected => "未通过",
        }
    }

    /// The operator may change the body: a draft, or one returned for correction.
    pub fn editable(self) -> bool {
        matches!(self, AppStatus::Draft | AppStatus::Returned)
    }

    /// Supporting documents may be added until a decision is made (a reviewer may ask for one).
    pub fn accepts_attachments(self) -> bool {
        !matches!(self, AppStatus::Approved | AppStatus::Rejected)
    }

    /// Counts toward an agency's limit of two clusters per round (A5): everything submitted and not rejected.
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

/// Other applications of round $1 that count for A5 (submitted, not rejected) and name any agency
/// that application $2 names.
const A5_OTHERS_SQL: &str =
    "SELECT a.id, COALESCE(a.park_name, ''), g.agency_uscc FROM application_agencies g
     JOIN applications a ON a.id = g.application_id
     WHERE a.round_year = $1 AND a.id <> $2
       AND a.status IN ('submitted', 'under_review', 'returned', 'approved')
       AND g.agency_uscc IN (SELECT agency_uscc FROM application_agencies WHERE application_id = $2)
     ORDER BY a.id";

fn other_applications(rows: Vec<(i64, String, String)>) -> Vec<OtherApplication> {
    rows.into_iter()
        .map(|(id, park_name, agency_uscc)| OtherApplication {
            id,
            park_name,
            agency_uscc,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AppRow {
    pub id: i64,
    pub round_year: i64,
    pub operator_org_id: i64,
    pub status: String,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    pub body_json: String,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AppRow {
    pub fn status(&self) -> AppStatus {
        AppStatus::parse(&self.status).unwrap_or(AppStatus::Draft)
    }

    /// What the access policy needs to know of this application.
    pub fn scope(&self) -> ApplicationScope<'_> {
        ApplicationScope {
            operator_org_id: self.operator_org_id,
            district: self.district_code.as_deref(),
            draft: self.status() == AppStatus::Draft,
        }
    }
}

const APP_COLUMNS: &str =
    "id, round_year, operator_org_id, status, park_name, district_code, body_json,
    submitted_at, decided_at, created_at, updated_at";

/// What is saved with an application body: denormalised fields for lists and the agencies it names.
#[derive(Debug, Clone, Default)]
pub struct AppSave {
    pub body_json: String,
    pub park_name: Option<String>,
    pub district_code: Option<String>,
    /// (USCC, name) of each agency partner.
    pub agencies: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Review {
    pub id: i64,
    pub application_id: i64,
    /// `rule` (a decision on one check), `decision` (on the whole), `comment`.
    pub kind: String,
    pub rule: Option<String>,
    pub status: Option<String>,
    pub decision: Option<String>,
    pub comment: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub org_name: String,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub kind: &'static str,
    pub rule: Option<String>,
    pub status: Option<String>,
    /// approve | reject | return (for kind `decision`)
    pub decision: Option<String>,
    pub comment: String,
    pub org_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub application_id: i64,
    pub part: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub username: String,
    pub at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct AppFilter {
    pub round_year: Option<i64>,
    pub operator_org_id: Option<i64>,
    pub district_code: Option<String>,
    /// Leave drafts out (what reviewers see).
    pub exclude_drafts: bool,
}

fn not_editable(status: AppStatus) -> StoreError {
    StoreError::Conflict {
        code: Code::NotEditable,
        field: None,
        message: format!("申报书当前状态为“{}”，不能修改", status.label()),
    }
}

impl Db {
    pub async fn round_create(&self, year: i64, deadline: &str, who: &Who) -> Result<Round> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let r = sqlx::query_as::<_, Round>(
                "INSERT INTO rounds (year, deadline, created_at) VALUES ($1, $2, $3)
                 RETURNING id, year, deadline, created_at")
                .bind(year)
                .bind(deadline)
                .bind(now())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) {
                    StoreError::Conflict { code: Code::RoundExists, field: Some("year"), message: format!("{year} 年度的申报轮次已存在") }
                } else { e.into() })?;
            audit!(tx, who, "create", "round", r.id, None::<&Round>, Some(&r));
            tx.commit().await?;
            Ok(r)
        })
    }

    pub async fn round_list(&self) -> Result<Vec<Round>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, Round>(
            "SELECT id, year, deadline, created_at FROM rounds ORDER BY year DESC")
            .fetch_all(p).await?))
    }

    pub async fn round_get(&self, year: i64) -> Result<Option<Round>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, Round>(
            "SELECT id, year, deadline, created_at FROM rounds WHERE year = $1")
            .bind(year)
            .fetch_optional(p).await?))
    }

    pub async fn application_create(
        &self,
        round_year: i64,
        operator_org_id: i64,
        save: &AppSave,
        who: &Who,
    ) -> Result<AppRow> {
        let ts = now();
        let sql = format!(
            "INSERT INTO applications (round_year, operator_org_id, status, park_name, district_code, body_json, created_at, updated_at)
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $6) RETURNING {APP_COLUMNS}");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let round: Option<i64> = sqlx::query_scalar("SELECT id FROM rounds WHERE year = $1")
                .bind(round_year).fetch_optional(&mut *tx).await?;
            if round.is_none() {
                return Err(StoreError::Conflict { code: Code::UnknownRound, field: Some("round_year"), message: format!("{round_year} 年度尚未开放申报") });
            }
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(round_year).bind(operator_org_id).bind(&save.park_name).bind(&save.district_code)
                .bind(&save.body_json).bind(ts)
                .fetch_one(&mut *tx).await?;
            for (uscc, name) in &save.agencies {
                sqlx::query("INSERT INTO application_agencies (application_id, agency_uscc, agency_name) VALUES ($1, $2, $3)
                             ON CONFLICT (application_id, agency_uscc) DO NOTHING")
                    .bind(row.id).bind(uscc).bind(name).execute(&mut *tx).await?;
            }
            audit!(tx, who, "create", "application", row.id, None::<&AppRow>, Some(&row));
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Replace the body of a draft (or of one returned for correction).
    pub async fn application_update(&self, id: i64, save: &AppSave, who: &Who) -> Result<AppRow> {
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let update = format!(
            "UPDATE applications SET park_name = $1, district_code = $2, body_json = $3, updated_at = $4
             WHERE id = $5 RETURNING {APP_COLUMNS}");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if !before.status().editable() {
                return Err(not_editable(before.status()));
            }
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(update.as_str()))
                .bind(&save.park_name).bind(&save.district_code).bind(&save.body_json).bind(now()).bind(id)
                .fetch_one(&mut *tx).await?;
            sqlx::query("DELETE FROM application_agencies WHERE application_id = $1").bind(id).execute(&mut *tx).await?;
            for (uscc, name) in &save.agencies {
                sqlx::query("INSERT INTO application_agencies (application_id, agency_uscc, agency_name) VALUES ($1, $2, $3)
                             ON CONFLICT (application_id, agency_uscc) DO NOTHING")
                    .bind(id).bind(uscc).bind(name).execute(&mut *tx).await?;
            }
            audit!(tx, who, "update", "application", id, Some(&before), Some(&row));
            tx.commit().await?;
            Ok(row)
        })
    }

    pub async fn application_get(&self, id: i64) -> Result<AppRow> {
        let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id).fetch_optional(p).await?.ok_or(StoreError::NotFound))
    }

    pub async fn application_list(&self, f: &AppFilter) -> Result<Vec<AppRow>> {
        let sql = format!(
            "SELECT {APP_COLUMNS} FROM applications
             WHERE ($1 IS NULL OR round_year = $1) AND ($2 IS NULL OR operator_org_id = $2)
               AND ($3 IS NULL OR district_code = $3) AND ($4 = FALSE OR status <> 'draft')
             ORDER BY round_year DESC, id"
        );
        on_pool!(self, p => Ok(sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(f.round_year).bind(f.operator_org_id).bind(f.district_code.as_deref()).bind(f.exclude_drafts)
            .fetch_all(p).await?))
    }

    /// Other applications of the round that count for A5 and name any agency this one names.
    pub async fn a5_other_applications(
        &self,
        round_year: i64,
        id: i64,
    ) -> Result<Vec<OtherApplication>> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, p => sqlx::query_as(A5_OTHERS_SQL)
            .bind(round_year)
            .bind(id)
            .fetch_all(p)
            .await?);
        Ok(other_applications(rows))
    }

    /// Submit: within one write transaction (the round's row locked on Postgres), `decide` sees the
    /// other applications naming this one's agencies and may refuse; otherwise the status becomes `submitted`.
    pub async fn application_submit<F>(&self, id: i64, who: &Who, decide: F) -> Result<AppRow>
    where
        F: FnOnce(&AppRow, &[OtherApplication]) -> Result<()>,
    {
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        let update = format!(
            "UPDATE applications SET status = 'submitted', submitted_at = $1, updated_at = $1 WHERE id = $2 RETURNING {APP_COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            if matches!(self, Db::Postgres(_)) {
                // Serialise submissions of one round, so two parks cannot both take an agency's last place.
                sqlx::query("SELECT id FROM rounds WHERE year = $1 FOR UPDATE")
                    .bind(before.round_year).execute(&mut *tx).await?;
            }
            if !before.status().editable() {
                return Err(not_editable(before.status()));
            }
            let others = other_applications(
                sqlx::query_as(A5_OTHERS_SQL).bind(before.round_year).bind(id).fetch_all(&mut *tx).await?,
            );
            decide(&before, &others)?;
            let row = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(update.as_str()))
                .bind(now()).bind(id).fetch_one(&mut *tx).await?;
            audit!(tx, who, "submit", "application", id, Some(&before), Some(&row));
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Record a review or comment; a decision moves the status (approve → approved, reject → rejected,
    /// return → returned); any reviewer action on a submitted application puts it under review.
    pub async fn review_add(&self, app_id: i64, r: &NewReview, who: &Who) -> Result<Review> {
        let select = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, AppRow>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(app_id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let status = before.status();
            if status == AppStatus::Draft {
                return Err(StoreError::Conflict { code: Code::NotSubmitted, field: None, message: "申报书尚未提交，不能审核".into() });
            }
            let next = match (r.kind, r.decision.as_deref()) {
                ("decision", Some("approve")) => Some(AppStatus::Approved),
                ("decision", Some("reject")) => Some(AppStatus::Rejected),
                ("decision", Some("return")) => Some(AppStatus::Returned),
                ("rule", _) if status == AppStatus::Submitted => Some(AppStatus::UnderReview),
                _ => None,
            };
            if r.kind != "comment" && matches!(status, AppStatus::Approved | AppStatus::Rejected) {
                return Err(StoreError::Conflict { code: Code::AlreadyDecided, field: None,
                    message: format!("申报书已{}，不能再审核", status.label()) });
            }
            if r.kind == "rule" && status == AppStatus::Returned {
                return Err(StoreError::Conflict { code: Code::Returned, field: None, message: "申报书已退回修改，待重新提交后再审核".into() });
            }
            let review = sqlx::query_as::<_, Review>(
                "INSERT INTO application_reviews (application_id, kind, rule, status, decision, comment, user_id, username, org_name, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 RETURNING id, application_id, kind, rule, status, decision, comment, user_id, username, org_name, at")
                .bind(app_id).bind(r.kind).bind(&r.rule).bind(&r.status).bind(&r.decision).bind(&r.comment)
                .bind(who.user_id).bind(who.username.as_str()).bind(&r.org_name).bind(now())
                .fetch_one(&mut *tx).await?;
            if let Some(next) = next {
                let decided = matches!(next, AppStatus::Approved | AppStatus::Rejected).then(now);
                sqlx::query("UPDATE applications SET status = $1, decided_at = COALESCE($2, decided_at), updated_at = $3 WHERE id = $4")
                    .bind(next.slug()).bind(decided).bind(now()).bind(app_id).execute(&mut *tx).await?;
            }
            audit!(tx, who, "review", "application", app_id, None::<&Review>, Some(&review));
            tx.commit().await?;
            Ok(review)
        })
    }

    pub async fn review_list(&self, app_id: i64) -> Result<Vec<Review>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, Review>(
            "SELECT id, application_id, kind, rule, status, decision, comment, user_id, username, org_name, at
             FROM application_reviews WHERE application_id = $1 ORDER BY id")
            .bind(app_id).fetch_all(p).await?))
    }

    pub async fn attachment_add(
        &self,
        app_id: i64,
        part: &str,
        filename: &str,
        content_type: &str,
        data: &[u8],
        who: &Who,
    ) -> Result<AttachmentMeta> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let meta = sqlx::query_as::<_, AttachmentMeta>(
                "INSERT INTO attachments (application_id, part, filename, content_type, size, data, username, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 RETURNING id, application_id, part, filename, content_type, size, username, at")
                .bind(app_id).bind(part).bind(filename).bind(content_type).bind(data.len() as i64).bind(data)
                .bind(who.username.as_str()).bind(now())
                .fetch_one(&mut *tx).await?;
            audit!(tx, who, "create", "attachment", meta.id, None::<&AttachmentMeta>, Some(&meta));
            tx.commit().await?;
            Ok(meta)
        })
    }

    pub async fn attachment_list(&self, app_id: i64) -> Result<Vec<AttachmentMeta>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, AttachmentMeta>(
            "SELECT id, application_id, part, filename, content_type, size, username, at
             FROM attachments WHERE application_id = $1 ORDER BY id")
            .bind(app_id).fetch_all(p).await?))
    }

    /// The attachment's metadata and bytes.
    pub async fn attachment_get(&self, app_id: i64, id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
        let meta = on_pool!(self, p => sqlx::query_as::<_, AttachmentMeta>(
            "SELECT id, application_id, part, filename, content_type, size, username, at
             FROM attachments WHERE application_id = $1 AND id = $2")
            .bind(app_id).bind(id).fetch_optional(p).await?.ok_or(StoreError::NotFound)?);
        let data: Vec<u8> = on_pool!(self, p => sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1")
            .bind(id).fetch_one(p).await?);
        Ok((meta, data))
    }
}
