"""Run a QA file (JSON lines) through a `QA` object in one process."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa import QA


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    sources: list[str] = field(default_factory=list)
    keys: list[list[str]] = field(default_factory=list)  # each key: alternative phrases
    answerable: bool = True
    type: str = "fact"
    reference: str = ""  # a reference answer, for token-F1 / ROUGE-L / similarity
    pages: list[int] = field(default_factory=list)  # gold pages, for page-level retrieval metrics
    split: str = ""  # "tune" (thresholds and weights are fitted on it) or "holdout" (reported); by document
    group: str = ""  # the same question in other words shares a group


def load_questions(path: Path) -> list[Question]:
    questions: list[Question] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            d = json.loads(line)
            try:
                questions.append(
                    Question(
                        id=str(d["id"]),
                        question=d["question"],
                        sources=list(d.get("sources", [])),
                        keys=[list(k) for k in d.get("keys", [])],
                        answerable=bool(d.get("answerable", True)),
                        type=d.get("type", "fact"),
                        reference=d.get("reference", ""),
                        pages=[int(p) for p in d.get("pages", [])],
                        split=d.get("split", ""),
                        group=d.get("group", ""),
                    )
                )
            except KeyError as exc:
                raise ValueError(f"{path}:{n}: 필드가 없습니다: {exc}") from exc
            if questions[-1].id in seen:
                raise ValueError(f"{path}:{n}: 질문 id가 중복됩니다: {questions[-1].id}")
            seen.add(questions[-1].id)
    return questions


def select_split(questions: list[Question], split: str | None) -> list[Question]:
    """The questions of one split ("tune", "holdout"); all of them for None or "all"."""
    if not split or split == "all":
        return questions
    return [q for q in questions if q.split == split]


def run_questions(qa: QA, questions: list[Question], k: int | None = None, llm: bool = False) -> list[dict]:
    """One `qa ask --json` object per question, plus its `id` and the top-10 passages retrieved
    (`retrieved`: source, page, section, in rank order) for the retrieval metrics."""
    results = []
    for q in questions:
        answer = qa.ask(q.question, k=k, llm=llm)
        ranked = qa.retrieve(q.question, k=10).hits
        retrieved = [{"source": h.chunk.source, "page": h.chunk.page, "section": h.chunk.section} for h in ranked]
        results.append({"id": q.id, **answer.to_json(), "retrieved": retrieved})
    return results
