"""Refusal: one calibrated decision whether the reports hold the answer.

A logistic regression over evidence features of the retrieval and of the answer a strategy
proposes: dense and keyword evidence of the top passages and their margin, how much of the
question's content (and of its topic words) the best passages cover, how much of it the
corpus does not know at all (after spelling correction), and the best sentence's own scores
(term overlap, embedding similarity, whether it holds what the answer type asks for). No
single feature refuses by itself; a word missing from the corpus only lowers the probability.

The coefficients and the threshold live in a JSON file (never a pickle): the packaged
`qa/refusal_model.json`, fitted on the tune split of `eval/realtrips_dev.jsonl` with
`qa calibrate`, or the one `qa calibrate FILE` writes into an index folder for a user's
own QA file and model.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .answer import Answer, weighted_share
from .korean import content_morphemes
from .query import Query
from .retrieve import Retrieval, Searcher

log = logging.getLogger(__name__)

PACKAGED_MODEL = Path(__file__).with_name("refusal_model.json")
FEATURES = (
    "dense_top", "dense_margin", "coverage", "topic_coverage", "document_coverage", "header_coverage", "unknown_share",
    "sentence_lexical", "sentence_similarity", "type_unmet", "from_facts", "english",
)


EMBEDDING_FEATURES = ("dense_top", "dense_margin", "sentence_similarity")


def evidence_features(query: Query, retrieval: Retrieval, answer: Answer | None, searcher: Searcher) -> dict[str, float]:
    """The features of one proposed answer (see module docstring)."""
    hits = retrieval.hits
    english = query.language == "en"
    top = hits[:3]

    def best_share(terms) -> float:
        if not terms:
            return 1.0
        return max((weighted_share(terms, searcher.terms_of(h.row), searcher) for h in top), default=0.0)

    total = sum(searcher.idf(t) for t in query.terms)
    unknown = sum(searcher.idf(t) for t in query.unknown) / total if total else 0.0
    signals = answer.signals if answer is not None else {}
    # The document the answer would cite: does it hold every topic word of the question at all?
    # ("안동시 독일 출장 경비" finds the trip, but the trip's report never mentions 경비.)
    source = answer.citations[0].source if answer is not None and answer.citations else (hits[0].chunk.source if hits else "")
    doc_terms = searcher.document_terms(source) if source else set()
    doc = searcher.index.documents.get(source)
    header = set(content_morphemes(doc.facts.header())) if doc else set()
    topic = query.topic_terms
    typed_needed = query.answer_type != "what" and not (answer is not None and answer.mode == "facts")
    return {
        "dense_top": hits[0].dense if hits else 0.0,
        "dense_margin": (hits[0].dense - hits[-1].dense) if len(hits) > 1 else 0.0,
        # Korean passages share no words with an English question: only the embedding can tell.
        "coverage": 0.0 if english else best_share(query.terms),
        "topic_coverage": 0.0 if english else best_share(topic),
        "document_coverage": 0.0 if english else (weighted_share(topic, doc_terms, searcher) if topic else 1.0),
        # Which trip: the topic words the document's header (title, organisation, place) names.
        "header_coverage": 0.0 if english else (weighted_share(topic, header, searcher) if topic else 1.0),
        "unknown_share": 0.0 if english else unknown,
        "sentence_lexical": signals.get("sentence_lexical", 1.0 if answer is not None and answer.mode == "facts" else 0.0),
        "sentence_similarity": signals.get("sentence_similarity", 0.0),
        "type_unmet": 1.0 if typed_needed and not signals.get("sentence_typed", 0.0) else 0.0,
        "from_facts": 1.0 if answer is not None and answer.mode == "facts" else 0.0,
        "english": 1.0 if english else 0.0,
    }


@dataclass(frozen=True)
class RefusalModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # refuse when the probability of an answer is below this
    embedder: str = ""  # the model whose similarities it was fitted on
    fitted_on: str = ""
    neutral: tuple[str, ...] = ()  # features read at their mean (embedding scores of another model)

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * ((values.get(f, 0.0) - m) / s)
            for f, m, s, c in zip(self.features, self.mean, self.scale, self.coef)
            if f not in self.neutral
        )
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def refuses(self, values: dict[str, float]) -> bool:
        return self.probability(values) < self.threshold

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, d: dict) -> "RefusalModel":
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()})

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


def load_refusal_model(path: Path | None, embedder: str) -> RefusalModel:
    """The model at `path` when it exists, else the packaged one; warns when fitted for another embedder."""
    chosen = Path(path) if path is not None and Path(path).exists() else PACKAGED_MODEL
    try:
        model = RefusalModel.from_json(json.loads(chosen.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"거절 모델 파일을 읽을 수 없습니다: {chosen} ({exc})") from exc
    if model.embedder and model.embedder != embedder:
        # Similarities of another model are on another scale: decide on the lexical evidence alone.
        model = replace(model, neutral=EMBEDDING_FEATURES)
        log.warning("거절 모델(%s)은 '%s' 임베딩으로 보정되었습니다. 이 색인은 '%s'입니다: `qa calibrate`로 다시 보정하세요.",
                    chosen, model.embedder, embedder)
    return model


def fit_refusal_model(
    rows: list[dict[str, float]], answerable: list[bool], embedder: str, fitted_on: str, max_false_refusal: float = 0.03
) -> RefusalModel:
    """Logistic regression on labelled questions; the threshold keeps false refusals at or below
    `max_false_refusal` on these questions while refusing as many unanswerable ones as possible."""
    from sklearn.linear_model import LogisticRegression

    X = np.array([[r[f] for f in FEATURES] for r in rows], dtype=float)
    y = np.array(answerable, dtype=int)
    if len(set(y)) < 2:
        raise ValueError("보정에는 답할 수 있는 질문과 답할 수 없는 질문이 모두 필요합니다")
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=0.5, class_weight="balanced", max_iter=2000)
    clf.fit((X - mean) / scale, y)
    model = RefusalModel(FEATURES, tuple(mean), tuple(scale), tuple(clf.coef_[0]), float(clf.intercept_[0]), 0.5,
                         embedder, fitted_on)
    p = np.array([model.probability(r) for r in rows])
    pos, neg = np.sort(p[y == 1]), p[y == 0]
    allowed = int(math.floor(max_false_refusal * len(pos)))
    # Refuse below the (allowed+1)-th lowest answerable probability, halfway to the next lower one.
    upper = pos[allowed]
    lower = max([v for v in np.concatenate([pos[:allowed], neg]) if v < upper], default=upper - 0.05)
    threshold = float((upper + lower) / 2)
    return RefusalModel(FEATURES, tuple(mean), tuple(scale), tuple(clf.coef_[0]), float(clf.intercept_[0]),
                        threshold, embedder, fitted_on)
