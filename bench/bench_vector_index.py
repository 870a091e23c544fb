"""Choose the library's vector index by measurement: usearch, hnswlib and faiss-cpu at scale.

    python bench/bench_vector_index.py --n 1000000 --queries 500 --threads 16

Plain Python, no Django. The vectors are generated (384 dimensions, unit length, drawn around
2,000 random topics so that near neighbours exist, as with sentence vectors); the queries are
perturbed copies of library vectors. Each index is built with every thread given, then searched
one query at a time on one thread (a web request), and compared with exact search (recall@10).
Resident memory is read from /proc after each build, less the memory before it.
"""

import argparse
import gc
import json
import os
import time

import numpy as np

DIMENSIONS = 384
K = 10


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def generate(n: int, queries: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    topics = unit(rng.standard_normal((2_000, DIMENSIONS)))
    data = np.empty((n, DIMENSIONS), dtype=np.float32)
    for at in range(0, n, 100_000):
        size = min(100_000, n - at)
        chosen = topics[rng.integers(0, len(topics), size)]
        data[at : at + size] = unit(chosen + 0.09 * rng.standard_normal((size, DIMENSIONS)))
    picks = rng.integers(0, n, queries)
    query = unit(data[picks] + 0.04 * rng.standard_normal((queries, DIMENSIONS)))
    return data, query


def exact(data: np.ndarray, query: np.ndarray) -> np.ndarray:
    truth = np.empty((len(query), K), dtype=np.int64)
    for at in range(0, len(query), 50):
        scores = query[at : at + 50] @ data.T
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
        truth[at : at + 50] = np.take_along_axis(top, order, axis=1)
    return truth


def timed_search(search, query: np.ndarray, truth: np.ndarray) -> dict:
    times, hits = [], 0
    for row, vector in enumerate(query):
        started = time.perf_counter()
        found = search(vector)
        times.append((time.perf_counter() - started) * 1000)
        hits += len(set(int(x) for x in found[:K]) & set(truth[row].tolist()))
    times.sort()
    return {
        "p50_ms": round(times[len(times) // 2], 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
        "recall@10": round(hits / (K * len(query)), 4),
    }


def bench_usearch(data, query, truth, threads, dtype):
    from usearch.index import Index

    before = rss_mb()
    started = time.perf_counter()
    index = Index(
        ndim=DIMENSIONS,
        metric="ip",
        dtype=dtype,
        connectivity=16,
        expansion_add=128,
        expansion_search=128,
    )
    index.add(np.arange(len(data), dtype=np.uint64), data, threads=threads)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    result = timed_search(lambda v: index.search(v, K, threads=1).keys, query, truth)
    return {
        "index": f"usearch-hnsw-{dtype}",
        "build_s": round(build, 1),
        "rss_mb": round(memory),
    } | result


def bench_hnswlib(data, query, truth, threads):
    import hnswlib

    before = rss_mb()
    started = time.perf_counter()
    index = hnswlib.Index(space="ip", dim=DIMENSIONS)
    index.init_index(max_elements=len(data), ef_construction=128, M=16)
    index.set_num_threads(threads)
    index.add_items(data, np.arange(len(data)))
    build = time.perf_counter() - started
    memory = rss_mb() - before
    index.set_num_threads(1)
    index.set_ef(128)
    result = timed_search(lambda v: index.knn_query(v, k=K)[0][0], query, truth)
    return {"index": "hnswlib-f32", "build_s": round(build, 1), "rss_mb": round(memory)} | result


def bench_faiss(data, query, truth, threads):
    import faiss

    faiss.omp_set_num_threads(threads)
    before = rss_mb()
    started = time.perf_counter()
    index = faiss.IndexHNSWSQ(
        DIMENSIONS, faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT
    )
    index.hnsw.efConstruction = 128
    index.train(data[:100_000])
    index.add(data)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    faiss.omp_set_num_threads(1)
    index.hnsw.efSearch = 128
    result = timed_search(lambda v: index.search(v[None, :], K)[1][0], query, truth)
    return {"index": "faiss-hnsw-sq8", "build_s": round(build, 1), "rss_mb": round(memory)} | result


def bench_numpy(data, query, truth):
    result = timed_search(lambda v: np.argpartition(-(data @ v), K)[:K], query[:50], truth[:50])
    return {"index": "numpy-exact-f32", "build_s": 0, "rss_mb": round(data.nbytes / 2**20)} | result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default="numpy,usearch-i8,usearch-f16,hnswlib,faiss")
    args = parser.parse_args()
    started = time.perf_counter()
    data, query = generate(args.n, args.queries)
    truth = exact(data, query)
    print(
        json.dumps(
            {
                "n": args.n,
                "queries": args.queries,
                "threads": args.threads,
                "generate_s": round(time.perf_counter() - started, 1),
            }
        ),
        flush=True,
    )
    runs = {
        "numpy": lambda: bench_numpy(data, query, truth),
        "usearch-i8": lambda: bench_usearch(data, query, truth, args.threads, "i8"),
        "usearch-f16": lambda: bench_usearch(data, query, truth, args.threads, "f16"),
        "hnswlib": lambda: bench_hnswlib(data, query, truth, args.threads),
        "faiss": lambda: bench_faiss(data, query, truth, args.threads),
    }
    for name in args.only.split(","):
        print(json.dumps(runs[name]()), flush=True)
        gc.collect()


if __name__ == "__main__":
    main()
