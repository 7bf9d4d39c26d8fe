//! `zhiyun`: the one binary of 知运. Subcommands: serve, demo, migrate, user, token, org, import,
//! reindex, kpi-sums, backup, restore.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use zhiyun_domain::org::OrgInput;
use zhiyun_service::accounts::NewUserCmd;
use zhiyun_service::{Ctx, console};
use zhiyun_store::Db;
use zhiyun_store::password::Hasher;

mod auction_bench;
mod backup;
mod bench;
mod demo;
mod demo_auctions;
mod demo_contacts;
mod demo_deals;
mod demo_kpis;
mod demo_notifications;
mod demo_patents;
mod demo_pledges;
mod demo_reports;
mod demo_surveys;
mod import;
mod kpi_bench;
mod listing_gen;
mod match_eval;
mod patent_bench;
mod patent_cli;

#[derive(Parser)]
#[command(
    name = "zhiyun",
    version,
    about = "知运 · 上海市知识产权运营服务集聚区平台"
)]
struct Cli {
    /// Database: `postgres://…`, or a SQLite file path. Default: ./data/zhiyun.db
    #[arg(long, env = "ZHIYUN_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory of the listings' search index (held by one process at a time). Default: beside
    /// the SQLite file (`data/zhiyun.index`), or `data/index` for PostgreSQL.
    #[arg(long, env = "ZHIYUN_INDEX_DIR", global = true)]
    index_dir: Option<PathBuf>,
    /// An operator's synonym and acronym file (one group per line: `钠电 钠离子电池`), added to
    /// the built-in dictionary. The index is rebuilt when the file changes.
    #[arg(long, env = "ZHIYUN_SYNONYMS", global = true)]
    synonyms: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the web application.
    Serve {
        #[arg(long, env = "ZHIYUN_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo data set first (once) and print the demo logins. Never in production.
        #[arg(long)]
        demo: bool,
        /// Mark the session cookie `Secure` (when served over HTTPS).
        #[arg(long, env = "ZHIYUN_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For`
        /// entry and the scheme from `X-Forwarded-Proto` (survey rate limits, QR code links).
        #[arg(long, env = "ZHIYUN_TRUST_PROXY")]
        trust_proxy: bool,
        /// Seconds between two catch-ups of the search index on what other processes wrote
        /// (other servers on the same PostgreSQL, `zhiyun import`).
        #[arg(long, env = "ZHIYUN_CATCH_UP_SECS", default_value_t = 3)]
        catch_up_secs: u64,
        /// SMTP server for notification mail, `smtp://host:port` (plain SMTP, e.g. an office
        /// relay) or `smtp://user:password@host:port`. Unset: no mail is sent (the in-app inbox
        /// still works).
        #[arg(long, env = "ZHIYUN_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of notification mail.
        #[arg(
            long,
            env = "ZHIYUN_SMTP_FROM",
            default_value = "知运平台 <noreply@zhiyun.localhost>"
        )]
        smtp_from: String,
        /// The site's address as users open it, for the links in mails. Default: http://<addr>.
        #[arg(long, env = "ZHIYUN_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Load the demo data set into the database (idempotent) and print the demo logins.
    Demo,
    /// Apply the database migrations.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage the organisation registry.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Import supply or demand listings, or patents, from an XLSX or CSV file (UTF-8 or GBK).
    /// Without `--mode` a dry run: every bad cell and duplicate is listed and nothing is written.
    Import {
        /// demands | supplies | patents
        what: String,
        file: PathBuf,
        /// dry-run | all (every row, or none if any row has a problem) | valid (only the good rows)
        #[arg(long, default_value = "dry-run")]
        mode: String,
        /// draft | submitted | published (listings only)
        #[arg(long, default_value = "draft")]
        status: String,
        /// Import as this user (their organisation and permissions); without it, as the platform
        /// administrator, and every row must name its organisation's USCC.
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Rebuild the listings' search index from the database (stop `serve` first: it holds the index).
    Reindex,
    /// Recompute the KPI figures kept beside the records (deal sums, high-value patent years,
    /// pledges' K1 columns, responses' overall ratings) and say whether they had drifted.
    KpiSums,
    /// Back up a SQLite database while the server runs (one file: attachments are in it). On
    /// PostgreSQL use pg_dump.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup made by `zhiyun backup` as a new SQLite database (with the server stopped).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Where to put the database (must not exist). Default: the configured database path.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Benchmarks of the listings work (see bench/listings.sh).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Measure the matching on the labelled set in eval/matching (recall@10, nDCG@10).
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Every labelled set under eval/: the matcher and two baselines (character n-gram TF-IDF
    /// cosine and BM25) on the demands, the listings search and the baselines on the queries.
    Matching {
        /// The directory holding the sets (one directory each).
        #[arg(long, default_value = "eval")]
        dir: PathBuf,
        /// Also measure the matcher without each of its parts.
        #[arg(long)]
        ablation: bool,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Write an import file (.xlsx or .csv) of N generated rows owned by registered organisations.
    GenFile {
        /// demand | supply
        #[arg(long)]
        kind: String,
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
        /// Only organisations of this district (code), e.g. for one cluster operator's import.
        #[arg(long)]
        district: Option<String>,
    },
    /// Write a patent import file (.xlsx or .csv) of N generated patents owned by registered
    /// enterprises and universities, numbered from FROM.
    GenPatents {
        #[arg(long)]
        rows: u64,
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add N generated patents (numbered from FROM) straight into the register.
    FillPatents {
        #[arg(long)]
        patents: u64,
        #[arg(long, default_value_t = 1_000_000)]
        from: u64,
    },
    /// Time K5 (high-value invention patents per 10,000 residents) per district and city-wide.
    PatentIndicator {
        #[arg(long)]
        year: i32,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
    },
    /// Bids per second on auction lots (issue 14): `bidders` confirmed bidders bid on `lots`
    /// lots for `seconds`, in-process; latency p50/p99; the stored history checked.
    Auctions {
        #[arg(long, default_value_t = 1)]
        lots: usize,
        #[arg(long, default_value_t = 20)]
        bidders: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Add N deals, pledges and survey responses over 2020–2024 (issue 16's figures).
    FillKpis {
        #[arg(long, default_value_t = 100_000)]
        deals: u64,
        #[arg(long, default_value_t = 20_000)]
        pledges: u64,
        #[arg(long, default_value_t = 50_000)]
        responses: u64,
    },
    /// Time K1–K6 city-wide and per district over FROM–TO, and the statistics XLSX of TO.
    Kpis {
        #[arg(long, default_value_t = 2020)]
        from: i32,
        #[arg(long, default_value_t = 2024)]
        to: i32,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// Add N published listings (half demands, half supplies) to the database.
    Fill {
        #[arg(long)]
        listings: u64,
    },
    /// Time the public search on the index, and the same queries as SQL LIKE.
    Search {
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// Write N supplies and M demands (JSON Lines) recombined from the labelled set's texts.
    GenMatch {
        #[arg(long, default_value_t = 100_000)]
        supplies: usize,
        #[arg(long, default_value_t = 10_000)]
        demands: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Match every demand of a file against the supplies of another (top N each), timed.
    Match {
        #[arg(long)]
        supplies: PathBuf,
        #[arg(long)]
        demands: PathBuf,
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Write each demand's ranked supplies here (JSON Lines).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also time this many single match requests one after the other (p50, p99).
        #[arg(long, default_value_t = 0)]
        requests: usize,
        /// Only time the single requests (skip the batch).
        #[arg(long)]
        no_batch: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user in an organisation; the role follows from the organisation's kind.
    Add {
        #[arg(long)]
        username: String,
        /// Organisation id (see `zhiyun org list`).
        #[arg(long)]
        org: i64,
        #[arg(long)]
        display_name: Option<String>,
        /// Platform administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (otherwise a one-time password is printed).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (read from standard input).
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user and end their sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token and print it.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Register an organisation and print its id.
    Add {
        /// municipal_bureau | district_bureau | park_operator | agency | exchange | bank | insurer | enterprise | university
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        uscc: Option<String>,
        /// District code, e.g. 310104.
        #[arg(long)]
        district: Option<String>,
        /// Enterprises: large | medium | small | micro.
        #[arg(long)]
        size_class: Option<String>,
    },
    /// List organisations (id, kind, name, USCC, district).
    List {
        #[arg(long)]
        kind: Option<String>,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZHIYUN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // The matching measures need no database.
    match &cli.command {
        Command::Eval(EvalCommand::Matching { dir, ablation }) => {
            return match_eval::eval(synonyms(cli.synonyms.as_deref())?, dir, *ablation);
        }
        Command::Bench(BenchCommand::GenMatch {
            supplies,
            demands,
            out,
        }) => return match_eval::generate(*supplies, *demands, out),
        Command::Bench(BenchCommand::Match {
            supplies,
            demands,
            top,
            out,
            requests,
            no_batch,
        }) => {
            let synonyms = synonyms(cli.synonyms.as_deref())?;
            return match_eval::batch(
                synonyms,
                supplies,
                demands,
                *top,
                out.as_deref(),
                (*requests, *no_batch),
            );
        }
        Command::Backup { to } => return backup::backup(cli.database_url.as_deref(), to).await,
        Command::Restore { from, to } => {
            return backup::restore(cli.database_url.as_deref(), from, to.clone()).await;
        }
        _ => {}
    }
    let db = Db::connect(cli.database_url.as_deref())
        .await
        .context("cannot open the database")?;
    db.migrate().await.context("migration failed")?;
    let hasher = Hasher::default();
    let index = IndexPlace {
        dir: cli
            .index_dir
            .unwrap_or_else(|| default_index_dir(cli.database_url.as_deref())),
        synonyms: cli.synonyms,
        database: database_identity(&db).await?,
    };
    match cli.command {
        Command::Serve {
            addr,
            demo,
            secure_cookies,
            trust_proxy,
            catch_up_secs,
            smtp_url,
            smtp_from,
            public_url,
        } => {
            let web = zhiyun_web::Config {
                secure_cookies,
                trust_proxy,
                ..Default::default()
            };
            let jobs = zhiyun_service::jobs::Settings {
                catch_up_every: std::time::Duration::from_secs(catch_up_secs.max(1)),
                mail: smtp_url.filter(|u| !u.trim().is_empty()).map(|smtp_url| {
                    zhiyun_service::notifications::mail::Settings {
                        smtp_url,
                        from: smtp_from,
                        base_url: public_url.unwrap_or_else(|| format!("http://{addr}")),
                    }
                }),
            };
            serve(db, hasher, &index, addr, demo, web, jobs).await
        }
        Command::KpiSums => {
            let before = db.kpi_sums_snapshot().await?;
            let started = std::time::Instant::now();
            let (groups, owner_years, pledges, rated) = db.kpi_sums_rebuild().await?;
            let same = before == db.kpi_sums_snapshot().await?;
            println!(
                "KPI figures recomputed in {:.1} s: {groups} deal groups, {owner_years} owner-years of \
                 high-value patents, {pledges} pledges counted, {rated} responses rated; {}",
                started.elapsed().as_secs_f64(),
                if same {
                    "they had not drifted"
                } else {
                    "they HAD drifted and are now corrected"
                }
            );
            Ok(())
        }
        Command::Reindex => {
            let (search, _) = index.open()?;
            let ctx = zhiyun_service::Ctx::with_search(db, hasher, search);
            let started = std::time::Instant::now();
            let n = zhiyun_service::listings::index::reindex(&ctx).await?;
            index.built()?;
            println!(
                "search index rebuilt: {n} listings in {:.1} s ({:.0}/s) at {}",
                started.elapsed().as_secs_f64(),
                n as f64 / started.elapsed().as_secs_f64().max(1e-9),
                index.dir.display()
            );
            Ok(())
        }
        Command::Bench(c) => match c {
            BenchCommand::GenFile {
                kind,
                rows,
                out,
                district,
            } => {
                let kind = zhiyun_domain::listing::ListingKind::parse(&kind)
                    .with_context(|| format!("--kind `{kind}`: demand or supply"))?;
                bench::gen_file(&db, kind, rows, &out, district.as_deref()).await
            }
            BenchCommand::Fill { listings } => bench::fill(&db, listings).await,
            BenchCommand::FillKpis {
                deals,
                pledges,
                responses,
            } => kpi_bench::fill(&db, deals, pledges, responses).await,
            BenchCommand::Kpis { from, to, rounds } => {
                kpi_bench::run(&db, hasher, from, to, rounds).await
            }
            BenchCommand::Auctions {
                lots,
                bidders,
                seconds,
            } => auction_bench::run(db, lots, bidders, seconds).await,
            BenchCommand::GenPatents { rows, from, out } => {
                patent_bench::gen_file(&db, rows, from, &out).await
            }
            BenchCommand::FillPatents { patents, from } => {
                patent_bench::fill(&db, patents, from).await
            }
            BenchCommand::PatentIndicator { year, rounds } => {
                patent_bench::indicator(&db, hasher, year, rounds).await
            }
            BenchCommand::GenMatch { .. } | BenchCommand::Match { .. } => {
                unreachable!("answered before the database opens")
            }
            BenchCommand::Search { rounds } => {
                let (search, rebuild) = index.open()?;
                if rebuild {
                    bail!("the index is not built for this database: run `zhiyun reindex` first");
                }
                bench::search(&db, &search, rounds).await
            }
        },
        Command::Import {
            what,
            file,
            mode,
            as_user,
            ..
        } if what == "patents" => patent_cli::run(db, hasher, &file, &mode, as_user).await,
        Command::Import {
            what,
            file,
            mode,
            status,
            as_user,
        } => import::run(db, hasher, &index, &what, &file, &mode, &status, as_user).await,
        Command::Eval(_) | Command::Backup { .. } | Command::Restore { .. } => {
            unreachable!("answered before the database opens")
        }
        Command::Demo => {
            demo::load(&db, &hasher).await?;
            demo::print_logins();
            Ok(())
        }
        Command::Migrate => {
            println!("database migrated ({})", db.backend());
            Ok(())
        }
        Command::User(c) => user(&Ctx::new(db, hasher), c).await,
        Command::Token(TokenCommand::Create { user, name }) => {
            let ctx = Ctx::new(db, hasher);
            let token = console::create_token(&ctx, &user, &name)
                .await
                .map_err(user_error(&user))?;
            println!("{token}");
            Ok(())
        }
        Command::Org(c) => org(&Ctx::new(db, hasher), c).await,
    }
}

/// Where the search index lives, which synonyms it uses, and which database it mirrors.
pub struct IndexPlace {
    dir: PathBuf,
    synonyms: Option<PathBuf>,
    /// A random id kept in the database: an index built from another database is rebuilt.
    database: String,
}

fn default_index_dir(database_url: Option<&str>) -> PathBuf {
    match database_url {
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
            PathBuf::from("data/index")
        }
        other => {
            let db = Path::new(other.unwrap_or("data/zhiyun.db"));
            let db = db
                .to_str()
                .and_then(|s| s.strip_prefix("sqlite://"))
                .map(Path::new)
                .unwrap_or(db);
            db.with_extension("index")
        }
    }
}

async fn database_identity(db: &Db) -> Result<String> {
    const KEY: &str = zhiyun_store::meta::DATABASE_ID;
    if let Some(id) = db.meta_get(KEY).await? {
        return Ok(id);
    }
    let id = zhiyun_store::password::random_hex(16);
    db.meta_set(KEY, &id).await?;
    Ok(id)
}

/// The built-in synonym dictionary plus the operator's file, if any.
fn synonyms(file: Option<&std::path::Path>) -> Result<zhiyun_search::Synonyms> {
    let mut synonyms = zhiyun_search::Synonyms::builtin();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the synonym file {}", path.display()))?;
        synonyms.merge(
            zhiyun_search::Synonyms::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        );
    }
    Ok(synonyms)
}

impl IndexPlace {
    /// Open the index; `true` when it must be rebuilt (new, from an older schema, or the synonyms
    /// changed). Fails with a clear message when another process holds it.
    fn open(&self) -> Result<(zhiyun_search::SearchIndex, bool)> {
        use zhiyun_search::{SearchError, SearchIndex};
        let synonyms = synonyms(self.synonyms.as_deref())?;
        // What the index was built with and from: another synonym file or database means rebuild.
        let built_with = std::fs::read_to_string(self.dir.join("built-with")).ok();
        let changed = built_with != Some(self.fingerprint()?);
        let opened = match SearchIndex::open_or_create(&self.dir, synonyms.clone()) {
            Err(SearchError::IncompatibleIndex { .. }) => {
                eprintln!(
                    "search index at {} is from an older version: rebuilding",
                    self.dir.display()
                );
                std::fs::remove_dir_all(&self.dir)?;
                SearchIndex::open_or_create(&self.dir, synonyms)
            }
            other => other,
        };
        let index = match opened {
            Err(SearchError::Locked) => bail!(
                "the search index at {} is held by a running `zhiyun serve`. It takes in what other \
                 processes write within seconds; to rebuild it, stop the server first.",
                self.dir.display()
            ),
            other => other?,
        };
        let rebuild = index.synced_through().is_none() || changed;
        Ok((index, rebuild))
    }

    /// Record, after a successful rebuild, what the index was built with and from.
    fn built(&self) -> Result<()> {
        Ok(std::fs::write(
            self.dir.join("built-with"),
            self.fingerprint()?,
        )?)
    }

    fn fingerprint(&self) -> Result<String> {
        let synonyms = match &self.synonyms {
            None => "builtin".to_string(),
            Some(path) => format!(
                "{:x}",
                fnv1a(
                    &std::fs::read(path)
                        .with_context(|| format!("cannot read {}", path.display()))?
                )
            ),
        };
        Ok(format!("{synonyms} {}", self.database))
    }
}

/// Today in Beijing.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// FNV-1a, for telling whether the synonym file changed (stable across builds, unlike std's hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

async fn serve(
    db: Db,
    hasher: Hasher,
    index: &IndexPlace,
    addr: SocketAddr,
    demo: bool,
    web: zhiyun_web::Config,
    jobs: zhiyun_service::jobs::Settings,
) -> Result<()> {
    if demo {
        demo::load(&db, &hasher).await?;
        eprintln!(
            "\n警告 WARNING: 演示模式 (--demo)。演示账号的密码是公开的，切勿在生产环境使用 --demo。"
        );
        eprintln!(
            "Demo mode: the demo passwords are public. Never run a production site with --demo.\n"
        );
        demo::print_logins();
    } else {
        bootstrap_admin(&Ctx::new(db.clone(), hasher.clone())).await?;
    }
    let demo_loaded = db.meta_get(demo::META_KEY).await?.is_some();
    let (search, rebuild) = index.open()?;
    let ctx =
        zhiyun_service::Ctx::with_search(db.clone(), hasher, search).with_mail(jobs.mail.is_some());
    if let Some(m) = &jobs.mail {
        // The URL may hold a password: only the server's address is printed.
        let server = m.smtp_url.rsplit('@').next().unwrap_or("");
        eprintln!(
            "notification mail on: {} (from {})",
            server.trim_start_matches("smtp://"),
            m.from
        );
    }
    // The index is on disk: rebuilt when new (or the synonyms changed), else brought up to date
    // with what was written while the server was down; then the background jobs keep it so
    // (every few seconds what other processes write, hourly what went stale or expired with the
    // date) and run the jobs that run once across processes (`zhiyun_service::jobs::standard`).
    use zhiyun_service::listings::index as search_index;
    let started = std::time::Instant::now();
    let n = if rebuild {
        let n = search_index::reindex(&ctx).await?;
        index.built()?;
        n
    } else {
        search_index::catch_up(&ctx).await?
    };
    let n = n + search_index::refresh_boundaries(&ctx).await?;
    eprintln!(
        "search index at {}: {} listings {} in {:.2} s",
        index.dir.display(),
        n,
        if rebuild {
            "indexed"
        } else {
            "brought up to date"
        },
        started.elapsed().as_secs_f64()
    );
    let _jobs = zhiyun_service::jobs::standard(&ctx, &jobs).spawn();
    let state = zhiyun_web::AppState::with_ctx(
        ctx,
        zhiyun_web::Config {
            demo: demo_loaded,
            ..web
        },
    );
    let app = zhiyun_web::router(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    eprintln!(
        "知运 listening on http://{} ({})",
        listener.local_addr()?,
        db.backend()
    );
    // The peer's address reaches the handlers (the public survey link's rate limit).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    db.close().await;
    Ok(())
}

/// No fixed default password: on first start without users, an administrator is created in the
/// municipal bureau with a one-time password printed once.
async fn bootstrap_admin(ctx: &Ctx) -> Result<()> {
    let Some(password) = console::bootstrap_admin(ctx).await.map_err(cli_error)? else {
        return Ok(());
    };
    eprintln!("\n首次启动：已创建管理员账号 admin，一次性密码（只显示这一次，请登录后立即修改）：");
    eprintln!(
        "First start: created administrator `admin` with this one-time password (shown once):\n\n    {password}\n"
    );
    Ok(())
}

/// A use case's refusal as the command line says it: every bad field on its own line.
fn cli_error(e: zhiyun_service::Error) -> anyhow::Error {
    if e.errors.is_empty() {
        return anyhow::anyhow!("{e}");
    }
    anyhow::anyhow!(
        "{}",
        e.errors
            .iter()
            .map(|f| format!("{} [{}]: {}", f.field, f.code, f.message))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// [`cli_error`], saying "no user" for a username that is not there.
fn user_error(username: &str) -> impl FnOnce(zhiyun_service::Error) -> anyhow::Error + '_ {
    move |e| match e.kind {
        zhiyun_service::Kind::NotFound => anyhow::anyhow!("no user {username}"),
        _ => cli_error(e),
    }
}

/// A password piped in (the same rules as everywhere are checked by the use case).
fn read_password_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

async fn user(ctx: &Ctx, c: UserCommand) -> Result<()> {
    match c {
        UserCommand::Add {
            username,
            org,
            display_name,
            admin,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            let created = console::add_user(
                ctx,
                NewUserCmd {
                    username,
                    display_name: display_name.unwrap_or_default(),
                    org_id: Some(org),
                    password,
                    is_admin: admin,
                },
            )
            .await
            .map_err(cli_error)?;
            println!("{}", created.user.id);
            if let Some(password) = created.one_time_password {
                eprintln!(
                    "one-time password for {}: {password}",
                    created.user.username
                );
            }
            Ok(())
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            if !password_stdin {
                bail!("use --password-stdin and pipe the new password in");
            }
            let pw = read_password_stdin()?;
            console::set_password(ctx, &username, &pw)
                .await
                .map_err(user_error(&username))?;
            eprintln!("password changed; {username}'s sessions ended");
            Ok(())
        }
        UserCommand::List => {
            for u in console::list_users(ctx).await? {
                println!(
                    "{}\t{}\torg={}\t{}{}",
                    u.id,
                    u.username,
                    u.org_id,
                    if u.is_admin { "admin" } else { "-" },
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
            Ok(())
        }
        UserCommand::Disable { username } => {
            console::disable_user(ctx, &username)
                .await
                .map_err(user_error(&username))?;
            eprintln!("{username} disabled");
            Ok(())
        }
    }
}

async fn org(ctx: &Ctx, c: OrgCommand) -> Result<()> {
    match c {
        OrgCommand::Add {
            kind,
            name,
            uscc,
            district,
            size_class,
        } => {
            let org = console::add_org(
                ctx,
                OrgInput {
                    kind: Some(kind),
                    name: Some(name),
                    uscc,
                    district_code: district,
                    size_class,
                    ..Default::default()
                },
            )
            .await
            .map_err(cli_error)?;
            println!("{}", org.id);
            Ok(())
        }
        OrgCommand::List { kind } => {
            for o in console::list_orgs(ctx, kind.as_deref())
                .await
                .map_err(cli_error)?
            {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    o.id,
                    o.kind.slug(),
                    o.name,
                    o.uscc.as_deref().unwrap_or("-"),
                    o.district_code.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
    }
}
