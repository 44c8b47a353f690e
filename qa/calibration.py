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


def _standardised(rows: list[dict[str, float]], features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The feature matrix of `rows` standardised, with its column means and scales."""
    X = np.array([[r[f] for f in features] for r in rows], dtype=float)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return (X - mean) / scale, mean, scale


def fit_logistic(rows: list[dict[str, float]], labels: list[bool], features: tuple[str, ...], embedder: str,
                 fitted_on: str, C: float = 0.5, signs: dict[str, int] | None = None) -> LogisticModel:
    """A standardised, L2-penalised logistic regression with balanced classes over `features` of `rows`.

    `signs` fixes the direction of a feature's weight (+1: more of it, more likely a positive;
    -1: less likely), as the evidence it measures says it must be. Correlated evidence features
    otherwise trade weights of opposite signs that fit the tune questions and fail on others
    (a question no passage covers still answered because one coverage weight went negative).
    """
    from scipy.optimize import minimize

    y = np.array(labels, dtype=float)
    if len(set(labels)) < 2:
        raise ValueError("보정에는 두 종류의 예(답 있음/없음)가 모두 필요합니다")
    Z, mean, scale = _standardised(rows, features)
    weight = np.where(y > 0, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))  # balanced classes

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = Z @ w + b
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(weight * (np.logaddexp(0, z) - y * z))
        g = weight * (p - y)
        return nll + 0.5 / C * (w @ w), np.append(Z.T @ g + w / C, g.sum())

    signs = signs or {}
    bounds = [(0, None) if signs.get(f, 0) > 0 else (None, 0) if signs.get(f, 0) < 0 else (None, None) for f in features]
    result = minimize(loss, np.zeros(len(features) + 1), jac=True, method="L-BFGS-B", bounds=bounds + [(None, None)])
    w, b = result.x[:-1], result.x[-1]
    return LogisticModel(features, tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, w)),
                         float(b), 0.5, embedder, fitted_on)


def fit_ranking(rows: list[dict[str, float]], labels: list[bool], groups: list[str], features: tuple[str, ...],
                embedder: str, fitted_on: str, C: float = 0.5, max_pairs: int = 200) -> LogisticModel:
    """A linear model that ranks the right sentences of each question first, as probabilities.

    Which sentence of a question holds the answer is a comparison within that question, so the
    weights are fitted on pairs (a sentence holding the answer against one of the same question
    that does not; a pairwise logistic regression, as in RankNet), then one logistic on the
    resulting score turns it into a probability (Platt scaling) for the answer-length and refusal
    decisions.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.array(labels, dtype=bool)
    Z, mean, scale = _standardised(rows, features)
    rng = np.random.default_rng(0)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    diffs = []
    for members in by_group.values():
        pos = [i for i in members if y[i]]
        neg = [i for i in members if not y[i]]
        pairs = [(p, n) for p in pos for n in neg]
        if len(pairs) > max_pairs:
            pairs = [pairs[j] for j in rng.choice(len(pairs), max_pairs, replace=False)]
        diffs += [Z[p] - Z[n] for p, n in pairs]
    if not diffs:
        raise ValueError("보정에는 답이 있는 문장과 없는 문장이 같은 질문 안에 모두 필요합니다")
    D = np.array(diffs)
    pairwise = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    pairwise.fit(np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))])
    w = pairwise.coef_[0]
    platt = LogisticRegression(C=1e6, max_iter=5000)
    platt.fit((Z @ w)[:, None], y.astype(int))
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return LogisticModel(features, tuple(map(float, mean)), tuple(map(float, scale)), tuple(float(a * v) for v in w),
                         b, 0.5, embedder, fitted_on)


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def _model_decides(proposed) -> bool:
    """Whether the refusal model decides on a proposed answer: not when no strategy answered, nor
    when one found the asked value missing and said so (`QA._propose`)."""
    return proposed is not None and not proposed.abstained


