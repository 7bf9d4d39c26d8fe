//! Issue 11's figures: `zhiyun bench gen-patents` writes an import file of N realistic patents
//! owned by registered enterprises and universities; `fill-patents` puts N more straight into the
//! register; `patent-indicator` times K5 per district and city-wide for a year.
//! `bench/patents.sh` runs them.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{Datelike, NaiveDate};
use zhiyun_domain::patent::term::anniversary;
use zhiyun_domain::patent::{
    HighValueFacts, HighValueRules, PatentInput, check_patent, high_value_profile,
};
use zhiyun_reports::patent_import::TEMPLATE_COLUMNS;
use zhiyun_store::listings::ImportWrite;
use zhiyun_store::orgs::{Org, OrgFilter};
use zhiyun_store::patents::{NewPatent, PatentWrite};
use zhiyun_store::{Db, Who};

/// IPC codes the generator uses: half in a strategic emerging industry (H01M, G06N, A61K …),
/// half not (A47J, B65D, E04B …).
const IPC: [&str; 16] = [
    "H01M 10/0525",
    "G06N 3/08",
    "A61K 31/00",
    "H01L 21/02",
    "H04W 72/04",
    "C12N 15/11",
    "B60L 58/12",
    "H02J 3/38",
    "A47J 27/00",
    "B65D 81/00",
    "E04B 1/00",
    "F16H 57/00",
    "B23K 37/00",
    "A01K 61/00",
    "D06F 39/00",
    "G01N 21/00",
];

/// Patent `n` as an import row in the template's columns (owner named by USCC), for the day `today`.
pub fn row(n: u64, owner_uscc: &str, owner_name: &str, today: NaiveDate) -> Vec<String> {
    let year = 2005 + (n % 20) as i32;
    let kind = match n % 10 {
        0..6 => 1,
        6..9 => 2,
        _ => 3,
    };
    let body = format!("{year}{kind}{:07}", 5_000_000 + n / 20);
    let check = zhiyun_domain::ident::patent_check_char(&body).unwrap_or('0');
    let filed = NaiveDate::from_ymd_opt(year, 1 + (n / 20 % 12) as u32, 1 + (n / 240 % 28) as u32)
        .unwrap_or_default();
    let g = crate::listing_gen::supply(n);
    let term = match kind {
        1 => 20,
        _ if kind == 3 && filed >= NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default() => 15,
        _ => 10,
    };
    let expires = anniversary(filed, term).pred_opt().unwrap_or(filed);
    let grant_after = if kind == 1 {
        730 + (n % 400) as i64
    } else {
        240
    };
    let granted = filed + chrono::Duration::days(grant_after);
    let (status, granted, ended, paid) = if granted > today {
        ("审查中", None, None, None)
    } else if expires < today {
        ("届满", Some(granted), None, None)
    } else if n % 15 == 7 {
        let ended = (granted + chrono::Duration::days(1000)).min(today);
        ("失效", Some(granted), Some(ended), None)
    } else {
        // Paid to the next anniversary after today, or (one in 12) one falling due within 90 days.
        let mut k = (today.year() - year) as u32;
        while anniversary(filed, k) <= today {
            k += 1;
        }
        let mut paid = anniversary(filed, k);
        if n % 12 != 3 && anniversary(filed, k) - today < chrono::Duration::days(90) {
            paid = anniversary(filed, k + 1);
        }
        let paid = paid.min(expires.succ_opt().unwrap_or(expires));
        ("有效", Some(granted), None, Some(paid))
    };
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut overseas = Vec::new();
    if kind == 1 && n % 7 == 1 {
        overseas.push(format!(
            "WO PCT/CN{year}/{:06} {}",
            n % 1_000_000,
            filed + chrono::Duration::days(330)
        ));
    }
    if kind == 1 && n % 10 == 3 {
        overseas.push(format!(
            "US US{:08}B2 已授权 {}",
            10_000_000 + n % 90_000_000,
            filed + chrono::Duration::days(360)
        ));
    }
    let award = if kind == 1 && n % 499 == 5 && status == "有效" {
        format!("{} 中国专利优秀奖", (year + 5).min(today.year()))
    } else {
        String::new()
    };
    let ipc = match kind {
        3 => String::new(),
        _ if n.is_multiple_of(3) => g.ipc.to_string(),
        _ => IPC[(n as usize / 3) % IPC.len()].to_string(),
    };
    let title = match kind {
        3 => format!("包装盒（{}）", n + 1),
        _ => format!("{}（{}）", g.title, n + 1),
    };
    vec![
        format!("{body}.{check}"),
        title,
        String::new(),
        owner_name.to_string(),
        owner_uscc.to_string(),
        String::new(),
        ipc,
        filed.to_string(),
        day(granted),
        status.to_string(),
        day(ended),
        day(paid),
        String::new(),
        overseas.join("；"),
        award,
    ]
}

async fn owners(db: &Db) -> Result<Vec<Org>> {
    let mut out = Vec::new();
    for kind in [
        zhiyun_domain::org::OrgKind::Enterprise,
        zhiyun_domain::org::OrgKind::University,
    ] {
        let (_, orgs) = db
            .org_list(&OrgFilter {
                kind: Some(kind),
                limit: 100_000,
                ..Default::default()
            })
            .await?;
        out.extend(
            orgs.into_iter()
                .filter(|o| o.uscc.is_some() && o.district_code.is_some()),
        );
    }
    if out.is_empty() {
        bail!("no registered enterprise or university with a USCC: run `zhiyun demo` first");
    }
    Ok(out)
}

