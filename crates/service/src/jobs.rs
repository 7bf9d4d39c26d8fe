//! Background jobs: the one mechanism by which `zhiyun serve` runs work on a schedule, whether
//! one process or several share the database.
//!
//! A job is an async function of the [`Ctx`] that answers a line saying what it did (or an
//! error), registered with a name, a period and a scope:
//!
//! - [`Jobs::once`]: **once across processes** — reminders, closing auctions, scheduled reports,
//!   housekeeping. Each process asks the database every few seconds whether the job is due; the
//!   first to move the job's next run on (one conditional `UPDATE` of `scheduled_jobs`, see
//!   `zhiyun_store::jobs`) runs it, the others see it is not due. A run holds the job for its
//!   lease (default [`DEFAULT_LEASE`]): no other process starts it meanwhile, and if the process
//!   dies the next due run goes ahead after the lease. Every run is logged in `job_runs` (who,
//!   when, ok or the error, what it reported). Same on SQLite and PostgreSQL; on SQLite one
//!   process is the deployment, and the same code keeps a second one (`zhiyun import`, a stray
//!   `serve`) from doubling a run.
//! - [`Jobs::each_process`]: **in every process** — upkeep of what each process holds for itself
//!   (its search index: catch-up, daily visibility). Not logged (errors are).
//!
//! A job runs in its own task: a slow one does not hold up the others, a panic is caught and
//! logged as a failed run. Jobs must be safe to run again after a crash mid-run (the next run
//! picks up what is left): e.g. "close the lots whose end has passed and that are still open".
//!
//! ## Adding a job
//!
//! Add a line to [`standard`], which `zhiyun serve` starts; the function lives with its feature
//! and reads the context's clock:
//!
//! ```text
//! .once("auctions.close_ended", Duration::from_secs(60), |ctx| async move {
//!     let n = crate::auctions::close_ended(&ctx).await?;
//!     Ok(format!("{n} 个拍品已结束"))
//! })
//! ```
//!
//! Tests run due jobs with [`Jobs::run_due`] (one pass, no timers) over a fixed clock they move.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zhiyun_store::jobs::Claim;

use crate::{Ctx, Error, Result};

/// How long a run of a once-across-processes job holds it unless [`Jobs::lease`] says otherwise.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(10 * 60);
/// How often each process asks whether a once-across-processes job is due (at most; a job with a
/// shorter period is asked for as often as its period).
pub const POLL: Duration = Duration::from_secs(5);

type JobFuture = Pin<Box<dyn Future<Output = Result<String>> + Send>>;
type JobFn = Arc<dyn Fn(Ctx) -> JobFuture + Send + Sync>;

/// Where a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Once across every process on the database.
    Once,
    /// In each process, for what the process holds itself.
    EachProcess,
}

#[derive(Clone)]
struct Job {
    name: &'static str,
    every: Duration,
    scope: Scope,
    lease: Duration,
    run: JobFn,
}

/// What one job did in [`Jobs::run_due`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    pub name: &'static str,
    /// What it reported, or its error.
    pub outcome: std::result::Result<String, String>,
}

/// A set of jobs over one context, identified as one process (`host:pid:random`).
pub struct Jobs {
    ctx: Ctx,
    owner: String,
    jobs: Vec<Job>,
    /// Each-process jobs: when they last ran (unix seconds of the context's clock).
    last_local: Mutex<HashMap<&'static str, i64>>,
}

