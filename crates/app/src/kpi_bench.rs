//! Issue 16's figures: `zhiyun bench fill-kpis` adds N deals, pledges and survey responses over
//! 2020–2024 spread over every district's enterprises (through the domain checks and the store's
//! own writes, as the demo does); `zhiyun bench kpis` times, as the municipal bureau, the KPI
//! answer for the city and for each district over a five-year period, the all-districts
//! dashboard, and a district's statistics XLSX. `bench/kpis.sh` runs them after the patent
//! register is filled to 500,000.

use std::time::Instant;

use anyhow::{Result, anyhow, bail};
use chrono::{Duration, Months, NaiveDate};
use zhiyun_domain::deal::{DealInput, check_deal};
use zhiyun_domain::ident::patent_check_char;
use zhiyun_domain::kpi::KpiQueryInput;
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_service::{Ctx, Principal};
use zhiyun_store::orgs::{Org, OrgFilter};
use zhiyun_store::{Db, Who};

/// The first and last year the generator writes.
const FIRST: i32 = 2020;
const LAST: i32 = 2024;

async fn orgs(db: &Db, kind: OrgKind) -> Result<Vec<Org>> {
    let (_, list) = db
        .org_list(&OrgFilter {
            kind: Some(kind),
            limit: 100_000,
            ..Default::default()
        })
        .await?;
    Ok(list)
}

/// A valid invention application number of `year` from a serial (7,000,000 on, clear of the
/// demo's and the patent generator's).
fn number(year: i32, serial: u64) -> String {
    let body = format!("{year}1{:07}", 7_000_000 + serial % 2_999_999);
    format!("{body}.{}", patent_check_char(&body).unwrap_or('0'))
}

fn day_in(year: i32, n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days((n % 330) as i64)
}

