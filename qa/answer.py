"""Answer: compose a short cited Korean answer from retrieved passages, offline.

Every sentence of the top passages is scored against the question by content
morpheme overlap (IDF-weighted) and embedding similarity (sentence vectors are
computed at index time). The best 1-3 sentences become the answer, each
followed by its citation marker. When the evidence is weak the answer abstains
and names the nearest documents instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field

import numpy as np

from .facts import GENERIC_TITLES
from .korean import content_morphemes
from .retrieve import Hit, Retrieval, Searcher

ABSTAIN_TEXT = "죄송합니다. 보유한 출장 보고서에서 이 질문에 대한 답을 찾지 못했습니다."
MISSING_TERMS_TEXT = "보고서 어디에도 {terms}에 관한 내용이 없습니다."
NEAREST_INTRO = "가장 가까운 문서"
MARKER = re.compile(r"\[(\d+)\]")  # the citation marker after each sentence of Answer.answer
_PREDICATE_END = re.compile(r"(?:다|요|음|함|임|됨|[가-힣]+(?:소개|강조|설명|제시|발표|논의|참석|추진|필요|공유|개최))[.!?…]*$")
_LATIN = re.compile(r"[A-Za-z]")

# "어떤 정책을 소개했나?", "무엇무엇", "목록", "들을": the user wants several items.
_LIST_CUES = re.compile(r"어떤|어떠한|무엇무엇|무슨|목록|종류|들을|들은|들이|사례|항목|나열|모두|각각|주요")
_BULLET = re.compile(r"^[•\-–○◦·▪*]\s*")


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


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float] = field(default_factory=dict)
    nearest: list[NearestDocument] = field(default_factory=list)
    evidence: float = 0.0
    mode: str = "extractive"  # or "llm"
    notice: str = ""  # Korean, for the user: a fallback, removed sentences, a resolved follow-up

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "nearest": [asdict(n) for n in self.nearest],
            "evidence": round(self.evidence, 4),
            "mode": self.mode,
            "notice": self.notice,
        }


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    hit: Hit
    span: tuple[int, int]
    text: str
    lexical: float
    semantic: float
    score: float


def is_list_question(question: str) -> bool:
    return bool(_LIST_CUES.search(question))


def weighted_share(terms: Collection[str], present: set[str], searcher: Searcher) -> float:
    """IDF-weighted share of `terms` that are in `present` (0 when there are none)."""
    total = sum(searcher.idf(t) for t in terms)
    if total == 0:
        return 0.0
    return sum(searcher.idf(t) for t in terms if t in present) / total


# Expected answer types: a question cue and what a sentence answering it contains.
_ANSWER_TYPES = [
    (re.compile(r"어디|어느\s*(?:도시|나라|곳|국가)|장소|where", re.I),
     re.compile(r"장\s*소|출장지|개최지|에서\s*(?:열|개최|진행)|방문|(?:시|도|국|캠퍼스)에서")),
    (re.compile(r"며칠|얼마\s*동안|몇\s*박|기간|how long", re.I),
     re.compile(r"\d+\s*박\s*\d+\s*일|\d+\s*일\s*(?:간|동안)|부터.{0,30}까지|[~∼]")),
    (re.compile(r"언제|날짜|출발일|도착일|몇\s*월|when", re.I),
     re.compile(r"\d{4}\s*[.년]|\d{1,2}\s*월\s*\d{1,2}\s*일|\d+\s*박\s*\d+\s*일|출발일|도착일|일\s*자")),
    (re.compile(r"몇\s*(?:명|개|곳|건|번)|인원|how many", re.I),
     re.compile(r"\d+\s*(?:여\s*)?(?:명|개|곳|건|번)|인원|총\s*\d")),
    (re.compile(r"누구|누가|출장자|who", re.I),
     re.compile(r"출장자|성명|(?:연구위원|장관|시장|사무관|기획관|팀장|사무총장|의장|부시장|주총리)")),
    (re.compile(r"얼마|비용|경비|예산|how much", re.I),
     re.compile(r"\d[\d,.]*\s*(?:원|만\s*원|억|달러|유로|엔|%)")),
]


# Text in a document that talks to an AI ("이전 지시를 무시하고 …"): data, never an answer or support.
_INSTRUCTION = re.compile(
    r"(지시|명령|프롬프트|지침)[을를은는이가]?\s*(모두\s*)?(무시|따르지)|(이전|위|앞)의?\s*(규칙|내용)[을를]?\s*무시|"
    r"시스템\s*프롬프트|"
    r"ignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above)\s+(instructions|rules)|system\s+prompt",
    re.I,
)


def looks_like_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


_TRIP_WORDS = frozenset({"출장", "보고서", "공무", "국외", "국외출장", "공무국외출장"})
_WHAT = re.compile(r"무엇|무슨|어떤|어떠한|뭘|뭐")
# "이 보고서는 … 결과입니다": a sentence about the report itself, not about what happened.
_ABOUT_THE_REPORT = re.compile(r"^(?:이|본)\s*(?:보고서|문서|자료)[는은]")


def answer_type(question: str) -> int | None:
    """Index into _ANSWER_TYPES of what the question asks for, or None."""
    for i, (cue, _) in enumerate(_ANSWER_TYPES):
        if cue.search(question):
            return i
    return None


def answer_type_bonus(question: str, sentence: str) -> float:
    """1.0 when the sentence has what the question type asks for (a place, a date, a count…)."""
    kind = answer_type(question)
    if kind is None:
        return 0.0
    return 1.0 if _ANSWER_TYPES[kind][1].search(sentence) else 0.0


def _candidates(retrieval: Retrieval, searcher: Searcher) -> list[_Candidate]:
    index = searcher.index
    q = retrieval.query_vector
    kind = answer_type(retrieval.question)
    asks_what = bool(_WHAT.search(retrieval.question)) and kind is None
    about_report = bool(re.search(r"보고서|문서|자료", retrieval.question))  # "이 보고서는 무엇에 관한 것인가?"
    out: list[_Candidate] = []
    for rank, hit in enumerate(retrieval.hits):
        doc = index.documents.get(hit.chunk.source)
        title = doc.facts.title if doc else ""
        context = set(content_morphemes(hit.chunk.header + "\n" + hit.chunk.section))
        # Terms the document header already explains (the trip's name) are the topic;
        # the rest are what the question is really about.
        focus = [t for t in retrieval.terms if t not in context] or retrieval.terms
        if set(focus) <= _TRIP_WORDS:
            focus = []  # "그 출장은 며칠이었어?": 출장 says nothing about which sentence answers
        # How much of the question this passage (with its document header) covers at all:
        # a sentence from the wrong trip must not win on a shared word like 기간.
        passage_match = 0.5 + 0.5 * weighted_share(retrieval.terms, searcher.terms_of(hit.row), searcher)
        rows = index.sentence_rows[hit.row]
        sims = index.sentence_vectors[rows] @ q if rows else np.zeros(0)
        previous: list[set[str]] = []
        for (s, e), sim in zip(hit.chunk.sentences, sims):
            text = hit.chunk.text[s:e]
            own = set(content_morphemes(text))
            near = own.union(*previous[-2:]) if previous else own
            previous.append(own)
            # The title restates the topic, unless it is all the document says (a one-line note).
            is_title = text == title and len(hit.chunk.sentences) > 1
            if not own or is_title or text in GENERIC_TITLES or looks_like_instruction(text):
                continue
            # Own terms count most; the two sentences before count a little (a name line, then what they said).
            lexical = (
                0.6 * weighted_share(focus, own, searcher)
                + 0.2 * weighted_share(focus, near, searcher)
                + 0.2 * weighted_share(retrieval.terms, own, searcher)
            )
            semantic = float(sim)
            typed = answer_type_bonus(retrieval.question, text)
            # A bare label ("Hongseok Lee, 친환경건축팀장 (서울시)") names someone but says nothing
            # they did: it can answer who/where/when, never "what".
            label_only = len(text) < 60 and not _PREDICATE_END.search(text) and ":" not in text
            penalty = 0.0
            if label_only and not typed:
                penalty = 0.25 if asks_what else 0.08
            if asks_what and not about_report and _ABOUT_THE_REPORT.match(text):
                penalty += 0.25
            score = (
                0.45 * lexical
                + 0.30 * max(0.0, (semantic - 0.75) / 0.15)
                + 0.15 * hit.score
                + 0.20 * typed
                - penalty
            )
            if kind is not None and not typed:
                score *= 0.75  # a "when" question is not answered by a sentence without a date
            score *= passage_match
            out.append(_Candidate(rank, hit, (s, e), text, lexical, semantic, score))
    return out


def evidence_strength(retrieval: Retrieval, searcher: Searcher) -> float:
    """0..1: how well the best passages cover the question's content words, weighted by rarity."""
    if not retrieval.hits or not retrieval.terms:
        return 0.0
    dense = min(1.0, max(0.0, (retrieval.hits[0].dense - 0.75) / 0.15))
    if is_foreign_question(retrieval.question):
        # Korean passages share no words with an English question: only the embedding can tell.
        return dense
    coverage = max(weighted_share(retrieval.terms, searcher.terms_of(h.row), searcher) for h in retrieval.hits[:3])
    return float(0.6 * coverage + 0.4 * dense)


