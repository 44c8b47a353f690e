"""Logistic models fitted on labelled questions, stored as JSON (never a pickle).

Two decisions use one: which sentence answers a question (`qa.extractive`, fitted on whether a
sentence holds the answer's key phrase) and whether to refuse (`qa.refusal`, fitted on whether a
question is answerable). `qa calibrate` fits both on the tune split of a QA file; answering only
needs numpy-free arithmetic on the stored coefficients.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGED = Path(__file__).with_name("models")
SENTENCES = "sentences.json"
REFUSAL = "refusal.json"


def calibration_dir(configured: Path | None, index_dir: Path) -> Path:
    """Where the fitted models are read from: the configured folder, the index's own, or the packaged ones."""
    if configured is not None:
        return Path(configured)
    own = Path(index_dir) / "calibration"
    return own if (own / SENTENCES).exists() and (own / REFUSAL).exists() else PACKAGED


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5  # the decision boundary on the probability, where one is used
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

    def below(self, values: dict[str, float]) -> bool:
        return self.probability(values) < self.threshold

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, d: dict) -> "LogisticModel":
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()})

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


def load_model(path: Path, embedder: str, embedding_features: tuple[str, ...]) -> LogisticModel:
    """The model at `path`; fitted for another embedder, it reads that model's similarity features
    at their mean (they are on another scale) and a warning says to recalibrate."""
    try:
        model = LogisticModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"보정 모델 파일을 읽을 수 없습니다: {path} ({exc})") from exc
    if model.embedder and model.embedder != embedder:
        log.warning("%s은 '%s' 임베딩으로 보정되었습니다. 이 색인은 '%s'입니다: `qa calibrate`로 다시 보정하세요.",
                    path, model.embedder, embedder)
        model = replace(model, neutral=embedding_features)
    return model


def fit_logistic(rows: list[dict[str, float]], labels: list[bool], features: tuple[str, ...], embedder: str,
                 fitted_on: str, C: float = 0.5) -> LogisticModel:
    """A standardised logistic regression (scikit-learn, balanced classes) over `features` of `rows`."""
    from sklearn.linear_model import LogisticRegression

    X = np.array([[r[f] for f in features] for r in rows], dtype=float)
    y = np.array(labels, dtype=int)
    if len(set(y)) < 2:
        raise ValueError("보정에는 두 종류의 예(답 있음/없음)가 모두 필요합니다")
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    clf.fit((X - mean) / scale, y)
    return LogisticModel(features, tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, clf.coef_[0])),
                         float(clf.intercept_[0]), 0.5, embedder, fitted_on)


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def fit_models(qa, questions, fitted_on: str, max_false_refusal: float = 0.04):
    """Fit the sentence model, then the refusal model, on labelled questions (`eval.run.Question`).

    The sentence model learns from the sentences of the retrieved passages whether a sentence of a
    gold document holds one of a question's key phrases; the refusal model learns from the proposed
    answers whether a question is answerable. Questions answered from the trip catalogue are left
    out (they are never refused). Returns (sentence model, refusal model, refusal feature rows, labels).
    """
    from .answer import AnswerContext
    from .extractive import SENTENCE_FEATURES, sentence_features
    from .refusal import fit_refusal_model

    embedder = qa.searcher.embedder.model_id
    passage_questions = []
    for q in questions:
        query = qa.searcher.analyse(q.question)
        if query.catalogue is not None and query.catalogue.confident:
            continue
        passage_questions.append((q, qa.searcher.search(query)))
    rows, labels = [], []
    for q, retrieval in passage_questions:
        if not q.answerable or not q.keys:
            continue
        ctx = AnswerContext(retrieval.query, retrieval, qa.searcher, qa.sentence_model)
        alternatives = [_squash(a) for key in q.keys for a in key]
        for c, f in sentence_features(ctx):
            text = _squash(c.text)
            rows.append(f)
            labels.append(c.hit.chunk.source in q.sources and any(a in text for a in alternatives))
    sentences = fit_logistic(rows, labels, SENTENCE_FEATURES, embedder, fitted_on)
    qa.sentence_model = sentences
    refusal_rows, answerable = [], []
    for q, retrieval in passage_questions:
        refusal_rows.append(qa.proposal(retrieval)[1])
        answerable.append(q.answerable)
    refusal = fit_refusal_model(refusal_rows, answerable, embedder, fitted_on, max_false_refusal)
    qa.refusal = refusal
    return sentences, refusal, refusal_rows, answerable
