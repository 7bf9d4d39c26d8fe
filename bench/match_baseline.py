"""Python baseline for the demand-supply technology matching benchmark.

jieba (precise mode) + scikit-learn TfidfVectorizer fitted on the supplies; for each demand the
top N supplies by cosine similarity. Text of an item = title + "\\n" + description.

    pip install -r bench/requirements-baseline.txt
    python3 bench/match_baseline.py --supplies supplies.jsonl --demands demands.jsonl \\
        [--top 10] [--out ranked.jsonl]

Input: JSON Lines, one object per line with at least id, title, description; a demand may carry
"relevant": {"S001": 2, "S017": 1} (2 = solves it, 1 = partly relevant). Output (--out): one line
per demand, {"demand": "D001", "supplies": ["S005", ...]}, best first; supplies with cosine 0 are
left out, so a list may be shorter than N.

Prints one key=value per line on stdout: read_s (reading the files, not in total), demands=..
supplies=.., load_s (jieba dictionary), tokenize_s, vectorize_s (fit on supplies + transform
demands), match_s, total_s (load + tokenize + vectorize + match), peak_rss_mb, and, when any
demand has a judgement of grade >= 1, judged=.., recall@N and ndcg@N, means over those demands:
  recall@k = |{grade >= 1} & top k| / |{grade >= 1}|
  nDCG@k   = DCG/IDCG, DCG = sum_{i=1..k} (2^grade(i) - 1) / log2(i + 1) (grade 0 if unjudged),
             IDCG the same over the judged grades sorted descending (first k).
"""
import argparse
import json
import math
import resource
import sys
import time

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

CHUNK = 512  # demand rows per sparse product, bounds memory at 10,000 x 100,000


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def tokenize(item):
    """jieba precise mode on the lowercased text; drops whitespace and punctuation-only tokens."""
    text = (item.get("title") or "") + "\n" + (item.get("description") or "")
    return [t for t in jieba.lcut(text.lower()) if any(c.isalnum() for c in t)]


def top_n(demand_vecs, supply_vecs, n):
    """Indices of the top n supplies per demand by cosine (rows are L2-normalised), best first."""
    supply_t = supply_vecs.T.tocsr()
    result = []
    for start in range(0, demand_vecs.shape[0], CHUNK):
        scores = (demand_vecs[start:start + CHUNK] @ supply_t).toarray()
        k = min(n, scores.shape[1])
        if k < scores.shape[1]:
            part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            part = np.tile(np.arange(k), (scores.shape[0], 1))
        part_scores = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        ranked = np.take_along_axis(part, order, axis=1)
        ranked_scores = np.take_along_axis(part_scores, order, axis=1)
        result.extend(row[s > 0].tolist() for row, s in zip(ranked, ranked_scores))
    return result


def recall_at(ranked, grades, k):
    rel = {s for s, g in grades.items() if g >= 1}
    return len(rel & set(ranked[:k])) / len(rel)


def ndcg_at(ranked, grades, k):
    dcg = sum((2 ** grades.get(s, 0) - 1) / math.log2(i + 2) for i, s in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--supplies", required=True, help="supplies, JSON Lines")
    ap.add_argument("--demands", required=True, help="demands, JSON Lines")
    ap.add_argument("--top", type=int, default=10, help="supplies per demand (default 10)")
    ap.add_argument("--out", help="write the ranked supplies per demand here, JSON Lines")
    args = ap.parse_args()

    t0 = time.perf_counter()
    supplies, demands = read_jsonl(args.supplies), read_jsonl(args.demands)
    t1 = time.perf_counter()
    print(f"read_s={t1 - t0:.3f}")
    print(f"demands={len(demands)} supplies={len(supplies)}")

    jieba.setLogLevel(60)  # silence "Building prefix dict ..."
    jieba.initialize()
    t2 = time.perf_counter()
    supply_tokens = [tokenize(s) for s in supplies]
    demand_tokens = [tokenize(d) for d in demands]
    t3 = time.perf_counter()
    vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens, dtype=np.float32)
    supply_vecs = vectorizer.fit_transform(supply_tokens)
    demand_vecs = vectorizer.transform(demand_tokens)
    t4 = time.perf_counter()
    ranked_idx = top_n(demand_vecs, supply_vecs, args.top)
    t5 = time.perf_counter()
    for key, secs in [("load_s", t2 - t1), ("tokenize_s", t3 - t2), ("vectorize_s", t4 - t3),
                      ("match_s", t5 - t4), ("total_s", t5 - t1)]:
        print(f"{key}={secs:.3f}")
    print(f"vocabulary={len(vectorizer.vocabulary_)}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak_rss_mb={peak_kb / 1024:.1f}")

    supply_ids = [s["id"] for s in supplies]
    ranked = [[supply_ids[i] for i in row] for row in ranked_idx]
    judged = [(r, d["relevant"]) for r, d in zip(ranked, demands)
              if any(g >= 1 for g in (d.get("relevant") or {}).values())]
    if judged:
        k = args.top
        print(f"judged={len(judged)}")
        print(f"recall@{k}={sum(recall_at(r, g, k) for r, g in judged) / len(judged):.4f}")
        print(f"ndcg@{k}={sum(ndcg_at(r, g, k) for r, g in judged) / len(judged):.4f}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            for d, r in zip(demands, ranked):
                f.write(json.dumps({"demand": d["id"], "supplies": r}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