def fit_models(qa, questions, fitted_on: str, max_false_refusal: float = 0.04, withhold: bool = True,
               keep_sentences: bool = False):
    """Fit the sentence model (unless `keep_sentences`: the loaded one is kept), then the refusal
    model, on labelled questions (`eval.run.Question`).

    The sentence model learns from the sentences of the retrieved passages whether a sentence of a
    gold document holds one of a question's key phrases; the refusal model learns from the proposed
    answers whether a question is answerable. Questions answered from the trip catalogue are left
    out (they are never refused).

    A QA file has few unanswerable questions, so with `withhold` each answerable one is also asked
    twice with its answer taken away (`withheld_variants`), as unanswerable examples for the
    refusal model's weights; its threshold is still chosen on the file's own questions.
    Returns (sentence model, refusal model, refusal feature rows, labels) of the file's questions.
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
    rows, labels, groups = [], [], []
    for q, retrieval in passage_questions:
        if keep_sentences or not q.answerable or not q.keys:
            continue
        ctx = AnswerContext(retrieval.query, retrieval, qa.searcher, qa.sentence_model)
        alternatives = [_squash(a) for key in q.keys for a in key]
        for c, f in sentence_features(ctx):
            text = _squash(c.text)
            rows.append(f)
            labels.append(c.hit.chunk.source in q.sources and any(a in text for a in alternatives))
            groups.append(q.id)
    sentences = qa.sentence_model if keep_sentences else fit_ranking(rows, labels, groups, SENTENCE_FEATURES, embedder, fitted_on)
    qa.sentence_model = sentences
    refusal_rows, answerable, withheld_rows = [], [], []
    for q, retrieval in passage_questions:
        proposed, features = qa.proposal(retrieval)
        if _model_decides(proposed):
            refusal_rows.append(features)
            answerable.append(q.answerable)
        if withhold and q.answerable and q.keys and q.sources:
            for r, w in withheld_variants(qa, q, retrieval, proposed):
                answer, features = qa.proposal(r, exclude=w)
                if _model_decides(answer):
                    withheld_rows.append(features)
    refusal = fit_refusal_model(refusal_rows, answerable, embedder, fitted_on, max_false_refusal, withheld_rows)
    qa.refusal = refusal
    return sentences, refusal, refusal_rows, answerable


def refit_threshold(qa, questions, fitted_on: str, max_false_refusal: float) -> LogisticModel:
    """The loaded refusal model with its weights kept and its threshold chosen anew on labelled
    questions (more of them than the weights were fitted on, or another trade-off)."""
    from .refusal import with_threshold

    rows, answerable = [], []
    for q in questions:
        query = qa.searcher.analyse(q.question)
        if query.catalogue is not None and query.catalogue.confident:
            continue
        proposed, features = qa.proposal(qa.searcher.search(query))
        if not _model_decides(proposed):
            continue
        rows.append(features)
        answerable.append(q.answerable)
    model = with_threshold(qa.refusal, rows, answerable, max_false_refusal)
    return replace(model, fitted_on=f"{qa.refusal.fitted_on}; threshold: {fitted_on}")


def withheld_variants(qa, q, retrieval, proposed):
    """An answerable question made unanswerable, two ways: (retrieval, withheld sentences).
    `proposed` is the answer the question gets with nothing withheld.

    1. Its report is left out of the search: a question about a trip the corpus does not hold.
    2. The sentences of its report that hold a key phrase are withheld: the trip is there, the
       detail asked for is not ("그 출장에서 묵은 호텔은?").
    A variant is dropped when another retrieved report holds a key phrase (it may still be answerable).
    """
    from .extractive import display

    searcher = qa.searcher
    documents = searcher.index.documents
    alternatives = [_squash(a) for key in q.keys for a in key if len(_squash(a)) > 1]
    gold = set(q.sources)

    def holds(text: str) -> bool:
        text = _squash(text)
        return any(a in text for a in alternatives)

    variants = []
    others = [s for s in documents if s not in gold]
    elsewhere = searcher.search(retrieval.query, sources=others)
    if not any(holds(documents[s].text) for s in {h.chunk.source for h in elsewhere.hits}):
        variants.append((elsewhere, frozenset()))
    if proposed is not None and proposed.mode == "extractive" \
            and not any(holds(h.chunk.text) for h in retrieval.hits if h.chunk.source not in gold):
        withheld = frozenset(
            display(chunk.text[s:e])
            for chunk in searcher.index.chunks if chunk.source in gold
            for s, e in chunk.sentences if holds(chunk.text[s:e])
        )
        if withheld:
            variants.append((retrieval, withheld))
    return variants
