"""The evaluation report's charts, Markdown and README update, on a hand-made run."""

from __future__ import annotations

import pytest

from eval.metrics import summarise
from eval.report import END, START, build_markdown, chart_latency, chart_methods, chart_scaling, chart_types, update_readme
from eval.run import Question

QUESTIONS = [
    Question("q1", "?", sources=["a.txt"], keys=[["탄소중립"]], type="fact", reference="탄소중립 전략을 발표했다"),
    Question("q2", "?", sources=["b.txt"], keys=[["파리"]], type="list"),
    Question("q3", "?", answerable=False, type="unanswerable"),
]
RESULTS = [
    {"id": "q1", "answer": "탄소중립 전략을 발표했다 [1]", "abstained": False, "mode": "extractive",
     "citations": [{"n": 1, "source": "a.txt", "quote": "탄소중립 전략을 발표했다"}],
     "retrieved": [{"source": "a.txt", "page": None}], "timings_ms": {"embed": 12.0, "keyword": 0.4, "retrieve": 13.0, "answer": 2.0, "total": 15.0}},
    {"id": "q2", "answer": "", "abstained": True, "mode": "extractive", "citations": [],
     "retrieved": [{"source": "b.txt", "page": None}], "timings_ms": {"embed": 14.0, "keyword": 0.5, "retrieve": 15.0, "answer": 1.0, "total": 16.0}},
    {"id": "q3", "answer": "", "abstained": True, "mode": "extractive", "citations": [], "retrieved": [],
     "timings_ms": {"embed": 11.0, "keyword": 0.3, "retrieve": 12.0, "answer": 1.0, "total": 13.0}},
]
BUILD = {"embedder": "hash", "corpus_files": 5, "chunks": 102, "sentences": 490, "embedded_texts": 592,
         "embedded_tokens": 45726, "build_seconds": {"load_clean_chunk": 2.3, "embed": 54.5, "total": 57.3},
         "chunks_per_s": 1.8, "tokens_per_s": 797.8, "build_peak_mb": 784.2, "serve_peak_mb": 700.0, "index_mb": 0.96}
SCALING = [
    {**BUILD, "size": s, "chunks": 100 * s, "corpus_files": 5 * s, "load_ms": 20,
     "latency_ms": {"total": {"p50": 1.0 * s, "p95": 2.0 * s}, "keyword": {"p50": 0.1}, "dense": {"p50": 0.05}}}
    for s in (1, 10)
]


@pytest.fixture(scope="module")
def summary():
    return summarise(QUESTIONS, RESULTS, embed=lambda texts: [[1.0, 0.0] for _ in texts])


def test_charts_are_written_as_png(tmp_path, summary):
    from eval.report import _fonts

    _fonts()
    charts = {
        "methods.png": lambda p: chart_methods({"hybrid": summary, "keyword": summary}, p),
        "types.png": lambda p: chart_types(summary, p),
        "latency.png": lambda p: chart_latency(RESULTS, p),
        "scaling.png": lambda p: chart_scaling(SCALING, p),
    }
    for name, draw in charts.items():
        draw(tmp_path / name)
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000, name


def test_markdown_has_every_section_and_says_what_is_missing(summary):
    md = build_markdown(summary, {"hybrid": summary, "dense": summary}, BUILD, None, "", SCALING, "2026-11-22", 3)
    assert "| gold source cited | 50.0% |" in md
    assert "semantic similarity (questions with a reference) | 1.000 / 1.000 / 1.000 |" in md
    assert "| p50 | " in md and "embed" in md
    assert "| metric | hybrid | dense |" in md
    assert "57.30" in md and "1.8 passages/s" in md
    assert "Not run yet: `python -m eval.public_benchmark`" in md
    assert "| 10x (hash) | 50 | 1000 |" in md


def test_readme_update_replaces_only_the_marked_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Evaluation\nintro\n{START}\nold table\n{END}\nnotes stay\n", encoding="utf-8")
    update_readme("new table", readme)
    assert readme.read_text(encoding="utf-8") == f"# Evaluation\nintro\n{START}\nnew table\n{END}\nnotes stay\n"
    readme.write_text("no markers", encoding="utf-8")
    with pytest.raises(SystemExit):
        update_readme("x", readme)