/// Write an import file of `rows` generated patents (XLSX or CSV by the extension), starting at
/// patent number `from` (so several files do not overlap).
pub async fn gen_file(db: &Db, rows: u64, from: u64, out: &Path) -> Result<()> {
    let owners = owners(db).await?;
    let today = crate::today();
    let data: Vec<Vec<String>> = (from..from + rows)
        .map(|n| {
            let o = &owners[(n as usize * 7) % owners.len()];
            row(n, o.uscc.as_deref().unwrap_or(""), &o.name, today)
        })
        .collect();
    let bytes = if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        zhiyun_reports::sheet::csv_for_excel(&TEMPLATE_COLUMNS, &data)
    } else {
        zhiyun_reports::sheet::table_xlsx("专利", &TEMPLATE_COLUMNS, &data)?
    };
    std::fs::write(out, bytes)?;
    println!("wrote {rows} patents to {}", out.display());
    Ok(())
}

/// Add `count` generated patents (from number `from`) straight into the register, in batches.
pub async fn fill(db: &Db, count: u64, from: u64) -> Result<()> {
    let owners = owners(db).await?;
    let today = crate::today();
    let started = Instant::now();
    let who = Who::system("bench");
    let mut done = 0u64;
    while done < count {
        let batch = (count - done).min(20_000);
        let mut patents = Vec::with_capacity(batch as usize);
        for n in from + done..from + done + batch {
            let o = &owners[(n as usize * 7) % owners.len()];
            let r = row(n, "", "", today);
            let mut input = PatentInput {
                number: Some(r[0].clone()),
                title: Some(r[1].clone()),
                owner_org_id: Some(o.id),
                ipc: r[6]
                    .split('；')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                filed_on: Some(r[7].clone()),
                granted_on: Some(r[8].clone()).filter(|s| !s.is_empty()),
                legal_status: Some(
                    match r[9].as_str() {
                        "审查中" => "pending",
                        "届满" => "expired",
                        "失效" => "lapsed",
                        _ => "granted",
                    }
                    .into(),
                ),
                ended_on: Some(r[10].clone()).filter(|s| !s.is_empty()),
                fee_paid_until: Some(r[11].clone()).filter(|s| !s.is_empty()),
                ..Default::default()
            };
            input.overseas =
                zhiyun_reports::patent_import::parse_overseas(&r[13]).unwrap_or_default();
            input.awards = zhiyun_reports::patent_import::parse_awards(&r[14]);
            match check_patent(&input, today) {
                Ok(p) => patents.push(p),
                Err(e) => bail!("generated patent {n} is invalid: {e:?}"),
            }
        }
        let rules = HighValueRules::default();
        let items: Vec<NewPatent<'_>> = patents
            .iter()
            .enumerate()
            .map(|(i, p)| NewPatent {
                row: i,
                write: PatentWrite {
                    patent: p,
                    profile: high_value_profile(
                        &HighValueFacts {
                            patent: p,
                            pledges: &[],
                        },
                        &rules,
                    ),
                },
            })
            .collect();
        let out = db
            .patent_import(
                &items,
                ImportWrite::ValidRowsOnly,
                zhiyun_store::now(),
                &who,
                &|_| {},
            )
            .await?;
        done += batch;
        eprintln!(
            "filled {done}/{count} ({} skipped as registered) in {:.1} s",
            out.conflicts.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Time K5 for `year`: each district and the city, `rounds` times, through the use case (as the
/// municipal bureau's demo user, if loaded) and the store's count alone.
pub async fn indicator(
    db: &Db,
    hasher: zhiyun_store::password::Hasher,
    year: i32,
    rounds: usize,
) -> Result<()> {
    use zhiyun_domain::patent::indicator::PopulationYear;
    let total: i64 = db
        .high_value_count(None, zhiyun_domain::patent::year_end(year))
        .await?;
    let (n, _) = db.patent_list(&Default::default()).await?;
    println!(
        "register: {n} patents; high-value invention patents in force at the end of {year}: {total}"
    );
    let municipal = match db.user_by_username("demo-municipal").await? {
        Some(u) => db.principal(u.id).await?,
        None => None,
    };
    let ctx = zhiyun_service::Ctx::new(db.clone(), hasher);
    let mut codes: Vec<Option<&str>> = zhiyun_domain::district::all()
        .map(|d| Some(d.code))
        .collect();
    codes.push(None);
    let mut times: Vec<f64> = Vec::new();
    let mut worst = (0.0, None);
    for _ in 0..rounds {
        for code in &codes {
            let t = Instant::now();
            match &municipal {
                Some(p) => {
                    zhiyun_service::patents::indicator::high_value_figure(
                        &ctx,
                        p,
                        *code,
                        year,
                        PopulationYear::Previous,
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                }
                None => {
                    db.high_value_count(*code, zhiyun_domain::patent::year_end(year))
                        .await?;
                }
            }
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > worst.0 {
                worst = (ms, *code);
            }
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "K5 per district and city-wide for {year} ({} {} calls): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({})",
        times.len(),
        if municipal.is_some() {
            "use-case"
        } else {
            "store"
        },
        p(0.5),
        p(0.95),
        worst.0,
        worst.1.unwrap_or("city-wide")
    );
    let t = Instant::now();
    let rows = db
        .high_value_counts_by_district(zhiyun_domain::patent::year_end(year))
        .await?;
    println!(
        "all districts in one query: {:.1} ms ({} districts)",
        t.elapsed().as_secs_f64() * 1000.0,
        rows.len()
    );
    Ok(())
}