/// Add `deals` deals, `pledges` pledges and `responses` survey responses over 2020–2024.
pub async fn fill(db: &Db, deals: u64, pledges: u64, responses: u64) -> Result<()> {
    let today = crate::today();
    let who = Who::system("bench");
    let enterprises: Vec<Org> = orgs(db, OrgKind::Enterprise)
        .await?
        .into_iter()
        .filter(|o| o.district_code.is_some())
        .collect();
    let smes: Vec<&Org> = enterprises
        .iter()
        .filter(|o| {
            matches!(
                o.size_class,
                Some(SizeClass::Medium | SizeClass::Small | SizeClass::Micro)
            )
        })
        .collect();
    let universities = orgs(db, OrgKind::University).await?;
    let banks = orgs(db, OrgKind::Bank).await?;
    if smes.is_empty() || universities.is_empty() || banks.is_empty() {
        bail!("no SMEs, universities or banks registered: run `zhiyun demo` first");
    }
    let years = (LAST - FIRST + 1) as u64;

    let started = Instant::now();
    for n in 0..deals {
        let year = FIRST + (n % years) as i32;
        let to = smes[(n as usize * 7) % smes.len()];
        // Two in five from a university (licences), the rest transfers between enterprises.
        let licence = n % 5 < 2;
        let from = if licence {
            universities[(n as usize * 3) % universities.len()].id
        } else {
            enterprises[(n as usize * 11 + 1) % enterprises.len()].id
        };
        if from == to.id {
            continue;
        }
        let signed = day_in(year, n * 13);
        let effective = signed + Duration::days(10);
        let patents = (0..1 + n % 3)
            .map(|k| number(year - 3, n * 3 + k))
            .collect();
        let input = DealInput {
            kind: Some(if licence { "licence" } else { "transfer" }.into()),
            licence_type: licence.then(|| "ordinary".into()),
            from_org_id: Some(from),
            to_org_id: Some(to.id),
            patents,
            venue: Some("off_exchange".into()),
            amount_wan: Some(WanText((20 + n % 300).to_string())),
            signed_on: Some(signed.to_string()),
            effective_on: Some(effective.to_string()),
            term_until: licence.then(|| (effective + Months::new(60)).to_string()),
            ..Default::default()
        };
        let draft = check_deal(&input, today).map_err(|e| anyhow!("bench deal {n}: {e:?}"))?;
        db.deal_create(&draft, zhiyun_store::now(), &who).await?;
        if (n + 1) % 10_000 == 0 {
            eprintln!(
                "deals: {}/{deals} in {:.1} s",
                n + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }

    let started = Instant::now();
    for n in 0..pledges {
        let year = FIRST + (n % years) as i32;
        let pledgor = smes[(n as usize * 5 + 2) % smes.len()].id;
        let bank = banks[n as usize % banks.len()].id;
        let applied = day_in(year, n * 7) - Duration::days(n as i64 % 2 * 40);
        crate::demo_kpis::pledge(
            db,
            pledgor,
            bank,
            &number(year - 4, 5_000_000 + n),
            100 + (n % 20) as u32 * 50,
            applied,
            today,
            &who,
        )
        .await?;
        if (n + 1) % 2_000 == 0 {
            eprintln!(
                "pledges: {}/{pledges} in {:.1} s",
                n + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }

    // One survey per district and year, the responses shared out evenly.
    let started = Instant::now();
    let districts: Vec<_> = zhiyun_domain::district::all().collect();
    let surveys = (districts.len() as u64) * years;
    let mut rng = 7u64;
    let mut written = 0u64;
    for (i, d) in districts.iter().enumerate() {
        let owner = enterprises
            .iter()
            .find(|o| o.district_code.as_deref() == Some(d.code))
            .unwrap_or(&enterprises[0]);
        for y in FIRST..=LAST {
            let k = i as u64 * years + (y - FIRST) as u64;
            let share = responses / surveys + u64::from(k < responses % surveys);
            if share == 0 {
                continue;
            }
            // 5/4/3/2/1 in the proportions 50/40/6/3/1 %, varying by district.
            let tilt = (i % 4) as u64;
            let fives = share * (47 + tilt) / 100;
            let fours = share * (40 - tilt) / 100;
            let threes = share * 6 / 100;
            let twos = share * 3 / 100;
            let ones = share - fives - fours - threes - twos;
            let counts = [fives, fours, threes, twos, ones].map(|c| c as u32);
            crate::demo_kpis::survey(
                db,
                owner.id,
                d.code,
                &owner.name,
                y,
                (share * 6 / 5) as i64,
                counts,
                &mut rng,
                &who,
            )
            .await?;
            written += share;
        }
        eprintln!(
            "survey responses: {written}/{responses} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Time the KPI answers for `from..=to` (`rounds` times each) and a district's statistics XLSX.
pub async fn run(
    db: &Db,
    hasher: zhiyun_store::password::Hasher,
    from: i32,
    to: i32,
    rounds: usize,
) -> Result<()> {
    let Some(u) = db.user_by_username("demo-municipal").await? else {
        bail!("no demo-municipal user: run `zhiyun demo` first");
    };
    let Some(user) = db.principal(u.id).await? else {
        bail!("demo-municipal has no principal");
    };
    let ctx = Ctx::new(db.clone(), hasher);
    let counts: (i64, i64, i64, i64) = db.bench_counts().await?;
    println!(
        "records: {} patents, {} deals, {} pledges, {} survey responses",
        counts.0, counts.1, counts.2, counts.3
    );
    let q = |district: Option<&str>| KpiQueryInput {
        district: district.map(str::to_string),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
    };
    let time = |label: &str, mut ms: Vec<f64>| {
        ms.sort_by(f64::total_cmp);
        println!(
            "{label}: n={} p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            ms.len(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.95),
            ms[ms.len() - 1]
        );
    };
    // One warm-up of each, then the rounds.
    report(&ctx, &user, &q(None)).await?;
    anatomy(db, &ctx, &user, from, to).await?;
    let mut city = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        report(&ctx, &user, &q(None)).await?;
        city.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    time(&format!("city-wide K1–K6, {from}–{to}"), city);
    let mut district = Vec::new();
    let mut worst = (0.0, "");
    for _ in 0..rounds {
        for d in zhiyun_domain::district::all() {
            let t = Instant::now();
            report(&ctx, &user, &q(Some(d.code))).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > worst.0 {
                worst = (ms, d.name);
            }
            district.push(ms);
        }
    }
    time(&format!("one district's K1–K6, {from}–{to}"), district);
    println!("slowest district call: {} ({:.1} ms)", worst.1, worst.0);
    let t = Instant::now();
    zhiyun_service::kpis::all_districts(&ctx, &user, &q(None))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    println!(
        "all 16 districts side by side (the municipal dashboard): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut busiest = ("", 0usize);
    for d in zhiyun_domain::district::all() {
        let t = Instant::now();
        let file = zhiyun_service::bureau_reports::statistics_xlsx(&ctx, &user, Some(d.code), to)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if file.bytes.len() > busiest.1 {
            busiest = (d.name, file.bytes.len());
        }
        println!(
            "statistics XLSX {} {to}: {:.0} ms, {:.0} KB",
            d.name,
            ms,
            file.bytes.len() as f64 / 1024.0
        );
    }
    println!(
        "largest statistics XLSX: {} ({} bytes)",
        busiest.0, busiest.1
    );
    Ok(())
}

async fn report(ctx: &Ctx, user: &Principal, q: &KpiQueryInput) -> Result<()> {
    zhiyun_service::kpis::report(ctx, user, q)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

/// Where the city-wide answer's time goes: each query it makes, timed alone.
async fn anatomy(db: &Db, ctx: &Ctx, user: &Principal, from: i32, to: i32) -> Result<()> {
    let first = NaiveDate::from_ymd_opt(from - 1, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or_default();
    let t = Instant::now();
    for _ in 0..6 {
        db.ping().await?;
    }
    println!("  six round trips (SELECT 1): {:.1} ms", ms(t));
    let t = Instant::now();
    let n = db.kpi_pledge_years(from - 1, to, None).await?.len();
    println!("  K1/K2 pledges by year: {:.1} ms ({n} years)", ms(t));
    let t = Instant::now();
    let n = db.kpi_deal_facts(from - 1, to, None).await?.len();
    println!("  K3/K4 deal groups: {:.1} ms ({n} groups)", ms(t));
    let t = Instant::now();
    db.high_value_counts_at_year_ends(None, from - 1..=to)
        .await?;
    println!(
        "  K5 high-value counts at {} year ends: {:.1} ms",
        to - from + 2,
        ms(t)
    );
    let t = Instant::now();
    db.kpi_overseas_years(None, from - 1, to).await?;
    println!("  K5 overseas filings by year: {:.1} ms", ms(t));
    let t = Instant::now();
    db.kpi_overall_ratings(None, from - 1, to).await?;
    println!("  K6 overall ratings by year: {:.1} ms", ms(t));
    // The same figures from the records themselves, for comparison.
    let t = Instant::now();
    db.overseas_filings_by_year(None, from - 1, to).await?;
    println!(
        "  (from the records) K5 overseas filings by year: {:.1} ms",
        ms(t)
    );
    let t = Instant::now();
    let n = db.kpi_pledge_steps(first, last, None).await?.len();
    println!(
        "  (from the records) K1/K2 pledge steps: {:.1} ms ({n} pledges)",
        ms(t)
    );
    let t = Instant::now();
    let ends: Vec<NaiveDate> = (from - 1..=to)
        .map(zhiyun_domain::patent::year_end)
        .collect();
    db.high_value_counts_on(None, &ends).await?;
    println!(
        "  (from the records) K5 high-value counts in one scan: {:.1} ms",
        ms(t)
    );
    let t = Instant::now();
    for y in from - 1..=to {
        zhiyun_service::surveys::k6_overall(ctx, user, None, y)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    println!(
        "  (from the records) K6 surveys one by one: {:.1} ms",
        ms(t)
    );
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
