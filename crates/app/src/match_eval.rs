//! T3 measured: `zhiyun eval matching` reports every labelled set under `eval/` (each a
//! directory of `supplies.jsonl`, `demands.jsonl` and optionally `queries.jsonl`): nDCG@10,
//! recall@10 and MRR of the full scorer beside two baselines on the same data (cosine over
//! character (1–2)-gram TF-IDF with sublinear tf, and character (1–2)-gram BM25, both over
//! title and description), and the same for the listings search on the queries; `--ablation` adds the
//! scorer without each of its parts. `zhiyun bench gen-match` (demands and supplies recombined
//! from `eval/matching`'s sentences) and `zhiyun bench match` (the batch, and single requests
//! with `--requests`) measure speed; `bench/matching.sh` and `bench/match_scale.sh` run them.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use zhiyun_domain::district;
use zhiyun_domain::matching::{Side, ndcg_at, recall_at};
use zhiyun_domain::money::{FEN_PER_WAN, Fen};
use zhiyun_search::chars::{CharBm25, CharTfIdf};
use zhiyun_search::matcher::{Direction, MatchItem, Matcher, Tuning};
use zhiyun_search::{ListingDoc, Query, SearchIndex, Synonyms};

const EVAL_SUPPLIES: &str = include_str!("../../../eval/matching/supplies.jsonl");
const EVAL_DEMANDS: &str = include_str!("../../../eval/matching/demands.jsonl");
const K: usize = 10;

/// A listing read from the evaluation format, with its string id and judgements (demands).
pub struct Row {
    pub name: String,
    pub item: MatchItem,
    pub relevant: Vec<(String, u8)>,
}

fn wan(v: &Value) -> Option<Fen> {
    v.as_i64()
        .and_then(|w| Fen::from_fen(w.checked_mul(FEN_PER_WAN)?).ok())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Parse JSON Lines of the evaluation format; ids become 0, 1, 2 … in file order.
pub fn parse(text: &str, what: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value =
            serde_json::from_str(line).with_context(|| format!("{what} line {}", n + 1))?;
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let district_code = v["district"].as_str().map(str::to_string);
        let relevant = v["relevant"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(id, g)| (id.clone(), g.as_u64().unwrap_or(0).min(3) as u8))
                    .collect()
            })
            .unwrap_or_default();
        rows.push(Row {
            name: s("id"),
            item: MatchItem {
                id: rows.len() as i64,
                title: s("title"),
                description: s("description"),
                side: Side {
                    field: v["field"].as_str().map(str::to_string),
                    field_inferred: false,
                    ipc: strings(&v["ipc"]),
                    ipc_inferred: false,
                    modes: strings(&v["modes"]),
                    price: wan(&v["price_wan"]).or_else(|| wan(&v["budget_wan"])),
                    district_name: district_code
                        .as_deref()
                        .and_then(district::by_code)
                        .map(|d| d.name.to_string()),
                    district_code,
                },
            },
            relevant,
        });
    }
    if rows.is_empty() {
        bail!("{what}: no rows");
    }
    Ok(rows)
}

/// Mean measures of ranked lists against graded judgements.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Measures {
    pub ndcg: f64,
    pub recall: f64,
    /// Mean reciprocal rank of the first relevant item in the top 10 (0 when none).
    pub mrr: f64,
}

fn reciprocal_rank(ranked: &[&str], grades: &[(&str, u8)]) -> f64 {
    ranked
        .iter()
        .take(K)
        .position(|id| grades.iter().any(|(j, g)| j == id && *g >= 1))
        .map_or(0.0, |r| 1.0 / (r as f64 + 1.0))
}

/// One judgement: a listing's name and its grade (0 not relevant … 2 or 3 highly relevant).
type Grade = (String, u8);