def is_foreign_question(question: str) -> bool:
    letters = [ch for ch in question if ch.isalpha()]
    return bool(letters) and sum(bool(_LATIN.match(ch)) for ch in letters) / len(letters) > 0.6


# Connectives that point back to a sentence the reader of the answer does not see.
_LEADING_CONNECTIVE = re.compile(r"^(?:특히|또한|아울러|한편|더불어|이와 함께|그리고)\s*,?\s+")


def _display(text: str) -> str:
    return _LEADING_CONNECTIVE.sub("", _BULLET.sub("", text.strip()))


def compose_answer(
    retrieval: Retrieval,
    searcher: Searcher,
    max_sentences: int = 3,
    abstain_threshold: float = 0.5,
    exclude: frozenset[str] = frozenset(),
) -> Answer:
    """The offline extractive answer for a retrieval (see module docstring).

    Sentences in `exclude` (already given in this conversation) are not repeated.
    """
    evidence = evidence_strength(retrieval, searcher)
    if retrieval.unknown_nouns:
        return abstain(retrieval, searcher, evidence, missing=retrieval.unknown_nouns)
    candidates = sorted(
        (c for c in _candidates(retrieval, searcher) if _display(c.text) not in exclude), key=lambda c: -c.score
    )
    if not candidates or evidence < abstain_threshold:
        return abstain(retrieval, searcher, evidence)

    best = candidates[0]
    limit = max_sentences if is_list_question(retrieval.question) else min(2, max_sentences)
    chosen = [best]
    chosen_terms = [set(content_morphemes(best.text))]
    for c in candidates[1:]:
        if len(chosen) >= limit:
            break
        if c.score < 0.8 * best.score:
            break
        if c.hit.chunk.source != best.hit.chunk.source and c.score < 0.92 * best.score:
            continue  # another report needs stronger evidence to join the answer
        terms = set(content_morphemes(c.text))
        if any(len(terms & t) / max(1, len(terms | t)) > 0.5 for t in chosen_terms):
            continue
        chosen.append(c)
        chosen_terms.append(terms)
    # Read in document order within a passage, passages in rank order.
    chosen.sort(key=lambda c: (c.hit_rank, c.span[0]))

    numbers: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    parts: list[str] = []
    for c in chosen:
        cid = c.hit.chunk.id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            spans[cid] = []
        base = c.hit.chunk.start
        spans[cid].append((base + c.span[0], base + c.span[1]))
        parts.append(f"{_display(c.text)} [{numbers[cid]}]")

    by_id = {c.hit.chunk.id: c.hit for c in chosen}
    citations = [make_citation(n, by_id[cid], spans[cid], searcher) for cid, n in numbers.items()]
    return Answer(
        question=retrieval.question,
        answer=" ".join(parts),
        abstained=False,
        citations=citations,
        nearest=[],
        evidence=evidence,
    )