impl Jobs {
    pub fn new(ctx: &Ctx) -> Jobs {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "host".into());
        Jobs {
            ctx: ctx.clone(),
            owner: format!(
                "{host}:{}:{}",
                std::process::id(),
                zhiyun_store::password::random_hex(3)
            ),
            jobs: Vec::new(),
            last_local: Mutex::default(),
        }
    }

    /// This process's name in `job_runs`.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Register a job run once across processes every `every` (first run: as soon as a process
    /// asks, unless another ran it within the period).
    pub fn once<F, Fut>(self, name: &'static str, every: Duration, f: F) -> Jobs
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String>> + Send + 'static,
    {
        self.add(name, every, Scope::Once, f)
    }

    /// Register a job run in each process every `every` (first run: one period after start).
    pub fn each_process<F, Fut>(self, name: &'static str, every: Duration, f: F) -> Jobs
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String>> + Send + 'static,
    {
        self.add(name, every, Scope::EachProcess, f)
    }

    /// How long a run of the job registered last holds it (once-across-processes jobs): longer
    /// than the longest run, or another process may start it meanwhile.
    pub fn lease(mut self, lease: Duration) -> Jobs {
        if let Some(job) = self.jobs.last_mut() {
            job.lease = lease;
        }
        self
    }

    fn add<F, Fut>(mut self, name: &'static str, every: Duration, scope: Scope, f: F) -> Jobs
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String>> + Send + 'static,
    {
        assert!(
            self.jobs.iter().all(|j| j.name != name),
            "job {name} registered twice"
        );
        let run: JobFn = Arc::new(move |ctx| Box::pin(f(ctx)));
        self.jobs.push(Job {
            name,
            every: every.max(Duration::from_secs(1)),
            scope,
            lease: DEFAULT_LEASE,
            run,
        });
        self
    }

    /// The registered jobs: (name, period, scope).
    pub fn list(&self) -> Vec<(&'static str, Duration, Scope)> {
        self.jobs
            .iter()
            .map(|j| (j.name, j.every, j.scope))
            .collect()
    }

    /// One pass over every job, by the context's clock: each-process jobs whose period has
    /// passed since they last ran here (or that never ran here), once-across-processes jobs that
    /// this process wins. Runs them one after the other; returns what ran here.
    pub async fn run_due(&self) -> Vec<Ran> {
        let mut ran = Vec::new();
        for job in &self.jobs {
            let outcome = match job.scope {
                Scope::Once => self.try_once(job).await,
                Scope::EachProcess => {
                    let now = self.ctx.clock.now();
                    let last = self.last_local().get(job.name).copied();
                    if last.is_some_and(|t| now - t < job.every.as_secs() as i64) {
                        None
                    } else {
                        self.last_local().insert(job.name, now);
                        Some(run_caught(&self.ctx, job).await)
                    }
                }
            };
            if let Some(outcome) = outcome {
                ran.push(Ran {
                    name: job.name,
                    outcome,
                });
            }
        }
        ran
    }

    fn last_local(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, i64>> {
        self.last_local
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Run the job if this process wins it now; what it did, or None when not due or taken.
    async fn try_once(&self, job: &Job) -> Option<std::result::Result<String, String>> {
        let db = &self.ctx.db;
        let now = self.ctx.clock.now();
        // A cheap read first: most of the time the job is not due.
        match db.job_next_run(job.name).await {
            Ok(Some(next)) if next > now => return None,
            Ok(_) => {}
            Err(e) => {
                tracing::error!(job = job.name, error = %e, "reading a job's schedule");
                return None;
            }
        }
        let every = job.every.as_secs() as i64;
        let lease = job.lease.as_secs() as i64;
        let claim: Claim = match db
            .job_claim(job.name, &self.owner, now, now + every, now + lease)
            .await
        {
            Ok(Some(claim)) => claim,
            Ok(None) => return None,
            Err(e) => {
                tracing::error!(job = job.name, error = %e, "claiming a job");
                return None;
            }
        };
        let outcome = run_caught(&self.ctx, job).await;
        let (ok, detail) = match &outcome {
            Ok(d) => (true, d.as_str()),
            Err(e) => (false, e.as_str()),
        };
        if let Err(e) = db
            .job_finish(&claim, self.ctx.clock.now(), ok, detail)
            .await
        {
            tracing::error!(job = job.name, error = %e, "recording a job's run");
        }
        Some(outcome)
    }

    /// Run every job on its own schedule until the process ends: each job in its own task.
    pub fn spawn(self) -> Vec<tokio::task::JoinHandle<()>> {
        let me = Arc::new(self);
        (0..me.jobs.len())
            .map(|i| {
                let me = me.clone();
                tokio::spawn(async move {
                    let job = me.jobs[i].clone();
                    let check = match job.scope {
                        Scope::Once => job.every.min(POLL),
                        Scope::EachProcess => job.every,
                    };
                    let mut tick = tokio::time::interval(check);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    if job.scope == Scope::EachProcess {
                        // Each-process jobs start one period in (the server brought its state up
                        // to date before it started them).
                        tick.tick().await;
                    }
                    loop {
                        tick.tick().await;
                        let outcome = match job.scope {
                            Scope::Once => me.try_once(&job).await,
                            Scope::EachProcess => Some(run_caught(&me.ctx, &job).await),
                        };
                        match outcome {
                            Some(Err(e)) => {
                                tracing::error!(job = job.name, error = %e, "job failed")
                            }
                            Some(Ok(detail)) if job.scope == Scope::Once => {
                                tracing::info!(job = job.name, %detail, "job ran")
                            }
                            _ => {}
                        }
                    }
                })
            })
            .collect()
    }
}

/// Run a job in its own task, so that a panic is a failed run, not a dead runner.
async fn run_caught(ctx: &Ctx, job: &Job) -> std::result::Result<String, String> {
    match tokio::spawn((job.run)(ctx.clone())).await {
        Ok(Ok(detail)) => Ok(detail),
        Ok(Err(e)) => Err(e.message),
        Err(e) => Err(format!("任务异常终止：{e}")),
    }
}

/// What `zhiyun serve` may be told about its jobs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often each process takes in the listings other processes wrote (default 3 s).
    pub catch_up_every: Duration,
    /// Where notification mail goes (`ZHIYUN_SMTP_URL`); none: no mail is sent (issue 18).
    pub mail: Option<crate::notifications::mail::Settings>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            catch_up_every: Duration::from_secs(3),
            mail: None,
        }
    }
}

/// How often each process works through the mail outbox.
pub const MAIL_EVERY: Duration = Duration::from_secs(3);

const HOUR: Duration = Duration::from_secs(3600);

/// Every background job of `zhiyun serve`, the one list: add yours here.
pub fn standard(ctx: &Ctx, settings: &Settings) -> Jobs {
    use crate::listings::index;
    let jobs = Jobs::new(ctx)
        .each_process(
            "search.catch_up",
            settings.catch_up_every,
            |ctx| async move {
                index::catch_up(&ctx)
                    .await
                    .map(|n| format!("{n} 条供需条目更新到索引"))
            },
        )
        .each_process("search.refresh_boundaries", HOUR, |ctx| async move {
            index::refresh_boundaries(&ctx)
                .await
                .map(|n| format!("{n} 条供需条目重新判定可见性"))
        })
        .once("housekeeping", HOUR, |ctx| async move {
            housekeeping(&ctx).await
        })
        .once(
            "auctions.close_ended",
            Duration::from_secs(2),
            |ctx| async move {
                crate::auctions::close_ended(&ctx)
                    .await
                    .map(|n| format!("{n} 个拍卖标的已结束"))
            },
        )
        .lease(Duration::from_secs(60));
    // Notification mail, in every process: each pass claims its mails, so two processes never
    // send one twice.
    match settings.mail.clone() {
        None => jobs,
        Some(mail) => jobs.each_process("notifications.send_mail", MAIL_EVERY, move |ctx| {
            let mail = mail.clone();
            async move { crate::notifications::mail::send_outbox(&ctx, &mail).await }
        }),
    }
}

/// Read notifications and sent (or abandoned) mails are kept this long.
const KEEP_NOTICES_SECS: i64 = 180 * 86_400;

/// Runs are kept this long.
const KEEP_RUNS_SECS: i64 = 30 * 86_400;

/// Forget what has expired: sessions, login-throttle windows, upload-page imports, old job runs.
pub async fn housekeeping(ctx: &Ctx) -> Result<String> {
    let now = ctx.clock.now();
    let sessions = ctx.db.sessions_prune(now).await?;
    let throttle = ctx
        .db
        .throttle_prune(now - crate::throttle::FORGET_AFTER_SECS)
        .await?;
    let uploads = ctx
        .db
        .upload_prune(now - crate::listings::uploads::KEEP_SECS)
        .await?;
    let runs = ctx.db.job_runs_prune(now - KEEP_RUNS_SECS).await?;
    let notices = ctx.db.notifications_prune(now - KEEP_NOTICES_SECS).await?;
    Ok(format!(
        "清理：过期会话 {sessions}，登录限制记录 {throttle}，导入任务 {uploads}，任务记录 {runs}，已读通知和已发邮件 {notices}"
    ))
}

/// The last runs of a once-across-processes job, newest first (`zhiyun jobs`, tests).
pub async fn runs(ctx: &Ctx, name: &str, limit: i64) -> Result<Vec<zhiyun_store::jobs::JobRun>> {
    ctx.db.job_runs(name, limit).await.map_err(Error::from)
}
