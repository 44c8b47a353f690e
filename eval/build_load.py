"""Questions while the app rebuilds its index: latency idle and during a build. Prints figures only.

    python -m eval.build_load [--work /tmp/qa-build-load] [--add 40]

A fresh index of the seeds answers a loop of questions; then `--add` realtrips-dev pages are copied
into its corpus and `QA.rebuild` runs in another thread (as an upload does) while the loop goes on.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import threading
import time
from pathlib import Path

from qa import QA, Settings

from .dev import REALTRIPS

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["서울시가 ASCC에서 무엇을 발표했나?", "광저우 출장은 며칠 동안이었어?", "OECD 라운드테이블은 어디에서 열렸나?",
             "인도 출장에서 누구를 만났어?"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="/tmp/qa-build-load")
    parser.add_argument("--add", type=int, default=40, help="realtrips-dev pages added before the rebuild")
    args = parser.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    qa = QA.open(Settings(corpus=[corpus], index_dir=work / "index"))

    def timed(n: int) -> list[float]:
        out = []
        for i in range(n):
            t = time.perf_counter()
            qa.ask(QUESTIONS[i % len(QUESTIONS)])
            out.append(time.perf_counter() - t)
        return out

    def pct(xs: list[float], p: int) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000

    idle = timed(12)
    for page in sorted(Path(REALTRIPS).glob("*.txt"))[: args.add]:
        shutil.copy(page, corpus / page.name)
    build = threading.Thread(target=qa.rebuild)
    start = time.perf_counter()
    build.start()
    busy: list[float] = []
    while build.is_alive():
        busy += timed(1)
    build.join()
    print(f"idle: p50 {statistics.median(idle) * 1000:.0f} ms, p95 {pct(idle, 95):.0f} ms")
    print(f"during the rebuild ({time.perf_counter() - start:.0f} s, {len(busy)} questions): "
          f"p50 {statistics.median(busy) * 1000:.0f} ms, p95 {pct(busy, 95):.0f} ms, max {max(busy) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
