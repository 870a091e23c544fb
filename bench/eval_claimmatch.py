"""Score claim matching ("has this been fact-checked?") on ../shared/claimmatch and print a table.

    make eval-match      # or: .venv/bin/python bench/eval_claimmatch.py [--data-dir DIR]
                         #     [--queries dev.jsonl] [--threads 1] [--encoder-dir DIR]

Plain engine code, no Django, no database: the 10,375 fact-checks ("claimReviewed headline")
are ranked for each query by
  bm25       the engine's BM25 over content stems (verification/engine/bm25.py)
  dense      the sentence encoder's cosine (verification/engine/encoder.py, int8 ONNX)
  bm25+dense reciprocal-rank fusion (k = 60) of the two
  rerank     the cross-encoder (verification/engine/reranker.py) over the dense top 20
  dense+rerank   RRF of the dense top 20 and their re-ranked order (the shipped recipe)
  hybrid+rerank  the same over the bm25+dense top 20
  RRF of 3   BM25, the encoder and the re-ranker (over the encoder's top 20), one vote each
Each run is written to var/claimmatch_runs/NAME.jsonl and scored with the data's own score.py.
It also times the encoder over all fact-checks (one process, --threads onnxruntime threads).
dev.jsonl is for measuring only: nothing here feeds back into a model or a setting.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verification.engine.bm25 import BM25  # noqa: E402
from verification.engine.encoder import SentenceEncoder  # noqa: E402
from verification.engine.fusion import reciprocal_rank_fusion, rerank_and_fuse  # noqa: E402
from verification.engine.reranker import Reranker  # noqa: E402
from verification.engine.text import passage_content_stems  # noqa: E402

DEPTH = 100
RERANK_DEPTH = 20


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def factcheck_text(record: dict) -> str:
    return f"{record.get('claimReviewed') or ''} {record.get('headline') or ''}".strip()


def write_run(path: Path, queries: list[dict], rankings: list[list[tuple[str, float]]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for query, ranking in zip(queries, rankings, strict=True):
            matches = [{"url": url, "score": round(float(s), 6)} for url, s in ranking[:DEPTH]]
            out.write(json.dumps({"id": query["id"], "matches": matches}) + "\n")


def score(score_py: Path, gold: Path, run: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(score_py), str(gold), str(run)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def top(scores: np.ndarray, urls: list[str], depth: int) -> list[tuple[str, float]]:
    # Stable ordering (score, then library order) so ties never depend on the platform.
    idx = np.lexsort((np.arange(len(scores)), -scores))[:depth]
    return [(urls[i], float(scores[i])) for i in idx]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "claimmatch")
    parser.add_argument("--queries", default="dev.jsonl")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--encoder-dir", type=Path, default=None)
    parser.add_argument("--reranker-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "var" / "claimmatch_runs")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    gold_path = args.data_dir / args.queries
    records = read_jsonl(args.data_dir / "factchecks.jsonl")
    queries = read_jsonl(gold_path)
    urls = [r["url"] for r in records]
    texts = [factcheck_text(r) for r in records]
    by_url = dict(zip(urls, texts, strict=True))
    timings = {}

    started = time.perf_counter()
    bm25 = BM25([passage_content_stems(t) for t in texts])
    bm25_runs = [
        top(np.array(bm25.scores(passage_content_stems(q["text"]))), urls, DEPTH) for q in queries
    ]
    timings["bm25 (index + all queries)"] = time.perf_counter() - started

    encoder = SentenceEncoder(args.encoder_dir, threads=args.threads)
    encoder.encode(["warm-up"])
    started = time.perf_counter()
    doc_vectors = encoder.encode(texts, batch_size=32)
    encode_s = time.perf_counter() - started
    timings[f"encode {len(texts)} fact-checks"] = encode_s
    started = time.perf_counter()
    query_vectors = encoder.encode([q["text"] for q in queries])
    dense_runs = [top(doc_vectors @ v, urls, DEPTH) for v in query_vectors]
    timings["dense (encode queries + search)"] = time.perf_counter() - started

    hybrid_runs = [
        reciprocal_rank_fusion([[u for u, _ in b], [u for u, _ in d]])
        for b, d in zip(bm25_runs, dense_runs, strict=True)
    ]

    reranker = Reranker(args.reranker_dir, threads=args.threads)
    rerank_runs, dense_rerank_runs, hybrid_rerank_runs, three_way_runs = [], [], [], []
    started = time.perf_counter()
    pairs = 0
    for query, bm, dense, hybrid in zip(queries, bm25_runs, dense_runs, hybrid_runs, strict=True):
        # One re-ranker pass over the union of both first stages' top 20.
        head = list(
            dict.fromkeys(
                [u for u, _ in dense[:RERANK_DEPTH]] + [u for u, _ in hybrid[:RERANK_DEPTH]]
            )
        )
        pairs += len(head)
        scored = dict(
            zip(head, reranker.score(query["text"], [by_url[u] for u in head]), strict=True)
        )
        dense_head = [u for u, _ in dense[:RERANK_DEPTH]]
        rerank_runs.append(sorted(((u, scored[u]) for u in dense_head), key=lambda p: -p[1]))
        dense_rerank_runs.append(rerank_and_fuse(dense_head, [scored[u] for u in dense_head]))
        hybrid_head = [u for u, _ in hybrid[:RERANK_DEPTH]]
        hybrid_rerank_runs.append(rerank_and_fuse(hybrid_head, [scored[u] for u in hybrid_head]))
        # Three votes: BM25, the encoder and the re-ranker (over the encoder's top 20).
        three_way_runs.append(
            reciprocal_rank_fusion(
                [[u for u, _ in bm], [u for u, _ in dense], [u for u, _ in rerank_runs[-1]]]
            )
        )
    rerank_s = time.perf_counter() - started
    timings[f"re-rank ({pairs} pairs)"] = rerank_s

    runs = {
        "bm25": bm25_runs,
        "dense": dense_runs,
        "bm25+dense (RRF)": hybrid_runs,
        "rerank dense top 20": rerank_runs,
        "dense + rerank (RRF)": dense_rerank_runs,
        "bm25+dense + rerank (RRF)": hybrid_rerank_runs,
        "bm25, dense, rerank (RRF of 3)": three_way_runs,
    }
    print(f"{len(queries)} queries from {gold_path.name}, {len(records)} fact-checks")
    print(f"encoder: {encoder.config['model']}")
    print(f"re-ranker: {reranker._load()[2]['model']}\n")
    print("| method | MAP@1 | MAP@5 | MRR | R@5 |")
    print("|---|---:|---:|---:|---:|")
    for name, rankings in runs.items():
        slug = name.replace(" ", "_").replace("+", "_").replace("(", "").replace(")", "")
        path = args.out_dir / f"{slug}.jsonl"
        write_run(path, queries, rankings)
        s = score(args.data_dir / "score.py", gold_path, path)
        print(
            f"| {name} | {s['map@1']:.3f} | {s['map@5']:.3f} | {s['mrr']:.3f} | "
            f"{s['recall@5']:.3f} |"
        )
    print(
        f"\nencoder speed: {len(texts) / encode_s:.0f} fact-checks/s "
        f"({len(texts)} in {encode_s:.1f} s, one process, {args.threads} onnxruntime thread(s), "
        "batch 32, on this machine's shared cores)"
    )
    print(f"re-ranker speed: {pairs / rerank_s:.0f} pairs/s ({pairs} in {rerank_s:.1f} s)")
    for what, seconds in timings.items():
        print(f"  {what}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
