//! Issue 17: one match request (a demand's top 10 supplies, the full scorer) against a large
//! set. Supplies are recombined from `eval/matching`'s sentences (the n-th takes its title and
//! first sentences from one supply and the rest from another), demands are the set's 64.
//! Prints the build time, single-request p50/p99 one at a time and six at once, and the peak
//! resident memory. Usage (see bench/match_scale.sh):
//! `cargo run --release -p zhiyun-search --example match_scale -- 200000 500`

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;
use zhiyun_domain::matching::Side;
use zhiyun_search::Synonyms;
use zhiyun_search::matcher::{Direction, MatchItem, Matcher};

const SUPPLIES: &str = include_str!("../../../eval/matching/supplies.jsonl");
const DEMANDS: &str = include_str!("../../../eval/matching/demands.jsonl");

/// The string value of `"key": "…"` in a JSON line (the eval files escape nothing we need).
fn field(line: &str, key: &str) -> String {
    let pat = format!("\"{key}\": \"");
    line.find(&pat)
        .map(|at| {
            let rest = &line[at + pat.len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_string()
        })
        .unwrap_or_default()
}

fn rows(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| (field(l, "title"), field(l, "description")))
        .collect()
}

fn clauses(text: &str) -> Vec<&str> {
    text.split_inclusive(['。', '；'])
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// A memory line of `/proc/self/status` (`VmHWM`: the peak, `VmRSS`: now), in MB.
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn percentile(times: &mut [f64], q: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() as f64 * q) as usize).min(times.len() - 1)]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    // `no-rebuild` skips the last phase (a second set built beside the first).
    let rebuild = args.next().is_none_or(|a| a != "no-rebuild");
    let source = rows(SUPPLIES);
    let items: Vec<MatchItem> = (0..n)
        .map(|i| {
            let a = &source[i % source.len()];
            let b = &source[(i * 7 + 3 + i / source.len()) % source.len()];
            let (ca, cb) = (clauses(&a.1), clauses(&b.1));
            let description: String = ca[..ca.len().div_ceil(2)]
                .iter()
                .chain(&cb[cb.len() / 2..])
                .copied()
                .collect();
            MatchItem {
                id: i as i64,
                title: a.0.clone(),
                description,
                side: Side::default(),
            }
        })
        .collect();
    let demands: Vec<MatchItem> = rows(DEMANDS)
        .into_iter()
        .enumerate()
        .map(|(i, (title, description))| MatchItem {
            id: i as i64,
            title,
            description,
            side: Side::default(),
        })
        .collect();
    let t = Instant::now();
    let matcher = Matcher::new(Synonyms::builtin());
    let set = matcher.index(items.clone());
    let (listings, words, tfidf, bm25) = set.heap_bytes();
    let mb = |b: usize| b as f64 / 1048576.0;
    println!(
        "supplies={n} build_s={:.1} peak_rss_mb={:.0} rss_mb={:.0}",
        t.elapsed().as_secs_f64(),
        peak_rss_mb(),
        status_mb("VmRSS:")
    );
    println!(
        "set heap: listings {:.0} MB, words+bigrams BM25 {:.0} MB, char TF-IDF {:.0} MB, char BM25 {:.0} MB",
        mb(listings),
        mb(words),
        mb(tfidf),
        mb(bm25)
    );
    let none = HashSet::new();
    let one = |i: usize| {
        let t = Instant::now();
        let found = set.suggest(
            &matcher,
            &demands[i % demands.len()],
            Direction::DemandToSupplies,
            10,
            &none,
        );
        std::hint::black_box(found);
        t.elapsed().as_secs_f64() * 1000.0
    };
    let mut times: Vec<f64> = (0..requests).map(one).collect();
    println!(
        "one at a time: requests={requests} p50_ms={:.1} p99_ms={:.1}",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.99)
    );
    let mut times: Vec<f64> = (0..requests)
        .collect::<Vec<_>>()
        .par_chunks(6)
        .flat_map_iter(|chunk| chunk.iter().map(|&i| one(i)).collect::<Vec<_>>())
        .collect();
    println!(
        "on every core ({} threads): p50_ms={:.1} p99_ms={:.1} peak_rss_mb={:.0}",
        rayon::current_num_threads(),
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.99),
        peak_rss_mb()
    );
    // Writes continue: the service rebuilds a set in the background (one rebuild at a time)
    // while requests answer from the last built one. Here one thread rebuilds the whole set
    // while requests run one at a time beside it, until the rebuild is done.
    if !rebuild {
        return;
    }
    let rebuilding = std::sync::atomic::AtomicBool::new(true);
    let mut during: Vec<f64> = Vec::new();
    let t = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            let fresh = Matcher::new(Synonyms::builtin()).index(items);
            std::hint::black_box(fresh.len());
            rebuilding.store(false, std::sync::atomic::Ordering::SeqCst);
        });
        let mut i = 0;
        while rebuilding.load(std::sync::atomic::Ordering::SeqCst) {
            during.push(one(i));
            i += 1;
        }
    });
    println!(
        "while a rebuild runs ({:.1} s): requests={} p50_ms={:.1} p99_ms={:.1} peak_rss_mb={:.0}",
        t.elapsed().as_secs_f64(),
        during.len(),
        percentile(&mut during, 0.5),
        percentile(&mut during, 0.99),
        peak_rss_mb()
    );
}