/// Mean recall@10, nDCG@10 and MRR of ranked lists (names) against each row's judgements.
fn measure(judged: &[&[(String, u8)]], ranked: &[Vec<&str>]) -> Measures {
    let pairs: Vec<(&&[Grade], &Vec<&str>)> = judged
        .iter()
        .zip(ranked)
        .filter(|(j, _)| !j.is_empty())
        .collect();
    let n = pairs.len().max(1) as f64;
    let mut m = Measures::default();
    for (j, r) in &pairs {
        let g: Vec<(&str, u8)> = j.iter().map(|(id, x)| (id.as_str(), *x)).collect();
        m.recall += recall_at(K, r, &g);
        m.ndcg += ndcg_at(K, r, &g);
        m.mrr += reciprocal_rank(r, &g);
    }
    m.recall /= n;
    m.ndcg /= n;
    m.mrr /= n;
    m
}

/// One labelled set read from a directory under `eval/`.
pub struct EvalSet {
    pub name: String,
    pub supplies: Vec<Row>,
    pub demands: Vec<Row>,
    /// Search queries (`queries.jsonl`): (query, judgements over supply and demand ids).
    pub queries: Vec<(String, Vec<(String, u8)>)>,
}

fn parse_queries(text: &str, what: &str) -> Result<Vec<(String, Vec<Grade>)>> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value =
            serde_json::from_str(line).with_context(|| format!("{what} line {}", n + 1))?;
        let q = v["q"].as_str().unwrap_or_default().to_string();
        let relevant = v["relevant"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(id, g)| (id.clone(), g.as_u64().unwrap_or(0).min(3) as u8))
                    .collect()
            })
            .unwrap_or_default();
        out.push((q, relevant));
    }
    Ok(out)
}

