//! `zhiyun import demands|supplies FILE`: the same import as the upload page, with a progress bar.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_store::Db;
use zhiyun_store::listings::ImportWrite;
use zhiyun_store::password::Hasher;
use zhiyun_web::{Importer, Progress, run_import};

use crate::IndexPlace;

#[allow(clippy::too_many_arguments)]
pub async fn run(
    db: Db,
    hasher: Hasher,
    index: &IndexPlace,
    what: &str,
    file: &Path,
    mode: &str,
    status: &str,
    as_user: Option<String>,
) -> Result<()> {
    let kind = match what {
        "demands" | "demand" => ListingKind::Demand,
        "supplies" | "supply" => ListingKind::Supply,
        other => bail!("import what? `{other}`: use `demands` or `supplies`"),
    };
    let write = match mode {
        "dry-run" => ImportWrite::DryRun,
        "all" => ImportWrite::AllOrNothing,
        "valid" => ImportWrite::ValidRowsOnly,
        other => bail!("--mode `{other}`: use dry-run, all or valid"),
    };
    let status = ListingStatus::parse(status)
        .filter(|s| {
            matches!(
                s,
                ListingStatus::Draft | ListingStatus::Submitted | ListingStatus::Published
            )
        })
        .with_context(|| format!("--status `{status}`: use draft, submitted or published"))?;
    let importer = match as_user {
        None => Importer::cli(),
        Some(name) => {
            let u = db
                .user_by_username(&name)
                .await?
                .with_context(|| format!("no user {name}"))?;
            let p = db
                .principal(u.id)
                .await?
                .with_context(|| format!("user {name} is disabled"))?;
            Importer {
                actor: p.actor(),
                who: zhiyun_store::Who::user(p.id, &format!("{}（命令行）", p.username)),
            }
        }
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let filename = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:6} [{bar:40}] {pos}/{len} 行 {elapsed}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let shown = bar.clone();
    let progress = move |p: Progress| {
        shown.set_message(p.phase);
        shown.set_length(p.total as u64);
        shown.set_position(p.done as u64);
    };
    let started = Instant::now();
    let report = run_import(
        &db,
        &importer,
        kind,
        &filename,
        Arc::new(bytes),
        write,
        status,
        &progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}（{}）", e.message, e.code))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();

    for i in &report.issues {
        println!("第 {} 行\t{}\t{}\t{}", i.row, i.column, i.code, i.message);
    }
    println!(
        "{}：{} 行数据，{} 行有效，{} 处问题；{}（{:.1} 秒）",
        filename,
        report.total_rows,
        report.valid_rows,
        report.issues.len(),
        if report.written {
            format!("已导入 {} 条，状态：{}", report.imported, status.label())
        } else if write == ImportWrite::DryRun {
            "预检，未写入（用 --mode all 或 --mode valid 导入）".to_string()
        } else {
            "有问题，未导入任何条目".to_string()
        },
        secs
    );
    if report.written {
        // Index now if the index is free; a running server takes the rows in within a minute.
        match index.open() {
            Ok((search, _)) => {
                let state = zhiyun_web::AppState::with_search(
                    db.clone(),
                    hasher,
                    Default::default(),
                    search,
                );
                state.index_ids(&report.ids).await;
                println!("搜索索引已更新。");
            }
            Err(e) => println!("搜索索引由运行中的服务在一分钟内更新（{e}）"),
        }
    }
    if write == ImportWrite::AllOrNothing && !report.written {
        std::process::exit(1);
    }
    Ok(())
}
