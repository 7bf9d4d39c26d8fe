//! `zhiyun bench …`: the figures of issue 4 measured on this machine. `gen-file` writes an import
//! file of N realistic rows, `fill` puts N published listings into the database, `search` times
//! the search the public list page runs against the same queries as SQL `LIKE '%…%'`.
//! `bench/listings.sh` runs them all, with `wrk` on the list page.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use zhiyun_domain::listing::{Listing, ListingInput, ListingKind, ListingStatus, check_listing};
use zhiyun_domain::org::OrgKind;
use zhiyun_store::listings::{ImportWrite, NewListing};
use zhiyun_store::orgs::{Org, OrgFilter};
use zhiyun_store::{Db, Who};

use crate::listing_gen;

/// The 1–3 word queries visitors type: technical terms, trade words, acronyms, mixed scripts.
pub const QUERIES: [&str; 20] = [
    "锂电池 隔膜",
    "锂电",
    "钠电",
    "BMS",
    "AGV",
    "5G 基站",
    "PCT",
    "光伏",
    "储能 热管理",
    "机器视觉 检测",
    "传感器",
    "无人机",
    "涂层",
    "污水 处理",
    "靶向 药物",
    "碳纤维 复合材料",
    "降低 能耗",
    "芯片 封装",
    "合作开发",
    "数据 平台",
];

async fn owners(db: &Db, kind: ListingKind, district: Option<&str>) -> Result<Vec<Org>> {
    let org_kind = match kind {
        ListingKind::Demand => OrgKind::Enterprise,
        ListingKind::Supply => OrgKind::University,
    };
    let (_, orgs) = db
        .org_list(&OrgFilter {
            kind: Some(org_kind),
            limit: 100_000,
            ..Default::default()
        })
        .await?;
    let orgs: Vec<Org> = orgs
        .into_iter()
        .filter(|o| o.uscc.is_some() && o.district_code.is_some())
        .filter(|o| district.is_none_or(|d| o.district_code.as_deref() == Some(d)))
        .collect();
    if orgs.is_empty() {
        bail!(
            "no registered {} with a USCC: run `zhiyun demo` first",
            org_kind.label()
        );
    }
    Ok(orgs)
}

/// Row `n` of a generated file or fill: (owner, input). Titles carry a serial so none repeat.
fn row(kind: ListingKind, n: u64, owners: &[Org], valid_until: &str) -> (usize, ListingInput) {
    let g = match kind {
        ListingKind::Demand => listing_gen::demand(n),
        ListingKind::Supply => listing_gen::supply(n),
    };
    let owner = (n as usize * 7) % owners.len();
    let people = ["张明", "李华", "王芳", "陈伟", "刘洋", "赵静"];
    (
        owner,
        ListingInput {
            kind: Some(kind.slug().into()),
            title: Some(format!("{}（{}）", g.title, n + 1)),
            description: Some(g.description),
            field: Some(g.field.into()),
            ipc: if kind == ListingKind::Supply || n.is_multiple_of(4) {
                vec![g.ipc.into()]
            } else {
                vec![]
            },
            modes: g.modes.iter().map(|m| m.to_string()).collect(),
            price_wan: (!n.is_multiple_of(5)).then(|| {
                zhiyun_domain::application::serde_json_number::Number(format!(
                    "{}",
                    10 + (n * 13) % 290
                ))
            }),
            district_code: owners[owner].district_code.clone(),
            contact_name: Some(people[n as usize % people.len()].into()),
            contact_phone: Some(format!("139{:08}", n % 100_000_000)),
            valid_until: Some(valid_until.into()),
            patents: vec![],
            maturity: (kind == ListingKind::Supply)
                .then(|| ["研发阶段", "小试", "中试", "产业化"][n as usize % 4].into()),
        },
    )
}

