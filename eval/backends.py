"""The search backends side by side on the dev sets: FAISS files against Milvus Lite, and our fusion
against Milvus's own hybrid-search rankers. Prints figures only.

    python -m eval.backends [--sets holdout,fresh]

Each row answers the same questions over realtrips-dev plus the seeds: `faiss` and `milvus` with
our min-max fusion (they must agree exactly), then Milvus with its RRFRanker(60) and its
WeightedRanker(0.5, 0.5) in place of our fusion. The Milvus index is built once into
eval/out/idx-realtrips-milvus (reusing the FAISS build's vectors when that exists).
"""

from __future__ import annotations

import argparse
import statistics
import time

from .dev import FRESH_QA, OUT, REALTRIPS_QA, open_realtrips
from .metrics import summarise
from .run import load_questions, run_questions, select_split

KEYS = ("gold_source_cited", "all_keys_present", "abstained_unanswerable", "abstained_answerable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="holdout,fresh")
    args = parser.parse_args()
    sets = {"holdout": select_split(load_questions(REALTRIPS_QA), "holdout"), "fresh": load_questions(FRESH_QA)}
    runs = [
        ("faiss, our min-max fusion", {}),
        ("milvus, our min-max fusion", {"search_backend": "milvus"}),
        ("milvus, its RRFRanker(60)", {"search_backend": "milvus", "fusion": "milvus-rrf"}),
        ("milvus, its WeightedRanker(0.5, 0.5)", {"search_backend": "milvus", "fusion": "milvus-weighted"}),
    ]
    print("| backend, fusion | set | gold source cited | all keys | unanswerable refused | answerable refused | retrieve p50 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, settings in runs:
        index_dir = OUT / ("idx-realtrips-milvus" if settings.get("search_backend") == "milvus" else "idx-realtrips")
        qa = open_realtrips(index_dir, **settings)
        for set_name in args.sets.split(","):
            questions = sets[set_name]
            summary = summarise(questions, run_questions(qa, questions))
            latencies = []
            for q in questions[:100]:
                t = time.perf_counter()
                qa.retrieve(q.question)
                latencies.append((time.perf_counter() - t) * 1000)
            figures = " | ".join(f"{summary[k]:.3f}" for k in KEYS)
            print(f"| {name} | {set_name} ({len(questions)}) | {figures} | {statistics.median(latencies):.1f} |", flush=True)


if __name__ == "__main__":
    main()
