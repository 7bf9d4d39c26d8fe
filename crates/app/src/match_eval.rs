//! T3 measured: `zhiyun eval matching` (recall@10 and nDCG@10 of the full scorer and of BM25 alone
//! on the hand-labelled set in `eval/matching/`), `zhiyun bench gen-match` (10,000 demands and
//! 100,000 supplies recombined from that set's sentences) and `zhiyun bench match` (the batch:
//! every demand's top 10, timed). `bench/matching.sh` runs the Python baseline beside it.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use zhiyun_domain::district;
use zhiyun_domain::matching::{Side, ndcg_at, recall_at};
use zhiyun_domain::money::{FEN_PER_WAN, Fen};
use zhiyun_search::Synonyms;
use zhiyun_search::matcher::{Direction, MatchItem, Matcher};

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

/// Mean (recall@10, nDCG@10).
type Measures = (f64, f64);

/// Mean recall@10 and nDCG@10 of ranked lists (supply names) against the demands' judgements.
fn measure(demands: &[Row], ranked: &[Vec<&str>]) -> Measures {
    let judged: Vec<(&Row, &Vec<&str>)> = demands
        .iter()
        .zip(ranked)
        .filter(|(d, _)| !d.relevant.is_empty())
        .collect();
    let n = judged.len().max(1) as f64;
    let (mut recall, mut ndcg) = (0.0, 0.0);
    for (d, r) in &judged {
        let g: Vec<(&str, u8)> = d.relevant.iter().map(|(id, x)| (id.as_str(), *x)).collect();
        recall += recall_at(K, r, &g);
        ndcg += ndcg_at(K, r, &g);
    }
    (recall / n, ndcg / n)
}

/// The measures of the full scorer and of BM25 alone on the labelled set, and its size
/// (supplies, demands).
pub fn evaluate(synonyms: Synonyms) -> Result<(Measures, Measures, (usize, usize))> {
    let supplies = parse(EVAL_SUPPLIES, "eval/matching/supplies.jsonl")?;
    let demands = parse(EVAL_DEMANDS, "eval/matching/demands.jsonl")?;
    let matcher = Matcher::new(synonyms);
    let names: Vec<&str> = supplies.iter().map(|r| r.name.as_str()).collect();
    let set = matcher.index(supplies.iter().map(|r| r.item.clone()).collect());
    let queries: Vec<MatchItem> = demands.iter().map(|d| d.item.clone()).collect();
    let full: Vec<Vec<&str>> = set
        .suggest_all(&matcher, &queries, Direction::DemandToSupplies, K)
        .iter()
        .map(|s| s.iter().map(|x| names[x.id as usize]).collect())
        .collect();
    let bm25: Vec<Vec<&str>> = queries
        .iter()
        .map(|q| {
            set.text_only(&matcher, q, K)
                .into_iter()
                .map(|id| names[id as usize])
                .collect()
        })
        .collect();
    Ok((
        measure(&demands, &full),
        measure(&demands, &bm25),
        (supplies.len(), demands.len()),
    ))
}

/// `zhiyun eval matching`: both scorers on the labelled set.
pub fn eval(synonyms: Synonyms) -> Result<()> {
    let (full, bm25, (s, d)) = evaluate(synonyms)?;
    println!("evaluation set: {s} supplies, {d} demands (eval/matching)");
    println!("full scorer: recall@10={:.4} ndcg@10={:.4}", full.0, full.1);
    println!("BM25 alone:  recall@10={:.4} ndcg@10={:.4}", bm25.0, bm25.1);
    Ok(())
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
    let t = Instant::now();
    let queries: Vec<MatchItem> = demands.iter().map(|d| d.item.clone()).collect();
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
        let (recall, ndcg) = measure(&demands, &ranked);
        println!("recall@10={recall:.4}");
        println!("ndcg@10={ndcg:.4}");
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

    /// T3 (quality): the full scorer beats BM25 alone on the labelled set, and finds most of
    /// what is relevant.
    #[test]
    fn the_full_scorer_beats_bm25_alone() {
        let ((full_recall, full_ndcg), (bm25_recall, bm25_ndcg), _) =
            evaluate(Synonyms::builtin()).unwrap();
        assert!(full_recall >= bm25_recall, "{full_recall} < {bm25_recall}");
        assert!(full_ndcg >= bm25_ndcg, "{full_ndcg} < {bm25_ndcg}");
        assert!(full_recall >= 0.5, "recall@10 {full_recall}");
    }
}
