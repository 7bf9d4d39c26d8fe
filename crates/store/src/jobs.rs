//! Background jobs that run once across the processes sharing a database (the runner is
//! `zhiyun_service::jobs`). A process runs a job when it moves the job's `next_run_at` on: one
//! conditional `UPDATE`, so of several processes asking at once exactly one wins, on PostgreSQL (the
//! row lock makes the others re-check the moved time) as on SQLite (one writer at a time).
//! `running_until` keeps the others off while the run lasts, and lets them take over when the
//! process that claimed it died. Every run is logged in `job_runs`.

use serde::Serialize;

use crate::{Db, Result, WritePool, on_pool};

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobRun {
    pub id: i64,
    pub name: String,
    /// The process that ran it (`host:pid:random`).
    pub owner: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// None while running (or when the process died running it).
    pub ok: Option<bool>,
    /// What the job reported, or its error.
    pub detail: Option<String>,
}

/// A claimed run: finish it with [`Db::job_finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub name: String,
    pub run_id: i64,
    pub owner: String,
}

impl Db {
    /// When job `name` is next due (None: never registered).
    pub async fn job_next_run(&self, name: &str) -> Result<Option<i64>> {
        on_pool!(self, p => Ok(sqlx::query_scalar(
            "SELECT next_run_at FROM scheduled_jobs WHERE name = $1")
            .bind(name)
            .fetch_optional(p)
            .await?))
    }

    /// Claim a run of job `name` for `owner` if it is due at `now` (a job seen for the first time
    /// is due at once) and no other run holds it: the job is next due at `next_run_at`, and held
    /// until `lease_until` unless finished before. None when another process has it or it is not
    /// due.
    pub async fn job_claim(
        &self,
        name: &str,
        owner: &str,
        now: i64,
        next_run_at: i64,
        lease_until: i64,
    ) -> Result<Option<Claim>> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO scheduled_jobs (name, next_run_at) VALUES ($1, $2)
                         ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let claimed = sqlx::query(
                "UPDATE scheduled_jobs SET next_run_at = $2, running_by = $3, running_until = $4
                 WHERE name = $1 AND next_run_at <= $5 AND (running_until IS NULL OR running_until <= $5)")
                .bind(name)
                .bind(next_run_at)
                .bind(owner)
                .bind(lease_until)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if !claimed {
                tx.rollback().await?;
                return Ok(None);
            }
            let run_id: i64 = sqlx::query_scalar(
                "INSERT INTO job_runs (name, owner, started_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(name)
                .bind(owner)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(Claim { name: name.to_string(), run_id, owner: owner.to_string() }))
        })
    }

    /// Record how a claimed run ended at `now` and let the job go.
    pub async fn job_finish(&self, claim: &Claim, now: i64, ok: bool, detail: &str) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE job_runs SET finished_at = $2, ok = $3, detail = $4 WHERE id = $1")
                .bind(claim.run_id)
                .bind(now)
                .bind(ok)
                .bind(detail)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE scheduled_jobs SET running_by = NULL, running_until = NULL
                         WHERE name = $1 AND running_by = $2")
                .bind(&claim.name)
                .bind(&claim.owner)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The runs of job `name`, newest first (at most `limit`).
    pub async fn job_runs(&self, name: &str, limit: i64) -> Result<Vec<JobRun>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, JobRun>(
            "SELECT id, name, owner, started_at, finished_at, ok, detail FROM job_runs
             WHERE name = $1 ORDER BY id DESC LIMIT $2")
            .bind(name)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }

    /// Forget runs started before `before`; returns how many.
    pub async fn job_runs_prune(&self, before: i64) -> Result<u64> {
        on_pool!(self, p => Ok(sqlx::query("DELETE FROM job_runs WHERE started_at < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