def make_citation(n: int, hit: Hit, spans: list[tuple[int, int]], searcher: Searcher) -> Citation:
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
        title=doc.facts.title if doc else "",
        start=hit.chunk.start,
        end=hit.chunk.end,
        highlights=spans,
        duplicates=list(doc.duplicates) if doc else [],
    )


def nearest_documents(retrieval: Retrieval, searcher: Searcher, n: int = 3) -> list[NearestDocument]:
    seen: dict[str, NearestDocument] = {}
    for hit in retrieval.hits:
        src = hit.chunk.source
        if src not in seen:
            doc = searcher.index.documents.get(src)
            seen[src] = NearestDocument(src, doc.facts.title if doc else "", round(hit.score, 4))
        if len(seen) >= n:
            break
    return list(seen.values())


def abstain(retrieval: Retrieval, searcher: Searcher, evidence: float, missing: list[str] | None = None) -> Answer:
    nearest = nearest_documents(retrieval, searcher)
    text = ABSTAIN_TEXT
    if missing:
        text += " " + MISSING_TERMS_TEXT.format(terms=", ".join(f"‘{t}’" for t in missing))
    if nearest:
        names = ", ".join(f"「{d.title or d.source}」({d.source})" for d in nearest)
        text += f" {NEAREST_INTRO}: {names}"
    return Answer(
        question=retrieval.question,
        answer=text,
        abstained=True,
        citations=[],
        nearest=nearest,
        evidence=evidence,
    )
