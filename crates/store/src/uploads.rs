//! The upload page's listing imports (T1): the file, who runs it, its progress and its last
//! report, so that any process can show the page, and run the import the user confirms. The
//! import's own writes (and their audit entry) are `Db::listing_import`; these rows are working
//! state, kept two hours.

use zhiyun_domain::listing::ListingKind;

use crate::{Db, Result, StoreError, WritePool, on_pool};

#[derive(sqlx::FromRow)]
struct UploadRow {
    id: String,
    user_id: i64,
    kind: String,
    filename: String,
    running: bool,
    written: bool,
    runner: Option<String>,
    phase: Option<String>,
    done: i64,
    total: i64,
    report_json: Option<String>,
    error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// An upload, without its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRecord {
    pub id: String,
    pub user_id: i64,
    pub kind: ListingKind,
    pub filename: String,
    /// A run is under way (or its process died: see `updated_at`).
    pub running: bool,
    /// A run wrote listings.
    pub written: bool,
    /// The process running it.
    pub runner: Option<String>,
    /// (phase, done, total) of the run under way.
    pub progress: Option<(String, i64, i64)>,
    /// The last finished run's report, as the service stored it.
    pub report_json: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
    /// The last sign of life of a run.
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, kind, filename, running, written, runner, phase, done, total,
    report_json, error, created_at, updated_at";

impl TryFrom<UploadRow> for UploadRecord {
    type Error = StoreError;

    fn try_from(r: UploadRow) -> Result<UploadRecord> {
        let kind = ListingKind::parse(&r.kind).ok_or_else(|| StoreError::Corrupt {
            entity: "import_upload",
            id: 0,
            detail: format!("{}: kind {:?}", r.id, r.kind),
        })?;
        Ok(UploadRecord {
            id: r.id,
            user_id: r.user_id,
            kind,
            filename: r.filename,
            running: r.running,
            written: r.written,
            runner: r.runner,
            progress: r.phase.map(|p| (p, r.done, r.total)),
            report_json: r.report_json,
            error: r.error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl Db {
    /// Keep an uploaded file under `id` (random, in the page's address).
    pub async fn upload_create(
        &self,
        id: &str,
        user_id: i64,
        kind: ListingKind,
        filename: &str,
        bytes: &[u8],
        now: i64,
    ) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "INSERT INTO import_uploads (id, user_id, kind, filename, bytes, running, written, done,
                   total, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, FALSE, FALSE, 0, 0, $6, $6)")
                .bind(id)
                .bind(user_id)
                .bind(kind.slug())
                .bind(filename)
                .bind(bytes)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Uploads kept since `since`: (how many are `user_id`'s, their bytes, everyone's bytes).
    pub async fn upload_usage(&self, user_id: i64, since: i64) -> Result<(i64, i64, i64)> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT CAST(COALESCE(SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN user_id = $1 THEN length(bytes) ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(length(bytes)), 0) AS BIGINT)
             FROM import_uploads WHERE created_at > $2")
            .bind(user_id)
            .bind(since)
            .fetch_one(p)
            .await?))
    }

    pub async fn upload_get(&self, id: &str) -> Result<Option<UploadRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM import_uploads WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, UploadRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(UploadRecord::try_from)
            .transpose())
    }

    /// The uploaded file.
    pub async fn upload_bytes(&self, id: &str) -> Result<Vec<u8>> {
        on_pool!(self, p => sqlx::query_scalar::<_, Vec<u8>>("SELECT bytes FROM import_uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))
    }

    /// Start a run by `runner` at `now` unless one is under way (a run silent since before
    /// `stale_before` counts as dead) or a run wrote listings already: false then. One of several
    /// processes asked at once wins.
    pub async fn upload_start(
        &self,
        id: &str,
        runner: &str,
        now: i64,
        stale_before: i64,
    ) -> Result<bool> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let started = sqlx::query(
                "UPDATE import_uploads SET running = TRUE, runner = $2, updated_at = $3, error = NULL,
                   phase = NULL, done = 0, total = 0
                 WHERE id = $1 AND written = FALSE AND (running = FALSE OR updated_at < $4)")
                .bind(id)
                .bind(runner)
                .bind(now)
                .bind(stale_before)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.commit().await?;
            Ok(started)
        })
    }

    /// Where `runner`'s run is (also its sign of life).
    pub async fn upload_progress(
        &self,
        id: &str,
        runner: &str,
        phase: &str,
        done: i64,
        total: i64,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "UPDATE import_uploads SET phase = $3, done = $4, total = $5, updated_at = $6
                 WHERE id = $1 AND runner = $2 AND running = TRUE")
                .bind(id)
                .bind(runner)
                .bind(phase)
                .bind(done)
                .bind(total)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// End `runner`'s run with its report (and whether it wrote listings) or its error.
    pub async fn upload_finish(
        &self,
        id: &str,
        runner: &str,
        outcome: std::result::Result<(&str, bool), &str>,
        now: i64,
    ) -> Result<()> {
        let (report, written, error) = match outcome {
            Ok((report, written)) => (Some(report), written, None),
            Err(e) => (None, false, Some(e)),
        };
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // A failed run keeps the report of the run before (the dry run the page shows).
            sqlx::query(
                "UPDATE import_uploads SET running = FALSE, phase = NULL, updated_at = $3,
                   report_json = COALESCE($4, report_json), written = (written OR $5), error = $6
                 WHERE id = $1 AND runner = $2")
                .bind(id)
                .bind(runner)
                .bind(now)
                .bind(report)
                .bind(written)
                .bind(error)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forget uploads made before `before`; returns how many.
    pub async fn upload_prune(&self, before: i64) -> Result<u64> {
        on_pool!(self, p => Ok(sqlx::query("DELETE FROM import_uploads WHERE created_at < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
