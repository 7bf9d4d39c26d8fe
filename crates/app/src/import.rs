//! `zhiyun import demands|supplies FILE`: the same import as the upload page, with a progress bar.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_service::listings::ImportWrite;
use zhiyun_service::listings::import::{self, ImportFile, Importer, Progress};
use zhiyun_service::{Ctx, Kind};
use zhiyun_store::Db;
use zhiyun_store::password::Hasher;

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
    // The rows written are indexed at once if the index is free; else a running server holds it
    // and takes them in within seconds (its catch-up on the listings' change numbers).
    let (ctx, held_elsewhere) = match index.open() {
        Ok((search, _)) => (Ctx::with_search(db, hasher, search), None),
        Err(e) => (Ctx::new(db, hasher), Some(e)),
    };
    let importer = match as_user {
        None => Importer::cli(),
        Some(name) => match Importer::by_username(&ctx, &name).await {
            Ok(i) => i,
            Err(e) if e.kind == Kind::NotFound => bail!("no user {name}"),
            Err(e) if e.kind == Kind::Forbidden => bail!("user {name} is disabled"),
            Err(e) => return Err(e.into()),
        },
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
    let file = ImportFile {
        kind,
        filename: filename.clone(),
        bytes: Arc::new(bytes),
        write,
        status,
    };
    let report = match &held_elsewhere {
        None => import::import(&ctx, &importer, file, &progress).await,
        Some(_) => import::import_unindexed(&ctx, &importer, file, &progress).await,
    }
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
        match held_elsewhere {
            None => println!("搜索索引已更新。"),
            Some(_) => println!("搜索索引由运行中的服务在几秒内更新。"),
        }
    }
    if write == ImportWrite::AllOrNothing && !report.written {
        std::process::exit(1);
    }
    Ok(())
}
