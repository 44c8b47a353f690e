"""The public-sector Korean RAG benchmark, through our real PDF path.

    python -m eval.public_benchmark [--bench ../shared/benchmarks/allganize-public] [--out eval/out/public]

1. Writes a real PDF (text layer, Nanum font, one PDF page per source page; a page missing from
   the source becomes an empty page so page numbers keep matching) for each document's page text.
2. Indexes those PDFs with the configured pipeline (embedding takes several minutes here).
3. Answers the 60 questions and reports file- and page-level retrieval, citation precision,
   token-F1 / ROUGE-L against the reference answers and key recall on the numbers the reference
   answers contain. Slow, so it is not part of CI.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from qa import QA, Settings
from qa.cli import TqdmProgress

from .metrics import format_summary, summarise
from .run import Question, run_questions

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
_NUMBER = re.compile(r"\d[\d,.]*\s*(?:%|조|억|만|원|명|개|건|년|월|일|배|곳|회)?")


def write_pdf(pages: dict[int, str], path: Path, font: Path = NANUM) -> None:
    """One PDF page per source page, pages 1..max; text shrunk until it fits its page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 10, 10)
    pdf.add_font("Nanum", fname=str(font))
    for number in range(1, max(pages) + 1):
        pdf.add_page()
        text = pages.get(number, "").replace("\ufffd", " ")
        if not text.strip():
            continue
        size = 9.0
        while size > 4:
            pdf.set_font("Nanum", size=size)
            lines = pdf.multi_cell(0, size * 0.45, text, dry_run=True, output="LINES")
            if len(lines) * size * 0.45 <= 277:
                break
            size -= 0.5
        pdf.set_xy(10, 10)
        pdf.multi_cell(0, size * 0.45, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def build_pdfs(bench: Path, out: Path) -> list[Path]:
    written = []
    for page_file in sorted((bench / "pages").glob("*.jsonl")):
        pages, name = {}, None
        for line in page_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pages[int(row["page"])] = row["text"]
                name = row["file"]
        target = out / (name or page_file.stem + ".pdf")
        if not target.exists():
            write_pdf(pages, target)
        written.append(target)
    return written


def number_keys(reference: str, question: str = "") -> list[list[str]]:
    """Keys derivable from a reference answer: the numbers it states (with their unit), except
    those the question already contains ("2024년 1월")."""
    asked = "".join(question.split())
    keys = []
    for m in _NUMBER.finditer(reference):
        value = m.group(0).strip().rstrip(".,")
        if "".join(value.split()) not in asked and [value] not in keys:
            keys.append([value])
    return keys[:6]


def load_benchmark(bench: Path) -> list[Question]:
    questions = []
    for line in (bench / "public_qa_60.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        questions.append(Question(
            id=f"p{row['id']:02d}", question=row["question"], sources=[row["target_file_name"]],
            keys=number_keys(row["target_answer"], row["question"]), type=row.get("context_type", "paragraph"),
            reference=row["target_answer"], pages=[int(row["target_page_no"])],
        ))
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description="공공 분야 RAG 벤치마크 (PDF 경로)")
    parser.add_argument("--bench", default="../shared/benchmarks/allganize-public")
    parser.add_argument("--out", default="eval/out/public")
    args = parser.parse_args()
    bench, out = Path(args.bench), Path(args.out)
    pdfs = out / "pdfs"
    build_pdfs(bench, pdfs)
    settings = Settings(corpus=[pdfs], index_dir=out / "index")
    qa = QA.open(settings, progress=TqdmProgress())
    questions = load_benchmark(bench)
    results = run_questions(qa, questions)
    (out / "results.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8"
    )
    summary = summarise(questions, results, embed=qa.searcher.embedder.embed_documents)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(format_summary(summary))
    r = summary["retrieval"]
    print(f"  검색 (쪽)               page_hit@5 {r['page_hit@5']:.3f} · page_mrr@10 {r['page_mrr@10']:.3f}")
    print(f"  token-F1 {summary['token_f1']:.3f} · ROUGE-L {summary['rouge_l']:.3f} · "
          f"semantic similarity {summary['semantic_similarity']:.3f}")


if __name__ == "__main__":
    main()
