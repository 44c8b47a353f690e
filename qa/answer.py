"""Answers: the typed result every strategy returns, and the pieces they share.

An `Answer` is a list of `Segment`s — a sentence or a line of text with the numbers of the
citations it rests on — plus the `Citation`s themselves. The CLI, the page and the
metrics render or read segments; `Answer.answer` is the plain rendering with `[n]` markers
that the JSON output keeps for scripts.

Strategies (extractive passages, trip facts, the catalogue, an LLM) implement `Answerer`:
given the analysed question and what retrieval found, they return an Answer or None when
the question is not theirs. Whether to refuse is decided once, afterwards (`qa.refusal`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from .catalogue import TripFilter

if TYPE_CHECKING:
    from .calibration import LogisticModel
    from .query import Query
    from .retrieve import Hit, Retrieval, Searcher

NOT_FOUND_TEXT = "죄송합니다. 보유한 출장 보고서에서 관련 내용을 찾지 못했습니다."
NEAREST_INTRO = "가장 가까운 문서"
MARKER = re.compile(r"\[(\d+)\]")  # how a segment's citations are written in Answer.answer

@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    section: str
    page: int | None
    quote: str  # the sentences of the passage used in the answer
    score: float
    chunk_id: str = ""
    title: str = ""
    start: int = 0  # offsets of the passage in the cleaned document text
    end: int = 0
    highlights: list[tuple[int, int]] = field(default_factory=list)  # offsets of the quoted sentences
    duplicates: list[str] = field(default_factory=list)  # other files holding the same report (e.g. its PDF)


@dataclass(frozen=True)
class NearestDocument:
    source: str
    title: str
    score: float


@dataclass(frozen=True)
class Segment:
    """One sentence or line of an answer and the citation numbers it rests on."""

    text: str
    citations: tuple[int, ...] = ()
    newline: bool = False  # starts a new line (list items)

    def render(self) -> str:
        return self.text + "".join(f" [{n}]" for n in self.citations)


def render_segments(segments: list[Segment]) -> str:
    out = ""
    for s in segments:
        if out:
            out += "\n" if s.newline else " "
        out += s.render()
    return out


@dataclass
class Answer:
    question: str
    segments: list[Segment]
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float] = field(default_factory=dict)
    nearest: list[NearestDocument] = field(default_factory=list)
    evidence: float = 0.0  # the refusal model's probability that the reports hold the answer
    mode: str = "extractive"  # "facts", "catalogue" or "llm"
    notice: str = ""  # Korean, for the user: a fallback, removed sentences, a resolved follow-up
    signals: dict[str, float] = field(default_factory=dict)  # the strategy's own evidence, for the refusal model

    @property
    def answer(self) -> str:
        return render_segments(self.segments)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "segments": [{"text": s.text, "citations": list(s.citations), "newline": s.newline} for s in self.segments],
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "nearest": [asdict(n) for n in self.nearest],
            "evidence": round(self.evidence, 4),
            "mode": self.mode,
            "notice": self.notice,
        }


def joined(question: str, answers: list[Answer]) -> Answer:
    """Answers given one after the other (one per trip a question names): each from a new line,
    its citations numbered on after the previous ones'; as sure as the least sure of them."""
    segments: list[Segment] = []
    citations: list[Citation] = []
    for answer in answers:
        offset = len(citations)
        citations += [replace(c, n=c.n + offset) for c in answer.citations]
        segments += [Segment(s.text, tuple(n + offset for n in s.citations), s.newline or (i == 0 and bool(segments)))
                     for i, s in enumerate(answer.segments)]
    modes = {answer.mode for answer in answers}
    return Answer(question=question, segments=segments, abstained=False, citations=citations,
                  mode=modes.pop() if len(modes) == 1 else "extractive", evidence=min(a.evidence for a in answers))


@dataclass
class AnswerContext:
    """What a strategy may read: the analysed question, the retrieval and the index behind it."""

    query: "Query"
    retrieval: "Retrieval"
    searcher: "Searcher"
    sentence_model: "LogisticModel"  # which sentence holds the answer (qa.extractive)
    exclude: frozenset[str] = frozenset()  # sentences already given in this conversation
    max_sentences: int = 3
    one_of_several: bool = False  # one trip's part of an answer about several (kept to its facts)


class Answerer(Protocol):
    """One answer strategy. Returns None when the question is not one it answers."""

    mode: str

    def answer(self, ctx: AnswerContext) -> Answer | None: ...


# --------------------------------------------------------------------------- shared helpers


def weighted_share(terms: Collection[str], present: set[str], searcher: "Searcher") -> float:
    """IDF-weighted share of `terms` that are in `present` (0 when there are none)."""
    total = sum(searcher.idf(t) for t in terms)
    if total == 0:
        return 0.0
    return sum(searcher.idf(t) for t in terms if t in present) / total


def make_citation(n: int, hit: "Hit", spans: list[tuple[int, int]], searcher: "Searcher") -> Citation:
    """Citation [n] of a retrieved passage; `spans` are the quoted sentences' document offsets."""
    doc = searcher.index.documents.get(hit.chunk.source)
    spans = sorted(spans)
    quote = " ".join(doc.text[s:e] for s, e in spans) if doc else hit.chunk.text
    return Citation(
        n=n,
        source=hit.chunk.source,
        section=hit.chunk.section,
        page=hit.chunk.page,
        quote=quote,
        score=round(hit.score, 4),
        chunk_id=hit.chunk.id,
        title=doc.facts.display_title() if doc else "",
        start=hit.chunk.start,
        end=hit.chunk.end,
        highlights=spans,
        duplicates=list(doc.duplicates) if doc else [],
    )


def nearest_documents(retrieval: "Retrieval", searcher: "Searcher", n: int = 3) -> list[NearestDocument]:
    """The best-retrieved document first, then the trips of the organisations the question names
    ("포항시 일본 출장" with no such trip offers 포항시's trips, not news that share only 일본 and
    출장), then the other retrieved documents."""
    scores: dict[str, float] = {}
    for hit in retrieval.hits:
        scores.setdefault(hit.chunk.source, hit.score)
    retrieved = list(scores)
    named: list[str] = []
    catalogue = searcher.index.catalogue
    if catalogue is not None:
        for organisation in dict.fromkeys(o for name in retrieval.query.names if (o := searcher.stats.organisation_for([name]))):
            named += [r.source for r in catalogue.trips(TripFilter(organisation=organisation))]
    named_first = [src for src in retrieved if src in named] + named  # retrieval order, then the catalogue's
    chosen = list(dict.fromkeys([*retrieved[:1], *named_first, *retrieved[1:]]))[:n]
    out = []
    for src in chosen:
        doc = searcher.index.documents.get(src)
        out.append(NearestDocument(src, doc.facts.display_title() if doc else "", round(scores.get(src, 0.0), 4)))
    return out


def not_found(retrieval: "Retrieval", searcher: "Searcher", evidence: float = 0.0, text: str = NOT_FOUND_TEXT) -> Answer:
    """The refusal: says only what was checked, and offers the nearest documents."""
    nearest = nearest_documents(retrieval, searcher)
    segments = [Segment(text)]
    if nearest:
        names = ", ".join(f"「{d.title or d.source}」" for d in nearest)
        segments.append(Segment(f"{NEAREST_INTRO}: {names}"))
    return Answer(
        question=retrieval.question,
        segments=segments,
        abstained=True,
        citations=[],
        nearest=nearest,
        evidence=evidence,
    )
