"""Baselines run in the same process, on the same corpus and questions, side by side with ours.

    python -m eval.baselines [eval/seeds_dev.jsonl] [--index-dir index]

- keyword: our pipeline with the dense score weighted 0 (Kiwi BM25 only);
- dense: the dense score weighted 1 (the same embedder only);
- hybrid: our pipeline as configured;
- textbook: what a tutorial builds with LangChain: raw file text, RecursiveCharacterTextSplitter
  (chunk_size=1000, chunk_overlap=200), FAISS over the same embedder, answer = the top chunk.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa import QA, Settings
from qa.dense import DenseIndex
from qa.embed import get_embedder
from qa.index import corpus_files, load_index
from qa.load import LoadError, load_file

from .metrics import summarise
from .run import Question, load_questions, run_questions


class TextbookPipeline:
    """Splitter + FAISS + the same embedder; the answer is the best chunk, cited, never abstaining."""

    def __init__(self, corpus: list[Path], settings: Settings):
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.chunks: list[tuple[str, str]] = []  # (source, text)
        for path, source in corpus_files(corpus):
            try:
                doc = load_file(path, source)
            except LoadError:
                continue
            text = "\n".join(p.text for p in doc.pages)
            self.chunks += [(source, c) for c in splitter.split_text(text)]
        self.embedder = get_embedder(settings.embedder, settings)
        vectors = self.embedder.embed_passages([c for _, c in self.chunks])
        self.index = DenseIndex.build(vectors, self.embedder.dim)

    def ask(self, question: str) -> dict:
        t0 = time.perf_counter()
        hits = self.index.search(self.embedder.embed_question(question), 10, None)
        total = (time.perf_counter() - t0) * 1000
        source, text = self.chunks[hits[0][0]]
        return {
            "question": question, "answer": text, "abstained": False, "mode": "textbook",
            "citations": [{"n": 1, "source": source, "quote": text}],
            "retrieved": [{"source": self.chunks[i][0], "page": None, "section": ""} for i, _ in hits],
            "timings_ms": {"retrieve": total, "total": total},
        }


def run_methods(questions: list[Question], settings: Settings) -> dict[str, list[dict]]:
    """name -> per-question results for every baseline and our pipeline ("hybrid")."""
    index = load_index(settings.index_dir)
    results = {}
    for name, alpha in (("keyword", 0.0), ("dense", 1.0), ("hybrid", settings.fusion_alpha)):
        variant = settings.model_copy(update={"fusion": "minmax", "fusion_alpha": alpha}) if name != "hybrid" else settings
        results[name] = run_questions(QA(variant, index), questions)
    manifest_corpus = [Path(p) for p in index.manifest.get("corpus", [])] or settings.corpus
    textbook = TextbookPipeline(manifest_corpus, settings)
    results["textbook"] = [{"id": q.id, **textbook.ask(q.question)} for q in questions]
    return results


def run_baselines(questions: list[Question], settings: Settings, embed=None) -> dict[str, dict]:
    """name -> summary (eval.metrics.summarise) for every baseline and our pipeline."""
    return {name: summarise(questions, results, embed) for name, results in run_methods(questions, settings).items()}


ROWS = [
    ("hit@1 (file)", lambda s: s["retrieval"]["hit@1"]),
    ("hit@5 (file)", lambda s: s["retrieval"]["hit@5"]),
    ("MRR@10 (file)", lambda s: s["retrieval"]["mrr@10"]),
    ("citation precision", lambda s: s["citation_precision"]),
    ("gold source cited", lambda s: s["gold_source_cited"]),
    ("all keys in answer", lambda s: s["all_keys_present"]),
    ("key recall", lambda s: s["key_recall"]),
    ("unanswerable abstained", lambda s: s["abstention"]["recall"] or 0.0),
    ("answerable abstained (lower is better)", lambda s: s["abstention"]["false_rate"]),
    ("ask p50 ms (lower is better)", lambda s: s["latency_ms"]["total_p50"]),
]


def format_table(summaries: dict[str, dict], ours: str = "hybrid") -> str:
    """A Markdown table: one row per metric, one column per method, with its ratio to ours."""
    names = list(summaries)
    lines = ["| metric | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for label, get in ROWS:
        base = get(summaries[ours])
        cells = []
        for name in names:
            value = get(summaries[name])
            if value is None:
                cells.append("n/a")
                continue
            ratio = f" ({value / base:.2f}×)" if name != ours and base else ""
            cells.append(f"{value:.3f}{ratio}" if "ms" not in label else f"{value:.1f}{ratio}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="기준선과 우리 파이프라인 비교")
    parser.add_argument("file", nargs="?", default="eval/seeds_dev.jsonl")
    parser.add_argument("--index-dir", default=None)
    args = parser.parse_args()
    settings = Settings(**({"index_dir": Path(args.index_dir)} if args.index_dir else {}))
    QA.open(settings)  # builds the index when missing or stale
    summaries = run_baselines(load_questions(Path(args.file)), settings)
    print(format_table(summaries))


if __name__ == "__main__":
    main()
