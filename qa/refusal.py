"""Refusal: one calibrated decision whether the reports hold the answer.

A logistic regression over evidence features of the retrieval and of the answer a strategy
proposes: dense and keyword evidence of the top passages and their margin, how much of the
question's content (and of its topic words) the best passages cover, how much of it the
corpus does not know at all (after spelling correction), and the best sentence's own scores
(term overlap, embedding similarity, whether it holds what the answer type asks for). No
single feature refuses by itself; a word missing from the corpus only lowers the probability.

The coefficients and the threshold live in a JSON file (never a pickle, `qa.calibration`): the
packaged `qa/models/refusal.json`, fitted on the tune split of `eval/realtrips_dev.jsonl` with
`qa calibrate`, or the one `qa calibrate FILE` writes into an index folder for a user's own
QA file and model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from .answer import Answer, weighted_share
from .calibration import LogisticModel, fit_logistic
from .extractive import TYPE_VALUE, type_evidence
from .facts import DOC_TYPES
from .korean import content_morphemes
from .lexicon import FOREIGN_CITIES, place_named
from .query import GENERIC_TERMS, NOUN_SUFFIXES, PEOPLE_WHO_WENT, TRIP_NOUNS, Query
from .retrieve import Retrieval, Searcher

FEATURES = (
    "dense_top", "dense_margin", "coverage", "topic_coverage", "document_coverage", "focus_document_coverage", "header_coverage", "names_in_header", "names_in_document", "places_in_document", "proper_in_document", "asked_in_document", "unknown_share",
    "type_value_in_document", "sentence_probability", "sentence_lexical", "sentence_similarity", "type_unmet", "from_facts", "english",
)


EMBEDDING_FEATURES = ("dense_top", "dense_margin", "sentence_similarity")
# The direction each piece of evidence must push (see `fit_logistic`): more coverage, more likely
# answerable; more unknown words or an unmet answer type, less. Whether trip facts answered and the
# question's language are left free.
SIGNS = {f: +1 for f in FEATURES if f not in ("unknown_share", "type_unmet", "from_facts", "english")}
SIGNS.update(unknown_share=-1, type_unmet=-1)


def _written_in(term: str, text: str, countries: Iterable[str] = ()) -> bool:
    """`term` is in `text`, inside a longer word too (대학 in 홍콩과학기술대학교), or its stem is when it
    ends in a noun suffix (참여자 of a report that says 참여한 400여명); a place as `place_named` reads it
    (유럽 of a trip to 프랑스)."""
    return place_named(term, text, countries) or (len(term) >= 3 and term[-1] in NOUN_SUFFIXES and term[:-1] in text)


def evidence_features(query: Query, retrieval: Retrieval, answer: Answer | None, searcher: Searcher,
                      withheld: frozenset[str] = frozenset()) -> dict[str, float]:
    """The features of one proposed answer (see module docstring). `withheld` sentences count as
    absent from their documents (calibration asks questions with their answer sentences withheld)."""
    hits = retrieval.hits
    english = query.language == "en"
    top = hits[:3]

    def best_share(terms) -> float:
        if not terms:
            return 1.0
        return max((weighted_share(terms, searcher.terms_of(h.row), searcher) for h in top), default=0.0)

    total = sum(searcher.idf(t) for t in query.terms)
    unknown = sum(searcher.idf(t) for t in query.unknown) / total if total else 0.0
    if english:
        # An English question's own words are mostly unknown to a Korean corpus; its names are not,
        # unless the trip it names is in no report ("Where did Gimhae officials go?").
        names = [p for p in query.proper_nouns if p.isascii()]
        unknown = sum(not searcher.stats.known(p) for p in names) / len(names) if names else 0.0
    signals = answer.signals if answer is not None else {}
    # The documents the answer would cite: do they hold every topic word of the question at all?
    # ("안동시 독일 출장 경비" finds the trip, but the trip's report never mentions 경비.)
    sources = list(dict.fromkeys(c.source for c in answer.citations)) if answer is not None and answer.citations else []
    sources = sources or ([hits[0].chunk.source] if hits else [])
    docs = [d for s in sources if (d := searcher.index.documents.get(s)) is not None]
    # What kind of document it is names it too ("… 비판 기사 뭐라고 써있어?": a news article).
    headers = [f"{d.facts.header()} {DOC_TYPES.get(d.facts.doc_type, '')}" for d in docs]
    header_text = "\n".join(headers)
    # A term counts as present inside a longer word too (대학 in 홍콩과학기술대학교).
    doc_text = "\n".join(f"{header}\n{d.text}" for header, d in zip(headers, docs))
    for sentence in withheld:
        doc_text = doc_text.replace(sentence, " ")
    doc_text = doc_text.lower()
    gone_to = [c for d in docs for c in d.facts.countries]
    topic = query.topic_terms
    doc_terms = {t for t in topic if _written_in(t.lower(), doc_text, gone_to)}
    # A relation said as a verb (참고했어, 준비하려고) counts when the report has it too; when not, it is
    # not missing: the report may say it in other words.
    # So does a common kind of thing asked for ("무슨 회의": the report names 북극서클총회), unlike a rare,
    # specific one ("무슨 항공사": a report that says none never names one).
    kinds = {t for t in query.kinds if searcher.idf(t) <= searcher.stats.max_idf / 2}
    # The people who went, on a question about the trip ("제주도 공무원들 중국 가서 뭐했대"), are its
    # travellers, whatever word the report has for them.
    went = PEOPLE_WHO_WENT if query.about_trip else frozenset()
    things = [t for t in topic if t not in query.predicates and t not in kinds and t not in went or t in doc_terms]
    header = set(content_morphemes(header_text))
    focus = [t for t in things if t not in header]
    asked = query.asked_about[0]
    typed_needed = query.answer_type != "what" and not (answer is not None and answer.mode == "facts")
    return {
        "dense_top": hits[0].dense if hits else 0.0,
        "dense_margin": (hits[0].dense - hits[-1].dense) if len(hits) > 1 else 0.0,
        # Korean passages share no words with an English question: only the embedding can tell.
        "coverage": 0.0 if english else best_share(query.terms),
        "topic_coverage": 0.0 if english else best_share(topic),
        "document_coverage": 0.0 if english else (weighted_share(things, doc_terms, searcher) if things else 1.0),
        # The thing asked about ("항공편은?", "숙소 이름"), unless it is the trip itself: does the report mention it?
        "asked_in_document": 1.0 if not asked or asked in TRIP_NOUNS or asked in GENERIC_TERMS or english
        else float(_written_in(asked.lower(), doc_text)),
        # The countries and organisations the question names: are they this report's?
        "names_in_header": sum(searcher.stats.names_written_in(n, header_text) for n in query.names) / len(query.names) if query.names else 1.0,
        # ... or anywhere in it: a country named as the subject of a talk ("토론회에서 소개된 몽골 도시
        # 사례") is not the trip's destination, but the report names it.
        "names_in_document": sum(searcher.stats.names_written_in(n, doc_text) for n in query.names) / len(query.names) if query.names else 1.0,
        # The foreign cities the question names: does the cited report tell of them at all? ("울산 연수단
        # 런던에서는 어디 갔어?" of a trip to Frankfurt, Paris and Zürich.)
        # A city counts under any of its names (타이페이: the report writes 타이베이).
        "places_in_document": sum(place_named(c.lower(), doc_text) for c in cities) / len(cities) if (cities := [
            t for t in query.topic_terms if t in FOREIGN_CITIES]) else 1.0,
        # Every place, organisation and event the question names: does the cited report name it too?
        # ("목포시 두바이 출장" answered from a Thai trip's report names neither.)
        # English names count once read as the corpus's Korean ones (Frankfurt -> 프랑크푸르트); a place
        # under any of its names (유럽: the report names 프랑스).
        "proper_in_document": (
            weighted_share(query.proper_nouns, {t for t in query.proper_nouns if place_named(t.lower(), doc_text, gone_to)}, searcher)
            if query.proper_nouns else 0.0 if english else 1.0),
        # What is asked beyond which trip (호텔, 항공편, 성명): is it anywhere in that report?
        "focus_document_coverage": 0.0 if english else (weighted_share(focus, doc_terms, searcher) if focus else 1.0),
        # Which trip: the topic words the document's header (title, organisation, place) names.
        "header_coverage": 0.0 if english else (weighted_share(topic, header, searcher) if topic else 1.0),
        "unknown_share": unknown,
        # "얼마", "몇 명", "언제": does the report hold an amount, a count, a date at all?
        "type_value_in_document": 1.0 if not typed_needed or (value := type_evidence(query, TYPE_VALUE)) is None
        else float(bool(value.search(doc_text))),
        "sentence_probability": signals.get("sentence_probability", 1.0 if answer is not None and answer.mode == "facts" else 0.0),
        "sentence_lexical": signals.get("sentence_lexical", 1.0 if answer is not None and answer.mode == "facts" else 0.0),
        "sentence_similarity": signals.get("sentence_similarity", 0.0),
        "type_unmet": 1.0 if typed_needed and not signals.get("sentence_typed", 0.0) else 0.0,
        "from_facts": 1.0 if answer is not None and answer.mode == "facts" else 0.0,
        "english": 1.0 if english else 0.0,
    }


def fit_refusal_model(
    rows: list[dict[str, float]], answerable: list[bool], embedder: str, fitted_on: str, max_false_refusal: float = 0.03,
    extra_unanswerable: list[dict[str, float]] = (),
) -> LogisticModel:
    """Logistic regression on labelled questions (and `extra_unanswerable` examples, for the
    weights only); the threshold keeps false refusals at or below `max_false_refusal` on the
    labelled questions while refusing as many of their unanswerable ones as possible."""
    extra = list(extra_unanswerable)
    model = fit_logistic(rows + extra, list(answerable) + [False] * len(extra), FEATURES, embedder, fitted_on,
                         signs=SIGNS)
    return with_threshold(model, rows, answerable, max_false_refusal)


def with_threshold(model: LogisticModel, rows: list[dict[str, float]], answerable: list[bool],
                   max_false_refusal: float) -> LogisticModel:
    """`model` refusing as many of the unanswerable `rows` as it can while refusing at most
    `max_false_refusal` of the answerable ones."""
    y = np.array(answerable, dtype=bool)
    p = np.array([model.probability(r) for r in rows])
    pos, neg = np.sort(p[y]), p[~y]
    allowed = int(math.floor(max_false_refusal * len(pos)))
    # Refuse below the (allowed+1)-th lowest answerable probability, halfway to the next lower one.
    upper = pos[allowed]
    lower = max([v for v in np.concatenate([pos[:allowed], neg]) if v < upper], default=upper - 0.05)
    return replace(model, threshold=float((upper + lower) / 2))
