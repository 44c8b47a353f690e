"""How the LLM answer check's thresholds were chosen (settings.support_min_*).

    python -m eval.calibrate_support [eval/seeds_dev.jsonl]

For each answerable dev question, every sentence of the extractive answer is checked
against its own passage (it must pass) and against the retrieved passages of other
reports (it should not). Prints the share of cross-report pairs that would pass.
"""

from __future__ import annotations

import sys

import numpy as np

from qa import QA
from qa.generate import check_sentence, split_marked_sentences

from .run import load_questions


def main(path: str = "eval/seeds_dev.jsonl") -> None:
    qa = QA.open(build_if_stale=False)
    own, other = [], []
    for q in load_questions(path):
        if not q.answerable:
            continue
        retrieval = qa.retrieve(q.question)
        answer = qa.ask(q.question)
        cited = {c.source for c in answer.citations}
        rank = {h.chunk.id: i + 1 for i, h in enumerate(retrieval.hits)}
        for text, numbers in split_marked_sentences(answer.answer):
            for c in answer.citations:
                if c.n in numbers and c.chunk_id in rank:
                    own.append(check_sentence(text, [rank[c.chunk_id]], retrieval.hits, qa.searcher, qa.settings))
            for i, hit in enumerate(retrieval.hits, 1):
                if hit.chunk.source not in cited:
                    other.append(check_sentence(text, [i], retrieval.hits, qa.searcher, qa.settings))
    s = qa.settings
    print(f"thresholds: overlap ≥ {s.support_min_overlap}, or ≥ {s.support_min_overlap / 2} with similarity ≥ {s.support_min_similarity}")
    print(f"own passage pairs:   {len(own):4d}, supported {np.mean([c.supported for c in own]):.1%}")
    print(f"other report pairs:  {len(other):4d}, supported {np.mean([c.supported for c in other]):.1%}")
    print("other-report overlap p50/p90/max:", np.percentile([c.overlap for c in other], [50, 90, 100]).round(3))


if __name__ == "__main__":
    main(*sys.argv[1:])
