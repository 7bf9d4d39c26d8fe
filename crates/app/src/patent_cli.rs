//! `zhiyun import patents FILE [--mode dry-run|all|valid] [--as USER]`: the same import as the
//! upload page and the API (`zhiyun_service::patents::import`), with a progress bar.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use zhiyun_service::Ctx;
use zhiyun_service::patents::import::{ImportWrite, Importer, Progress, import};
use zhiyun_store::Db;
use zhiyun_store::password::Hasher;

/// The importer: a user's organisation and rights, or (without `--as`) the platform
/// administrator, for whom every row names its owner.
pub async fn importer(db: &Db, as_user: Option<String>) -> Result<Importer> {
    Ok(match as_user {
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
            let mut i = Importer::of(&p);
            i.who = zhiyun_store::Who::user(p.id, &format!("{}（命令行）", p.username));
            i
        }
    })
}

pub async fn run(
    db: Db,
    hasher: Hasher,
    file: &Path,
    mode: &str,
    as_user: Option<String>,
) -> Result<()> {
    let write = match mode {
        "dry-run" => ImportWrite::DryRun,
        "all" => ImportWrite::AllOrNothing,
        "valid" => ImportWrite::ValidRowsOnly,
        other => bail!("--mode `{other}`: use dry-run, all or valid"),
    };
    let importer = importer(&db, as_user).await?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let filename = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let ctx = Ctx::new(db, hasher);

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
    let report = import(
        &ctx,
        &importer,
        &filename,
        Arc::new(bytes),
        write,
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
            format!("已导入 {} 件专利", report.imported)
        } else if write == ImportWrite::DryRun {
            "预检，未写入（用 --mode all 或 --mode valid 导入）".to_string()
        } else {
            "有问题，未导入任何专利".to_string()
        },
        secs
    );
    if write == ImportWrite::AllOrNothing && !report.written {
        std::process::exit(1);
    }
    Ok(())
}
