"""Keyword index: BM25 (bm25s) over Korean content morphemes.

Stored as bm25s's own npy/json files (loaded with allow_pickle=False).
"""

from __future__ import annotations

from pathlib import Path

import logging

import bm25s
import numpy as np


logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


class KeywordIndex:
    def __init__(self, bm25: bm25s.BM25, size: int):
        self._bm25 = bm25
        self.size = size

    @classmethod
    def build(cls, documents_terms: list[list[str]]) -> "KeywordIndex":
        bm25 = bm25s.BM25(method="lucene")
        # bm25s needs at least one token per document; an empty passage gets a placeholder.
        corpus = [terms or ["\u0000"] for terms in documents_terms]
        bm25.index(corpus, show_progress=False)
        return cls(bm25, len(corpus))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> "KeywordIndex":
        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False), size)

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (unknown terms are ignored)."""
        known = [t for t in terms if t in self._bm25.vocab_dict]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def search(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        scores = self.scores(terms)
        k = min(k, self.size)
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