impl EvalSet {
    /// Read `supplies.jsonl`, `demands.jsonl` and (when present) `queries.jsonl` of `dir`.
    pub fn read(dir: &Path) -> Result<EvalSet> {
        let read = |f: &str| {
            let p = dir.join(f);
            std::fs::read_to_string(&p).with_context(|| format!("{}", p.display()))
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let queries = match read("queries.jsonl") {
            Ok(text) => parse_queries(&text, &format!("{name}/queries.jsonl"))?,
            Err(_) => Vec::new(),
        };
        Ok(EvalSet {
            supplies: parse(&read("supplies.jsonl")?, &format!("{name}/supplies.jsonl"))?,
            demands: parse(&read("demands.jsonl")?, &format!("{name}/demands.jsonl"))?,
            queries,
            name,
        })
    }

    /// Every set under `root` (directories holding `supplies.jsonl` and `demands.jsonl`), by name.
    pub fn all(root: &Path) -> Result<Vec<EvalSet>> {
        let mut dirs: Vec<_> = std::fs::read_dir(root)
            .with_context(|| format!("{}", root.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("supplies.jsonl").is_file() && p.join("demands.jsonl").is_file())
            .collect();
        dirs.sort();
        dirs.iter().map(|d| EvalSet::read(d)).collect()
    }

    fn judged(&self) -> Vec<&[(String, u8)]> {
        self.demands.iter().map(|d| d.relevant.as_slice()).collect()
    }

    fn text(r: &Row) -> String {
        format!("{} {}", r.item.title, r.item.description)
    }

    /// The matcher with `tuning` on this set (demands → supplies).
    pub fn full(&self, synonyms: &Synonyms, tuning: Tuning) -> Measures {
        let matcher = Matcher::with_tuning(synonyms.clone(), tuning);
        let names: Vec<&str> = self.supplies.iter().map(|r| r.name.as_str()).collect();
        let set = matcher.index(self.supplies.iter().map(|r| r.item.clone()).collect());
        let queries: Vec<MatchItem> = self.demands.iter().map(|d| d.item.clone()).collect();
        let ranked: Vec<Vec<&str>> = set
            .suggest_all(&matcher, &queries, Direction::DemandToSupplies, K)
            .iter()
            .map(|s| s.iter().map(|x| names[x.id as usize]).collect())
            .collect();
        measure(&self.judged(), &ranked)
    }

    /// Baselines over title + description: (char (1–2)-gram TF-IDF cosine, char (1–2)-gram BM25).
    pub fn baselines(&self) -> (Measures, Measures) {
        let texts: Vec<String> = self.supplies.iter().map(EvalSet::text).collect();
        let names: Vec<&str> = self.supplies.iter().map(|r| r.name.as_str()).collect();
        let tfidf = CharTfIdf::build(&texts, 1, 2);
        let bm25 = CharBm25::build(&texts, 1, 2);
        let rank = |hits: Vec<(u32, f32)>| -> Vec<&str> {
            hits.into_iter().map(|(d, _)| names[d as usize]).collect()
        };
        let a: Vec<Vec<&str>> = self
            .demands
            .iter()
            .map(|d| rank(tfidf.top(&EvalSet::text(d), K)))
            .collect();
        let b: Vec<Vec<&str>> = self
            .demands
            .iter()
            .map(|d| rank(bm25.top(&EvalSet::text(d), K)))
            .collect();
        (measure(&self.judged(), &a), measure(&self.judged(), &b))
    }

    /// Search on the query set: (the listings search, TF-IDF baseline, BM25 baseline) over
    /// supplies and demands together; `None` without queries.
    pub fn search(&self, synonyms: &Synonyms) -> Result<Option<(Measures, Measures, Measures)>> {
        if self.queries.is_empty() {
            return Ok(None);
        }
        let rows: Vec<(&Row, &str)> = self
            .supplies
            .iter()
            .map(|r| (r, "supply"))
            .chain(self.demands.iter().map(|r| (r, "demand")))
            .collect();
        let index = SearchIndex::in_ram(synonyms.clone())?;
        let docs: Vec<ListingDoc> = rows
            .iter()
            .enumerate()
            .map(|(i, (r, kind))| ListingDoc {
                id: i as i64,
                kind: kind.to_string(),
                title: r.item.title.clone(),
                description: r.item.description.clone(),
                field: r.item.side.field.clone().unwrap_or_default(),
                modes: r.item.side.modes.clone(),
                district_code: r.item.side.district_code.clone().unwrap_or_default(),
                owner_kind: "enterprise".into(),
                owner_name: String::new(),
                ipc: r.item.side.ipc.clone(),
                price_fen: r.item.side.price.map(|p| p.fen()),
                published_at: 1_767_225_600,
                updated_at: 1_767_225_600,
                visible: true,
            })
            .collect();
        index.upsert_many(&docs)?;
        let names: Vec<&str> = rows.iter().map(|(r, _)| r.name.as_str()).collect();
        let judged: Vec<&[(String, u8)]> = self.queries.iter().map(|(_, j)| j.as_slice()).collect();
        let mut found = Vec::new();
        for (q, _) in &self.queries {
            let mut query = Query::text(q.clone());
            query.per_page = K;
            let results = index.search(&query)?;
            found.push(
                results
                    .hits
                    .iter()
                    .chain(&results.related)
                    .map(|h| names[h.id as usize])
                    .collect::<Vec<&str>>(),
            );
        }
        let texts: Vec<String> = rows.iter().map(|(r, _)| EvalSet::text(r)).collect();
        let tfidf = CharTfIdf::build(&texts, 1, 2);
        let bm25 = CharBm25::build(&texts, 1, 2);
        let rank = |hits: Vec<(u32, f32)>| -> Vec<&str> {
            hits.into_iter().map(|(d, _)| names[d as usize]).collect()
        };
        let a: Vec<Vec<&str>> = self
            .queries
            .iter()
            .map(|(q, _)| rank(tfidf.top(q, K)))
            .collect();
        let b: Vec<Vec<&str>> = self
            .queries
            .iter()
            .map(|(q, _)| rank(bm25.top(q, K)))
            .collect();
        Ok(Some((
            measure(&judged, &found),
            measure(&judged, &a),
            measure(&judged, &b),
        )))
    }
}

fn row(label: &str, m: &Measures) -> String {
    format!(
        "| {label:<34} | {:.3} | {:.3} | {:.3} |",
        m.ndcg, m.recall, m.mrr
    )
}

/// The variants `--ablation` measures: what each part of the matcher adds.
pub fn variants() -> Vec<(&'static str, Tuning)> {
    let d = Tuning::default();
    vec![
        ("full", d.clone()),
        (
            "before: words BM25 + structured",
            Tuning {
                chars: false,
                char_bm25: false,
                bridge: false,
                feedback_docs: 0,
                structured: true,
                rrf_k: 60.0,
                ..d.clone()
            },
        ),
        (
            "- words (jieba BM25)",
            Tuning {
                words: false,
                ..d.clone()
            },
        ),
        (
            "- char TF-IDF",
            Tuning {
                chars: false,
                feedback_docs: 0,
                ..d.clone()
            },
        ),
        (
            "- char BM25",
            Tuning {
                char_bm25: false,
                ..d.clone()
            },
        ),
        (
            "- feedback",
            Tuning {
                feedback_docs: 0,
                ..d.clone()
            },
        ),
        (
            "- problem words",
            Tuning {
                bridge: false,
                ..d.clone()
            },
        ),
        (
            "structured order toggled",
            Tuning {
                structured: !d.structured,
                ..d.clone()
            },
        ),
        (
            "char n-grams in ≤10% of listings",
            Tuning {
                char_max_df: 0.1,
                ..d.clone()
            },
        ),
        (
            "char n-grams in ≤50% of listings",
            Tuning {
                char_max_df: 0.5,
                ..d.clone()
            },
        ),
        (
            "all char n-grams",
            Tuning {
                char_max_df: 1.0,
                ..d.clone()
            },
        ),
        (
            "feedback from 5",
            Tuning {
                feedback_docs: 5,
                ..d.clone()
            },
        ),
        (
            "feedback weight 1.5",
            Tuning {
                feedback_weight: 1.5,
                ..d.clone()
            },
        ),
        (
            "RRF k=60",
            Tuning {
                rrf_k: 60.0,
                ..d.clone()
            },
        ),
        (
            "RRF k=10",
            Tuning {
                rrf_k: 10.0,
                ..d.clone()
            },
        ),
        (
            "RRF k=5",
            Tuning {
                rrf_k: 5.0,
                ..d.clone()
            },
        ),
        (
            "- words, - feedback",
            Tuning {
                words: false,
                feedback_docs: 0,
                ..d.clone()
            },
        ),
    ]
}

/// `zhiyun eval matching`: every set under `root`: the matcher and both baselines on the
/// demands, the listings search and both baselines on the queries; with `ablation`, the
/// matcher without each of its parts.
pub fn eval(synonyms: Synonyms, root: &Path, ablation: bool) -> Result<()> {
    let sets = EvalSet::all(root)?;
    if sets.is_empty() {
        bail!(
            "{}: no evaluation sets (directories with supplies.jsonl and demands.jsonl)",
            root.display()
        );
    }
    for set in &sets {
        println!(
            "\n## {} — {} supplies, {} demands, {} queries",
            set.name,
            set.supplies.len(),
            set.demands.len(),
            set.queries.len()
        );
        println!("| matching (demand → supplies)         | nDCG@10 | recall@10 | MRR |");
        println!("|------------------------------------|---------|-----------|-----|");
        let full = set.full(&synonyms, Tuning::default());
        let (tfidf, bm25) = set.baselines();
        println!("{}", row("full scorer", &full));
        println!("{}", row("baseline: char 1-2gram TF-IDF cosine", &tfidf));
        println!("{}", row("baseline: char 1-2gram BM25", &bm25));
        println!(
            "full − TF-IDF baseline: nDCG@10 {:+.3}",
            full.ndcg - tfidf.ndcg
        );
        if ablation {
            for (label, tuning) in variants().into_iter().skip(1) {
                println!("{}", row(label, &set.full(&synonyms, tuning)));
            }
        }
        if let Some((search, a, b)) = set.search(&synonyms)? {
            println!("| search (listings, q=…)               | nDCG@10 | recall@10 | MRR |");
            println!("{}", row("listings search", &search));
            println!("{}", row("baseline: char 1-2gram TF-IDF cosine", &a));
            println!("{}", row("baseline: char 1-2gram BM25", &b));
        }
    }
    Ok(())
}

/// The process's peak resident memory (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Sentences (split at `。；`) of a text.
fn clauses(text: &str) -> Vec<&str> {
    text.split_inclusive(['。', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// `zhiyun bench gen-match`: N supplies and M demands recombined from the labelled set's texts:
/// the n-th takes its title and first sentences from one listing and the rest from another of
/// the same field, so the vocabulary is the set's and no two texts are the same.
pub fn generate(supplies_n: usize, demands_n: usize, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for (source, n, file, prefix) in [
        (EVAL_SUPPLIES, supplies_n, "supplies.jsonl", "S"),
        (EVAL_DEMANDS, demands_n, "demands.jsonl", "D"),
    ] {
        let rows: Vec<Value> = source
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(file))?);
        for i in 0..n {
            let a = &rows[i % rows.len()];
            let b = &rows[(i * 7 + 3 + i / rows.len()) % rows.len()];
            let (ca, cb) = (
                clauses(a["description"].as_str().unwrap_or_default()),
                clauses(b["description"].as_str().unwrap_or_default()),
            );
            let description: String = ca[..ca.len().div_ceil(2)]
                .iter()
                .chain(&cb[cb.len() / 2..])
                .copied()
                .collect();
            let mut v = a.clone();
            v["id"] = Value::from(format!("{prefix}{i:06}"));
            v["description"] = Value::from(description);
            if let Some(o) = v.as_object_mut() {
                o.remove("relevant");
            }
            writeln!(out, "{v}")?;
        }
        out.flush()?;
    }
    println!(
        "wrote {supplies_n} supplies and {demands_n} demands to {}",
        dir.display()
    );
    Ok(())
}

/// `zhiyun bench match`: every demand's top N supplies, timed by phase (the same phases the
/// Python baseline prints).
pub fn batch(
    synonyms: Synonyms,
    supplies: &Path,
    demands: &Path,
    top: usize,
    out: Option<&Path>,
    (requests, no_batch): (usize, bool),
) -> Result<()> {
    let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("{}", p.display()));
    let (s_text, d_text) = (read(supplies)?, read(demands)?);
    let started = Instant::now();
    let supplies = parse(&s_text, "supplies")?;
    let demands = parse(&d_text, "demands")?;
    let load = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let matcher = Matcher::new(synonyms);
    let names: Vec<&str> = supplies.iter().map(|r| r.name.as_str()).collect();
    let set = matcher.index(supplies.iter().map(|r| r.item.clone()).collect());
    let index = t.elapsed().as_secs_f64();
    println!("build_s={index:.3} supplies={}", supplies.len());
    println!("peak_rss_mb={:.0}", peak_rss_mb());
    let queries: Vec<MatchItem> = demands.iter().map(|d| d.item.clone()).collect();
    if requests > 0 {
        let none = std::collections::HashSet::new();
        let mut times: Vec<f64> = (0..requests)
            .map(|i| {
                let t = Instant::now();
                let found = set.suggest(
                    &matcher,
                    &queries[i % queries.len()],
                    Direction::DemandToSupplies,
                    top,
                    &none,
                );
                std::hint::black_box(found);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "single requests={requests} p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
            at(0.5),
            at(0.99),
            times[times.len() - 1]
        );
        println!("peak_rss_mb={:.0}", peak_rss_mb());
    }
    if no_batch {
        return Ok(());
    }
    let t = Instant::now();
    let found = set.suggest_all(&matcher, &queries, Direction::DemandToSupplies, top);
    let matching = t.elapsed().as_secs_f64();
    let total = started.elapsed().as_secs_f64();
    println!("demands={} supplies={}", demands.len(), supplies.len());
    println!("load_s={load:.3}");
    println!("index_s={index:.3}");
    println!("match_s={matching:.3}");
    println!("total_s={total:.3}");
    let ranked: Vec<Vec<&str>> = found
        .iter()
        .map(|s| s.iter().map(|x| names[x.id as usize]).collect())
        .collect();
    if demands.iter().any(|d| !d.relevant.is_empty()) {
        let judged: Vec<&[(String, u8)]> = demands.iter().map(|d| d.relevant.as_slice()).collect();
        let m = measure(&judged, &ranked);
        println!("recall@10={:.4}", m.recall);
        println!("ndcg@10={:.4}", m.ndcg);
    }
    if let Some(out) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for (d, r) in demands.iter().zip(&ranked) {
            writeln!(
                w,
                "{}",
                serde_json::json!({"demand": d.name, "supplies": r})
            )?;
        }
        w.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// T3: the labelled set parses whole and every judgement names a supply in it.
    #[test]
    fn the_evaluation_set_is_whole() {
        let supplies = parse(EVAL_SUPPLIES, "supplies").unwrap();
        let demands = parse(EVAL_DEMANDS, "demands").unwrap();
        assert!(supplies.len() >= 300, "{}", supplies.len());
        assert!(demands.len() >= 60, "{}", demands.len());
        for d in &demands {
            assert!(d.relevant.len() >= 2, "{}", d.name);
            for (id, _) in &d.relevant {
                assert!(supplies.iter().any(|s| &s.name == id), "{} → {id}", d.name);
            }
        }
    }

    fn sets() -> Vec<EvalSet> {
        EvalSet::all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval")).unwrap()
    }

    /// T3 (quality), issue 17: on every set tuned on, the full scorer is no more than 0.02 of
    /// nDCG@10 below either character n-gram baseline (a regression below them shows here), at
    /// least 0.8, and finds most of what is relevant. (The held-out set is only reported.)
    #[test]
    fn the_full_scorer_holds_against_the_baselines_on_the_tuning_sets() {
        let sets = sets();
        assert!(sets.len() >= 3, "{}", sets.len());
        for set in sets.iter().filter(|s| !s.name.contains("heldout")) {
            let full = set.full(&Synonyms::builtin(), Tuning::default());
            let (tfidf, bm25) = set.baselines();
            assert!(
                full.ndcg + 0.02 >= tfidf.ndcg,
                "{}: {full:?} < {tfidf:?}",
                set.name
            );
            assert!(
                full.ndcg + 0.02 >= bm25.ndcg,
                "{}: {full:?} < {bm25:?}",
                set.name
            );
            assert!(full.ndcg >= 0.8, "{}: {full:?}", set.name);
            assert!(full.recall >= 0.8, "{}: {full:?}", set.name);
        }
    }

    /// T2 (search), issue 17: on every query set tuned on, the listings search (hits, then the
    /// related listings that fill the page) finds at least 70 % of what is relevant in its first
    /// 10 and is no more than 0.02 of recall below either baseline. Without the related
    /// listings it found 38–63 %.
    #[test]
    fn the_search_finds_most_of_what_is_relevant_on_the_tuning_sets() {
        for set in sets().iter().filter(|s| !s.name.contains("heldout")) {
            let Some((search, tfidf, bm25)) = set.search(&Synonyms::builtin()).unwrap() else {
                continue;
            };
            assert!(search.recall >= 0.7, "{}: {search:?}", set.name);
            assert!(
                search.recall + 0.02 >= tfidf.recall.max(bm25.recall),
                "{}: {search:?} against {tfidf:?} and {bm25:?}",
                set.name
            );
        }
    }
}