fn valid_until() -> String {
    (crate::today() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

/// Write an import file of `rows` generated rows (XLSX or CSV by the extension), owned by
/// registered organisations (of one district, if given).
pub async fn gen_file(
    db: &Db,
    kind: ListingKind,
    rows: u64,
    out: &Path,
    district: Option<&str>,
) -> Result<()> {
    use zhiyun_reports::listing_import::template_columns;
    let owners = owners(db, kind, district).await?;
    let until = valid_until();
    let header = template_columns(kind);
    let mut table: Vec<Vec<String>> = Vec::with_capacity(rows as usize);
    for n in 0..rows {
        let (o, i) = row(kind, n, &owners, &until);
        let cell = |c: &str| -> String {
            match c {
                "机构名称" => owners[o].name.clone(),
                "机构统一社会信用代码" => owners[o].uscc.clone().unwrap_or_default(),
                "标题" => i.title.clone().unwrap_or_default(),
                "描述" => i.description.clone().unwrap_or_default(),
                "技术领域" => i.field.clone().unwrap_or_default(),
                "合作方式" => i.modes.join("、"),
                "IPC分类号" => i.ipc.join("；"),
                "预算（万元）" | "参考价格（万元）" => i
                    .price_wan
                    .as_ref()
                    .map(|p| p.0.clone())
                    .unwrap_or_else(|| "面议".into()),
                "所在区" => i.district_code.clone().unwrap_or_default(),
                "联系人" => i.contact_name.clone().unwrap_or_default(),
                "联系电话" => i.contact_phone.clone().unwrap_or_default(),
                "有效期至" => until.clone(),
                "技术成熟度" => i.maturity.clone().unwrap_or_default(),
                _ => String::new(),
            }
        };
        table.push(header.iter().map(|c| cell(c)).collect());
    }
    let bytes = if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        zhiyun_reports::sheet::csv_for_excel(&header, &table)
    } else {
        zhiyun_reports::sheet::table_xlsx(kind.label(), &header, &table)?
    };
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{}: {rows} rows, {:.1} MB",
        out.display(),
        bytes.len() as f64 / 1e6
    );
    Ok(())
}

/// Put `n` published listings into the database (half demands, half supplies), in batches.
pub async fn fill(db: &Db, n: u64) -> Result<()> {
    let demand_owners = owners(db, ListingKind::Demand, None).await?;
    let supply_owners = owners(db, ListingKind::Supply, None).await?;
    let today = crate::today();
    let until = valid_until();
    let start_serial = db.listing_list(&Default::default()).await?.0 as u64;
    let started = Instant::now();
    let batch = 50_000u64;
    let mut done = 0u64;
    while done < n {
        let m = batch.min(n - done);
        let mut checked: Vec<(usize, i64, Listing)> = Vec::with_capacity(m as usize);
        for k in 0..m {
            let serial = start_serial + done + k;
            let kind = if serial.is_multiple_of(2) {
                ListingKind::Demand
            } else {
                ListingKind::Supply
            };
            let owners = match kind {
                ListingKind::Demand => &demand_owners,
                ListingKind::Supply => &supply_owners,
            };
            let (o, input) = row(kind, serial, owners, &until);
            let listing = check_listing(&input, today)
                .map_err(|e| anyhow::anyhow!("generated row {serial}: {e:?}"))?;
            checked.push((k as usize, owners[o].id, listing));
        }
        let items: Vec<NewListing<'_>> = checked
            .iter()
            .map(|(row, owner, l)| NewListing {
                row: *row,
                owner_org_id: *owner,
                listing: l,
            })
            .collect();
        let out = db
            .listing_import(
                &items,
                ListingStatus::Published,
                ImportWrite::ValidRowsOnly,
                zhiyun_store::now(),
                &Who::system("bench"),
                &|_| {},
            )
            .await?;
        done += m;
        eprintln!(
            "{done}/{n} listings ({} conflicts), {:.0}/s",
            out.conflicts.len(),
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    println!(
        "filled {n} published listings in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Time the public search (page 1, 20 per page, facets, highlights; the result cache bypassed)
/// for each query `rounds` times, then the same words as SQL `LIKE '%…%'` (every word in title or description).
pub async fn search(db: &Db, index: &zhiyun_search::SearchIndex, rounds: usize) -> Result<()> {
    println!("index: {} listings", index.num_docs());
    let mut all = Vec::new();
    let mut per_query = Vec::new();
    for q in QUERIES {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = index.search_uncached(&zhiyun_search::Query::text(q))?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            total = r.total;
        }
        times.sort_by(f64::total_cmp);
        per_query.push((q, total, percentile(&times, 0.5)));
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&all, 0.5), percentile(&all, 0.99));
    println!(
        "search: {} runs, p50 {p50:.2} ms, p99 {p99:.2} ms, max {:.2} ms",
        all.len(),
        all.last().copied().unwrap_or(0.0)
    );
    let mut ratios = Vec::new();
    for (q, total, search_ms) in &per_query {
        let words: Vec<&str> = q.split_whitespace().collect();
        let t = Instant::now();
        let like = db.listing_like_search(&words, 20).await?;
        let like_ms = t.elapsed().as_secs_f64() * 1e3;
        ratios.push(like_ms / search_ms.max(1e-6));
        println!(
            "  {q:<12} search {total:>7} hits p50 {search_ms:>7.2} ms | LIKE {like:>7} hits {like_ms:>9.1} ms | ×{:.0}",
            like_ms / search_ms.max(1e-6)
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "LIKE / search time: median ×{:.0}, min ×{:.0}, max ×{:.0}",
        percentile(&ratios, 0.5),
        ratios.first().copied().unwrap_or(0.0),
        ratios.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
