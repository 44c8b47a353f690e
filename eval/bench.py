"""Latency benchmark: p50/p95 of retrieval and of a full `ask` after warm-up. Prints figures only.

    python -m eval.bench [--index-dir index] [--repeat 3]
    python -m eval.bench --realtrips      # the realtrips-dev questions over their corpus plus the seeds
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from qa import QA, Settings

from .run import load_questions

DEV = Path(__file__).with_name("seeds_dev.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--realtrips", action="store_true", help="realtrips_dev.jsonl over its corpus plus the seeds")
    args = parser.parse_args()
    t = time.perf_counter()
    if args.realtrips:
        from .dev import REALTRIPS_QA, open_realtrips

        qa, file = open_realtrips(), REALTRIPS_QA
    else:
        qa, file = QA.open(Settings(**({"index_dir": Path(args.index_dir)} if args.index_dir else {}))), DEV
    print(f"open (load models + index): {(time.perf_counter() - t) * 1000:.0f} ms")
    questions = [q.question for q in load_questions(file)]
    for q in questions[:5]:  # warm-up
        qa.ask(q)
    retrieve, total = [], []
    for _ in range(args.repeat):
        for q in questions:
            timings = qa.ask(q).timings_ms
            retrieve.append(timings["retrieve"])
            total.append(timings["total"])

    def pct(xs: list[float], p: int) -> float:
        return statistics.quantiles(xs, n=100)[p - 1]

    print(f"questions: {len(questions)} x {args.repeat}")
    print(f"retrieve  p50 {statistics.median(retrieve):.1f} ms  p95 {pct(retrieve, 95):.1f} ms")
    print(f"ask       p50 {statistics.median(total):.1f} ms  p95 {pct(total, 95):.1f} ms")


if __name__ == "__main__":
    main()
