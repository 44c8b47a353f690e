"""Dense search at 10k / 100k / 1M passages: FAISS flat against two FAISS ANN indexes, and Milvus Lite
(the `QA_SEARCH_BACKEND=milvus` backend, embedded in this process). Prints figures only.

    python -m eval.ann [--sizes 10000,100000,1000000] [--milvus-sizes 10000,100000] [--queries 200]
                       [--out eval/out/ann.json]

Where does exact (flat) search stop being the right default? The passages are hash-embedder
vectors (`qa.embed.HashEmbeddings`, bag of character bigrams): a pool of real sentences (the
realtrips-dev corpus and the Korean distractors under ../shared/benchmarks) is embedded once, and
each synthetic passage is the normalised sum of 3-6 random pool sentences, which is the hash
embedding of their concatenation up to the bigrams across sentence boundaries. The queries are the
dev sets' real questions, embedded the same way. For each size and index this measures the build
time, the index's memory (its serialised size), single-question latency p50/p95 on one thread
(as the app asks), and recall@10 against the flat index's exact top 10.

HNSW (`IndexHNSWFlat`, M=32, efConstruction 80) and IVF (`IndexIVFFlat`, 4·sqrt(N) lists) are the
two FAISS families that need no training data beyond the vectors themselves; each is searched at
three levels of effort (efSearch, nprobe) to show the recall each level buys. Milvus Lite gets the
same vectors through its Python client (FLAT and IVF_FLAT index, inserted in batches of 10,000);
its memory column is the size of its files on disk.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np

from qa.embed import HashEmbeddings
from qa.korean import sentence_spans

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
POOLS = [SHARED / "realtrips-dev" / "corpus", SHARED / "korean-distractors"]
QUESTION_FILES = [ROOT / "eval" / f for f in ("realtrips_dev.jsonl", "seeds_dev.jsonl", "realtrips_fresh.jsonl")]


def sentence_pool(limit: int = 30000) -> list[str]:
    sentences: list[str] = []
    for folder in POOLS:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".txt", ".md") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            sentences += [text[s:e] for s, e in sentence_spans(text) if e - s >= 20]
            if len(sentences) >= limit:
                return sentences[:limit]
    return sentences


def questions() -> list[str]:
    out = []
    for path in QUESTION_FILES:
        if path.exists():
            out += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def synthetic_passages(pool: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, pool.shape[1]), dtype=np.float32)
    for start in range(0, n, 50000):
        m = min(50000, n - start)
        counts = rng.integers(3, 7, size=m)
        block = np.zeros((m, pool.shape[1]), dtype=np.float32)
        for j in range(6):
            picked = pool[rng.integers(0, len(pool), size=m)]
            block += picked * (j < counts)[:, None]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + m] = block
    return out


def build(index, vectors: np.ndarray) -> float:
    """Seconds to train (IVF) and fill `index`, on both cores."""
    import faiss

    faiss.omp_set_num_threads(2)
    t = time.perf_counter()
    if not index.is_trained:
        index.train(vectors)
    index.add(vectors)
    return time.perf_counter() - t


def search(index, queries: np.ndarray, k: int = 10) -> tuple[list[float], np.ndarray]:
    """Each question alone on one thread, as the app asks: latencies (ms) and the ids found."""
    import faiss

    faiss.omp_set_num_threads(1)
    latencies, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        latencies.append((time.perf_counter() - t) * 1000)
        found.append(ids[0])
    return sorted(latencies), np.array(found)


def row_for(name: str, n: int, seconds: float, index, queries: np.ndarray, exact: np.ndarray | None) -> tuple[dict, np.ndarray]:
    """One table row: `index` (already built in `seconds`) searched with its current settings."""
    import faiss

    latencies, found = search(index, queries)
    exact = found if exact is None else exact
    return {
        "passages": n, "index": name, "build_s": round(seconds, 2),
        "memory_mb": round(len(faiss.serialize_index(index)) / 2**20, 1),
        "query_p50_ms": round(statistics.median(latencies), 3),
        "query_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "recall_at_10": round(float(np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(found, exact)])), 3),
    }, found


def run(sizes: list[int], n_queries: int, seed: int = 0, milvus_sizes: tuple[int, ...] = ()) -> list[dict]:
    import faiss

    rng = np.random.default_rng(seed)
    embedder = HashEmbeddings()
    pool = embedder.embed_passages(sentence_pool())
    asked = questions()
    picked = [asked[i] for i in rng.choice(len(asked), size=min(n_queries, len(asked)), replace=False)]
    queries = np.stack([embedder.embed_question(q) for q in picked]).astype(np.float32)
    rows = []

    def add(row: dict) -> None:
        rows.append(row)
        print(row, flush=True)

    for n in sizes:
        vectors = synthetic_passages(pool, n, rng)
        d = vectors.shape[1]
        flat = faiss.IndexFlatIP(d)
        row, exact = row_for("flat", n, build(flat, vectors), flat, queries, None)
        add(row)
        del flat
        if n in milvus_sizes:
            import tempfile

            with tempfile.TemporaryDirectory() as folder:
                for row in milvus_rows(n, vectors, queries, exact, Path(folder)):
                    add(row)
        hnsw = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        seconds = build(hnsw, vectors)
        for ef in (64, 256, 1024):  # more search effort on the same graph: the recall each buys
            hnsw.hnsw.efSearch = ef
            add(row_for(f"HNSW M=32 efSearch={ef}", n, seconds, hnsw, queries, exact)[0])
        del hnsw
        lists = int(4 * math.sqrt(n))
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, lists, faiss.METRIC_INNER_PRODUCT)
        seconds = build(ivf, vectors)
        for probes in (16, 64, 256):
            ivf.nprobe = probes
            add(row_for(f"IVF{lists} nprobe={probes}", n, seconds, ivf, queries, exact)[0])
        del ivf, vectors
    return rows


def milvus_rows(n: int, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray, folder: Path) -> list[dict]:
    """Milvus Lite with a FLAT and an IVF_FLAT index over the same vectors (the backend's client)."""
    from pymilvus import DataType, MilvusClient

    rows = []
    for kind, params in (("FLAT", {}), ("IVF_FLAT", {"nlist": int(4 * math.sqrt(n))})):
        path = folder / f"ann-{n}-{kind}.db"
        client = MilvusClient(str(path))
        schema = client.create_schema(auto_id=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
        index = client.prepare_index_params()
        index.add_index("dense", index_type=kind, metric_type="IP", params=params)
        t = time.perf_counter()
        client.create_collection("ann", schema=schema, index_params=index)
        for start in range(0, n, 10000):
            block = vectors[start:start + 10000]
            client.insert("ann", [{"row": start + i, "dense": v.tolist()} for i, v in enumerate(block)])
        client.flush("ann")
        client.load_collection("ann")
        seconds = time.perf_counter() - t
        search = {"metric_type": "IP", **({"params": {"nprobe": 64}} if kind == "IVF_FLAT" else {})}
        latencies, found = [], []
        for q in queries:
            t = time.perf_counter()
            hits = client.search("ann", data=[q.tolist()], anns_field="dense", limit=10, search_params=search,
                                 output_fields=["row"])[0]
            latencies.append((time.perf_counter() - t) * 1000)
            found.append([int(h["row"]) for h in hits])
        client.close()
        latencies.sort()
        rows.append({
            "passages": n, "index": f"Milvus Lite {kind}" + (" nprobe=64" if kind == "IVF_FLAT" else ""),
            "build_s": round(seconds, 2),
            "memory_mb": round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1),
            "query_p50_ms": round(statistics.median(latencies), 3),
            "query_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
            "recall_at_10": round(float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, exact)])), 3),
        })
    return rows


def format_table(rows: list[dict]) -> str:
    lines = ["| passages | index | build s | memory MB | query p50 ms | query p95 ms | recall@10 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['passages']:,} | {r['index']} | {r['build_s']} | {r['memory_mb']} | "
                     f"{r['query_p50_ms']} | {r['query_p95_ms']} | {r['recall_at_10']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--milvus-sizes", default="10000,100000", help="sizes also measured on Milvus Lite ('' for none)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", default="eval/out/ann.json")
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.queries,
               milvus_sizes=tuple(int(s) for s in args.milvus_sizes.split(",") if s))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(format_table(rows))


if __name__ == "__main__":
    main()
